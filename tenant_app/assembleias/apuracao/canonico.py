"""Canonical bytes of the apuração inputs and result, and the input hash.

Canonical JSON: UTF-8, keys sorted, no spaces, numbers that are money or
percentages written as normalised decimal strings ("10.5", never "10.50"
or "1.05E+1"), sets as sorted lists. The same inputs always give the same
bytes, so anyone holding the stored inputs can recompute the SHA-256 and
the result.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tenant_app.assembleias.apuracao.texto_decimal import decimal_texto
from tenant_app.assembleias.erros import ErroCampo, RegraViolada

if TYPE_CHECKING:
    from tenant_app.assembleias.apuracao.entrada import EntradaApuracao

#: Bump when the canonical form of the inputs changes meaning.
VERSAO_FORMATO = 1


@lru_cache(maxsize=64)
def _campos(tipo: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(tipo))


def para_json(obj: Any) -> Any:
    """Plain JSON-able structure of a dataclass tree, in canonical form."""
    if obj is None or (isinstance(obj, bool | int | str) and not isinstance(obj, Enum)):
        return obj
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, Decimal):
        return decimal_texto(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        # Fields added after format 1 are written only when they change the meaning (see
        # RegrasAssembleia.__canonico_desde_formato_1__): older stored inputs keep their bytes.
        omitir: Mapping[str, object] = getattr(type(obj), "__canonico_desde_formato_1__", {})
        campos = {}
        for nome in _campos(type(obj)):
            valor = getattr(obj, nome)
            if nome in omitir and valor == omitir[nome]:
                continue
            campos[nome] = para_json(valor)
        return campos
    if isinstance(obj, frozenset | set):
        return sorted(para_json(x) for x in obj)
    if isinstance(obj, Mapping):
        return {str(k): para_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [para_json(x) for x in obj]
    raise TypeError(f"sem forma canônica: {type(obj).__name__}")


def bytes_canonicos(estrutura: Any) -> bytes:
    """The one byte string a JSON-able structure serialises to."""
    return json.dumps(estrutura, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entrada_canonica(entrada: EntradaApuracao, *, normalizada: bool = False) -> bytes:
    """Canonical bytes of the inputs, order of cotas and lances normalised.

    ``normalizada=True`` skips normalising again an entrada that already went
    through ``EntradaApuracao.normalizada``.
    """
    corpo = para_json(entrada if normalizada else entrada.normalizada())
    corpo["versao_formato"] = VERSAO_FORMATO
    return bytes_canonicos(corpo)


def hash_entrada(entrada: EntradaApuracao, *, normalizada: bool = False) -> str:
    """SHA-256 (hex) over the canonical input bytes."""
    return hashlib.sha256(entrada_canonica(entrada, normalizada=normalizada)).hexdigest()


def resultado_canonico(resultado: Any) -> bytes:
    """Canonical bytes of a ``ResultadoApuracao``."""
    return bytes_canonicos(para_json(resultado))


def _dec(valor: Any, campo: str) -> Decimal:
    if not isinstance(valor, str):
        raise RegraViolada(ErroCampo(campo, "Valor decimal deve vir como texto."))
    try:
        d = Decimal(valor)
    except InvalidOperation:
        raise RegraViolada(ErroCampo(campo, f"Valor decimal inválido: {valor!r}.")) from None
    if not d.is_finite():
        raise RegraViolada(ErroCampo(campo, "Valor decimal deve ser finito."))
    return d


def entrada_de_json(dados: bytes | str | Mapping[str, Any]) -> EntradaApuracao:
    """Rebuild the inputs from their canonical JSON (the inverse of ``entrada_canonica``)."""
    from tenant_app.assembleias.apuracao.entrada import CotaAtiva, CotaExcluida, EntradaApuracao
    from tenant_app.assembleias.apuracao.lances import Lance
    from tenant_app.assembleias.apuracao.regras import (
        AmortizacaoLance,
        RegrasAssembleia,
        TipoLance,
    )
    from tenant_app.assembleias.sorteio.aproximacao import DirecaoAproximacao
    from tenant_app.assembleias.sorteio.extracao import ExtracaoLoteria
    from tenant_app.assembleias.sorteio.ordem import MetodoSorteio
    from tenant_app.dinheiro.amortizacao import LancePaga

    d: Mapping[str, Any] = json.loads(dados) if isinstance(dados, bytes | str) else dados
    if d.get("versao_formato") != VERSAO_FORMATO:
        raise RegraViolada(ErroCampo("versao_formato", f"Formato desconhecido: {d.get('versao_formato')!r}."))
    r = d["regras"]
    tabela = r["tabela_equivalencia"]
    fixo = r["lance_fixo_percentual"]
    regras = RegrasAssembleia(
        metodo_sorteio=MetodoSorteio(r["metodo_sorteio"]),
        zero_vale_mil=bool(r["zero_vale_mil"]),
        # Absent: the format-1 meaning (see RegrasAssembleia.__canonico_desde_formato_1__).
        zero_vale_maior_cota=bool(r.get("zero_vale_maior_cota", False)),
        aproximar_sem_candidato=bool(r.get("aproximar_sem_candidato", False)),
        tabela_equivalencia=None if tabela is None else {int(k): int(v) for k, v in tabela.items()},
        direcao_aproximacao=DirecaoAproximacao(r["direcao_aproximacao"]),
        contemplacoes_sorteio=int(r["contemplacoes_sorteio"]),
        sorteios_restituicao=int(r["sorteios_restituicao"]),
        tipos_lance=frozenset(TipoLance(t) for t in r["tipos_lance"]),
        lance_minimo_percentual=_dec(r["lance_minimo_percentual"], "regras.lance_minimo_percentual"),
        lance_fixo_percentual=None if fixo is None else _dec(fixo, "regras.lance_fixo_percentual"),
        embutido_maximo_percentual=_dec(r["embutido_maximo_percentual"], "regras.embutido_maximo_percentual"),
        contemplacoes_lance_maximo=r["contemplacoes_lance_maximo"],
        fundo_reserva_completa_sorteios=bool(r["fundo_reserva_completa_sorteios"]),
        fundo_reserva_sorteios_extras=int(r["fundo_reserva_sorteios_extras"]),
        amortizacao_lance=AmortizacaoLance(r["amortizacao_lance"]),
        lance_paga=LancePaga(r.get("lance_paga", LancePaga.FUNDO_COMUM)),
    )
    x = d["extracao"]
    return EntradaApuracao(
        grupo=str(d["grupo"]),
        assembleia=int(d["assembleia"]),
        tamanho_grupo=int(d["tamanho_grupo"]),
        regras=regras,
        extracao=ExtracaoLoteria(int(x["concurso"]), tuple(x["premios"])),
        cotas_ativas=tuple(
            CotaAtiva(
                int(c["numero"]),
                _dec(c["valor_credito"], "cotas_ativas.valor_credito"),
                _dec(c["percentual_devido"], "cotas_ativas.percentual_devido"),
                int(c["parcelas_restantes"]),
                None
                if c.get("percentual_devido_integral") is None
                else _dec(c["percentual_devido_integral"], "cotas_ativas.percentual_devido_integral"),
            )
            for c in d["cotas_ativas"]
        ),
        cotas_excluidas=tuple(
            CotaExcluida(int(c["numero"]), _dec(c["valor_restituicao"], "cotas_excluidas.valor_restituicao"))
            for c in d["cotas_excluidas"]
        ),
        lances=tuple(
            Lance(
                int(lance["cota"]),
                TipoLance(lance["tipo"]),
                _dec(lance["percentual"], "lances.percentual"),
                _dec(lance["percentual_embutido"], "lances.percentual_embutido"),
            )
            for lance in d["lances"]
        ),
        saldo_fundo_comum=_dec(d["saldo_fundo_comum"], "saldo_fundo_comum"),
        saldo_fundo_reserva=_dec(d["saldo_fundo_reserva"], "saldo_fundo_reserva"),
        lances_desclassificados=frozenset(int(c) for c in d["lances_desclassificados"]),
    )
