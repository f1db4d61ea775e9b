"""Reads of customers, estimates, invoices and credit notes that pages, the API and the other
finance areas reuse. Every list carries what its rows show (no query per row).

What a customer still owes on an invoice (`amount_due`) = total with VAT − payments − issued
credit notes; the lists annotate it, with `credited` (the issued credit notes' total).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from essaim.core import roles
from essaim.finance import amounts
from essaim.finance.models import (
    MONEY,
    Customer,
    DocumentLine,
    Estimate,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
)
from essaim.members.models import Activity


def _visible(user: Any, prefix: str) -> Q | None:
    """The finance visibility rule as a filter (rules.can_see_activity_finance): management
    sees every activity, an advisor their members', an entrepreneur their own."""
    if roles.is_management(user):
        return Q()
    if roles.is_advisor(user):
        return Q(**{f"{prefix}member__advisor": user})
    if roles.is_entrepreneur(user):
        return Q(**{f"{prefix}member__user": user})
    return None


def activities_finance_visible_to(user: Any) -> QuerySet[Activity]:
    rule = _visible(user, "")
    qs = Activity.objects.select_related("member")
    return qs.none() if rule is None else qs.filter(rule).order_by("name", "id")


# ---------------------------------------------------------------------------------------------
# Amounts due


def _money(expression: Any) -> Any:
    return ExpressionWrapper(expression, output_field=DecimalField(**MONEY))


def credited_subquery() -> Coalesce:
    """Σ total with VAT of the issued credit notes correcting the outer invoice."""
    notes = (
        Invoice.objects.filter(corrects=OuterRef("pk"), kind=InvoiceKind.CREDIT_NOTE)
        .exclude(status=InvoiceStatus.DRAFT)
        .order_by()
        .values("corrects")
        .annotate(total=Sum("total_gross"))
        .values("total")
    )
    return Coalesce(
        Subquery(notes, output_field=DecimalField(**MONEY)),
        Value(Decimal("0.00")),
        output_field=DecimalField(**MONEY),
    )


