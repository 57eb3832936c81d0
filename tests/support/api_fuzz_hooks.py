"""schemathesis hooks for the API fuzz runs (loaded by ``st run`` through ``SCHEMATHESIS_HOOKS``).

* ``RoleAuth``: every case is sent with the bearer token of a role drawn at random
  (``FUZZ_TOKENS`` = role -> token, or ``FUZZ_LOGIN`` = login URL and role -> account, the
  hook logging in again every few minutes; ``FUZZ_WEIGHTS`` = role -> weight, default 1),
  so each operation is tried by every role within one run.
* ``problem_json``: every 4xx/5xx answer is RFC 9457 ``application/problem+json`` whose
  ``status`` member equals the HTTP status.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from typing import Any

import requests
import schemathesis
from hypothesis import strategies as st

_TOKENS: dict[str, str] = json.loads(os.environ.get("FUZZ_TOKENS", "{}"))
# Accounts logged in by the hook itself (role -> [email, password]) at ``url``: access tokens
# expire within minutes, a long run logs in again every few minutes.
_LOGIN: dict[str, Any] = json.loads(os.environ.get("FUZZ_LOGIN", "{}"))
_WEIGHTS: dict[str, float] = json.loads(os.environ.get("FUZZ_WEIGHTS", "{}"))
_ROLES = sorted({*_TOKENS, *_LOGIN.get("accounts", {})})
_RNG = random.Random(os.environ.get("FUZZ_ROLE_SEED", "fuzz"))
# Logged in again this long before the token expires.
_FRESH_SECONDS = 120
_cache: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()


def _token(role: str) -> str:
    if role in _TOKENS:
        return _TOKENS[role]
    with _lock:
        cached = _cache.get(role)
        now = time.monotonic()
        if cached and now < cached[0] - _FRESH_SECONDS:
            return cached[1]
        email, password = _LOGIN["accounts"][role]
        answer = requests.post(_LOGIN["url"], json={"email": email, "password": password}, timeout=30)
        if answer.status_code in (423, 429) and cached and now < cached[0]:
            # The fuzzer's own wrong-password cases on /api/auth/login can make a fuzz
            # account wait (throttling works); the token it holds is still valid.
            return cached[1]
        if answer.status_code == 429:
            # No token yet: wait as told (the delay is bounded) and try once more.
            time.sleep(min(float(answer.headers.get("retry-after", "1")), 60.0))
            answer = requests.post(_LOGIN["url"], json={"email": email, "password": password}, timeout=30)
        answer.raise_for_status()
        body = answer.json()
        token = str(body["access_token"])
        _cache[role] = (now + float(body.get("expires_in", 900)), token)
        return token


@schemathesis.auth(refresh_interval=None)
class RoleAuth:
    """A role per case (weighted); its token logged in again when it is a few minutes old."""

    def get(self, case: Any, ctx: Any) -> str | None:
        if not _ROLES:
            return None
        return _RNG.choices(_ROLES, weights=[_WEIGHTS.get(r, 1.0) for r in _ROLES])[0]

    def set(self, case: Any, data: str | None, ctx: Any) -> None:
        if data is not None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {_token(data)}"}


@schemathesis.check
def problem_json(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every error answer is problem+json with a ``type``, a ``title`` and the right ``status``."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    if not str(content_type).startswith("application/problem+json"):
        raise AssertionError(
            f"{response.status_code} answered as {content_type!r}, not application/problem+json"
        )
    body = json.loads(response.content or b"{}")
    missing = {"type", "title", "status"} - set(body)
    if missing:
        raise AssertionError(f"problem document without {sorted(missing)}")
    if body["status"] != response.status_code:
        raise AssertionError(f"problem status {body['status']} on a {response.status_code} answer")
    return None


# Real ids of the fuzzed tenant (``FUZZ_IDS`` = parameter or field name -> ids), so that half of
# the generated cases name something that exists instead of always a random UUID (404).
_IDS: dict[str, list[str]] = json.loads(os.environ.get("FUZZ_IDS", "{}"))


def _real(name: str, value: Any) -> st.SearchStrategy[Any]:
    ids = _IDS.get(name)
    valid = _UUID if name.endswith("_id") else _NAME
    if not ids or not isinstance(value, str) or not valid.match(value):
        return st.just(value)  # keep what makes a negative case negative
    return st.sampled_from([value, *ids])


_UUID = re.compile(r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")  # a slug, a flag key


@schemathesis.hook
def flatmap_path_parameters(
    context: Any, path_parameters: dict[str, Any]
) -> st.SearchStrategy[dict[str, Any]]:
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    return st.fixed_dictionaries({k: _real(k, v) for k, v in path_parameters.items()})


@schemathesis.hook
def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
    if not isinstance(body, dict) or not any(k in _IDS for k in body):
        return st.just(body)
    return st.fixed_dictionaries({k: _real(k, v) for k, v in body.items()})
