"""The cooperative's contribution: configurable rules in force from a date, and their arithmetic.

    rule = rule_for(rules, day)
    contribution_for_month(rule, MonthFigures(turnover=Decimal("6000")), ytd_contribution, ytd_base)

Pure Python, no Django. Rates are percentages (13.5 means 13.5 %), amounts are euros.

How a month's contribution is computed
--------------------------------------
1. Base: the month's turnover excluding VAT, or its gross margin (turnover − resold goods −
   sub-contracting − mission costs). A negative base counts as 0: a month of heavy purchases
   owes no variable contribution and does not move the year along the bands.
2. Internal part: when the rule has an `internal_rate`, the part of the base that comes from
   internal invoices (to other members) pays that reduced rate. On turnover it is the internal
   turnover; on gross margin it is the margin's share in proportion to the internal turnover
   (margin × internal turnover / turnover), costs being spread over all sales alike.
3. The rest of the base pays the flat `rate`, or the marginal `bands`. Band limits are
   amounts of base PER YEAR, applied to the cumulative base of the year: a month whose base
   takes the year from 25,000 € to 35,000 € pays the first band's rate on 5,000 € and the
   second band's on 5,000 €. `year_to_date_base` is that cumulative base before the month
   (the normal part only; `month_base` gives it month by month).
4. The variable part is raised to `monthly_minimum` if below it, then `fixed_monthly` is
   added, then the total is cut so that the year's total does not pass `annual_cap`
   (`year_to_date_contribution` is what the year already paid). Rounded to the cent, half up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

TURNOVER = "turnover"
GROSS_MARGIN = "gross_margin"
BASES = {TURNOVER: "chiffre d'affaires HT", GROSS_MARGIN: "marge brute"}


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (int, str)) and not isinstance(value, bool):
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"{what} : « {value} » n'est pas un nombre") from None
    else:
        raise ValueError(f"{what} : « {value} » n'est pas un nombre décimal")
    if not result.is_finite():
        raise ValueError(f"{what} : « {value} » n'est pas un nombre")
    return result


@dataclass(frozen=True)
class ContributionRule:
    """A contribution rule in force from `valid_from` (until the next rule's date).

    Exactly one of `rate` (flat, in %) and `bands` (marginal bands: `(from_amount_per_year,
    rate)` pairs, the first from 0) is given, unless the rule is a fixed monthly amount only.
    """

    name: str
    valid_from: dt.date
    base: str = GROSS_MARGIN
    rate: Decimal | None = None
    bands: tuple[tuple[Decimal, Decimal], ...] | None = None
    monthly_minimum: Decimal = ZERO
    annual_cap: Decimal | None = None
    fixed_monthly: Decimal = ZERO
    internal_rate: Decimal | None = None
    note: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        problems = []
        if self.base not in BASES:
            problems.append(f"assiette « {self.base} » inconnue (turnover ou gross_margin)")
        if self.bands is not None:
            bands = tuple(
                (_decimal(start, "seuil de tranche"), _decimal(rate, "taux de tranche"))
                for start, rate in self.bands
            )
            object.__setattr__(self, "bands", bands)
        if self.rate is not None and self.bands is not None:
            problems.append("un taux fixe et des tranches à la fois : choisissez l'un des deux")
        if self.rate is not None and not ZERO <= self.rate <= HUNDRED:
            problems.append(f"taux de {self.rate} % hors de 0 à 100 %")
        if self.bands is not None:
            if not self.bands or self.bands[0][0] != 0:
                problems.append("la première tranche doit commencer à 0 €")
            starts = [start for start, _ in self.bands]
            if starts != sorted(set(starts)):
                problems.append("les seuils des tranches doivent être croissants et distincts")
            if any(not ZERO <= rate <= HUNDRED for _, rate in self.bands):
                problems.append("taux de tranche hors de 0 à 100 %")
        if self.internal_rate is not None and not ZERO <= self.internal_rate <= HUNDRED:
            problems.append(f"taux interne de {self.internal_rate} % hors de 0 à 100 %")
        for label, amount in (
            ("minimum mensuel", self.monthly_minimum),
            ("part fixe mensuelle", self.fixed_monthly),
            ("plafond annuel", self.annual_cap if self.annual_cap is not None else ZERO),
        ):
            if amount < 0:
                problems.append(f"{label} négatif ({amount} €)")
        if problems:
            raise ValueError(f"règle de contribution « {self.name} » : " + " ; ".join(problems))

    def to_parameters(self) -> dict[str, Any]:
        """The rule's parameters as JSON-safe values (decimals as strings), without name/date."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "base": self.base,
            "rate": text(self.rate),
            "bands": (
                None
                if self.bands is None
                else [[str(start), str(rate)] for start, rate in self.bands]
            ),
            "monthly_minimum": str(self.monthly_minimum),
            "annual_cap": text(self.annual_cap),
            "fixed_monthly": str(self.fixed_monthly),
            "internal_rate": text(self.internal_rate),
        }

    @classmethod
    def from_parameters(
        cls, name: str, valid_from: dt.date, parameters: Mapping[str, Any]
    ) -> ContributionRule:
        """The inverse of `to_parameters`; raises ValueError (French) on a bad value."""

        def optional(key: str, label: str) -> Decimal | None:
            value = parameters.get(key)
            return None if value in (None, "") else _decimal(value, label)

        bands = parameters.get("bands")
        return cls(
            name=name,
            valid_from=valid_from,
            base=parameters.get("base", GROSS_MARGIN),
            rate=optional("rate", "taux"),
            bands=None if bands is None else tuple((start, rate) for start, rate in bands),
            monthly_minimum=optional("monthly_minimum", "minimum mensuel") or ZERO,
            annual_cap=optional("annual_cap", "plafond annuel"),
            fixed_monthly=optional("fixed_monthly", "part fixe mensuelle") or ZERO,
            internal_rate=optional("internal_rate", "taux interne"),
        )


