"""Descriptions of the fields the tenant API names the same way everywhere (Portuguese).

``consorcio_kit.openapi_properties.describe_properties`` uses them for every schema
property without its own ``Meta(description=...)``: first this glossary, then the naming
rules below, then the ``#:`` comment on the field in the code.
"""

from __future__ import annotations

import re

from consorcio_kit.openapi_properties import NamingRule

_DINHEIRO = 'texto com 2 casas decimais, ex.: "1500.00"'
_PERCENTUAL = 'texto com até 4 casas decimais, ex.: "12.5000"'
_DATA_HORA = "data e hora ISO 8601 com fuso horário"

GLOSSARIO: dict[str, str] = {
    # identity and listing
    "id": "Identificador (UUID) do recurso; use-o nas chamadas seguintes.",
    "items": "Os itens desta página.",
    "itens": "Os itens.",
    "total": "Total de itens que atendem aos filtros (todas as páginas).",
    "limit": "Tamanho da página pedido.",
    "offset": "Quantos itens foram pulados antes desta página.",
    "status": "Situação atual do recurso (valores listados no esquema).",
    "tipo": "Tipo (valores listados no esquema).",
    "numero": "Número de ordem (da cota no grupo, da parcela na cota, da assembleia no grupo, do arquivo).",
    "nome": "Nome.",
    "descricao": "Descrição em texto livre.",
    "observacao": "Observação em texto livre.",
    "motivo": "Motivo informado (texto livre).",
    "codigo": "Código do grupo, único no tenant (ex.: G-2026-01).",
    "referencia": "Referência informada pelo cliente (texto livre, ex.: número do documento no ERP).",
    "request_id": "Identificador da requisição nos logs (cabeçalho X-Request-ID).",
    "revisao": "Revisão do registro (1 = original; cada correção cria a seguinte).",
    "versao": "Versão (1 = primeira).",
    "seq": "Número de sequência (crescente, sem lacunas).",
    "hash": "SHA-256 (hexadecimal).",
    "sha256": "SHA-256 (hexadecimal) do conteúdo do arquivo.",
    "tamanho": "Tamanho do arquivo em bytes.",
    "nome_arquivo": "Nome do arquivo como enviado.",
    "tipo_conteudo": "Tipo MIME do conteúdo, verificado pelo conteúdo (ex.: application/pdf).",
    "formato": "Formato do arquivo (csv, xlsx ou pdf).",
    "url": "Endereço (URL).",
    "tenant": "Identificador (slug) da administradora.",
    # people and contacts
    "email": "E-mail.",
    "telefone": "Telefone com DDD, só dígitos.",
    "documento": "CPF (11 dígitos) ou CNPJ (14 dígitos), só dígitos.",
    "tipo_pessoa": "fisica (CPF) ou juridica (CNPJ).",
    "cpf_conjuge": "CPF do cônjuge (11 dígitos), quando houver.",
    "principal": "Verdadeiro para o contato/endereço principal.",
    "logradouro": "Rua, avenida etc.",
    "complemento": "Complemento do endereço (apto, bloco).",
    "bairro": "Bairro.",
    "cidade": "Cidade.",
    "uf": "Unidade da federação (sigla de 2 letras).",
    "cep": "CEP, 8 dígitos.",
    "role": "Perfil do usuário: admin, gestor, operador, financeiro ou auditor.",
    "active": "Falso para usuário desativado (não faz login).",
    "ativo": "Falso quando desativado.",
    "password": "Senha (mínimo 10 caracteres); nunca é devolvida.",
    "access_token": "Token de acesso (JWT) para `Authorization: Bearer`.",
    "refresh_token": "Token de renovação, de uso único (`POST /api/auth/refresh`).",
    "expires_in": "Validade do token de acesso, em segundos.",
    "token_type": "Sempre `Bearer`.",
    # consórcio
    "grupo_codigo": "Código do grupo.",
    "cota_numero": "Número da cota no grupo (1 = primeira).",
    "numero_cota": "Número da cota no grupo (1 = primeira).",
    "parcela_numero": "Número da parcela na cota (1 = primeira).",
    "numero_cotas": "Quantidade de cotas do grupo.",
    "prazo_meses": "Prazo do grupo em meses (número de parcelas).",
    "dia_assembleia": "Dia do mês da assembleia ordinária (1 a 28).",
    "dia_vencimento": "Dia do mês do vencimento das parcelas (1 a 28).",
    "tipo_bem": "Espécie de bem do grupo (valores listados no esquema).",
    "valor": f"Valor em reais ({_DINHEIRO}).",
    "saldo": f"Saldo em reais ({_DINHEIRO}).",
    "percentual": f"Percentual do valor do crédito ({_PERCENTUAL}).",
    "percentual_embutido": f"Parte do lance retirada do próprio crédito, em % do crédito ({_PERCENTUAL}).",
    "forma": "Forma de pagamento (valores listados no esquema).",
    "vencimento": "Data de vencimento (AAAA-MM-DD).",
    "modalidade": "Como a cota foi contemplada: sorteio, sorteio_fundo_reserva, restituicao ou lance.",
    "concurso": "Número do concurso da Loteria Federal usado no sorteio.",
    "premios": "Os 5 prêmios da extração da Loteria Federal, cada um com 5 dígitos, do 1º ao 5º.",
    "fundo_comum": f"Parte do fundo comum, em reais ({_DINHEIRO}).",
    "fundo_reserva": f"Parte do fundo de reserva, em reais ({_DINHEIRO}).",
    "taxa_administracao": f"Parte da taxa de administração, em reais ({_DINHEIRO}).",
    "seguro": f"Parte do seguro, em reais ({_DINHEIRO}).",
    "juros": f"Juros de mora em reais ({_DINHEIRO}).",
    "multa": f"Multa de mora em reais ({_DINHEIRO}).",
    "contemplada": "Verdadeiro se a cota já foi contemplada.",
    "excluida": "Verdadeiro se a cota foi excluída do grupo.",
    "sigiloso": "Verdadeiro enquanto o percentual do lance é sigiloso (antes da apuração).",
    # cobrança
    "banco": "Código do banco (3 dígitos, FEBRABAN).",
    "agencia": "Agência, só dígitos.",
    "dv_agencia": "Dígito verificador da agência.",
    "conta": "Número da conta, só dígitos.",
    "dv_conta": "Dígito verificador da conta.",
    "convenio": "Código do convênio de cobrança no banco.",
    "carteira": "Carteira de cobrança do banco.",
    "chave_pix": "Chave PIX (CPF/CNPJ, e-mail, telefone +55… ou chave aleatória).",
    "nosso_numero": "Nosso número do título (identifica o boleto no banco).",
    "seu_numero": "Seu número: a referência do título no sistema da administradora.",
    "linha_digitavel": "Linha digitável do boleto (47 dígitos).",
    "codigo_barras": "Código de barras do boleto (44 dígitos).",
    "txid": "Identificador da cobrança PIX (txid).",
    "brcode": "Código PIX copia e cola (BR Code).",
    "psp": "Provedor PIX (PSP) da conta.",
    # time ranges
    "desde": "Início do período (AAAA-MM-DD, inclusive).",
    "ate": "Fim do período (AAAA-MM-DD, inclusive).",
    "inicio": "Início do período (AAAA-MM-DD).",
    "fim": "Fim do período (AAAA-MM-DD).",
    "mes": "Mês de referência (AAAA-MM).",
    "data": "Data (AAAA-MM-DD).",
    "hoje": "A data de hoje no fuso do tenant (AAAA-MM-DD).",
    "created_at": f"Quando foi criado ({_DATA_HORA}).",
    "updated_at": f"Última alteração ({_DATA_HORA}).",
    # audit
    "actor_id": "Quem fez: identificador do usuário ou do cliente de API.",
    "actor_email": "Quem fez: e-mail do usuário ou `cliente-api:<nome>`.",
    "action": "A ação registrada (insert, update, delete ou um evento nomeado).",
    "entity": "A tabela do recurso alterado.",
    "entity_id": "O identificador do recurso alterado.",
    "before": "Valores antes da alteração (só os campos alterados).",
    "after": "Valores depois da alteração (só os campos alterados).",
    "occurred_at": f"Quando aconteceu ({_DATA_HORA}).",
    "tentativas": "Quantas tentativas foram feitas.",
    "erro": "Mensagem do erro, quando houve.",
    # assembleia rules and records
    "contemplacoes_sorteio": "Contemplações por sorteio em cada assembleia.",
    "contemplacoes_lance_maximo": "Máximo de contemplações por lance em cada assembleia; vazio = quantas o "
    "fundo comum cobrir.",
    "fundo_reserva_completa_sorteios": "O fundo de reserva completa o fundo comum nos sorteios previstos.",
    "fundo_reserva_sorteios_extras": "Sorteios extras pagos só pelo fundo de reserva, depois dos previstos.",
    "sorteios_restituicao": "Sorteios de cotas excluídas para restituição, em cada assembleia.",
    "tipos_lance": "Tipos de lance que o contrato aceita (livre, fixo, embutido).",
    "zero_vale_mil": "No sorteio, a centena 000 vale 1000.",
    "extracao_concurso": "Concurso da Loteria Federal usado na apuração.",
    "extracao_premios": "Os 5 prêmios da extração usada na apuração.",
    "prazo_pagamento_lance": "Data limite para pagar o lance vencedor (AAAA-MM-DD).",
    "hash_entrada": "SHA-256 das entradas canônicas (`GET /api/assembleias/{id}/apuracao/entrada`).",
    "hash_armazenado": "SHA-256 das entradas, como registrado na apuração.",
    "hash_recalculado": "SHA-256 das entradas armazenadas, recalculado agora.",
    "hash_confere": "Verdadeiro se o hash recalculado é o registrado.",
    "resultado_confere": "Refazer a apuração com as entradas dá o mesmo resultado, byte a byte.",
    # accounts and secrets
    "last_login_at": f"Último login ({_DATA_HORA}).",
    "locked_until": f"Bloqueado até ({_DATA_HORA}); vazio se não bloqueado.",
    "segredo": "Segredo, exibido só nesta resposta: guarde-o num cofre de segredos.",
    "client_secret": "Segredo do cliente; nunca é devolvido depois de gravado.",
    "status_http": "Status HTTP da resposta recebida.",
    "duracao_ms": "Duração em milissegundos.",
    "falhas_consecutivas": "Quantas entregas seguidas falharam.",
    # collections
    "contatos": "Contatos (e-mail, telefone).",
    "enderecos": "Endereços.",
    "documentos": "Documentos.",
    "pagamentos": "Pagamentos.",
    "parcelas": "Parcelas.",
    "cotas": "Cotas.",
    "titulos": "Títulos de cobrança (boleto e PIX).",
    "cartas": "Cartas de crédito.",
    "garantias": "Garantias oferecidas.",
    "transicoes": "Histórico das mudanças de situação.",
    "versoes": "Versões do documento, da mais nova à mais antiga.",
    "contemplacoes": "Contemplações.",
    "consentimentos": "Consentimentos registrados (LGPD).",
    "quantidade": "Quantidade.",
    # contract and administradora
    "administradora_cnpj": "CNPJ da administradora.",
    "administradora_endereco": "Endereço da administradora.",
    "nome_administradora": "Nome da administradora.",
    "autorizacao_bcb": "Autorização do Banco Central para a administradora operar consórcios.",
    "foro": "Foro eleito no contrato.",
    "clausulas_adicionais": "Cláusulas adicionais do contrato de adesão (texto).",
    "assunto": "Assunto do e-mail.",
    "conciliado": "Verdadeiro se já foi conciliado.",
    "documento_formatado": "CPF ou CNPJ com a pontuação.",
    "nome_banco": "Nome do banco.",
    # PIX (BCB API fields)
    "endToEndId": "Identificador fim a fim do PIX (BCB).",
    "infoPagador": "Texto que o pagador enviou com o PIX.",
    "horario": f"Quando o PIX foi liquidado ({_DATA_HORA}).",
    "em": f"Quando ({_DATA_HORA}).",
    # more fields named alike across schemas
    "tipos": "Tipos de evento que o endpoint recebe (`GET /api/webhooks/tipos`); vazio = todos.",
    "finalidade": "Finalidade do tratamento de dados a que o consentimento se refere (LGPD).",
    "concedido": "Verdadeiro se o consentimento foi dado; falso se foi negado ou revogado.",
    "canal": "Por onde o consentimento foi colhido (ex.: sistema, portal, papel).",
    "versao_termo": "Versão do termo de consentimento apresentado.",
    "integra": "Verdadeiro se a cadeia de hashes da auditoria está íntegra.",
    "entradas_verificadas": "Quantas entradas da auditoria foram verificadas.",
    "primeira_quebra_seq": "Sequência da primeira entrada que quebra a cadeia; vazio se íntegra.",
    "multa_devida": f"Multa de mora devida hoje, em reais ({_DINHEIRO}).",
    "juros_devidos": f"Juros de mora devidos hoje, em reais ({_DINHEIRO}).",
    "parcelas_em_aberto": "Quantas parcelas ainda não foram pagas.",
    "parcelas_vencidas": "Quantas parcelas vencidas não foram pagas.",
    "rateio_inclui_excluidas": "No encerramento, o saldo dos fundos é rateado também com as cotas excluídas "
    "(proporcional ao que pagaram); falso = só com as ativas.",
    "cotas_ativas": "Quantidade de cotas ativas.",
    "cotas_contempladas": "Quantidade de cotas contempladas.",
    "cotas_inadimplentes": "Quantidade de cotas inadimplentes.",
    "grupos_em_andamento": "Quantidade de grupos em andamento.",
    "versao_atual": "Número da versão atual do documento.",
    "destinatario": "E-mail do destinatário.",
    "categoria": "Categoria (valores listados no esquema).",
    "aprovada": "Verdadeiro para aprovar; falso para reprovar.",
    "seguro_modo": "Como o seguro é calculado (valores listados no esquema).",
    "parcelas_para_exclusao": "Parcelas consecutivas em atraso a partir das quais uma cota não contemplada "
    "é excluída na exclusão automática.",
    "parcelas_consecutivas": "Parcelas consecutivas em atraso da cota.",
}

