"""Salary simulation of an entrepreneur-salarié (CESA, non-cadre): employer cost ⇄ gross ⇄ net.

    simulate(2026, employer_cost=Decimal("2500"))   # what an amount available pays
    simulate(2026, net=Decimal("1600"))             # what a desired net costs
    what_if(2026, Decimal("2000"), Decimal("1500"), PRESETS["coopaname"])

Pure Python, no Django; the year's legal figures are in `essaim.finance.salary_params`, the
method and its sources in `docs/salary.md`.

The method
----------
From a monthly gross for `hours` paid hours (151.67 a full month), every contribution is a line
`base × rate`, rounded to the cent as a payslip does: the employer's (maladie, vieillesse,
allocations familiales, AT/MP, CSA, FNAL, chômage, AGS, Agirc-Arrco T1/T2 + CEG + CET,
formation, taxe d'apprentissage, dialogue social, and the cooperative's own health and
provident cover), less the general reduction of employer contributions; the employee's
(vieillesse, Agirc-Arrco + CEG + CET, CSG and CRDS on 98.25 % of the pay, own cover).
employer cost = gross + employer lines − reduction, net = gross − employee lines.

The month is read as a year of identical months: the reduced rates and the general reduction,
defined on the annual pay against the annual SMIC, are applied to the month's gross against the
month's SMIC for the same hours (the same ratio). The ceiling (PMSS) of a part-time month is
prorated to the hours.

The other ways round are exact to the cent, by bisection over whole cents (both employer cost
and net grow with the gross): from an employer cost, the highest gross whose cost does not pass
it; from a net, the lowest gross that pays at least that net. Where a rate steps up (the 2024–
2025 reduced maladie rate ends at 2.25 or 2.5 SMIC) the cost jumps: an amount that falls in the
jump buys the gross just below it, and the result says what it really costs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from essaim.finance.contribution import ContributionRule, MonthFigures, contribution_for_month
from essaim.finance.salary_params import (
    DEFAULT_AT_MP_RATE,
    ReductionBefore2026,
    YearParams,
    params_for,
)

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
FULL_TIME_HOURS = Decimal("151.67")
# The SMIC "calculé pour un an" is hourly × 1,820 h (35 h × 52); comparisons with it are made
# on the year (12 identical months) so that they stay exact.
YEAR_HOURS_OF_SMIC = Decimal("1820")
MONTHS = 12


def round_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class SalaryLine(NamedTuple):
    """A payslip line: label (French, says whose part), base, rate in % (None for a fixed
    amount), amount (negative for the reduction)."""

    label: str
    base: Decimal
    rate: Decimal | None
    amount: Decimal


@dataclass(frozen=True)
class EmployerSettings:
    """What depends on the cooperative, not on the law.

    headcount: the cooperative's staff (every entrepreneur-salarié counts): below 11 and 50
    the formation rate, the FNAL and the reduction's T change. at_mp_rate: the cooperative's
    own AT/MP rate (default: the national average net rate). mobility_rate: versement
    mobilité of the town (11 or more). health_*: the health cover's fixed monthly parts.
    provident_*_rate: the provident scheme's rates on the capped pay (T1).
    """

    headcount: int = 50
    at_mp_rate: Decimal = DEFAULT_AT_MP_RATE
    mobility_rate: Decimal = ZERO
    health_employer: Decimal = ZERO
    health_employee: Decimal = ZERO
    provident_employer_rate: Decimal = ZERO
    provident_employee_rate: Decimal = ZERO


@dataclass(frozen=True)
class SalaryResult:
    """A month's salary. `employer_contributions` is net of the general reduction:
    employer_cost = gross + employer_contributions; net = gross − employee_contributions."""

    year: int
    hours: Decimal
    employer_cost: Decimal
    gross: Decimal
    net: Decimal
    employer_contributions: Decimal
    employee_contributions: Decimal
    general_reduction: Decimal
    employer_lines: tuple[SalaryLine, ...] = field(default=())
    employee_lines: tuple[SalaryLine, ...] = field(default=())

    @property
    def lines(self) -> tuple[SalaryLine, ...]:
        """Every line, the employer's then the employee's."""
        return self.employer_lines + self.employee_lines

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: amounts as strings with cents."""
        return {
            "year": self.year,
            "hours": str(self.hours),
            "employer_cost": str(self.employer_cost),
            "gross": str(self.gross),
            "net": str(self.net),
            "employer_contributions": str(self.employer_contributions),
            "employee_contributions": str(self.employee_contributions),
            "general_reduction": str(self.general_reduction),
            "lines": [
                {
                    "label": line.label,
                    "base": str(line.base),
                    "rate": None if line.rate is None else str(line.rate),
                    "amount": str(line.amount),
                }
                for line in self.lines
            ],
        }


