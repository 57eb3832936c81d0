"""Invoice math: pure functions, Decimal only, no I/O.

Invoices are issued in arrears, one per tenant per calendar month:

* **base**: the monthly price of the plan in effect when the period (or the
  contract) starts, for the rest of the period;
* **proration**: every plan change inside the period credits the unused part
  of the old plan and charges the new plan for the same remaining days;
  a contract that ends inside the period credits the unused part;
* **overage**: usage above the included quotas of the plan in effect at the
  end of the period (so upgrading to cover growth removes the overage).

Rounding uses one cumulative function ``F_p(t) = round(p * t / D)`` per plan
price ``p``: a segment ``[a, b)`` costs ``F_p(b) - F_p(a)``. Because every
line is such a difference, lines telescope: the base and proration lines of a
period always add up exactly to the sum of the segments actually used, and a
"change" to the same price nets to exactly zero.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from consorcio_contract.plans import Plan
from control_plane.billing.periods import BillingPeriod
from control_plane.usage.metrics import BillableUsage

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class LineKind(StrEnum):
    BASE = "base"
    PRORATION_CREDIT = "proration_credit"
    PRORATION_CHARGE = "proration_charge"
    OVERAGE_ACTIVE_COTAS = "overage_active_cotas"
    OVERAGE_USERS = "overage_users"
    OVERAGE_API_REQUESTS = "overage_api_requests"


@dataclass(frozen=True)
class LineDraft:
    """One invoice line. ``amount == quantity * unit_price`` always holds."""

    kind: LineKind
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PlanSegment:
    """A plan in effect on period days ``[start_day, end_day)`` (0-based offsets)."""

    plan: Plan
    start_day: int
    end_day: int

    @property
    def days(self) -> int:
        return self.end_day - self.start_day


@dataclass(frozen=True)
class InvoiceDraft:
    period: BillingPeriod
    lines: tuple[LineDraft, ...]

    @property
    def total(self) -> Decimal:
        return invoice_total(self.lines)


def to_cents(value: Decimal) -> Decimal:
    """Round half up to centavos, the way Brazilian invoices show money."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def cumulative_charge(price: Decimal, elapsed_days: int, period_days: int) -> Decimal:
    """``F_p(t)``: what ``elapsed_days`` of a ``price``/month plan cost, in cents."""
    if not 0 <= elapsed_days <= period_days:
        raise ValueError("elapsed_days must be within the period")
    return to_cents(price * elapsed_days / period_days)


def segment_charge(price: Decimal, start_day: int, end_day: int, period_days: int) -> Decimal:
    """Cost of a plan over days ``[start_day, end_day)``."""
    return cumulative_charge(price, end_day, period_days) - cumulative_charge(price, start_day, period_days)


def plan_segments(
    period: BillingPeriod,
    changes: Sequence[tuple[date, Plan]],
    contract_end: date | None = None,
) -> list[PlanSegment]:
    """Cut a period into plan segments.

    ``changes`` is the plan history as ``(first day the plan applies, plan)``,
    in any order; entries before the period collapse to the plan in effect at
    its start. Several changes on one day keep the last one listed. Adjacent
    segments with the same plan are merged. ``contract_end`` (exclusive) cuts
    the period short when the tenant was deleted.
    """
    ordered = sorted(enumerate(changes), key=lambda item: (item[1][0], item[0]))
    end_day = period.days if contract_end is None else period.day_offset(contract_end)
    points: list[tuple[int, Plan]] = []
    for _, (day, plan) in ordered:
        offset = period.day_offset(day)
        if day >= period.end or offset >= end_day:
            continue
        if points and points[-1][0] == offset:
            points[-1] = (offset, plan)
        else:
            points.append((offset, plan))
    segments: list[PlanSegment] = []
    for i, (start, plan) in enumerate(points):
        stop = points[i + 1][0] if i + 1 < len(points) else end_day
        if segments and segments[-1].plan == plan:
            segments[-1] = PlanSegment(plan, segments[-1].start_day, stop)
        else:
            segments.append(PlanSegment(plan, start, stop))
    return [s for s in segments if s.days > 0]


def _money_line(kind: LineKind, description: str, amount: Decimal) -> LineDraft:
    return LineDraft(kind, description, Decimal(1), amount, amount)


def _day_label(period: BillingPeriod, offset: int) -> str:
    day = period.start.toordinal() + offset
    return date.fromordinal(day).strftime("%d/%m/%Y")


