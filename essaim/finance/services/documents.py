"""Estimates, invoices and credit notes: drafts free to edit, issue (numbered, frozen), and
corrections by credit note. The arithmetic is essaim.finance.amounts (EN 16931), never redone.

Issuing runs in one transaction: validate the lines, compute and freeze the totals, take the
number of the cooperative's series under its row lock, set the due date, record the internal
purchase of an internal invoice, write the audit entry. The Factur-X PDF is rendered once that
transaction has committed (`transaction.on_commit`): rendering takes a fraction of a second and
must not hold the numbering lock, and a rendering failure must not cancel a lawful issue. The
PDF is rendered again on demand when it is missing (the download page does it).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.audit import diff, log_action
from essaim.core.models import User
from essaim.finance import amounts
from essaim.finance.models import (
    Customer,
    CustomerKind,
    DocumentLine,
    Estimate,
    EstimateStatus,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Unit,
    VatRate,
)
from essaim.finance.services import numbering
from essaim.members.models import Activity

logger = logging.getLogger(__name__)

# The stored form of each allowed VAT rate ("20.0", "5.5"...), by its value.
VAT_CHOICES: dict[Decimal, str] = {Decimal(choice.value): choice.value for choice in VatRate}
# What the columns hold (models.DocumentLine, MONEY): beyond, the database would refuse.
MAX_QUANTITY = Decimal("1e9")
MAX_UNIT_PRICE = Decimal("1e8")
MAX_TOTAL = Decimal("1e10")

NBSP = "\u00a0"


def format_eur(value: Decimal) -> str:
    """1234.5 → "1 234,50 €" (no-break space between thousands)."""
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NBSP.join(groups)},{cents} €"


class DocumentLinesError(ValidationError):
    """Errors in a document's lines: `line_errors` lists (line index from 0 or None, field,
    French message) so a form can show each on its row; the messages name the line."""

    def __init__(self, line_errors: Sequence[tuple[int | None, str, str]]) -> None:
        self.line_errors = [(i, f, _capitalize(m)) for i, f, m in line_errors]
        super().__init__({"lines": [m for _i, _f, m in self.line_errors]})


def _capitalize(message: str) -> str:
    return message[:1].upper() + message[1:]


# ---------------------------------------------------------------------------------------------
# Lines


@dataclass(frozen=True)
class CleanLine:
    """A checked line, ready to store: the stored fields and its amounts.Line."""

    label: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount: Decimal
    vat_rate: str
    exemption_reason: str
    line: amounts.Line

    def stored(self, position: int, net: Decimal, **document: Any) -> DocumentLine:
        return DocumentLine(
            position=position,
            label=self.label,
            quantity=self.quantity,
            unit=self.unit,
            unit_price=self.unit_price,
            discount=self.discount,
            vat_rate=self.vat_rate,
            exemption_reason=self.exemption_reason,
            net=net,
            **document,
        )


def parse_decimal(value: object) -> object:
    """A typed number as a Decimal ("1 200,50" → 1200.50); anything else unchanged, so that
    amounts says it is not a number. Floats stay floats: money is never a float."""
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return value
        return number if number.is_finite() else value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _vat_rate(value: object) -> object:
    """The allowed rate as amounts writes it ("20.0" → 20, "5,5" → 5.5), or what was typed."""
    number = parse_decimal(value)
    if isinstance(number, Decimal):
        for rate in amounts.ALLOWED_VAT_RATES:
            if number == rate:
                return rate
    return number


LineErrors = list[tuple[int | None, str, str]]


def _clean_line(index: int, raw: Mapping[str, Any]) -> tuple[CleanLine | None, LineErrors]:
    """One typed line checked: the line ready to store, or its errors."""
    errors: LineErrors = []
    where = _("ligne %(n)s : ") % {"n": index + 1}
    label = " ".join(str(raw.get("label") or "").split())
    if not label:
        errors.append((index, "label", where + _("désignation manquante")))
    elif len(label) > 255:
        errors.append((index, "label", where + _("désignation de plus de 255 caractères")))
    unit = str(raw.get("unit") or Unit.UNIT)
    if unit not in Unit.values:
        known = ", ".join(str(u.label) for u in Unit)
        message = _("unité « %(u)s » inconnue (%(known)s)") % {"u": unit, "known": known}
        errors.append((index, "unit", where + message))
    reason = " ".join(str(raw.get("exemption_reason") or "").split())
    if len(reason) > 255:
        message = _("motif d'exonération de plus de 255 caractères")
        errors.append((index, "exemption_reason", where + message))
    rate = raw.get("vat_rate")
    if rate in (None, ""):
        errors.append((index, "vat_rate", where + _("taux de TVA manquant")))
        return None, errors
    discount = raw.get("discount")
    line = amounts.Line(
        quantity=parse_decimal(raw.get("quantity")),  # type: ignore[arg-type]
        unit_price=parse_decimal(raw.get("unit_price")),  # type: ignore[arg-type]
        discount=parse_decimal(0 if discount in (None, "") else discount),  # type: ignore[arg-type]
        vat_rate=_vat_rate(rate),  # type: ignore[arg-type]
        exemption_reason=reason,
    )
    errors.extend(amounts.validate_line(index, line))
    if errors:
        return None, errors
    if line.quantity >= MAX_QUANTITY:
        return None, [(index, "quantity", where + _("quantité trop grande"))]
    if line.unit_price >= MAX_UNIT_PRICE:
        return None, [(index, "unit_price", where + _("prix unitaire trop grand"))]
    return CleanLine(
        label=label,
        quantity=line.quantity,
        unit=unit,
        unit_price=line.unit_price,
        discount=line.discount,
        vat_rate=VAT_CHOICES[Decimal(line.vat_rate)],
        exemption_reason=line.exemption_reason if line.vat_rate == 0 else "",
        line=line,
    ), []


def clean_lines(
    lines: Sequence[Mapping[str, Any]], *, required: bool
) -> tuple[list[CleanLine], amounts.Totals | None]:
    """Check the lines as typed (dicts with label, quantity, unit, unit_price, discount,
    vat_rate, exemption_reason) and compute their totals; `DocumentLinesError` lists every
    error. `required`: no line at all is an error (issue), else allowed (a draft)."""
    errors: LineErrors = []
    if required and not lines:
        errors.append((None, "lines", _("Le document n'a aucune ligne : ajoutez-en au moins une.")))
    cleaned: list[CleanLine] = []
    for index, raw in enumerate(lines):
        line, line_errors = _clean_line(index, raw)
        errors.extend(line_errors)
        if line is not None:
            cleaned.append(line)
    if errors:
        raise DocumentLinesError(errors)
    if not cleaned:
        return cleaned, None
    totals = amounts.compute_totals([c.line for c in cleaned])
    if totals.total_ttc >= MAX_TOTAL:
        raise DocumentLinesError(
            [(None, "lines", _("Le total dépasse ce qu'une facture peut porter ici."))]
        )
    return cleaned, totals


def line_dicts(lines: Sequence[DocumentLine]) -> list[dict[str, Any]]:
    """Stored lines back as the dicts the services take (to copy or re-check a document)."""
    return [
        {
            "label": line.label,
            "quantity": line.quantity,
            "unit": line.unit,
            "unit_price": line.unit_price,
            "discount": line.discount,
            "vat_rate": line.vat_rate,
            "exemption_reason": line.exemption_reason,
        }
        for line in lines
    ]


def _replace_lines(
    cleaned: Sequence[CleanLine], totals: amounts.Totals | None, **document: Any
) -> None:
    DocumentLine.objects.filter(**document).delete()
    nets = totals.line_nets if totals is not None else ()
    DocumentLine.objects.bulk_create(
        [
            c.stored(i + 1, net, **document)
            for i, (c, net) in enumerate(zip(cleaned, nets, strict=True))
        ]
    )


def _check_customer(activity: Activity, customer: Customer) -> None:
    if customer.activity_id != activity.pk:
        raise ValidationError(
            {
                "customer": _("%(c)s n'est pas un client de l'enseigne %(a)s.")
                % {"c": customer, "a": activity}
            }
        )


def _subject(value: str) -> str:
    subject = " ".join((value or "").split())
    if not subject:
        raise ValidationError({"subject": _("Donnez l'objet du document.")})
    if len(subject) > 255:
        raise ValidationError({"subject": _("L'objet tient en 255 caractères au plus.")})
    return subject


# ---------------------------------------------------------------------------------------------
# Estimates

ESTIMATE_FIELDS = ("customer_id", "subject", "date", "valid_until", "notes", "status")
ESTIMATE_EDITABLE = (EstimateStatus.DRAFT, EstimateStatus.SENT, EstimateStatus.REFUSED)
ESTIMATE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    EstimateStatus.DRAFT: (EstimateStatus.SENT, EstimateStatus.ACCEPTED, EstimateStatus.REFUSED),
    EstimateStatus.SENT: (EstimateStatus.ACCEPTED, EstimateStatus.REFUSED, EstimateStatus.DRAFT),
    EstimateStatus.REFUSED: (EstimateStatus.DRAFT, EstimateStatus.SENT),
    EstimateStatus.ACCEPTED: (EstimateStatus.REFUSED,),
    EstimateStatus.INVOICED: (),
}


ISSUE_FIELDS = (
    "number",
    "issue_date",
    "due_date",
    "total_net",
    "total_vat",
    "total_gross",
    "status",
    "issued_at",
)


def sync_fields(target: Any, source: Any, fields: Sequence[str]) -> None:
    """Copy fields written under a row lock back onto the caller's (possibly stale) object."""
    if target is not source:
        for field in fields:
            setattr(target, field, getattr(source, field))


