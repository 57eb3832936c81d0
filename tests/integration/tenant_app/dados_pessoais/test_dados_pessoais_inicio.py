"""A process without the personal-data key refuses to start and says why (the worker, the app's server)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tenant_app.dados_pessoais import chaves
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


def _sem_chave(tenant: Tenant) -> dict[str, str]:
    env = {**os.environ, **tenant.env}
    env.pop(chaves.VARIAVEL_LOCAL, None)
    env.pop("VAULT_ADDR", None)
    return env


def test_worker_sem_chave_recusa_iniciar(tenant: Tenant) -> None:
    feito = subprocess.run(
        [sys.executable, "-m", "tenant_app", "worker", "--no-beat"],
        env=_sem_chave(tenant),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert feito.returncode == 2, feito.stdout + feito.stderr
    assert "Sem chave para os dados pessoais" in feito.stderr


def test_servidor_sem_chave_recusa_iniciar(tenant: Tenant) -> None:
    feito = subprocess.run(
        [sys.executable, "-m", "tenant_app", "serve", "--port", "0"],
        env=_sem_chave(tenant),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert feito.returncode != 0
    assert "Sem chave para os dados pessoais" in feito.stdout + feito.stderr
