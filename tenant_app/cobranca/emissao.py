"""Issuing títulos: a parcela's boleto (and static BR Code), a carnê of the next N parcelas, the
re-issue after the due date (multa and juros recomputed up to the new date), and the baixa."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from tenant_app import calendario
from tenant_app.cobranca.boleto import montar_boleto
from tenant_app.cobranca.cofre import CofrePsp
from tenant_app.cobranca.contas import carteira_de, conta_do_grupo
from tenant_app.cobranca.models import ATIVOS, ContaCobranca, StatusTitulo, Titulo
from tenant_app.cobranca.pix import montar_brcode
from tenant_app.cobranca.pix_dinamico import aplicar_cobv
from tenant_app.consorciados.models import Consorciado
from tenant_app.cotas.models import Cota
from tenant_app.dinheiro.centavos import CEM, centavos
from tenant_app.erros import ConflitoError, NaoEncontrado, RegraVioladaError
from tenant_app.eventos.tipos import BOLETO_EMITIDO
from tenant_app.grupos.models import Grupo
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.unit_of_work import UnitOfWork

_DIAS_NO_MES = Decimal(30)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Valores:
    """What a título charges on its due date: the open principal and the late charges up to it."""

    principal: Decimal
    multa: Decimal
    juros: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.multa + self.juros


def valores_na_data(parcela: Parcela, grupo: Grupo, vencimento: date) -> Valores:
    """The parcela's saldo plus multa/juros (dinheiro.encargos) if ``vencimento`` is after its due date."""
    encargos = parcela.encargos(vencimento, grupo.multa_pct, grupo.juros_mensal_pct)
    return Valores(parcela.saldo, encargos.multa, encargos.juros)


def juros_por_dia(principal: Decimal, juros_mensal_pct: Decimal) -> Decimal:
    """The daily juros the bank charges after the due date (pro rata of a 30-day month)."""
    return centavos(principal * juros_mensal_pct / CEM / _DIAS_NO_MES)


async def parcela_e_grupo(uow: UnitOfWork, parcela_id: uuid.UUID) -> tuple[Parcela, Grupo]:
    """The parcela and its grupo (whose multa and juros apply), or 404."""
    row = (
        await uow.session.execute(
            select(Parcela, Grupo).join(Grupo, Grupo.id == Parcela.grupo_id).where(Parcela.id == parcela_id)
        )
    ).first()
    if row is None:
        raise NaoEncontrado("Parcela")
    return row[0], row[1]


async def titulo_ativo(uow: UnitOfWork, parcela_id: uuid.UUID) -> Titulo | None:
    return (
        await uow.session.execute(
            select(Titulo).where(Titulo.parcela_id == parcela_id, Titulo.status.in_(ATIVOS))
        )
    ).scalar_one_or_none()


def _novo_titulo(
    conta: ContaCobranca, parcela: Parcela, grupo: Grupo, vencimento: date, hoje: date
) -> Titulo:
    if parcela.status is StatusParcela.PAGA or parcela.saldo <= 0:
        raise RegraVioladaError(f"A parcela {parcela.numero} já está paga.", code="parcela_paga")
    if vencimento < hoje:
        raise RegraVioladaError(
            "O vencimento do título não pode estar no passado.", campo="vencimento", code="vencimento_passado"
        )
    valores = valores_na_data(parcela, grupo, vencimento)
    numero = conta.proximo_numero
    conta.proximo_numero = numero + 1
    try:
        boleto = montar_boleto(
            conta.banco,
            carteira=carteira_de(conta),
            numero=numero,
            vencimento=vencimento,
            valor=valores.total,
        )
    except ValueError as erro:
        raise RegraVioladaError(f"Não foi possível montar o boleto: {erro}", code="boleto_invalido") from None
    txid = "".join(ch for ch in boleto.nosso_numero if ch.isalnum())[:25]
    brcode = _brcode_estatico(conta, valores.total, txid)
    return Titulo(
        id=uuid.uuid4(),
        conta_id=conta.id,
        parcela_id=parcela.id,
        cota_id=parcela.cota_id,
        grupo_id=parcela.grupo_id,
        parcela_numero=parcela.numero,
        numero=numero,
        nosso_numero=boleto.nosso_numero,
        seu_numero=f"{numero:015d}"[-15:],
        vencimento=vencimento,
        valor=valores.total,
        valor_principal=valores.principal,
        multa=valores.multa,
        juros=valores.juros,
        juros_por_dia=juros_por_dia(valores.principal, grupo.juros_mensal_pct),
        multa_pct=grupo.multa_pct,
        codigo_barras=boleto.codigo_barras,
        linha_digitavel=boleto.linha_digitavel,
        brcode=brcode,
        txid=txid if brcode else None,
        status=StatusTitulo.EMITIDO,
        emitido_em=datetime.now(UTC),
    )


