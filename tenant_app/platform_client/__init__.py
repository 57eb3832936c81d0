"""The tenant app's client of the control plane: usage reporting and feature flags.

Entry point: :class:`PlatformClient` (``PlatformClient.from_env()``), which
reads ``CONTROL_PLANE_URL`` and authenticates with the pod's projected
ServiceAccount token for the audience ``consorcio-control-plane``
(``CONTROL_PLANE_TOKEN_FILE`` names the file). It exposes

* ``.usage`` — :class:`UsageReporter`: ``api_requests(n)``, ``active_cotas(n)``,
  ``users(n)``; buffered, batched, retried with stable event ids;
* ``.flags`` — :class:`ControlPlaneFlagProvider`, an OpenFeature provider
  evaluating locally from a snapshot kept fresh by long polling.

This package depends only on httpx and openfeature-sdk, never on the
control plane's code; :mod:`.flag_rules` is the one definition of flag
evaluation that the control plane imports from here.
"""

from tenant_app.platform_client.client import PlatformClient
from tenant_app.platform_client.flag_provider import ControlPlaneFlagProvider
from tenant_app.platform_client.settings import PlatformClientSettings
from tenant_app.platform_client.usage_reporter import UsageReporter

__all__ = ["ControlPlaneFlagProvider", "PlatformClient", "PlatformClientSettings", "UsageReporter"]
