"""Treasury cover: what the cooperative advances for each activity, and the invoices overdue.

The cooperative pays salaries and expenses before the customers pay their invoices. An
activity's cash position on a day is, from its first day (amounts excluding VAT, the VAT
being the State's):

    cash received  = Σ payments received up to the day, each without its VAT share
                     (payment × the invoice's total HT / total TTC)
    cash spent     = Σ expenses (HT) up to the day + Σ salaries (employer cost) of the months
                     up to the day's month + Σ contributions of those months (activity
                     account, essaim.finance.selectors.accounts)
    cash position  = cash received − cash spent

The exposure is what the cooperative advances: −cash position when negative, else 0. It is
the account's running balance less what customers still owe, seen from the bank: an activity
whose customers pay late is exposed even when its account is positive. The cooperative's total
exposure is the sum over the activities (a positive position does not offset another member's
advance). Expenses are taken as paid on their date.

Beside it, per activity, what customers still owe on issued invoices (`receivable`, with VAT:
total − payments − issued credit notes) and its overdue part (due date passed): the cover of
the advance as it should come in.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Max, Sum
from django.utils import timezone

from essaim.core.models import AuditEntry
from essaim.finance.models import (
    Expense,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    SalaryEntry,
)
from essaim.finance.selectors.accounts import cents, history
from essaim.finance.selectors.invoicing import days_late, invoices_overdue, with_amount_due
from essaim.members.models import Activity

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
REMINDER_ACTION = "invoice.reminded"


@dataclass(frozen=True)
class Exposure:
    """An activity's cash position on a day (see the module doc)."""

    activity: Activity
    received: Decimal
    expenses: Decimal
    salaries: Decimal
    contributions: Decimal
    receivable: Decimal
    overdue: Decimal

    @property
    def spent(self) -> Decimal:
        return self.expenses + self.salaries + self.contributions

    @property
    def cash_position(self) -> Decimal:
        return self.received - self.spent

    @property
    def exposure(self) -> Decimal:
        return max(-self.cash_position, ZERO)

    @property
    def covered_by_receivable(self) -> bool:
        """Whether what customers still owe (without VAT, roughly) would cover the advance."""
        return self.receivable >= self.exposure


@dataclass(frozen=True)
class Treasury:
    day: dt.date
    exposures: list[Exposure]  # the largest exposure first

    @property
    def total_exposure(self) -> Decimal:
        return sum((e.exposure for e in self.exposures), ZERO)

    @property
    def total_receivable(self) -> Decimal:
        return sum((e.receivable for e in self.exposures), ZERO)

    @property
    def total_overdue(self) -> Decimal:
        return sum((e.overdue for e in self.exposures), ZERO)

    @property
    def exposed(self) -> list[Exposure]:
        return [e for e in self.exposures if e.exposure > 0]


def _filter(activities: Any, prefix: str) -> dict[str, Any]:
    if activities is None:
        return {}
    if isinstance(activities, Activity):
        return {prefix: activities}
    return {f"{prefix}__in": activities}


def treasury(*, today: dt.date | None = None, activities: Any = None) -> Treasury:
    """Each activity's exposure on `today` (default: today), the largest first, for every
    activity with a movement (or those of `activities`: one, a list or a queryset). Nine
    queries whatever the number of activities."""
    today = today or timezone.localdate()
    scope = [activities] if isinstance(activities, Activity) else activities
    received: dict[int, Decimal] = defaultdict(lambda: ZERO)
    payments = (
        Payment.objects.filter(**_filter(activities, "invoice__activity"), date__lte=today)
        .values("invoice__activity_id", "invoice__total_net", "invoice__total_gross")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in payments:
        gross = row["invoice__total_gross"]
        if gross:
            share = row["total"] * row["invoice__total_net"] / gross
            received[row["invoice__activity_id"]] += share.quantize(CENT, ROUND_HALF_UP)
    expenses = dict(
        Expense.objects.filter(**_filter(activities, "activity"), date__lte=today)
        .values("activity_id")
        .annotate(total=Sum("amount_net"))
        .order_by()
        .values_list("activity_id", "total")
    )
    salaries = dict(
        SalaryEntry.objects.filter(**_filter(activities, "activity"), month__lte=today)
        .values("activity_id")
        .annotate(total=Sum("employer_cost"))
        .order_by()
        .values_list("activity_id", "total")
    )
    contributions = {
        activity_id: sum((m.contribution for m in months), ZERO)
        for activity_id, months in history(scope, until=today, today=today).items()
    }
    receivable: dict[int, Decimal] = defaultdict(lambda: ZERO)
    overdue: dict[int, Decimal] = defaultdict(lambda: ZERO)
    open_invoices = (
        with_amount_due(
            Invoice.objects.filter(
                **_filter(activities, "activity"),
                kind=InvoiceKind.INVOICE,
                status=InvoiceStatus.ISSUED,
                issue_date__lte=today,
            )
        )
        .values_list("activity_id", "due_date", "amount_due")
        .order_by()
    )
    for activity_id, due_date, due in open_invoices:
        if due > 0:
            receivable[activity_id] += cents(due)
            if due_date is not None and due_date < today:
                overdue[activity_id] += cents(due)
    ids = set(received) | set(expenses) | set(salaries) | set(receivable)
    ids |= {activity_id for activity_id, total in contributions.items() if total}
    found = Activity.objects.filter(pk__in=ids).select_related("member")
    exposures = [
        Exposure(
            activity=activity,
            received=received.get(activity.pk, ZERO),
            expenses=cents(expenses.get(activity.pk)),
            salaries=cents(salaries.get(activity.pk)),
            contributions=contributions.get(activity.pk, ZERO),
            receivable=receivable.get(activity.pk, ZERO),
            overdue=overdue.get(activity.pk, ZERO),
        )
        for activity in found
    ]
    exposures.sort(key=lambda e: (-e.exposure, e.activity.name, e.activity.pk))
    return Treasury(day=today, exposures=exposures)


# ---------------------------------------------------------------------------------------------
# Overdue invoices


@dataclass(frozen=True)
class OverdueInvoice:
    invoice: Invoice  # with activity, member and customer loaded
    amount_due: Decimal
    days_late: int
    last_reminder: dt.datetime | None


def overdue_invoices(
    *, today: dt.date | None = None, activities: Iterable[Activity] | Any = None
) -> list[OverdueInvoice]:
    """Issued invoices past their due date with something still due (with VAT), the oldest
    due first, with their days late and the last reminder sent (two queries)."""
    today = today or timezone.localdate()
    invoices = list(invoices_overdue(today=today, activities=activities))
    reminders = dict(
        AuditEntry.objects.filter(
            action=REMINDER_ACTION,
            target_type=Invoice._meta.label_lower,
            target_id__in=[str(invoice.pk) for invoice in invoices],
        )
        .values("target_id")
        .annotate(last=Max("created_at"))
        .order_by()
        .values_list("target_id", "last")
    )
    return [
        OverdueInvoice(
            invoice=invoice,
            amount_due=cents(invoice.amount_due),
            days_late=days_late(invoice, today),
            last_reminder=reminders.get(str(invoice.pk)),
        )
        for invoice in invoices
    ]
