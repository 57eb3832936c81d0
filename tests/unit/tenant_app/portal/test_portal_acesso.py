"""The área do consorciado's login codes: generation, binding to the consorciado, spent tries (no services:
a hand-written in-memory stand-in for the few Redis commands ``Codigos`` uses)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tenant_app.portal.acesso import (
    DIGITOS,
    ENVIOS_POR_HORA,
    MAX_TENTATIVAS,
    Codigos,
    codigo_bem_formado,
    gerar_codigo,
    resumo,
)
from tenant_app.settings import RedisSettings

pytestmark = pytest.mark.unit


class RedisDeMemoria:
    """GET/SET(ex, keepttl)/DELETE/INCR/EXPIRE over a dict; expiry is not simulated (not under test)."""

    def __init__(self) -> None:
        self.dados: dict[str, Any] = {}

    async def get(self, key: str) -> Any:
        return self.dados.get(key)

    async def set(self, key: str, valor: str, ex: int | None = None, keepttl: bool = False) -> None:
        self.dados[key] = valor

    async def delete(self, key: str) -> int:
        return 1 if self.dados.pop(key, None) is not None else 0

    async def incr(self, key: str) -> int:
        self.dados[key] = int(self.dados.get(key, 0)) + 1
        return int(self.dados[key])

    async def expire(self, key: str, segundos: int) -> None:
        pass


def _codigos() -> tuple[Codigos, RedisDeMemoria]:
    redis = RedisDeMemoria()
    return Codigos(redis, RedisSettings(url="redis://x", key_prefix="t:"), "chave"), redis  # type: ignore[arg-type]


def test_codigo_tem_seis_digitos_e_varia() -> None:
    codigos = {gerar_codigo() for _ in range(200)}
    assert all(len(c) == DIGITOS and c.isdigit() for c in codigos)
    assert len(codigos) > 150


def test_resumo_amarra_o_codigo_ao_consorciado_e_a_chave() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    assert resumo("k", a, "123456") == resumo("k", a, "123456")
    assert resumo("k", a, "123456") != resumo("k", b, "123456")
    assert resumo("k", a, "123456") != resumo("outra", a, "123456")
    assert "123456" not in resumo("k", a, "123456")


def test_codigo_bem_formado() -> None:
    assert codigo_bem_formado("012345")
    for ruim in ("12345", "1234567", "12a456", "１２３４５６", ""):
        assert not codigo_bem_formado(ruim)


async def test_codigo_certo_vale_uma_vez_e_nao_fica_guardado() -> None:
    codigos, redis = _codigos()
    eu = uuid.uuid4()
    codigo = await codigos.emitir(eu)
    assert codigo is not None
    assert all(codigo not in str(v) for v in redis.dados.values())  # only its HMAC rests in Redis
    assert (await codigos.verificar(uuid.uuid4(), codigo)).valido is False  # another consorciado
    primeiro = await codigos.verificar(eu, codigo)
    assert primeiro.valido and primeiro.esgotado
    segundo = await codigos.verificar(eu, codigo)
    assert not segundo.valido and segundo.esgotado


async def test_tentativas_erradas_apagam_o_codigo() -> None:
    codigos, _ = _codigos()
    eu = uuid.uuid4()
    codigo = await codigos.emitir(eu)
    assert codigo is not None
    errado = f"{(int(codigo) + 1) % 10**DIGITOS:0{DIGITOS}d}"
    for _ in range(MAX_TENTATIVAS - 1):
        r = await codigos.verificar(eu, errado)
        assert not r.valido and not r.esgotado
    r = await codigos.verificar(eu, errado)
    assert not r.valido and r.esgotado
    assert not (await codigos.verificar(eu, codigo)).valido


async def test_novo_codigo_substitui_o_anterior_e_ha_limite_por_hora() -> None:
    codigos, _ = _codigos()
    eu = uuid.uuid4()
    antigo = await codigos.emitir(eu)
    novo = await codigos.emitir(eu)
    assert antigo is not None and novo is not None
    if antigo != novo:
        assert not (await codigos.verificar(eu, antigo)).valido
    for _ in range(ENVIOS_POR_HORA - 2):
        assert await codigos.emitir(eu) is not None
    assert await codigos.emitir(eu) is None
