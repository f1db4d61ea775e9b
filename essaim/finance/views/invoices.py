"""Invoices and credit notes of an activity: the list with its filters, a draft (new, changed,
deleted), one document, "Émettre", the Factur-X PDF, payments, "Faire un avoir", and the
reminder of an overdue invoice (management).

The PDF is never a public media file: it is served here to who may see the invoice, and
rendered on the spot when it is missing (the demo and bulk issues leave it to be rendered on
first download).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core.views_utils import form_page
from essaim.finance import rules
from essaim.finance.forms.invoicing import (
    CreditNoteForm,
    DocumentForm,
    InternalInvoiceForm,
    InvoiceFilterForm,
    PaymentForm,
    amount_text,
    line_formset,
    line_initial,
)
from essaim.finance.models import Invoice, InvoiceKind, InvoiceStatus, Payment
from essaim.finance.selectors.invoicing import (
    creditable_amount,
    customers_of_activity,
    days_late,
    invoice_years,
    invoices_of_activity,
    vat_breakdown,
)
from essaim.finance.selectors.invoicing import (
    invoice_detail as invoice_with_rows,
)
from essaim.finance.services.documents import (
    credit_note_create,
    invoice_delete,
    invoice_issue,
    invoice_save,
)
from essaim.finance.services.internal import internal_invoice_create
from essaim.finance.services.payments import payment_delete, payment_record
from essaim.finance.services.treasury import invoice_remind
from essaim.finance.views.common import (
    activity_context,
    activity_of,
    object_of,
    run_action,
)
from essaim.finance.views.documents import document_page
from essaim.marketplace.models import Deal


@login_required
@require_GET
def invoice_list(request: HttpRequest, activity: int | None = None) -> HttpResponse:
    found = activity_of(request, activity)
    filters = InvoiceFilterForm(request.GET or None, years=invoice_years(found))
    invoices = invoices_of_activity(found, **filters.filters())
    page = Paginator(invoices, settings.ESSAIM_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = activity_context(request, found) | {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
    }
    return render(request, "finance/invoicing_invoice_list.html", context)


def _detail_url(invoice: Invoice) -> str:
    return reverse("finance:invoice_detail", args=[invoice.pk])


def _draft_page(request: HttpRequest, activity: Any, invoice: Invoice | None) -> HttpResponse:
    initial = lines = None
    if invoice is not None:
        initial = {
            "customer": invoice.customer_id,
            "subject": invoice.subject,
            "notes": invoice.notes,
        }
        lines = line_initial(invoice.lines.all())
    customers = customers_of_activity(activity)
    if invoice is not None and invoice.kind == InvoiceKind.CREDIT_NOTE:
        customers = customers.filter(pk=invoice.customer_id)

    def save(data: dict[str, Any], rows: list[dict[str, Any]]) -> Invoice:
        return invoice_save(
            actor=request.user,
            activity=activity,
            invoice=invoice,
            customer=data["customer"],
            subject=data["subject"],
            notes=data["notes"],
            lines=rows,
        )

    if invoice is None:
        title = _("Nouvelle facture")
    elif invoice.kind == InvoiceKind.CREDIT_NOTE:
        title = _("Modifier le brouillon d'avoir")
    else:
        title = _("Modifier le brouillon de facture")
    return document_page(
        request,
        form=DocumentForm(request.POST or None, initial=initial, customers=customers),
        formset=line_formset(request.POST or None, initial=lines),
        save=save,
        done=_("Brouillon enregistré. Vérifiez-le, puis émettez-le."),
        next_url=_detail_url,
        context=activity_context(request, activity)
        | {
            "title": title,
            "back_url": _detail_url(invoice)
            if invoice
            else reverse("finance:invoice_list", args=[activity.pk]),
            "document_kind": "invoice",
            "no_customer": not customers.exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invoice_create(request: HttpRequest, activity: int | None = None) -> HttpResponse:
    return _draft_page(request, activity_of(request, activity, edit=True), None)


@login_required
@require_http_methods(["GET", "POST"])
def deal_invoice_create(request: HttpRequest, deal: int) -> HttpResponse:
    """An internal invoice for a marketplace deal: from the provider's activity to the deal's
    buyer (made their customer if needed), linked to the deal; its issue records the buyer's
    purchase (services.internal)."""
    activity = activity_of(request, None, edit=True)
    found = get_object_or_404(Deal.objects.select_related("buyer"), pk=deal)
    share = found.provider_links.filter(member_id=activity.member_id).first()
    if share is None:
        raise PermissionDenied(_("Vous n'êtes pas prestataire de cette affaire."))
    amount = share.amount if share.amount is not None else found.amount
    lines = [
        {
            "label": found.title,
            "quantity": "1",
            "unit": "XPK",
            "unit_price": amount_text(amount) if amount is not None else "",
            "vat_rate": "20.0",
        }
    ]

    def save(data: dict[str, Any], rows: list[dict[str, Any]]) -> Invoice:
        return internal_invoice_create(
            actor=request.user,
            provider_activity=activity,
            buyer_member=found.buyer,
            subject=data["subject"],
            notes=data["notes"],
            lines=rows,
            deal=found,
        )

    return document_page(
        request,
        form=InternalInvoiceForm(request.POST or None, initial={"subject": found.title}),
        formset=line_formset(request.POST or None, initial=lines),
        save=save,
        done=_("Facture interne créée. Vérifiez-la, puis émettez-la."),
        next_url=_detail_url,
        context=activity_context(request, activity)
        | {
            "title": _("Facturer l'affaire « %(t)s » à %(m)s")
            % {"t": found.title, "m": found.buyer},
            "back_url": reverse("finance:invoice_list", args=[activity.pk]),
            "document_kind": "internal",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invoice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = object_of(request, Invoice.objects.all(), pk, edit=True)
    if invoice.status != InvoiceStatus.DRAFT:
        messages.error(request, _("Une facture émise ne se modifie plus : faites un avoir."))
        return redirect(_detail_url(invoice))
    return _draft_page(request, invoice.activity, invoice)


@login_required
@require_GET
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    checked = object_of(request, Invoice.objects.all(), pk)
    invoice = invoice_with_rows(user=request.user, pk=checked.pk)
    context = activity_context(request, invoice.activity)
    can_edit = context["can_edit"]
    issued = invoice.status != InvoiceStatus.DRAFT
    is_invoice = invoice.kind == InvoiceKind.INVOICE
    context |= {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "groups": vat_breakdown(invoice),
        "payments": list(invoice.payments.all()),
        "credit_notes": list(invoice.credit_notes.all()),
        "is_draft": not issued,
        "can_pay": can_edit and issued and is_invoice and invoice.amount_due > 0,
        "can_credit": can_edit and issued and is_invoice and creditable_amount(invoice) > 0,
        "can_remind": rules.can_manage_finance(request.user)
        and issued
        and is_invoice
        and invoice.amount_due > 0
        and days_late(invoice) > 0,
        "days_late": days_late(invoice) if issued and is_invoice else 0,
    }
    return render(request, "finance/invoicing_invoice_detail.html", context)


@login_required
@require_POST
def invoice_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = object_of(request, Invoice.objects.all(), pk, edit=True)
    return run_action(
        request,
        lambda: invoice_issue(actor=request.user, invoice=invoice),
        done=_("Document émis : son numéro est attribué, il ne se modifie plus."),
        next_url=_detail_url(invoice),
    )


@login_required
@require_POST
def invoice_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = object_of(request, Invoice.objects.all(), pk, edit=True)
    return run_action(
        request,
        lambda: invoice_delete(actor=request.user, invoice=invoice),
        done=_("Brouillon supprimé."),
        next_url=reverse("finance:invoice_list", args=[invoice.activity_id]),
        failed_url=_detail_url(invoice),
    )


@login_required
@require_GET
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The Factur-X PDF, to who may see the invoice; rendered now when it is missing."""
    from essaim.finance import facturx

    invoice = object_of(request, Invoice.objects.select_related("customer", "corrects"), pk)
    if invoice.status == InvoiceStatus.DRAFT:
        raise Http404(_("Un brouillon n'a pas de PDF : émettez d'abord le document."))
    pdf = None
    if invoice.pdf.name:
        try:
            with invoice.pdf.storage.open(invoice.pdf.name, "rb") as handle:
                pdf = handle.read()
        except FileNotFoundError:
            pdf = None
    if pdf is None:
        try:
            pdf = facturx.render_invoice(invoice)
        except facturx.FacturXError as error:
            messages.error(request, str(error))
            return redirect(_detail_url(invoice))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{facturx.pdf_filename(invoice)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def payment_create(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = object_of(request, Invoice.objects.all(), pk, edit=True)
    invoice = invoice_with_rows(user=request.user, pk=invoice.pk)
    return form_page(
        request,
        PaymentForm(request.POST or None, initial={"amount": amount_text(invoice.amount_due)}),
        save=lambda data: payment_record(actor=request.user, invoice=invoice, **data),
        done=_("Paiement enregistré."),
        next_url=_detail_url(invoice),
        template="finance/invoicing_form.html",
        context=activity_context(request, invoice.activity)
        | {
            "title": _("Paiement de la facture %(n)s") % {"n": invoice.number},
            "invoice": invoice,
            "back_url": _detail_url(invoice),
        },
    )


@login_required
@require_POST
def payment_delete_view(request: HttpRequest, pk: int, payment: int) -> HttpResponse:
    invoice = object_of(request, Invoice.objects.all(), pk, edit=True)
    found = get_object_or_404(Payment, pk=payment, invoice=invoice)
    return run_action(
        request,
        lambda: payment_delete(actor=request.user, payment=found),
        done=_("Paiement retiré : la facture le doit de nouveau."),
        next_url=_detail_url(invoice),
    )


@login_required
@require_http_methods(["GET", "POST"])
def credit_note_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = object_of(request, Invoice.objects.select_related("customer"), pk, edit=True)

    def save(data: dict[str, Any], rows: list[dict[str, Any]]) -> Invoice:
        return credit_note_create(
            actor=request.user, invoice=invoice, lines=rows, reason=data["reason"]
        )

    return document_page(
        request,
        form=CreditNoteForm(request.POST or None),
        formset=line_formset(request.POST or None, initial=line_initial(invoice.lines.all())),
        save=save,
        done=_("Brouillon d'avoir créé. Vérifiez-le, puis émettez-le."),
        next_url=_detail_url,
        context=activity_context(request, invoice.activity)
        | {
            "title": _("Avoir sur la facture %(n)s") % {"n": invoice.number},
            "back_url": _detail_url(invoice),
            "document_kind": "credit_note",
            "invoice": invoice,
            "creditable": creditable_amount(invoice),
        },
    )


@login_required
@require_POST
def invoice_remind_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not rules.can_manage_finance(request.user):
        raise PermissionDenied(_("Cette page n'est pas accessible avec votre rôle."))
    invoice = get_object_or_404(Invoice, pk=pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("finance:treasury")
    return run_action(
        request,
        lambda: invoice_remind(actor=request.user, invoice=invoice),
        done=_("Relance enregistrée : le membre est prévenu et relancera son client."),
        next_url=back or reverse("finance:treasury"),
    )
