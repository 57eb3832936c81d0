"""The screens, one controller per area; ``TELAS`` is what the UI router mounts."""

from __future__ import annotations

from typing import Any

from tenant_app.ui.telas.assembleias import AssembleiasController
from tenant_app.ui.telas.auditoria import AuditoriaController
from tenant_app.ui.telas.cobranca import CobrancaController
from tenant_app.ui.telas.cobranca_movimento import MovimentoCobrancaController
from tenant_app.ui.telas.comunicados import ComunicadosController
from tenant_app.ui.telas.configuracoes import ConfiguracoesController
from tenant_app.ui.telas.consorciados import ConsorciadosController
from tenant_app.ui.telas.contrato import ContratoController
from tenant_app.ui.telas.cotas import CotasController
from tenant_app.ui.telas.creditos import CreditosController
from tenant_app.ui.telas.encerramento import EncerramentoController, NaoProcuradosController
from tenant_app.ui.telas.entrada import EntradaController
from tenant_app.ui.telas.eventos import EventosController
from tenant_app.ui.telas.grupos import GruposController
from tenant_app.ui.telas.inadimplencia import InadimplenciaController
from tenant_app.ui.telas.integracoes import IntegracoesController
from tenant_app.ui.telas.modelos_email import TelaModelosEmailController
from tenant_app.ui.telas.pagamentos import PagamentosController
from tenant_app.ui.telas.painel import PainelController
from tenant_app.ui.telas.relatorios import RelatoriosController
from tenant_app.ui.telas.usuarios import UsuariosController

TELAS: list[Any] = [
    EntradaController,
    PainelController,
    ConsorciadosController,
    GruposController,
    EncerramentoController,
    NaoProcuradosController,
    CotasController,
    ContratoController,
    PagamentosController,
    UsuariosController,
    IntegracoesController,
    AssembleiasController,
    AuditoriaController,
    InadimplenciaController,
    CobrancaController,
    MovimentoCobrancaController,
    RelatoriosController,
    EventosController,
    CreditosController,
    TelaModelosEmailController,
    ConfiguracoesController,
    ComunicadosController,
]
