"""Helpers that build data through the API (tests seed through the app, like users would)."""

from __future__ import annotations

import itertools
import random
import uuid
from typing import Any

from tenant_app.users.roles import Role

_counter = itertools.count(1)


def cpf() -> str:
    """A random valid CPF."""
    while True:
        base = [random.randint(0, 9) for _ in range(9)]
        if len(set(base)) > 1:
            break
    for weights in (range(10, 1, -1), range(11, 1, -1)):
        r = sum(d * w for d, w in zip(base, weights, strict=False)) % 11
        base.append(0 if r < 2 else 11 - r)
    return "".join(map(str, base))


async def make_consorciado(tenant: Any, **extra: Any) -> dict[str, Any]:
    """A pessoa física with one address and a consent."""
    body = {
        "tipo_pessoa": "PF",
        "documento": cpf(),
        "nome": f"Consorciada {next(_counter)}",
        "email": "pessoa@example.com",
        "enderecos": [
            {
                "logradouro": "Rua das Flores",
                "numero": "10",
                "bairro": "Centro",
                "cidade": "São Paulo",
                "uf": "SP",
                "cep": "01001-000",
            }
        ],
        "consentimentos": [{"finalidade": "comunicacoes", "concedido": True}],
        **extra,
    }
    r = await tenant.client.post("/api/consorciados/", json=body, headers=tenant.auth(Role.OPERADOR))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def make_grupo(tenant: Any, **overrides: Any) -> dict[str, Any]:
    """A group em formação (defaults: R$ 60.000, 12 meses, 100 cotas)."""
    body = {
        "codigo": f"G{uuid.uuid4().hex[:10]}",
        "tipo_bem": "automovel",
        "valor_credito": "60000.00",
        "prazo_meses": 12,
        "numero_cotas": 100,
        "taxa_administracao_pct": "15",
        "fundo_reserva_pct": "2",
        "seguro_pct": "0.5",
        "indice_correcao": "IPCA",
        "dia_assembleia": 15,
        "dia_vencimento": 10,
        "multa_pct": "2",
        "juros_mensal_pct": "1",
        "parcelas_para_exclusao": 3,
        **overrides,
    }
    r = await tenant.client.post("/api/grupos/", json=body, headers=tenant.auth(Role.GESTOR))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def make_running_grupo(
    tenant: Any, cotas: int = 3, data_inicio: str = "2025-01-15", **overrides: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A started group with ``cotas`` cotas of different consorciados."""
    grupo = await make_grupo(tenant, **overrides)
    out = []
    for _ in range(cotas):
        c = await make_consorciado(tenant)
        r = await tenant.client.post(
            f"/api/grupos/{grupo['id']}/cotas",
            json={"consorciado_id": c["id"], "data_adesao": "2025-01-05"},
            headers=tenant.auth(Role.OPERADOR),
        )
        assert r.status_code == 201, r.text
        out.append(r.json())
    r = await tenant.client.post(
        f"/api/grupos/{grupo['id']}/inicio",
        json={"data_inicio": data_inicio},
        headers=tenant.auth(Role.GESTOR),
    )
    assert r.status_code == 200, r.text
    return r.json(), out


async def pay(tenant: Any, cota_id: str, valor: str, data: str, key: str | None = None) -> Any:
    """POST a payment as financeiro."""
    return await tenant.client.post(
        f"/api/cotas/{cota_id}/pagamentos",
        json={"valor": valor, "data_pagamento": data, "forma": "pix"},
        headers={**tenant.auth(Role.FINANCEIRO), "Idempotency-Key": key or uuid.uuid4().hex},
    )
