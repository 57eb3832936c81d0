"""TokenReviewer: which audiences it asks the API server about, and what it makes of the answer.

The API server is a hand-written fake here; tests/k8s/control_plane checks the
same rules against the real one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from control_plane.auth.token_review import TokenReviewer
from control_plane.problems import Unauthorized
from control_plane.settings import Settings, SettingsError
from kubernetes import client

pytestmark = pytest.mark.unit

USER = "system:serviceaccount:tenant-acme:tenant-app"
CP = "consorcio-control-plane"


@dataclass
class FakeAuthenticationApi:
    """Authenticates ``token`` when the review's audiences intersect the token's (None: the API server's)."""

    tokens: dict[str, list[str] | None]
    echo_audiences: bool = True
    asked: list[list[str] | None] = field(default_factory=list)

    def create_token_review(self, body: client.V1TokenReview) -> client.V1TokenReview:
        spec = body.spec
        self.asked.append(spec.audiences)
        token_audiences = self.tokens.get(spec.token, [])
        if token_audiences is None:  # minted for the API server
            ok = spec.audiences is None
        else:
            ok = spec.audiences is not None and bool(set(spec.audiences) & set(token_audiences))
        status = client.V1TokenReviewStatus(
            authenticated=ok or None,
            user=client.V1UserInfo(username=USER) if ok else None,
            audiences=spec.audiences if ok and self.echo_audiences else None,
        )
        return client.V1TokenReview(spec=spec, status=status)


def reviewer(api: FakeAuthenticationApi, **kwargs: object) -> TokenReviewer:
    r = TokenReviewer(client.ApiClient(), cache_seconds=0, **kwargs)  # type: ignore[arg-type]
    r._api = api  # type: ignore[assignment]
    return r


async def test_by_default_only_the_control_plane_audience_is_reviewed() -> None:
    api = FakeAuthenticationApi({"ours": [CP], "api-server": None})
    r = reviewer(api, audience=CP)
    assert (await r.authenticate("ours")).slug == "acme"
    with pytest.raises(Unauthorized):
        await r.authenticate("api-server")
    # Never once asked about the API server's own audience.
    assert api.asked == [[CP], [CP]]


async def test_the_migration_switch_also_accepts_api_server_tokens() -> None:
    api = FakeAuthenticationApi({"ours": [CP], "api-server": None, "vault": ["vault"]})
    r = reviewer(api, audience=CP, accept_api_server_audience=True)
    assert (await r.authenticate("api-server")).slug == "acme"
    assert (await r.authenticate("ours")).slug == "acme"
    with pytest.raises(Unauthorized):
        await r.authenticate("vault")
    assert api.asked == [[CP], None, [CP], [CP], None]


async def test_an_audience_unaware_answer_is_not_trusted() -> None:
    # Authenticated, but without confirming the audience asked for: the
    # authenticator may have ignored it.
    api = FakeAuthenticationApi({"ours": [CP]}, echo_audiences=False)
    with pytest.raises(Unauthorized):
        await reviewer(api, audience=CP).authenticate("ours")


def test_a_reviewer_must_accept_some_audience() -> None:
    with pytest.raises(ValueError, match="audience"):
        TokenReviewer(client.ApiClient(), audience=None)
    assert TokenReviewer(client.ApiClient(), audience=None, accept_api_server_audience=True)


BASE = {"CONTROL_PLANE_DATABASE_URL": "postgresql://u:p@db/cp"}


def test_settings_refuse_api_server_tokens_unless_enabled() -> None:
    k = Settings.from_env(BASE).kubernetes
    assert (k.token_audience, k.accept_api_server_tokens) == (CP, False)
    k = Settings.from_env({**BASE, "CONTROL_PLANE_ACCEPT_API_SERVER_TOKENS": "true"}).kubernetes
    assert (k.token_audience, k.accept_api_server_tokens) == (CP, True)


def test_settings_reject_a_configuration_that_accepts_no_token() -> None:
    with pytest.raises(SettingsError, match="CONTROL_PLANE_TOKEN_AUDIENCE"):
        Settings.from_env({**BASE, "CONTROL_PLANE_TOKEN_AUDIENCE": ""})
    k = Settings.from_env(
        {**BASE, "CONTROL_PLANE_TOKEN_AUDIENCE": "", "CONTROL_PLANE_ACCEPT_API_SERVER_TOKENS": "1"}
    ).kubernetes
    assert (k.token_audience, k.accept_api_server_tokens) == (None, True)