def _line(label: str, base: Decimal, rate: Decimal) -> SalaryLine:
    return SalaryLine(label, base, rate, round_cent(base * rate / HUNDRED))


def annual_smic(smic_hourly: Decimal, hours: Decimal) -> Decimal:
    """The SMIC for a year of months of `hours` paid hours (21,876.40 € full time in 2026)."""
    return smic_hourly * YEAR_HOURS_OF_SMIC * hours / FULL_TIME_HOURS


def smic_for_hours(params: YearParams, hours: Decimal) -> Decimal:
    """The month's SMIC for `hours` paid hours (1,801.80 € for 151.67 h in 2025), unrounded."""
    return annual_smic(params.smic_hourly, hours) / MONTHS


def reduction_coefficient(
    params: YearParams, gross: Decimal, hours: Decimal, headcount: int
) -> Decimal:
    """The general reduction's coefficient for a month's gross, as for a year of such months,
    rounded to 4 decimals."""
    if gross <= 0:
        return ZERO
    smic = annual_smic(params.smic_hourly, hours)
    pay = gross * MONTHS
    rule = params.reduction
    large = headcount >= 50
    if pay >= rule.ceiling_smic * smic:
        return ZERO
    if isinstance(rule, ReductionBefore2026):
        t = rule.t_large if large else rule.t_small
        coefficient = t / Decimal("0.6") * (rule.ceiling_smic * smic / pay - 1)
        coefficient = coefficient.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        return min(max(coefficient, ZERO), t)
    t_delta = rule.t_delta_large if large else rule.t_delta_small
    inner = (rule.ceiling_smic * smic / pay - 1) / 2
    coefficient = rule.t_min + t_delta * min(inner, Decimal(1)) ** rule.power
    coefficient = coefficient.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return min(coefficient, rule.t_min + t_delta)


def _reduced(
    params: YearParams,
    gross: Decimal,
    hours: Decimal,
    full: Decimal,
    reduced: Decimal | None,
    threshold: Decimal | None,
) -> Decimal:
    """The reduced rate while the pay is at most `threshold` SMIC, else the full rate."""
    if reduced is None or threshold is None or params.reduced_rates_smic_hourly is None:
        return full
    ceiling = threshold * annual_smic(params.reduced_rates_smic_hourly, hours)
    return reduced if gross * MONTHS <= ceiling else full


