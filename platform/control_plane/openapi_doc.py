"""The control plane's OpenAPI document, finished: error responses, descriptions and links.

``create_app`` calls :func:`finish` once. Each operation documents the error statuses
its route can answer, from the route's shape (so a new route is documented the day it
is added), each as ``application/problem+json``:

* 400 malformed JSON body; 422 invalid input (any parameter or body);
* 401/403 behind a guard (staff token or tenant-app ServiceAccount token);
* 404 when the path names a resource; 409 for every call that changes state, and for a
  plan-change preview of a deleted tenant;
* 412/428 with ``If-Match`` (flags); 428 with ``Idempotency-Key`` (payments);
* 503 where Kubernetes is called (tenant resources, TokenReview of tenant apps).

Links join a creating call to the calls on what it created, and a listing to its
items. :func:`check_inputs` is the ``before_request`` hook that applies the two
rules of every input (``consorcio_kit.input_rules``) as 422 ``invalid-input``.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar.openapi.spec import OpenAPI, OpenAPIResponse, Schema
from litestar.openapi.spec.enums import OpenAPIType

from consorcio_kit.input_rules import (
    CONTROL,
    INT_RANGE,
    NUMERIC_DATE,
    REPEATED,
    WIDE_INTEGERS,
    body_type,
    constrain_document,
    parameter_violations,
    strict_type_error,
    violations,
)
from consorcio_kit.openapi import (
    DocumentTexts,
    LinkSpec,
    OperationInfo,
    document_decimals,
    finish_document,
    iter_operations,
)
from consorcio_kit.openapi_examples import add_body_examples
from consorcio_kit.openapi_properties import describe_properties
from consorcio_kit.problems import FieldError
from control_plane.openapi_glossary import GLOSSARY, RULES
from control_plane.problems import PROBLEM_TYPE_BASE, InvalidInput

_DESCRIPTIONS = {
    200: "Success.",
    201: "Created; the body is the new resource.",
    202: "Accepted; the work continues in the background.",
    204: "Done; no body.",
    400: "The body is not JSON, or a required query parameter is missing (`malformed-request`).",
    401: "No valid bearer token (`unauthorized`).",
    403: "The caller's role or identity does not allow this call (`forbidden`).",
    404: "The resource in the path does not exist (`not-found`).",
    409: "The current state does not allow this change (`conflict`).",
    412: "`If-Match` names an older version than the current one (`precondition-failed`).",
    422: "A parameter or the body is invalid; `errors` lists every field (`invalid-input`).",
    428: "A required header is missing: `If-Match` or `Idempotency-Key` (`precondition-required`).",
    429: "Too many failed logins for this account or address: retry after `Retry-After` seconds "
    "(`too-many-attempts`).",
    503: "Kubernetes did not answer; nothing was changed, retry (`upstream-unavailable`).",
}
_TYPES = {
    400: "malformed-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    409: "conflict",
    412: "precondition-failed",
    422: "invalid-input",
    428: "precondition-required",
    429: "too-many-attempts",
    503: "upstream-unavailable",
}

_PROBLEM = Schema(
    type=OpenAPIType.OBJECT,
    description="RFC 9457 problem+json. `type` is stable: clients may switch on it.",
    required=["type", "title", "status"],
    properties={
        "type": Schema(type=OpenAPIType.STRING, description=f"`{PROBLEM_TYPE_BASE}<slug>`"),
        "title": Schema(type=OpenAPIType.STRING),
        "status": Schema(type=OpenAPIType.INTEGER, description="The HTTP status of the answer."),
        "detail": Schema(type=OpenAPIType.STRING, description="What happened to this request."),
        "instance": Schema(type=OpenAPIType.STRING, description="The request path."),
        "errors": Schema(
            type=OpenAPIType.ARRAY,
            description="Every invalid field at once.",
            items=Schema(
                type=OpenAPIType.OBJECT,
                required=["field", "message"],
                properties={
                    "field": Schema(type=OpenAPIType.STRING),
                    "message": Schema(type=OpenAPIType.STRING),
                },
            ),
        ),
    },
)


def _example(status: int) -> dict[str, Any]:
    example: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + _TYPES.get(status, "bad-request"),
        "title": _DESCRIPTIONS[status].split(" (")[0],
        "status": status,
        "instance": "/api/...",
    }
    if status == 422:
        example["errors"] = [{"field": "period", "message": "period must look like YYYY-MM"}]
    return example


TEXTS = DocumentTexts(
    status_descriptions=_DESCRIPTIONS,
    problem_schema_name="Problem",
    problem_schema=_PROBLEM,
    problem_example=_example,
)


def public(info: OperationInfo) -> bool:
    return not info.handler.resolve_guards()


def error_statuses(info: OperationInfo) -> set[int]:
    """The error statuses ``info`` can answer with (see the module docstring)."""
    out: set[int] = set()
    parameters = info.handler.parsed_fn_signature.parameters
    if info.operation.parameters or info.operation.request_body:
        out.add(422)
    if info.operation.request_body or any(p.required for p in info.parameters("query")):
        out.add(400)  # malformed JSON, or a required query parameter missing
    guards = {g.__name__ for g in info.handler.resolve_guards()}
    if guards:
        out |= {401, 403}
    if "tenant_app_guard" in guards or "tenant_resources" in parameters:
        out.add(503)
    if info.parameters("path"):
        out.add(404)
    if info.method in ("post", "put", "patch", "delete") or info.operation_id in _CONFLICT_ON_READ:
        out.add(409)
    if info.has_header("If-Match"):
        out |= {412, 428}
    if info.has_header("Idempotency-Key"):
        out.add(428)
    if info.path in ("/api/auth/token", "/api/auth/totp/confirm", "/api/auth/totp/disable"):
        out |= {401, 429}  # wrong TOTP codes count in the login throttle
    return out


#: Reads that answer 409 ``conflict``: a plan-change preview of a deleted tenant has no answer.
_CONFLICT_ON_READ = frozenset({"previewPlanChange"})


def _id(name: str) -> str:
    return f"$response.body#/{name}"


LINKS: tuple[LinkSpec, ...] = (
    *(
        LinkSpec("createTenant", target, {"slug": _id("slug")})
        for target in (
            "getTenant",
            "updateTenant",
            "suspendTenant",
            "resumeTenant",
            "changePlan",
            "previewPlanChange",
            "getTenantPlanHistory",
            "getTenantUsage",
            "previewInvoice",
            "deleteTenant",
        )
    ),
    *(
        LinkSpec("listTenants", target, {"slug": "$response.body#/items/0/slug"}, status="200")
        for target in ("getTenant", "getTenantUsage", "previewInvoice", "getTenantPlanHistory")
    ),
    *(
        LinkSpec("listInvoices", target, {"invoice_id": "$response.body#/0/id"}, status="200")
        for target in ("getInvoice", "finalizeInvoice", "listPayments", "recordPayment", "voidInvoice")
    ),
    *(
        LinkSpec("getInvoice", target, {"invoice_id": _id("id")}, status="200")
        for target in (
            "finalizeInvoice",
            "recordPayment",
            "listPayments",
            "markInvoiceUncollectible",
            "voidInvoice",
        )
    ),
    LinkSpec("recordPayment", "getInvoice", {"invoice_id": "$request.path.invoice_id"}),
    *(
        LinkSpec("createFlag", target, {"key": _id("key")})
        for target in ("getFlag", "updateFlag", "deleteFlag", "evaluateFlag")
    ),
    *(
        LinkSpec("listFlags", target, {"key": "$response.body#/0/key"}, status="200")
        for target in ("getFlag", "evaluateFlag")
    ),
)


#: Success statuses a route answers besides its declared one (same body): an idempotent repeat
#: of a create answers 200 with the existing tenant; a restore answers 200 (restored) or 202; a
#: payment retried with the same ``Idempotency-Key`` answers 200 with the first result.
_EXTRA_SUCCESS: dict[str, tuple[str, ...]] = {
    "createTenant": ("200",),
    "restoreTenant": ("200", "202"),
    "recordPayment": ("200",),
}


def _extra_success(openapi: OpenAPI, app: Litestar) -> None:
    for info in iter_operations(app, openapi):
        extra = _EXTRA_SUCCESS.get(info.operation_id)
        responses = info.operation.responses or {}
        declared = next((r for code, r in responses.items() if code.startswith("2")), None)
        for code in extra or ():
            if code not in responses and isinstance(declared, OpenAPIResponse):
                description = _DESCRIPTIONS[int(code)]
                responses[code] = OpenAPIResponse(description=description, content=declared.content)


def finish(app: Litestar) -> OpenAPI:
    """Finish ``app``'s OpenAPI document (called once by ``create_app``)."""
    ids = {info.operation_id for info in iter_operations(app, app.openapi_schema)}
    links = tuple(link for link in LINKS if link.source in ids and link.target in ids)
    openapi = finish_document(app, TEXTS, error_statuses, links, public=public)
    constrain_document(openapi)
    document_decimals(app, openapi)
    _extra_success(openapi, app)
    describe_properties(app, openapi, GLOSSARY, RULES)
    add_body_examples(app, openapi)  # last: whole bodies out of the property examples
    return openapi


