"""Scheduled backups (pure): the plan's interval and retention, overrides, when one is due, what is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tenant_operator.backups.schedule import due, parse_time, policy, retain
from tenant_operator.config import ConfigError, OperatorConfig
from tenant_operator.provisioners.backup import stamp_of

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_each_plan_has_its_rpo_and_retention() -> None:
    assert policy("starter").interval == timedelta(hours=24)
    assert policy("enterprise").interval == timedelta(hours=1)  # seed 000's RPO of one hour
    assert policy("professional").retention > policy("starter").retention
    assert policy("starter", interval_seconds=5, retention=2) == policy(
        "enterprise", interval_seconds=5, retention=2
    )


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (None, True),
        ({}, True),
        ({"takenAt": "not a time"}, True),
        ({"takenAt": "2026-12-07T11:00:00Z"}, True),  # exactly one interval ago
        ({"takenAt": "2026-12-07T11:30:00Z"}, False),
    ],
)
def test_due_after_one_interval(last: dict | None, expected: bool) -> None:
    assert due(last, NOW, timedelta(hours=1)) is expected


def test_retention_keeps_the_newest_and_lists_the_rest_for_deletion() -> None:
    old = [{"path": f"/b/t-{i}.dump"} for i in (3, 2, 1)]
    kept, dropped = retain(old, {"path": "/b/t-4.dump"}, 2)
    assert [k["path"] for k in kept] == ["/b/t-4.dump", "/b/t-3.dump"]
    assert [d["path"] for d in dropped] == ["/b/t-2.dump", "/b/t-1.dump"]
    kept, dropped = retain(old[:1], {"path": "/b/t-3.dump"}, 2)  # the same backup twice: listed once
    assert [k["path"] for k in kept] == ["/b/t-3.dump"] and dropped == []


def test_stamp_and_time_parsing() -> None:
    assert stamp_of("/var/lib/b/acme-20261207T120000000000Z.dump", "acme") == "20261207T120000000000Z"
    assert parse_time("2026-12-07T12:00:00Z") == NOW


def test_overrides_are_read_and_checked() -> None:
    base = {"OPERATOR_PG_ADMIN_DSN": "postgresql://a@h/d", "OPERATOR_REDIS_ADMIN_URL": "redis://h"}
    config = OperatorConfig.from_env(
        base | {"OPERATOR_BACKUP_INTERVAL_SECONDS": "30", "OPERATOR_BACKUP_RETENTION": "3"}
    )
    assert config.backup_interval_seconds == 30 and config.backup_retention == 3 and config.scheduled_backups
    assert not OperatorConfig.from_env(base | {"OPERATOR_SCHEDULED_BACKUPS": "off"}).scheduled_backups
    with pytest.raises(ConfigError):
        OperatorConfig.from_env(base | {"OPERATOR_BACKUP_INTERVAL_SECONDS": "-1"})
