"""Run the control plane's Alembic migrations (the runner itself is consorcio_kit.migrations).

Adding a revision: ``python -m control_plane.migrations.runner autogenerate URL -m "..."``
against a database at head, then edit the file: date-prefixed revision id,
review every operation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from consorcio_kit.migrations import MigrationScripts

SCRIPTS = MigrationScripts(
    directory=Path(__file__).resolve().parent,
    # make up starts migrate beside serve/worker/beat, and replicas may run it
    # as an init step: the lock makes them apply each revision once.
    advisory_lock_id=0x43504D49,  # "CPMI"
    command_name="control_plane.migrations.runner",
)

upgrade = SCRIPTS.upgrade
downgrade = SCRIPTS.downgrade
current_revision = SCRIPTS.current_revision
script_heads = SCRIPTS.heads

if __name__ == "__main__":
    SCRIPTS.main(sys.argv[1:])
