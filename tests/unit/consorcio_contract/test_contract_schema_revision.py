"""The operator records the tenant app's Alembic head from a constant in the
contract (it may not import the tenant app); the constant must follow the
real head, so adding a tenant migration without bumping it fails here.
"""

from __future__ import annotations

import pytest
from tenant_operator.schema_revision import expected_revision

from consorcio_contract.schema_revision import TENANT_APP_ALEMBIC_HEAD
from tenant_app.migrations.runner import script_heads

pytestmark = pytest.mark.unit


def test_constant_is_the_tenant_apps_alembic_head() -> None:
    assert script_heads() == [TENANT_APP_ALEMBIC_HEAD], (
        "a tenant_app migration changed the Alembic head: set "
        "consorcio_contract/schema_revision.py TENANT_APP_ALEMBIC_HEAD to it"
    )


def test_operator_records_the_head_for_its_own_version_only() -> None:
    assert expected_revision("1.0.0", default_version="1.0.0") == TENANT_APP_ALEMBIC_HEAD
    assert expected_revision("1.1.0", default_version="1.0.0") == "app-1.1.0"
