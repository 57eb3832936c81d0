"""The problem-type catalogue covers every ``code`` the tenant app raises, each with one status."""

from __future__ import annotations

import re
from pathlib import Path

import tenant_app
from tenant_app import erros
from tenant_app.http.catalogo import CATALOGO, CODIGO_DO_STATUS, tipo_uri
from tenant_app.http.problems import STATUS_OF

RAIZ = Path(tenant_app.__file__).parent
_CODE = re.compile(r"\bcode\s*=\s*\"(?P<code>[a-z_]+)\"")
_RAISE = re.compile(r"raise\s+(?P<cls>\w+)\(")


def _usos() -> list[tuple[str, str, str]]:
    """(code, error class or '', file:line) for every literal ``code="..."`` in the package."""
    usos = []
    for arquivo in sorted(RAIZ.rglob("*.py")):
        texto = arquivo.read_text()
        for m in _CODE.finditer(texto):
            antes = texto[max(0, m.start() - 800) : m.start()]
            raises = list(_RAISE.finditer(antes))
            classe = raises[-1].group("cls") if raises else ""
            linha = texto.count("\n", 0, m.start()) + 1
            usos.append((m.group("code"), classe, f"{arquivo.relative_to(RAIZ)}:{linha}"))
    return usos


def test_every_code_in_the_code_is_catalogued() -> None:
    faltam = sorted({(code, onde) for code, _, onde in _usos() if code not in CATALOGO})
    assert not faltam, f"document these problem types in tenant_app/http/catalogo.py: {faltam}"


def test_domain_error_classes_and_framework_statuses_are_catalogued() -> None:
    for classe in STATUS_OF:
        assert classe.code in CATALOGO, classe
        assert CATALOGO[classe.code].status == STATUS_OF[classe], classe
    for status, code in CODIGO_DO_STATUS.items():
        assert CATALOGO[code].status == status, code


def test_one_code_one_status() -> None:
    """A code raised through a domain error class gets that class's status, the one the catalogue says."""
    classes = {nome: getattr(erros, nome) for nome in erros.__all__}
    errados = []
    for code, classe, onde in _usos():
        cls = classes.get(classe)
        if cls is None or cls not in STATUS_OF or code not in CATALOGO:
            continue
        if STATUS_OF[cls] != CATALOGO[code].status:
            errados.append((code, classe, STATUS_OF[cls], CATALOGO[code].status, onde))
    assert not errados, errados


def test_catalogue_entries_are_portuguese_and_the_uri_is_under_the_app() -> None:
    for code, tipo in CATALOGO.items():
        assert re.fullmatch(r"[a-z_]+", code)
        assert tipo.titulo and tipo.descricao.endswith((".", ")")), code
    assert (
        tipo_uri("https://acme.example.com/", "nao_encontrado")
        == "https://acme.example.com/problemas/nao_encontrado"
    )
