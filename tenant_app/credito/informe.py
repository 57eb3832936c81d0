"""Informe anual para o Imposto de Renda: per consorciado, per cota, what was paid in the year and
the balance at 31/12 (what the consorciado declares in the DIRPF's "Bens e Direitos": a consórcio
is declared at the amount paid so far; a contemplated one, the bem acquired, at the amount paid).

``linhas_do_informe`` is pure (amounts from confirmed pagamentos: the cash of a lance, not its
embutido part, which is the crédito's own money); ``csv_do_informe`` and ``pdf_do_informe`` render
it. ``gerar_informes`` (the Celery task ``credito.gerar_informes_ir``) stores one per consorciado
and year, replacing an older one.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from sqlalchemy import case, func, select

from tenant_app.consorciados.models import Consorciado
from tenant_app.cotas.models import Cota
from tenant_app.credito.models import InformeRendimentos
from tenant_app.erros import NaoEncontrado
from tenant_app.grupos.models import Grupo
from tenant_app.pagamentos.models import Pagamento, StatusPagamento
from tenant_app.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class LinhaInforme:
    """One cota of the consorciado in the year."""

    grupo: str
    cota: int
    contemplada: bool
    pago_no_ano: Decimal
    saldo_ano_anterior: Decimal  #: paid up to 31/12 of the previous year
    saldo_em_31_12: Decimal  #: paid up to 31/12 of the year


def linhas_do_informe(valores: Iterable[tuple[str, int, bool, Decimal, Decimal]]) -> list[LinhaInforme]:
    """From (grupo, cota, contemplada, paid up to the previous year's end, paid in the year)."""
    return [
        LinhaInforme(g, n, c, no_ano, antes, antes + no_ano)
        for g, n, c, antes, no_ano in sorted(valores, key=lambda v: (v[0], v[1]))
    ]


def _br(valor: Decimal) -> str:
    return f"{valor:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def csv_do_informe(nome: str, documento: str, ano: int, linhas: list[LinhaInforme]) -> str:
    """CSV for a pt-BR spreadsheet: ';', decimal comma, UTF-8 BOM."""
    saida = [
        "\ufeffconsorciado;documento;ano;grupo;cota;situacao;pago_no_ano;saldo_31_12_anterior;saldo_31_12",
    ]
    for linha in linhas:
        saida.append(
            ";".join(
                [
                    nome.replace(";", " "),
                    documento,
                    str(ano),
                    linha.grupo,
                    str(linha.cota),
                    "contemplada" if linha.contemplada else "nao contemplada",
                    _br(linha.pago_no_ano),
                    _br(linha.saldo_ano_anterior),
                    _br(linha.saldo_em_31_12),
                ]
            )
        )
    return "\r\n".join(saida) + "\r\n"


def pdf_do_informe(
    administradora: str, nome: str, documento: str, ano: int, linhas: list[LinhaInforme]
) -> bytes:
    """A one-or-more-page PDF with the same figures as the CSV."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Informe de rendimentos {ano}")
    altura = A4[1]

    def cabecalho() -> float:
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawString(
            20 * mm, altura - 20 * mm, f"Informe anual para o Imposto de Renda - ano-calendário {ano}"
        )
        pdf.setFont("Helvetica", 10)
        pdf.drawString(20 * mm, altura - 28 * mm, f"Administradora: {administradora}")
        pdf.drawString(20 * mm, altura - 34 * mm, f"Consorciado: {nome}   CPF/CNPJ: {documento}")
        pdf.drawString(
            20 * mm, altura - 40 * mm, "Declare em Bens e Direitos o valor pago até 31/12 (saldo em 31/12)."
        )
        y = altura - 52 * mm
        pdf.setFont("Helvetica-Bold", 9)
        for x, texto in (
            (20, "Grupo"),
            (50, "Cota"),
            (65, "Situação"),
            (100, "Pago no ano"),
            (130, "31/12 anterior"),
            (165, "31/12"),
        ):
            pdf.drawString(x * mm, y, texto)
        pdf.setFont("Helvetica", 9)
        return y - 6 * mm

    y = cabecalho()
    for linha in linhas:
        if y < 25 * mm:
            pdf.showPage()
            y = cabecalho()
        pdf.drawString(20 * mm, y, linha.grupo)
        pdf.drawString(50 * mm, y, str(linha.cota))
        pdf.drawString(65 * mm, y, "contemplada" if linha.contemplada else "não contemplada")
        pdf.drawRightString(125 * mm, y, _br(linha.pago_no_ano))
        pdf.drawRightString(160 * mm, y, _br(linha.saldo_ano_anterior))
        pdf.drawRightString(190 * mm, y, _br(linha.saldo_em_31_12))
        y -= 6 * mm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


async def _valores(
    uow: UnitOfWork, ano: int, consorciado_id: uuid.UUID | None
) -> dict[uuid.UUID, list[tuple[str, int, bool, Decimal, Decimal]]]:
    inicio, fim = date(ano, 1, 1), date(ano, 12, 31)
    dinheiro = Pagamento.valor - Pagamento.valor_embutido
    stmt = (
        select(
            Cota.consorciado_id,
            Grupo.codigo,
            Cota.numero,
            Cota.contemplada,
            func.coalesce(func.sum(case((Pagamento.data_pagamento < inicio, dinheiro), else_=0)), 0),
            func.coalesce(
                func.sum(case((Pagamento.data_pagamento.between(inicio, fim), dinheiro), else_=0)), 0
            ),
        )
        .join(Cota, Cota.id == Pagamento.cota_id)
        .join(Grupo, Grupo.id == Cota.grupo_id)
        .where(Pagamento.status == StatusPagamento.CONFIRMADO, Pagamento.data_pagamento <= fim)
        .group_by(Cota.consorciado_id, Grupo.codigo, Cota.numero, Cota.contemplada)
    )
    if consorciado_id is not None:
        stmt = stmt.where(Cota.consorciado_id == consorciado_id)
    por_pessoa: dict[uuid.UUID, list[tuple[str, int, bool, Decimal, Decimal]]] = {}
    for pessoa, grupo, numero, contemplada, antes, no_ano in await uow.session.execute(stmt):
        por_pessoa.setdefault(pessoa, []).append(
            (grupo, numero, contemplada, Decimal(antes), Decimal(no_ano))
        )
    return por_pessoa


async def gerar_informes(
    uow: UnitOfWork, ano: int, consorciado_id: uuid.UUID | None = None, administradora: str = ""
) -> int:
    """Store the informe of every consorciado with payments up to the year's end (or of one); commits."""
    por_pessoa = await _valores(uow, ano, consorciado_id)
    pessoas = {
        p.id: p
        for p in await uow.session.scalars(select(Consorciado).where(Consorciado.id.in_(list(por_pessoa))))
    }
    for pessoa_id, valores in por_pessoa.items():
        pessoa = pessoas[pessoa_id]
        linhas = linhas_do_informe(valores)
        documento = pessoa.documento or ""
        informe = await uow.session.scalar(
            select(InformeRendimentos).where(
                InformeRendimentos.consorciado_id == pessoa_id, InformeRendimentos.ano == ano
            )
        )
        if informe is None:
            informe = InformeRendimentos(consorciado_id=pessoa_id, ano=ano)
            uow.add(informe)
        else:
            uow.track(informe)
        informe.csv = csv_do_informe(pessoa.nome, documento, ano, linhas)
        informe.pdf = pdf_do_informe(administradora or "Administradora", pessoa.nome, documento, ano, linhas)
        informe.gerado_em = datetime.now(UTC)
    await uow.commit()
    return len(por_pessoa)


async def get_informe(uow: UnitOfWork, consorciado_id: uuid.UUID, ano: int) -> InformeRendimentos:
    """A stored informe or 404 (generate it first: POST /api/informes-ir/{ano})."""
    informe = await uow.session.scalar(
        select(InformeRendimentos).where(
            InformeRendimentos.consorciado_id == consorciado_id, InformeRendimentos.ano == ano
        )
    )
    if informe is None:
        raise NaoEncontrado("Informe de rendimentos")
    return informe
