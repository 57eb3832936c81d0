"""Importing a CNAB 240 retorno: keep the file, record each título's ocorrência once, act on it.

* The file is stored as received (``retornos_cobranca.conteudo``), also when it is rejected: a bad
  line rejects the whole file with its line number and reason (``ErroCnab``), nothing is applied.
* The same file twice is the same row (SHA-256 unique): the second import changes nothing.
* Each ocorrência is unique on (account, nosso número, code, date): one that came in an earlier file
  is skipped, so overlapping files settle nothing twice (imports of one account take turns).
* 06/17 liquidação → the money path (``liquidacao.liquidar``'s rules in bulk: ``liquidacao_lote``;
  forma BOLETO, the bank's credit date);
  02 → registrado; 03 → rejeitado (motivos kept); 09 → baixado; 28 → tarifa (reported); others kept.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import cast

import asyncpg
from sqlalchemy import Select, Table, select, text

from tenant_app import calendario
from tenant_app.cobranca.cnab240 import ErroCnab, Ocorrencia, Retorno, ler_retorno
from tenant_app.cobranca.liquidacao import Recebimento
from tenant_app.cobranca.liquidacao_lote import EscritaLote, LiquidacaoEmLote, TituloLido, titulos_da_conta
from tenant_app.cobranca.models import (
    ATIVOS,
    ContaCobranca,
    OcorrenciaRetorno,
    OrigemValor,
    ResultadoOcorrencia,
    RetornoArquivo,
    StatusRetorno,
    StatusTitulo,
)
from tenant_app.database import copia
from tenant_app.erros import FieldError, NaoEncontrado, RegraVioladaError
from tenant_app.unit_of_work import UnitOfWork

SEM_DATA = date(1900, 1, 1)  # a zero-filled date in the file: kept non-null so the unique key holds
LIQUIDACOES = {Ocorrencia.LIQUIDACAO.value, Ocorrencia.LIQUIDACAO_APOS_BAIXA.value}
_OCORRENCIAS = cast(Table, OcorrenciaRetorno.__table__)


class RetornoRejeitado(RegraVioladaError):
    """A retorno that cannot be read or does not belong to this tenant; the file is kept."""

    def __init__(self, retorno_id: uuid.UUID, linha: int, motivo: str) -> None:
        onde = f"linha {linha}" if linha else "arquivo"
        super().__init__(
            f"Retorno rejeitado ({onde}): {motivo}. O arquivo foi guardado como {retorno_id}.",
            errors=[FieldError(onde, motivo)],
            code="retorno_invalido",
        )
        self.retorno_id = retorno_id


@dataclass
class Resumo:
    retorno: RetornoArquivo
    repetido: bool = False
    contagem: dict[str, int] = field(default_factory=dict)
    valor_liquidado: Decimal = Decimal("0.00")
    valor_a_identificar: Decimal = Decimal("0.00")
    tarifas: Decimal = Decimal("0.00")


def sha256(conteudo: bytes) -> str:
    return hashlib.sha256(conteudo).hexdigest()


async def arquivo_existente(uow: UnitOfWork, digest: str) -> RetornoArquivo | None:
    return (
        await uow.session.execute(select(RetornoArquivo).where(RetornoArquivo.sha256 == digest))
    ).scalar_one_or_none()


async def conta_do_arquivo(uow: UnitOfWork, r: Retorno) -> ContaCobranca | None:
    """The configured account the header names: bank, agência and conta (numbers compared as numbers)."""
    contas = (
        await uow.session.execute(select(ContaCobranca).where(ContaCobranca.banco == r.banco))
    ).scalars()
    for conta in contas:
        if conta.agencia.lstrip("0") == r.agencia.lstrip("0") and conta.conta.lstrip("0") == r.conta.lstrip(
            "0"
        ):
            return conta
    return None


async def guardar_rejeitado(
    uow: UnitOfWork, nome: str, conteudo: bytes, linha: int, motivo: str
) -> RetornoArquivo:
    """Keep a rejected file for inspection (its own commit: the rejection must not roll it back)."""
    digest = sha256(conteudo)
    existente = await arquivo_existente(uow, digest)
    if existente is not None:
        return existente
    arquivo = RetornoArquivo(
        id=uuid.uuid4(),
        nome_arquivo=nome[:200],
        sha256=digest,
        conteudo=conteudo,
        recebido_em=datetime.now(UTC),
        recebido_por=uow.actor.user_id,
        status=StatusRetorno.REJEITADO,
        erro_linha=linha,
        erro_motivo=motivo,
        ocorrencias=0,
    )
    uow.add(arquivo)
    await uow.commit()
    return arquivo


def ler(conteudo: bytes) -> Retorno:
    """Parse or raise ``ErroCnab`` (line, reason)."""
    return ler_retorno(conteudo)


async def importar(
    uow: UnitOfWork, nome: str, conteudo: bytes, retorno: Retorno, conta: ContaCobranca
) -> Resumo:
    """Store a parsed retorno of ``conta`` (``conta_do_arquivo``) and act on every new ocorrência.

    Everything is one transaction: the caller commits once, for the whole file.
    """
    resumo = await receber(uow, nome, conteudo, retorno, conta)
    if resumo.repetido:
        return resumo
    return await processar(uow, resumo.retorno, retorno, conta)


async def receber(
    uow: UnitOfWork, nome: str, conteudo: bytes, retorno: Retorno, conta: ContaCobranca
) -> Resumo:
    """Keep the file (``processando``), or find it already kept (``repetido``); nothing applied yet."""
    digest = sha256(conteudo)
    existente = await arquivo_existente(uow, digest)
    if existente is not None:
        return Resumo(existente, repetido=True)
    arquivo = RetornoArquivo(
        id=uuid.uuid4(),
        nome_arquivo=nome[:200],
        sha256=digest,
        conteudo=conteudo,
        recebido_em=datetime.now(UTC),
        recebido_por=uow.actor.user_id,
        conta_id=conta.id,
        banco=retorno.banco,
        numero=retorno.numero,
        status=StatusRetorno.PROCESSANDO,
        ocorrencias=len(retorno.titulos),
    )
    uow.add(arquivo)
    await uow.flush()
    return Resumo(arquivo)


async def processar(
    uow: UnitOfWork, arquivo: RetornoArquivo, retorno: Retorno, conta: ContaCobranca
) -> Resumo:
    """Act on every ocorrência of a kept file not seen before, and mark it ``processado``."""
    with copia.sem_coleta_ciclica():
        return await _processar(uow, arquivo, retorno, conta)


async def _processar(
    uow: UnitOfWork, arquivo: RetornoArquivo, retorno: Retorno, conta: ContaCobranca
) -> Resumo:
    resumo = Resumo(arquivo)
    await copia.ajustar_para_lote(uow.session)
    novas = await _novas_ocorrencias(uow, conta, retorno)
    titulos = await titulos_da_conta(uow, conta.id, {o.nosso_numero for o in novas})
    recebimentos = [
        (titulos[o.nosso_numero], o.valor_pago)
        for o in novas
        if o.codigo_movimento in LIQUIDACOES and o.nosso_numero in titulos
    ]
    lote = await LiquidacaoEmLote.abrir(uow, titulos.values(), recebimentos)
    await _aplicar_em_blocos(lote, novas, titulos, resumo, _Gravacao(uow, arquivo.id, conta.id))
    arquivo.status = StatusRetorno.PROCESSADO
    return resumo


#: Ocorrências per block written while the next is settled, and between two turns of the writer.
BLOCO, PASSO = 5000, 100


async def _aplicar_em_blocos(
    lote: LiquidacaoEmLote,
    novas: list[_OcorrenciaNova],
    titulos: dict[str, TituloLido],
    resumo: Resumo,
    gravacao: _Gravacao,
) -> None:
    """``_aplicar`` each ocorrência, in file order; what a block changed (payments, títulos, and its
    ocorrências with what each did) is written (one task at a time, in order) while the next block
    is settled: PostgreSQL's work on one overlaps this process's on the other, and the event loop
    gets a turn every ``PASSO`` so the writer keeps streaming."""
    escrita: asyncio.Future[None] | None = None
    inicio = 0
    try:
        for n, ocorrencia in enumerate(novas, start=1):
            _aplicar(lote, ocorrencia, titulos.get(ocorrencia.nosso_numero), resumo)
            if n % PASSO == 0:
                await asyncio.sleep(0)
            if n % BLOCO == 0 or n == len(novas):
                if escrita is not None:
                    await escrita
                linhas = gravacao.linhas(novas[inicio:n])
                inicio = n
                escrita = asyncio.ensure_future(gravacao.escrever(lote, lote.tomar(), linhas))
        if escrita is not None:
            await escrita
    except BaseException:
        if escrita is not None:  # let it finish with the connection before the caller rolls back
            await asyncio.gather(escrita, return_exceptions=True)
        raise


@dataclass(slots=True, eq=False)
class _OcorrenciaNova:
    """An ocorrência inserted by this import (earlier files' are skipped), and what it did."""

    id: uuid.UUID
    linha: int
    nosso_numero: str
    codigo_movimento: str
    data_ocorrencia: date
    data_credito: date | None
    valor_nominal: Decimal
    valor_pago: Decimal
    valor_tarifa: Decimal
    motivos: str
    titulo_id: uuid.UUID | None = None
    resultado: ResultadoOcorrencia = ResultadoOcorrencia.PENDENTE
    pagamento_id: uuid.UUID | None = None
    processada_em: datetime | None = None


async def _novas_ocorrencias(
    uow: UnitOfWork, conta: ContaCobranca, retorno: Retorno
) -> list[_OcorrenciaNova]:
    """The file's ocorrências not seen before (in an earlier file, or earlier in this one), in file
    order. Imports of one account take turns (a transaction lock), so what this one reads as new
    stays new until ``_gravar_ocorrencias`` inserts it with what it did: one write per row."""
    await uow.session.execute(_TRAVA_DA_CONTA, {"ns": _TRAVA_OCORRENCIAS, "conta": str(conta.id)})
    novas: dict[tuple[str, str, date], _OcorrenciaNova] = {}
    for t in retorno.titulos:
        o = _OcorrenciaNova(
            id=uuid.uuid4(),
            linha=t.linha,
            nosso_numero=t.nosso_numero,
            codigo_movimento=t.codigo_movimento,
            data_ocorrencia=t.data_ocorrencia or SEM_DATA,
            data_credito=t.data_credito,
            valor_nominal=t.valor_nominal,
            valor_pago=t.valor_pago,
            valor_tarifa=t.valor_tarifa,
            motivos="".join(t.motivos)[:20],
        )
        novas.setdefault((o.nosso_numero, o.codigo_movimento, o.data_ocorrencia), o)
    conhecidas = await copia.ler(
        uow.session, _CONHECIDAS, conta.id, sorted({o.nosso_numero for o in novas.values()})
    )
    for row in conhecidas:
        novas.pop((row[0], row[1], row[2]), None)
    return sorted(novas.values(), key=lambda o: o.linha)


#: One import of an account's ocorrências at a time (key space of the two-int advisory locks).
_TRAVA_OCORRENCIAS = 1_501_240
_TRAVA_DA_CONTA = text("SELECT pg_advisory_xact_lock(:ns, hashtext(:conta))")
_CONHECIDAS = (
    f"SELECT nosso_numero, codigo_movimento, data_ocorrencia FROM {_OCORRENCIAS.name}"
    " WHERE conta_id = $1 AND nosso_numero = ANY($2::varchar[])"
)


class OcorrenciasConcorrentes(RuntimeError):
    """Some ocorrências were recorded by another transaction meanwhile (should not happen under the
    account's lock): nothing of this import may stand; the caller rolls back and it is retried."""


_COLUNAS = (
    "id",
    "retorno_id",
    "conta_id",
    "linha",
    "nosso_numero",
    "codigo_movimento",
    "data_ocorrencia",
    "data_credito",
    "valor_nominal",
    "valor_pago",
    "valor_tarifa",
    "motivos",
    "titulo_id",
    "resultado",
    "pagamento_id",
    "processada_em",
)


@dataclass(frozen=True, slots=True)
class _Gravacao:
    """Where a block's rows go: the import's unit of work, file and account."""

    uow: UnitOfWork
    retorno_id: uuid.UUID
    conta_id: uuid.UUID

    async def escrever(
        self, lote: LiquidacaoEmLote, escrita: EscritaLote, ocorrencias: list[tuple[object, ...]]
    ) -> None:
        """The block's payments and títulos, then its ocorrências (they reference both)."""
        await lote.escrever(escrita)
        await _gravar_ocorrencias(self.uow, ocorrencias)

    def linhas(self, novas: list[_OcorrenciaNova]) -> list[tuple[object, ...]]:
        """The rows of ``novas`` (``_COLUNAS``) with what each did; built when the block is settled."""
        return [
            (
                o.id,
                self.retorno_id,
                self.conta_id,
                o.linha,
                o.nosso_numero,
                o.codigo_movimento,
                o.data_ocorrencia,
                o.data_credito,
                o.valor_nominal,
                o.valor_pago,
                o.valor_tarifa,
                o.motivos,
                o.titulo_id,
                o.resultado.value,
                o.pagamento_id,
                o.processada_em,
            )
            for o in novas
        ]


async def _gravar_ocorrencias(uow: UnitOfWork, linhas: list[tuple[object, ...]]) -> None:
    """Insert new ocorrências with what each did (after the payments they reference). Plain COPY:
    ``_novas_ocorrencias`` left out every one already recorded, under the account's lock, so a
    unique violation here means another writer broke that rule — nothing of this import stands."""
    try:
        await copia.copiar(uow.session, _OCORRENCIAS, _COLUNAS, linhas)
    except asyncpg.UniqueViolationError as erro:
        raise OcorrenciasConcorrentes(f"ocorrência já gravada por outra importação: {erro.detail}") from erro


def _aplicar(lote: LiquidacaoEmLote, o: _OcorrenciaNova, titulo: TituloLido | None, resumo: Resumo) -> None:
    codigo = o.codigo_movimento
    o.titulo_id = None if titulo is None else titulo.id
    agora = datetime.now(UTC)
    o.processada_em = agora
    if codigo in LIQUIDACOES:
        data_credito = o.data_credito or (
            o.data_ocorrencia if o.data_ocorrencia != SEM_DATA else calendario.hoje()
        )
        resultado = lote.liquidar(
            titulo,
            Recebimento(OrigemValor.RETORNO, o.nosso_numero, o.valor_pago, data_credito, ocorrencia_id=o.id),
        )
        if resultado.pagamento is not None:
            o.resultado = ResultadoOcorrencia.LIQUIDADO
            o.pagamento_id = resultado.pagamento.id
            resumo.valor_liquidado += resultado.pagamento.valor
        else:
            o.resultado = ResultadoOcorrencia.A_IDENTIFICAR
        resumo.valor_a_identificar += sum((i.valor for i in resultado.a_identificar), Decimal("0.00"))
    elif titulo is None:
        o.resultado = ResultadoOcorrencia.IGNORADO
    elif codigo == Ocorrencia.ENTRADA_CONFIRMADA.value:
        o.resultado = ResultadoOcorrencia.REGISTRADO
        if titulo.status is StatusTitulo.EMITIDO:
            lote.alterar(titulo, status=StatusTitulo.REGISTRADO, registrado_em=agora)
    elif codigo == Ocorrencia.ENTRADA_REJEITADA.value:
        o.resultado = ResultadoOcorrencia.REJEITADO
        if titulo.status in ATIVOS:
            lote.alterar(
                titulo,
                status=StatusTitulo.REJEITADO,
                motivo=f"rejeitado pelo banco, motivos {o.motivos or '-'}",
            )
    elif codigo == Ocorrencia.BAIXA.value:
        o.resultado = ResultadoOcorrencia.BAIXADO
        if titulo.status in ATIVOS:
            lote.alterar(
                titulo,
                status=StatusTitulo.BAIXADO,
                baixado_em=agora,
                motivo=f"baixa pelo banco, motivos {o.motivos or '-'}",
            )
    elif codigo == Ocorrencia.TARIFA.value:
        o.resultado = ResultadoOcorrencia.TARIFA
    else:
        o.resultado = ResultadoOcorrencia.IGNORADO
    if o.valor_tarifa:
        resumo.tarifas += o.valor_tarifa
    resumo.contagem[o.resultado.value] = resumo.contagem.get(o.resultado.value, 0) + 1


async def obter_retorno(uow: UnitOfWork, retorno_id: uuid.UUID) -> RetornoArquivo:
    arquivo = await uow.session.get(RetornoArquivo, retorno_id)
    if arquivo is None:
        raise NaoEncontrado("Retorno")
    return arquivo


def ocorrencias_do_retorno(retorno_id: uuid.UUID) -> Select[OcorrenciaRetorno]:
    """The file's ocorrências in file order (for ``http.pagination.paginate``: a file holds 100,000)."""
    return (
        select(OcorrenciaRetorno)
        .where(OcorrenciaRetorno.retorno_id == retorno_id)
        .order_by(OcorrenciaRetorno.linha, OcorrenciaRetorno.id)
    )


__all__ = ["ErroCnab", "RetornoRejeitado", "conta_do_arquivo", "importar", "ler", "processar", "receber"]