@dataclass(frozen=True)
class MonthFigures:
    """An activity's figures for a month, excluding VAT. `internal_turnover` is the part of
    `turnover` invoiced to other members of the cooperative."""

    turnover: Decimal
    internal_turnover: Decimal = ZERO
    resold_goods: Decimal = ZERO
    subcontracting: Decimal = ZERO
    mission_costs: Decimal = ZERO

    @property
    def gross_margin(self) -> Decimal:
        return self.turnover - self.resold_goods - self.subcontracting - self.mission_costs


@dataclass(frozen=True)
class MonthBase:
    """The month's base split into the part at the normal rate(s) and the internal part."""

    normal: Decimal
    internal: Decimal

    @property
    def total(self) -> Decimal:
        return self.normal + self.internal


def month_base(rule: ContributionRule, figures: MonthFigures) -> MonthBase:
    """The month's base (never negative), split as the rule applies it (see the module doc)."""
    base = figures.turnover if rule.base == TURNOVER else figures.gross_margin
    base = max(base, ZERO)
    if rule.internal_rate is None or base == 0 or figures.internal_turnover <= 0:
        return MonthBase(normal=base, internal=ZERO)
    if rule.base == TURNOVER:
        internal = min(figures.internal_turnover, base)
    else:
        share = min(figures.internal_turnover / figures.turnover, Decimal(1))
        internal = base * share
    return MonthBase(normal=base - internal, internal=internal)


def banded_amount(
    bands: Sequence[tuple[Decimal, Decimal]], start: Decimal, end: Decimal
) -> Decimal:
    """The marginal-band amount due on the slice [start, end] of the year's cumulative base."""
    total = ZERO
    for index, (lower, rate) in enumerate(bands):
        upper = bands[index + 1][0] if index + 1 < len(bands) else None
        low = max(start, lower)
        high = end if upper is None else min(end, upper)
        if high > low:
            total += (high - low) * rate / HUNDRED
    return total


def contribution_for_month(
    rule: ContributionRule,
    figures: MonthFigures,
    year_to_date_contribution: Decimal = ZERO,
    year_to_date_base: Decimal = ZERO,
) -> Decimal:
    """The contribution due for a month, rounded to the cent (see the module doc)."""
    base = month_base(rule, figures)
    if rule.bands is not None:
        variable = banded_amount(rule.bands, year_to_date_base, year_to_date_base + base.normal)
    else:
        variable = base.normal * (rule.rate or ZERO) / HUNDRED
    if rule.internal_rate is not None:
        variable += base.internal * rule.internal_rate / HUNDRED
    amount = max(variable, rule.monthly_minimum) + rule.fixed_monthly
    if rule.annual_cap is not None:
        amount = min(amount, max(rule.annual_cap - year_to_date_contribution, ZERO))
    return _money(amount)


