"""Activity alerts for the advisor: the rules of essaim.finance.alerts applied to the members'
activity accounts, with the suggested next step.

Who is looked at: the members in CAPE, CESA or associate (not those who left or only came to
an information meeting) who have an activity. `today` sets the period: the last 3 full months
are the 3 calendar months before today's month.

- Sudden and durable drop (alerts.sudden_drop): the monthly turnover of the account (invoices
  minus credit notes), from the activity's first month.
- Income below the RSA or the SMIC (alerts.income_below), compared with the amounts in force
  on the last day of the last full month. The monthly income is the average over the last 3
  full months of:
  - for a member in CESA or associate (salaried): the net salary paid (SalaryEntry.net, a
    month without salary counting 0);
  - for a member in CAPE (not paid by the cooperative): the net salary the activity could pay,
    i.e. essaim.finance.salary.simulate from the employer cost = the average monthly result
    before salary (gross margin − contribution − other expenses), 0 when not positive.
  Only when the 3 months are all months under contract (a new member is not alerted before
  three full months).

Six queries whatever the number of members (no query per member).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from essaim.core import roles
from essaim.finance import alerts, salary
from essaim.finance.selectors.accounts import MonthAccount, history, month_index
from essaim.members.models import Activity, CurrentStage, Member

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
WATCHED_STAGES = (CurrentStage.CAPE, CurrentStage.CESA, CurrentStage.ASSOCIATE)
SALARIED_STAGES = (CurrentStage.CESA, CurrentStage.ASSOCIATE)


@dataclass(frozen=True)
class MemberAlert:
    member: Member
    activity: Activity
    alert: alerts.Alert

    @property
    def kind(self) -> str:
        return self.alert.kind

    @property
    def message(self) -> str:
        return self.alert.message

    @property
    def next_step(self) -> str:
        return self.alert.next_step


def monthly_income(member: Member, recent: list[MonthAccount], year: int) -> Decimal | None:
    """The member's monthly net income over `recent` months (see the module doc), or None
    when it cannot be said (not under contract all along, no payroll figures for the year)."""
    if len(recent) < alerts.RECENT_MONTHS or not all(m.in_contract for m in recent):
        return None
    if member.stage in SALARIED_STAGES:
        total = sum((m.salary_net for m in recent), ZERO)
        return (total / len(recent)).quantize(CENT, ROUND_HALF_UP)
    result = sum((m.gross_margin - m.contribution - m.other_expenses for m in recent), ZERO)
    available = (result / len(recent)).quantize(CENT, ROUND_HALF_UP)
    if available <= 0:
        return ZERO
    try:
        return salary.simulate(year, employer_cost=available).net
    except ValueError:
        return None


def member_alerts(member: Member, months: list[MonthAccount], today: dt.date) -> list[alerts.Alert]:
    """The alerts of one member from their account's months up to the last full month."""
    found = []
    drop = alerts.sudden_drop([(m.month, m.turnover) for m in months], today)
    if drop is not None:
        found.append(drop)
    current = month_index(today)
    recent = [m for m in months if current - alerts.RECENT_MONTHS <= month_index(m.month) < current]
    last_day = today.replace(day=1) - dt.timedelta(days=1)
    income = monthly_income(member, recent, last_day.year)
    if income is not None:
        try:
            below = alerts.income_below(income, last_day)
        except LookupError:  # no RSA or SMIC known for the period
            below = None
        if below is not None:
            found.append(below)
    return found


def alerts_for_members(
    members: QuerySet[Member], *, today: dt.date | None = None
) -> list[MemberAlert]:
    """The alerts of the watched members among `members`, by member name."""
    today = today or timezone.localdate()
    watched = list(
        members.filter(stage__in=WATCHED_STAGES, activity__isnull=False)
        .select_related("activity")
        .order_by("last_name", "first_name", "id")
    )
    if not watched:
        return []
    last_full_month_end = today.replace(day=1) - dt.timedelta(days=1)
    accounts = history(
        [member.activity for member in watched], until=last_full_month_end, today=today
    )
    found = []
    for member in watched:
        months = accounts.get(member.activity.pk, [])
        for alert in member_alerts(member, months, today):
            found.append(MemberAlert(member=member, activity=member.activity, alert=alert))
    return found


def alerts_for_advisor(advisor: Any, *, today: dt.date | None = None) -> list[MemberAlert]:
    """The alerts of the members the advisor follows."""
    return alerts_for_members(Member.objects.filter(advisor=advisor), today=today)


def alerts_visible_to(user: Any, *, today: dt.date | None = None) -> list[MemberAlert]:
    """An advisor sees their members' alerts, management every member's; nobody else any."""
    if roles.is_management(user):
        return alerts_for_members(Member.objects.all(), today=today)
    if roles.is_advisor(user):
        return alerts_for_advisor(user, today=today)
    return []
