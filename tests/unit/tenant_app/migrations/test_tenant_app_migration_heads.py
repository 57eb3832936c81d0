"""The Alembic revision graph stays linear: several engineers add revisions."""

import pytest

from tenant_app.migrations.runner import script_heads
from tenant_app.model_registry import metadata

pytestmark = pytest.mark.unit


def test_exactly_one_head() -> None:
    heads = script_heads()
    assert len(heads) == 1, f"Alembic must have exactly one head, found {heads}"


def test_every_table_has_a_primary_key() -> None:
    for table in metadata.tables.values():
        assert table.primary_key.columns, table.name
