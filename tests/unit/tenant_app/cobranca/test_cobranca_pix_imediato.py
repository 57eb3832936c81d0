"""PIX para pagar hoje, the pure parts: the cob's txid names its título (and no other txid does), and a
título the parcela now owes less than is refused (settling it would send the money to identify)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.cobranca.emissao import Valores
from tenant_app.cobranca.pix_imediato import titulo_do_txid, txid_imediato, valores_hoje
from tenant_app.cobranca.psp.bcb import TXID
from tenant_app.erros import ConflitoError

pytestmark = pytest.mark.unit


@given(st.uuids())
def test_txid_is_a_valid_bcb_txid_naming_its_titulo(titulo_id: uuid.UUID) -> None:
    txid = txid_imediato(titulo_id)
    assert len(txid) == 35 and TXID.fullmatch(txid)
    assert titulo_do_txid(txid) == titulo_id
    assert titulo_do_txid(txid.upper()) == titulo_id  # a PSP that upper-cases it still finds the título


def test_each_charge_gets_its_own_txid() -> None:
    titulo_id = uuid.uuid4()
    assert len({txid_imediato(titulo_id) for _ in range(50)}) > 45


@pytest.mark.parametrize(
    "txid",
    [
        uuid.uuid4().hex,  # a cobv's txid (the título's id): matched by Titulo.txid, not here
        "000000000123",  # a static BR Code's (from the nosso número, at most 25)
        uuid.uuid4().hex + "ab",  # 34 characters
        "z" * 32 + "abc",  # not hex
        uuid.uuid4().hex + "a-c",
    ],
)
def test_other_txids_name_no_titulo(txid: str) -> None:
    assert titulo_do_txid(txid) is None


def test_bad_suffix_is_refused() -> None:
    with pytest.raises(ValueError):
        txid_imediato(uuid.uuid4(), "a-")


def _titulo(valor: str) -> Any:
    return cast(Any, SimpleNamespace(valor=Decimal(valor)))


def test_todays_amount_at_least_the_titulos() -> None:
    hoje = Valores(Decimal("100.00"), Decimal("2.00"), Decimal("0.50"))
    assert valores_hoje(_titulo("100.00"), hoje) is hoje
    assert valores_hoje(_titulo("102.50"), hoje) is hoje


def test_parcela_paid_in_part_since_issue_needs_a_reissue() -> None:
    with pytest.raises(ConflitoError) as erro:
        valores_hoje(_titulo("150.00"), Valores(Decimal("100.00"), Decimal(0), Decimal(0)))
    assert erro.value.code == "titulo_desatualizado"
