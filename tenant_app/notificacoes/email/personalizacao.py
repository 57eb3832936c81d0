"""The administradora's own wording for the event e-mails (pure: text and data in, text out).

An administradora may replace the subject and the paragraphs of each event e-mail with its
own, using ``{campo}`` for the event's values (``{valor}``, ``{vencimento}``, ``{cota}``…).
The greeting with the consorciado's name, the signature and the layout stay the app's.

Only the fields listed for the type exist, already formatted for Brazil (``R$ 1.234,50``,
``05/03/2025``); ``{valor.__class__}``, ``{a[0]}`` or a format spec are refused when the
text is saved, so a template can neither reach into objects nor fail at send time.
A paragraph whose every field is empty for this event (the contemplação's lance deadline
when there was no lance) is left out, so optional lines need no conditionals.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tenant_app.eventos import tipos
from tenant_app.notificacoes.email.modelos import (
    MODALIDADES,
    data_br,
    erros_de_paragrafos,
    reais,
    rotulo_forma,
)

#: Size limits of a saved template (what an e-mail needs, with room to spare).
MAX_ASSUNTO = 150
MAX_PARAGRAFOS = 10
MAX_PARAGRAFO = 1000


@dataclass(frozen=True)
class Campo:
    """One ``{nome}`` a template of the type may use."""

    nome: str
    descricao: str
    valor: Callable[[dict[str, Any]], str]


def _cota(d: dict[str, Any]) -> str:
    grupo = f" do grupo {d['grupo_codigo']}" if d.get("grupo_codigo") else ""
    return f"cota {d.get('cota_numero', '')}{grupo}" if d.get("cota_numero") is not None else ""


def _texto(chave: str) -> Callable[[dict[str, Any]], str]:
    return lambda d: "" if d.get(chave) is None else str(d[chave])


def _dinheiro(chave: str) -> Callable[[dict[str, Any]], str]:
    return lambda d: "" if d.get(chave) in (None, "") else reais(d[chave])


def _data(chave: str) -> Callable[[dict[str, Any]], str]:
    return lambda d: "" if not d.get(chave) else data_br(d[chave])


_COTA = Campo("cota", "a cota e o grupo: “cota 12 do grupo G-01”", _cota)
_GRUPO = Campo("grupo", "o código do grupo", _texto("grupo_codigo"))
_NUMERO_COTA = Campo("numero_cota", "o número da cota", _texto("cota_numero"))

CAMPOS: dict[str, tuple[Campo, ...]] = {
    tipos.PAGAMENTO_CONFIRMADO: (
        Campo("valor", "o valor pago", _dinheiro("valor")),
        Campo("data_pagamento", "a data do pagamento", _data("data_pagamento")),
        Campo("forma", "a forma de pagamento (PIX, boleto, TED…)", lambda d: rotulo_forma(d.get("forma"))),
        _COTA,
        _GRUPO,
        _NUMERO_COTA,
    ),
    tipos.PARCELA_VENCENDO: (
        Campo("parcela", "o número da parcela", _texto("parcela_numero")),
        Campo("valor", "o valor da parcela", _dinheiro("valor")),
        Campo("vencimento", "a data de vencimento", _data("vencimento")),
        _COTA,
        _GRUPO,
        _NUMERO_COTA,
    ),
    tipos.PARCELA_VENCIDA: (
        Campo("parcela", "o número da parcela", _texto("parcela_numero")),
        Campo("valor_em_aberto", "o valor em aberto", _dinheiro("valor_em_aberto")),
        Campo("vencimento", "a data de vencimento", _data("vencimento")),
        _COTA,
        _GRUPO,
        _NUMERO_COTA,
    ),
    tipos.COTA_CONTEMPLADA: (
        Campo(
            "modalidade",
            "sorteio, lance ou sorteio de restituição",
            lambda d: MODALIDADES.get(str(d.get("modalidade")), str(d.get("modalidade") or "")),
        ),
        Campo("assembleia", "o número da assembleia", _texto("assembleia_numero")),
        Campo("valor_credito", "o valor do crédito", _dinheiro("valor_credito")),
        Campo(
            "prazo_pagamento_lance",
            "até quando pagar o lance (vazio sem lance)",
            _data("prazo_pagamento_lance"),
        ),
        _COTA,
        _GRUPO,
        _NUMERO_COTA,
    ),
    tipos.COTA_ADERIDA: (
        Campo("data_adesao", "a data da adesão", _data("data_adesao")),
        _COTA,
        _GRUPO,
        _NUMERO_COTA,
    ),
    tipos.COTA_EXCLUIDA: (Campo("data_exclusao", "a data da exclusão", _data("data_exclusao")), _NUMERO_COTA),
    tipos.BOLETO_EMITIDO: (
        Campo("valor", "o valor do boleto", _dinheiro("valor")),
        Campo("vencimento", "a data de vencimento", _data("vencimento")),
        Campo("linha_digitavel", "a linha digitável (vazia num PIX)", _texto("linha_digitavel")),
    ),
    tipos.DOCUMENTO_GERADO: (
        Campo(
            "documento",
            "o título do documento",
            lambda d: str(d.get("titulo") or d.get("tipo_documento") or ""),
        ),
    ),
}


#: What each e-mail is for (the screen's headings).
DESCRICOES: dict[str, str] = {
    tipos.PAGAMENTO_CONFIRMADO: "Pagamento confirmado (comprovante)",
    tipos.PARCELA_VENCENDO: "Parcela a vencer (lembrete)",
    tipos.PARCELA_VENCIDA: "Parcela vencida",
    tipos.COTA_CONTEMPLADA: "Cota contemplada",
    tipos.COTA_ADERIDA: "Adesão (boas-vindas)",
    tipos.COTA_EXCLUIDA: "Exclusão da cota",
    tipos.BOLETO_EMITIDO: "Boleto emitido",
    tipos.DOCUMENTO_GERADO: "Documento disponível",
}

#: Example values per type: the screen shows each e-mail filled with them.
EXEMPLOS: dict[str, dict[str, Any]] = {
    tipos.PAGAMENTO_CONFIRMADO: {
        "valor": "1234.50",
        "data_pagamento": "2026-03-05",
        "forma": "pix",
        "cota_numero": 12,
        "grupo_codigo": "G-01",
    },
    tipos.PARCELA_VENCENDO: {
        "parcela_numero": 7,
        "valor": "1234.50",
        "vencimento": "2026-03-10",
        "cota_numero": 12,
        "grupo_codigo": "G-01",
    },
    tipos.PARCELA_VENCIDA: {
        "parcela_numero": 7,
        "valor_em_aberto": "1234.50",
        "vencimento": "2026-03-10",
        "cota_numero": 12,
        "grupo_codigo": "G-01",
    },
    tipos.COTA_CONTEMPLADA: {
        "modalidade": "lance",
        "assembleia_numero": 14,
        "valor_credito": "100000.00",
        "prazo_pagamento_lance": "2026-03-20",
        "cota_numero": 12,
        "grupo_codigo": "G-01",
    },
    tipos.COTA_ADERIDA: {"data_adesao": "2026-03-05", "cota_numero": 12, "grupo_codigo": "G-01"},
    tipos.COTA_EXCLUIDA: {"data_exclusao": "2026-03-05", "cota_numero": 12},
    tipos.BOLETO_EMITIDO: {
        "valor": "1234.50",
        "vencimento": "2026-03-10",
        "linha_digitavel": "00190.00009 01234.567004 00000.001016 1 10000000123450",
    },
    tipos.DOCUMENTO_GERADO: {"titulo": "Contrato de adesão"},
}


def nomes_dos_campos(texto: str) -> list[str]:
    """The ``{campo}`` names in ``texto``; ValueError with the reason when it is not a template. Pure."""
    nomes = []
    try:
        partes = list(string.Formatter().parse(texto))
    except ValueError as exc:  # a lone "{" or "}"
        raise ValueError("chave sem par: use {campo}, ou {{ e }} para as chaves em si") from exc
    for _, nome, especificacao, conversao in partes:
        if nome is None:
            continue
        if not nome.isidentifier() or especificacao or conversao:
            raise ValueError(f"campo “{{{nome}}}” inválido: use só {{nome_do_campo}}")
        nomes.append(nome)
    return nomes


def erros_do_modelo(tipo: str, assunto: str, paragrafos: list[str]) -> list[tuple[str, str]]:
    """``(campo do formulário, mensagem)`` for each problem of a template of ``tipo``. Pure."""
    existentes = {c.nome for c in CAMPOS[tipo]}
    erros: list[tuple[str, str]] = []
    if not assunto.strip():
        erros.append(("assunto", "escreva o assunto"))
    erros += erros_de_paragrafos(paragrafos, MAX_PARAGRAFO)
    for caminho, texto in [
        ("assunto", assunto),
        *((f"paragrafos[{i}]", p) for i, p in enumerate(paragrafos)),
    ]:
        try:
            desconhecidos = sorted(set(nomes_dos_campos(texto)) - existentes)
        except ValueError as exc:
            erros.append((caminho, str(exc)))
            continue
        if desconhecidos:
            lista = ", ".join(f"{{{n}}}" for n in desconhecidos)
            erros.append((caminho, f"{lista} não existe neste e-mail; os campos são: {_lista(tipo)}"))
    return erros


def _lista(tipo: str) -> str:
    return ", ".join(f"{{{c.nome}}}" for c in CAMPOS[tipo])


def valores(tipo: str, dados: dict[str, Any]) -> dict[str, str]:
    """The event's fields as the template sees them (formatted; missing ones empty). Pure."""
    return {c.nome: c.valor(dados) for c in CAMPOS.get(tipo, ())}


def preencher(tipo: str, assunto: str, paragrafos: list[str], dados: dict[str, Any]) -> tuple[str, list[str]]:
    """The template filled with the event's values; a paragraph whose fields are all empty is
    dropped (an optional line). Pure."""
    v = valores(tipo, dados)
    saida = []
    for p in paragrafos:
        nomes = nomes_dos_campos(p)
        if nomes and not any(v.get(n) for n in nomes):
            continue
        saida.append(p.format_map(v))
    return assunto.format_map(v), saida
