"""The administradora's civil date, for every default "today" in the app.

Servers run in UTC, so ``date.today()`` turns to tomorrow at 21:00 in Brasília: a payment
recorded in the evening would be dated the next day and an overdue check would run a day
early. One process serves one tenant, so its zone (``Settings.time_zone``) is set once,
at start-up, by ``create_app`` and ``create_celery``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_fuso = ZoneInfo("America/Sao_Paulo")


def definir_fuso(nome: str) -> None:
    """Use the zone ``nome`` (an IANA name, e.g. ``America/Manaus``) for :func:`hoje`."""
    global _fuso
    _fuso = ZoneInfo(nome)


def hoje(agora: datetime | None = None) -> date:
    """Today (or ``agora``'s day) in the administradora's zone."""
    return (agora or datetime.now(UTC)).astimezone(_fuso).date()
