"""A root-run stack's PostgreSQL cluster lives outside .devstack (devstack/postgres.py), so it must
not outlive the .devstack it was made for: CI clones the repository at the same path every time,
and the second run's new etcd and Vault met the first run's databases (the demo tenant's data key
wrapped by a Transit key the new Vault never had: "message authentication failed").

Only the ownership bookkeeping is tested here, on folders; the real start is in every integration
test's devstack."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack import postgres
from devstack.config import Ports, StackConfig

pytestmark = pytest.mark.unit


@pytest.fixture
def service_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "service"
    root.mkdir()
    monkeypatch.setattr(postgres, "SERVICE_ROOT", root)
    monkeypatch.setattr(postgres, "_as_service_user", lambda: True)
    return root


def _stack(path: Path) -> StackConfig:
    return StackConfig(root=path / ".devstack", ports=Ports.from_env())


def _cluster(cfg: StackConfig) -> Path:
    data = postgres.home(cfg) / "data"
    data.mkdir(parents=True)
    (data / "PG_VERSION").write_text("17\n")
    return postgres.home(cfg)


def _start(cfg: StackConfig) -> list[str]:
    said: list[str] = []
    postgres._forget_stale_clusters(cfg, said.append)
    postgres.home(cfg).mkdir(parents=True, exist_ok=True)
    postgres._record_owner(cfg)
    return said


def test_a_cluster_survives_restarts_of_its_own_stack(service_root: Path, tmp_path: Path) -> None:
    cfg = _stack(tmp_path / "checkout")
    assert _start(cfg) == []
    cluster = _cluster(cfg)
    assert _start(cfg) == [] and (cluster / "data" / "PG_VERSION").exists()


def test_a_new_devstack_at_the_same_path_does_not_inherit_the_old_cluster(
    service_root: Path, tmp_path: Path
) -> None:
    cfg = _stack(tmp_path / "checkout")
    _start(cfg)
    cluster = _cluster(cfg)
    # The checkout deleted and cloned again (or `rm -rf .devstack`): a new stack id.
    (cfg.root / postgres.STACK_ID).unlink()
    said = _start(cfg)
    assert len(said) == 1 and "made for an earlier" in said[0]
    assert not (cluster / "data").exists()
    assert (cluster / postgres.STACK_ID).read_text() == (cfg.root / postgres.STACK_ID).read_text()


def test_a_cluster_from_before_stack_ids_is_adopted_only_with_its_old_devstack(
    service_root: Path, tmp_path: Path
) -> None:
    kept = _stack(tmp_path / "kept")
    (kept.root / "etcd").mkdir(parents=True)  # the developer's stack, started before ids existed
    kept_cluster = _cluster(kept)
    assert _start(kept) == [] and (kept_cluster / "data" / "PG_VERSION").exists()

    fresh = _stack(tmp_path / "fresh")  # a fresh clone where an old cluster was left
    fresh_cluster = _cluster(fresh)
    assert "made for an earlier" in _start(fresh)[0]
    assert not (fresh_cluster / "data").exists()


def test_clusters_of_deleted_checkouts_are_removed_but_not_running_ones(
    service_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone, alive, other = (_stack(tmp_path / name) for name in ("gone", "alive", "other"))
    for cfg in (gone, alive):
        _start(cfg)
        _cluster(cfg)
    (tmp_path / "gone" / ".devstack" / postgres.STACK_ID).unlink()
    (tmp_path / "gone" / ".devstack").rmdir()
    (tmp_path / "alive" / ".devstack" / postgres.STACK_ID).unlink()
    (tmp_path / "alive" / ".devstack").rmdir()
    running = postgres.home(alive)
    monkeypatch.setattr(postgres, "_server_alive", lambda cluster: cluster == running)

    said = _start(other)
    assert said == [
        f"deleting the PostgreSQL cluster in {postgres.home(gone)}: its stack {gone.root} no longer exists"
    ]
    assert not postgres.home(gone).exists() and running.exists()
