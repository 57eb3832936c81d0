"""The bank files of the carta's payouts: the CNAB 240 pagamentos remessa and its retorno.

``gerar_remessa`` puts a grupo's pending payouts of one forma (TED or PIX) in one file written by
``cobranca.cnab240.escrever_remessa_pagamentos`` (segments A and B, header/trailer counts and
sums), stores it byte for byte with its SHA-256 and marks the payouts ``em_remessa``. The NSA
(número sequencial do arquivo) is one sequence for the tenant, unique in the database.

``importar_retorno`` reads the bank's answer (``ler_retorno_pagamentos``) and settles each payout
by its "seu número": ``00`` efetivado → the money leaves the carta (``desembolso.efetivar``),
``BD`` agendado → still waiting, anything else → rejected (the reservation is released). The
same file imported again answers what it did the first time (its SHA-256 is unique); a payout
already settled by another file is reported ``ja_processado`` and left alone.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from tenant_app import calendario
from tenant_app.cobranca.cnab240 import (
    ContaEmpresa,
    ErroCnab,
    Favorecido,
    FormaLancamento,
    RemessaPagamentos,
    TipoChavePix,
    escrever_remessa_pagamentos,
    ler_retorno_pagamentos,
)
from tenant_app.cobranca.cnab240 import Pagamento as PagamentoCnab
from tenant_app.credito.desembolso import efetivar, rejeitar
from tenant_app.credito.models import (
    CartaCredito,
    FormaPagamentoCredito,
    PagamentoCredito,
    RemessaCredito,
    RetornoCredito,
    StatusPagamentoCredito,
)
from tenant_app.credito.regras import documento_valido
from tenant_app.credito.schemas import ContaPagadoraIn
from tenant_app.erros import ConflitoError, FieldError, NaoEncontrado, RegraVioladaError
from tenant_app.grupos.models import Grupo
from tenant_app.unit_of_work import UnitOfWork

CHAVES = {
    "telefone": TipoChavePix.TELEFONE,
    "email": TipoChavePix.EMAIL,
    "cpf_cnpj": TipoChavePix.CPF_CNPJ,
    "aleatoria": TipoChavePix.ALEATORIA,
}
FORMAS = {
    FormaPagamentoCredito.TED: FormaLancamento.TED_OUTRA_TITULARIDADE,
    FormaPagamentoCredito.PIX: FormaLancamento.PIX_TRANSFERENCIA,
}
#: Serializes the NSA sequence of the tenant (a transaction-level advisory lock).
_TRAVA_NSA = 0x43524544_4E5341  # "CRED" "NSA"


def _conta(c: ContaPagadoraIn) -> ContaEmpresa:
    inscricao = documento_valido(c.inscricao)
    if inscricao is None:
        raise RegraVioladaError(
            "CNPJ da conta pagadora inválido.", campo="conta.inscricao", code="documento_invalido"
        )
    return ContaEmpresa(
        banco=c.banco,
        nome_banco=c.nome_banco,
        inscricao=inscricao,
        nome=c.nome,
        convenio=c.convenio,
        agencia=c.agencia,
        dv_agencia=c.dv_agencia,
        conta=c.conta,
        dv_conta=c.dv_conta,
    )


def _cnab(p: PagamentoCredito, dia: date) -> PagamentoCnab:
    favorecido = Favorecido(
        nome=p.favorecido_nome,
        inscricao=p.favorecido_documento,
        banco=p.banco or "",
        agencia=p.agencia or "",
        dv_agencia=p.dv_agencia or " ",
        conta=p.conta or "",
        dv_conta=p.dv_conta or " ",
    )
    if p.forma is FormaPagamentoCredito.PIX:
        return PagamentoCnab(
            seu_numero=p.seu_numero,
            data=dia,
            valor=p.valor,
            favorecido=favorecido,
            tipo_chave=CHAVES[p.tipo_chave_pix or ""],
            chave_pix=p.chave_pix or "",
            informacao="Carta de credito",
        )
    return PagamentoCnab(
        seu_numero=p.seu_numero, data=dia, valor=p.valor, favorecido=favorecido, informacao="Carta de credito"
    )


async def gerar_remessa(
    uow: UnitOfWork, grupo_id: uuid.UUID, forma: FormaPagamentoCredito, conta: ContaPagadoraIn, hoje: date
) -> tuple[RemessaCredito, list[PagamentoCredito]]:
    """The CNAB 240 pagamentos file of the grupo's pending payouts of ``forma`` (422 when none)."""
    if forma not in FORMAS:
        raise RegraVioladaError("Remessas são de TED ou de PIX.", campo="forma", code="valores_invalidos")
    session = uow.session
    if await session.get(Grupo, grupo_id) is None:
        raise NaoEncontrado("Grupo")
    empresa = _conta(conta)
    pendentes = list(
        (
            await session.scalars(
                select(PagamentoCredito)
                .where(
                    PagamentoCredito.grupo_id == grupo_id,
                    PagamentoCredito.forma == forma,
                    PagamentoCredito.status == StatusPagamentoCredito.PENDENTE,
                )
                .order_by(PagamentoCredito.solicitado_em)
                .with_for_update(skip_locked=True)
            )
        ).all()
    )
    if not pendentes:
        raise RegraVioladaError(
            f"Não há pagamentos de carta de crédito por {forma.value} pendentes neste grupo.",
            campo="forma",
            code="sem_pagamentos_pendentes",
        )
    await session.execute(text("select pg_advisory_xact_lock(:k)"), {"k": _TRAVA_NSA})
    numero = int(await session.scalar(select(func.coalesce(func.max(RemessaCredito.numero), 0))) or 0) + 1
    agora = datetime.now(UTC)
    try:
        conteudo = escrever_remessa_pagamentos(
            RemessaPagamentos(
                conta=empresa,
                numero=numero,
                gerada_em=agora,
                forma=FORMAS[forma],
                pagamentos=[_cnab(p, hoje) for p in pendentes],
            )
        )
    except ValueError as err:
        raise RegraVioladaError(str(err), campo="pagamentos", code="remessa_invalida") from None
    remessa = RemessaCredito(
        id=uuid.uuid4(),
        grupo_id=grupo_id,
        numero=numero,
        forma=forma,
        conta_pagadora={k: getattr(conta, k) for k in conta.__struct_fields__},
        quantidade=len(pendentes),
        total=sum((p.valor for p in pendentes), Decimal(0)),
        conteudo=conteudo,
        sha256=hashlib.sha256(conteudo.encode("ascii")).hexdigest(),
        gerada_em=agora,
        gerada_por=uow.actor.user_id,
    )
    uow.add(remessa)
    await uow.flush()  # the payouts refer to it
    for p in pendentes:
        uow.track(p)
        p.status = StatusPagamentoCredito.EM_REMESSA
        p.remessa_id = remessa.id
    await uow.commit()
    return remessa, pendentes


