"""Run the tenant database's Alembic migrations (the runner itself is consorcio_kit.migrations).

Adding a revision: ``python -m tenant_app.migrations.runner revision -m "..."``
or write one by hand in ``versions/`` with a date-prefixed ``revision`` id and
``down_revision`` set to the current head (there must always be one head),
then set ``consorcio_contract.schema_revision.TENANT_APP_ALEMBIC_HEAD`` to it:
the operator records that head and may not import this package to ask.
"""

from __future__ import annotations

import sys
from pathlib import Path

from consorcio_kit.migrations import MigrationScripts

SCRIPTS = MigrationScripts(
    directory=Path(__file__).resolve().parent,
    # One migration Job per version runs at a time already; the lock is
    # per database, so it only matters when someone runs migrate by hand too.
    advisory_lock_id=0x54414D49,  # "TAMI"
    command_name="tenant_app.migrations.runner",
)

upgrade = SCRIPTS.upgrade
downgrade = SCRIPTS.downgrade
current_revision = SCRIPTS.current_revision
script_heads = SCRIPTS.heads

if __name__ == "__main__":
    SCRIPTS.main(sys.argv[1:])
