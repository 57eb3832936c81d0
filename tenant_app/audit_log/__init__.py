"""The write side of the audit trail: the append-only table, its hash chain, and what a unit of work records.

Below every feature: the unit of work appends to it; ``tenant_app.auditoria``
(the API) only reads and verifies it.
"""
