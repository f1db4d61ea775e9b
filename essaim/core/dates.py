"""Calendar arithmetic on whole months, as labour contracts count them."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def period_end(start: dt.date, months: int) -> dt.date:
    """Last day of a period of `months` whole months beginning on `start`.

    The eve of the same day `months` later (1 Feb + 12 → 31 Jan; 1 Mar 2023 + 12 → 29 Feb
    2024); when that month has no such day, its last day (29 Feb 2024 + 12 → 28 Feb 2025,
    30 Jun + 8 → 28 Feb), not the eve of the clamped date, which would cut a day off.
    """
    target = add_months(start, months)
    return target if target.day < start.day else target - dt.timedelta(days=1)


def months_between(start: dt.date, end_inclusive: dt.date) -> float:
    """Length of [start, end] in months; a whole period (see `period_end`) counts whole."""
    months = max((end_inclusive.year - start.year) * 12 + end_inclusive.month - start.month + 1, 0)
    while months > 0 and period_end(start, months) > end_inclusive:
        months -= 1
    last = period_end(start, months) if months else start - dt.timedelta(days=1)
    rest = (end_inclusive - last).days
    return months + rest / max((period_end(start, months + 1) - last).days, 1)
