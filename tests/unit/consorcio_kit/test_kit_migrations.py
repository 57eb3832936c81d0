"""Both apps run Alembic through the one runner in consorcio_kit."""

from __future__ import annotations

import re

import pytest

from consorcio_kit.migrations import MigrationScripts

pytestmark = pytest.mark.unit


def test_each_app_has_one_head_and_its_own_lock() -> None:
    from control_plane.migrations import runner as control_plane_runner

    from tenant_app.migrations import runner as tenant_app_runner

    scripts = [tenant_app_runner.SCRIPTS, control_plane_runner.SCRIPTS]
    for s in scripts:
        assert isinstance(s, MigrationScripts)
        assert len(s.heads()) == 1, s.directory
        assert (s.directory / "env.py").exists()
    assert scripts[0].advisory_lock_id != scripts[1].advisory_lock_id
    assert scripts[0].directory != scripts[1].directory


def test_config_carries_the_asyncpg_url_with_percent_escaped() -> None:
    from tenant_app.migrations import runner

    cfg = runner.SCRIPTS.config("postgresql://u:p%40w@db/t?sslmode=require")
    assert cfg.get_main_option("sqlalchemy.url") == "postgresql+asyncpg://u:p%40w@db/t?ssl=require"
    assert cfg.get_main_option("script_location") == str(runner.SCRIPTS.directory)


def test_usage_message_for_unknown_commands() -> None:
    from tenant_app.migrations import runner

    with pytest.raises(SystemExit, match=re.escape("usage: python -m tenant_app.migrations.runner")):
        runner.SCRIPTS.main(["autogenerate"])
