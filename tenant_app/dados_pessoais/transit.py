"""The tenant's Vault Transit key: wraps, unwraps and rewraps the personal-data key (blocking hvac calls).

The operator creates the key ``transit/keys/tenant-<slug>`` (``consorcio_contract.names``), rotates
it, and destroys it when the tenant is deleted with ``deletionPolicy: Delete`` — after which the
wrapped data key in the tenant's database opens nowhere (crypto-shredding). The tenant's policy
allows only ``datakey/wrapped``, ``decrypt`` and ``rewrap`` on that key and reading its metadata.
"""

from __future__ import annotations

import base64
import re

import hvac

from consorcio_contract.names import VAULT_TRANSIT_MOUNT, transit_key_name
from tenant_app.cofre_vault import ConfigCofre, cliente_vault

_VERSAO = re.compile(r"^vault:v(\d+):")


class ChaveTransitAusente(RuntimeError):
    """The tenant's Transit key does not exist (not created yet, or destroyed)."""


def versao(embrulhada: str) -> int:
    """The Transit key version that wrapped ``embrulhada`` (``vault:v<N>:…``)."""
    achada = _VERSAO.match(embrulhada)
    if achada is None:
        raise ValueError("não é um texto cifrado do Transit (vault:v<N>:…)")
    return int(achada.group(1))


class Transit:
    """The tenant's Transit key, through a fresh login per use (``cofre_vault``)."""

    def __init__(self, config: ConfigCofre, mount: str = VAULT_TRANSIT_MOUNT) -> None:
        self.config = config
        self.mount = mount
        self.nome = transit_key_name(config.tenant_slug)

    def _transit(self) -> hvac.api.secrets_engines.Transit:
        return cliente_vault(self.config).secrets.transit

    def versao_atual(self) -> int:
        """The key's latest version; :class:`ChaveTransitAusente` when there is no such key."""
        try:
            lida = self._transit().read_key(self.nome, mount_point=self.mount)
        except hvac.exceptions.InvalidPath:
            raise ChaveTransitAusente(self.nome) from None
        return int(lida["data"]["latest_version"])

    def nova_chave_embrulhada(self) -> str:
        """A fresh 256-bit data key, only in its wrapped form (Vault never returns the plaintext here)."""
        resposta = self._transit().generate_data_key(self.nome, "wrapped", bits=256, mount_point=self.mount)
        return str(resposta["data"]["ciphertext"])

    def abrir(self, embrulhada: str) -> bytes:
        """The data key wrapped in ``embrulhada``."""
        resposta = self._transit().decrypt_data(self.nome, embrulhada, mount_point=self.mount)
        return base64.b64decode(resposta["data"]["plaintext"])

    def reembrulhar(self, embrulhada: str) -> str:
        """``embrulhada`` wrapped again with the key's latest version."""
        resposta = self._transit().rewrap_data(self.nome, embrulhada, mount_point=self.mount)
        return str(resposta["data"]["ciphertext"])
