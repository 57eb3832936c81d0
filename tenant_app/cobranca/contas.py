"""Bank accounts that issue títulos: per grupo, or the tenant's default; their carteira and CNAB identity."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select

from tenant_app.cobranca.bancos import Carteira, CarteiraBB, CarteiraBradesco, CarteiraItau
from tenant_app.cobranca.chave_pix import normalizar_chave_pix
from tenant_app.cobranca.cnab240 import ContaEmpresa
from tenant_app.cobranca.cnab240.empresa import header_arquivo
from tenant_app.cobranca.models import ContaCobranca
from tenant_app.cobranca.pix import montar_brcode
from tenant_app.cobranca.psp import PSPS
from tenant_app.cobranca.texto import sem_acentos
from tenant_app.erros import ConflitoError, FieldError, NaoEncontrado, RegraVioladaError
from tenant_app.grupos.models import Grupo
from tenant_app.unit_of_work import UnitOfWork

NOMES_BANCOS = {"001": "BANCO DO BRASIL S.A.", "237": "BANCO BRADESCO S.A.", "341": "BANCO ITAU S.A."}


def carteira_de(conta: ContaCobranca) -> Carteira:
    """The pure carteira (nosso número, campo livre) of an account; ValueError when it does not fit."""
    if conta.banco == "001":
        return CarteiraBB(convenio=conta.convenio, carteira=conta.carteira)
    if conta.banco == "341":
        return CarteiraItau(agencia=conta.agencia, conta=conta.conta, carteira=conta.carteira)
    if conta.banco == "237":
        return CarteiraBradesco(agencia=conta.agencia, conta=conta.conta, carteira=conta.carteira)
    raise ValueError(f"banco {conta.banco!r} não suportado (suportados: 001, 237, 341)")


def empresa_de(conta: ContaCobranca) -> ContaEmpresa:
    """The account as the CNAB headers carry it."""
    return ContaEmpresa(
        banco=conta.banco,
        nome_banco=NOMES_BANCOS.get(conta.banco, conta.banco),
        inscricao=conta.beneficiario_documento,
        nome=conta.beneficiario_nome,
        convenio=conta.convenio,
        agencia=conta.agencia,
        dv_agencia=conta.dv_agencia,
        conta=conta.conta,
        dv_conta=conta.dv_conta,
    )


@dataclass(frozen=True)
class DadosConta:
    grupo_id: uuid.UUID | None
    banco: str
    agencia: str
    dv_agencia: str
    conta: str
    dv_conta: str
    convenio: str
    carteira: str
    beneficiario_nome: str
    beneficiario_documento: str
    cidade: str
    chave_pix: str | None
    psp: str | None
    psp_url: str | None
    psp_client_id: str | None


def _validar(conta: ContaCobranca) -> None:
    """The bank's own rules on agência/conta/convênio/carteira (bancos.py), and the PIX key and the names
    every BR Code carries, as field errors: what is accepted here can always be issued later."""
    _validar_pix(conta)
    _validar_psp(conta)
    try:
        carteira_de(conta)
        # The CNAB header must be writable now, not at the first remessa.
        header_arquivo(empresa_de(conta), 1, datetime.now(UTC), "103")
    except ValueError as erro:
        raise RegraVioladaError(
            f"Dados bancários inválidos: {erro}",
            errors=[FieldError("banco", str(erro))],
            code="conta_cobranca_invalida",
        ) from None


def _validar_psp(conta: ContaCobranca) -> None:
    """A PSP this app has a client for, at an http(s) address: checked here so that issuing never
    meets an unknown PSP."""
    erro: tuple[str, str] | None = None
    if conta.psp is not None and conta.psp not in PSPS:
        erro = ("psp", f"PSP desconhecido (conhecidos: {', '.join(sorted(PSPS))})")
    elif conta.psp_url is not None:
        try:
            url = httpx.URL(conta.psp_url)
            valida = url.scheme in ("http", "https") and bool(url.host) and conta.psp_url.isascii()
        except (httpx.InvalidURL, ValueError):
            valida = False
        if not valida:
            erro = (
                "psp_url",
                "deve ser o endereço http(s) da API Pix do PSP (ex.: https://pix.psp.example/v2)",
            )
    if erro is not None:
        raise RegraVioladaError(
            f"Dados do PSP inválidos: {erro[0]} {erro[1]}.",
            errors=[FieldError(*erro)],
            code="conta_cobranca_invalida",
        )


def _validar_pix(conta: ContaCobranca) -> None:
    """The key in its DICT form (stored normalized), and name and city that survive the BR Code's
    charset; a trial BR Code proves the three fit together."""
    for campo in ("beneficiario_nome", "cidade"):
        if not sem_acentos(getattr(conta, campo)).strip():
            mensagem = "deve ter letras ou dígitos do alfabeto latino (vai no boleto e no BR Code)"
            raise RegraVioladaError(
                f"Dados bancários inválidos: {campo} {mensagem}.",
                errors=[FieldError(campo, mensagem)],
                code="conta_cobranca_invalida",
            )
    if conta.chave_pix is None:
        return
    try:
        _, conta.chave_pix = normalizar_chave_pix(conta.chave_pix)
        montar_brcode(
            conta.chave_pix, nome=conta.beneficiario_nome, cidade=conta.cidade, valor=Decimal("1.00")
        )
    except ValueError as erro:
        raise RegraVioladaError(
            f"Chave Pix inválida: {erro}.",
            errors=[FieldError("chave_pix", str(erro))],
            code="chave_pix_invalida",
        ) from None


async def criar_conta(uow: UnitOfWork, dados: DadosConta) -> ContaCobranca:
    """A new account (one per grupo and one tenant default); the caller's data checked against the bank."""
    if dados.grupo_id is not None and await uow.session.get(Grupo, dados.grupo_id) is None:
        raise NaoEncontrado("Grupo")
    existente = (
        await uow.session.execute(
            select(ContaCobranca.id).where(
                ContaCobranca.grupo_id.is_(None)
                if dados.grupo_id is None
                else ContaCobranca.grupo_id == dados.grupo_id
            )
        )
    ).first()
    if existente is not None:
        raise ConflitoError(
            "Já existe conta de cobrança para este grupo (ou a padrão); altere-a em vez de criar outra.",
            code="conta_cobranca_existente",
        )
    conta = ContaCobranca(id=uuid.uuid4(), proximo_numero=1, proxima_remessa=1, **vars(dados))
    _validar(conta)
    uow.add(conta)
    await uow.commit()
    return conta


