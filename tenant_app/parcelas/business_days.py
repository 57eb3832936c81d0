"""Due dates on Brazilian business days (national holidays from the ``holidays`` package)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def _national_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("BR", years=year).keys())


def is_business_day(day: date) -> bool:
    """Monday-Friday and not a national holiday."""
    return day.weekday() < 5 and day not in _national_holidays(day.year)


def next_business_day(day: date) -> date:
    """``day`` itself when it is a business day, else the next one."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def add_months(year: int, month: int, offset: int) -> tuple[int, int]:
    """(year, month) moved by ``offset`` months."""
    index = year * 12 + (month - 1) + offset
    return index // 12, index % 12 + 1


def monthly_due_dates(first_year: int, first_month: int, due_day: int, count: int) -> list[date]:
    """``count`` monthly due dates on ``due_day`` (clamped to the month's length), moved to business days."""
    dates = []
    for offset in range(count):
        y, m = add_months(first_year, first_month, offset)
        day = min(due_day, calendar.monthrange(y, m)[1])
        dates.append(next_business_day(date(y, m, day)))
    return dates