#: One schema's field whose name means something else elsewhere (``"Esquema.campo"``, the
#: component's name as the document shows it); checked before the names above.
GLOSSARIO.update(
    {
        # crédito: cartas, bem, garantias, pagamentos ao vendedor
        "ApropriacaoOut.periodos": (
            "Quantos períodos (meses) de rendimento do grupo foram repartidos entre as cartas."
        ),
        "BemIn.destino_diferenca": (
            "Bem mais barato que o crédito: destino da diferença — despesas (documentação, impostos, seguro"
            " do bem, até o limite do contrato), amortizacao (paga parcelas da cota) ou devolucao (ao"
            " consorciado, com o saldo devedor quitado). Omita quando o bem custa o crédito ou mais."
        ),
        "BemOut.destino_diferenca": (
            "Destino da diferença quando o bem custa menos que o crédito: despesas, amortizacao ou devolucao;"
            " nulo quando não há diferença."
        ),
        "BemOut.documento_fiscal": "Número da nota fiscal ou do documento de venda do bem.",
        "CartaDetalheOut.bem": "O bem indicado pelo consorciado; nulo enquanto nenhum foi indicado.",
        "CartaDetalheOut.documentos_faltando": (
            "Tipos de documento obrigatórios da análise de crédito ainda não enviados (identidade, renda,"
            " residencia); vazio quando a análise pode seguir."
        ),
        "CoberturaOut.suficiente": (
            "Verdadeiro quando as garantias cobrem todo o saldo devedor da cota (falta = 0)."
        ),
        "GarantiaIn.registro": (
            "Dados de registro da garantia (texto por chave): alienação fiduciária de veículo {renavam"
            " (11 dígitos), chassi (17), placa}; de imóvel {matricula, cartorio}; fiador {nome, cpf,"
            " renda_mensal}; outra: livre."
        ),
        "GarantiaOut.registro": (
            "Dados de registro da garantia como informados (renavam/chassi/placa, matricula/cartorio,"
            " nome/cpf/renda_mensal...)."
        ),
        "PagamentoCreditoOut.ocorrencias": (
            "Códigos de ocorrência do banco no retorno CNAB 240 de pagamentos (até 5, de 2 caracteres;"
            " ex.: 00 = crédito efetuado); nulo enquanto não há retorno."
        ),
        "TransicaoOut.de": "Situação da carta antes da transição; nula na abertura da carta.",
        "TransicaoOut.acao": "O que causou a transição (ex.: abertura, pagamento_confirmado, cancelar).",
        "credito_saidas_RemessaOut.arquivo": (
            "Caminho da API para baixar o arquivo CNAB 240 de pagamentos (GET)."
        ),
        "RetornoIn.conteudo": (
            "Conteúdo do arquivo retorno CNAB 240 de pagamentos, em texto (linhas de 240 posições)."
        ),
        "RetornoItemOut.ocorrencias": (
            "Códigos de ocorrência do banco para este pagamento (CNAB 240, até 5, de 2 caracteres;"
            " ex.: 00 = crédito efetuado)."
        ),
        "credito_saidas_RetornoOut.efetivados": "Quantos pagamentos do arquivo o banco efetivou.",
        "credito_saidas_RetornoOut.rejeitados": "Quantos pagamentos do arquivo o banco rejeitou.",
        # cobrança
        "DiaCobrancaOut.emitidos": "Quantidade de títulos emitidos no dia.",
        "DiaCobrancaOut.registrados": "Quantidade de títulos que o banco confirmou como registrados no dia.",
        "DiaCobrancaOut.liquidados": "Quantidade de títulos pagos (liquidados) no dia.",
        "DiaCobrancaOut.rejeitados": "Quantidade de títulos que o banco rejeitou no dia.",
        "DiaCobrancaOut.a_identificar": (
            "Quantidade de créditos recebidos no dia sem título ou cota identificados."
        ),
        "OcorrenciaOut.linha": "Número da linha do arquivo retorno (1 = primeira).",
        "OcorrenciaOut.codigo_movimento": (
            "Código de movimento do retorno CNAB 240 (2 dígitos; ex.: 02 entrada confirmada, 03 rejeitada,"
            " 06 ou 17 liquidação, 09 baixa, 28 tarifa)."
        ),
        "OcorrenciaOut.motivos": (
            "Códigos de motivo da ocorrência como o banco os enviou (pares de caracteres concatenados)."
        ),
        "TituloOut.linha_formatada": "Linha digitável com pontos e espaços, como impressa no boleto.",
        "ValorAIdentificarOut.detalhe": (
            "Explicação de por que o valor não foi aplicado automaticamente; nulo sem detalhe."
        ),
        "WebhookPixIn.pix": (
            "Os PIX recebidos, como o PSP os notifica (API Pix do BCB); até 1000 por chamada."
        ),
        "cobranca_schemas_RetornoOut.erro_linha": (
            "Linha do arquivo em que a importação parou por erro; nula sem erro."
        ),
        "cobranca_schemas_RetornoOut.erro_motivo": "Motivo do erro de importação (texto); nulo sem erro.",
        "cobranca_schemas_RetornoOut.ocorrencias": (
            "Quantidade de ocorrências (linhas de detalhe) lidas do arquivo."
        ),
        # documentos, contrato, e-mail, webhooks
        "Clausula.titulo": "Título da cláusula adicional (até 120 caracteres).",
        "Clausula.texto": (
            "Texto da cláusula adicional, impresso após as cláusulas obrigatórias (até 4000 caracteres)."
        ),
        "ComunicadoIn.paragrafos": (
            "Parágrafos do comunicado em texto simples, na ordem (1 a 50, até 5000 caracteres cada)."
        ),
        "ConfiguracaoIO.responder_para": "E-mail que recebe as respostas (Reply-To); nulo = o do remetente.",
        "ConfiguracaoIO.emails_consorciados": (
            "Verdadeiro para enviar e-mails aos consorciados (avisos de vencimento, comunicados);"
            " falso suspende esses envios."
        ),
        "documentos_schemas_DocumentoOut.titulo": "Título do documento, como exibido nas listas.",
        "EntregaDetalheOut.log": "Cada tentativa de entrega, na ordem: quando, status HTTP, erro e duração.",
        # grupos, parcelas, pagamentos, assembleias
        "PlanoOut.primeira_parcela": (
            "Primeira parcela por componente (fundo_comum, taxa_administracao, taxa_antecipada,"
            " fundo_reserva, seguro, total): valor em reais e percentual do valor do crédito."
        ),
        "Reconciliacao.lancamentos_fundo_comum": (
            f"Soma dos lançamentos do razão no fundo comum, em reais ({_DINHEIRO})."
        ),
        "Reconciliacao.lancamentos_fundo_reserva": (
            f"Soma dos lançamentos do razão no fundo de reserva, em reais ({_DINHEIRO})."
        ),
        "Reconciliacao.alocado_fundo_comum": (
            f"Parte dos pagamentos confirmados alocada ao fundo comum, em reais ({_DINHEIRO})."
        ),
        "Reconciliacao.alocado_fundo_reserva": (
            f"Parte dos pagamentos confirmados alocada ao fundo de reserva, em reais ({_DINHEIRO})."
        ),
        "Reconciliacao.outros_fundo_comum": (
            "Lançamentos do razão no fundo comum que não vêm de pagamentos (os lançamentos menos a parte"
            f" vinda de pagamentos), em reais ({_DINHEIRO})."
        ),
        "Reconciliacao.outros_fundo_reserva": (
            "Lançamentos do razão no fundo de reserva que não vêm de pagamentos (os lançamentos menos a"
            f" parte vinda de pagamentos), em reais ({_DINHEIRO})."
        ),
        "Reconciliacao.taxa_administracao_recebida": (
            f"Taxa de administração recebida no razão, em reais ({_DINHEIRO})."
        ),
        "Reconciliacao.seguro_recebido": f"Seguro recebido no razão, em reais ({_DINHEIRO}).",
        "SaldoCotaOut.encargos": (
            "Encargos de atraso (multa e juros de mora) até a data: total menos principal,"
            f" em reais ({_DINHEIRO})."
        ),
        "InadimplenteOut.principal_vencido": (
            f"Soma das parcelas vencidas sem multa e juros, em reais ({_DINHEIRO})."
        ),
        "PagamentoOut.alocacoes": (
            "Como o pagamento foi aplicado: por parcela, os valores para fundo comum, fundo de reserva,"
            " taxa de administração, seguro, multa e juros."
        ),
        "PagamentoLanceOut.amortizacao": (
            "Como o lance amortizou as parcelas restantes (regra do contrato): reduzir_prazo (quita as"
            " últimas) ou reduzir_parcela (reduz todas)."
        ),
        "ExclusaoAutomaticaOut.excluidas": "Identificadores das cotas excluídas por esta execução.",
        "EncerramentoOut.fora_do_prazo": (
            "Verdadeiro quando o encerramento passou do prazo do art. 32 (120 dias após a última AGO)."
        ),
        "encerramento_schemas_ConciliacaoOut.cotas_conciliadas": (
            "Verdadeiro quando a soma dos saldos das cotas bate com os saldos dos fundos do grupo."
        ),
        # painel e relatórios
        "PainelOut.meses": "Os últimos seis meses, o atual incluído: previsto e arrecadado em cada um.",
        "relatorios_schemas_RelatorioOut.parametros": (
            "Os parâmetros com que o relatório foi pedido (filtros, período)."
        ),
        "relatorios_schemas_RelatorioOut.progresso": "Andamento da geração, em % (0 a 100).",
        "relatorios_schemas_RelatorioOut.linhas": "Quantidade de linhas geradas no relatório até agora.",
    }
)


