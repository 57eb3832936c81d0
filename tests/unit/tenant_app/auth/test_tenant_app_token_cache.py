"""The verified-token cache is as strict as verifying every time."""

from __future__ import annotations

import uuid

import pytest

from tenant_app.auth.token_cache import VerifiedTokenCache
from tenant_app.auth.tokens import CurrentUser, InvalidToken
from tenant_app.users.roles import Role

pytestmark = pytest.mark.unit

USER = CurrentUser(id=uuid.uuid4(), email="a@x.example", role=Role.OPERADOR)


class Verifier:
    """Counts verifications; tokens named ``bad*`` fail, others expire at t=100."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, token: str) -> tuple[CurrentUser, int]:
        self.calls += 1
        if token.startswith("bad"):
            raise InvalidToken("assinatura")
        return USER, 100


def test_a_verified_token_is_not_verified_again_before_it_expires() -> None:
    verify, now = Verifier(), [10.0]
    cache = VerifiedTokenCache(verify, clock=lambda: now[0])
    assert cache.user_for("t1") == USER
    assert cache.user_for("t1") == USER
    assert verify.calls == 1


def test_an_expired_entry_is_verified_again_and_its_error_raised() -> None:
    now = [10.0]

    def verify(token: str) -> tuple[CurrentUser, int]:
        if now[0] >= 100:
            raise InvalidToken("expirado")
        return USER, 100

    cache = VerifiedTokenCache(verify, clock=lambda: now[0])
    cache.user_for("t1")
    now[0] = 100.0
    with pytest.raises(InvalidToken):
        cache.user_for("t1")
    assert len(cache) == 0


def test_failures_are_never_cached() -> None:
    verify = Verifier()
    cache = VerifiedTokenCache(verify, clock=lambda: 0.0)
    for _ in range(3):
        with pytest.raises(InvalidToken):
            cache.user_for("bad-token")
    assert verify.calls == 3 and len(cache) == 0


def test_the_cache_is_bounded_and_evicts_the_least_recently_used() -> None:
    verify = Verifier()
    cache = VerifiedTokenCache(verify, max_entries=2, clock=lambda: 0.0)
    cache.user_for("a")
    cache.user_for("b")
    cache.user_for("a")  # a is now the most recent
    cache.user_for("c")  # evicts b
    assert len(cache) == 2
    calls = verify.calls
    cache.user_for("a")
    assert verify.calls == calls
    cache.user_for("b")
    assert verify.calls == calls + 1
