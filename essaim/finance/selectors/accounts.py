"""The activity account: month by month, what an activity earned, owed and paid.

For each month of a year (amounts excluding VAT, euros):

- turnover: issued invoices by issue date, minus issued credit notes by theirs (Σ total HT);
  `internal_turnover` is its part invoiced to other members (internal invoices);
- gross margin: turnover − the expenses of the margin categories (resold goods,
  sub-contracting, mission costs: models.MARGIN_CATEGORIES);
- contribution: the cooperative's rule in force that month (services.contribution), applied
  by essaim.finance.contribution with the year-to-date contribution and base, so that bands
  and the annual cap run over the calendar year. The fixed monthly part and the monthly
  minimum are due only for the months the member is under contract (a CAPE, CESA or
  associate stage covers part of the month, before their exit, and not after the current
  month); outside them the variable part alone applies;
- other expenses: the expenses of the other categories; salary cost: the employer cost of the
  month's salary (SalaryEntry);
- balance = gross margin − contribution − other expenses − salary cost; running balance: the
  balances carried from the activity's first month (previous years included);
- available for salary = the running balance when positive, else 0 (an employer cost).

Bulk: `activity_accounts(activities, year)` computes any number of activities with five
queries (invoices, expenses and salaries grouped by activity and month, contract stages,
rules); `activity_account(activity, year)` is the same for one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, DecimalField, F, Func, IntegerField, Q, QuerySet, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.finance import rules as finance_rules
from essaim.finance import salary
from essaim.finance.contribution import (
    ContributionRule,
    MonthFigures,
    contribution_for_month,
    month_base,
    rule_for,
)
from essaim.finance.models import (
    MARGIN_CATEGORIES,
    MONEY,
    Expense,
    ExpenseCategory,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    SalaryEntry,
)
from essaim.finance.selectors.invoicing import activities_finance_visible_to
from essaim.finance.services.contribution import rules_in_force
from essaim.members import path
from essaim.members.models import Activity, PathStage

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
CONTRACT_KINDS = (path.CAPE, path.CESA, path.ASSOCIATE)


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_of(index: int) -> dt.date:
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


@dataclass(frozen=True)
class MonthAccount:
    """One month of an activity's account (see the module doc). `year_to_date_contribution`
    and `year_to_date_base` are the year's contribution and base before this month."""

    month: dt.date
    turnover: Decimal
    internal_turnover: Decimal
    resold_goods: Decimal
    subcontracting: Decimal
    mission_costs: Decimal
    gross_margin: Decimal
    contribution: Decimal
    contribution_rule: str
    other_expenses: Decimal
    salary_cost: Decimal
    salary_net: Decimal
    balance: Decimal
    running_balance: Decimal
    available_for_salary: Decimal
    in_contract: bool
    year_to_date_contribution: Decimal = ZERO
    year_to_date_base: Decimal = ZERO

    @property
    def margin_costs(self) -> Decimal:
        return self.resold_goods + self.subcontracting + self.mission_costs

    @property
    def figures(self) -> MonthFigures:
        return MonthFigures(
            turnover=self.turnover,
            internal_turnover=self.internal_turnover,
            resold_goods=self.resold_goods,
            subcontracting=self.subcontracting,
            mission_costs=self.mission_costs,
        )


@dataclass(frozen=True)
class YearTotals:
    """A year's sums; `running_balance` and `available_for_salary` are those of its end."""

    turnover: Decimal
    internal_turnover: Decimal
    margin_costs: Decimal
    gross_margin: Decimal
    contribution: Decimal
    other_expenses: Decimal
    salary_cost: Decimal
    balance: Decimal
    opening_balance: Decimal
    running_balance: Decimal
    available_for_salary: Decimal


def year_totals(months: Sequence[MonthAccount]) -> YearTotals:
    def total(name: str) -> Decimal:
        return sum((getattr(m, name) for m in months), ZERO)

    last = months[-1] if months else None
    balance = total("balance")
    running = last.running_balance if last else ZERO
    return YearTotals(
        turnover=total("turnover"),
        internal_turnover=total("internal_turnover"),
        margin_costs=total("margin_costs"),
        gross_margin=total("gross_margin"),
        contribution=total("contribution"),
        other_expenses=total("other_expenses"),
        salary_cost=total("salary_cost"),
        balance=balance,
        opening_balance=running - balance,
        running_balance=running,
        available_for_salary=last.available_for_salary if last else ZERO,
    )


