"""Step 3 (DatabaseReady): the tenant's role and database on the shared PostgreSQL."""

from __future__ import annotations

import asyncpg

from tenant_operator import conditions as c
from tenant_operator import names
from tenant_operator.conditions import Condition
from tenant_operator.provisioners.postgres import RetainedForAnother
from tenant_operator.steps.context import ReconcileContext, StepFailed


async def ensure_database(ctx: ReconcileContext) -> Condition:
    """Role and database ``tenant_<name>``; the password is the one stored in the tenant's secrets."""
    creds = await ctx.tenant_credentials()
    ident = names.pg_identifier(ctx.name)
    try:
        changes = await ctx.runtime.postgres.ensure(
            ident, creds.db_password, ctx.tenant.plan.database, cnpj=ctx.tenant.spec.normalized_cnpj
        )
    except RetainedForAnother as err:
        raise StepFailed("RetainedDataConflict", str(err), permanent=True) from err
    except (OSError, TimeoutError, asyncpg.CannotConnectNowError, asyncpg.InterfaceError) as err:
        raise StepFailed("DatabaseUnavailable", f"PostgreSQL is unreachable: {err}") from err
    except asyncpg.PostgresError as err:
        raise StepFailed("DatabaseError", f"{type(err).__name__}: {err}") from err
    for change in changes:
        ctx.record("Database", ident, change)
    return Condition(
        c.DATABASE_READY,
        c.TRUE,
        "DatabaseReady",
        f"database {ident} owned by role {ident}; CONNECT revoked from PUBLIC;"
        f" connection limit {ctx.tenant.plan.database.connection_limit}",
    )
