"""Second line of defence: what the database refuses even if a service were bypassed."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import pytest
from redis.asyncio import Redis
from sqlalchemy.exc import IntegrityError

from tenant_app.assembleias.apuracao import Modalidade, TipoLance
from tenant_app.assembleias.apuracao_service import apurar_com_trava
from tenant_app.assembleias.models import Apuracao, ContemplacaoCota, LanceAssembleia, StatusLance
from tenant_app.assembleias.sorteio import parse_extracao
from tenant_app.erros import ConflitoError
from tenant_app.system.redis_lock import RedisLock
from tests.support.tenant_app_fixtures import Tenant

from .conftest import assembleia_aberta, passar_corte, semear_grupo, sessao, unidade

pytestmark = pytest.mark.integration


async def test_two_holders_still_give_one_apuracao(tenant_a: Tenant) -> None:
    """Even with two lock holders (a lease lost mid-run), the row lock and uniqueness allow one result."""
    grupo = await semear_grupo(tenant_a, numero_cotas=20, saldo_comum=Decimal("100000.00"))
    assembleia = uuid.UUID(await assembleia_aberta(tenant_a, grupo))
    await passar_corte(tenant_a, str(assembleia))
    extracao = parse_extracao(7001, ["00005", "10450", "22222", "31415", "40404"])
    redis = Redis.from_url(tenant_a.env["REDIS_URL"], decode_responses=True)

    async def tentar(chave: str) -> str:
        uow, engine = await unidade(tenant_a)
        trava = RedisLock(redis, tenant_a.settings.redis.key("lock", "teste", chave))
        await trava.acquire()
        try:
            await apurar_com_trava(uow, trava, tenant_a.settings, assembleia, extracao, None)
            return "ok"
        except ConflitoError:
            return "409"
        finally:
            await trava.release()
            await uow.close()
            await engine.dispose()  # type: ignore[attr-defined]

    try:
        resultados = await asyncio.gather(*(tentar(uuid.uuid4().hex) for _ in range(4)))
    finally:
        await redis.aclose()  # type: ignore[attr-defined]
    assert sorted(resultados) == ["409", "409", "409", "ok"]


async def test_database_refuses_duplicates(tenant_a: Tenant) -> None:
    grupo = await semear_grupo(tenant_a, numero_cotas=3)
    assembleia = uuid.UUID(await assembleia_aberta(tenant_a, grupo))

    async def inserir(*objs: object) -> None:
        session, engine = await sessao(tenant_a)
        try:
            session.add_all(objs)
            await session.commit()
        finally:
            await session.close()
            await engine.dispose()  # type: ignore[attr-defined]

    def apuracao(revisao: int = 1) -> Apuracao:
        return Apuracao(
            id=uuid.uuid4(),
            assembleia_id=assembleia,
            revisao=revisao,
            hash_entrada="0" * 64,
            entrada_canonica="{}",
            resultado_canonico="{}",
        )

    primeira = apuracao()
    await inserir(primeira)
    with pytest.raises(IntegrityError):
        await inserir(apuracao())  # same assembleia, same revision

    def contemplacao() -> ContemplacaoCota:
        return ContemplacaoCota(
            grupo_id=grupo.grupo_id,
            assembleia_id=assembleia,
            apuracao_id=primeira.id,
            cota_id=grupo.cotas[1],
            cota_numero=1,
            modalidade=Modalidade.SORTEIO,
            valor_credito=Decimal("100000.00"),
            valor_liberado=Decimal("100000.00"),
            do_fundo_comum=Decimal("100000.00"),
            do_fundo_reserva=Decimal("0"),
        )

    await inserir(contemplacao())
    with pytest.raises(IntegrityError):
        await inserir(contemplacao())  # the same cota twice in the group's life

    def lance() -> LanceAssembleia:
        return LanceAssembleia(
            assembleia_id=assembleia,
            cota_id=grupo.cotas[2],
            tipo=TipoLance.LIVRE,
            percentual=Decimal("10"),
            status=StatusLance.ATIVO,
        )

    await inserir(lance())
    with pytest.raises(IntegrityError):
        await inserir(lance())  # one active lance per cota per assembleia
