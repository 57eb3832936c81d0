"""``python -m tenant_operator``."""

import sys

from tenant_operator.cli import main

sys.exit(main())
