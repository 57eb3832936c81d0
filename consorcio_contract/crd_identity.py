"""Identity of the ConsorcioTenant custom resource (group, version, names).

The control plane addresses resources with these, the operator watches them
and generates the CRD from them.
"""

from __future__ import annotations

GROUP = "consorcio.io"
VERSION = "v1alpha1"
PLURAL = "consorciotenants"
SINGULAR = "consorciotenant"
KIND = "ConsorcioTenant"
API_VERSION = f"{GROUP}/{VERSION}"
CRD_NAME = f"{PLURAL}.{GROUP}"
SHORT_NAMES = ("ctn",)
CATEGORIES = ("consorcio",)
