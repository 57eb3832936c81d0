"""PSP clients of the BCB Pix API (API Pix, Banco Central do Brasil: cob, cobv, webhook), pluggable per PSP.

``cliente_para(nome, ...)`` picks the PSP's class from ``PSPS``: every PSP implements the same published
contract; what differs (token endpoint, scopes, certificate) is a small subclass.
"""

from tenant_app.cobranca.psp.bcb import (
    PSPS,
    ClientePix,
    CobrancaPix,
    CredenciaisPsp,
    ErroPsp,
    cliente_para,
)

__all__ = ["PSPS", "ClientePix", "CobrancaPix", "CredenciaisPsp", "ErroPsp", "cliente_para"]
