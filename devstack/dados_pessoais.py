"""The personal-data key of tests and benchmarks (``DADOS_PESSOAIS_CHAVE_LOCAL_SOMENTE_DEV``).

A tenant app with this variable set encrypts personal data with it instead of a data key wrapped
by Vault Transit (``tenant_app.dados_pessoais.chaves``). Tests and benchmarks that build apps,
workers or sessions in-process set it; the demo tenant of ``make up`` does not (it uses Transit
like a pod). Not a secret: it protects only throwaway test data.
"""

from __future__ import annotations

import base64
import hashlib
import os

VARIAVEL = "DADOS_PESSOAIS_CHAVE_LOCAL_SOMENTE_DEV"
CHAVE_DEV = base64.b64encode(hashlib.sha256(b"consorcio devstack: dados pessoais de teste").digest()).decode()


def usar_chave_dev() -> None:
    """Give this process (and the processes it starts) the test key, unless one is set already."""
    os.environ.setdefault(VARIAVEL, CHAVE_DEV)
