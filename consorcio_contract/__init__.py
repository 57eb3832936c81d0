"""What two deployed components must agree on, and nothing else.

``tenant_app``, ``tenant_operator`` and ``control_plane`` ship separately and
never import each other (import-linter contracts in ``pyproject.toml``); each
imports this package instead. It holds only pure definitions, with no I/O and
no dependency on any of the three:

* :mod:`.tenant_resource` — the ConsorcioTenant CRD identity, ``TenantSpec``,
  its validation and ``build_tenant_resource`` (control plane writes, operator reads);
* :mod:`.plans` — the plan catalogue (control plane bills, operator sizes);
* :mod:`.names` — labels and object names seen by more than one component;
* :mod:`.identifiers` — CPF and CNPJ rules;
* :mod:`.flag_rules` — flag-rule evaluation and the snapshot format
  (control plane resolves, tenant app evaluates);
* :mod:`.usage` — the usage-event schema (tenant app reports, control plane bills);
* :mod:`.schema_revision` — the tenant app's Alembic head the operator records.

A definition used by one component only belongs in that component.
"""
