"""The feature flags the platform ships with: the control plane seeds them, tenant apps read them.

Both sides must agree on each key and its meaning, so they are declared
once, here. An administrator may change a flag's values in the control
plane afterwards; the seed never overwrites a flag that already exists.

``offline_default`` is what a tenant app answers while it has never loaded
a snapshot (control plane unreachable since the process started). It is
"on" for features tenants already use: losing a working feature because
billing is down would hurt more than briefly serving a plan feature.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from consorcio_contract.plans import PlanName


@dataclass(frozen=True)
class PlatformFlag:
    """A boolean feature flag with its default for every tenant and its plan values."""

    key: str
    description: str
    #: The control plane's default (tenants whose plan has no value of its own).
    default_value: bool
    #: Plan-dependent values (a feature sold with some plans only).
    plan_values: dict[PlanName, Any] = field(default_factory=dict)
    #: The tenant app's answer when it never got a snapshot (see the module docstring).
    offline_default: bool = True
    #: Portuguese name shown to the administradora's users when the feature is off.
    nome: str = ""


#: Plan-dependent: the cryptographic check of the audit trail is sold with
#: the professional and enterprise plans.
AUDITORIA_VERIFICACAO = PlatformFlag(
    key="auditoria-verificacao",
    description="Verificação criptográfica da trilha de auditoria (planos professional e enterprise).",
    default_value=False,
    plan_values={PlanName.PROFESSIONAL: True, PlanName.ENTERPRISE: True},
    nome="verificação da trilha de auditoria",
)

#: A recent feature, on for everyone, kept behind a flag so it can be turned
#: off (or rolled out gradually) from the control plane without a release.
APURACAO_VERIFICACAO = PlatformFlag(
    key="apuracao-verificacao",
    description="Verificação independente da apuração de uma assembleia (recalcula hash e resultado).",
    default_value=True,
    nome="verificação da apuração",
)

PLATFORM_FLAGS: tuple[PlatformFlag, ...] = (AUDITORIA_VERIFICACAO, APURACAO_VERIFICACAO)
PLATFORM_FLAGS_BY_KEY: dict[str, PlatformFlag] = {flag.key: flag for flag in PLATFORM_FLAGS}
