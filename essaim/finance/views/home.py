"""/finance/: the member's finance home — their activity account at a glance, the latest
invoices, what is overdue, and the few actions of every day. Advisors are sent to their
members' follow-up, management to the treasury."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from essaim.core import roles
from essaim.finance.selectors.accounts import activity_account, year_totals
from essaim.finance.selectors.invoicing import invoices_of_activity
from essaim.finance.selectors.treasury import overdue_invoices
from essaim.finance.views.common import activity_context, activity_of

RECENT = 5


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if roles.is_management(request.user):
        return redirect("finance:treasury")
    if roles.is_advisor(request.user):
        return redirect("finance:followed")
    activity = activity_of(request, None)
    today = timezone.localdate()
    months = activity_account(activity, today.year, today=today)
    context = activity_context(request, activity) | {
        "year": today.year,
        "totals": year_totals(months),
        "month": months[today.month - 1],
        "recent": list(invoices_of_activity(activity)[:RECENT]),
        "overdue": overdue_invoices(today=today, activities=activity),
    }
    return render(request, "finance/invoicing_home.html", context)