_MESSAGES = {
    CONTROL: "text must not contain control characters (tab and line breaks are allowed)",
    INT_RANGE: "integer out of range (-2147483648 to 2147483647)",
    NUMERIC_DATE: "not a date: use YYYY-MM-DD or an ISO 8601 timestamp with offset",
    REPEATED: "query parameter sent more than once: send each one once",
}


async def check_inputs(request: Request[Any, Any, Any]) -> None:
    """422 ``invalid-input`` when the path, the query or the JSON body breaks a rule of every input."""
    errors = [FieldError(name, _MESSAGES[rule]) for name, rule in parameter_violations(request)]
    if request.method in ("POST", "PUT", "PATCH") and "json" in request.headers.get("content-type", ""):
        body = await request.body()
        if body:
            try:
                value = msgspec.json.decode(body)
            except msgspec.DecodeError:
                value = None  # malformed: the framework answers 400
            wide = bool(request.route_handler.opt.get(WIDE_INTEGERS))
            errors += [
                FieldError(path or "body", _MESSAGES[rule])
                for path, rule in violations(value, wide_integers=wide)
            ]
            target = body_type(request.route_handler)
            message = strict_type_error(value, target) if target is not None and not errors else None
            if message is not None:
                match = re.search(r"at `\$\.?(?P<path>[^`]*)`", message)
                errors.append(FieldError((match.group("path") if match else "") or "body", message))
    if errors:
        raise InvalidInput("the request has invalid values", errors=errors)