def _snapshot(obj: Any, fields: Sequence[str]) -> dict[str, Any]:
    return {field: getattr(obj, field) for field in fields}


def _estimate_number(activity: Activity, day: dt.date) -> str:
    """D-2026-0007: the activity's 7th estimate of 2026 (estimates need no gapless series)."""
    rank = Estimate.objects.filter(activity=activity, date__year=day.year).count() + 1
    return f"D-{day.year}-{rank:04d}"


@transaction.atomic
def estimate_save(
    *,
    actor: User | None,
    activity: Activity,
    customer: Customer,
    subject: str,
    lines: Sequence[Mapping[str, Any]],
    notes: str = "",
    date: dt.date | None = None,
    valid_until: dt.date | None = None,
    estimate: Estimate | None = None,
) -> Estimate:
    """Create (estimate=None) or edit an estimate and its lines (replaced as a whole)."""
    _check_customer(activity, customer)
    subject = _subject(subject)
    date = date or (estimate.date if estimate is not None else timezone.localdate())
    if valid_until is not None and valid_until < date:
        raise ValidationError({"valid_until": _("La date de validité est avant la date du devis.")})
    cleaned, totals = clean_lines(lines, required=False)
    if estimate is None:
        estimate = Estimate.objects.create(
            activity=activity,
            customer=customer,
            number=_estimate_number(activity, date),
            subject=subject,
            date=date,
            valid_until=valid_until,
            notes=notes or "",
        )
        _replace_lines(cleaned, totals, estimate=estimate)
        log_action(
            actor=actor,
            action="estimate.created",
            target=estimate,
            data={
                "customer": customer,
                "lines": len(cleaned),
                "total_net": totals.total_ht if totals else Decimal(0),
            },
        )
        return estimate
    estimate = Estimate.objects.select_for_update().get(pk=estimate.pk)
    if estimate.activity_id != activity.pk:
        raise ValidationError(_("Ce devis appartient à une autre enseigne."))
    if estimate.status not in ESTIMATE_EDITABLE:
        raise ValidationError(
            _("Un devis accepté ou facturé ne se modifie plus : faites-en un nouveau.")
        )
    before = _snapshot(estimate, ESTIMATE_FIELDS)
    estimate.customer = customer
    estimate.subject = subject
    estimate.date = date
    estimate.valid_until = valid_until
    estimate.notes = notes or ""
    estimate.save()
    _replace_lines(cleaned, totals, estimate=estimate)
    log_action(
        actor=actor,
        action="estimate.updated",
        target=estimate,
        changes=diff(before, _snapshot(estimate, ESTIMATE_FIELDS)),
        data={"lines": len(cleaned), "total_net": totals.total_ht if totals else Decimal(0)},
    )
    return estimate


