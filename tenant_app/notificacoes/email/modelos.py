"""The pt-BR e-mails sent to consorciados for domain events (pure: data in, subject/text/HTML out).

Each model gives a subject and paragraphs; ``montar`` wraps them in the text and HTML
layout with the administradora's name, and adds the unsubscribe link when the message
is marketing (LGPD: the consent can be withdrawn as easily as it was given).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from tenant_app.eventos import tipos


@dataclass(frozen=True)
class Email:
    assunto: str
    texto: str
    html: str


def reais(valor: Any) -> str:
    """``1234.5`` → ``R$ 1.234,50``."""
    try:
        d = Decimal(str(valor)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(valor)
    inteiro, _, centavos = f"{abs(d):,.2f}".partition(".")
    return f"{'-' if d < 0 else ''}R$ {inteiro.replace(',', '.')},{centavos}"


def data_br(valor: Any) -> str:
    """``2025-03-05`` → ``05/03/2025``."""
    try:
        return date.fromisoformat(str(valor)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(valor)


_FORMAS = {"pix": "PIX", "boleto": "boleto", "ted": "TED", "dinheiro": "dinheiro", "lance": "lance"}
MODALIDADES = {"sorteio": "sorteio", "lance": "lance", "restituicao": "sorteio de restituição"}


def rotulo_forma(forma: Any) -> str:
    """A payment's forma as the consorciado reads it (``pix`` → ``PIX``)."""
    return _FORMAS.get(str(forma), "" if forma is None else str(forma))


Modelo = Callable[[dict[str, Any]], tuple[str, list[str]]]


def _cota(d: dict[str, Any]) -> str:
    grupo = f" do grupo {d['grupo_codigo']}" if d.get("grupo_codigo") else ""
    return f"cota {d.get('cota_numero', '')}{grupo}"


def _pagamento(d: dict[str, Any]) -> tuple[str, list[str]]:
    forma = rotulo_forma(d.get("forma"))
    return (
        f"Pagamento de {reais(d['valor'])} confirmado",
        [
            f"Confirmamos o recebimento de {reais(d['valor'])} em {data_br(d['data_pagamento'])}, "
            f"por {forma}, para a sua {_cota(d)}.",
            "Guarde este e-mail como comprovante. Obrigado!",
        ],
    )


def _vencendo(d: dict[str, Any]) -> tuple[str, list[str]]:
    return (
        f"Sua parcela vence em {data_br(d['vencimento'])}",
        [
            f"A parcela {d['parcela_numero']} da sua {_cota(d)}, no valor de {reais(d['valor'])}, "
            f"vence em {data_br(d['vencimento'])}.",
            "Se você já pagou, desconsidere esta mensagem.",
        ],
    )


def _vencida(d: dict[str, Any]) -> tuple[str, list[str]]:
    return (
        "Parcela em atraso",
        [
            f"Não identificamos o pagamento da parcela {d['parcela_numero']} da sua {_cota(d)}, "
            f"vencida em {data_br(d['vencimento'])} (valor em aberto: {reais(d['valor_em_aberto'])}).",
            "Pague o quanto antes para evitar multa e juros; parcelas em atraso podem levar à "
            "exclusão do grupo, conforme o contrato.",
        ],
    )


def _contemplada(d: dict[str, Any]) -> tuple[str, list[str]]:
    modalidade = MODALIDADES.get(str(d.get("modalidade")), str(d.get("modalidade")))
    paragrafos = [
        f"Parabéns! A sua {_cota(d)} foi contemplada por {modalidade} na assembleia "
        f"{d.get('assembleia_numero', '')}, com crédito de {reais(d['valor_credito'])}.",
    ]
    if d.get("prazo_pagamento_lance"):
        paragrafos.append(
            f"Pague o lance até {data_br(d['prazo_pagamento_lance'])} para garantir a contemplação."
        )
    paragrafos.append("Nossa equipe entrará em contato com os próximos passos.")
    return ("Sua cota foi contemplada!", paragrafos)


def _aderida(d: dict[str, Any]) -> tuple[str, list[str]]:
    return (
        "Bem-vindo ao consórcio",
        [
            f"A sua adesão à {_cota(d)} foi registrada em {data_br(d['data_adesao'])}.",
            "Você receberá aqui os avisos de vencimento e os comprovantes dos seus pagamentos.",
        ],
    )


