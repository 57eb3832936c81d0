"""Registering títulos with the bank: the CNAB 240 remessa (segments P, Q, R) of an account, numbered
from the account's sequence (NSA) and stored in the tenant's bucket before the database says so.

A remessa carries every título issued and not yet sent (movimento 01, entrada) and every baixa of a
título the bank had received (movimento 02). The títulos stay ``emitido`` until the bank's retorno
confirms them (02 → ``registrado``).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select, update

from tenant_app.armazenamento import Finalidade, ObjectStore, chave
from tenant_app.cobranca.cnab240 import Movimento, Pagador, Remessa, TituloRemessa, escrever_remessa
from tenant_app.cobranca.contas import empresa_de
from tenant_app.cobranca.models import ContaCobranca, RemessaArquivo, StatusTitulo, Titulo
from tenant_app.consorciados.models import Consorciado, Endereco
from tenant_app.cotas.models import Cota
from tenant_app.erros import NaoEncontrado, RegraVioladaError
from tenant_app.unit_of_work import UnitOfWork

CONTENT_TYPE = "text/plain; charset=us-ascii"


def _pagador(consorciado: Consorciado, endereco: Endereco | None) -> Pagador:
    documento = consorciado.documento or ""
    if endereco is None:
        return Pagador(documento, consorciado.nome, "", "", "00000000", "", "")
    rua = " ".join(x for x in (endereco.logradouro, endereco.numero, endereco.complemento or "") if x)
    return Pagador(
        documento, consorciado.nome, rua, endereco.bairro, endereco.cep, endereco.cidade, endereco.uf
    )


def titulo_remessa(t: Titulo, pagador: Pagador, movimento: Movimento) -> TituloRemessa:
    return TituloRemessa(
        nosso_numero=t.nosso_numero,
        seu_numero=t.seu_numero,
        vencimento=t.vencimento,
        valor=t.valor,
        emissao=t.emitido_em.date(),
        pagador=pagador,
        movimento=movimento,
        juros_por_dia=t.juros_por_dia,
        multa_percentual=t.multa_pct,
        uso_empresa=t.id.hex[:25],  # returned untouched in the retorno (G072)
        mensagem=f"PARCELA {t.parcela_numero}",
    )


async def _pagadores(uow: UnitOfWork, cota_ids: set[uuid.UUID]) -> dict[uuid.UUID, Pagador]:
    """The payer (consorciado and first address) of each cota, in two queries."""
    rows = (
        await uow.session.execute(
            select(Cota.id, Consorciado)
            .join(Consorciado, Consorciado.id == Cota.consorciado_id)
            .where(Cota.id.in_(cota_ids))
        )
    ).all()
    enderecos: dict[uuid.UUID, Endereco] = {}
    ids = [c.id for _, c in rows]
    for e in (
        await uow.session.execute(
            select(Endereco).where(Endereco.consorciado_id.in_(ids)).order_by(Endereco.id)
        )
    ).scalars():
        enderecos.setdefault(e.consorciado_id, e)
    return {cota_id: _pagador(c, enderecos.get(c.id)) for cota_id, c in rows}


async def gerar_remessa(uow: UnitOfWork, conta_id: uuid.UUID, armazenamento: ObjectStore) -> RemessaArquivo:
    """Write, store and record the account's next remessa; 422 ``remessa_vazia`` when nothing is due."""
    conta = (
        await uow.session.execute(select(ContaCobranca).where(ContaCobranca.id == conta_id).with_for_update())
    ).scalar_one_or_none()
    if conta is None:
        raise NaoEncontrado("Conta de cobrança")
    entradas = list(
        (
            await uow.session.execute(
                select(Titulo)
                .where(
                    Titulo.conta_id == conta.id,
                    Titulo.status == StatusTitulo.EMITIDO,
                    Titulo.remessa_id.is_(None),
                )
                .order_by(Titulo.numero)
            )
        ).scalars()
    )
    baixas = list(
        (
            await uow.session.execute(
                select(Titulo)
                .where(
                    Titulo.conta_id == conta.id,
                    Titulo.status == StatusTitulo.BAIXADO,
                    Titulo.remessa_id.is_not(None),
                    Titulo.remessa_baixa_id.is_(None),
                )
                .order_by(Titulo.numero)
            )
        ).scalars()
    )
    if not entradas and not baixas:
        raise RegraVioladaError("Não há títulos a enviar ao banco nesta conta.", code="remessa_vazia")
    pagadores = await _pagadores(uow, {t.cota_id for t in entradas + baixas})
    titulos = [titulo_remessa(t, pagadores[t.cota_id], Movimento.ENTRADA) for t in entradas]
    titulos += [titulo_remessa(t, pagadores[t.cota_id], Movimento.BAIXA) for t in baixas]
    numero = conta.proxima_remessa
    agora = datetime.now(UTC)
    try:
        texto = escrever_remessa(
            Remessa(conta=empresa_de(conta), numero=numero, gerada_em=agora, titulos=titulos)
        )
    except ValueError as erro:
        raise RegraVioladaError(f"Remessa impossível: {erro}", code="remessa_invalida") from None
    remessa_id = uuid.uuid4()
    conteudo = texto.encode("ascii")
    # Stored first: the database never names a file the bucket does not have (an orphan object left by
    # a failed commit is harmless, keys are never reused).
    guardado = await armazenamento.put(
        chave(Finalidade.COBRANCA, "remessas", str(conta.id), f"{numero:06d}-{remessa_id.hex[:8]}.REM"),
        conteudo,
        CONTENT_TYPE,
        metadata={"conta": str(conta.id), "numero": str(numero)},
    )
    uow.track(conta)
    conta.proxima_remessa = numero + 1
    remessa = RemessaArquivo(
        id=remessa_id,
        conta_id=conta.id,
        numero=numero,
        gerada_em=agora,
        titulos=len(titulos),
        valor_total=sum((t.valor for t in titulos), Decimal("0.00")),
        sha256=guardado.sha256,
        chave_objeto=guardado.key,
        tamanho=guardado.size,
    )
    uow.add(remessa)
    await uow.flush()
    # Bulk: a remessa may carry tens of thousands of títulos; one audit entry names them all.
    for ids, coluna in (
        ([t.id for t in entradas], "remessa_id"),
        ([t.id for t in baixas], "remessa_baixa_id"),
    ):
        for inicio in range(0, len(ids), 5000):
            await uow.session.execute(
                update(Titulo)
                .where(Titulo.id.in_(ids[inicio : inicio + 5000]))
                .values({coluna: remessa.id})
                .execution_options(synchronize_session=False)
            )
    uow.auditar(
        "remessa_gerada",
        "remessa",
        str(remessa.id),
        None,
        {"numero": numero, "entradas": len(entradas), "baixas": len(baixas), "sha256": guardado.sha256},
    )
    await uow.commit()
    return remessa


async def obter_remessa(uow: UnitOfWork, remessa_id: uuid.UUID) -> RemessaArquivo:
    remessa = await uow.session.get(RemessaArquivo, remessa_id)
    if remessa is None:
        raise NaoEncontrado("Remessa")
    return remessa


async def listar_remessas(uow: UnitOfWork, conta_id: uuid.UUID | None) -> list[RemessaArquivo]:
    stmt = select(RemessaArquivo).order_by(RemessaArquivo.gerada_em.desc())
    if conta_id is not None:
        stmt = stmt.where(RemessaArquivo.conta_id == conta_id)
    return list((await uow.session.execute(stmt.limit(500))).scalars())
