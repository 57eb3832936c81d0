"""Validation of money and percentages in request bodies (msgspec cannot constrain Decimal)."""

from __future__ import annotations

from decimal import Decimal

from tenant_app.erros import FieldError, RegraVioladaError

_MAX_MONEY = Decimal("999999999999.99")  # NUMERIC(14, 2)


class FieldErrors:
    """Collects field errors and raises them together as one 422."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        """Record one bad field."""
        self.errors.append(FieldError(field, message))

    def money(self, field: str, value: Decimal | None, *, allow_zero: bool = False) -> None:
        """R$ amount: finite, at most 2 decimal places, positive (or zero if allowed), fits NUMERIC(14,2)."""
        if value is None:
            return
        if not value.is_finite():
            self.add(field, "valor monetário inválido")
        elif value.as_tuple().exponent < -2:  # type: ignore[operator]
            self.add(field, "valor monetário deve ter no máximo 2 casas decimais")
        elif value < 0 or (value == 0 and not allow_zero):
            self.add(field, "valor deve ser positivo" if not allow_zero else "valor não pode ser negativo")
        elif value > _MAX_MONEY:
            self.add(field, "valor acima do máximo permitido")

    def percent(self, field: str, value: Decimal | None, *, maximum: Decimal = Decimal(100)) -> None:
        """Percentage between 0 and ``maximum`` with at most 4 decimal places."""
        if value is None:
            return
        if not value.is_finite():
            self.add(field, "percentual inválido")
        elif value.as_tuple().exponent < -4:  # type: ignore[operator]
            self.add(field, "percentual deve ter no máximo 4 casas decimais")
        elif value < 0:
            self.add(field, "percentual não pode ser negativo")
        elif value > maximum:
            self.add(field, f"percentual não pode passar de {maximum}%")

    def raise_if_any(self) -> None:
        """One 422 with every collected error (``dados_invalidos`` stays the 400 of a bad schema)."""
        if self.errors:
            raise RegraVioladaError("Valores fora das regras.", errors=self.errors, code="valores_invalidos")