def _excluida(d: dict[str, Any]) -> tuple[str, list[str]]:
    return (
        "Exclusão da sua cota",
        [
            f"A sua cota {d.get('cota_numero', '')} foi excluída do grupo em {data_br(d['data_exclusao'])}.",
            "Os valores pagos ao fundo comum serão restituídos conforme a Lei 11.795/2008 e o contrato.",
        ],
    )


def _boleto(d: dict[str, Any]) -> tuple[str, list[str]]:
    paragrafos = [
        f"O boleto de {reais(d.get('valor', '0'))} com vencimento em "
        f"{data_br(d.get('vencimento', ''))} foi emitido."
    ]
    if d.get("linha_digitavel"):
        paragrafos.append(f"Linha digitável: {d['linha_digitavel']}")
    return ("Seu boleto foi emitido", paragrafos)


def _documento(d: dict[str, Any]) -> tuple[str, list[str]]:
    nome = d.get("titulo") or d.get("tipo_documento") or "documento"
    return (f"Novo documento disponível: {nome}", [f"O documento “{nome}” está disponível para você."])


MODELOS: dict[str, Modelo] = {
    tipos.PAGAMENTO_CONFIRMADO: _pagamento,
    tipos.PARCELA_VENCENDO: _vencendo,
    tipos.PARCELA_VENCIDA: _vencida,
    tipos.COTA_CONTEMPLADA: _contemplada,
    tipos.COTA_ADERIDA: _aderida,
    tipos.COTA_EXCLUIDA: _excluida,
    tipos.BOLETO_EMITIDO: _boleto,
    tipos.DOCUMENTO_GERADO: _documento,
}


def erros_de_paragrafos(paragrafos: list[str], maximo: int) -> list[tuple[str, str]]:
    """``(campo, mensagem)`` when no paragraph has text or one is longer than ``maximo``. Pure.

    These bounds are checked here, not by the request decoder: the framework leaves bounds on a
    list's items out of the OpenAPI document, and the API must accept what its document allows.
    """
    erros = [] if any(p.strip() for p in paragrafos) else [("paragrafos", "escreva pelo menos um parágrafo")]
    return erros + [
        (f"paragrafos[{i}]", f"até {maximo} caracteres") for i, p in enumerate(paragrafos) if len(p) > maximo
    ]


def montar(
    assunto: str,
    paragrafos: list[str],
    *,
    administradora: str,
    nome: str | None,
    descadastro_url: str | None = None,
) -> Email:
    """Text and HTML versions with the greeting, the administradora's signature and, for
    marketing, the unsubscribe link."""
    saudacao = f"Olá, {nome}," if nome else "Olá,"
    rodape = f"{administradora} — administradora de consórcio"
    texto = [saudacao, "", *[p + "\n" for p in paragrafos], "Atenciosamente,", rodape]
    if descadastro_url:
        texto += ["", f"Para não receber mais comunicações como esta: {descadastro_url}"]
    e = html.escape
    corpo = "".join(f"<p>{e(p)}</p>" for p in paragrafos)
    descadastro = (
        f'<p style="font-size:12px;color:#666">Não quer mais receber comunicações como esta? '
        f'<a href="{e(descadastro_url)}">Descadastre-se</a>.</p>'
        if descadastro_url
        else ""
    )
    pagina = (
        '<!doctype html><html lang="pt-BR"><head><meta charset="utf-8">'
        f"<title>{e(assunto)}</title></head>"
        '<body style="font-family:Arial,sans-serif;color:#222;max-width:600px">'
        f"<p>{e(saudacao)}</p>{corpo}<p>Atenciosamente,<br>{e(administradora)}</p>"
        f'<hr><p style="font-size:12px;color:#666">{e(rodape)}</p>{descadastro}</body></html>'
    )
    return Email(assunto=f"{assunto} — {administradora}", texto="\n".join(texto) + "\n", html=pagina)


def para_evento(
    tipo: str,
    dados: dict[str, Any],
    *,
    administradora: str,
    nome: str | None,
    texto: Callable[[dict[str, Any]], tuple[str, list[str]]] | None = None,
) -> Email | None:
    """The consorciado's e-mail for an event, or None when the type sends none. ``texto`` is the
    administradora's own wording of the type, when it has one (``personalizacao.preencher``)."""
    modelo = MODELOS.get(tipo)
    if modelo is None:
        return None
    assunto, paragrafos = (texto or modelo)(dados)
    return montar(assunto, paragrafos, administradora=administradora, nome=nome)
