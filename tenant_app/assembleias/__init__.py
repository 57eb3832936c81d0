"""Assembleias: sorteio from the Loteria Federal, lances and contemplação.

Pure rules live in ``sorteio/`` (how the drawn numbers become cotas) and
``apuracao/`` (funds, lance ranking and the reproducible apuração); the
database, HTTP and lock code sit beside them in this folder.
"""
