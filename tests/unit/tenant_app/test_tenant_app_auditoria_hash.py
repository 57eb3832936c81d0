"""The audit writer's shortcuts give the chain's own answers: ``jsonable``'s exact-type lookup, and
``encadeador`` (shared fields encoded once per commit, before/after once for the hash and the stored
row) against ``entry_hash``."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from tenant_app.audit_log.chain import encadeador, entry_hash, json_canonico, jsonable

pytestmark = pytest.mark.unit


class _Cor(enum.StrEnum):
    AZUL = "azul"


class _Numero(enum.Enum):
    UM = 1


def _referencia(value: Any) -> Any:
    """``jsonable`` as it was, isinstance checks only."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, enum.Enum):
        return _referencia(value.value)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _referencia(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_referencia(v) for v in value]
    return str(value)


_VALORES: list[Any] = [
    None,
    True,
    0,
    "ação",
    _Cor.AZUL,
    _Numero.UM,
    Decimal("1150.00"),
    Decimal("-0.10"),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    date(2026, 12, 7),
    datetime(2026, 12, 7, 10, 30, tzinfo=UTC),
    [1, Decimal("2.50"), (date(2026, 1, 1),)],
    {_Cor.AZUL: {"x": None, 3: uuid.UUID(int=7)}, "y": [_Cor.AZUL]},
    1.5,
]


@pytest.mark.parametrize("valor", _VALORES, ids=[type(v).__name__ for v in _VALORES])
def test_jsonable_is_the_reference(valor: Any) -> None:
    assert json_canonico(jsonable(valor)) == json_canonico(_referencia(valor))
    assert jsonable(jsonable(valor)) == jsonable(valor)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (None, {"status": _Cor.AZUL, "valor": Decimal("10.00"), "em": date(2026, 12, 7)}),
        ({"status": "registrado", "pagamento_id": None}, {"status": "liquidado", "pagamento_id": "x"}),
        (None, None),
        ({}, {"lista": [1, "ç", None], "aninhado": {"b": 1, "a": {"z": [], "c": "\u2028"}}}),
    ],
)
@pytest.mark.parametrize(
    "ator", [("pessoa@exemplo.com.br", str(uuid.UUID(int=5))), (None, None), ('o "robô"\n', None)]
)
@pytest.mark.parametrize("entity_id", [str(uuid.UUID(int=9)), None, 'a,"b"\u2028ç'])
def test_encadeador_is_entry_hash(before: Any, after: Any, ator: tuple[Any, Any], entity_id: Any) -> None:
    email, ator_id = ator
    comuns = {
        "occurred_at": jsonable(datetime(2026, 12, 7, 10, 30, tzinfo=UTC)),
        "actor_id": ator_id,
        "actor_email": email,
        "request_id": None if email else "req-1",
    }
    encadear = encadeador(comuns)
    prev = "f" * 64
    for seq, (action, entity) in enumerate(
        [("update", "titulos_cobranca"), ("insert", "pagamentos")], start=41
    ):
        campos = {**comuns, "seq": seq, "action": action, "entity": entity, "entity_id": entity_id}
        esperado = entry_hash(prev, {**campos, "before": before, "after": after})
        antes, depois = json_canonico(jsonable(before)), json_canonico(jsonable(after))
        assert encadear(prev, seq, action, entity, entity_id, antes, depois) == esperado
        prev = esperado