# ---------------------------------------------------------------------------------------------
# Collecting the figures: a few aggregate queries, grouped by activity and month


@dataclass
class _Raw:
    turnover: Decimal = ZERO
    internal_turnover: Decimal = ZERO
    resold_goods: Decimal = ZERO
    subcontracting: Decimal = ZERO
    mission_costs: Decimal = ZERO
    other_expenses: Decimal = ZERO
    salary_cost: Decimal = ZERO
    salary_net: Decimal = ZERO


@dataclass
class _ActivityData:
    months: dict[int, _Raw] = field(default_factory=lambda: defaultdict(_Raw))
    contract: list[tuple[int, int]] = field(default_factory=list)  # month index ranges


def _filter(activities: Any, prefix: str) -> dict[str, Any]:
    """The filter restricting a query to `activities` (None: every activity)."""
    if activities is None:
        return {}
    if isinstance(activities, QuerySet):
        return {f"{prefix}__in": activities.order_by().values("pk")}
    return {f"{prefix}__in": [a if isinstance(a, int) else a.pk for a in activities]}


def cents(value: Decimal | None) -> Decimal:
    """A sum from the database at the cent (SQLite gives sums with many trailing digits)."""
    return ZERO if value is None else value.quantize(CENT)


class MonthIndex(Func):
    """year × 12 + month − 1 of a date column, computed by the database as an integer.

    Django's TruncMonth runs a Python function per row on SQLite, and gives dates to convert
    back: on a year of 1,000 activities that is most of the time. SQLite's own strftime, and
    the standard EXTRACT elsewhere, keep it in the database."""

    output_field = IntegerField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(CAST(EXTRACT(YEAR FROM {sql}) AS INTEGER) * 12"
            f" + CAST(EXTRACT(MONTH FROM {sql}) AS INTEGER) - 1)",
            [*params, *params],
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(CAST(strftime(%s, {sql}) AS INTEGER) * 12"
            f" + CAST(strftime(%s, {sql}) AS INTEGER) - 1)",
            ["%Y", *params, "%m", *params],
        )


def collect(activities: Any, *, until: dt.date, today: dt.date) -> dict[int, _ActivityData]:
    """Every activity's monthly sums up to `until` (included), and its contract months up to
    `today`'s month. `activities`: activities, their ids, a queryset, or None for all."""
    data: dict[int, _ActivityData] = defaultdict(_ActivityData)
    signed = Case(
        When(kind=InvoiceKind.CREDIT_NOTE, then=-F("total_net")),
        default=F("total_net"),
        output_field=DecimalField(**MONEY),
    )
    invoices = (
        Invoice.objects.filter(
            **_filter(activities, "activity"), issue_date__isnull=False, issue_date__lte=until
        )
        .exclude(status=InvoiceStatus.DRAFT)
        .annotate(month=MonthIndex("issue_date"))
        .values("activity_id", "month")
        .annotate(
            turnover=Sum(signed),
            internal=Sum(signed, filter=Q(internal=True)),
        )
        .values_list("activity_id", "month", "turnover", "internal")
        .order_by()
    )
    for activity_id, month, turnover, internal in invoices:
        raw = data[activity_id].months[month]
        raw.turnover = cents(turnover)
        raw.internal_turnover = cents(internal)
    expenses = (
        Expense.objects.filter(**_filter(activities, "activity"), date__lte=until)
        .annotate(month=MonthIndex("date"))
        .values("activity_id", "month")
        .annotate(
            resold_goods=Sum("amount_net", filter=Q(category=ExpenseCategory.RESOLD_GOODS)),
            subcontracting=Sum("amount_net", filter=Q(category=ExpenseCategory.SUBCONTRACTING)),
            mission_costs=Sum("amount_net", filter=Q(category=ExpenseCategory.MISSION)),
            other_expenses=Sum("amount_net", filter=~Q(category__in=MARGIN_CATEGORIES)),
        )
        .values_list(
            "activity_id", "month", "resold_goods", "subcontracting", "mission_costs",
            "other_expenses",
        )
        .order_by()
    )  # fmt: skip
    for activity_id, month, resold, subcontracting, mission, other in expenses:
        raw = data[activity_id].months[month]
        raw.resold_goods = cents(resold)
        raw.subcontracting = cents(subcontracting)
        raw.mission_costs = cents(mission)
        raw.other_expenses = cents(other)
    salaries = (
        SalaryEntry.objects.filter(**_filter(activities, "activity"), month__lte=until)
        .values_list("activity_id", "month", "employer_cost", "net")
        .order_by()
    )
    for activity_id, month, cost, net in salaries:
        raw = data[activity_id].months[month_index(month)]
        raw.salary_cost += cents(cost)
        raw.salary_net += cents(net)
    stages = (
        PathStage.objects.filter(
            **_filter(activities, "member__activity"),
            member__activity__isnull=False,
            kind__in=CONTRACT_KINDS,
            start__lte=today,
        )
        .values_list("member__activity", "start", "end", "member__exit_date")
        .order_by()
    )
    last_contract_month = month_index(today)
    for activity_id, start, end, exit_date in stages:
        ends = [day for day in (end, exit_date) if day is not None]
        stop = min(month_index(min(ends)) if ends else last_contract_month, last_contract_month)
        if stop >= month_index(start):
            data[activity_id].contract.append((month_index(start), stop))
    return data


# ---------------------------------------------------------------------------------------------
# Computing the months


class _Rules:
    """The rule of each month, with and without its fixed parts, computed once per month."""

    def __init__(self, rules: list[ContributionRule]) -> None:
        self.rules = rules
        self.cache: dict[tuple[int, bool], ContributionRule] = {}

    def of(self, index: int, in_contract: bool) -> ContributionRule:
        key = (index, in_contract)
        if key not in self.cache:
            rule = rule_for(self.rules, month_of(index))
            if not in_contract:
                rule = dataclasses.replace(rule, monthly_minimum=ZERO, fixed_monthly=ZERO)
            self.cache[key] = rule
        return self.cache[key]


def compute_months(
    data: _ActivityData, rules: _Rules, first: int | None, last: int
) -> list[MonthAccount]:
    """The months from the activity's first one (its first figure or contract month; or
    `first` if earlier) to `last`, with contributions and running balances."""
    starts = [*data.months, *(start for start, _stop in data.contract)]
    if first is not None:
        starts.append(first)
    if not starts:
        return []
    contract = {index for start, stop in data.contract for index in range(start, stop + 1)}
    running = ZERO
    paid = base = ZERO
    result = []
    empty = _Raw()
    for index in range(min(starts), last + 1):
        if index % 12 == 0:
            paid = base = ZERO
        raw = data.months.get(index, empty)
        in_contract = index in contract
        rule = rules.of(index, in_contract)
        figures = MonthFigures(
            turnover=raw.turnover,
            internal_turnover=raw.internal_turnover,
            resold_goods=raw.resold_goods,
            subcontracting=raw.subcontracting,
            mission_costs=raw.mission_costs,
        )
        if raw is empty and not in_contract:
            contribution, month_normal = ZERO, ZERO
        else:
            contribution = contribution_for_month(rule, figures, paid, base)
            month_normal = month_base(rule, figures).normal
        margin = figures.gross_margin
        balance = margin - contribution - raw.other_expenses - raw.salary_cost
        running += balance
        result.append(
            MonthAccount(
                month=month_of(index),
                turnover=raw.turnover,
                internal_turnover=raw.internal_turnover,
                resold_goods=raw.resold_goods,
                subcontracting=raw.subcontracting,
                mission_costs=raw.mission_costs,
                gross_margin=margin,
                contribution=contribution,
                contribution_rule=rule.name,
                other_expenses=raw.other_expenses,
                salary_cost=raw.salary_cost,
                salary_net=raw.salary_net,
                balance=balance,
                running_balance=running,
                available_for_salary=max(running, ZERO),
                in_contract=in_contract,
                year_to_date_contribution=paid,
                year_to_date_base=base,
            )
        )
        paid += contribution
        base += month_normal
    return result


def _empty_month(index: int, rule: ContributionRule, running: Decimal) -> MonthAccount:
    return MonthAccount(
        month=month_of(index),
        turnover=ZERO,
        internal_turnover=ZERO,
        resold_goods=ZERO,
        subcontracting=ZERO,
        mission_costs=ZERO,
        gross_margin=ZERO,
        contribution=ZERO,
        contribution_rule=rule.name,
        other_expenses=ZERO,
        salary_cost=ZERO,
        salary_net=ZERO,
        balance=ZERO,
        running_balance=running,
        available_for_salary=max(running, ZERO),
        in_contract=False,
    )


def history(
    activities: Any, *, until: dt.date, today: dt.date | None = None
) -> dict[int, list[MonthAccount]]:
    """Every month of each activity from its first one to `until`'s month (activities with
    no figure and no contract month are absent)."""
    today = today or timezone.localdate()
    data = collect(activities, until=until, today=today)
    rules = _Rules(rules_in_force())
    last = month_index(until)
    return {
        activity_id: compute_months(activity_data, rules, None, last)
        for activity_id, activity_data in data.items()
    }


def activity_accounts(
    activities: Iterable[Activity] | QuerySet[Activity], year: int, *, today: dt.date | None = None
) -> dict[int, list[MonthAccount]]:
    """The 12 months of `year` of each activity, by activity id (see the module doc). Five
    queries whatever the number of activities. `today` (default: today) ends the months of
    contract (a month to come owes no fixed part)."""
    if not isinstance(activities, QuerySet):
        activities = list(activities)
    ids = (
        list(activities.order_by().values_list("pk", flat=True))
        if isinstance(activities, QuerySet)
        else [a.pk for a in activities]
    )
    first, last = month_index(dt.date(year, 1, 1)), month_index(dt.date(year, 12, 1))
    today = today or timezone.localdate()
    data = collect(activities, until=dt.date(year, 12, 31), today=today)
    rules = _Rules(rules_in_force())
    result = {}
    for activity_id in ids:
        months = compute_months(data.get(activity_id, _ActivityData()), rules, first, last)
        months = [m for m in months if m.month.year == year]
        if not months:  # no figure at all: a year of zeros
            months = [_empty_month(i, rules.of(i, False), ZERO) for i in range(first, last + 1)]
        result[activity_id] = months
    return result


def activity_account(
    activity: Activity, year: int, *, today: dt.date | None = None
) -> list[MonthAccount]:
    """The 12 months of an activity's account for `year`."""
    return activity_accounts([activity], year, today=today)[activity.pk]


def activity_account_for(
    *, user: Any, activity: Activity, year: int, today: dt.date | None = None
) -> list[MonthAccount]:
    """The account as `user` may see it: the member, their advisor and management staff;
    PermissionDenied for anyone else (rules.can_see_activity_finance)."""
    if not finance_rules.can_see_activity_finance(user, activity):
        raise PermissionDenied(_("Ce compte d'activité ne vous est pas accessible."))
    return activity_account(activity, year, today=today)


def accounts_visible_to(
    *, user: Any, year: int, today: dt.date | None = None
) -> list[tuple[Activity, YearTotals]]:
    """The year's totals of every activity the user may see (an advisor: their members';
    management: all), by activity name; six queries in all."""
    activities = list(activities_finance_visible_to(user))
    accounts = activity_accounts(activities, year, today=today)
    return [(activity, year_totals(accounts[activity.pk])) for activity in activities]


# ---------------------------------------------------------------------------------------------
# "What if I invoice X this month?"


def salary_what_if(
    *,
    activity: Activity,
    extra_turnover: Decimal,
    day: dt.date | None = None,
    hours: Decimal = salary.FULL_TIME_HOURS,
) -> salary.WhatIf:
    """Invoicing `extra_turnover` more (excluding VAT) in `day`'s month: the contribution it
    owes and the salary it adds, from the account as it stands (essaim.finance.salary.what_if).
    The amount available before is what the month could pay: its running balance before its
    own salary. ValueError (French) for a year without payroll parameters."""
    day = day or timezone.localdate()
    months = activity_account(activity, day.year, today=max(day, timezone.localdate()))
    month = months[day.month - 1]
    available = max(month.running_balance + month.salary_cost, ZERO)
    rule = rule_for(rules_in_force(), month.month)
    if not month.in_contract:
        rule = dataclasses.replace(rule, monthly_minimum=ZERO, fixed_monthly=ZERO)
    return salary.what_if(
        day.year,
        available,
        extra_turnover,
        rule,
        figures=month.figures,
        year_to_date_contribution=month.year_to_date_contribution,
        year_to_date_base=month.year_to_date_base,
        hours=hours,
    )
