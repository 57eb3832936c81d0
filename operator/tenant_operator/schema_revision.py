"""Which database schema revision a migration Job leaves behind.

For the default app version (the tenant-app image built from the same
repository and tag as the operator) that is the Alembic head declared in the
contract; for any other pinned version the operator cannot know the head, so
it records ``app-<version>``, which still changes whenever the schema can
have changed.
"""

from __future__ import annotations

from consorcio_contract.schema_revision import TENANT_APP_ALEMBIC_HEAD


def expected_revision(version: str, *, default_version: str) -> str:
    """The revision recorded once ``version``'s migration Job completed."""
    if version == default_version:
        return TENANT_APP_ALEMBIC_HEAD
    return f"app-{version}"
