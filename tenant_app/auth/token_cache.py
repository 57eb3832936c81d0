"""Remembers access tokens already verified, until they expire.

Verifying an HS256 token with PyJWT costs more CPU than the rest of a typical
list request's auth path, and a client sends the same token for its whole
15-minute lifetime. A verified token's claims cannot change (the signature
covers them), so re-using the verification until ``exp`` is exactly as strict
as verifying again. Only successes are cached; a bad token is checked every
time. One cache per app instance, so a token verified under one tenant's
settings is never looked up under another's.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from tenant_app.auth.tokens import CurrentUser

Verify = Callable[[str], tuple[CurrentUser, int]]


class VerifiedTokenCache:
    """A bounded LRU of token → (user, exp)."""

    def __init__(
        self, verify: Verify, max_entries: int = 4096, clock: Callable[[], float] = time.time
    ) -> None:
        self._verify = verify
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[CurrentUser, int]] = OrderedDict()

    def user_for(self, token: str) -> CurrentUser:
        """The token's user; raises whatever ``verify`` raises for a bad or expired token."""
        hit = self._entries.get(token)
        if hit is not None:
            user, exp = hit
            if self._clock() < exp:
                self._entries.move_to_end(token)
                return user
            del self._entries[token]
        user, exp = self._verify(token)
        self._entries[token] = (user, exp)
        if len(self._entries) > self._max:
            self._entries.popitem(last=False)
        return user

    def __len__(self) -> int:
        return len(self._entries)
