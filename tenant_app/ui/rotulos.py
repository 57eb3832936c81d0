"""How the screens name the API's codes: ``em_analise`` is shown as "em análise".

The API speaks in stable codes without accents (clients switch on them); the staff read
Portuguese. Codes missing here are shown with their underscores as spaces, which is right
for the many that need no accent (``recebendo_lances`` -> "recebendo lances").
"""

from __future__ import annotations

from enum import Enum

ROTULOS: dict[str, str] = {
    # status, stages and actions
    "converter_em_especie": "converter em espécie",
    "convertida_em_especie": "convertida em espécie",
    "disponivel": "disponível",
    "em_analise": "em análise",
    "em_formacao": "em formação",
    "iniciar_analise": "iniciar análise",
    "nao_aplicavel": "não aplicável",
    "nao_contemplado": "não contemplado",
    "nao_procurado": "não procurado",
    "nao_procurados": "não procurados",
    "sem_cota_elegivel": "sem cota elegível",
    "titulo_inativo": "título inativo",
    "zero_invalido": "zero inválido",
    # operations and origins
    "adesao": "adesão",
    "amortizacao": "amortização",
    "arrecadacao": "arrecadação",
    "cessao": "cessão",
    "cobranca": "cobrança",
    "contemplacao": "contemplação",
    "contemplacoes": "contemplações",
    "correcao": "correção",
    "credito": "crédito",
    "creditos_a_pagar": "créditos a pagar",
    "devolucao": "devolução",
    "disponibilizacao": "disponibilização",
    "especie": "espécie",
    "exclusao": "exclusão",
    "fundo_reserva": "fundo de reserva",
    "inadimplencia": "inadimplência",
    "readmissao": "readmissão",
    "restituicao": "restituição",
    "solicitacao": "solicitação",
    "taxa_administracao": "taxa de administração",
    # modalities and rules
    "mensal_saldo_devedor": "mensal sobre o saldo devedor",
    "percentual_credito": "percentual do crédito",
    "sorteio_fundo_reserva": "sorteio (fundo de reserva)",
    # bens, guarantees and documents
    "alienacao_fiduciaria_imovel": "alienação fiduciária de imóvel",
    "alienacao_fiduciaria_veiculo": "alienação fiduciária de veículo",
    "ata_assembleia": "ata da assembleia",
    "automovel": "automóvel",
    "comprovante_renda": "comprovante de renda",
    "comprovante_residencia": "comprovante de residência",
    "contrato_adesao": "contrato de adesão",
    "imovel": "imóvel",
    "outros_moveis": "outros móveis",
    "residencia": "residência",
    "servico": "serviço",
    "servicos": "serviços",
    # reports
    "doc_2080": "Doc 2080",
    "extrato_cota": "extrato da cota",
    "posicao_grupos": "posição dos grupos",
    "relatorios": "relatórios",
    # PIX keys
    "evp": "chave aleatória",
    # fields of the bem indicated for a carta
    "diferenca": "diferença",
    "vendedor_documento": "documento do vendedor",
    "vendedor_nome": "vendedor",
    "descricao": "descrição",
    # permissions (the permission table's codes)
    "users:manage": "usuários e integrações",
    "consorciados:read": "ver consorciados",
    "consorciados:write": "cadastrar e alterar consorciados",
    "lgpd:manage": "LGPD (exportar, anonimizar)",
    "grupos:read": "ver grupos",
    "grupos:write": "criar e alterar grupos",
    "cotas:read": "ver cotas",
    "cotas:write": "vender, ceder e excluir cotas",
    "pagamentos:read": "ver pagamentos",
    "pagamentos:write": "registrar pagamentos",
    "pagamentos:estorno": "estornar pagamentos",
    "inadimplencia:read": "ver inadimplência",
    "inadimplencia:run": "rodar a exclusão por inadimplência",
    "auditoria:read": "ver a auditoria",
    "assembleias:read": "ver assembleias",
    "assembleias:write": "conduzir assembleias",
    "integracoes:manage": "webhooks e e-mails",
}


def rotulo(codigo: object) -> str:
    """The label of ``codigo`` (a code or an enum member); "" for ``None``."""
    if codigo is None:
        return ""
    texto = str(codigo.value) if isinstance(codigo, Enum) else str(codigo)
    return ROTULOS.get(texto, texto.replace("_", " "))