def _txt(m: re.Match[str], grupo: int = 1) -> str:
    return m.group(grupo).replace("_", " ")


REGRAS: tuple[NamingRule, ...] = (
    (re.compile(r"(.+)_ids"), lambda m: f"Identificadores (UUID) de {_txt(m)}."),
    (re.compile(r"(.+)_id"), lambda m: f"Identificador (UUID) de {_txt(m)}."),
    (
        re.compile(r"(.+)_por"),
        lambda m: f"Quem ({_txt(m)} por): identificador do usuário ou do cliente de API.",
    ),
    (re.compile(r"(.+)_em"), lambda m: f"Quando: {_txt(m)} em ({_DATA_HORA})."),
    (re.compile(r"data_(.+)"), lambda m: f"Data de {_txt(m)} (AAAA-MM-DD)."),
    (re.compile(r"(?:valor|saldo|total)_(.+)"), lambda m: f"{_txt(m).capitalize()}, em reais ({_DINHEIRO})."),
    (re.compile(r"(.+)_(?:pct|percentual)"), lambda m: f"{_txt(m).capitalize()}, em % ({_PERCENTUAL})."),
    (re.compile(r"percentual_(.+)"), lambda m: f"Percentual {_txt(m)} ({_PERCENTUAL})."),
    (re.compile(r"(.+)_nome"), lambda m: f"Nome de {_txt(m)}."),
    (re.compile(r"(.+)_documento"), lambda m: f"CPF ou CNPJ de {_txt(m)}, só dígitos."),
    (re.compile(r"(.+)_email"), lambda m: f"E-mail de {_txt(m)}."),
    (re.compile(r"(.+)_url"), lambda m: f"Endereço (URL) de {_txt(m)}."),
    (re.compile(r"(.+)_codigo"), lambda m: f"Código de {_txt(m)}."),
    (
        re.compile(r"dias_(.+)|(.+)_dias"),
        lambda m: f"Número de dias ({(m.group(1) or m.group(2)).replace('_', ' ')}).",
    ),
    (re.compile(r"motivo_(.+)"), lambda m: f"Motivo de {_txt(m)} (texto)."),
    (re.compile(r"(?:ultimo|ultima)_(.+)"), lambda m: f"Último registro de {_txt(m)}."),
    (re.compile(r"(?:proximo|proxima|proximas|proximos)_(.+)"), lambda m: f"Próximo(s): {_txt(m)}."),
)

#: Examples of decimal fields by name (money with 2 places, percentages with 4).
EXEMPLOS_DECIMAIS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r".*(_pct|percentual.*)"), "12.5000"),
    (
        re.compile(r"(valor|saldo|total|principal|multa|juros|encargos|fundo_comum|fundo_reserva|seguro).*"),
        "1500.00",
    ),
)
