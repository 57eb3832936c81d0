"""Render a ``DadosContrato`` to PDF (reportlab platypus, base-14 Helvetica: Latin-1 covers Portuguese).

Legal references of each section are in the comments. The minimum content of
the contrato de participação em grupo de consórcio, por adesão, is set by
Lei 11.795/2008 (arts. 10, 24, 25, 27, 30–32) and by Resolução BCB nº 285/2023,
whose chapter on the contract lists the information it must carry (parties,
the good/credit and its updating criterion, duration and number of cotas,
every financial obligation with the first parcela itemised in R$ and %,
assemblies and contemplation rules, lances, late payment and exclusion,
restitution, use of the fundo de reserva, closing of the group). The
itemised first parcela and the "no exclusion after contemplation" rule are
quoted from the BCB's summary of Res. 285; the article and inciso numbers of
Res. 285 given below could not be checked against the official text from
here and should be confirmed by the administradora's legal team.
"""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tenant_app.documentos.contrato import formatacao as fmt
from tenant_app.documentos.contrato.dados import SEGMENTOS, SEGURO_MODOS, DadosContrato

_BASE = getSampleStyleSheet()
_TITULO = ParagraphStyle("titulo", parent=_BASE["Title"], fontName="Helvetica-Bold", fontSize=13, leading=16)
_SUB = ParagraphStyle("sub", parent=_BASE["Normal"], fontSize=8, alignment=TA_CENTER, textColor=colors.grey)
_SECAO = ParagraphStyle(
    "secao", parent=_BASE["Heading2"], fontName="Helvetica-Bold", fontSize=10.5, spaceBefore=8
)
_TEXTO = ParagraphStyle("texto", parent=_BASE["Normal"], fontSize=9, leading=12, alignment=TA_JUSTIFY)
_TABELA = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
)


def _esc(texto: object) -> str:
    return str(texto).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _p(texto: str) -> Paragraph:
    return Paragraph(texto, _TEXTO)


def _secao(numero: int, titulo: str) -> Paragraph:
    return Paragraph(f"{numero}. {_esc(titulo)}", _SECAO)


def _pct(v: Decimal) -> str:
    return fmt.percentual(v)


