"""The crédito's routes by part of its life: the carta (análise, guarantees, bem), the money, the IR."""

from tenant_app.credito.controller.cartas import CartasController
from tenant_app.credito.controller.informes import InformesController
from tenant_app.credito.controller.pagamentos import PagamentosCreditoController

CONTROLLERS = [CartasController, PagamentosCreditoController, InformesController]

__all__ = ["CONTROLLERS"]
