"""Every change of a carta's status, recorded with who did it and why (and audited)."""

from __future__ import annotations

from tenant_app.credito.estados import StatusCarta
from tenant_app.credito.models import CartaCredito, CartaTransicao
from tenant_app.eventos.tipos import CREDITO_STATUS_ALTERADO
from tenant_app.unit_of_work import UnitOfWork


def registrar_transicao(
    uow: UnitOfWork, carta: CartaCredito, para: StatusCarta, acao: str, motivo: str
) -> None:
    """Move ``carta`` to ``para`` with a history row and an audit entry naming the actor and the reason.

    A new carta (``acao`` "abertura") has no previous status.
    """
    de = None if acao == "abertura" else carta.status
    uow.add(
        CartaTransicao(
            carta_id=carta.id,
            de=de,
            para=para,
            acao=acao,
            motivo=motivo,
            user_id=uow.actor.user_id,
        )
    )
    if de is not None:
        uow.track(carta)
    carta.status = para
    # Webhooks and live screens follow the carta (ids only: no personal data in events).
    uow.publicar(
        CREDITO_STATUS_ALTERADO,
        {
            "carta_id": carta.id,
            "cota_id": carta.cota_id,
            "grupo_id": carta.grupo_id,
            "de": None if de is None else de.value,
            "para": para.value,
            "acao": acao,
        },
        chave=f"cota:{carta.cota_id}",
    )
    uow.auditar(
        f"credito_{acao}",
        "cartas_credito",
        str(carta.id),
        None if de is None else {"status": de.value},
        {"status": para.value, "motivo": motivo},
    )