@transaction.atomic
def estimate_set_status(*, actor: User | None, estimate: Estimate, status: str) -> Estimate:
    """Sent, accepted, refused (or back to draft); "invoiced" comes from estimate_to_invoice."""
    estimate = Estimate.objects.select_for_update().get(pk=estimate.pk)
    if status not in EstimateStatus.values:
        raise ValidationError({"status": _("État de devis inconnu : %(v)s.") % {"v": status}})
    if status == estimate.status:
        return estimate
    if status not in ESTIMATE_TRANSITIONS[estimate.status]:
        raise ValidationError(
            {
                "status": _("Un devis « %(from)s » ne peut pas passer à « %(to)s ».")
                % {
                    "from": EstimateStatus(estimate.status).label,
                    "to": EstimateStatus(status).label,
                }
            }
        )
    before = estimate.status
    estimate.status = status
    estimate.save(update_fields=["status"])
    log_action(
        actor=actor,
        action="estimate.status_changed",
        target=estimate,
        changes={"status": [before, status]},
    )
    return estimate


@transaction.atomic
def estimate_to_invoice(*, actor: User | None, estimate: Estimate) -> Invoice:
    """A draft invoice copying the estimate's customer, subject, notes and lines; the estimate
    becomes "invoiced"."""
    estimate = (
        Estimate.objects.select_for_update()
        .select_related("activity", "customer")
        .get(pk=estimate.pk)
    )
    if estimate.status == EstimateStatus.INVOICED:
        raise ValidationError(_("Ce devis a déjà été transformé en facture."))
    if estimate.status == EstimateStatus.REFUSED:
        raise ValidationError(
            _("Ce devis a été refusé : repassez-le en brouillon avant de le facturer.")
        )
    lines = list(estimate.lines.all())
    if not lines:
        raise ValidationError(_("Ce devis n'a aucune ligne : rien à facturer."))
    invoice = invoice_save(
        actor=actor,
        activity=estimate.activity,
        customer=estimate.customer,
        subject=estimate.subject,
        lines=line_dicts(lines),
        notes=estimate.notes,
    )
    invoice.estimate = estimate
    invoice.save(update_fields=["estimate"])
    before = estimate.status
    estimate.status = EstimateStatus.INVOICED
    estimate.save(update_fields=["status"])
    log_action(
        actor=actor,
        action="estimate.invoiced",
        target=estimate,
        changes={"status": [before, estimate.status]},
        data={"invoice": invoice.pk},
    )
    return invoice