def subscription_lines(period: BillingPeriod, segments: Sequence[PlanSegment]) -> list[LineDraft]:
    """Base and proration lines for a period's plan segments."""
    if not segments:
        return []
    days = period.days
    lines: list[LineDraft] = []
    first = segments[0]
    description = f"Mensalidade plano {first.plan.display_name} ({period.label})"
    if first.start_day > 0:
        description += f", proporcional desde {_day_label(period, first.start_day)}"
    lines.append(
        _money_line(
            LineKind.BASE,
            description,
            segment_charge(first.plan.monthly_price, first.start_day, days, days),
        )
    )
    for previous, current in itertools.pairwise(segments):
        since = _day_label(period, current.start_day)
        remaining = days - current.start_day
        lines.append(
            _money_line(
                LineKind.PRORATION_CREDIT,
                f"Crédito proporcional plano {previous.plan.display_name} ({remaining} dias desde {since})",
                -segment_charge(previous.plan.monthly_price, current.start_day, days, days),
            )
        )
        lines.append(
            _money_line(
                LineKind.PRORATION_CHARGE,
                f"Cobrança proporcional plano {current.plan.display_name} ({remaining} dias desde {since})",
                segment_charge(current.plan.monthly_price, current.start_day, days, days),
            )
        )
    last = segments[-1]
    if last.end_day < days:
        lines.append(
            _money_line(
                LineKind.PRORATION_CREDIT,
                f"Crédito proporcional plano {last.plan.display_name} "
                f"(encerramento em {_day_label(period, last.end_day)})",
                -segment_charge(last.plan.monthly_price, last.end_day, days, days),
            )
        )
    return lines


def overage_lines(plan: Plan, usage: BillableUsage) -> list[LineDraft]:
    """Overage above ``plan``'s included quotas; API requests bill per started thousand."""
    lines: list[LineDraft] = []
    extra_cotas = max(0, usage.active_cotas - plan.included.active_cotas)
    if extra_cotas:
        lines.append(
            LineDraft(
                LineKind.OVERAGE_ACTIVE_COTAS,
                f"Cotas ativas excedentes (pico {usage.active_cotas}, "
                f"incluídas {plan.included.active_cotas})",
                Decimal(extra_cotas),
                plan.overage.per_active_cota,
                to_cents(extra_cotas * plan.overage.per_active_cota),
            )
        )
    extra_users = max(0, usage.users - plan.included.users)
    if extra_users:
        lines.append(
            LineDraft(
                LineKind.OVERAGE_USERS,
                f"Usuários excedentes (pico {usage.users}, incluídos {plan.included.users})",
                Decimal(extra_users),
                plan.overage.per_user,
                to_cents(extra_users * plan.overage.per_user),
            )
        )
    extra_requests = max(0, usage.api_requests - plan.included.api_requests)
    if extra_requests:
        blocks = math.ceil(extra_requests / 1000)
        lines.append(
            LineDraft(
                LineKind.OVERAGE_API_REQUESTS,
                f"Requisições de API excedentes: {extra_requests} (milhares iniciados: {blocks})",
                Decimal(blocks),
                plan.overage.per_thousand_api_requests,
                to_cents(blocks * plan.overage.per_thousand_api_requests),
            )
        )
    return lines


def invoice_total(lines: Sequence[LineDraft]) -> Decimal:
    """The invoice total is by definition the sum of its lines."""
    return sum((line.amount for line in lines), ZERO)


def compose_invoice(
    period: BillingPeriod,
    segments: Sequence[PlanSegment],
    usage: BillableUsage,
) -> InvoiceDraft:
    """Everything a tenant owes for ``period``: subscription, proration, overage."""
    lines = subscription_lines(period, segments)
    if segments:
        lines.extend(overage_lines(segments[-1].plan, usage))
    return InvoiceDraft(period, tuple(lines))


@dataclass(frozen=True)
class ProrationPreview:
    """What a plan change on ``change_day`` adds to the current period's invoice."""

    period: BillingPeriod
    change_date: date
    remaining_days: int
    lines: tuple[LineDraft, ...]
    subscription_before: Decimal
    subscription_after: Decimal

    @property
    def net(self) -> Decimal:
        return invoice_total(self.lines)


def preview_plan_change(
    period: BillingPeriod,
    changes: Sequence[tuple[date, Plan]],
    new_plan: Plan,
    change_date: date,
) -> ProrationPreview:
    """Proration lines a plan change adds, and the period's subscription totals.

    ``change_date`` must not precede the last recorded change (changes apply
    from "today"); then ``subscription_after - subscription_before`` equals
    the sum of the returned lines, because all of them telescope.
    """
    if changes and change_date < max(day for day, _ in changes):
        raise ValueError("a plan change cannot precede the last recorded change")
    if not period.start <= change_date < period.end:
        raise ValueError("the change date must fall inside the period")
    before = plan_segments(period, changes)
    after = plan_segments(period, [*changes, (change_date, new_plan)])
    offset = period.day_offset(change_date)
    current = next((s.plan for s in before if s.start_day <= offset < s.end_day), None)
    lines: list[LineDraft] = []
    remaining = period.days - offset
    since = change_date.strftime("%d/%m/%Y")
    if current is not None and current != new_plan:
        lines.append(
            _money_line(
                LineKind.PRORATION_CREDIT,
                f"Crédito proporcional plano {current.display_name} ({remaining} dias desde {since})",
                -segment_charge(current.monthly_price, offset, period.days, period.days),
            )
        )
        lines.append(
            _money_line(
                LineKind.PRORATION_CHARGE,
                f"Cobrança proporcional plano {new_plan.display_name} ({remaining} dias desde {since})",
                segment_charge(new_plan.monthly_price, offset, period.days, period.days),
            )
        )
    return ProrationPreview(
        period=period,
        change_date=change_date,
        remaining_days=remaining,
        lines=tuple(lines),
        subscription_before=invoice_total(subscription_lines(period, before)),
        subscription_after=invoice_total(subscription_lines(period, after)),
    )
