"""The staff forms as the API's request bodies (pure functions of tenant_app/ui/telas): what a person
types becomes exactly the fields the API's schemas take, and nothing of another variant leaks in."""

from __future__ import annotations

import msgspec
import pytest

from tenant_app.clientes_api.schemas import ClienteApiIn
from tenant_app.credito.schemas import BemIn, GarantiaIn, PagamentoCreditoIn
from tenant_app.documentos.contrato.schemas import ModeloContratoIn
from tenant_app.notificacoes.email.schemas import ConfiguracaoIO
from tenant_app.ui.telas.cobranca import rotulo_conta
from tenant_app.ui.telas.cobranca_movimento import totais
from tenant_app.ui.telas.comunicados import paragrafos
from tenant_app.ui.telas.configuracoes import corpo_conta, corpo_email
from tenant_app.ui.telas.contrato import corpo_modelo
from tenant_app.ui.telas.contrato import erros_no_formulario as contrato_erros
from tenant_app.ui.telas.creditos import conta_pagadora, corpo_bem, corpo_garantia, corpo_pagamento
from tenant_app.ui.telas.documentos import titulo_da_ata
from tenant_app.ui.telas.inadimplencia import cotas_excluidas
from tenant_app.ui.telas.integracoes import PERFIS, PERMISSOES, corpo_cliente


def test_garantia_leva_so_o_registro_do_seu_tipo() -> None:
    form = {
        "tipo": "alienacao_fiduciaria_veiculo",
        "valor": "R$ 80.000,00",
        "descricao": "Automóvel",
        "registro.renavam": "12345678901",
        "registro.chassi": "9BWZZZ377VT004251",
        "registro.placa": "",
        "registro.matricula": "123",  # typed in a field of another type: not sent
        "registro.cpf": "529.982.247-25",
    }
    corpo = corpo_garantia(form)
    assert corpo == {
        "tipo": "alienacao_fiduciaria_veiculo",
        "valor": "80000.00",
        "descricao": "Automóvel",
        "registro": {"renavam": "12345678901", "chassi": "9BWZZZ377VT004251"},
    }
    msgspec.convert(corpo, GarantiaIn).validate()


def test_garantia_de_fiador_limpa_cpf_e_renda() -> None:
    corpo = corpo_garantia(
        {
            "tipo": "fiador",
            "valor": "50.000,00",
            "descricao": "Fiador",
            "registro.nome": "Fulano",
            "registro.cpf": "529.982.247-25",
            "registro.renda_mensal": "8.500,00",
        }
    )
    assert corpo["registro"] == {"nome": "Fulano", "cpf": "52998224725", "renda_mensal": "8500.00"}
    msgspec.convert(corpo, GarantiaIn).validate()


def test_bem_sem_destino_da_diferenca() -> None:
    corpo = corpo_bem(
        {
            "tipo": "veiculo",
            "descricao": "Automóvel 1.0",
            "valor": "79.999,99",
            "documento_fiscal": "NF 1",
            "vendedor_nome": "Loja",
            "vendedor_documento": "11.222.333/0001-81",
            "destino_diferenca": "",
        }
    )
    assert corpo["valor"] == "79999.99"
    assert corpo["vendedor_documento"] == "11222333000181"
    assert corpo["destino_diferenca"] is None
    assert "motivo" not in corpo  # the API's default reason
    msgspec.convert(corpo, BemIn)


@pytest.mark.parametrize("forma", ["ted", "pix"])
def test_pagamento_leva_os_dados_so_da_sua_forma(forma: str) -> None:
    form = {
        "destino": "bem",
        "valor": "1.000,50",
        "forma": forma,
        "favorecido.nome": "Loja",
        "favorecido.documento": "11.222.333/0001-81",
        "favorecido.banco": "341",
        "favorecido.agencia": "1500",
        "favorecido.conta": "123456",
        "favorecido.dv_conta": "7",
        "favorecido.tipo_chave_pix": "cpf_cnpj",
        "favorecido.chave_pix": "11222333000181",
    }
    corpo = corpo_pagamento(form)
    favorecido = corpo["favorecido"]
    assert corpo["valor"] == "1000.50"
    assert favorecido["documento"] == "11222333000181"
    if forma == "pix":
        assert "banco" not in favorecido and favorecido["chave_pix"] == "11222333000181"
    else:
        assert "chave_pix" not in favorecido and "tipo_chave_pix" not in favorecido
        assert favorecido["banco"] == "341"
    msgspec.convert(corpo, PagamentoCreditoIn).validate()


