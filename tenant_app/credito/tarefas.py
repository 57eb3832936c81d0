"""Celery tasks of the crédito: the daily conversion to cash and the annual IR statements."""

from __future__ import annotations

import asyncio
from datetime import date

from celery import shared_task

from tenant_app import calendario

CONVERTER = "credito.converter_em_especie"
INFORMES = "credito.gerar_informes_ir"


async def _converter(hoje_iso: str | None) -> list[str]:
    import tenant_app.model_registry  # noqa: F401  (every mapped table)
    from tenant_app.credito.especie import converter_elegiveis
    from tenant_app.database.session import create_engine, create_session_factory
    from tenant_app.settings import Settings
    from tenant_app.unit_of_work import Actor, UnitOfWork

    settings = Settings.from_env()
    dia = date.fromisoformat(hoje_iso) if hoje_iso else calendario.hoje()
    engine = create_engine(settings.database)
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "worker")) as uow:
            return [str(i) for i in await converter_elegiveis(uow, dia)]
    finally:
        await engine.dispose()


@shared_task(name=CONVERTER)
def converter_em_especie(hoje_iso: str | None = None) -> list[str]:
    """Convert the unused cartas 180 days old with nothing owed; returns their ids."""
    return asyncio.run(_converter(hoje_iso))


async def _informes(ano: int) -> int:
    import tenant_app.model_registry  # noqa: F401
    from tenant_app.credito.informe import gerar_informes
    from tenant_app.database.session import create_engine, create_session_factory
    from tenant_app.settings import Settings
    from tenant_app.unit_of_work import Actor, UnitOfWork

    settings = Settings.from_env()
    engine = create_engine(settings.database)
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "worker")) as uow:
            return await gerar_informes(uow, ano)
    finally:
        await engine.dispose()


@shared_task(name=INFORMES)
def gerar_informes_ir(ano: int) -> int:
    """Generate (or regenerate) every consorciado's informe for ``ano``; returns how many."""
    return asyncio.run(_informes(ano))
