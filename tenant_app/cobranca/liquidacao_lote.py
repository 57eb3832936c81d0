"""Settling a retorno's títulos in bulk: ``liquidacao.liquidar``'s rules (``triagem``, ``valor_aplicavel``,
the excess to identify) over ``pagamentos.lote`` — the money path's steps in memory, its I/O per batch.

The títulos are read once (locked, in id order) as plain copies; what changes on them (registered,
rejected, written off, settled) is written back with one bulk UPDATE and one audit entry per change,
the same entry ``uow.track`` gives an ORM row (the changed columns, before and after).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table

from tenant_app.cobranca.liquidacao import (
    NADA_DEVIDO,
    Recebimento,
    a_identificar,
    excedente,
    forma_de,
    triagem,
    valor_aplicavel,
)
from tenant_app.cobranca.models import MotivoValor, StatusTitulo, Titulo, ValorAIdentificar
from tenant_app.database import copia
from tenant_app.dinheiro.centavos import ZERO
from tenant_app.pagamentos.lote import Escrita, LotePagamentos, PagamentoRegistrado
from tenant_app.unit_of_work import UnitOfWork

_TITULOS = cast(Table, Titulo.__table__)
#: What an import may change on a título.
MUTAVEIS = ("status", "registrado_em", "liquidado_em", "baixado_em", "motivo", "pagamento_id")


@dataclass(slots=True, eq=False)
class TituloLido:
    """A título as the import reads and changes it (not an ORM row)."""

    id: uuid.UUID
    cota_id: uuid.UUID
    parcela_id: uuid.UUID
    grupo_id: uuid.UUID
    nosso_numero: str
    valor: Decimal
    status: StatusTitulo
    registrado_em: datetime | None
    liquidado_em: date | None
    baixado_em: datetime | None
    motivo: str | None
    pagamento_id: uuid.UUID | None


_COLUNAS = [f.name for f in fields(TituloLido)]
#: What ``tomar`` takes: the payments' rows, then the títulos' (id, then ``MUTAVEIS``).
EscritaLote = tuple[Escrita, list[tuple[Any, ...]]]


@dataclass(slots=True)
class ResultadoLote:
    pagamento: PagamentoRegistrado | None
    a_identificar: list[ValorAIdentificar]


async def titulos_da_conta(
    uow: UnitOfWork, conta_id: uuid.UUID, nossos: Iterable[str], *, lote: int = 20000
) -> dict[str, TituloLido]:
    """The account's títulos with these nossos números, locked in id order (a PIX for the same título
    waits, then sees it settled)."""
    out: dict[str, TituloLido] = {}
    lista = sorted(set(nossos))
    for inicio in range(0, len(lista), lote):
        rows = await copia.ler(uow.session, _LOCK_TITULOS, conta_id, lista[inicio : inicio + lote])
        for row in rows:
            titulo = TituloLido(*row)
            titulo.status = StatusTitulo(titulo.status)
            out[titulo.nosso_numero] = titulo
    return out


_LOCK_TITULOS = (
    f"SELECT {', '.join(_COLUNAS)} FROM {_TITULOS.name}"
    " WHERE conta_id = $1 AND nosso_numero = ANY($2::varchar[]) ORDER BY id FOR UPDATE"
)


@dataclass
class LiquidacaoEmLote:
    uow: UnitOfWork
    pagamentos: LotePagamentos
    _alterados: dict[uuid.UUID, TituloLido] = field(default_factory=dict)

    @classmethod
    async def abrir(
        cls,
        uow: UnitOfWork,
        titulos: Iterable[TituloLido],
        recebimentos: Iterable[tuple[TituloLido, Decimal]] | None = None,
    ) -> LiquidacaoEmLote:
        """Lock and read the cotas of ``titulos`` (see ``LotePagamentos.abrir``). With ``recebimentos``
        (each título and the money the file brings for it), only the parcelas that money can reach
        are read: no título settles more than its money (``valor_aplicavel``)."""
        titulos = list(titulos)
        if recebimentos is None:
            return cls(uow, await LotePagamentos.abrir(uow, {t.cota_id for t in titulos}))
        necessario: dict[uuid.UUID, Decimal] = {t.cota_id: ZERO for t in titulos}
        alvos = set()
        for titulo, valor in recebimentos:
            necessario[titulo.cota_id] += valor
            alvos.add(titulo.parcela_id)
        return cls(uow, await LotePagamentos.abrir(uow, necessario, necessario=necessario, alvos=alvos))

    def alterar(self, titulo: TituloLido, **mudancas: Any) -> None:
        """Change the título now; written and audited (changed columns, before/after) by ``gravar``."""
        antes: dict[str, Any] = {}
        depois: dict[str, Any] = {}
        for campo, valor in mudancas.items():
            atual = getattr(titulo, campo)
            if atual != valor:
                antes[campo], depois[campo] = atual, valor
                setattr(titulo, campo, valor)
        if depois:
            self.uow.auditar("update", _TITULOS.name, str(titulo.id), antes, depois)
            self._alterados[titulo.id] = titulo

    def liquidar(self, titulo: TituloLido | None, r: Recebimento) -> ResultadoLote:
        """``liquidacao.liquidar`` in memory: same triage, same amount applied, same queue entries."""
        recusa = triagem(titulo, r)
        if recusa is not None:
            motivo, detalhe = recusa
            return ResultadoLote(None, [a_identificar(self.uow, r, r.valor, motivo, titulo, detalhe)])
        assert titulo is not None
        grupo = self.pagamentos.grupo(titulo.cota_id)
        aplicar = (
            ZERO
            if grupo is None
            else valor_aplicavel(titulo, r, grupo, self.pagamentos.abertas(titulo.cota_id))
        )
        if aplicar <= 0:
            item = a_identificar(self.uow, r, r.valor, MotivoValor.NAO_APLICAVEL, titulo, NADA_DEVIDO)
            return ResultadoLote(None, [item])
        forma = forma_de(r)
        pagamento = self.pagamentos.registrar(
            titulo.cota_id, aplicar, r.data_credito, forma, f"{forma.value} {r.referencia}"[:100]
        )
        self.alterar(
            titulo, status=StatusTitulo.LIQUIDADO, liquidado_em=r.data_credito, pagamento_id=pagamento.id
        )
        itens = []
        if r.valor > aplicar:
            itens.append(
                a_identificar(
                    self.uow, r, r.valor - aplicar, MotivoValor.EXCEDENTE, titulo, excedente(aplicar, r)
                )
            )
        return ResultadoLote(pagamento, itens)

    def tomar(self) -> EscritaLote:
        """What changed since the last call, as rows (``LotePagamentos.tomar``, and the títulos')."""
        titulos = [(t.id, *(getattr(t, nome) for nome in MUTAVEIS)) for t in self._alterados.values()]
        self._alterados = {}
        return self.pagamentos.tomar(), titulos

    async def escrever(self, escrita: EscritaLote) -> None:
        """The payments first (títulos reference them), then the títulos changed."""
        pagamentos, titulos = escrita
        await self.pagamentos.escrever(pagamentos)
        await copia.atualizar(self.uow.session, _TITULOS, ("id", *MUTAVEIS), titulos)

    async def gravar(self) -> None:
        """Write everything changed; before the commit."""
        await self.escrever(self.tomar())
