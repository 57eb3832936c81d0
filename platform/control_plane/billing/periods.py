"""Billing periods: calendar months in the platform's billing time zone."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Contracts are Brazilian: a month starts at midnight in São Paulo, not UTC.
BILLING_TZ = ZoneInfo("America/Sao_Paulo")
#: Years 2000-2199: a billing month outside them is a typo (``0000-01`` used to fail with a 500).
_LABEL = re.compile(r"^(20\d\d|21\d\d)-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, order=True)
class BillingPeriod:
    """One calendar month, ``[start, end)``."""

    year: int
    month: int

    @classmethod
    def containing(cls, day: date) -> BillingPeriod:
        return cls(day.year, day.month)

    @classmethod
    def containing_instant(cls, instant: datetime) -> BillingPeriod:
        """The period an aware timestamp falls in, judged in the billing time zone."""
        return cls.containing(local_date(instant))

    @classmethod
    def parse(cls, label: str) -> BillingPeriod:
        """``"2026-01"`` -> BillingPeriod(2026, 1); ValueError on anything else."""
        match = _LABEL.match(label)
        if not match:
            raise ValueError("period must look like YYYY-MM, from 2000-01 to 2199-12")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        """First day of the next period (exclusive bound)."""
        return self.start + timedelta(days=self.days)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def start_instant(self) -> datetime:
        return datetime.combine(self.start, time(), BILLING_TZ)

    @property
    def end_instant(self) -> datetime:
        return datetime.combine(self.end, time(), BILLING_TZ)

    def previous(self) -> BillingPeriod:
        return BillingPeriod.containing(self.start - timedelta(days=1))

    def next(self) -> BillingPeriod:
        return BillingPeriod.containing(self.end)

    def day_offset(self, day: date) -> int:
        """Days from the period start to ``day``, clamped to ``[0, days]``."""
        return max(0, min(self.days, (day - self.start).days))


def local_date(instant: datetime) -> date:
    """The calendar date of an aware timestamp in the billing time zone."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(BILLING_TZ).date()