def from_gross(
    year: int,
    gross: Decimal,
    hours: Decimal = FULL_TIME_HOURS,
    settings: EmployerSettings | None = None,
) -> SalaryResult:
    """Every line of a month's payslip for a gross; see the module doc."""
    params = params_for(year)
    settings = settings or EmployerSettings()
    gross = round_cent(gross)
    if gross < 0:
        raise ValueError(f"salaire brut négatif ({gross} €)")
    ratio = min(hours / FULL_TIME_HOURS, Decimal(1))
    ceiling = round_cent(params.pmss * ratio)
    t1 = min(gross, ceiling)
    t2 = min(max(gross - ceiling, ZERO), 7 * ceiling)
    capped4 = min(gross, 4 * ceiling)
    small = settings.headcount < 11
    large = settings.headcount >= 50
    above_ceiling = gross > ceiling

    employer = [
        _line(
            "Maladie, maternité, invalidité, décès (employeur)",
            gross,
            _reduced(
                params,
                gross,
                hours,
                params.maladie,
                params.maladie_reduced,
                params.maladie_threshold_smic,
            ),
        ),
        _line("Vieillesse plafonnée (employeur)", t1, params.vieillesse_plafonnee_employer),
        _line("Vieillesse déplafonnée (employeur)", gross, params.vieillesse_deplafonnee_employer),
        _line(
            "Allocations familiales (employeur)",
            gross,
            _reduced(
                params,
                gross,
                hours,
                params.allocations_familiales,
                params.allocations_familiales_reduced,
                params.allocations_familiales_threshold_smic,
            ),
        ),
        _line("Accidents du travail, maladies professionnelles", gross, settings.at_mp_rate),
        _line("Contribution solidarité autonomie", gross, params.csa),
        _line("FNAL", gross, params.fnal_large) if large else _line("FNAL", t1, params.fnal_small),
        _line("Assurance chômage", capped4, params.chomage),
        _line("AGS (garantie des salaires)", capped4, params.ags),
        _line("Retraite complémentaire T1 (employeur)", t1, params.agirc_arrco_t1_employer),
        _line("CEG T1 (employeur)", t1, params.ceg_t1_employer),
    ]
    employee = [
        _line("Vieillesse plafonnée (salarié)", t1, params.vieillesse_plafonnee_employee),
        _line("Vieillesse déplafonnée (salarié)", gross, params.vieillesse_deplafonnee_employee),
        _line("Retraite complémentaire T1 (salarié)", t1, params.agirc_arrco_t1_employee),
        _line("CEG T1 (salarié)", t1, params.ceg_t1_employee),
    ]
    if t2 > 0:
        employer += [
            _line("Retraite complémentaire T2 (employeur)", t2, params.agirc_arrco_t2_employer),
            _line("CEG T2 (employeur)", t2, params.ceg_t2_employer),
        ]
        employee += [
            _line("Retraite complémentaire T2 (salarié)", t2, params.agirc_arrco_t2_employee),
            _line("CEG T2 (salarié)", t2, params.ceg_t2_employee),
        ]
    if above_ceiling:
        employer.append(_line("CET (employeur)", t1 + t2, params.cet_employer))
        employee.append(_line("CET (salarié)", t1 + t2, params.cet_employee))
    employer += [
        _line(
            "Formation professionnelle",
            gross,
            params.formation_small if small else params.formation_large,
        ),
        _line("Taxe d'apprentissage", gross, params.apprentissage),
        _line("Contribution au dialogue social", gross, params.dialogue_social),
    ]
    if settings.mobility_rate and not small:
        employer.append(_line("Versement mobilité", gross, settings.mobility_rate))
    cover_employer = ZERO
    if settings.health_employer:
        amount = round_cent(settings.health_employer)
        employer.append(SalaryLine("Complémentaire santé (employeur)", amount, None, amount))
        cover_employer += amount
    if settings.provident_employer_rate:
        line = _line("Prévoyance (employeur)", t1, settings.provident_employer_rate)
        employer.append(line)
        cover_employer += line.amount
    if cover_employer and not small:
        employer.append(
            _line(
                "Forfait social sur santé et prévoyance",
                cover_employer,
                params.forfait_social_prevoyance,
            )
        )
    coefficient = reduction_coefficient(params, gross, hours, settings.headcount)
    reduction = round_cent(gross * coefficient)
    if reduction:
        employer.append(
            SalaryLine(
                "Réduction générale des cotisations patronales",
                gross,
                coefficient * HUNDRED,
                -reduction,
            )
        )

    csg_base = round_cent(
        capped4 * params.csg_base_ratio / HUNDRED + (gross - capped4) + cover_employer
    )
    employee += [
        _line("CSG déductible", csg_base, params.csg_deductible),
        _line("CSG non déductible", csg_base, params.csg_non_deductible),
        _line("CRDS", csg_base, params.crds),
    ]
    if settings.health_employee:
        amount = round_cent(settings.health_employee)
        employee.append(SalaryLine("Complémentaire santé (salarié)", amount, None, amount))
    if settings.provident_employee_rate:
        employee.append(_line("Prévoyance (salarié)", t1, settings.provident_employee_rate))

    employer_total = sum((line.amount for line in employer), ZERO)
    employee_total = sum((line.amount for line in employee), ZERO)
    return SalaryResult(
        year=year,
        hours=hours,
        employer_cost=gross + employer_total,
        gross=gross,
        net=gross - employee_total,
        employer_contributions=employer_total,
        employee_contributions=employee_total,
        general_reduction=reduction,
        employer_lines=tuple(employer),
        employee_lines=tuple(employee),
    )


def _search_cents(low: int, high: int, ok: Callable[[int], bool]) -> int:
    """The largest n in [low, high] with ok(n), ok being true at low and monotone (true then
    false)."""
    while low < high:
        middle = (low + high + 1) // 2
        if ok(middle):
            low = middle
        else:
            high = middle - 1
    return low


