"""Management's finance pages: the treasury (each member's exposure and the total, overdue
invoices to remind), the contribution rules (a preset from a date), the cooperative's identity
printed on documents, and the accounting export (FEC)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core.views_utils import allowed, form_page
from essaim.finance import rules
from essaim.finance.forms.accounts import ContributionRuleForm, CooperativeForm, FecForm
from essaim.finance.models import ContributionRuleRecord, Cooperative
from essaim.finance.selectors.fec import fec_filename, write_fec
from essaim.finance.selectors.treasury import overdue_invoices
from essaim.finance.selectors.treasury import treasury as treasury_of
from essaim.finance.services.contribution import (
    DEFAULT_PRESET,
    contribution_rule_delete,
    contribution_rule_set,
    default_rule,
)
from essaim.finance.services.cooperative import IDENTITY_FIELDS, cooperative_save
from essaim.finance.views.common import run_action


@allowed(rules.can_manage_finance)
@require_GET
def treasury(request: HttpRequest) -> HttpResponse:
    found = treasury_of()
    context = {
        "treasury": found,
        "exposed": found.exposed,
        "overdue": overdue_invoices(today=found.day),
        "nav": "finance",
    }
    return render(request, "finance/accounts_treasury.html", context)


@allowed(rules.can_manage_finance)
@require_http_methods(["GET", "POST"])
def contribution(request: HttpRequest) -> HttpResponse:
    back = reverse("finance:contribution")
    return form_page(
        request,
        ContributionRuleForm(request.POST or None, initial={"preset": DEFAULT_PRESET}),
        save=lambda data: contribution_rule_set(actor=request.user, **data),
        done=_("Règle de contribution enregistrée."),
        next_url=back,
        template="finance/accounts_contribution.html",
        context={
            "records": ContributionRuleRecord.objects.select_related("created_by").order_by(
                "-valid_from"
            ),
            "default": default_rule(),
            "nav": "finance",
        },
    )


@allowed(rules.can_manage_finance)
@require_POST
def contribution_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(ContributionRuleRecord, pk=pk)
    return run_action(
        request,
        lambda: contribution_rule_delete(actor=request.user, record=record),
        done=_("Règle retirée : la règle précédente s'applique de nouveau à partir de sa date."),
        next_url=reverse("finance:contribution"),
    )


@allowed(rules.can_manage_finance)
@require_http_methods(["GET", "POST"])
def cooperative(request: HttpRequest) -> HttpResponse:
    current = Cooperative.objects.order_by("pk").first()
    initial = {name: getattr(current, name) for name in IDENTITY_FIELDS} if current else None
    form = CooperativeForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Cooperative:
        return cooperative_save(
            actor=request.user, **{name: data[name] for name in IDENTITY_FIELDS}
        )

    return form_page(
        request,
        form,
        save=save,
        done=_("Identité de la coopérative enregistrée."),
        next_url=reverse("finance:cooperative"),
        template="finance/invoicing_form.html",
        context={
            "title": _("Identité de la coopérative"),
            "intro": _(
                "Ces informations sont imprimées sur chaque facture et avoir. Les documents "
                "déjà émis gardent celles du jour de leur émission."
            ),
            "nav": "finance",
        },
    )


@allowed(rules.can_manage_finance)
@require_GET
def exports(request: HttpRequest) -> HttpResponse:
    """The FEC of a year: a form (GET), or the file when the year is given."""
    form = FecForm(request.GET or None)
    if request.GET and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            name = fec_filename(year)
        except ValueError as exc:
            message = str(exc)
            messages.error(request, message[:1].upper() + message[1:] + ".")
            return redirect("finance:exports")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            try:
                write_fec(year, path)
            except ValueError as exc:
                messages.error(request, str(exc))
                return redirect("finance:exports")
            content = path.read_bytes()
        response = HttpResponse(content, content_type="text/plain; charset=iso-8859-15")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "finance/accounts_exports.html", {"form": form, "nav": "finance"})
