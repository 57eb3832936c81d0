"""Every event type the tenant app emits (the webhook subscriptions and the OpenAPI enum list these)."""

from __future__ import annotations

CONSORCIADO_CRIADO = "consorciado.criado"
COTA_ADERIDA = "cota.aderida"
PARCELA_VENCENDO = "parcela.vencendo"
PARCELA_VENCIDA = "parcela.vencida"
PAGAMENTO_CONFIRMADO = "pagamento.confirmado"
PAGAMENTO_ESTORNADO = "pagamento.estornado"
BOLETO_EMITIDO = "boleto.emitido"
ASSEMBLEIA_APURADA = "assembleia.apurada"
COTA_CONTEMPLADA = "cota.contemplada"
COTA_EXCLUIDA = "cota.excluida"
DOCUMENTO_GERADO = "documento.gerado"
RELATORIO_PRONTO = "relatorio.pronto"
#: A carta de crédito changed status (tenant_app.credito: análise, bem, pagamento, encerramento, espécie).
CREDITO_STATUS_ALTERADO = "credito.status_alterado"
#: Sent by the webhook machinery itself (test button / rotation check).
WEBHOOK_TESTE = "webhook.teste"

TIPOS: tuple[str, ...] = (
    CONSORCIADO_CRIADO,
    COTA_ADERIDA,
    PARCELA_VENCENDO,
    PARCELA_VENCIDA,
    PAGAMENTO_CONFIRMADO,
    PAGAMENTO_ESTORNADO,
    BOLETO_EMITIDO,
    ASSEMBLEIA_APURADA,
    COTA_CONTEMPLADA,
    COTA_EXCLUIDA,
    DOCUMENTO_GERADO,
    RELATORIO_PRONTO,
    CREDITO_STATUS_ALTERADO,
    WEBHOOK_TESTE,
)
