"""Which ConsorcioTenants this operator process handles.

Normally one operator handles every tenant. An operator started with
``OPERATOR_INSTANCE=<id>`` (tests, benchmarks, a canary) handles only the
tenants labelled ``consorcio.io/operator-instance=<id>``, and the default
operator leaves those alone, so two operators never fight over one tenant.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from tenant_operator.names import INSTANCE_LABEL

INSTANCE = os.environ.get("OPERATOR_INSTANCE", "").strip()


def is_mine(labels: Mapping[str, str], **_: Any) -> bool:
    """Kopf ``when=`` filter: the tenant's instance label equals ours ("" when absent)."""
    return (labels.get(INSTANCE_LABEL) or "") == INSTANCE
