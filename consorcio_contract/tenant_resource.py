"""The ConsorcioTenant custom resource: its spec model and pure validation.

``TenantSpec`` is the single source of the CRD's spec schema: the field
types, enums, patterns, defaults and ``kubectl explain`` descriptions are
read from it by the operator's CRD generator (``tenant_operator.crd``).
The control plane builds resources with :func:`build_tenant_resource` and
the operator parses them with :meth:`TenantSpec.from_dict`, so both sides
agree on one shape. The slug rule also tells where the tenant's namespace
and database names come from (see NAME_MAX_LENGTH).
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from consorcio_contract.crd_identity import API_VERSION, KIND
from consorcio_contract.identifiers import normalize_cnpj
from consorcio_contract.identifiers.cnpj import cnpj_problem
from consorcio_contract.identifiers.cnpj_admission import cnpj_cel_rules
from consorcio_contract.names import TENANT_LABEL
from consorcio_contract.plans import PlanName

# The slug becomes the namespace ``tenant-<name>`` (a DNS-1123 label, max 63)
# and the PostgreSQL role/database ``tenant_<name>`` (max 63): 40 leaves room.
NAME_MAX_LENGTH = 40
NAME_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
# Numeric or alphanumeric (July 2026) CNPJ, bare or punctuated; the check
# digits and the repeated-character rule are CEL rules of the CRD
# (cnpj_cel_rules) and validate_spec checks them again.
CNPJ_PATTERN = r"^[0-9A-Za-z]{2}\.?[0-9A-Za-z]{3}\.?[0-9A-Za-z]{3}/?[0-9A-Za-z]{4}-?[0-9]{2}$"
HOST_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
# Days between a Delete/Snapshot deletion request and the data being destroyed.
DEFAULT_DELETION_GRACE_DAYS = 7
MAX_DELETION_GRACE_DAYS = 90
# An OCI image tag.
APP_VERSION_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"
# A backup of status.backups by its time stamp (the dump's ``<tenant>-<stamp>.dump``,
# UTC ``%Y%m%dT%H%M%S%fZ``), or ``latest``: the newest one when the restore runs.
BACKUP_STAMP_PATTERN = r"^([0-9]{8}T[0-9]{12}Z|latest)$"
LATEST_BACKUP = "latest"


class DeletionPolicy(StrEnum):
    """What deleting a ConsorcioTenant does to the tenant's data."""

    RETAIN = "Retain"
    SNAPSHOT = "Snapshot"
    DELETE = "Delete"


@dataclass(frozen=True)
class FieldSchema:
    """How one spec field appears in the CRD (read by the operator's CRD generator)."""

    json_name: str
    description: str
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    immutable: bool = False
    # Message the API server shows when `pattern` does not match (CEL rule);
    # the bare regex alone is unreadable for an operator at a terminal.
    pattern_message: str | None = None
    # Further CEL rules on the field, (rule, message), run by the API server.
    rules: tuple[tuple[str, str], ...] = ()
    # Bounds of an integer field.
    minimum: int | None = None
    maximum: int | None = None
    # An object field: its string properties (each a FieldSchema) and which are required.
    properties: tuple[FieldSchema, ...] = ()
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class RestoreFrom:
    """``spec.restoreFrom``: the new tenant starts from a backup of another tenant (same CNPJ)."""

    tenant: str
    backup: str = LATEST_BACKUP

    def to_dict(self) -> dict[str, str]:
        return {"tenant": self.tenant, "backup": self.backup}


RESTORE_FROM_FIELDS = (
    FieldSchema(
        "tenant",
        "Slug of the tenant whose backup is restored (its ConsorcioTenant lists the backups in "
        "status.backups). Must hold the same CNPJ as this tenant.",
        pattern=NAME_PATTERN,
        min_length=1,
        max_length=NAME_MAX_LENGTH,
        pattern_message="restoreFrom.tenant must be a tenant slug (DNS-1123 label)",
    ),
    FieldSchema(
        "backup",
        "Time stamp of the backup in the source's status.backups (the dump <tenant>-<stamp>.dump, "
        "e.g. 20261207T030000123456Z), or latest: the newest one when the restore runs.",
        pattern=BACKUP_STAMP_PATTERN,
        max_length=32,
        pattern_message="restoreFrom.backup must be a backup time stamp such as 20261207T030000123456Z, "
        "or latest",
    ),
)

