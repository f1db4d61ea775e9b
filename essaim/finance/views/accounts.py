"""The activity account (12 months of a year), the salary simulation ("what if I invoice X this
month?"), and the advisor's follow-up of their members (alerts and accounts)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from essaim.core.views_utils import allowed, form_page
from essaim.finance import rules, salary
from essaim.finance.forms.accounts import SalaryForm, SimulationForm, WhatIfForm
from essaim.finance.salary_params import PARAMS
from essaim.finance.selectors.accounts import (
    activity_account,
    activity_accounts,
    salary_what_if,
    year_totals,
)
from essaim.finance.selectors.alerts import alerts_for_members, alerts_visible_to
from essaim.finance.selectors.invoicing import activities_finance_visible_to
from essaim.finance.services.salaries import salary_record
from essaim.finance.views.common import activity_context, activity_of, year_from
from essaim.members.models import Member


@login_required
@require_GET
def account(request: HttpRequest, activity: int | None = None) -> HttpResponse:
    found = activity_of(request, activity)
    year = year_from(request)
    months = activity_account(found, year)
    this_year = timezone.localdate().year
    context = activity_context(request, found) | {
        "year": year,
        "years": list(range(this_year, this_year - 6, -1)),
        "months": months,
        "totals": year_totals(months),
        "salaries": list(found.salaries.filter(month__year=year).order_by("month")),
    }
    return render(request, "finance/accounts_account.html", context)


def _years() -> list[int]:
    return sorted(PARAMS, reverse=True)


@login_required
@require_GET
def simulation(request: HttpRequest, activity: int | None = None) -> HttpResponse:
    """A calculator (GET, nothing written): the salary an amount pays or a net costs, and
    what invoicing X more this month would add."""
    found = activity_of(request, activity)
    today = timezone.localdate()
    years = _years()
    default_year = today.year if today.year in years else years[0]
    asked = "amount" in request.GET
    form = SimulationForm(
        request.GET if asked else None,
        years=years,
        initial={"year": default_year, "mode": SimulationForm.EMPLOYER_COST},
    )
    result = error = None
    if asked and form.is_valid():
        data = form.cleaned_data
        amount_key = "employer_cost" if data["mode"] == SimulationForm.EMPLOYER_COST else "net"
        try:
            result = salary.simulate(
                data["year"], hours=data["hours"], **{amount_key: data["amount"]}
            )
        except ValueError as exc:
            error = str(exc)
    what_if_asked = "extra" in request.GET
    what_if_form = WhatIfForm(request.GET if what_if_asked else None)
    what_if = what_if_error = None
    if what_if_asked and what_if_form.is_valid():
        try:
            what_if = salary_what_if(
                activity=found, extra_turnover=what_if_form.cleaned_data["extra"]
            )
        except ValueError as exc:
            what_if_error = str(exc)
    months = activity_account(found, today.year)
    month = months[today.month - 1]
    context = activity_context(request, found) | {
        "form": form,
        "result": result,
        "error": error,
        "what_if_form": what_if_form,
        "what_if": what_if,
        "what_if_error": what_if_error,
        "month": month,
        "available_now": max(month.running_balance + month.salary_cost, Decimal(0)),
    }
    return render(request, "finance/accounts_simulation.html", context)


@allowed(rules.can_manage_finance)
@require_http_methods(["GET", "POST"])
def salary_create(request: HttpRequest, activity: int) -> HttpResponse:
    found = activity_of(request, activity, edit=True)
    back = reverse("finance:account", args=[found.pk])
    return form_page(
        request,
        SalaryForm(request.POST or None, initial={"month": timezone.localdate().replace(day=1)}),
        save=lambda data: salary_record(actor=request.user, activity=found, **data),
        done=_("Salaire enregistré."),
        next_url=back,
        template="finance/invoicing_form.html",
        context=activity_context(request, found)
        | {"title": _("Enregistrer un salaire"), "back_url": back},
    )


@allowed(rules.can_see_alerts)
@require_GET
def followed(request: HttpRequest) -> HttpResponse:
    """The advisor's members (management: every member, page by page): this year's figures,
    and the alerts with a suggested next step — all the advisor's members' alerts; for
    management, those of the members on the page (computing every member's is too long)."""
    year = timezone.localdate().year
    activities = activities_finance_visible_to(request.user)
    page = Paginator(activities, settings.ESSAIM_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    accounts = activity_accounts(shown, year)
    rows = [(activity, year_totals(accounts[activity.pk])) for activity in shown]
    context = {
        "year": year,
        "page": page,
        "rows": rows,
        "alerts": (
            alerts_for_members(Member.objects.filter(activity__in=shown))
            if rules.can_manage_finance(request.user)
            else alerts_visible_to(request.user)
        ),
        "page_alerts": rules.can_manage_finance(request.user),
        "nav": "finance",
    }
    return render(request, "finance/accounts_followed.html", context)
