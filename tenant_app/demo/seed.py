"""``seed-demo``: a realistic running group with members, a year of payments, some delinquency and its yield.

Idempotent: when the demo group already exists nothing is written. Data goes
through the same services the API uses, so every row obeys the same rules
and lands in the audit trail.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from consorcio_contract.identifiers.check_digits import mod11_digit
from tenant_app import calendario
from tenant_app.armazenamento.store import ObjectStore
from tenant_app.cobranca.demo import seed_cobranca
from tenant_app.consorciados.models import TipoPessoa
from tenant_app.consorciados.schemas import ConsentimentoIn, ConsorciadoCreate, EnderecoIn
from tenant_app.consorciados.service import create_consorciado
from tenant_app.cotas.models import Cota
from tenant_app.cotas.service import adesao
from tenant_app.demo.creditos import seed_creditos
from tenant_app.grupos.models import Grupo, IndiceCorrecao, TipoBem
from tenant_app.grupos.schemas import GrupoCreate
from tenant_app.grupos.service import create_grupo, start_grupo
from tenant_app.notificacoes.demo import preparar_demo
from tenant_app.pagamentos.models import FormaPagamento
from tenant_app.pagamentos.service import registrar_pagamento
from tenant_app.parcelas.business_days import add_months
from tenant_app.parcelas.service import parcelas_em_aberto
from tenant_app.relatorios.demo import seed_arquivos
from tenant_app.rendimentos.schemas import RendimentoIn
from tenant_app.rendimentos.service import registrar_rendimento
from tenant_app.unit_of_work import UnitOfWork

DEMO_CODIGO = "DEMO-AUTO-01"
MEMBERS = 120
FIRST_NAMES = (
    "Ana",
    "Bruno",
    "Carla",
    "Diego",
    "Elisa",
    "Fábio",
    "Gabriela",
    "Hugo",
    "Isabela",
    "João",
    "Larissa",
)
LAST_NAMES = ("Silva", "Souza", "Oliveira", "Santos", "Pereira", "Costa", "Almeida", "Ferreira", "Rodrigues")
CITIES = (
    ("São Paulo", "SP"),
    ("Campinas", "SP"),
    ("Belo Horizonte", "MG"),
    ("Curitiba", "PR"),
    ("Recife", "PE"),
)


#: The members' generator seed: the same demo data on every machine.
SEMENTE = 2080
#: The first member's e-mail, and the área do consorciado login ``make up`` prints.
EMAIL_CONSORCIADO_DEMO = "consorciado1@demo.example"


def cpf_consorciado_demo() -> str:
    """The first demo member's CPF: his is the first draw of the seeded generator (``seed_grupo``)."""
    return demo_cpf(random.Random(SEMENTE))


def demo_cpf(rng: random.Random) -> str:
    """A valid CPF from the seeded generator."""
    digits = [rng.randint(0, 9) for _ in range(9)]
    if len(set(digits)) == 1:
        digits[0] = (digits[0] + 1) % 10
    digits.append(mod11_digit(digits, range(10, 1, -1)))
    digits.append(mod11_digit(digits, range(11, 1, -1)))
    return "".join(map(str, digits))


async def seed_demo(
    uow: UnitOfWork,
    today: date | None = None,
    members: int = MEMBERS,
    armazenamento: ObjectStore | None = None,
) -> str:
    """Create the demo group unless it exists; returns a one-line summary.

    The group with its members and cotas is one transaction, then each cota's payments.
    With the tenant's bucket (``armazenamento``), its files too: the contract PDFs and a Doc 2080.
    """
    session = uow.session
    today = today or calendario.hoje()
    if (await session.execute(select(Grupo.id).where(Grupo.codigo == DEMO_CODIGO))).first():
        arquivos = await _arquivos(uow, armazenamento, today)
        arquivos += await preparar_demo(uow, silenciar_historico=False)
        return f"demo group {DEMO_CODIGO} already present; nothing to do{arquivos}"
    rng = random.Random(SEMENTE)
    async with uow.one_transaction():
        grupo = await seed_grupo(uow, rng, inicio_de(today), members)
    resumo = await seed_pagamentos(uow, rng, grupo, today, members)
    resumo += await seed_cobranca(uow, grupo, today)  # issued boletos and one settled retorno
    resumo += await seed_rendimentos(uow, grupo, today)
    # Contemplações and a carta de crédito at each stage (tenant_app/demo/creditos.py).
    resumo += await seed_creditos(uow, grupo, today)
    # Notifications: sender, the devstack webhook receiver; the seeded history is not announced.
    resumo += await preparar_demo(uow, silenciar_historico=True)
    return resumo + await _arquivos(uow, armazenamento, today)