def _brcode_estatico(conta: ContaCobranca, valor: Decimal, txid: str) -> str | None:
    """The static BR Code, or None when the account's key, name or city cannot make one.

    Accounts are validated when configured (contas._validar_pix), but a row written before that
    check existed may still hold a bad key: the boleto is what the parcela needs, so it is issued
    without the PIX and the account is named in the log for the administrator to fix."""
    if not conta.chave_pix:
        return None
    try:
        return montar_brcode(
            conta.chave_pix, nome=conta.beneficiario_nome, cidade=conta.cidade, valor=valor, txid=txid
        )
    except ValueError as erro:
        log.warning("account %s cannot make a BR Code (%s): título issued without PIX", conta.id, erro)
        return None


async def _publicar(uow: UnitOfWork, titulo: Titulo) -> None:
    """``boleto.emitido`` in the same transaction (delivered after COMMIT); ids and amounts only."""
    consorciado_id = (
        await uow.session.execute(select(Cota.consorciado_id).where(Cota.id == titulo.cota_id))
    ).scalar_one()
    uow.publicar(
        BOLETO_EMITIDO,
        {
            "titulo_id": titulo.id,
            "parcela_id": titulo.parcela_id,
            "parcela_numero": titulo.parcela_numero,
            "cota_id": titulo.cota_id,
            "grupo_id": titulo.grupo_id,
            "consorciado_id": consorciado_id,
            "valor": titulo.valor,
            "vencimento": titulo.vencimento,
            "linha_digitavel": titulo.linha_digitavel,
        },
        chave=f"cota:{titulo.cota_id}",
    )


async def _dinamico(
    uow: UnitOfWork, conta: ContaCobranca, grupo: Grupo, titulos: list[Titulo], cofre: CofrePsp | None
) -> None:
    """With a PSP on the account, each new título gets a cobv and the dynamic BR Code."""
    if cofre is None or not titulos:
        return
    pagador = (
        await uow.session.execute(
            select(Consorciado)
            .join(Cota, Cota.consorciado_id == Consorciado.id)
            .where(Cota.id == titulos[0].cota_id)
        )
    ).scalar_one()
    await aplicar_cobv(conta, titulos, pagador, cofre, grupo.juros_mensal_pct)


async def emitir(
    uow: UnitOfWork,
    parcela_id: uuid.UUID,
    vencimento: date | None = None,
    *,
    hoje: date | None = None,
    cofre: CofrePsp | None = None,
) -> tuple[Titulo, bool]:
    """The parcela's live título, issuing it when there is none: (título, created).

    Asking again returns the same título (issuing is naturally idempotent); another due date for a
    parcela that already has one is a re-issue (``reemitir``).
    """
    hoje = hoje or calendario.hoje()
    parcela, grupo = await parcela_e_grupo(uow, parcela_id)
    existente = await titulo_ativo(uow, parcela_id)
    if existente is not None:
        if vencimento is None or vencimento == existente.vencimento:
            return existente, False
        raise ConflitoError(
            "A parcela já tem título ativo com outro vencimento: use a reemissão.", code="titulo_ativo"
        )
    conta = await conta_do_grupo(uow, grupo.id, travar=True)
    uow.track(conta)
    titulo = _novo_titulo(conta, parcela, grupo, vencimento or max(parcela.vencimento, hoje), hoje)
    await _dinamico(uow, conta, grupo, [titulo], cofre)
    uow.add(titulo)
    await _publicar(uow, titulo)
    await uow.commit()
    return titulo, True


