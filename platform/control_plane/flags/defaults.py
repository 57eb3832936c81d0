"""The platform's own flags (``consorcio_contract.feature_flags``), created by ``migrate``.

Only flags that do not exist yet are inserted, with ``ON CONFLICT DO
NOTHING`` so two ``migrate`` runs racing are harmless: a value an
administrator changed is never reset by a deployment. Tenant apps pick the
new flags up on their next long poll (within the poll's wait).
"""

from __future__ import annotations

import secrets
import uuid

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_contract.feature_flags import PLATFORM_FLAGS, PlatformFlag
from consorcio_contract.flag_rules import ValueType
from control_plane.audit.service import ActionContext, AuditService
from control_plane.flags.models import FeatureFlag


def _row(flag: PlatformFlag) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "key": flag.key,
        "description": flag.description,
        "value_type": ValueType.BOOLEAN,
        "enabled": True,
        "default_value": flag.default_value,
        "plan_values": {plan.value: value for plan, value in flag.plan_values.items()},
        "tenant_values": {},
        "rollout": None,
        "salt": secrets.token_hex(8),
        "version": 1,
    }


async def ensure_platform_flags(session: AsyncSession) -> list[str]:
    """Create the platform flags that are missing; returns the keys created (and audits them)."""
    statement = (
        insert(FeatureFlag)
        .values([_row(flag) for flag in PLATFORM_FLAGS])
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(FeatureFlag.key)
    )
    created = sorted((await session.scalars(statement)).all())
    audit = AuditService(session)
    for key in created:
        audit.record(ActionContext.system("migrate"), "flag.create", "flag", key, {"seeded": True})
    await session.commit()
    return created
