"""Routes of the assembleias feature, one module per part of the assembleia's life."""

from tenant_app.assembleias.controller.apuracao import ApuracaoController
from tenant_app.assembleias.controller.assembleias import (
    AssembleiaController,
    AssembleiasDoGrupoController,
    RegrasAssembleiaController,
)
from tenant_app.assembleias.controller.lances import LancesController

CONTROLLERS = [
    RegrasAssembleiaController,
    AssembleiasDoGrupoController,
    AssembleiaController,
    LancesController,
    ApuracaoController,
]
