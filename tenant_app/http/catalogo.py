"""The catalogue of problem ``type``s: every ``code`` the tenant app answers with, documented.

A problem's ``type`` is ``<app base URL>/problemas/<code>``; the app serves a
Portuguese page for each at that address (``tenant_app/problemas``), and
``GET /problemas`` lists them all. The codes are stable: clients may switch on
them. A test fails when the code raises a ``code`` that is not listed here, or
one code with two statuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TipoProblema:
    """One problem type: its HTTP status, a short title and what the client should do."""

    status: int
    titulo: str
    descricao: str


_T = TipoProblema

CATALOGO: dict[str, TipoProblema] = {
    # 400: the request cannot be read as sent.
    "dados_invalidos": _T(
        400,
        "Requisição inválida",
        "O corpo, um parâmetro ou um cabeçalho não segue o formato documentado (JSON malformado, tipo "
        "errado, campo obrigatório ausente, valor fora do esquema, data em formato errado). Todos os "
        "campos com problema vêm juntos em `errors`, cada um com `campo` (o caminho como foi enviado, "
        "ex.: `premios[2]`, `data`) e `mensagem`. Corrija e reenvie.",
    ),
    "codigo_invalido": _T(
        400,
        "Código de verificação inválido",
        "O código de 6 dígitos do aplicativo autenticador está errado, expirou ou já foi usado. "
        "Use o código atual; tentativas erradas contam para o bloqueio da conta.",
    ),
    "idempotency_key": _T(
        400,
        "Idempotency-Key malformada",
        "O cabeçalho Idempotency-Key deve ter de 8 a 200 caracteres ASCII visíveis (ex.: um UUID).",
    ),
    # 401 / 403 / 423: identity.
    "nao_autenticado": _T(
        401,
        "Não autenticado",
        "Falta o cabeçalho `Authorization: Bearer <token>`, ou o token expirou ou é inválido. "
        "Obtenha um token em `POST /api/auth/login` ou renove-o em `POST /api/auth/refresh`.",
    ),
    "credenciais_invalidas": _T(
        401, "Credenciais inválidas", "E-mail ou senha incorretos, ou token inválido."
    ),
    "acesso_negado": _T(
        403,
        "Acesso negado",
        "O perfil do usuário não permite esta operação (a tabela de perfis e permissões está no README).",
    ),
    "funcionalidade_desativada": _T(
        403,
        "Funcionalidade desativada",
        "A funcionalidade não faz parte do plano contratado ou está desligada.",
    ),
    "conta_bloqueada": _T(
        423,
        "Conta bloqueada",
        "Códigos de verificação (TOTP) errados demais depois da senha certa: a segunda etapa fica "
        "bloqueada por alguns minutos (ou até um administrador desbloquear). Senhas erradas não "
        "bloqueiam a conta: atrasam as próximas tentativas (`muitas_tentativas`).",
    ),
    # 404 / 405.
    "nao_encontrado": _T(
        404, "Recurso não encontrado", "O identificador ou o endereço não existe neste tenant."
    ),
    "metodo_nao_permitido": _T(
        405, "Método não permitido", "O endereço existe, mas não aceita este método HTTP."
    ),
    # 409: the state of the data does not allow the action now.
    "conflito": _T(409, "Conflito", "A operação conflita com dados existentes (ex.: duplicidade)."),
    "conflito_concorrencia": _T(
        409,
        "Conflito de concorrência",
        "Outra operação mexia nos mesmos dados ao mesmo tempo; nada foi gravado. Repita (veja Retry-After).",
    ),
    "transicao_invalida": _T(
        409, "Transição de situação inválida", "O recurso não está na situação que a operação exige."
    ),
    "assembleia_duplicada": _T(409, "Assembleia duplicada", "O grupo já tem uma assembleia com este número."),
    "assembleia_apurada": _T(409, "Assembleia já apurada", "A apuração desta assembleia já foi feita."),
    "apuracao_em_andamento": _T(
        409, "Apuração em andamento", "Outra apuração do mesmo grupo está em curso; tente em instantes."
    ),
    "regras_fixadas": _T(
        409, "Regras fixadas", "O grupo já tem assembleia apurada: as regras de assembleia não mudam mais."
    ),
    "lances_sigilosos": _T(
        409,
        "Lances sigilosos",
        "Os percentuais dos lances só podem ser vistos depois da apuração da assembleia.",
    ),
    "lances_fechados": _T(409, "Lances fechados", "A assembleia não está recebendo lances."),
    "lances_abertos": _T(
        409, "Lances abertos", "A assembleia ainda recebe lances: aguarde o corte para apurar."
    ),
    "lance_duplicado": _T(
        409,
        "Lance duplicado",
        "A cota já tem um lance ativo nesta assembleia; cancele-o para registrar outro.",
    ),
    "lance_cancelado": _T(409, "Lance cancelado", "O lance já foi cancelado."),
    "lance_ja_pago": _T(409, "Lance já pago", "O lance desta contemplação já foi pago."),
    "prazo_lance_vencido": _T(
        409,
        "Prazo do lance vencido",
        "O prazo para pagar o lance terminou; a contemplação será desclassificada.",
    ),
    "assembleia_cancelada": _T(409, "Assembleia cancelada", "A assembleia foi cancelada."),
    "ja_estornado": _T(409, "Pagamento já estornado", "O pagamento já foi estornado."),
    "estorno_bloqueado": _T(
        409, "Estorno bloqueado", "O pagamento não pode ser estornado no estado atual (veja `detail`)."
    ),
    "parcelas_insuficientes": _T(
        409, "Parcelas insuficientes", "A cota não tem parcelas a vencer bastantes para o valor informado."
    ),
    "codigo_duplicado": _T(409, "Código duplicado", "Já existe um grupo com este código."),
    "documento_duplicado": _T(409, "Documento duplicado", "Já existe um consorciado com este CPF/CNPJ."),
    "email_duplicado": _T(409, "E-mail duplicado", "Já existe um usuário com este e-mail."),
    "idempotency_key_em_processamento": _T(
        409,
        "Requisição em processamento",
        "Uma requisição com esta Idempotency-Key ainda está sendo processada; repita em instantes.",
    ),
    # 422: well-formed, but a legal or contract rule forbids it.
    "regra_violada": _T(
        422,
        "Regra de negócio violada",
        "Um valor ou a operação fere uma regra legal ou do contrato; `errors` aponta os campos e o limite.",
    ),
    "valores_invalidos": _T(
        422,
        "Valores inválidos",
        "Valores monetários usam até 2 casas decimais e percentuais até 4, dentro dos limites documentados.",
    ),
    "valor_invalido": _T(422, "Valor fora dos limites", "Um valor excede o que o banco de dados aceita."),
    "valor_excedente": _T(422, "Valor excedente", "O valor passa do que a cota ainda deve."),
    "valor_lance_invalido": _T(
        422, "Valor do lance inválido", "O valor pago não é o valor do lance a pagar."
    ),
    "prazo_encerrado": _T(422, "Prazo encerrado", "O prazo (corte de lances) já terminou."),
    "cota_inelegivel": _T(
        422, "Cota inelegível", "A cota não pode participar (excluída, contemplada ou com parcela vencida)."
    ),
    "cota_inativa": _T(422, "Cota inativa", "A operação exige uma cota ativa."),
    "cota_ativa": _T(422, "Cota ativa", "A operação exige uma cota excluída."),
    "cota_contemplada": _T(
        422, "Cota contemplada", "Uma cota contemplada não pode ser excluída nem cedida assim."
    ),
    "consorciado_inexistente": _T(422, "Consorciado inexistente", "O consorciado informado não existe."),
    "grupo_completo": _T(422, "Grupo completo", "Todas as cotas do grupo já foram vendidas."),
    "grupo_encerrado": _T(422, "Grupo encerrado", "O grupo está encerrado."),
    "grupo_nao_iniciado": _T(422, "Grupo não iniciado", "O grupo ainda está em formação."),
    "encerramento": _T(
        422,
        "Encerramento não permitido",
        "O grupo só encerra depois da última assembleia (nenhuma agendada ou recebendo lances) e com "
        "todas as cotas ativas contempladas (Lei 11.795 arts. 31–32). Parcelas em aberto não impedem: "
        "viram valores pendentes de recebimento no demonstrativo.",
    ),
    "encerramento_sem_comunicacao": _T(
        422,
        "Encerramento sem comunicação",
        "Antes de encerrar, registre a comunicação aos consorciados (Lei 11.795 art. 31) em "
        "`POST /api/grupos/{id}/encerramento/comunicacao`.",
    ),
    "encerramento_prazo": _T(
        422,
        "Prazo do encerramento",
        "O encerramento só pode ocorrer 30 dias depois da comunicação aos consorciados (Lei 11.795 art. 32); "
        "a mensagem diz a data a partir da qual é possível.",
    ),
    "encerramento_saldo_insuficiente": _T(
        422,
        "Fundos insuficientes para encerrar",
        "O fundo comum e o fundo de reserva não pagam as restituições devidas às cotas excluídas; o grupo "
        "não pode encerrar devendo a alguém (Lei 11.795 arts. 30 e 32). A mensagem traz os valores.",
    ),
    "rendimento_periodo_sobreposto": _T(
        422,
        "Período de rendimento já lançado",
        "Já há rendimento lançado para parte deste período do grupo; cada dia rende uma vez só.",
    ),
    "sem_cotas": _T(422, "Grupo sem cotas", "O grupo não tem cotas vendidas."),
    "sem_parcelas": _T(422, "Sem parcelas", "Não há parcelas a que a operação se aplique."),
    "lance_pago": _T(
        422, "Lance pago", "A cota já pagou o lance; a contemplação não pode ser desclassificada."
    ),
    "nao_contemplada_por_lance": _T(
        422, "Não contemplada por lance", "A cota não foi contemplada por lance nesta assembleia."
    ),
    "datas_invalidas": _T(
        422,
        "Datas inválidas",
        "O corte de lances deve ser antes da data da assembleia e no futuro; o início do grupo não pode "
        "preceder a adesão de suas cotas.",
    ),
    "idempotency_key_reutilizada": _T(
        422, "Idempotency-Key reutilizada", "Esta Idempotency-Key já foi usada com outra requisição."
    ),
    # Cobrança (boletos, PIX, retornos).
    "conta_cobranca_existente": _T(
        409,
        "Conta de cobrança já configurada",
        "O grupo (ou a administradora, na conta padrão) já tem conta de cobrança; altere-a com PATCH.",
    ),
    "titulo_ativo": _T(
        409,
        "Parcela com título ativo",
        "A parcela já tem título emitido ou registrado com outro vencimento; use a reemissão do título.",
    ),
    "titulo_inativo": _T(
        409,
        "Título inativo",
        "O título está liquidado, baixado ou rejeitado; só um título emitido ou registrado pode ser pago. "
        "Use o título ativo da parcela.",
    ),
    "titulo_desatualizado": _T(
        409,
        "Título desatualizado",
        "A parcela recebeu um pagamento depois da emissão e hoje deve menos que o título; reemita o título "
        "para cobrar o valor atualizado.",
    ),
    "conta_cobranca_invalida": _T(
        422,
        "Dados bancários inválidos",
        "Agência, conta, convênio ou carteira não seguem o leiaute do banco; "
        "`errors` diz o campo e o motivo.",
    ),
    "chave_pix_invalida": _T(
        422,
        "Chave Pix inválida",
        "A chave Pix não está em nenhuma das formas do DICT: CPF (11 dígitos) ou CNPJ (14 caracteres) com "
        "dígitos verificadores corretos, e-mail (até 77 caracteres), telefone +55DDNNNNNNNNN ou chave "
        "aleatória (UUID). `errors` aponta o campo `chave_pix`.",
    ),
    "periodo_invalido": _T(
        422,
        "Período inválido",
        "`ate` deve ser igual ou posterior a `desde`, num período de até o número de dias dito em `detail`.",
    ),
    "conta_cobranca_ausente": _T(
        422,
        "Sem conta de cobrança",
        "Configure a conta de cobrança do grupo ou a padrão da administradora (POST /api/cobranca/contas).",
    ),
    "modelo_email_invalido": _T(
        422,
        "Modelo de e-mail inválido",
        "O texto usa um {campo} que este e-mail não tem, ou uma chave sem par; `errors` aponta o "
        "assunto ou o parágrafo e lista os campos disponíveis. Para escrever uma chave, use {{ ou }}.",
    ),
    "data_futura": _T(
        422,
        "Data futura",
        "A operação é feita para hoje ou um dia passado: numa data futura, parcelas ainda não vencidas "
        "contariam como atrasadas.",
    ),
    "parcela_paga": _T(422, "Parcela paga", "A parcela já está paga; não há o que cobrar."),
    "vencimento_passado": _T(
        422, "Vencimento no passado", "O vencimento de um título deve ser hoje ou uma data futura."
    ),
    "boleto_invalido": _T(
        422,
        "Boleto impossível",
        "O boleto não pôde ser montado com estes dados (ex.: valor fora do "
        "limite, número esgotado na carteira).",
    ),
    "retorno_invalido": _T(
        422,
        "Arquivo de retorno rejeitado",
        "O arquivo de retorno não segue o leiaute CNAB 240 (linha e motivo em "
        "`errors`) ou não é de uma conta "
        "configurada. Nada foi aplicado; o arquivo foi guardado para "
        "conferência (GET /api/cobranca/retornos).",
    ),
    "remessa_vazia": _T(
        422, "Remessa vazia", "Não há títulos emitidos nem baixas a enviar ao banco nesta conta."
    ),
    "remessa_invalida": _T(
        422,
        "Remessa impossível",
        "Um título ou o pagador não cabe no leiaute CNAB 240 (ex.: pagador sem "
        "CPF/CNPJ ou CEP); a mensagem diz qual.",
    ),
    "sem_titulos": _T(
        422, "Sem títulos", "A cota não tem títulos emitidos; emita o carnê antes de imprimi-lo."
    ),
    "psp_nao_configurado": _T(
        422,
        "PSP não configurado",
        "A conta de cobrança não tem PSP (psp, psp_url, psp_client_id e chave_pix), o segredo do PSP não "
        "está no Vault (PUT /api/cobranca/contas/{id}/psp-segredo) ou, para o PIX para pagar hoje, o webhook "
        "PIX não está registrado no PSP (PUT /api/cobranca/contas/{id}/webhook-pix/psp). Sem PSP, a "
        "reemissão do título com vencimento hoje dá boleto e PIX com multa e juros até hoje.",
    ),
    "psp_recusou": _T(
        422,
        "PSP recusou",
        "O PSP recusou a operação da API Pix; o motivo que ele deu vem em `detail`. Nada foi alterado aqui.",
    ),
    "psp_indisponivel": _T(
        503,
        "PSP indisponível",
        "O PSP não respondeu ou falhou (5xx); nada foi alterado. Tente de novo mais tarde.",
    ),
    "cofre_indisponivel": _T(
        503,
        "Vault indisponível",
        "O cofre de segredos do tenant (Vault) não respondeu ou não está configurado; nada foi gravado.",
    ),
    # end cobrança
    # 413 / 415: uploads.
    "arquivo_grande_demais": _T(
        413,
        "Arquivo grande demais",
        "O arquivo (ou o corpo da requisição) passa do limite de tamanho informado em `detail`. "
        "Envie um arquivo menor.",
    ),
    "tipo_arquivo_nao_suportado": _T(
        415,
        "Tipo de arquivo não suportado",
        "O conteúdo do arquivo não é PDF, JPEG nem PNG (o tipo é verificado pelo conteúdo, não pelo nome "
        "nem pelo Content-Type). Converta o arquivo e envie de novo.",
    ),
    "documento_apagado": _T(
        409,
        "Documento apagado",
        "O conteúdo do documento foi apagado na anonimização do titular (LGPD art. 18): não há o que "
        "baixar e ele não recebe novas versões. Os metadados e os hashes continuam no histórico.",
    ),
    "titular_anonimizado": _T(
        422,
        "Titular anonimizado",
        "O consorciado foi anonimizado (LGPD): não se guardam novos documentos pessoais dele nem se geram "
        "contratos com os dados dele.",
    ),
    "modelo_contrato_ausente": _T(
        422,
        "Modelo de contrato não cadastrado",
        "Cadastre o modelo de contrato do tenant (dados da administradora, autorização do BCB, foro) em "
        "`POST /api/contratos/modelos` antes de gerar contratos de adesão.",
    ),
    "parametros_relatorio": _T(
        422,
        "Parâmetros do relatório inválidos",
        "Um parâmetro não é usado pelo tipo de relatório pedido, falta um obrigatório (ex.: `desde`/`ate` na "
        "arrecadação, `mes` no Doc 2080) ou o formato não vale para o tipo; `errors` traz cada campo.",
    ),
    "relatorio_grande_demais": _T(
        422,
        "Relatório grande demais para PDF",
        "O PDF é para leitura e tem limite de linhas; peça o mesmo relatório em CSV ou XLSX.",
    ),
    "relatorio_nao_pronto": _T(
        409,
        "Relatório ainda não está pronto",
        "O relatório está pendente, sendo gerado ou falhou; acompanhe `GET /api/relatorios/{id}` e baixe "
        "quando `status` for `pronto`.",
    ),
    # 428: a required precondition header is missing.
    "precondicao_exigida": _T(428, "Precondição exigida", "Falta um cabeçalho que a operação exige."),
    "idempotency_key_obrigatoria": _T(
        428,
        "Idempotency-Key obrigatória",
        "Operações que movimentam dinheiro ou não podem ser desfeitas exigem o cabeçalho Idempotency-Key "
        "(um valor novo por operação; repita o mesmo só ao reenviar a mesma operação).",
    ),
    # 429 / 5xx.
    "muitas_requisicoes": _T(
        429,
        "Muitas requisições",
        "Limite de requisições por minuto atingido; aguarde o tempo de Retry-After.",
    ),
    "muitas_tentativas": _T(
        429,
        "Muitas tentativas de login",
        "Logins errados demais para esta conta ou deste endereço: cada nova tentativa espera "
        "mais (até o tempo de Retry-After). Ninguém bloqueia a conta de outra pessoa; um "
        "administrador pode liberá-la antes (`POST /api/usuarios/{id}/desbloqueio`).",
    ),
    "segundo_fator_necessario": _T(
        401,
        "Código de verificação necessário",
        "A conta tem a verificação em duas etapas ativa: envie também `codigo`, o código de 6 "
        "dígitos do aplicativo autenticador.",
    ),
    "erro_interno": _T(500, "Erro interno", "Erro inesperado; informe o `request_id` ao suporte."),
    "indisponivel": _T(
        503, "Serviço indisponível", "Uma dependência está fora do ar; nada foi feito. Repita."
    ),
    "armazenamento_indisponivel": _T(
        503,
        "Armazenamento de arquivos indisponível",
        "O armazenamento de arquivos do tenant não respondeu ou não está configurado; nada foi gravado. "
        "Repita mais tarde.",
    ),
    # Notificações (webhooks, e-mail).
    "url_proibida": _T(
        422,
        "URL de webhook não permitida",
        "A URL do endpoint deve usar https:// e apontar para um endereço público (nada de rede privada, "
        "loopback ou link-local); o nome precisa resolver no DNS. Corrija a URL.",
    ),
    "entrega_pendente": _T(
        409,
        "Entrega ainda pendente",
        "A entrega ainda está no cronograma de tentativas; só entregas concluídas ou com falha podem ser "
        "reenviadas.",
    ),
    "endpoint_inativo": _T(
        409,
        "Endpoint desativado",
        "O endpoint está desativado (por falhas persistentes ou pelo usuário). Reative-o (PATCH com "
        "ativo=true) antes de reenviar entregas.",
    ),
    "banco_indisponivel": _T(
        503,
        "Banco de dados indisponível",
        "O banco de dados do tenant não respondeu (reinício, falha de rede); nada foi gravado. "
        "Repita em instantes: o serviço se recupera sozinho quando o banco volta.",
    ),
    "trava_indisponivel": _T(
        503,
        "Travas indisponíveis",
        "O serviço de travas (Redis) não respondeu; por segurança nada foi feito.",
    ),
    # --- crédito (issue 16): cartas de crédito, análise, garantias, pagamentos, arquivos bancários.
    "lance_nao_pago": _T(
        422,
        "Lance não pago",
        "A carta de crédito de uma contemplação por lance só fica disponível depois que o lance é pago.",
    ),
    "documentos_faltando": _T(
        422,
        "Documentos da análise faltando",
        "A análise de crédito só é aprovada com identidade, comprovantes de renda e de residência.",
    ),
    "garantia_insuficiente": _T(
        422,
        "Garantia insuficiente",
        "As garantias não cobrem o saldo devedor da cota (Lei 11.795/2008 art. 14 §§4-5); a mensagem diz "
        "quanto falta.",
    ),
    "garantia_sobre_o_bem": _T(
        422,
        "Garantia deve recair sobre o bem",
        "Veículo ou imóvel: a garantia inicial é a alienação fiduciária do próprio bem (Lei 11.795/2008 "
        "art. 14 §1).",
    ),
    "documento_invalido": _T(
        422, "CPF/CNPJ inválido", "O CPF ou CNPJ informado não confere com os dígitos verificadores."
    ),
    "destino_diferenca_obrigatorio": _T(
        422,
        "Destino da diferença obrigatório",
        "O bem custa menos que o crédito: informe se a diferença paga despesas, amortiza parcelas ou é "
        "devolvida.",
    ),
    "destino_invalido": _T(
        422,
        "Destino de pagamento inválido",
        "O destino não combina com o status da carta ou com o bem indicado.",
    ),
    "valor_acima_do_credito": _T(
        422,
        "Valor acima do crédito",
        "O pagamento excede o saldo livre da carta (saldo menos pagamentos aguardando o banco).",
    ),
    "valor_acima_do_bem": _T(
        422,
        "Valor acima do preço do bem",
        "Ao vendedor cabe o preço do bem até o crédito; o que passar o consorciado paga fora do grupo.",
    ),
    "valor_acima_da_diferenca": _T(
        422,
        "Valor acima da diferença",
        "O valor passa da diferença entre o crédito e o bem (mais os rendimentos).",
    ),
    "despesas_acima_do_limite": _T(
        422, "Despesas acima do limite", "Despesas relacionadas ao bem usam até 10% do crédito."
    ),
    "devolucao_com_saldo_devedor": _T(
        422,
        "Devolução com saldo devedor",
        "A diferença só é devolvida ao consorciado com o saldo devedor quitado.",
    ),
    "favorecido_nao_e_o_vendedor": _T(
        422, "Favorecido não é o vendedor", "O pagamento do bem vai ao vendedor indicado com o bem."
    ),
    "favorecido_nao_e_o_consorciado": _T(
        422,
        "Favorecido não é o consorciado",
        "Crédito em espécie e devolução são pagos à conta do próprio consorciado.",
    ),
    "credito_em_uso": _T(
        422, "Crédito em uso", "Só um crédito não utilizado (sem bem indicado nem pagamento) vai em espécie."
    ),
    "especie_antes_do_prazo": _T(
        422,
        "Crédito em espécie antes de 180 dias",
        "O crédito em espécie exige 180 dias desde a contemplação (ou o encerramento do grupo).",
    ),
    "especie_com_saldo_devedor": _T(
        422,
        "Crédito em espécie com saldo devedor",
        "O crédito em espécie exige o saldo devedor da cota quitado.",
    ),
    "saldo_remanescente": _T(
        422,
        "Saldo remanescente na carta",
        "Ainda há crédito (rendimentos) na carta: use-o antes de encerrar.",
    ),
    "sem_pagamentos_pendentes": _T(
        422,
        "Sem pagamentos pendentes",
        "Não há pagamentos de carta de crédito pendentes nessa forma neste grupo.",
    ),
    "retorno_em_importacao": _T(
        409,
        "Retorno em importação",
        "O mesmo arquivo está sendo importado por outra requisição; repita em instantes.",
    ),
    "documento_da_analise_invalido": _T(
        422,
        "Documento da análise inválido",
        "O id indicado não é um documento do consorciado (ou da cota) no plano "
        "de documentos, ou foi apagado.",
    ),
}

#: The code of a problem raised without one (framework errors), by status.
CODIGO_DO_STATUS: dict[int, str] = {
    400: "dados_invalidos",
    401: "nao_autenticado",
    403: "acesso_negado",
    404: "nao_encontrado",
    405: "metodo_nao_permitido",
    409: "conflito",
    413: "arquivo_grande_demais",
    415: "tipo_arquivo_nao_suportado",
    422: "regra_violada",
    423: "conta_bloqueada",
    428: "precondicao_exigida",
    429: "muitas_requisicoes",
    500: "erro_interno",
    503: "indisponivel",
}

CAMINHO = "/problemas"


def tipo_uri(base_url: str, code: str) -> str:
    """The problem ``type``: the page the app serves for ``code``."""
    return f"{base_url.rstrip('/')}{CAMINHO}/{code}"


def base_do_escopo(scope: Mapping[str, Any], configurada: str | None) -> str:
    """The app's base URL for a raw ASGI scope (middleware answering before the router):
    APP_BASE_URL when configured, else the request's scheme and Host."""
    if configurada:
        return configurada
    headers = dict(scope.get("headers", []))
    host = headers.get(b"host", b"").decode("latin-1") or "localhost"
    return f"{scope.get('scheme', 'http')}://{host}"
