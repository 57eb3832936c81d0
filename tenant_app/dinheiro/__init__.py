"""The money rules of the tenant app, pure (no I/O): every centavo is decided here.

- ``centavos``: rounding to the centavo, percentages of the credit, exact splits;
- ``encargos``: multa and juros de mora on an overdue parcela;
- ``alocacao``: a payment spread over a cota's open parcelas, oldest first;
- ``amortizacao``: a paid lance applied to the future parcelas.

Services load rows, call these functions, and write the result through the one
writer of a parcela's paid amounts (``tenant_app.parcelas.pagamento_parcela``).
"""
