"""CNAB 240 retorno de pagamentos: the bank's answer to a pagamentos remessa (segments A and B), pure.

Layout: FEBRABAN, "Layout Padrão de Arquivos — CNAB 240 posições", versão 10.11, serviço Pagamentos —
the remessa's layout (see `pagamentos.py`) with the bank's number for each payment (segment A,
135-154), the date and amount actually paid (155-177) and the ocorrências (G059, 231-240: "00"
crédito efetivado, "BD" inclusão efetuada/agendado, other codes rejections). Structure, counts and
the trailer de lote's sum of amounts are checked; errors are `ErroCnab` with the line number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from tenant_app.cobranca.cnab240.arquivo import Lote, dividir_linhas, inscricao, ler_header_arquivo, ler_lotes
from tenant_app.cobranca.cnab240.campos import ErroCnab, Leitor
from tenant_app.cobranca.cnab240.pagamentos import FormaLancamento

EFETIVADO = "00"  # G059: crédito ou débito efetivado
AGENDADO = "BD"  # G059: inclusão efetuada com sucesso (scheduled)


class PagamentoRetorno(NamedTuple):
    linha: int  # line of the segment A
    lote: int
    forma: str  # the lote's forma de lançamento
    seu_numero: str
    nosso_numero: str  # the bank's number for the payment
    favorecido_nome: str
    favorecido_inscricao: str  # from segment B ("" when the bank sent no B)
    chave_pix: str
    data_pagamento: date | None
    valor: Decimal
    data_efetivacao: date | None
    valor_efetivado: Decimal
    ocorrencias: tuple[str, ...]  # G059, up to five 2-character codes

    @property
    def efetivado(self) -> bool:
        return EFETIVADO in self.ocorrencias

    @property
    def agendado(self) -> bool:
        return AGENDADO in self.ocorrencias

    @property
    def rejeitado(self) -> bool:
        return not (self.efetivado or self.agendado)


@dataclass(frozen=True)
class RetornoPagamentos:
    banco: str
    inscricao: str
    convenio: str
    numero: int
    gerado_em: datetime | None
    pagamentos: tuple[PagamentoRetorno, ...]


def _ocorrencias(bruto: str) -> tuple[str, ...]:
    return tuple(c for c in (bruto[i : i + 2] for i in range(0, 10, 2)) if c.strip())


def _pagamento(a: Leitor, b: Leitor | None, lote: int, forma: str) -> PagamentoRetorno:
    ocorrencias = _ocorrencias(a.bruto(231, 240))
    if not ocorrencias:
        raise a.erro("segmento A de retorno sem ocorrência (posições 231 a 240)")
    pix = forma == FormaLancamento.PIX_TRANSFERENCIA.value
    return PagamentoRetorno(
        linha=a.numero,
        lote=lote,
        forma=forma,
        seu_numero=a.texto(74, 93),
        nosso_numero=a.texto(135, 154),
        favorecido_nome=a.texto(44, 73),
        favorecido_inscricao="" if b is None else inscricao(b.bruto(18, 18), b.bruto(19, 32)),
        chave_pix=b.texto(128, 226) if (b is not None and pix) else "",
        data_pagamento=a.data(94, 101, "data do pagamento"),
        valor=a.dinheiro(120, 134, "valor do pagamento"),
        data_efetivacao=a.data(155, 162, "data real da efetivação"),
        valor_efetivado=a.dinheiro(163, 177, "valor real da efetivação"),
        ocorrencias=ocorrencias,
    )


def _ler_lote_pagamentos(linhas: list[str], lote: Lote, saida: list[PagamentoRetorno]) -> None:
    header = lote.header
    if header.bruto(9, 9) != "C":
        raise header.erro("header de lote de pagamentos deve ter operação C (posição 9)")
    forma = header.bruto(12, 13)
    total = Decimal(0)
    a: Leitor | None = None
    b: Leitor | None = None
    for indice in lote.detalhes:
        leitor = Leitor(linhas[indice], indice + 1)
        segmento = linhas[indice][13]
        if segmento == "A":
            if a is not None:
                saida.append(_pagamento(a, b, lote.numero, forma))
                total += saida[-1].valor
            a, b = leitor, None
        elif a is None:
            raise leitor.erro(f"segmento {segmento} antes de qualquer segmento A")
        elif segmento == "B" and b is None:
            b = leitor
        # Segments C, J-52 and the like (and a second B) are counted and otherwise ignored.
    if a is not None:
        saida.append(_pagamento(a, b, lote.numero, forma))
        total += saida[-1].valor
    informado = lote.trailer.dinheiro(24, 41, "somatória dos valores")
    if informado != total:
        raise lote.trailer.erro(
            f"trailer de lote informa somatória {informado}, a soma dos pagamentos é {total}"
        )


def ler_retorno_pagamentos(conteudo: str | bytes) -> RetornoPagamentos:
    """Parse a CNAB 240 pagamentos retorno (segments A and B), or raise `ErroCnab` with line and reason."""
    linhas = dividir_linhas(conteudo)
    cabecalho = ler_header_arquivo(linhas, "2")
    pagamentos: list[PagamentoRetorno] = []
    for lote in ler_lotes(linhas, cabecalho.banco):
        _ler_lote_pagamentos(linhas, lote, pagamentos)
    if not pagamentos:
        raise ErroCnab(0, "retorno de pagamentos sem nenhum segmento A")
    return RetornoPagamentos(
        banco=cabecalho.banco,
        inscricao=cabecalho.inscricao,
        convenio=cabecalho.convenio,
        numero=cabecalho.numero,
        gerado_em=cabecalho.gerado_em,
        pagamentos=tuple(pagamentos),
    )