async def emitir_carne(
    uow: UnitOfWork,
    cota_id: uuid.UUID,
    quantidade: int,
    *,
    hoje: date | None = None,
    cofre: CofrePsp | None = None,
) -> list[Titulo]:
    """Títulos for the cota's next ``quantidade`` open parcelas (live ones are reused), oldest first."""
    hoje = hoje or calendario.hoje()
    parcelas = list(
        (
            await uow.session.execute(
                select(Parcela)
                .where(Parcela.cota_id == cota_id, Parcela.status != StatusParcela.PAGA)
                .order_by(Parcela.vencimento, Parcela.numero)
                .limit(quantidade)
            )
        ).scalars()
    )
    if not parcelas:
        raise RegraVioladaError("A cota não tem parcelas em aberto.", code="sem_parcelas")
    grupo = await uow.session.get(Grupo, parcelas[0].grupo_id)
    assert grupo is not None
    ativos = {
        t.parcela_id: t
        for t in (
            await uow.session.execute(
                select(Titulo).where(
                    Titulo.parcela_id.in_([p.id for p in parcelas]), Titulo.status.in_(ATIVOS)
                )
            )
        ).scalars()
    }
    conta = await conta_do_grupo(uow, grupo.id, travar=True)
    uow.track(conta)
    titulos = []
    novos = []
    for parcela in parcelas:
        titulo = ativos.get(parcela.id)
        if titulo is None:
            titulo = _novo_titulo(conta, parcela, grupo, max(parcela.vencimento, hoje), hoje)
            novos.append(titulo)
        titulos.append(titulo)
    await _dinamico(uow, conta, grupo, novos, cofre)
    for titulo in novos:
        uow.add(titulo)
        await _publicar(uow, titulo)
    await uow.commit()
    return titulos


async def obter_titulo(uow: UnitOfWork, titulo_id: uuid.UUID) -> Titulo:
    titulo = await uow.session.get(Titulo, titulo_id)
    if titulo is None:
        raise NaoEncontrado("Título")
    return titulo


def _baixar(titulo: Titulo, motivo: str) -> None:
    if titulo.status not in ATIVOS:
        raise ConflitoError(
            f"O título está {titulo.status.value}; só um título emitido ou registrado pode ser baixado.",
            code="transicao_invalida",
        )
    titulo.status = StatusTitulo.BAIXADO
    titulo.baixado_em = datetime.now(UTC)
    titulo.motivo = motivo


async def baixar(uow: UnitOfWork, titulo_id: uuid.UUID, motivo: str) -> Titulo:
    """Cancel a live título (the next remessa asks the bank for the baixa if it had registered it)."""
    titulo = await obter_titulo(uow, titulo_id)
    uow.track(titulo)
    _baixar(titulo, motivo)
    await uow.commit()
    return titulo


async def reemitir(
    uow: UnitOfWork,
    titulo_id: uuid.UUID,
    vencimento: date,
    *,
    hoje: date | None = None,
    cofre: CofrePsp | None = None,
) -> Titulo:
    """A new título for the same parcela due on ``vencimento``, multa and juros recomputed up to it;
    the old one is baixado (``substitui_id`` links them)."""
    hoje = hoje or calendario.hoje()
    antigo = await obter_titulo(uow, titulo_id)
    uow.track(antigo)
    _baixar(antigo, f"substituído por reemissão com vencimento {vencimento.isoformat()}")
    await uow.flush()  # the partial unique index allows one live título per parcela
    parcela, grupo = await parcela_e_grupo(uow, antigo.parcela_id)
    conta = await conta_do_grupo(uow, grupo.id, travar=True)
    uow.track(conta)
    novo = _novo_titulo(conta, parcela, grupo, vencimento, hoje)
    novo.substitui_id = antigo.id
    await _dinamico(uow, conta, grupo, [novo], cofre)
    uow.add(novo)
    await _publicar(uow, novo)
    await uow.commit()
    return novo