def with_amount_due(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate `credited` and `amount_due` (0 for a draft or a credit note)."""
    return qs.annotate(credited=credited_subquery()).annotate(
        amount_due=Case(
            When(
                Q(kind=InvoiceKind.INVOICE) & ~Q(status=InvoiceStatus.DRAFT),
                then=_money(F("total_gross") - F("paid") - F("credited")),
            ),
            default=Value(Decimal("0.00")),
            output_field=DecimalField(**MONEY),
        )
    )


def days_late(invoice: Invoice, today: dt.date | None = None) -> int:
    """Days since the due date (0 when not yet due)."""
    if invoice.due_date is None:
        return 0
    return max(((today or timezone.localdate()) - invoice.due_date).days, 0)


# ---------------------------------------------------------------------------------------------
# Invoices


def invoices_of_activity(
    activity: Activity,
    *,
    status: str = "",
    kind: str = "",
    year: int | None = None,
) -> QuerySet[Invoice]:
    """An activity's invoices and credit notes, drafts first then the latest issued; rows carry
    their customer and corrected invoice, `credited` and `amount_due`."""
    qs = Invoice.objects.filter(activity=activity).select_related("customer", "corrects")
    if status in InvoiceStatus.values:
        qs = qs.filter(status=status)
    if kind in InvoiceKind.values:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(Q(issue_date__year=year) | Q(issue_date__isnull=True, created_at__year=year))
    return with_amount_due(qs).order_by(F("issue_date").desc(nulls_first=True), "-id")


def invoice_years(activity: Activity) -> list[int]:
    """The years the activity issued documents in, latest first (a year filter's choices)."""
    dates = Invoice.objects.filter(activity=activity, issue_date__isnull=False).dates(
        "issue_date", "year", order="DESC"
    )
    return [day.year for day in dates]


def invoices_overdue(*, today: dt.date | None = None, activities: Any = None) -> QuerySet[Invoice]:
    """Issued invoices past their due date with something still due, the oldest due first;
    rows carry their activity, member and customer (`days_late(invoice)` gives the delay).
    `activities`: an activity, a list or a queryset of them to restrict to."""
    today = today or timezone.localdate()
    qs = Invoice.objects.filter(
        kind=InvoiceKind.INVOICE, status=InvoiceStatus.ISSUED, due_date__lt=today
    )
    if isinstance(activities, Activity):
        qs = qs.filter(activity=activities)
    elif activities is not None:
        qs = qs.filter(activity__in=activities)
    return (
        with_amount_due(qs)
        .filter(amount_due__gt=0)
        .select_related("activity__member", "customer")
        .order_by("due_date", "id")
    )


def invoices_visible_to(user: Any) -> QuerySet[Invoice]:
    """Every invoice and credit note the user may see (finance rules), with amounts due."""
    rule = _visible(user, "activity__")
    if rule is None:
        return Invoice.objects.none()
    return with_amount_due(
        Invoice.objects.filter(rule).select_related("activity__member", "customer", "corrects")
    ).order_by(F("issue_date").desc(nulls_first=True), "-id")


def invoice_detail(*, user: Any, pk: int) -> Invoice:
    """One document the user may see, with its lines, payments and credit notes (raises
    Invoice.DoesNotExist otherwise)."""
    return (
        invoices_visible_to(user)
        .select_related("estimate", "deal")
        .prefetch_related(
            Prefetch("lines", queryset=DocumentLine.objects.order_by("position", "id")),
            Prefetch("payments", queryset=Payment.objects.order_by("date", "id")),
            Prefetch("credit_notes", queryset=Invoice.objects.order_by("issue_date", "id")),
        )
        .get(pk=pk)
    )


def vat_rate_of(stored: str) -> Decimal:
    """A stored rate ("20.0", "5.5") as amounts writes it (20, 5.5)."""
    rate = Decimal(stored)
    return next((allowed for allowed in amounts.ALLOWED_VAT_RATES if allowed == rate), rate)


def _amount_lines(lines: Any) -> list[amounts.Line]:
    return [
        amounts.Line(
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount=line.discount,
            vat_rate=vat_rate_of(line.vat_rate),
            exemption_reason=line.exemption_reason,
        )
        for line in lines
    ]


def vat_breakdown(document: Invoice | Estimate) -> tuple[amounts.VatBreakdown, ...]:
    """The VAT groups (rate, base, VAT, exemption reason) of a document's lines."""
    return amounts.breakdown(_amount_lines(document.lines.all()))


def creditable_amount(invoice: Invoice) -> Decimal:
    """What a new credit note may still credit on an invoice (credit notes issued or drafted
    already count)."""
    credited = Invoice.objects.filter(corrects=invoice, kind=InvoiceKind.CREDIT_NOTE).aggregate(
        total=Sum("total_gross")
    )["total"] or Decimal(0)
    return max(invoice.total_gross - credited, Decimal(0))


# ---------------------------------------------------------------------------------------------
# Estimates and customers


def estimates_of_activity(
    activity: Activity, *, status: str = "", year: int | None = None
) -> QuerySet[Estimate]:
    qs = Estimate.objects.filter(activity=activity).select_related("customer")
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(date__year=year)
    return qs.annotate(
        total_net=Coalesce(
            Sum("lines__net"), Value(Decimal("0.00")), output_field=DecimalField(**MONEY)
        )
    ).order_by("-date", "-id")


def estimates_visible_to(user: Any) -> QuerySet[Estimate]:
    rule = _visible(user, "activity__")
    if rule is None:
        return Estimate.objects.none()
    return Estimate.objects.filter(rule).select_related("activity__member", "customer")


def estimate_detail(*, user: Any, pk: int) -> Estimate:
    return (
        estimates_visible_to(user)
        .prefetch_related(
            Prefetch("lines", queryset=DocumentLine.objects.order_by("position", "id")),
            Prefetch("invoices", queryset=Invoice.objects.order_by("-id")),
        )
        .get(pk=pk)
    )


def customers_of_activity(activity: Activity, *, kind: str = "") -> QuerySet[Customer]:
    qs = Customer.objects.filter(activity=activity).select_related("member")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name", "id")


def customers_visible_to(user: Any) -> QuerySet[Customer]:
    rule = _visible(user, "activity__")
    if rule is None:
        return Customer.objects.none()
    return Customer.objects.filter(rule).select_related("activity__member", "member")
