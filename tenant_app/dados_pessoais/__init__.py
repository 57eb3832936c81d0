"""Personal data encrypted at rest with the tenant's own key (issue 20, item 8).

``cifra`` (pure: AES-256-GCM per column, blind indexes), ``tipo`` (the ``TextoCifrado`` column
type), ``indices`` (keeping the blind indexes in step), ``chaves`` (the process's keys: the data
key unwrapped by the tenant's Vault Transit key, ``transit``), ``backfill`` and ``inicio`` (what a
process does before it serves).
"""