def contributions_for_year(rule: ContributionRule, months: Iterable[MonthFigures]) -> list[Decimal]:
    """Each month's contribution for a year's months in order, carrying the year-to-date."""
    paid = ZERO
    cumulated = ZERO
    result = []
    for figures in months:
        amount = contribution_for_month(rule, figures, paid, cumulated)
        result.append(amount)
        paid += amount
        cumulated += month_base(rule, figures).normal
    return result


def rule_for(rules: Iterable[ContributionRule], day: dt.date) -> ContributionRule:
    """The rule in force on `day`: the one with the latest `valid_from` on or before it."""
    in_force = [rule for rule in rules if rule.valid_from <= day]
    if not in_force:
        raise LookupError(f"aucune règle de contribution en vigueur le {day:%d/%m/%Y}")
    return max(in_force, key=lambda rule: rule.valid_from)


# --- Presets: the published rules of `../shared/docs/mission.md` (reference figures) --------
#
# The dates from which they apply are those the text gives (Coopaname's 10 % for 2010–2011),
# or a conventional date where none is published: a cooperative adopting a preset copies it
# with its own date (`dataclasses.replace(rule, valid_from=...)`).

PRESETS: dict[str, ContributionRule] = {
    "coopaname_2010": ContributionRule(
        name="Coopaname 2010 : 10 % du chiffre d'affaires",
        valid_from=dt.date(2010, 1, 1),
        base=TURNOVER,
        rate=Decimal("10"),
        note="mission.md : 10 % du chiffre d'affaires (2010–2011).",
    ),
    "coopaname": ContributionRule(
        name="Coopaname : 13,5 % de la marge brute + 30 € par mois",
        # mission.md dates the 10 % rule to 2010–2011; the change's exact date is not
        # published in our sources, so the year after is taken.
        valid_from=dt.date(2012, 1, 1),
        base=GROSS_MARGIN,
        rate=Decimal("13.5"),
        fixed_monthly=Decimal("30"),
        note=(
            "Coopaname, « C'est combien ? » : 13,5 % de la marge brute (CA HT − matières, "
            "marchandises, sous-traitance, frais de mission) et 30 € par mois de part fixe "
            "(les bénéficiaires de minima sociaux en sont exonérés)."
        ),
    ),
    "oxalis": ContributionRule(
        name="Oxalis : 15 % de la marge brute",
        valid_from=dt.date(2010, 1, 1),
        base=GROSS_MARGIN,
        rate=Decimal("15"),
        note="mission.md : 15 % de la marge brute.",
    ),
    "mosaique": ContributionRule(
        name=(
            "Mosaïque : 12 % du chiffre d'affaires, 40 € par mois au moins, 8 400 € par an au plus"
        ),
        valid_from=dt.date(2010, 1, 1),
        # mission.md does not name Mosaïque's base, where it names "gross margin" for the
        # others; a flat 12 % is, in the CAEs that publish it (Coodyssée, Équinoxe), a share of
        # the turnover excluding VAT. The cap of 8,400 € is then reached at 70,000 € of
        # turnover a year.
        base=TURNOVER,
        rate=Decimal("12"),
        monthly_minimum=Decimal("40"),
        annual_cap=Decimal("8400"),
        note="mission.md : 12 %, 40 € par mois au minimum, plafond de 8 400 € par an.",
    ),
    "opteos": ContributionRule(
        name="Optéos : de 11,5 % à 7,5 % de la marge brute par tranches",
        valid_from=dt.date(2010, 1, 1),
        base=GROSS_MARGIN,
        # mission.md gives the rates (11.5 % → 7.5 %), not the band limits. ASSUMPTION to be
        # confirmed by the cooperative: 11.5 % up to 30,000 € of gross margin a year, 9.5 %
        # from 30,000 € to 60,000 €, 7.5 % above.
        bands=(
            (Decimal("0"), Decimal("11.5")),
            (Decimal("30000"), Decimal("9.5")),
            (Decimal("60000"), Decimal("7.5")),
        ),
        note=(
            "mission.md : tranches de 11,5 % à 7,5 % de la marge brute ; seuils de 30 000 € et "
            "60 000 € par an supposés, à confirmer."
        ),
    ),
}
