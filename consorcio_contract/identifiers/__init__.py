"""Brazilian identifiers (CPF, CNPJ): pure validation, shared by every component.

The tenant app validates consorciados' CPF/CNPJ, the control plane and the
operator the administradora's CNPJ: one rule for all three.
"""

from consorcio_contract.identifiers.cnpj import format_cnpj, is_valid_cnpj, normalize_cnpj
from consorcio_contract.identifiers.cpf import format_cpf, is_valid_cpf, normalize_cpf

__all__ = [
    "format_cnpj",
    "format_cpf",
    "is_valid_cnpj",
    "is_valid_cpf",
    "normalize_cnpj",
    "normalize_cpf",
]
