"""Step 6 (MigrationsComplete): the migration Job of the desired app version.

The workload step only runs after this one is True, so the app is never
rolled to a version whose migrations have not completed.
"""

from __future__ import annotations

from tenant_operator import change_report as report
from tenant_operator import conditions as c
from tenant_operator import names
from tenant_operator.conditions import Condition
from tenant_operator.kube.client import KubeApiError
from tenant_operator.kube.resources import KINDS, object_path
from tenant_operator.schema_revision import expected_revision
from tenant_operator.specs.migration_job import job_state, migration_job
from tenant_operator.steps.context import ReconcileContext, StepFailed, StepWaiting


async def ensure_migrations(ctx: ReconcileContext) -> Condition:
    """Run (once per version) ``python -m tenant_app migrate`` and record the schema revision."""
    t = ctx.tenant
    version = t.desired_app_version
    revision = expected_revision(version, default_version=ctx.runtime.config.workload.default_app_version)
    if ctx.status.get("appVersion") == version and ctx.status.get("schemaRevision") == revision:
        ctx.app_version, ctx.schema_revision = version, revision
        return _complete(version, revision)

    job = migration_job(t, version=version, schema_revision=revision)
    job_name = job["metadata"]["name"]
    path = object_path(job)
    try:
        live = None if ctx.fresh_namespace else await ctx.kube.get(path)
        if live is None:
            live = await ctx.ensure_object(job, None, created_reason=report.CREATED)
        state = job_state(live)
        if state == "running":
            live = await ctx.wait_for_object(
                KINDS["Job"].collection(t.namespace),
                job_name,
                lambda job: job_state(job) in ("complete", "failed", "absent"),
                current=live,
            )
            state = job_state(live)
    except KubeApiError as err:
        raise StepFailed("KubernetesApiError", err.message) from err

    if state == "failed":
        raise StepFailed(
            "MigrationFailed",
            f"Job {job_name} failed migrating to app version {version}; the app stays on "
            f"{ctx.status.get('appVersion') or 'no version'}. Fix the version (spec.appVersion) "
            f"or delete the Job to retry.",
            permanent=True,
        )
    if state != "complete":
        raise StepWaiting(
            "MigrationRunning", f"Job {job_name} is migrating the database to app version {version}"
        )

    ctx.app_version, ctx.schema_revision = version, revision
    ctx.status_updates.update(appVersion=version, schemaRevision=revision)
    ctx.record(
        "Database",
        names.pg_identifier(t.name),
        f"migrated to {revision} (app version {version})",
        reason=report.UPDATED if ctx.status.get("appVersion") else report.CREATED,
    )
    await _delete_other_versions(ctx, keep=job_name)
    return _complete(version, revision)


def _complete(version: str, revision: str) -> Condition:
    return Condition(
        c.MIGRATIONS_COMPLETE, c.TRUE, "MigrationsComplete", f"schema {revision} for app version {version}"
    )


async def _delete_other_versions(ctx: ReconcileContext, *, keep: str) -> None:
    """Old versions' Jobs are history only once a newer version migrated."""
    if ctx.fresh_namespace:
        return  # created in this very pass: no other Job can be there
    jobs = KINDS["Job"]
    listing = await ctx.kube.request(
        "GET",
        jobs.collection(ctx.tenant.namespace),
        params={"labelSelector": "app.kubernetes.io/component=migration"},
    )
    for item in listing.get("items") or []:
        job_name = item["metadata"]["name"]
        if job_name != keep:
            await ctx.kube.delete(jobs.path(job_name, ctx.tenant.namespace))
