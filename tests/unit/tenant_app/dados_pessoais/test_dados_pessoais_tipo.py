"""TextoCifrado with the process's keys, the local key's parsing, what the backfill covers."""

from __future__ import annotations

import base64
import os

import pytest
from sqlalchemy.dialects import postgresql

from tenant_app.dados_pessoais import backfill, chaves, cifra
from tenant_app.dados_pessoais.tipo import JsonCifrado, TextoCifrado
from tenant_app.model_registry import metadata


def test_tipo_cifra_na_ida_decifra_na_volta_e_le_legado() -> None:
    tipo = TextoCifrado("consorciados.email")
    dialeto = postgresql.dialect()
    guardado = tipo.process_bind_param("ana@exemplo.com.br", dialeto)
    assert guardado is not None and guardado.startswith("dp1:")
    assert cifra.decifrar(chaves.atuais(), "consorciados.email", guardado) == "ana@exemplo.com.br"
    assert tipo.process_result_value(guardado, dialeto) == "ana@exemplo.com.br"
    assert tipo.process_result_value("legado@exemplo.com.br", dialeto) == "legado@exemplo.com.br"
    assert tipo.process_bind_param(None, dialeto) is None
    assert tipo.process_result_value(None, dialeto) is None


def test_json_cifrado_e_json_legado() -> None:
    tipo = JsonCifrado("cartas_credito_garantias.registro")
    dialeto = postgresql.dialect()
    fiador = {"nome": "José da Silva", "cpf": "52998224725", "renda_mensal": "8000.00"}
    guardado = tipo.process_bind_param(fiador, dialeto)
    assert guardado is not None and guardado.startswith("dp1:") and "52998224725" not in guardado
    assert tipo.process_result_value(guardado, dialeto) == fiador
    assert tipo.process_result_value('{"placa": "ABC1D23"}', dialeto) == {"placa": "ABC1D23"}
    assert tipo.process_result_value(tipo.process_bind_param({}, dialeto), dialeto) == {}


def test_chave_local() -> None:
    chave = os.urandom(32)
    assert chaves.chave_local({chaves.VARIAVEL_LOCAL: base64.b64encode(chave).decode()}) == chave
    assert chaves.chave_local({}) is None
    with pytest.raises(chaves.ChaveIndisponivel, match="32 bytes"):
        chaves.chave_local({chaves.VARIAVEL_LOCAL: base64.b64encode(b"curta").decode()})
    with pytest.raises(chaves.ChaveIndisponivel, match="base64"):
        chaves.chave_local({chaves.VARIAVEL_LOCAL: "%%%"})


async def test_sem_vault_nem_chave_local_recusa() -> None:
    with pytest.raises(chaves.ChaveIndisponivel, match="VAULT_ADDR"):
        await chaves.carregar(None, None, None)  # type: ignore[arg-type]  # never reaches the engine


def test_backfill_cobre_as_colunas_pessoais() -> None:
    por_tabela = {a.tabela: a for a in backfill.alvos(metadata)}
    assert set(por_tabela["consorciados"].cifradas) == {"documento", "email", "telefone", "cpf_conjuge"}
    assert por_tabela["consorciados"].indices == {
        "documento_indice": "documento",
        "cpf_conjuge_indice": "cpf_conjuge",
    }
    assert set(por_tabela["consorciado_contatos"].cifradas) == {"valor"}
    assert set(por_tabela["consorciado_enderecos"].cifradas) == {
        "logradouro",
        "numero",
        "complemento",
        "bairro",
        "cep",
    }
    assert set(por_tabela["cartas_credito_pagamentos"].cifradas) == {
        "favorecido_documento",
        "banco",
        "agencia",
        "dv_agencia",
        "conta",
        "dv_conta",
        "chave_pix",
    }
    assert set(por_tabela["cartas_credito_bens"].cifradas) == {"vendedor_documento"}
    assert set(por_tabela["cartas_credito_garantias"].cifradas) == {"registro"}
