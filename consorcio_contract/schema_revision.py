"""The tenant app's database schema revision that this release expects.

kwok runs no containers, and a real migration Job reports nothing back, so
the operator records the revision it expects once the Job completed. It
cannot import the tenant app to ask Alembic (the components never import
each other), hence this constant.

Adding a tenant_app migration REQUIRES bumping it to the new head:
tests/unit/consorcio_contract/test_contract_schema_revision.py fails until it equals
tenant_app's real Alembic head.
"""

from __future__ import annotations

TENANT_APP_ALEMBIC_HEAD = "2026_12_07_1800"
