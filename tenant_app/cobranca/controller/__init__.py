"""Cobrança routes, one module per part of the work: accounts, títulos, retornos, valores a identificar."""

from tenant_app.cobranca.controller.contas import ContaCobrancaController
from tenant_app.cobranca.controller.identificacao import ValoresAIdentificarController
from tenant_app.cobranca.controller.pix import PixController
from tenant_app.cobranca.controller.relatorios import RelatorioCobrancaController
from tenant_app.cobranca.controller.remessas import RemessaController
from tenant_app.cobranca.controller.retornos import RetornoController
from tenant_app.cobranca.controller.titulos import TituloController

CONTROLLERS = [
    ContaCobrancaController,
    TituloController,
    RemessaController,
    RetornoController,
    ValoresAIdentificarController,
    PixController,
    RelatorioCobrancaController,
]

__all__ = ["CONTROLLERS"]
