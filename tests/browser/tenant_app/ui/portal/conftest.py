"""The área do consorciado in Chromium: the parent folder's UI fixtures, plus Mailpit (login codes)."""

from tests.support.notificacoes_fixtures import mailpit

__all__ = ["mailpit"]
