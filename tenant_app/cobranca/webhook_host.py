"""Which host the PIX webhook lives on (issue 15: mutual TLS at the ingress).

In production the operator runs a dedicated host for the PSPs' webhook calls, where ingress-nginx
demands the PSP's client certificate, and names it in ``PIX_WEBHOOK_BASE_URL``. The address the
app registers at the PSP is then on that host, and the webhook answers only there: the users'
host routes ``/api`` too, and must not be a way around the certificate check. Without the variable
(devstack, a cluster without the webhook domain) both behave as before: the app's own base URL,
any host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from tenant_app.settings import Settings


def base_do_webhook(settings: Settings, base_do_app: str) -> str:
    """The base of the webhook address given to the PSP: the mTLS host when configured."""
    return (settings.pix_webhook_base_url or base_do_app).rstrip("/")


def host_aceito(settings: Settings, cabecalho_host: str | None) -> bool:
    """Whether a webhook call arriving with this ``Host`` header may be served."""
    if not settings.pix_webhook_base_url:
        return True
    esperado = urlsplit(settings.pix_webhook_base_url).hostname
    recebido = urlsplit("//" + (cabecalho_host or "").strip()).hostname
    return recebido is not None and recebido == esperado