async def _arquivos(uow: UnitOfWork, armazenamento: ObjectStore | None, today: date) -> str:
    """Contract PDFs and the last month's Doc 2080 in the tenant's bucket (idempotent)."""
    if armazenamento is None:
        return ""
    return await seed_arquivos(uow, armazenamento, DEMO_CODIGO, today)


async def seed_rendimentos(uow: UnitOfWork, grupo: Grupo, today: date) -> str:
    """The group's net investment yield for the last three whole months (0.8 % of the fundo comum each)."""
    periodos = 0
    for meses_atras in (3, 2, 1):
        ano, mes = add_months(today.year, today.month, -meses_atras)
        inicio = date(ano, mes, 1)
        fim_ano, fim_mes = add_months(ano, mes, 1)
        base = grupo.saldo_fundo_comum
        if base <= 0:
            continue
        await registrar_rendimento(
            uow,
            grupo.id,
            RendimentoIn(
                inicio=inicio,
                fim=date(fim_ano, fim_mes, 1) - timedelta(days=1),
                valor=(base * Decimal("0.008")).quantize(Decimal("0.01")),
                saldo_base=base,
            ),
        )
        periodos += 1
    return f", {periodos} yield periods"


def inicio_de(today: date) -> date:
    """The demo group started 13 months ago, on the 15th."""
    start_year, start_month = add_months(today.year, today.month, -13)
    return date(start_year, start_month, 15)


async def seed_grupo(uow: UnitOfWork, rng: random.Random, inicio: date, members: int) -> Grupo:
    """The demo group with ``members`` consorciados, one cota each, started on ``inicio``."""
    grupo = await create_grupo(
        uow,
        GrupoCreate(
            codigo=DEMO_CODIGO,
            tipo_bem=TipoBem.AUTOMOVEL,
            valor_credito=Decimal("80000.00"),
            prazo_meses=60,
            numero_cotas=200,
            taxa_administracao_pct=Decimal("16"),
            fundo_reserva_pct=Decimal("2"),
            seguro_pct=Decimal("0.8"),
            indice_correcao=IndiceCorrecao.IPCA,
            dia_assembleia=20,
            dia_vencimento=10,
        ),
    )
    used: set[str] = set()
    for i in range(members):
        doc = demo_cpf(rng)
        while doc in used:
            doc = demo_cpf(rng)
        used.add(doc)
        cidade, uf = rng.choice(CITIES)
        pessoa = await create_consorciado(
            uow,
            ConsorciadoCreate(
                tipo_pessoa=TipoPessoa.FISICA,
                documento=doc,
                nome=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}",
                email=f"consorciado{i + 1}@demo.example",
                telefone=f"+55 11 9{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                enderecos=[
                    EnderecoIn(
                        logradouro=f"Rua {rng.choice(LAST_NAMES)}",
                        numero=str(rng.randint(1, 2000)),
                        bairro="Centro",
                        cidade=cidade,
                        uf=uf,
                        cep=f"{rng.randint(10000, 99999)}{rng.randint(100, 999)}",
                    )
                ],
                consentimentos=[
                    ConsentimentoIn(finalidade="execucao_contrato", concedido=True, canal="demo")
                ],
            ),
        )
        await adesao(uow, grupo.id, pessoa.id, None, inicio - timedelta(days=rng.randint(1, 30)))
    await start_grupo(uow, grupo.id, inicio)
    return grupo


async def seed_pagamentos(
    uow: UnitOfWork, rng: random.Random, grupo: Grupo, today: date, members: int
) -> str:
    """A year of payments: most on time, some late, some stopped paying (one transaction per cota)."""
    session = uow.session
    payments = 0
    for cota in (
        await session.execute(select(Cota).where(Cota.grupo_id == grupo.id).order_by(Cota.numero))
    ).scalars():
        profile = rng.random()
        # ~8 % stop paying 4 months ago (delinquent), ~15 % pay late, the rest on time.
        stop_before = today - timedelta(days=120) if profile < 0.08 else today
        async with uow.one_transaction():
            for parcela in await parcelas_em_aberto(session, cota.id):
                if parcela.vencimento >= stop_before or parcela.vencimento > today:
                    break
                late = rng.randint(3, 25) if profile < 0.23 else 0
                paid_on = min(parcela.vencimento + timedelta(days=late), today)
                valor = parcela.valor_total
                if late:
                    # Enough for the parcela and its late charges (multa 2 % + juros 1 % a.m.).
                    valor = (valor * (Decimal("1.02") + Decimal("0.01") * late / 30)).quantize(
                        Decimal("0.01")
                    )
                await registrar_pagamento(
                    uow, cota.id, valor, paid_on, rng.choice(list(FormaPagamento)[:3]), "demo"
                )
                payments += 1
    return f"demo group {DEMO_CODIGO}: {members} members, {payments} payments"
