"""Which database schema revision a migration Job leaves behind.

kwok runs no containers, and a real Job reports nothing back, so the
operator records the revision it expects: the single Alembic head of the
tenant_app package shipped in the same release as the operator (the
operator and tenant-app images are built from one repository and tag).
When that cannot be determined (no tenant_app migrations importable, or
several heads) it records ``app-<version>`` instead, which still changes
whenever the schema can have changed.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def bundled_head() -> str | None:
    """The Alembic head of the bundled tenant_app, or None."""
    try:
        from tenant_app.migrations.runner import script_heads
    except ImportError:
        return None
    try:
        heads = script_heads()
    except Exception:  # a broken script directory must not stop the operator
        return None
    return heads[0] if len(heads) == 1 else None


def expected_revision(version: str, *, default_version: str) -> str:
    """The revision recorded once ``version``'s migration Job completed."""
    head = bundled_head()
    if head is not None and version == default_version:
        return head
    return f"app-{version}"