def simulate(
    year: int,
    employer_cost: Decimal | None = None,
    net: Decimal | None = None,
    hours: Decimal = FULL_TIME_HOURS,
    *,
    gross: Decimal | None = None,
    settings: EmployerSettings | None = None,
) -> SalaryResult:
    """A month's salary from exactly one of: the employer cost available, the desired net, or
    the gross. Raises ValueError (French) on a bad request. An employer cost below what a gross
    of 0 already costs (a fixed health cover) gives a gross of 0."""
    given = [
        name
        for name, value in (("employer_cost", employer_cost), ("net", net), ("gross", gross))
        if value is not None
    ]
    if len(given) != 1:
        raise ValueError(
            "indiquez exactement un montant : le coût employeur disponible, le net souhaité "
            "ou le brut"
        )
    if isinstance(hours, int) and not isinstance(hours, bool):
        hours = Decimal(hours)
    if not isinstance(hours, Decimal) or not ZERO < hours <= Decimal("400"):
        raise ValueError(f"nombre d'heures {hours} impossible (entre 0 et 400 heures par mois)")
    params_for(year)  # a clear error for an unknown year before any search
    amount = employer_cost if employer_cost is not None else net if net is not None else gross
    assert amount is not None
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise ValueError(f"montant {amount} impossible : un nombre décimal positif est attendu")
    amount = round_cent(amount)
    if gross is not None:
        return from_gross(year, amount, hours, settings)

    def result(cents: int) -> SalaryResult:
        return from_gross(year, Decimal(cents) / 100, hours, settings)

    if employer_cost is not None:
        # The cost is at least the gross less the largest reduction (≈ 40 %), so the gross is
        # at most twice the cost.
        limit = int(amount * 100) * 2 + 100
        cents = _search_cents(0, limit, lambda c: result(c).employer_cost <= amount)
        return result(cents)
    if amount == 0:
        return result(0)
    # The net is at most the gross: the lowest gross paying the net is below twice the net.
    limit = int(amount * 100) * 2 + 100
    # The largest gross whose net is still short of the target; one cent more pays it.
    cents = _search_cents(0, limit, lambda c: result(c).net < amount)
    return result(cents + 1)


@dataclass(frozen=True)
class WhatIf:
    """The answer to "what if I invoice X this month?": the contribution X owes, what is left
    of it for the salary (employer cost), and the salary before and after."""

    extra_turnover: Decimal
    extra_contribution: Decimal
    extra_employer_cost: Decimal
    before: SalaryResult
    after: SalaryResult

    @property
    def extra_net(self) -> Decimal:
        return self.after.net - self.before.net


def what_if(
    year: int,
    available_before: Decimal,
    extra_turnover: Decimal,
    contribution_rule: ContributionRule,
    *,
    figures: MonthFigures | None = None,
    year_to_date_contribution: Decimal = ZERO,
    year_to_date_base: Decimal = ZERO,
    hours: Decimal = FULL_TIME_HOURS,
    settings: EmployerSettings | None = None,
) -> WhatIf:
    """Invoicing `extra_turnover` more (excluding VAT, external, without extra costs) this
    month, on top of `figures` (the month so far, zero by default), with `available_before`
    already available for salary (employer cost)."""
    if extra_turnover < 0:
        raise ValueError(f"chiffre d'affaires supplémentaire négatif ({extra_turnover} €)")
    figures = figures or MonthFigures(turnover=ZERO)
    before = contribution_for_month(
        contribution_rule, figures, year_to_date_contribution, year_to_date_base
    )
    after = contribution_for_month(
        contribution_rule,
        replace(figures, turnover=figures.turnover + extra_turnover),
        year_to_date_contribution,
        year_to_date_base,
    )
    extra_contribution = after - before
    extra_cost = round_cent(extra_turnover) - extra_contribution
    available_after = max(available_before + extra_cost, ZERO)
    return WhatIf(
        extra_turnover=extra_turnover,
        extra_contribution=extra_contribution,
        extra_employer_cost=extra_cost,
        before=simulate(year, employer_cost=available_before, hours=hours, settings=settings),
        after=simulate(year, employer_cost=available_after, hours=hours, settings=settings),
    )
