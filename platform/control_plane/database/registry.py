"""Import every model module so ``Base.metadata`` knows all tables (Alembic needs this)."""

from __future__ import annotations

from control_plane.audit import models as _audit  # noqa: F401
from control_plane.auth import models as _auth  # noqa: F401
from control_plane.billing import models as _billing  # noqa: F401
from control_plane.database.base import Base
from control_plane.flags import models as _flags  # noqa: F401
from control_plane.tenants import models as _tenants  # noqa: F401
from control_plane.usage import models as _usage  # noqa: F401

metadata = Base.metadata