#: Rules on the whole spec, (rule, message); ``oldSelf`` rules run on updates only.
SPEC_RULES: tuple[tuple[str, str], ...] = (
    (
        "has(self.restoreFrom) == has(oldSelf.restoreFrom)",
        "restoreFrom can only be given when the tenant is created, and cannot be removed",
    ),
)


def _meta(schema: FieldSchema) -> dict[str, FieldSchema]:
    return {"schema": schema}


@dataclass(frozen=True)
class TenantSpec:
    """Desired state of one administradora's instance (``.spec``)."""

    display_name: str = field(
        metadata=_meta(
            FieldSchema(
                "displayName",
                "Legal or trade name of the administradora, shown in the tenant app and on invoices.",
                min_length=1,
                max_length=200,
            )
        )
    )
    cnpj: str = field(
        metadata=_meta(
            FieldSchema(
                "cnpj",
                "CNPJ of the administradora, numeric or alphanumeric (2026 format), with or without "
                "punctuation, e.g. 11.222.333/0001-81. Immutable. The API server verifies the check "
                "digits (and refuses one character repeated 14 times).",
                pattern=CNPJ_PATTERN,
                max_length=18,
                immutable=True,
                pattern_message="cnpj must have 14 characters (12 letters or digits and 2 check digits), "
                "optionally punctuated as XX.XXX.XXX/XXXX-DD",
                rules=cnpj_cel_rules(),
            )
        )
    )
    plan: PlanName = field(
        metadata=_meta(
            FieldSchema(
                "plan",
                "Commercial plan; sizes the namespace quota, the autoscaler and the disruption budget.",
            )
        )
    )
    suspended: bool = field(
        default=False,
        metadata=_meta(
            FieldSchema(
                "suspended",
                "When true the tenant's workloads are scaled to zero (data is kept): condition Suspended "
                "is True, and Ready is True with reason Suspended once they are at zero (stopped on "
                "purpose, not failing); setting it back to false restores them.",
            )
        ),
    )
    app_version: str | None = field(
        default=None,
        metadata=_meta(
            FieldSchema(
                "appVersion",
                "Pin of the tenant app image tag. Empty means the operator's default version. The app is "
                "rolled to a new version only after that version's migration Job completed.",
                pattern=APP_VERSION_PATTERN,
                max_length=128,
                pattern_message="appVersion must be an image tag: letters, digits, '_', '.', '-'",
            )
        ),
    )
    host: str | None = field(
        default=None,
        metadata=_meta(
            FieldSchema(
                "host",
                "Public host name of the tenant app. Empty means <name>.<operator base domain>.",
                pattern=HOST_PATTERN,
                max_length=253,
                pattern_message="host must be a lower-case DNS name such as acme.example.com",
            )
        ),
    )
    deletion_policy: DeletionPolicy = field(
        default=DeletionPolicy.RETAIN,
        metadata=_meta(
            FieldSchema(
                "deletionPolicy",
                "What deleting this resource does to the tenant's data. Retain (default) keeps the "
                "namespace, database and secrets, marked as orphaned. Snapshot dumps the database to "
                "the operator's backup directory, verifies the dump, then deletes like Delete. Delete "
                "drops the database and role, the Vault data and policy, the Redis user and the namespace. "
                "Snapshot and Delete wait deletionGracePeriodDays first (the tenant stopped meanwhile).",
            )
        ),
    )
    deletion_protection: bool = field(
        default=False,
        metadata=_meta(
            FieldSchema(
                "deletionProtection",
                "When true the API server refuses to delete this resource (ValidatingAdmissionPolicy "
                "consorcio-tenant-deletion-protection), whoever asks: switch it off in a separate call "
                "first. The control plane turns it on for every tenant it creates.",
            )
        ),
    )
    deletion_grace_period_days: int = field(
        default=DEFAULT_DELETION_GRACE_DAYS,
        metadata=_meta(
            FieldSchema(
                "deletionGracePeriodDays",
                "Days between the deletion request and the destruction of the data under deletionPolicy "
                "Snapshot or Delete. Meanwhile the resource stays (Terminating) with the date in "
                "status.deletion.scheduledAt, and the tenant is stopped (no pods, no Ingress, logins "
                "disabled); patching deletionPolicy to Retain cancels the destruction. 0 destroys at once. "
                "Cannot be lowered once the deletion was requested.",
                minimum=0,
                maximum=MAX_DELETION_GRACE_DAYS,
            )
        ),
    )
    restore_from: RestoreFrom | None = field(
        default=None,
        metadata=_meta(
            FieldSchema(
                "restoreFrom",
                "Create this tenant from a backup of another tenant instead of empty: the operator "
                "restores the backup's database into this tenant's new database, copies its documents "
                "into this tenant's bucket and its PSP and webhook secrets in Vault, then migrates "
                "forward as usual. Only when the database does not exist yet; refused (condition "
                "DatabaseReady, reason RestoreFailed) unless the backup exists, was verified and the "
                "source holds the same CNPJ. status.restoredFrom records what was restored. Immutable: "
                "given at creation only.",
                immutable=True,
                properties=RESTORE_FROM_FIELDS,
                required=("tenant",),
            )
        ),
    )

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> TenantSpec:
        """Parse a resource's ``.spec``; raises InvalidTenantSpec listing every problem."""
        problems = validate_spec(spec)
        if problems:
            raise InvalidTenantSpec(problems)
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            schema: FieldSchema = f.metadata["schema"]
            raw = spec.get(schema.json_name)
            if raw is None or raw == "":
                continue
            hint = typing.get_type_hints(cls)[f.name]
            if field_json_type(f) == "object":
                values[f.name] = RestoreFrom(**{k: v for k, v in raw.items() if v not in (None, "")})
                continue
            values[f.name] = hint(raw) if isinstance(hint, type) and issubclass(hint, StrEnum) else raw
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The ``.spec`` mapping in CRD field names, optional empties left out."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, RestoreFrom):
                value = value.to_dict()
            out[f.metadata["schema"].json_name] = str(value) if isinstance(value, StrEnum) else value
        return out

    @property
    def normalized_cnpj(self) -> str:
        """The CNPJ without punctuation, upper-case."""
        return normalize_cnpj(self.cnpj)


