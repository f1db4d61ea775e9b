"""Estimates of an activity: the list, a new one with its lines, a change, one estimate (its
status, and "Transformer en facture")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.finance.forms.invoicing import (
    EstimateFilterForm,
    EstimateForm,
    EstimateStatusForm,
    line_formset,
    line_initial,
)
from essaim.finance.models import Estimate, EstimateStatus
from essaim.finance.selectors.invoicing import (
    customers_of_activity,
    estimates_of_activity,
    vat_breakdown,
)
from essaim.finance.selectors.invoicing import (
    estimate_detail as estimate_with_lines,
)
from essaim.finance.services.documents import (
    ESTIMATE_EDITABLE,
    ESTIMATE_TRANSITIONS,
    estimate_save,
    estimate_set_status,
    estimate_to_invoice,
)
from essaim.finance.views.common import activity_context, activity_of, object_of, run_action
from essaim.finance.views.documents import document_page

ZERO = Decimal("0.00")
# What each status button says, in the order they are offered.
STATUS_ACTIONS = {
    EstimateStatus.SENT: gettext_lazy("Marquer comme envoyé"),
    EstimateStatus.ACCEPTED: gettext_lazy("Marquer comme accepté"),
    EstimateStatus.REFUSED: gettext_lazy("Marquer comme refusé"),
    EstimateStatus.DRAFT: gettext_lazy("Repasser en brouillon"),
}


@login_required
@require_GET
def estimate_list(request: HttpRequest, activity: int | None = None) -> HttpResponse:
    found = activity_of(request, activity)
    filters = EstimateFilterForm(request.GET or None)
    estimates = estimates_of_activity(found, **filters.filters())
    page = Paginator(estimates, settings.ESSAIM_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = activity_context(request, found) | {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
    }
    return render(request, "finance/invoicing_estimate_list.html", context)


def _estimate_page(request: HttpRequest, activity: Any, estimate: Estimate | None) -> HttpResponse:
    initial = None
    lines = None
    if estimate is not None:
        initial = {
            "customer": estimate.customer_id,
            "subject": estimate.subject,
            "date": estimate.date,
            "valid_until": estimate.valid_until,
            "notes": estimate.notes,
        }
        lines = line_initial(estimate.lines.all())

    def save(data: dict[str, Any], rows: list[dict[str, Any]]) -> Estimate:
        return estimate_save(
            actor=request.user,
            activity=activity,
            estimate=estimate,
            customer=data["customer"],
            subject=data["subject"],
            date=data["date"],
            valid_until=data["valid_until"],
            notes=data["notes"],
            lines=rows,
        )

    return document_page(
        request,
        form=EstimateForm(
            request.POST or None, initial=initial, customers=customers_of_activity(activity)
        ),
        formset=line_formset(request.POST or None, initial=lines),
        save=save,
        done=_("Devis enregistré."),
        next_url=lambda saved: reverse("finance:estimate_detail", args=[saved.pk]),
        context=activity_context(request, activity)
        | {
            "title": _("Modifier le devis %(n)s") % {"n": estimate.number}
            if estimate
            else _("Nouveau devis"),
            "back_url": reverse("finance:estimate_detail", args=[estimate.pk])
            if estimate
            else reverse("finance:estimate_list", args=[activity.pk]),
            "document_kind": "estimate",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def estimate_create(request: HttpRequest, activity: int | None = None) -> HttpResponse:
    return _estimate_page(request, activity_of(request, activity, edit=True), None)


@login_required
@require_http_methods(["GET", "POST"])
def estimate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    estimate = object_of(request, Estimate.objects.all(), pk, edit=True)
    if estimate.status not in ESTIMATE_EDITABLE:
        messages.error(
            request, _("Un devis accepté ou facturé ne se modifie plus : faites-en un nouveau.")
        )
        return redirect("finance:estimate_detail", pk)
    return _estimate_page(request, estimate.activity, estimate)


@login_required
@require_GET
def estimate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    estimate = object_of(request, Estimate.objects.all(), pk)
    estimate = estimate_with_lines(user=request.user, pk=pk)
    lines = list(estimate.lines.all())
    groups = vat_breakdown(estimate)
    total_net = sum((line.net for line in lines), ZERO)
    total_vat = sum((group.vat for group in groups), ZERO)
    context = activity_context(request, estimate.activity) | {
        "estimate": estimate,
        "lines": lines,
        "groups": groups,
        "total_net": total_net,
        "total_vat": total_vat,
        "total_gross": total_net + total_vat,
        "editable": estimate.status in ESTIMATE_EDITABLE,
        "status_actions": [
            (status, STATUS_ACTIONS[status])
            for status in STATUS_ACTIONS
            if status in ESTIMATE_TRANSITIONS[estimate.status]
        ],
        "invoiceable": estimate.status not in (EstimateStatus.INVOICED, EstimateStatus.REFUSED)
        and bool(lines),
    }
    return render(request, "finance/invoicing_estimate_detail.html", context)


@login_required
@require_POST
def estimate_status(request: HttpRequest, pk: int) -> HttpResponse:
    estimate = object_of(request, Estimate.objects.all(), pk, edit=True)
    form = EstimateStatusForm(request.POST)
    status = form.cleaned_data["status"] if form.is_valid() else request.POST.get("status", "")
    detail = reverse("finance:estimate_detail", args=[pk])
    return run_action(
        request,
        lambda: estimate_set_status(actor=request.user, estimate=estimate, status=status),
        done=_("État du devis mis à jour."),
        next_url=detail,
    )


@login_required
@require_POST
def estimate_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    estimate = object_of(request, Estimate.objects.all(), pk, edit=True)
    return run_action(
        request,
        lambda: estimate_to_invoice(actor=request.user, estimate=estimate),
        done=_("Facture créée d'après le devis : vérifiez-la, puis émettez-la."),
        next_url=lambda invoice: reverse("finance:invoice_detail", args=[invoice.pk]),
        failed_url=reverse("finance:estimate_detail", args=[pk]),
    )
