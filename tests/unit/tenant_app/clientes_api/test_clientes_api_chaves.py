"""API keys, pure parts: format, digest, parsing, scope (issue 13 item 9)."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from tenant_app.clientes_api import chaves
from tenant_app.clientes_api.service import escopo
from tenant_app.users.current_user import CurrentUser
from tenant_app.users.roles import ROLE_PERMISSIONS, Permission, Role

pytestmark = pytest.mark.unit


def test_a_key_names_its_tenant_and_only_its_digest_is_kept() -> None:
    nova = chaves.gerar("acme")
    assert nova.texto.startswith("cak.acme.") and chaves.parece_chave(nova.texto)
    assert chaves.ler(nova.texto) == ("acme", nova.prefixo)
    assert nova.hash == hashlib.sha256(nova.texto.encode()).hexdigest()
    assert nova.texto.split(".")[3] not in nova.hash
    assert chaves.confere(nova.texto, nova.hash)
    assert not chaves.confere(nova.texto + "x", nova.hash)
    assert chaves.gerar("acme").texto != nova.texto  # random


@pytest.mark.parametrize(
    "texto",
    [
        "",
        "cak.",
        "cak.acme",
        "cak.acme.0123456789abcdef",
        "cak..0123456789abcdef.x",
        "cak.acme.curto.x",
        "xyz.acme.0123456789abcdef.x",
        "cak.acme.0123456789abcdef.x." + "y" * 10,
        "cak.a.0123456789abcdef." + "s" * 200,
    ],
)
def test_malformed_keys_are_not_read(texto: str) -> None:
    assert chaves.ler(texto) is None


def test_a_jwt_is_not_taken_for_a_key() -> None:
    assert not chaves.parece_chave("eyJhbGciOiJIUzI1NiJ9.e30.sig")


def test_scope_is_the_listed_permissions_or_the_whole_role() -> None:
    assert escopo(Role.FINANCEIRO, []) == ROLE_PERMISSIONS[Role.FINANCEIRO]
    assert escopo(Role.FINANCEIRO, ["pagamentos:read"]) == {Permission.PAGAMENTOS_READ}


def test_a_client_needs_the_permission_in_its_role_and_its_scope() -> None:
    cliente = CurrentUser(
        uuid.uuid4(), "cliente-api:erp", Role.AUDITOR, permissoes=frozenset({Permission.GRUPOS_READ})
    )
    assert cliente.pode(Permission.GRUPOS_READ)
    assert not cliente.pode(Permission.COTAS_READ)  # the role has it, the scope does not
    sobra = CurrentUser(uuid.uuid4(), "x", Role.AUDITOR, permissoes=frozenset({Permission.USERS_MANAGE}))
    assert not sobra.pode(Permission.USERS_MANAGE)  # a scope never exceeds the role
    staff = CurrentUser(uuid.uuid4(), "a@b.c", Role.AUDITOR)
    assert staff.pode(Permission.COTAS_READ) and not staff.pode(Permission.PAGAMENTOS_WRITE)