def spec_fields() -> tuple[tuple[dataclasses.Field[Any], FieldSchema], ...]:
    """Every spec field with its schema metadata, in declaration order."""
    return tuple((f, f.metadata["schema"]) for f in dataclasses.fields(TenantSpec))


def field_enum(f: dataclasses.Field[Any]) -> tuple[str, ...] | None:
    """The allowed values of an enum-typed spec field, else None."""
    hint = typing.get_type_hints(TenantSpec)[f.name]
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return tuple(m.value for m in hint)
    return None


def field_json_type(f: dataclasses.Field[Any]) -> str:
    """OpenAPI type of a spec field: "boolean", "integer", "object" or "string"."""
    if f.metadata["schema"].properties:
        return "object"
    hint = typing.get_type_hints(TenantSpec)[f.name]
    return {bool: "boolean", int: "integer"}.get(hint, "string")


def required_spec_fields() -> tuple[str, ...]:
    """JSON names of the fields without a default."""
    return tuple(
        schema.json_name
        for f, schema in spec_fields()
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )


@dataclass(frozen=True)
class SpecProblem:
    """One reason a spec is invalid, with the JSON path of the offending field."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidTenantSpec(ValueError):
    """A spec that can never be reconciled (the resource must be changed)."""

    def __init__(self, problems: list[SpecProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def validate_name(name: str) -> list[SpecProblem]:
    """The slug rules the CRD also enforces with CEL on metadata.name."""
    problems = []
    if len(name) > NAME_MAX_LENGTH:
        problems.append(SpecProblem("metadata.name", f"must be at most {NAME_MAX_LENGTH} characters"))
    if not re.match(NAME_PATTERN, name):
        problems.append(
            SpecProblem(
                "metadata.name",
                "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending "
                "with a letter or digit",
            )
        )
    return problems


def validate_spec(spec: Mapping[str, Any], name: str | None = None) -> list[SpecProblem]:
    """Every reason ``spec`` (and ``name``, when given) cannot be reconciled.

    Mirrors the CRD schema (so callers outside Kubernetes get the same
    answers) and adds what the schema cannot express: CNPJ check digits.
    An empty list means valid.
    """
    problems = validate_name(name) if name is not None else []
    known = {schema.json_name for _, schema in spec_fields()}
    for key in spec:
        if key not in known:
            problems.append(SpecProblem(f"spec.{key}", "unknown field"))
    for key in required_spec_fields():
        if spec.get(key) in (None, ""):
            problems.append(SpecProblem(f"spec.{key}", "is required"))
    for f, schema in spec_fields():
        value = spec.get(schema.json_name)
        if value is None:
            continue
        path = f"spec.{schema.json_name}"
        if field_json_type(f) == "object":
            problems.extend(_object_problems(path, schema, value))
            continue
        problems.extend(SpecProblem(path, m) for m in _field_problems(f, schema, value))
    restore = spec.get("restoreFrom")
    if name is not None and isinstance(restore, Mapping) and restore.get("tenant") == name:
        problems.append(SpecProblem("spec.restoreFrom.tenant", "must name another tenant"))
    return problems


def _object_problems(path: str, schema: FieldSchema, value: Any) -> list[SpecProblem]:
    """An object field's problems: unknown or missing keys, each string property's rules."""
    if not isinstance(value, Mapping):
        return [SpecProblem(path, "must be an object")]
    problems = []
    known = {p.json_name: p for p in schema.properties}
    for key in value:
        if key not in known:
            problems.append(SpecProblem(f"{path}.{key}", "unknown field"))
    for key in schema.required:
        if value.get(key) in (None, ""):
            problems.append(SpecProblem(f"{path}.{key}", "is required"))
    for key, prop in known.items():
        item = value.get(key)
        if item is None:
            continue
        if not isinstance(item, str):
            problems.append(SpecProblem(f"{path}.{key}", "must be a string"))
        elif item and prop.max_length is not None and len(item) > prop.max_length:
            problems.append(SpecProblem(f"{path}.{key}", f"must have at most {prop.max_length} characters"))
        elif item and prop.pattern and not re.match(prop.pattern, item):
            problems.append(
                SpecProblem(f"{path}.{key}", prop.pattern_message or f"must match {prop.pattern}")
            )
    return problems


def _field_problems(f: dataclasses.Field[Any], schema: FieldSchema, value: Any) -> list[str]:
    if field_json_type(f) == "boolean":
        return [] if isinstance(value, bool) else ["must be true or false"]
    if field_json_type(f) == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return ["must be a whole number"]
        if schema.minimum is not None and value < schema.minimum:
            return [f"must be at least {schema.minimum}"]
        if schema.maximum is not None and value > schema.maximum:
            return [f"must be at most {schema.maximum}"]
        return []
    if not isinstance(value, str):
        return ["must be a string"]
    allowed = field_enum(f)
    if allowed is not None:
        return [] if value in allowed else [f"must be one of {', '.join(allowed)}"]
    if value == "" and schema.min_length is None:
        return []  # optional string left empty means "use the default"
    problems = []
    if schema.min_length is not None and len(value) < schema.min_length:
        problems.append(f"must have at least {schema.min_length} characters")
    if schema.max_length is not None and len(value) > schema.max_length:
        problems.append(f"must have at most {schema.max_length} characters")
    if schema.pattern and not re.match(schema.pattern, value):
        problems.append(schema.pattern_message or f"must match {schema.pattern}")
    elif f.name == "cnpj" and (problem := cnpj_problem(value)) is not None:
        problems.append(problem.removeprefix("cnpj "))
    return problems


def build_tenant_resource(name: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """A complete ConsorcioTenant body, ready for create.

    ``spec`` uses the CRD's field names (``displayName``, ``deletionPolicy``...);
    keys with ``None`` values are left out so the CRD defaults apply.
    Raises InvalidTenantSpec when name or spec is invalid.
    """
    clean = {k: v for k, v in spec.items() if v is not None}
    for key in ("plan", "deletionPolicy"):
        if isinstance(clean.get(key), StrEnum):
            clean[key] = str(clean[key])
    problems = validate_spec(clean, name)
    if problems:
        raise InvalidTenantSpec(problems)
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"name": name, "labels": {TENANT_LABEL: name}},
        "spec": clean,
    }
