"""Import every model module so ``Base.metadata`` is complete (Alembic, tests).

Features that add tables append their ``models`` module here.
"""

from tenant_app.assembleias import models as assembleias_models
from tenant_app.audit_log import models as audit_log_models
from tenant_app.clientes_api import models as clientes_api_models
from tenant_app.cobranca import models as cobranca_models
from tenant_app.consorciados import models as consorciados_models
from tenant_app.cotas import models as cotas_models
from tenant_app.credito import models as credito_models
from tenant_app.dados_pessoais import models as dados_pessoais_models
from tenant_app.database.base import Base
from tenant_app.documentos import models as documentos_models
from tenant_app.encerramento import models as encerramento_models
from tenant_app.eventos import models as eventos_models
from tenant_app.grupos import models as grupos_models
from tenant_app.ledger import models as ledger_models
from tenant_app.notificacoes import models as notificacoes_models
from tenant_app.pagamentos import models as pagamentos_models
from tenant_app.parcelas import models as parcelas_models
from tenant_app.platform_client import models as platform_client_models
from tenant_app.relatorios import models as relatorios_models
from tenant_app.rendimentos import models as rendimentos_models
from tenant_app.users import models as users_models

MODEL_MODULES = (
    assembleias_models,
    audit_log_models,
    clientes_api_models,
    cobranca_models,
    consorciados_models,
    cotas_models,
    credito_models,
    dados_pessoais_models,
    documentos_models,
    encerramento_models,
    eventos_models,
    grupos_models,
    ledger_models,
    notificacoes_models,
    pagamentos_models,
    parcelas_models,
    platform_client_models,
    relatorios_models,
    rendimentos_models,
    users_models,
)

metadata = Base.metadata

__all__ = ["MODEL_MODULES", "metadata"]
