"""libpq URLs become asyncpg URLs the same way in both apps, sslmode included."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from consorcio_kit.database.url import InvalidDatabaseUrl, asyncpg_url

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("libpq", "expected"),
    [
        ("postgresql://u:p@db:5432/t", "postgresql+asyncpg://u:p@db:5432/t"),
        ("postgres://u:p@db/t", "postgresql+asyncpg://u:p@db/t"),
        ("postgresql://u:p@db/t?sslmode=require", "postgresql+asyncpg://u:p@db/t?ssl=require"),
        ("postgresql://u:p@db/t?sslmode=verify-full", "postgresql+asyncpg://u:p@db/t?ssl=verify-full"),
        ("postgresql+asyncpg://u:p@db/t?ssl=require", "postgresql+asyncpg://u:p@db/t?ssl=require"),
    ],
)
def test_translation(libpq: str, expected: str) -> None:
    assert asyncpg_url(libpq) == expected
    assert asyncpg_url(expected) == expected  # idempotent


def test_password_with_reserved_characters_survives() -> None:
    url = make_url(asyncpg_url("postgresql://u:p%40ss%2Fw@db/t?sslmode=disable"))
    assert (url.password, url.query) == ("p@ss/w", {"ssl": "disable"})


@pytest.mark.parametrize(
    "url",
    [
        "mysql://u@db/t",
        "db:5432/t",
        "postgresql://u@db/t?sslrootcert=/ca.pem",  # asyncpg.connect has no such keyword
        "postgresql://u@db/t?connect_timeout=5",
    ],
)
def test_rejected(url: str) -> None:
    with pytest.raises(InvalidDatabaseUrl):
        asyncpg_url(url)


def test_both_apps_map_sslmode() -> None:
    from control_plane.settings import asyncpg_url as control_plane_url

    from tenant_app.settings import asyncpg_url as tenant_app_url

    libpq = "postgresql://u:p@db/t?sslmode=require"
    assert tenant_app_url(libpq) == control_plane_url(libpq) == "postgresql+asyncpg://u:p@db/t?ssl=require"