def test_conta_pagadora_da_conta_de_cobranca() -> None:
    conta = {
        "banco": "001",
        "agencia": "1606",
        "dv_agencia": "3",
        "conta": "68093",
        "dv_conta": "X",
        "convenio": "1234567",
        "beneficiario_nome": "Administradora de Consórcios com um Nome Comprido Ltda",
        "beneficiario_documento": "11222333000181",
    }
    pagadora = conta_pagadora(conta)
    assert pagadora["nome_banco"] == "BANCO DO BRASIL"
    assert len(pagadora["nome"]) == 30  # the CNAB header's width
    assert pagadora["inscricao"] == "11222333000181"
    assert rotulo_conta({**conta, "grupo_id": None}, []) == "Banco 001 · ag. 1606-3 · conta 68093-X (padrão)"
    assert "(G1)" in rotulo_conta({**conta, "grupo_id": "g"}, [{"id": "g", "codigo": "G1"}])


def test_conta_de_cobranca_e_email() -> None:
    corpo = corpo_conta(
        {
            "banco": "001",
            "agencia": "1606",
            "conta": "1",
            "convenio": "1",
            "carteira": "17",
            "cidade": "SP",
            "beneficiario_nome": "Adm",
            "beneficiario_documento": "11.222.333/0001-81",
            "grupo_id": "",
            "chave_pix": "",
        }
    )
    assert corpo["beneficiario_documento"] == "11222333000181"
    assert corpo["grupo_id"] is None and corpo["chave_pix"] is None
    email = corpo_email(
        {
            "nome_administradora": "Adm",
            "remetente_nome": "Atendimento",
            "remetente_email": "a@adm.example",
            "emails_consorciados": "nao",
            "dias_aviso_vencimento": "5",
            "responder_para": "",
        }
    )
    assert email["emails_consorciados"] is False and email["dias_aviso_vencimento"] == 5
    assert email["responder_para"] is None
    msgspec.convert(email, ConfiguracaoIO)


def test_titulo_da_ata() -> None:
    assert titulo_da_ata(7) == "Ata da assembleia nº 7"


def test_comunicado_paragraphs_split_at_blank_lines() -> None:
    texto = "  Abrimos dois grupos.\r\n\r\nCartas de R$ 200 mil\na R$ 500 mil.\n \n\n\nAté breve.  \n"
    assert paragrafos(texto) == ["Abrimos dois grupos.", "Cartas de R$ 200 mil\na R$ 500 mil.", "Até breve."]
    assert paragrafos(" \n\n ") == []  # the API then refuses an empty comunicado


def test_excluded_cotas_keep_the_reports_names_and_unknown_ids() -> None:
    atrasadas = [{"cota_id": "a", "grupo_codigo": "G1", "numero_cota": 2}, {"cota_id": "b"}]
    assert cotas_excluidas(atrasadas, ["a", "z"]) == [atrasadas[0], {"cota_id": "z"}]


def test_integracao_form_is_the_apis_client_body() -> None:
    form = {"nome": "ERP", "perfil": "financeiro", "descricao": "", "limite_por_minuto": "300"}
    corpo = corpo_cliente(form, ["pagamentos:read"])
    assert msgspec.convert(corpo, ClienteApiIn).limite_por_minuto == 300
    assert corpo_cliente({**form, "limite_por_minuto": ""}, [])["limite_por_minuto"] is None
    assert "admin" not in {valor for valor, _ in PERFIS} and "users:manage" not in PERMISSOES


def test_contract_template_form_is_the_apis_body_and_errors_land_on_their_slot() -> None:
    form = {
        "administradora_nome": [" Adm "],
        "administradora_cnpj": ["11.222.333/0001-81"],
        "administradora_endereco": ["Av. Paulista, 1000"],
        "autorizacao_bcb": ["Ofício 1"],
        "foro": ["São Paulo/SP"],
        "clausula_titulo": ["Seguro", "", ""],
        "clausula_texto": ["Texto", "", "sem título"],
    }
    corpo = corpo_modelo(form)
    assert corpo["administradora_nome"] == "Adm"
    assert corpo["clausulas_adicionais"] == [
        {"titulo": "Seguro", "texto": "Texto"},
        {"titulo": "", "texto": "sem título"},
    ]
    msgspec.convert({**corpo, "clausulas_adicionais": corpo["clausulas_adicionais"][:1]}, ModeloContratoIn)
    erros = contrato_erros({"clausulas_adicionais[1].titulo": "obrigatório", "foro": "curto"})
    assert erros == {"clausula-1": "título: obrigatório", "foro": "curto"}


def test_movimento_totals_sum_counts_and_decimal_amounts() -> None:
    dia = {k: 1 for k in ("emitidos", "registrados", "liquidados", "rejeitados", "a_identificar")}
    dias = [{**dia, "valor_emitido": "0.10", "valor_liquidado": "0.20", "valor_a_identificar": "0.00"}] * 3
    linha = totais(dias)
    assert (
        linha["emitidos"] == 3
        and str(linha["valor_emitido"]) == "0.30"
        and str(linha["valor_liquidado"]) == "0.60"
    )
