"""Conversion from ORM rows to response Structs, and the two number shapes of the API.

Money is always a string with two decimals (``"80000.00"``) and a percentage a
string with four (``"5.0000"`` = 5 %), whatever the value's own scale (a typed-in
``"80000"``, a computed ``20000.1``): response fields declared ``Dinheiro`` or
``Percentual`` are brought to that scale by :func:`to_schema`.
"""

from __future__ import annotations

import functools
import typing
from decimal import Decimal
from types import UnionType
from typing import Annotated, Any, TypeVar

import msgspec

S = TypeVar("S", bound=msgspec.Struct)

Dinheiro = Annotated[
    Decimal,
    msgspec.Meta(
        description="Valor em R$: texto com exatamente 2 casas decimais.",
        examples=["1234.50"],
        extra={"casas": 2},
    ),
]
Percentual = Annotated[
    Decimal,
    msgspec.Meta(
        description="Percentual (5 = 5 %): texto com exatamente 4 casas decimais.",
        examples=["2.5000"],
        extra={"casas": 4},
    ),
]


def _casas_do_tipo(tipo: Any) -> int | None:
    origem = typing.get_origin(tipo)
    if origem is Annotated:
        for meta in typing.get_args(tipo)[1:]:
            if isinstance(meta, msgspec.Meta) and meta.extra and "casas" in meta.extra:
                return int(meta.extra["casas"])
        return _casas_do_tipo(typing.get_args(tipo)[0])
    if origem in (typing.Union, UnionType):
        for membro in typing.get_args(tipo):
            casas = _casas_do_tipo(membro)
            if casas is not None:
                return casas
    return None


@functools.cache
def _quantos(cls: type[msgspec.Struct]) -> dict[str, Decimal]:
    """Field -> the exponent its Decimal is brought to (only ``Dinheiro``/``Percentual`` fields)."""
    dicas = typing.get_type_hints(cls, include_extras=True)
    out = {}
    for nome in cls.__struct_fields__:
        casas = _casas_do_tipo(dicas.get(nome))
        if casas is not None:
            out[nome] = Decimal(1).scaleb(-casas)
    return out


def to_schema(cls: type[S], obj: Any, **overrides: Any) -> S:
    """Build ``cls`` from the same-named attributes of ``obj`` (plus overrides); money and
    percentages at their fixed scale."""
    # ``__struct_fields__`` is a plain tuple; ``msgspec.structs.fields`` would
    # re-evaluate the (string) annotations on every call.
    values = {name: getattr(obj, name) for name in cls.__struct_fields__ if name not in overrides}
    values.update(overrides)
    for nome, expoente in _quantos(cls).items():
        valor = values.get(nome)
        if isinstance(valor, Decimal) and valor.is_finite():
            values[nome] = valor.quantize(expoente)
    return cls(**values)
