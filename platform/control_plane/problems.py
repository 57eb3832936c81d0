"""RFC 9457 problem+json for every error the API returns.

Services raise :class:`Problem` subclasses; Litestar's own exceptions
(validation, routing, auth) are converted by the handlers registered in
``app.py``. Anything unexpected still becomes problem+json (status 500) and
is logged; tests assert it never happens for bad input.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from sqlalchemy.exc import DBAPIError

from consorcio_kit.problems import DomainError, FieldError, problem_document
from consorcio_kit.problems import problem_response as kit_problem_response

logger = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://consorcio.io/problems/"


class Problem(DomainError):
    """A failure the client can act on (the shared ``DomainError`` shape, English messages).

    Unlike the tenant app, the status rides on the class: the control plane's
    errors are few and each kind has exactly one status.
    """

    status: int = 400
    type_slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Sequence[FieldError] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail, code=self.type_slug, errors=errors, headers=headers)


class InvalidInput(Problem):
    status, type_slug, title = 422, "invalid-input", "The request is not valid"

    @classmethod
    def field(cls, field: str, message: str) -> InvalidInput:
        return cls(message, errors=[FieldError(field, message)])


class Unauthorized(Problem):
    status, type_slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class TotpRequired(Unauthorized):
    """The password was right; the account has TOTP enrolled and no code came with it."""

    type_slug, title = "totp-required", "A one-time code is required"


class TotpInvalid(Unauthorized):
    """The password was right; the code was wrong, expired or already used."""

    type_slug, title = "totp-invalid", "The one-time code is not valid"


class Forbidden(Problem):
    status, type_slug, title = 403, "forbidden", "Not allowed"


class NotFound(Problem):
    status, type_slug, title = 404, "not-found", "Not found"


class Conflict(Problem):
    status, type_slug, title = 409, "conflict", "Conflict with the current state"


class PreconditionFailed(Problem):
    status, type_slug, title = 412, "precondition-failed", "The resource changed"


class PreconditionRequired(Problem):
    status, type_slug, title = 428, "precondition-required", "A precondition header is required"


class TooManyAttempts(Problem):
    status, type_slug, title = 429, "too-many-attempts", "Too many failed logins"

    def __init__(self, seconds: int) -> None:
        super().__init__(
            f"too many failed logins for this account or address; retry in {seconds} s",
            headers={"Retry-After": str(seconds)},
        )


class UpstreamUnavailable(Problem):
    status, type_slug, title = 503, "upstream-unavailable", "A dependency is unavailable"


def problem_response(
    request: Request[Any, Any, Any],
    *,
    status: int,
    type_slug: str,
    title: str,
    detail: str | None = None,
    errors: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    body = problem_document(
        type_uri=PROBLEM_TYPE_BASE + type_slug,
        title=title,
        status=status,
        detail=detail or None,
        instance=request.url.path,
        errors=[{"field": e.field, "message": e.message} for e in errors],
    )
    return kit_problem_response(body, headers=headers)


def handle_problem(request: Request[Any, Any, Any], exc: Problem) -> Response[dict[str, Any]]:
    return problem_response(
        request,
        status=exc.status,
        type_slug=exc.type_slug,
        title=exc.title,
        detail=exc.detail,
        errors=exc.errors,
        headers=exc.headers,
    )


def _validation_errors(exc: ValidationException) -> list[FieldError]:
    errors: list[FieldError] = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if isinstance(item, dict):
            field = item.get("key") or item.get("source") or "body"
            errors.append(FieldError(str(field), str(item.get("message", "invalid value"))))
    return errors


def handle_validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    errors = _validation_errors(exc)
    # Litestar reports a body that is not JSON at all as a validation error
    # with no field: that is a malformed request (400), not invalid content.
    status = 422 if errors else 400
    return problem_response(
        request,
        status=status,
        type_slug="invalid-input" if errors else "malformed-request",
        title="The request is not valid" if errors else "Malformed request",
        detail=str(exc.detail) if exc.detail else None,
        errors=errors,
    )


_HTTP_TYPES = {
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
}


def handle_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    type_slug, title = _HTTP_TYPES.get(exc.status_code, ("http-error", str(exc.detail)))
    if exc.status_code >= 500:
        logger.error("HTTP %s on %s: %s", exc.status_code, request.url.path, exc.detail)
    return problem_response(
        request,
        status=exc.status_code,
        type_slug=type_slug,
        title=title,
        detail=str(exc.detail) if exc.detail and exc.detail != title else None,
        headers=exc.headers,
    )


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(request, status=500, type_slug="internal", title="Internal error")


def _data_error(exc: DBAPIError) -> bool:
    """The driver refused a value (asyncpg DataError or an overflow anywhere in the chain)."""
    current: BaseException | None = exc.orig
    while current is not None:
        if isinstance(current, OverflowError) or "DataError" in type(current).__name__:
            return True
        current = current.__cause__
    return False


def handle_database(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[dict[str, Any]]:
    """A value valid for the schema but not for its column (an amount past NUMERIC's range): 422."""
    if _data_error(exc):
        return problem_response(
            request,
            status=422,
            type_slug="invalid-input",
            title="The request is not valid",
            detail="a value is out of the range the field can store",
        )
    return handle_unexpected(request, exc)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DBAPIError: handle_database,
    Problem: handle_problem,
    ValidationException: handle_validation,
    HTTPException: handle_http,
    Exception: handle_unexpected,
}
