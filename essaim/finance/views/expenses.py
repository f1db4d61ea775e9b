"""Expenses of an activity: the list of a year, a new one with its receipt, a change, a
deletion, and the receipt file (served to who may see the activity's accounts, never as a
public media file)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core.views_utils import form_page
from essaim.finance.forms.accounts import ExpenseForm
from essaim.finance.forms.invoicing import amount_text
from essaim.finance.models import Expense
from essaim.finance.services.expenses import expense_delete, expense_save
from essaim.finance.views.common import (
    activity_context,
    activity_of,
    object_of,
    run_action,
    year_from,
)

RECEIPT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


@login_required
@require_GET
def expense_list(request: HttpRequest, activity: int | None = None) -> HttpResponse:
    found = activity_of(request, activity)
    year = year_from(request)
    expenses = Expense.objects.filter(activity=found, date__year=year).select_related(
        "internal_invoice"
    )
    totals = expenses.aggregate(net=Sum("amount_net"), vat=Sum("vat"))
    page = Paginator(expenses.order_by("-date", "-id"), settings.ESSAIM_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = activity_context(request, found) | {
        "page": page,
        "year": year,
        "years": list(range(year + 1, year - 4, -1)),
        "totals": totals,
        "query": f"annee={year}",
    }
    return render(request, "finance/accounts_expense_list.html", context)


def _expense_page(request: HttpRequest, activity: Any, expense: Expense | None) -> HttpResponse:
    initial = None
    if expense is not None:
        initial = {
            "date": expense.date,
            "category": expense.category,
            "supplier": expense.supplier,
            "label": expense.label,
            "amount_net": amount_text(expense.amount_net),
            "vat": amount_text(expense.vat),
        }
    posted = request.method == "POST"
    form = ExpenseForm(
        request.POST if posted else None, request.FILES if posted else None, initial=initial
    )

    def save(data: dict[str, Any]) -> Expense:
        return expense_save(actor=request.user, activity=activity, expense=expense, **data)

    back = reverse("finance:expense_list", args=[activity.pk])
    return form_page(
        request,
        form,
        save=save,
        done=_("Dépense enregistrée."),
        next_url=back,
        template="finance/invoicing_form.html",
        context=activity_context(request, activity)
        | {
            "title": _("Modifier la dépense") if expense else _("Nouvelle dépense"),
            "back_url": back,
            "multipart": True,
            "expense": expense,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def expense_create(request: HttpRequest, activity: int | None = None) -> HttpResponse:
    return _expense_page(request, activity_of(request, activity, edit=True), None)


@login_required
@require_http_methods(["GET", "POST"])
def expense_edit(request: HttpRequest, pk: int) -> HttpResponse:
    expense = object_of(request, Expense.objects.all(), pk, edit=True)
    return _expense_page(request, expense.activity, expense)


@login_required
@require_POST
def expense_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    expense = object_of(request, Expense.objects.all(), pk, edit=True)
    back = reverse("finance:expense_list", args=[expense.activity_id])
    return run_action(
        request,
        lambda: expense_delete(actor=request.user, expense=expense),
        done=_("Dépense supprimée."),
        next_url=back,
    )


@login_required
@require_GET
def expense_receipt(request: HttpRequest, pk: int) -> FileResponse:
    expense = object_of(request, Expense.objects.all(), pk)
    if not expense.receipt.name:
        raise Http404(_("Cette dépense n'a pas de justificatif."))
    try:
        handle = expense.receipt.storage.open(expense.receipt.name, "rb")
    except FileNotFoundError:
        raise Http404(_("Le fichier de ce justificatif est introuvable.")) from None
    extension = expense.receipt.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        handle,
        content_type=RECEIPT_TYPES.get(extension, "application/octet-stream"),
        as_attachment=extension == "pdf",
        filename=f"justificatif-{expense.pk}.{extension}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