def _historia(d: DadosContrato) -> list[object]:
    s: list[object] = []
    s.append(Paragraph("CONTRATO DE PARTICIPAÇÃO EM GRUPO DE CONSÓRCIO, POR ADESÃO", _TITULO))
    s.append(
        Paragraph(
            f"Modelo versão {d.modelo_versao} · emitido em {fmt.data_curta(d.gerado_em)} · "
            f"Grupo {_esc(d.grupo_codigo)} · Cota {d.cota_numero}",
            _SUB,
        )
    )
    s.append(Spacer(1, 4 * mm))

    # 1. Parties: the administradora with its BCB authorisation (Lei 11.795 arts. 5º e 7º I) and the
    # consorciado's qualification (Res. BCB 285/2023, conteúdo mínimo: identificação das partes).
    s.append(_secao(1, "Partes"))
    s.append(
        _p(
            f"<b>Administradora:</b> {_esc(d.administradora_nome)}, "
            f"CNPJ {fmt.documento(d.administradora_cnpj)}, "
            f"com sede em {_esc(d.administradora_endereco)}, autorizada pelo Banco Central do Brasil a "
            f"administrar grupos de consórcio ({_esc(d.autorizacao_bcb)})."
        )
    )
    rotulo = "CPF" if d.consorciado_tipo == "PF" else "CNPJ"
    email = f", e-mail {_esc(d.consorciado_email)}" if d.consorciado_email else ""
    s.append(
        _p(
            f"<b>Consorciado:</b> {_esc(d.consorciado_nome)}, "
            f"{rotulo} {fmt.documento(d.consorciado_documento)}, "
            f"residente/sediado em {_esc(d.consorciado_endereco)}{email}."
        )
    )

    # 2. The group: kind of good (segment), credit value, duration and number of cotas, maximum
    # of cotas per consorciado (Lei 11.795 arts. 2º, 3º e 10; Res. BCB 285/2023: objeto, prazo,
    # número máximo de cotas ativas e limite por consorciado).
    s.append(_secao(2, "Grupo, cota e crédito"))
    inicio = fmt.data_longa(d.data_inicio) if d.data_inicio else "a definir na assembleia de constituição"
    s.append(
        _p(
            f"O consorciado adere, em {fmt.data_longa(d.data_adesao)}, "
            f"ao grupo <b>{_esc(d.grupo_codigo)}</b>, "
            f"segmento <b>{_esc(SEGMENTOS.get(d.segmento, d.segmento))}</b>, com a cota nº "
            f"<b>{d.cota_numero}</b>. Valor do crédito de referência: "
            f"<b>{fmt.dinheiro(d.valor_credito)}</b>. "
            f"Prazo de duração do grupo: <b>{d.prazo_meses} meses</b>. Número máximo de cotas ativas: "
            f"<b>{fmt.inteiro(d.numero_cotas)}</b>; cada consorciado, com seu cônjuge ou companheiro, pode "
            f"ter no máximo 10 % das cotas ativas do grupo (hoje, {fmt.inteiro(d.max_cotas_por_consorciado)} "
            f"cotas). Início do grupo: {inicio}."
        )
    )

    # 3. Financial obligations as % of the credit (Lei 11.795 art. 27 caput, §§ 2º e 3º; Res. BCB
    # 285/2023: the first parcela itemised in nominal values and percentages).
    s.append(_secao(3, "Obrigações financeiras"))
    antecipada = (
        f" Antecipação da taxa de administração: <b>{_pct(d.taxa_antecipada_pct)}</b> do crédito, cobrada "
        "com a primeira parcela e deduzida das seguintes (Lei 11.795 art. 27 § 3º)."
        if d.taxa_antecipada_pct
        else ""
    )
    seguro = (
        f" Seguro prestamista: <b>{_pct(d.seguro_pct)}</b> "
        f"({_esc(SEGURO_MODOS.get(d.seguro_modo, d.seguro_modo))})."
        if d.seguro_pct
        else " Sem seguro prestamista."
    )
    s.append(
        _p(
            "Todos os valores são percentuais do preço do bem ou crédito de referência vigente na data de "
            f"cada vencimento. Fundo comum: <b>{_pct(Decimal(100))}</b>. Taxa de administração: "
            f"<b>{_pct(d.taxa_administracao_pct)}</b> sobre o crédito, no prazo do plano. Fundo de reserva: "
            f"<b>{_pct(d.fundo_reserva_pct)}</b>.{seguro}{antecipada} Vencimento das parcelas no dia "
            f"<b>{d.dia_vencimento}</b> de cada mês (próximo dia útil quando não for)."
        )
    )
    linhas = [["Primeira parcela", "Valor (R$)", "% do crédito"]]
    for c in d.primeira_parcela:
        linhas.append([c.nome, fmt.dinheiro(c.valor), _pct(c.percentual)])
    tabela = Table(linhas, colWidths=[70 * mm, 40 * mm, 35 * mm], hAlign="LEFT")
    tabela.setStyle(_TABELA)
    s.append(Spacer(1, 2 * mm))
    s.append(tabela)

    # 4. Updating of the credit and of the parcelas (Lei 11.795 art. 27 § 1º; Res. BCB 285/2023
    # art. 25-A: price difference between billing and the AGO charged/credited next parcela).
    s.append(_secao(4, "Atualização do crédito e das parcelas"))
    indice = (
        "sem índice de correção"
        if d.indice_correcao == "nenhum"
        else f"pelo índice {_esc(d.indice_correcao)}"
    )
    s.append(
        _p(
            f"O crédito e as parcelas acompanham o preço do bem, atualizados {indice}. Diferenças de valor "
            "entre a emissão da cobrança e a assembleia do período são cobradas ou compensadas na parcela "
            "seguinte, convertidas em percentual do preço do bem."
        )
    )

    # 5. Assemblies and contemplation (Lei 11.795 arts. 18–23; Res. BCB 285/2023 arts. 12 e 22).
    s.append(_secao(5, "Assembleias, sorteios e lances"))
    s.append(
        _p(
            f"As assembleias gerais ordinárias ocorrem mensalmente, por volta do dia {d.dia_assembleia}, de "
            "forma presencial ou virtual. A contemplação é feita por sorteio, com base nos números da "
            "Loteria Federal conforme a cláusula de sorteio registrada em cada assembleia, e por lance "
            "(livre, fixo ou embutido), somente quando houver recursos suficientes no fundo comum. "
            "Participa da assembleia a cota em dia na data de corte. O lance vencedor quita ou amortiza "
            "parcelas vincendas, na forma deste contrato; o vencedor que não pagar o lance no prazo é "
            "desclassificado. O fundo de reserva pode cobrir insuficiência do fundo comum para os sorteios "
            "previstos e custear sorteios adicionais."
        )
    )

    # 6. Late payment, exclusion and restitution (CDC art. 52 § 1º; Lei 14.905/2024; Lei 11.795 arts.
    # 25 parágrafo único e 30; Res. BCB 285/2023: exclusão por inadimplência, vedada ao contemplado).
    s.append(_secao(6, "Atraso, exclusão e restituição"))
    s.append(
        _p(
            f"Parcela paga em atraso tem multa de <b>{_pct(d.multa_pct)}</b> sobre o valor não pago no "
            f"vencimento e juros de mora de <b>{_pct(d.juros_mensal_pct)} ao mês</b>, pro rata die. "
            f"{_pct(d.encargos_fundo_comum_pct)} da multa e dos juros pagos vão para o fundo comum do grupo. "
            f"O consorciado não contemplado que deixar de pagar <b>{d.parcelas_para_exclusao}</b> parcelas "
            "consecutivas, ou que pedir para sair, é excluído; o contemplado não pode ser excluído. A cota "
            "excluída concorre aos sorteios de restituição e recebe o percentual do fundo comum que pagou "
            "aplicado ao valor do bem na data da restituição, sem taxa de administração e seguro"
            + (
                f", menos a cláusula penal de <b>{_pct(d.clausula_penal_pct)}</b>"
                if d.clausula_penal_pct
                else ""
            )
            + "; se não sorteada, é restituída no encerramento do grupo."
        )
    )

    # 7. Credit use, guarantees, withdrawal and closing (Lei 11.795 arts. 14, 24, 31 e 32; CDC art. 49).
    s.append(_secao(7, "Crédito, garantias, desistência e encerramento"))
    s.append(
        _p(
            "O crédito do contemplado é pago ao vendedor do bem ou ao prestador do serviço, mediante as "
            "garantias exigidas pela administradora para assegurar o pagamento das parcelas vincendas. "
            "Contratado fora do estabelecimento, o consorciado pode desistir em até 7 dias da assinatura, "
            "com devolução integral do que pagou. Depois da última assembleia, os consorciados são "
            "comunicados dos saldos a receber; o grupo é encerrado com prestação de contas, e os recursos "
            "não procurados ficam à disposição dos titulares, informados ao Banco Central."
        )
    )

    numero = 8
    # 8+. The tenant's own clauses (versioned modelo).
    for clausula in d.clausulas_adicionais:
        s.append(_secao(numero, clausula.get("titulo", "Cláusula adicional")))
        s.append(_p(_esc(clausula.get("texto", ""))))
        numero += 1

    s.append(_secao(numero, "Foro"))
    s.append(
        _p(
            f"Fica eleito o foro de {_esc(d.foro)}, sem prejuízo do foro do domicílio do consorciado. "
            "A via eletrônica deste contrato é identificada pelo seu hash SHA-256, registrado na trilha de "
            "auditoria da administradora."
        )
    )
    s.append(Spacer(1, 10 * mm))
    assinaturas = Table(
        [["_" * 38, "_" * 38], [_esc(d.administradora_nome)[:45], _esc(d.consorciado_nome)[:45]]],
        colWidths=[85 * mm, 85 * mm],
    )
    assinaturas.setStyle(
        TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 8.5), ("ALIGN", (0, 0), (-1, -1), "CENTER")])
    )
    s.append(assinaturas)
    return s


def _rodape(canvas, doc) -> None:  # type: ignore[no-untyped-def]
    canvas.saveState()
    canvas.setFont("Helvetica", 7)
    canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"Página {doc.page}")
    canvas.restoreState()


def renderizar(d: DadosContrato) -> bytes:
    """The contract's PDF bytes (deterministic content: no creation date inside the PDF's metadata)."""
    out = io.BytesIO()
    pdf = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=16 * mm,
        title=f"Contrato de adesão — grupo {d.grupo_codigo}, cota {d.cota_numero}",
        author=d.administradora_nome,
        invariant=1,
    )
    pdf.build(_historia(d), onFirstPage=_rodape, onLaterPages=_rodape)
    return out.getvalue()
