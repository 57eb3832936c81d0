"""Many ordinary payments in one transaction (a bank's retorno): ``registrar_pagamento``'s rules, batched I/O.

``registrar_pagamento`` costs three queries and a flush per payment (lock the cota, read its open
parcelas, write the payment before its ledger rows); at 100,000 títulos per retorno that is most of
the time. ``LotePagamentos`` does the same per payment in memory and the I/O once per batch:

* ``abrir`` locks every cota of the batch (``FOR UPDATE``, in id order as every writer does), and reads
  their grupos and open parcelas (``parcelas.em_memoria``);
* ``registrar`` runs the money path's own steps — ``alocar_ordinario`` (oldest first, late charges
  before principal, nothing left over), ``pagamento_parcela.aplicar`` (the one writer of paid amounts),
  ``lancamentos_do_pagamento`` and ``ledger.service.lancamentos`` (the postings), the
  ``pagamento.confirmado`` event, and the audit entry of the new payment — raising the same errors;
* ``gravar`` inserts the payments, allocations and ledger rows and updates the parcelas with a few
  multi-row statements; the group balances move at commit (``UnitOfWork.adiar_saldo``) and the audit
  entries join the hash chain there, as for any payment.

Only ordinary money (boleto, PIX, TED): a lance goes through ``registrar_pagamento``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, select

from tenant_app.cotas.models import Cota
from tenant_app.database import copia
from tenant_app.dinheiro.alocacao import EstadoParcela
from tenant_app.dinheiro.centavos import ZERO
from tenant_app.erros import NaoEncontrado, RegraVioladaError
from tenant_app.eventos.tipos import PAGAMENTO_CONFIRMADO
from tenant_app.grupos.models import Grupo, StatusGrupo
from tenant_app.ledger.models import LancamentoFundo
from tenant_app.ledger.service import movimentos
from tenant_app.pagamentos.lancamentos import lancamentos_do_pagamento
from tenant_app.pagamentos.models import FormaPagamento, Pagamento, PagamentoAlocacao, StatusPagamento
from tenant_app.pagamentos.service import alocar_ordinario, aplicar_alocacoes, dados_confirmacao
from tenant_app.parcelas import em_memoria
from tenant_app.parcelas.em_memoria import ParcelaEmMemoria
from tenant_app.parcelas.models import StatusParcela
from tenant_app.parcelas.pagamento_parcela import estado
from tenant_app.unit_of_work import UnitOfWork

_PAGAMENTOS = cast(Table, Pagamento.__table__)
_ALOCACOES = cast(Table, PagamentoAlocacao.__table__)
_LANCAMENTOS = cast(Table, LancamentoFundo.__table__)
_LOCK_COTAS = (
    f"SELECT id, numero, consorciado_id, grupo_id FROM {Cota.__tablename__}"
    " WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE"
)
_COLUNAS_PAGAMENTO = [c.key for c in _PAGAMENTOS.columns]
#: Without ``id``: the database draws it (nothing in the batch refers to these rows by id).
_COLUNAS_LANCAMENTO = (
    "grupo_id",
    "fundo",
    "valor",
    "origem",
    "pagamento_id",
    "cota_id",
    "referencia_id",
    "descricao",
    "registrado_em",
)


class AlocacaoRegistrada(NamedTuple):
    """A ``PagamentoAlocacao`` row as plain values (``aplicar_alocacoes`` builds it by column name)."""

    parcela_id: uuid.UUID
    parcela_numero: int
    ordem: int
    fundo_comum: Decimal
    fundo_reserva: Decimal
    taxa_administracao: Decimal
    seguro: Decimal
    multa: Decimal
    juros: Decimal
    encargos_administradora: Decimal


_COLUNAS_ALOCACAO = ("pagamento_id", *AlocacaoRegistrada._fields)


@dataclass(slots=True)
class PagamentoRegistrado:
    """A payment of the batch: what the caller links (título, ocorrência) and the event reads."""

    id: uuid.UUID
    cota_id: uuid.UUID
    grupo_id: uuid.UUID
    valor: Decimal
    data_pagamento: date
    forma: FormaPagamento
    referencia: str | None
    parcelas: list[int]


def _estados_ate(
    parcelas: list[ParcelaEmMemoria], valor: Decimal, data: date, grupo: Grupo
) -> list[EstadoParcela]:
    """The allocation's view of the open parcelas (oldest first) up to the one where ``valor`` runs
    out: ``alocar`` goes oldest first and stops there, so it allocates exactly as over all of them
    (all of them when the money is more than the cota owes: then ``alocar_ordinario`` refuses it with
    the total, as ``registrar_pagamento`` does). A cota has up to hundreds of open parcelas; a boleto
    pays one or two."""
    estados = []
    acumulado = ZERO
    for p in parcelas:
        e = estado(p)
        estados.append(e)
        acumulado += e.saldo + e.encargos(data, grupo.multa_pct, grupo.juros_mensal_pct).total
        if acumulado >= valor:
            break
    return estados


@dataclass(slots=True)
class _Cota:
    id: uuid.UUID
    numero: int
    consorciado_id: uuid.UUID | None
    grupo: Grupo
    parcelas: list[ParcelaEmMemoria]


@dataclass
class LotePagamentos:
    uow: UnitOfWork
    _cotas: dict[uuid.UUID, _Cota]
    _pagamentos: list[tuple[Any, ...]] = field(default_factory=list)
    _alocacoes: list[tuple[Any, ...]] = field(default_factory=list)
    _lancamentos: list[tuple[Any, ...]] = field(default_factory=list)
    _saldos: dict[uuid.UUID, list[Decimal]] = field(default_factory=dict)
    _alteradas: dict[uuid.UUID, ParcelaEmMemoria] = field(default_factory=dict)
    _eventos: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)

    #: With ``abrir(necessario=...)``: per cota, the money it may still take in this batch (its
    #: parcelas were read only as far as that covers); None: every open parcela was read.
    _limites: dict[uuid.UUID, Decimal] | None = None

    @classmethod
    async def abrir(
        cls,
        uow: UnitOfWork,
        cota_ids: Iterable[uuid.UUID],
        *,
        necessario: Mapping[uuid.UUID, Decimal] | None = None,
        alvos: Iterable[uuid.UUID] = (),
        lote: int = 5000,
    ) -> LotePagamentos:
        """Lock the cotas (id order) and read their grupos and open parcelas; unknown ids are left out
        (``registrar`` then answers 404 as ``registrar_pagamento`` does).

        ``necessario`` (cota → at most what this batch will pay into it) reads only the parcelas that
        money can reach, plus those of ``alvos`` (``em_memoria.abertas_que_bastam``); ``registrar``
        then refuses to go beyond it rather than allocate on a partial list."""
        session = uow.session
        ids = sorted(set(cota_ids) | set(necessario or ()))
        linhas: list[Any] = []
        for inicio in range(0, len(ids), lote):
            linhas.extend(await copia.ler(session, _LOCK_COTAS, ids[inicio : inicio + lote]))
        grupo_ids = sorted({row["grupo_id"] for row in linhas})
        grupos = {
            g.id: g for g in (await session.execute(select(Grupo).where(Grupo.id.in_(grupo_ids)))).scalars()
        }
        if necessario is None:
            parcelas = await em_memoria.abertas_por_cota(session, (row["id"] for row in linhas))
            limites = None
        else:
            limites = {row["id"]: necessario.get(row["id"], ZERO) for row in linhas}
            parcelas = await em_memoria.abertas_que_bastam(session, limites, alvos)
        cotas = {
            cota_id: _Cota(cota_id, numero, consorciado_id, grupos[grupo_id], parcelas.get(cota_id, []))
            for cota_id, numero, consorciado_id, grupo_id in linhas
        }
        return cls(uow, cotas, _limites=limites)

    def grupo(self, cota_id: uuid.UUID) -> Grupo | None:
        cota = self._cotas.get(cota_id)
        return None if cota is None else cota.grupo

    def abertas(self, cota_id: uuid.UUID) -> list[ParcelaEmMemoria]:
        """The cota's parcelas still open now (earlier payments of this batch included), oldest first."""
        cota = self._cotas.get(cota_id)
        if cota is None:
            return []
        return [p for p in cota.parcelas if p.status is not StatusParcela.PAGA]

    def registrar(
        self,
        cota_id: uuid.UUID,
        valor: Decimal,
        data_pagamento: date,
        forma: FormaPagamento,
        referencia: str | None,
    ) -> PagamentoRegistrado:
        """``registrar_pagamento`` for ordinary money, in memory: same allocation, same errors."""
        if forma is FormaPagamento.LANCE:
            raise ValueError("a lance goes through registrar_pagamento")
        cota = self._cotas.get(cota_id)
        if cota is None:
            raise NaoEncontrado("Cota")
        grupo = cota.grupo
        if grupo.status is not StatusGrupo.EM_ANDAMENTO:
            raise RegraVioladaError(
                "Pagamentos só são aceitos em grupos em andamento.", code="grupo_nao_iniciado"
            )
        if self._limites is not None:
            # The parcelas were read only as far as this much money reaches: beyond it the
            # allocation would see a partial list. A caller's bug, never the payer's.
            restante = self._limites.get(cota_id, ZERO) - valor
            if restante < 0:
                raise ValueError(f"cota {cota_id}: more money than the batch was opened for")
            self._limites[cota_id] = restante
        parcelas = self.abertas(cota_id)
        estados = _estados_ate(parcelas, valor, data_pagamento, grupo)
        alocacoes = alocar_ordinario(grupo, estados, valor, data_pagamento)
        # The allocations fall on the parcelas the allocation saw: the first len(estados).
        alcancadas = parcelas[: len(estados)]
        registros = aplicar_alocacoes(alcancadas, alocacoes, data_pagamento, grupo, AlocacaoRegistrada)
        alocadas = {a.parcela_id for a in alocacoes}
        for parcela in alcancadas:
            if parcela.id in alocadas:
                self._alteradas[parcela.id] = parcela
        pagamento = PagamentoRegistrado(
            id=uuid.uuid4(),
            cota_id=cota_id,
            grupo_id=grupo.id,
            valor=valor,
            data_pagamento=data_pagamento,
            forma=forma,
            referencia=referencia,
            parcelas=[r.parcela_numero for r in registros],
        )
        linha = {
            "id": pagamento.id,
            "cota_id": cota_id,
            "grupo_id": grupo.id,
            "valor": valor,
            "valor_embutido": ZERO,
            "data_pagamento": data_pagamento,
            "forma": forma,
            "referencia": referencia,
            "status": StatusPagamento.CONFIRMADO,
            "registrado_por": self.uow.actor.user_id,
            "registrado_em": datetime.now(UTC),
            "estornado_em": None,
            "estornado_por": None,
            "motivo_estorno": None,
        }
        self._pagamentos.append(tuple(linha[c] for c in _COLUNAS_PAGAMENTO))
        # The entry uow.add would have written for the ORM row: every column of the new payment.
        self.uow.auditar("insert", _PAGAMENTOS.name, str(pagamento.id), None, linha)
        for r in registros:
            self._alocacoes.append((pagamento.id, *r))
        for origem, entradas in lancamentos_do_pagamento(forma, registros):
            # ledger.service.lancamentos's rows (uow.lancar's), as plain values
            postados, fc, fr = movimentos(entradas)
            self._lancamentos.extend(
                (
                    grupo.id,
                    fundo,
                    v,
                    origem,
                    pagamento.id,
                    cota_id,
                    None,
                    None,
                    linha["registrado_em"],
                )
                for fundo, v in postados
            )
            saldo = self._saldos.setdefault(grupo.id, [ZERO, ZERO])
            saldo[0] += fc
            saldo[1] += fr
        self._eventos.append(
            (
                dados_confirmacao(
                    pagamento, pagamento.parcelas, cota.numero, cota.consorciado_id, grupo.codigo
                ),
                f"cota:{cota_id}",
            )
        )
        return pagamento

    def tomar(self) -> Escrita:
        """What was registered since the last call, as rows for ``escrever``, taken now (registering
        may go on while they are written); the balance moves go to the unit of work (at commit)."""
        for grupo_id, (fc, fr) in self._saldos.items():
            self.uow.adiar_saldo(grupo_id, fc, fr)
        escrita = Escrita(
            self._pagamentos,
            self._alocacoes,
            self._lancamentos,
            em_memoria.linhas(self._alteradas.values()),
            self._eventos,
        )
        self._pagamentos, self._alocacoes, self._lancamentos = [], [], []
        self._saldos, self._alteradas, self._eventos = {}, {}, []
        return escrita

    async def escrever(self, escrita: Escrita) -> None:
        """Write rows taken by ``tomar`` (payments before what references them), in the order taken."""
        session = self.uow.session
        await copia.copiar(session, _PAGAMENTOS, _COLUNAS_PAGAMENTO, escrita.pagamentos)
        await copia.copiar(session, _ALOCACOES, _COLUNAS_ALOCACAO, escrita.alocacoes)
        await copia.copiar(session, _LANCAMENTOS, _COLUNAS_LANCAMENTO, escrita.lancamentos)
        await em_memoria.gravar_linhas(session, escrita.parcelas)
        await self.uow.publicar_lote(PAGAMENTO_CONFIRMADO, escrita.eventos)

    async def gravar(self) -> None:
        """Write what the batch registered; before the unit of work commits."""
        await self.escrever(self.tomar())


@dataclass(slots=True)
class Escrita:
    """What a batch registered, as rows (``LotePagamentos.tomar``)."""

    pagamentos: list[tuple[Any, ...]]
    alocacoes: list[tuple[Any, ...]]
    lancamentos: list[tuple[Any, ...]]
    parcelas: list[tuple[Any, ...]]
    eventos: list[tuple[dict[str, Any], str | None]]
