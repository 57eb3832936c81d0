"""The platform's SMTP relay, kept in Vault, becomes each tenant app's SMTP_* variables (issue 18:
"production: SMTP credentials from Vault").

Before, no tenant pod got any SMTP_* variable (only the devstack's local processes did), so a
tenant in a real cluster queued every e-mail and sent none. The relay (Amazon SES in production)
is written once by the SRE at ``OPERATOR_VAULT_SMTP_PATH`` and copied by the operator; the
provisioner's read against a real Vault is in tests/k8s/tenant_operator/test_operator_vault.py,
the step's behaviour in test_operator_reconciler.py.
"""

from __future__ import annotations

import pytest
from tenant_operator.specs.app_secret import smtp_env

from tenant_app.notificacoes.config import NotificacoesSettings
from tests.support.operator_harness import example_config

pytestmark = pytest.mark.unit

SES = {
    "host": "email-smtp.sa-east-1.amazonaws.com",
    "port": "587",
    "username": "AKIAEXAMPLE",
    "password": "ses-smtp-password",
    "tls": "starttls",
}


def test_the_relay_becomes_what_the_tenant_app_reads() -> None:
    env = smtp_env(SES)
    smtp = NotificacoesSettings.from_env(env).smtp
    assert smtp is not None
    assert (smtp.host, smtp.port, smtp.username, smtp.password, smtp.tls) == (
        "email-smtp.sa-east-1.amazonaws.com",
        587,
        "AKIAEXAMPLE",
        "ses-smtp-password",
        "starttls",
    )


def test_a_relay_without_credentials_sends_none() -> None:
    assert smtp_env({"host": "relay.internal", "port": "25", "tls": "none"}) == {
        "SMTP_HOST": "relay.internal",
        "SMTP_PORT": "25",
        "SMTP_TLS": "none",
    }


@pytest.mark.parametrize(
    ("relay", "named"),
    [
        ({"port": "587"}, "host"),
        ({**SES, "port": "smtp"}, "port"),
        ({**SES, "port": "70000"}, "port"),
        ({**SES, "tls": "ssl3"}, "tls"),
    ],
)
def test_a_relay_that_cannot_work_is_refused_naming_the_key(relay: dict[str, str], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        smtp_env(relay)


def test_the_path_is_read_from_the_environment() -> None:
    assert example_config().vault.smtp_path == ""
    assert example_config(OPERATOR_VAULT_SMTP_PATH="/consorcio/smtp/").vault.smtp_path == "consorcio/smtp"
