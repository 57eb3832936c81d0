"""Server-rendered SVG charts (pure functions → markup; no JavaScript, no inline style).

Colours come from CSS classes (``serie-1``, ``serie-2``...), sizes from SVG
presentation attributes, so the strict CSP holds. Every chart has a <title>
and <desc> for screen readers; the screens also show the numbers as a table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape


def _e(valor: object) -> str:
    """Escaped text as a plain str (a str + Markup would escape the str's own tags)."""
    return str(escape(valor))


@dataclass(frozen=True)
class Serie:
    """One series of values (one per category), with its legend."""

    nome: str
    valores: Sequence[Decimal]


def _escala(maximo: Decimal) -> Decimal:
    """A round top for the axis (1, 2 or 5 × 10^n) at or above ``maximo``."""
    if maximo <= 0:
        return Decimal(1)
    potencia = Decimal(10) ** (len(str(int(maximo))) - 1)
    for passo in (1, 2, 5, 10):
        if maximo <= passo * potencia:
            return passo * potencia
    return 10 * potencia


def barras_agrupadas(
    titulo: str,
    categorias: Sequence[str],
    series: Sequence[Serie],
    formatar: Callable[[Decimal], str],
    *,
    largura: int = 560,
    altura: int = 220,
) -> Markup:
    """Vertical bars, one group per category, one bar per series; axis labels formatted by ``formatar``."""
    margem_esq, margem_inf, margem_sup = 90, 28, 10
    area_l, area_a = largura - margem_esq - 8, altura - margem_inf - margem_sup
    topo = _escala(max((v for s in series for v in s.valores), default=Decimal(0)))
    grupo_l = area_l / max(len(categorias), 1)
    barra_l = min(28.0, (grupo_l - 10) / max(len(series), 1))
    partes = [
        f'<svg class="grafico" viewBox="0 0 {largura} {altura}" role="img" aria-labelledby="g-titulo g-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="g-titulo">{_e(titulo)}</title>',
        '<desc id="g-desc">'
        + _e(
            "; ".join(
                f"{c}: " + ", ".join(f"{s.nome} {formatar(s.valores[i])}" for s in series)
                for i, c in enumerate(categorias)
            )
        )
        + "</desc>",
    ]
    for k in range(6):
        valor = topo * k / 5
        y = margem_sup + area_a - float(valor / topo) * area_a
        partes.append(
            f'<line class="grade" x1="{margem_esq}" x2="{largura - 8}" y1="{y:.1f}" y2="{y:.1f}"></line>'
            f'<text class="eixo" x="{margem_esq - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_e(formatar(valor))}</text>"
        )
    for i, categoria in enumerate(categorias):
        x0 = margem_esq + i * grupo_l + (grupo_l - barra_l * len(series)) / 2
        for j, serie in enumerate(series):
            valor = serie.valores[i]
            h = float(valor / topo) * area_a if topo else 0
            partes.append(
                f'<rect class="serie-{j + 1}" x="{x0 + j * barra_l:.1f}" y="{margem_sup + area_a - h:.1f}" '
                f'width="{barra_l - 2:.1f}" height="{h:.1f}"><title>{_e(categoria)} — '
                f"{_e(serie.nome)}: {_e(formatar(valor))}</title></rect>"
            )
        partes.append(
            f'<text class="eixo" x="{margem_esq + (i + 0.5) * grupo_l:.1f}" y="{altura - 8}" '
            f'text-anchor="middle">{_e(categoria)}</text>'
        )
    partes.append("</svg>")
    return Markup("".join(partes))


def proporcao(titulo: str, partes_valores: Sequence[tuple[str, int]], *, largura: int = 560) -> Markup:
    """One horizontal stacked bar of counts (e.g. cotas em dia / inadimplentes), with its legend below."""
    total = sum(v for _, v in partes_valores) or 1
    partes = [
        f'<svg class="grafico" viewBox="0 0 {largura} 36" role="img" aria-label="{_e(titulo)}: '
        + _e(", ".join(f"{n} {v}" for n, v in partes_valores))
        + '" xmlns="http://www.w3.org/2000/svg">'
    ]
    x = 0.0
    for j, (nome, valor) in enumerate(partes_valores):
        w = largura * valor / total
        partes.append(
            f'<rect class="serie-{j + 1}" x="{x:.1f}" y="4" width="{w:.1f}" height="28">'
            f"<title>{_e(nome)}: {valor}</title></rect>"
        )
        x += w
    partes.append("</svg>")
    return Markup("".join(partes))
