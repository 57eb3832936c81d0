"""RFC 9457 problem+json shared by the two Litestar apps, and the base of their domain errors.

Services raise :class:`DomainError` subclasses that say *what* went wrong (a
stable ``code``, a message, the fields involved); each app's HTTP edge decides
the status code and renders the document with :func:`problem_response`, so both
apps answer with one shape. Messages stay each app's own (Portuguese in the
tenant app, English in the control plane).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from litestar import Response

PROBLEM_MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True)
class FieldError:
    """One bad field: its path as the client sent it and a message for a person."""

    field: str
    message: str


class DomainError(Exception):
    """Base of every error a service raises for the client to act on.

    It carries no HTTP status: the edge of each app maps the class to one.
    ``code`` is stable (it becomes the problem ``type``); ``title`` is a short
    summary the edge may use instead of its default for the status.
    """

    code: str = "erro"
    title: str | None = None

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        title: str | None = None,
        errors: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title or self.code)
        self.detail = detail
        if code is not None:
            self.code = code
        if title is not None:
            self.title = title
        self.errors = list(errors)
        self.headers = dict(headers or {})


def problem_document(
    *,
    type_uri: str,
    title: str,
    status: int,
    detail: str | None = None,
    instance: str | None = None,
    errors: Sequence[Mapping[str, str]] = (),
    extensions: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The problem+json body: RFC 9457 members, then extension members (``errors``, …)."""
    body: dict[str, Any] = {"type": type_uri, "title": title, "status": status}
    if detail is not None:
        body["detail"] = detail
    if instance is not None:
        body["instance"] = instance
    body.update(extensions or {})
    if errors:
        body["errors"] = [dict(e) for e in errors]
    return body


def problem_response(
    body: dict[str, Any], *, headers: Mapping[str, str] | None = None
) -> Response[dict[str, Any]]:
    """The document as a response with the problem+json media type and its status."""
    return Response(
        body,
        status_code=int(body["status"]),
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers) if headers else None,
    )
