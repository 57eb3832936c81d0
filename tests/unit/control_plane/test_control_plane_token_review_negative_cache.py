"""Issue 20 item 7: a random bearer on /api/tenant-app/... caused a TokenReview on every request.

The API server's answer is replaced by a hand-written stand-in that counts the reviews
(this unit test is about the cache; the real review runs in tests/k8s/control_plane).
"""

from __future__ import annotations

import pytest
from control_plane.auth.token_review import TokenReviewer
from control_plane.problems import Forbidden, Unauthorized, UpstreamUnavailable
from kubernetes import client

pytestmark = pytest.mark.unit


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


def _reviewer(answers: dict[str, str | Exception], calls: list[str], clock: Clock) -> TokenReviewer:
    reviewer = TokenReviewer(client.ApiClient(), audience="control-plane", clock=clock)

    def review(token: str) -> str:
        calls.append(token)
        answer = answers[token]
        if isinstance(answer, Exception):
            raise answer
        return answer

    reviewer._review = review  # type: ignore[method-assign]
    return reviewer


async def test_refused_tokens_are_cached_for_seconds_so_a_flood_costs_one_review_each() -> None:
    calls: list[str] = []
    clock = Clock()
    reviewer = _reviewer(
        {"junk": Unauthorized("no"), "other-sa": "system:serviceaccount:kube-system:default"}, calls, clock
    )
    for _ in range(50):
        with pytest.raises(Unauthorized):
            await reviewer.authenticate("junk")
        with pytest.raises(Forbidden):
            await reviewer.authenticate("other-sa")
    assert calls == ["junk", "other-sa"]
    clock.now += 11  # past negative_cache_seconds: asked again
    with pytest.raises(Unauthorized):
        await reviewer.authenticate("junk")
    assert calls == ["junk", "other-sa", "junk"]


async def test_an_unreachable_api_server_is_not_cached() -> None:
    calls: list[str] = []
    reviewer = _reviewer({"t": UpstreamUnavailable("down")}, calls, Clock())
    for _ in range(3):
        with pytest.raises(UpstreamUnavailable):
            await reviewer.authenticate("t")
    assert len(calls) == 3
