"""The PIX webhook host with mutual TLS (issue 15): a second Ingress and the PSPs' CA bundle.

The BCB Pix API has the PSP call the receiver's webhook over mutual TLS. ingress-nginx checks
a client certificate during the TLS handshake, before it has seen the request's path, so the
check is a property of the *host* (its nginx ``server``), not of a location: the tenant's users
cannot be asked for a certificate on their host. Each tenant therefore gets, when the operator
is configured with a webhook domain, a dedicated host ``<name>.<webhook domain>`` whose Ingress
routes only the webhook prefix to the app and demands a client certificate signed by a CA of the
bundle. The app keeps its own check (the secret in the path), and with ``PIX_WEBHOOK_BASE_URL``
set it answers the webhook only on this host, so the users' host is no way around the handshake.

Where the CA bundle lives: ``auth-tls-secret`` names ``<namespace>/<secret>``. A Secret in
another namespace (the ingress controller's or the operator's) is refused by ingress-nginx
releases that disallow cross-namespace references (``allow-cross-namespace-resources``), and
would make every tenant's Ingress depend on an object the operator does not reconcile there.
So the operator copies the bundle into each tenant namespace (Secret ``tenant-pix-webhook-ca``,
key ``ca.crt`` as ingress-nginx expects), like Vault's CA: a rotation of the platform Secret
reaches every tenant on its next pass, and a deleted or edited copy is repaired as drift.
"""

from __future__ import annotations

import base64
from typing import Any

from consorcio_contract.names import PIX_WEBHOOK_PATH_PREFIX
from tenant_operator import names
from tenant_operator.specs.tenant import TenantView

#: The key ingress-nginx reads the CA bundle from.
CA_KEY = "ca.crt"
_NGINX = "nginx.ingress.kubernetes.io"


def webhook_host(t: TenantView) -> str | None:
    """``<name>.<webhook domain>``, or None when the operator runs no webhook host."""
    hook = t.workload.pix_webhook
    return names.pix_webhook_host(t.name, hook.domain) if hook.enabled else None


def webhook_base_url(t: TenantView) -> str | None:
    """What the app registers at the PSP (``PIX_WEBHOOK_BASE_URL``); None: its own host, as before."""
    host = webhook_host(t)
    return names.tenant_url(host) if host else None


def ca_secret(t: TenantView) -> dict[str, Any] | None:
    """Secret ``tenant-pix-webhook-ca``: the PSPs' CA bundle ingress-nginx verifies clients against."""
    hook = t.workload.pix_webhook
    if not hook.enabled:
        return None
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": t.metadata(names.PIX_WEBHOOK_CA_SECRET),
        "type": "Opaque",
        "data": {CA_KEY: base64.b64encode(hook.ca_pem.encode()).decode()},
    }


def client_certificate_annotations(t: TenantView) -> dict[str, str]:
    """ingress-nginx's client-certificate settings for the webhook host."""
    return {
        # "on": without a certificate the bundle's CAs issued, nginx answers 400 and never proxies.
        f"{_NGINX}/auth-tls-verify-client": "on",
        f"{_NGINX}/auth-tls-secret": f"{t.namespace}/{names.PIX_WEBHOOK_CA_SECRET}",
        f"{_NGINX}/auth-tls-verify-depth": str(t.workload.pix_webhook.verify_depth),
        # The app authenticates the call by the secret in its path and reads no certificate.
        f"{_NGINX}/auth-tls-pass-certificate-to-upstream": "false",
    }


def ingress(t: TenantView) -> dict[str, Any] | None:
    """Ingress ``tenant-app-pix-webhook``: only the webhook prefix, TLS on, client certificate required."""
    host = webhook_host(t)
    if host is None:
        return None
    backend = {"service": {"name": names.APP_SERVICE, "port": {"name": "http"}}}
    spec: dict[str, Any] = {
        # Without this Secret ingress-nginx serves its default certificate (the platform's
        # wildcard for the webhook domain, docs/deployment.md); a certificate issued per host
        # may be written here by cert-manager.
        "tls": [{"hosts": [host], "secretName": names.PIX_WEBHOOK_TLS_SECRET}],
        "rules": [
            {
                "host": host,
                "http": {
                    "paths": [{"path": PIX_WEBHOOK_PATH_PREFIX, "pathType": "Prefix", "backend": backend}]
                },
            }
        ],
    }
    if t.workload.ingress_class:
        spec["ingressClassName"] = t.workload.ingress_class
    metadata = t.metadata(names.PIX_WEBHOOK_INGRESS)
    metadata["annotations"] = client_certificate_annotations(t)
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": metadata, "spec": spec}


def objects(t: TenantView) -> list[dict[str, Any]]:
    """The CA Secret and the Ingress (CA first: the Ingress names it), or nothing when not configured."""
    return [obj for obj in (ca_secret(t), ingress(t)) if obj is not None]
