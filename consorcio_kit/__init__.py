"""Infrastructure shared by the two Litestar apps (tenant app and control plane).

Only what the two apps do the same way lives here: the declarative-base
helpers and the async engine/session from a libpq URL (:mod:`.database`), the
Alembic runner (:mod:`.migrations`) and problem+json (:mod:`.problems`).
Each app still owns its models, its ``Base`` and its migrations: they are
different databases. This package imports none of the apps (import-linter).
"""
