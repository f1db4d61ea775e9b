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


def months_between(start: dt.date, end_inclusive: dt.date) -> float:
    """Length of [start, end] in months; a period from the 1st to the last day counts whole."""
    end = end_inclusive + dt.timedelta(days=1)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    anchor = add_months(start, months)
    if anchor > end:
        months -= 1
        anchor = add_months(start, months)
    rest = (end - anchor).days
    next_anchor = add_months(start, months + 1)
    return months + rest / max((next_anchor - anchor).days, 1)
