"""Brazilian identifiers (CPF, CNPJ): pure validation, shared by every component."""

from tenant_app.identifiers.cnpj import format_cnpj, is_valid_cnpj, normalize_cnpj
from tenant_app.identifiers.cpf import format_cpf, is_valid_cpf, normalize_cpf

__all__ = [
    "format_cnpj",
    "format_cpf",
    "is_valid_cnpj",
    "is_valid_cpf",
    "normalize_cnpj",
    "normalize_cpf",
]
