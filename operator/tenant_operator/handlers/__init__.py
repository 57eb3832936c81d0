"""Kopf handlers, one per file. Importing this package registers them all."""

from tenant_operator.handlers import (  # noqa: F401  (imported for registration)
    handle_backup_timer,
    handle_create_tenant,
    handle_delete_tenant,
    handle_resume_tenant,
    handle_resync_timer,
    handle_update_tenant,
    on_cleanup,
    on_startup,
    watch_owned_objects,
    watch_tenant_secrets,
    watch_tenants,
)
