"""Pure access rules: role matrix, tenant-app identities, admin tokens, invoice states, settings."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from control_plane.auth.principals import AdminPrincipal, tenant_slug_for_username
from control_plane.auth.roles import PERMISSIONS, Permission, Role, allows
from control_plane.auth.tokens import InvalidToken, decode_admin_token, issue_admin_token
from control_plane.billing.invoice_states import TRANSITIONS, can_transition
from control_plane.billing.models import InvoiceStatus
from control_plane.settings import Settings, SettingsError, asyncpg_url

pytestmark = pytest.mark.unit


def test_role_matrix() -> None:
    assert PERMISSIONS[Role.PLATFORM_ADMIN] == frozenset(Permission)
    assert not any(p.value.endswith((":write", ":plan", ":suspend")) for p in PERMISSIONS[Role.SRE_READONLY])
    assert allows(Role.SRE_READONLY, Permission.AUDIT_READ)
    assert allows(Role.BILLING, Permission.BILLING_WRITE)
    assert allows(Role.BILLING, Permission.TENANTS_SUSPEND)
    assert not allows(Role.BILLING, Permission.TENANTS_WRITE)
    assert not allows(Role.BILLING, Permission.FLAGS_WRITE)
    assert not allows("root", Permission.TENANTS_READ)


@pytest.mark.parametrize(
    ("username", "slug"),
    [
        ("system:serviceaccount:tenant-acme:tenant-app", "acme"),
        ("system:serviceaccount:tenant-a-b-1:tenant-app", "a-b-1"),
        ("system:serviceaccount:tenant-acme:default", None),
        ("system:serviceaccount:kube-system:tenant-app", None),
        ("system:serviceaccount:tenant-:tenant-app", None),
        ("system:serviceaccount:tenant-acme:tenant-app:extra", None),
        ("admin", None),
        ("system:serviceaccount:tenant-ACME:tenant-app", None),
    ],
)
def test_only_the_tenant_app_service_account_maps_to_a_tenant(username: str, slug: str | None) -> None:
    assert tenant_slug_for_username(username) == slug


def test_admin_token_round_trip_and_rejections() -> None:
    principal = AdminPrincipal(uuid.uuid4(), "ops@example.com", Role.BILLING)
    token = issue_admin_token(principal, "k" * 40, 60)
    assert decode_admin_token(token, "k" * 40) == principal
    with pytest.raises(InvalidToken):
        decode_admin_token(token, "other-key" * 5)
    expired = issue_admin_token(principal, "k" * 40, 60, now=datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(InvalidToken):
        decode_admin_token(expired, "k" * 40)
    with pytest.raises(InvalidToken):
        decode_admin_token("not-a-jwt", "k" * 40)


def test_invoice_state_machine() -> None:
    S = InvoiceStatus
    assert can_transition(S.DRAFT, S.OPEN)
    assert can_transition(S.OPEN, S.PAID)
    assert can_transition(S.UNCOLLECTIBLE, S.PAID)
    assert not can_transition(S.PAID, S.VOID)
    assert not can_transition(S.VOID, S.OPEN)
    assert not can_transition(S.DRAFT, S.PAID)
    assert set(TRANSITIONS) == set(S)


def test_settings_from_env() -> None:
    settings = Settings.from_env(
        {
            "CONTROL_PLANE_DATABASE_URL": "postgresql://u:p@h:5432/cp?sslmode=require",
            "CONTROL_PLANE_DUNNING_REMINDER_DAYS": "7, 1,3",
            "CONTROL_PLANE_DUNNING_GRACE_DAYS": "20",
        }
    )
    assert settings.database.url == "postgresql+asyncpg://u:p@h:5432/cp?ssl=require"
    assert settings.billing.reminder_days == (1, 3, 7)
    assert settings.billing.grace_days == 20
    assert (settings.server.host, settings.server.port) == ("127.0.0.1", 8100)
    with pytest.raises(SettingsError):
        Settings.from_env({})
    with pytest.raises(SettingsError):
        Settings.from_env({"CONTROL_PLANE_DATABASE_URL": "postgresql://h/d", "CONTROL_PLANE_PORT": "x"})
    with pytest.raises(SettingsError):
        asyncpg_url("mysql://h/d")