# ---------------------------------------------------------------------------------------------
# Invoices and credit notes (drafts)

INVOICE_FIELDS = ("customer_id", "subject", "notes", "total_net", "total_vat", "total_gross")


def _refuse_if_issued(invoice: Invoice) -> None:
    if invoice.status != InvoiceStatus.DRAFT:
        if invoice.kind == InvoiceKind.CREDIT_NOTE:
            raise ValidationError(_("Un avoir émis ne se modifie plus."))
        raise ValidationError(_("Une facture émise ne se modifie plus : faites un avoir."))


def _set_totals(invoice: Invoice, totals: amounts.Totals | None) -> None:
    invoice.total_net = totals.total_ht if totals else Decimal(0)
    invoice.total_vat = totals.total_vat if totals else Decimal(0)
    invoice.total_gross = totals.total_ttc if totals else Decimal(0)


@transaction.atomic
def invoice_save(
    *,
    actor: User | None,
    activity: Activity,
    customer: Customer,
    subject: str,
    lines: Sequence[Mapping[str, Any]],
    notes: str = "",
    invoice: Invoice | None = None,
) -> Invoice:
    """Create (invoice=None) or edit a draft invoice or credit note and its lines (replaced as
    a whole). An invoice to another member of the cooperative is an internal invoice. The
    totals of a draft are shown as they stand; they are computed again and frozen at issue."""
    if invoice is not None:
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _refuse_if_issued(invoice)
        if invoice.activity_id != activity.pk:
            raise ValidationError(_("Cette facture appartient à une autre enseigne."))
    _check_customer(activity, customer)
    subject = _subject(subject)
    cleaned, totals = clean_lines(lines, required=False)
    if invoice is None:
        invoice = Invoice(activity=activity, kind=InvoiceKind.INVOICE)
        action, before = "invoice.created", {}
    else:
        action, before = "invoice.updated", _snapshot(invoice, INVOICE_FIELDS)
        if invoice.kind == InvoiceKind.CREDIT_NOTE:
            if customer.pk != invoice.customer_id:
                raise ValidationError(
                    {"customer": _("Un avoir va au client de la facture qu'il corrige.")}
                )
            corrected = Invoice.objects.select_for_update().get(pk=invoice.corrects_id)
            _check_credit_cap(corrected, totals, exclude=invoice, count_drafts=True)
    invoice.customer = customer
    invoice.subject = subject
    invoice.notes = notes or ""
    invoice.internal = customer.kind == CustomerKind.MEMBER
    _set_totals(invoice, totals)
    invoice.save()
    _replace_lines(cleaned, totals, invoice=invoice)
    log_action(
        actor=actor,
        action=action,
        target=invoice,
        changes=diff(before, _snapshot(invoice, INVOICE_FIELDS)) if before else None,
        data={"lines": len(cleaned), "total_gross": invoice.total_gross, "kind": invoice.kind},
    )
    return invoice


