"""Cobrança: the payment standards, pure and exact (no I/O).

* `pix` — the PIX BR Code (EMV merchant-presented QR, BCB's Manual de Padrões para Iniciação do Pix);
* `boleto` — fator de vencimento, código de barras and linha digitável (FEBRABAN), `montar_boleto`;
* `bancos` — campo livre and nosso número of each supported bank (BB, Itaú, Bradesco);
* `cnab240` — CNAB 240 (FEBRABAN layout 240 posições): cobrança (remessa P/Q/R, retorno T/U) and
  pagamentos (segments A/B, TED and PIX), with line-numbered errors.

Issuing, registering and settling (database, Vault, the money path) build on these.
"""
