"""The pure core of personal-data encryption: AES-GCM per column context, blind indexes, legacy text."""

from __future__ import annotations

import base64
import os

import pytest
from sqlalchemy import select

from tenant_app.consorciados.models import Consorciado
from tenant_app.dados_pessoais import cifra
from tenant_app.dados_pessoais.transit import versao

CPF = "52998224725"
DOC = "consorciados.documento"


def chaves() -> cifra.Chaves:
    return cifra.derivar(os.urandom(32))


def test_ida_e_volta_e_formato() -> None:
    k = chaves()
    guardado = cifra.cifrar(k, DOC, CPF)
    assert guardado.startswith("dp1:") and CPF not in guardado
    bruto = base64.urlsafe_b64decode(guardado[4:])
    assert len(bruto) == 12 + len(CPF) + 16  # nonce, ciphertext, GCM tag
    assert cifra.decifrar(k, DOC, guardado) == CPF
    assert cifra.decifrar(k, DOC, cifra.cifrar(k, DOC, "")) == ""
    assert cifra.decifrar(k, DOC, cifra.cifrar(k, DOC, "Rua São João, 1º")) == "Rua São João, 1º"


def test_nonce_aleatorio_cada_vez() -> None:
    k = chaves()
    assert cifra.cifrar(k, DOC, CPF) != cifra.cifrar(k, DOC, CPF)


def test_outra_chave_nao_abre() -> None:
    guardado = cifra.cifrar(chaves(), DOC, CPF)
    with pytest.raises(cifra.DadoIlegivel):
        cifra.decifrar(chaves(), DOC, guardado)


def test_movido_para_outra_coluna_nao_abre() -> None:
    k = chaves()
    guardado = cifra.cifrar(k, DOC, CPF)
    with pytest.raises(cifra.DadoIlegivel):
        cifra.decifrar(k, "consorciados.cpf_conjuge", guardado)


def test_adulterado_nao_abre() -> None:
    k = chaves()
    guardado = cifra.cifrar(k, DOC, CPF)
    bruto = bytearray(base64.urlsafe_b64decode(guardado[4:]))
    bruto[-1] ^= 1
    with pytest.raises(cifra.DadoIlegivel):
        cifra.decifrar(k, DOC, "dp1:" + base64.urlsafe_b64encode(bytes(bruto)).decode())
    with pytest.raises(cifra.DadoIlegivel):
        cifra.decifrar(k, DOC, "dp1:não-é-base64!")


def test_texto_legado_passa() -> None:
    assert cifra.decifrar(chaves(), DOC, CPF) == CPF
    assert not cifra.cifrado(CPF)


def test_indice_deterministico_separado_por_contexto_e_chave() -> None:
    dados = os.urandom(32)
    k1, k2 = cifra.derivar(dados), cifra.derivar(dados)
    a = cifra.indice(k1, DOC, CPF)
    assert a == cifra.indice(k2, DOC, CPF) and len(a) == 64
    assert a != cifra.indice(k1, "consorciados.cpf_conjuge", CPF)
    assert a != cifra.indice(k1, DOC, "52998224726")
    assert a != cifra.indice(chaves(), DOC, CPF)
    # The index key is not the encryption key (HKDF with different info).
    assert k1.indice != k1.cifra


def test_chave_de_dados_de_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        cifra.derivar(b"curta")


def test_versao_do_transit() -> None:
    assert versao("vault:v1:abc") == 1
    assert versao("vault:v12:abc") == 12
    with pytest.raises(ValueError):
        versao("dp1:abc")


def test_coluna_cifrada_nao_se_compara_por_valor() -> None:
    # A ciphertext differs each time: comparing would find nothing, silently.
    with pytest.raises(TypeError, match="índice cego"):
        select(Consorciado).where(Consorciado.documento == CPF)
    with pytest.raises(TypeError):
        select(Consorciado).where(Consorciado.email.ilike("%x%"))
    # NULL tests stay allowed.
    assert "IS NOT NULL" in str(select(Consorciado.id).where(Consorciado.email.is_not(None)))
    assert "IS NULL" in str(select(Consorciado.id).where(Consorciado.documento == None))  # noqa: E711
