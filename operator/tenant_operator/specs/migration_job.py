"""The Job that migrates a tenant database to an app version's schema."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from tenant_operator import names
from tenant_operator.specs.pod import container, pod_template
from tenant_operator.specs.tenant import TenantView

MIGRATE_COMMAND = ["python", "-m", "tenant_app", "migrate"]
MIGRATION = "migration"


def migration_job_name(version: str) -> str:
    """``tenant-migrate-<version>-<hash>``: one Job per version (a Job's pod template is immutable).

    The readable part is cut to fit the 63-character limit of the job-name
    label; the hash keeps two long versions apart.
    """
    readable = re.sub(r"[^a-z0-9-]+", "-", version.lower()).strip("-")[:30].strip("-")
    digest = hashlib.sha256(version.encode()).hexdigest()[:8]
    return f"{names.MIGRATION_JOB_PREFIX}{readable + '-' if readable else ''}{digest}"


def migration_job(t: TenantView, *, version: str, schema_revision: str) -> dict[str, Any]:
    """Job running ``python -m tenant_app migrate`` with the tenant's environment."""
    c = container(t, name="migrate", version=version, command=MIGRATE_COMMAND)
    metadata = t.metadata(migration_job_name(version), **{"app.kubernetes.io/component": MIGRATION})
    metadata["annotations"] = {
        names.APP_VERSION_ANNOTATION: version,
        names.SCHEMA_REVISION_ANNOTATION: schema_revision,
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": metadata,
        "spec": {
            "backoffLimit": 3,
            "activeDeadlineSeconds": 1800,
            "template": pod_template(
                t,
                component=MIGRATION,
                containers=[c],
                annotations={names.APP_VERSION_ANNOTATION: version},
                restart_policy="Never",
            ),
        },
    }


def job_state(job: dict[str, Any] | None) -> str:
    """``absent``, ``running``, ``complete`` or ``failed`` from a live Job's conditions."""
    if job is None:
        return "absent"
    for cond in (job.get("status") or {}).get("conditions") or []:
        if cond.get("status") != "True":
            continue
        if cond.get("type") == "Complete":
            return "complete"
        if cond.get("type") == "Failed":
            return "failed"
    return "running"