async def get_remessa(uow: UnitOfWork, remessa_id: uuid.UUID) -> RemessaCredito:
    """A stored remessa or 404."""
    remessa = await uow.session.get(RemessaCredito, remessa_id)
    if remessa is None:
        raise NaoEncontrado("Remessa")
    return remessa


async def importar_retorno(uow: UnitOfWork, conteudo: str) -> RetornoCredito:
    """Settle the payouts a bank retorno names; the same file twice answers the first import."""
    session = uow.session
    sha = hashlib.sha256(conteudo.encode("latin-1", errors="replace")).hexdigest()
    anterior = await session.scalar(select(RetornoCredito).where(RetornoCredito.sha256 == sha))
    if anterior is not None:
        return anterior
    try:
        retorno = ler_retorno_pagamentos(conteudo)
    except ErroCnab as err:
        raise RegraVioladaError(
            f"Arquivo de retorno inválido: {err}",
            errors=[FieldError("conteudo", f"linha {err.linha}: {err.motivo}")],
            code="retorno_invalido",
        ) from None
    itens: list[dict[str, Any]] = []
    efetivados = rejeitados = 0
    for r in retorno.pagamentos:
        pagamento = await session.scalar(
            select(PagamentoCredito).where(PagamentoCredito.seu_numero == r.seu_numero).with_for_update()
        )
        item: dict[str, Any] = {
            "seu_numero": r.seu_numero,
            "ocorrencias": list(r.ocorrencias),
            "pagamento_id": None if pagamento is None else str(pagamento.id),
        }
        itens.append(item)
        if pagamento is None:
            item["situacao"] = "desconhecido"
            continue
        if pagamento.status in (StatusPagamentoCredito.EFETIVADO, StatusPagamentoCredito.REJEITADO):
            item["situacao"] = "ja_processado"
            continue
        if pagamento.status is not StatusPagamentoCredito.EM_REMESSA:
            item["situacao"] = "desconhecido"  # never sent: not this file's payout
            continue
        carta = await session.get(CartaCredito, pagamento.carta_id, with_for_update=True)
        assert carta is not None
        if r.efetivado:
            pago = r.valor_efetivado or r.valor
            if pago != pagamento.valor:
                item["situacao"] = "divergente"  # the bank paid another amount: a person must look
                continue
            await efetivar(
                uow,
                carta,
                pagamento,
                r.data_efetivacao or r.data_pagamento or calendario.hoje(),
                r.nosso_numero,
            )
            item["situacao"] = "efetivado"
            efetivados += 1
        elif r.agendado:
            item["situacao"] = "agendado"
        else:
            rejeitar(uow, carta, pagamento, list(r.ocorrencias))
            item["situacao"] = "rejeitado"
            rejeitados += 1
    registro = RetornoCredito(
        id=uuid.uuid4(),
        sha256=sha,
        conteudo=conteudo,
        resumo={"efetivados": efetivados, "rejeitados": rejeitados, "itens": itens},
        importado_por=uow.actor.user_id,
    )
    uow.add(registro)
    try:
        await uow.commit()
    except IntegrityError:
        await uow.rollback()
        raise ConflitoError(
            "Este retorno está sendo importado agora por outra requisição; repita para ver o resultado.",
            code="retorno_em_importacao",
        ) from None
    return registro
