"""Customers of an activity: the list, a new one, a change. The SIRET, SIREN and VAT number are
checked by the service, whose French message shows on the field concerned."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from essaim.core.views_utils import form_page
from essaim.finance.forms.invoicing import CustomerForm
from essaim.finance.models import Customer
from essaim.finance.selectors.invoicing import customers_of_activity
from essaim.finance.services.customers import customer_save
from essaim.finance.views.common import activity_context, activity_of, object_of
from essaim.members.models import CurrentStage, Member

PRESENT = (CurrentStage.CAPE, CurrentStage.CESA, CurrentStage.ASSOCIATE)


def internal_customer_choices(activity: Any) -> Any:
    """The members an activity may invoice internally: present, with an activity, not itself."""
    return (
        Member.objects.filter(stage__in=PRESENT, exit_date__isnull=True, activity__isnull=False)
        .exclude(pk=activity.member_id)
        .order_by("last_name", "first_name", "id")
    )


@login_required
@require_GET
def customer_list(request: HttpRequest, activity: int | None = None) -> HttpResponse:
    found = activity_of(request, activity)
    page = Paginator(customers_of_activity(found), settings.ESSAIM_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = activity_context(request, found) | {"page": page}
    return render(request, "finance/invoicing_customer_list.html", context)


def _customer_page(request: HttpRequest, activity: Any, customer: Customer | None) -> HttpResponse:
    initial = CustomerForm.initial_of(customer) if customer else None
    form = CustomerForm(
        request.POST or None, initial=initial, members=internal_customer_choices(activity)
    )

    def save(data: dict[str, Any]) -> Customer:
        return customer_save(actor=request.user, activity=activity, customer=customer, **data)

    return form_page(
        request,
        form,
        save=save,
        done=_("Client enregistré."),
        next_url=reverse("finance:customer_list", args=[activity.pk]),
        template="finance/invoicing_form.html",
        context=activity_context(request, activity)
        | {
            "title": _("Modifier le client") if customer else _("Nouveau client"),
            "back_url": reverse("finance:customer_list", args=[activity.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request: HttpRequest, activity: int | None = None) -> HttpResponse:
    return _customer_page(request, activity_of(request, activity, edit=True), None)


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = object_of(request, Customer.objects.all(), pk, edit=True)
    return _customer_page(request, customer.activity, customer)
