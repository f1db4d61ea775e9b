"""Activity alerts for the advisor: pure rules on plain figures, no Django.

    sudden_drop([(dt.date(2025, 1, 1), Decimal("4000")), ...], today=dt.date(2026, 2, 10))
    income_below(Decimal("900"), 2025)

Each rule returns an `Alert` (a French message and a suggested next step) or None.

Sudden and durable drop
-----------------------
The last 3 full months are the 3 calendar months before `today`'s month (on 10 Feb 2026:
November, December 2025 and January 2026); the 12 months before them are the reference. The
alert fires when the monthly average of the last 3 months is below half the monthly average
of the reference. A month missing from the list counts as 0 from the activity's first month
on; an activity with less than 12 months of history before the last 3 is compared with the
months it has (at least 3, otherwise no alert: too early to speak of a drop); a reference
average of 0 gives no alert (nothing to drop from).

Income below the RSA or the SMIC
--------------------------------
The monthly net income is compared with the RSA for a single person (montant forfaitaire) and
with the net SMIC for 35 hours, both of the period (`essaim.finance.salary_params`); for a
year, the amounts in force on its last day (or the last known for the current year). Below
the RSA comes first; between the RSA and the SMIC is the second alert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from essaim.finance.salary_params import RSA_SINGLE, SMIC_NET_MONTHLY, reference_on

ZERO = Decimal("0")
CENT = Decimal("0.01")
NBSP = "\u00a0"

SUDDEN_DROP = "sudden_drop"
INCOME_BELOW_RSA = "income_below_rsa"
INCOME_BELOW_SMIC = "income_below_smic"

RECENT_MONTHS = 3
REFERENCE_MONTHS = 12


@dataclass(frozen=True)
class Alert:
    """An alert: its kind, what is wrong (French), what the advisor could do next, figures."""

    kind: str
    message: str
    next_step: str
    figures: dict[str, Decimal] = field(default_factory=dict)


def fr_money(amount: Decimal) -> str:
    """1234.5 → "1 234,50 €" (no-break spaces, as French typography wants)."""
    rounded = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    units, cents = f"{abs(rounded):.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{sign}{NBSP.join(groups)},{cents}{NBSP}€"


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_label(index: int) -> str:
    year, month = divmod(index, 12)
    return f"{month + 1:02d}/{year}"


def sudden_drop(
    monthly_turnover: Iterable[tuple[dt.date, Decimal]], today: dt.date
) -> Alert | None:
    """A sudden and durable drop of turnover (see the module doc), or None."""
    by_month: dict[int, Decimal] = {}
    for day, amount in monthly_turnover:
        by_month[_month_index(day)] = by_month.get(_month_index(day), ZERO) + amount
    if not by_month:
        return None
    current = _month_index(today)
    recent = range(current - RECENT_MONTHS, current)
    first = min(by_month)
    reference_start = max(recent.start - REFERENCE_MONTHS, first)
    reference = range(reference_start, recent.start)
    if len(reference) < RECENT_MONTHS:
        return None
    recent_average = sum((by_month.get(m, ZERO) for m in recent), ZERO) / len(recent)
    reference_average = sum((by_month.get(m, ZERO) for m in reference), ZERO) / len(reference)
    if reference_average <= 0 or recent_average * 2 >= reference_average:
        return None
    drop = (1 - recent_average / reference_average) * 100
    drop_text = f"{drop.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}"
    return Alert(
        kind=SUDDEN_DROP,
        message=(
            f"Chiffre d'affaires en forte baisse : {fr_money(recent_average)} par mois en "
            f"moyenne de {_month_label(recent.start)} à {_month_label(recent.stop - 1)}, "
            f"contre {fr_money(reference_average)} par mois sur les {len(reference)} mois "
            f"précédents (−{drop_text} %)."
        ),
        next_step=(
            "Proposer un rendez-vous d'accompagnement dans le mois : faire le point sur les "
            "clients perdus, la prospection et la trésorerie ; proposer le TP commercial, ou "
            "le tutorat collectif si la baisse dure."
        ),
        figures={
            "recent_average": recent_average.quantize(CENT, rounding=ROUND_HALF_UP),
            "reference_average": reference_average.quantize(CENT, rounding=ROUND_HALF_UP),
        },
    )


def income_below(net_monthly: Decimal, period: int | dt.date) -> Alert | None:
    """Income below the RSA or the net SMIC of the period (see the module doc), or None.

    `period` is a day, or a year (its last day, or today's amounts for a year not over)."""
    if isinstance(period, int):
        day = dt.date(period, 12, 31)
    else:
        day = period
    rsa = reference_on(RSA_SINGLE, day, "montant du RSA").amount
    smic = reference_on(SMIC_NET_MONTHLY, day, "SMIC net").amount
    figures = {"net_monthly": net_monthly, "rsa": rsa, "smic_net": smic}
    if net_monthly < rsa:
        return Alert(
            kind=INCOME_BELOW_RSA,
            message=(
                f"Revenu net de {fr_money(net_monthly)} par mois, sous le RSA d'une personne "
                f"seule ({fr_money(rsa)})."
            ),
            next_step=(
                "Rencontrer l'entrepreneur·e rapidement : vérifier ses droits (RSA, prime "
                "d'activité, cumul avec l'activité), revoir prix et volume d'activité, et "
                "envisager le tutorat collectif."
            ),
            figures=figures,
        )
    if net_monthly < smic:
        return Alert(
            kind=INCOME_BELOW_SMIC,
            message=(
                f"Revenu net de {fr_money(net_monthly)} par mois, sous le SMIC net à temps "
                f"plein ({fr_money(smic)})."
            ),
            next_step=(
                "Faire le point au prochain rendez-vous : prix de vente, temps passé, clients "
                "à relancer ; proposer le TP commercial ou un groupe métier."
            ),
            figures=figures,
        )
    return None
