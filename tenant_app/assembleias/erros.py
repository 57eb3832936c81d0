"""Domain errors that carry field-level messages in Portuguese.

The HTTP layer turns them into RFC 9457 problem+json; pure code raises them
so that every rule violation is explained to the end user, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ErroCampo:
    """One invalid field: a JSON-pointer-like path and a message for people."""

    campo: str
    mensagem: str


class RegraViolada(ValueError):
    """Input breaks a rule of the contract or of the law."""

    titulo = "Dados inválidos"

    def __init__(self, erros: list[ErroCampo] | ErroCampo, titulo: str | None = None) -> None:
        self.erros = [erros] if isinstance(erros, ErroCampo) else list(erros)
        if titulo is not None:
            self.titulo = titulo
        super().__init__("; ".join(f"{e.campo}: {e.mensagem}" for e in self.erros))


class ExtracaoInvalida(RegraViolada):
    """The Loteria Federal extraction typed in is not a valid extraction."""

    titulo = "Extração da Loteria Federal inválida"


class RegrasInvalidas(RegraViolada):
    """The group's contract parameters contradict each other or the group."""

    titulo = "Regras de assembleia inválidas"


class LanceInvalido(RegraViolada):
    """A lance the contract does not allow."""

    titulo = "Lance inválido"