@transaction.atomic
def invoice_delete(*, actor: User | None, invoice: Invoice) -> None:
    """Delete a draft (an issued document stays: its number is part of the series)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.DRAFT:
        raise ValidationError(_("Un document émis ne se supprime pas : corrigez-le par un avoir."))
    log_action(
        actor=actor,
        action="invoice.draft_deleted",
        target=invoice,
        data={"subject": invoice.subject, "kind": invoice.kind, "total": invoice.total_gross},
    )
    invoice.lines.all().delete()
    invoice.delete()


def credited_total(invoice: Invoice, *, exclude: Invoice | None = None, drafts: bool) -> Decimal:
    """The total with VAT of the credit notes correcting `invoice` (issued ones; and drafts)."""
    notes = Invoice.objects.filter(corrects=invoice, kind=InvoiceKind.CREDIT_NOTE)
    if not drafts:
        notes = notes.exclude(status=InvoiceStatus.DRAFT)
    if exclude is not None and exclude.pk:
        notes = notes.exclude(pk=exclude.pk)
    return notes.aggregate(total=Sum("total_gross"))["total"] or Decimal(0)


def _check_credit_cap(
    invoice: Invoice,
    totals: amounts.Totals | None,
    *,
    exclude: Invoice | None = None,
    count_drafts: bool,
) -> None:
    already = credited_total(invoice, exclude=exclude, drafts=count_drafts)
    amount = totals.total_ttc if totals else Decimal(0)
    if already + amount > invoice.total_gross:
        raise ValidationError(
            {
                "lines": _(
                    "Avoir supérieur à la facture : avec cet avoir de %(amount)s, les avoirs "
                    "sur la facture %(number)s totaliseraient %(sum)s TTC, pour une facture de "
                    "%(total)s TTC (reste à créditer : %(left)s)."
                )
                % {
                    "amount": format_eur(amount),
                    "number": invoice.number,
                    "sum": format_eur(already + amount),
                    "total": format_eur(invoice.total_gross),
                    "left": format_eur(max(invoice.total_gross - already, Decimal(0))),
                }
            }
        )


@transaction.atomic
def credit_note_create(
    *,
    actor: User | None,
    invoice: Invoice,
    lines: Sequence[Mapping[str, Any]] | None = None,
    reason: str,
) -> Invoice:
    """A draft credit note correcting an issued invoice: the whole invoice (lines=None) or the
    lines given (positive amounts: the document type makes it a credit). All the credit notes
    of an invoice together cannot exceed its total. Issue it with invoice_issue (same series).
    """
    invoice = (
        Invoice.objects.select_for_update()
        .select_related("activity", "customer")
        .get(pk=invoice.pk)
    )
    if invoice.kind != InvoiceKind.INVOICE:
        raise ValidationError(_("Un avoir corrige une facture, pas un autre avoir."))
    if invoice.status == InvoiceStatus.DRAFT:
        raise ValidationError(
            _("Cette facture est un brouillon : modifiez-la ou supprimez-la, sans avoir.")
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de l'avoir.")})
    if lines is None:
        lines = line_dicts(list(invoice.lines.all()))
    cleaned, totals = clean_lines(lines, required=True)
    _check_credit_cap(invoice, totals, count_drafts=True)
    note = Invoice(
        kind=InvoiceKind.CREDIT_NOTE,
        activity=invoice.activity,
        customer=invoice.customer,
        corrects=invoice,
        deal=invoice.deal,
        internal=invoice.internal,
        subject=(
            _("Avoir sur la facture %(n)s : %(s)s") % {"n": invoice.number, "s": invoice.subject}
        )[:255],
        notes=reason,
    )
    _set_totals(note, totals)
    note.save()
    _replace_lines(cleaned, totals, invoice=note)
    log_action(
        actor=actor,
        action="credit_note.created",
        target=note,
        data={
            "corrects": invoice.number,
            "reason": reason,
            "total_gross": note.total_gross,
            "lines": len(cleaned),
        },
    )
    return note


# ---------------------------------------------------------------------------------------------
# Issue


def amount_due(invoice: Invoice) -> Decimal:
    """What the customer still owes: total with VAT − payments − issued credit notes."""
    return invoice.total_gross - invoice.paid - credited_total(invoice, drafts=False)


def settle_if_due(invoice: Invoice) -> None:
    """An issued invoice whose amount due reached 0 (payments and credit notes) is settled
    ("paid"); back to issued when it owes again (a payment deleted). Call under its row lock."""
    if invoice.kind != InvoiceKind.INVOICE or invoice.status == InvoiceStatus.DRAFT:
        return
    status = InvoiceStatus.PAID if amount_due(invoice) <= 0 else InvoiceStatus.ISSUED
    if status != invoice.status:
        invoice.status = status
        invoice.save(update_fields=["status"])


@transaction.atomic
def invoice_issue(
    *,
    actor: User | None,
    invoice: Invoice,
    issue_date: dt.date | None = None,
    purchase_category: str | None = None,
    render_pdf: bool = True,
) -> Invoice:
    """Issue a draft invoice or credit note: checked, totalled, numbered, frozen.

    `issue_date` (default today) may not be before the last issued document's date nor in the
    future. `purchase_category`: for an internal invoice, the category of the buyer's purchase
    (sub-contracting by default, see services.internal). `render_pdf=False` leaves the PDF to
    be rendered later (bulk issues); it is rendered after commit otherwise.
    """
    day = issue_date or timezone.localdate()
    given = invoice
    invoice = (
        Invoice.objects.select_for_update()
        .select_related("activity__member", "customer")
        .get(pk=given.pk)
    )
    if invoice.status != InvoiceStatus.DRAFT:
        raise ValidationError(_("Ce document est déjà émis (n° %(n)s).") % {"n": invoice.number})
    stored = list(invoice.lines.all())
    cleaned, totals = clean_lines(line_dicts(stored), required=True)
    assert totals is not None
    corrected = None
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        corrected = Invoice.objects.select_for_update().get(pk=invoice.corrects_id)
        _check_credit_cap(corrected, totals, exclude=invoice, count_drafts=False)
    number = numbering.next_number(day=day)
    for line, net in zip(stored, totals.line_nets, strict=True):
        line.net = net
    DocumentLine.objects.bulk_update(stored, ["net"])
    terms = numbering.cooperative_current().payment_terms_days
    invoice.number = number
    invoice.issue_date = day
    invoice.due_date = day + dt.timedelta(days=terms) if corrected is None else None
    _set_totals(invoice, totals)
    invoice.status = InvoiceStatus.ISSUED
    invoice.issued_at = timezone.now()
    invoice.save()
    if corrected is not None:
        settle_if_due(corrected)
    if invoice.internal:
        from essaim.finance.services.internal import internal_purchase_record

        internal_purchase_record(actor=actor, invoice=invoice, category=purchase_category)
    log_action(
        actor=actor,
        action="credit_note.issued" if corrected is not None else "invoice.issued",
        target=invoice,
        data={
            "number": number,
            "corrects": corrected.number if corrected is not None else "",
            "issue_date": day,
            "due_date": invoice.due_date,
            "total_net": invoice.total_net,
            "total_vat": invoice.total_vat,
            "total_gross": invoice.total_gross,
        },
    )
    if render_pdf:
        transaction.on_commit(functools.partial(render_pdf_after_issue, invoice.pk))
    sync_fields(given, invoice, ISSUE_FIELDS)
    return invoice


def render_pdf_after_issue(invoice_pk: int) -> None:
    """Render and store the Factur-X PDF of an issued document, once its issue is committed.

    A failure is logged, not raised: the issue stands, and the PDF is rendered again on
    demand (download) while `invoice.pdf` is empty.
    """
    from essaim.finance import facturx  # imported here: facturx reads this module

    invoice = Invoice.objects.select_related("activity__member", "customer", "corrects").get(
        pk=invoice_pk
    )
    try:
        facturx.render_invoice(invoice)
    except Exception:
        logger.exception("Factur-X rendering failed for invoice %s", invoice.number)