async def alterar_conta(uow: UnitOfWork, conta_id: uuid.UUID, mudancas: dict[str, Any]) -> ContaCobranca:
    conta = await obter_conta(uow, conta_id)
    uow.track(conta)
    for campo, valor in mudancas.items():
        setattr(conta, campo, valor)
    _validar(conta)
    await uow.commit()
    return conta


async def definir_segredo_webhook(uow: UnitOfWork, conta_id: uuid.UUID, segredo: str) -> ContaCobranca:
    """Keep only the SHA-256 of the PIX webhook's path secret."""
    conta = await obter_conta(uow, conta_id)
    uow.track(conta)
    conta.webhook_segredo_sha256 = hashlib.sha256(segredo.encode()).hexdigest()
    await uow.commit()
    return conta


async def obter_conta(uow: UnitOfWork, conta_id: uuid.UUID) -> ContaCobranca:
    conta = await uow.session.get(ContaCobranca, conta_id)
    if conta is None:
        raise NaoEncontrado("Conta de cobrança")
    return conta


async def listar_contas(uow: UnitOfWork) -> list[ContaCobranca]:
    rows = await uow.session.execute(select(ContaCobranca).order_by(ContaCobranca.created_at))
    return list(rows.scalars())


async def conta_do_grupo(uow: UnitOfWork, grupo_id: uuid.UUID, *, travar: bool = False) -> ContaCobranca:
    """The grupo's own account, else the tenant default; locked when a number is about to be taken."""
    stmt = (
        select(ContaCobranca)
        .where((ContaCobranca.grupo_id == grupo_id) | ContaCobranca.grupo_id.is_(None))
        .order_by(ContaCobranca.grupo_id.is_(None))  # the grupo's own first
        .limit(1)
    )
    if travar:
        stmt = stmt.with_for_update()
    conta = (await uow.session.execute(stmt)).scalar_one_or_none()
    if conta is None:
        raise RegraVioladaError(
            "Nenhuma conta de cobrança configurada para o grupo (nem a padrão da administradora).",
            code="conta_cobranca_ausente",
        )
    return conta
