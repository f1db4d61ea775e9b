"""Payments of issued invoices: partial and several; the invoice is paid when nothing is due.

What is due = total with VAT − payments − issued credit notes (documents.amount_due). Each
write locks the invoice's row, so two payments recorded at once cannot both pass the check.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from essaim.core.audit import log_action
from essaim.core.models import User
from essaim.finance.models import Invoice, InvoiceKind, InvoiceStatus, Payment, PaymentMethod
from essaim.finance.services.documents import (
    amount_due,
    format_eur,
    parse_decimal,
    settle_if_due,
    sync_fields,
)


def _amount(value: object) -> Decimal:
    number = parse_decimal(value)
    if not isinstance(number, Decimal):
        raise ValidationError(
            {"amount": _("Montant « %(v)s » : ce n'est pas un nombre.") % {"v": value}}
        )
    if number <= 0:
        raise ValidationError({"amount": _("Le montant d'un paiement est positif.")})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("Le montant se donne au centime près.")})
    return number


@transaction.atomic
def payment_record(
    *,
    actor: User | None,
    invoice: Invoice,
    date: dt.date,
    amount: object,
    method: str = PaymentMethod.TRANSFER,
    reference: str = "",
) -> Payment:
    """Record a payment received for an issued invoice (never above what is still due)."""
    given = invoice
    invoice = Invoice.objects.select_for_update().get(pk=given.pk)
    if invoice.kind != InvoiceKind.INVOICE:
        raise ValidationError(_("Un avoir ne reçoit pas de paiement."))
    if invoice.status == InvoiceStatus.DRAFT:
        raise ValidationError(_("Émettez la facture avant d'enregistrer un paiement."))
    if method not in PaymentMethod.values:
        raise ValidationError({"method": _("Moyen de paiement inconnu : %(v)s.") % {"v": method}})
    value = _amount(amount)
    if date > timezone.localdate():
        raise ValidationError({"date": _("La date du paiement est dans le futur.")})
    if invoice.issue_date and date < invoice.issue_date:
        raise ValidationError(
            {
                "date": _("La date du paiement est avant l'émission de la facture (%(d)s).")
                % {"d": formats.date_format(invoice.issue_date, "SHORT_DATE_FORMAT")}
            }
        )
    due = amount_due(invoice)
    if value > due:
        raise ValidationError(
            {
                "amount": _("Le paiement (%(x)s) dépasse le reste à payer (%(y)s).")
                % {"x": format_eur(value), "y": format_eur(max(due, Decimal(0)))}
            }
        )
    reference = " ".join((reference or "").split())
    if len(reference) > 100:
        raise ValidationError({"reference": _("La référence tient en 100 caractères au plus.")})
    payment = Payment.objects.create(
        invoice=invoice, date=date, amount=value, method=method, reference=reference
    )
    invoice.paid += value
    invoice.save(update_fields=["paid"])
    settle_if_due(invoice)
    log_action(
        actor=actor,
        action="payment.recorded",
        target=payment,
        subject=invoice,
        data={
            "amount": value,
            "date": date,
            "method": method,
            "reference": reference,
            "due_after": due - value,
        },
    )
    sync_fields(given, invoice, ("paid", "status"))
    return payment


@transaction.atomic
def payment_delete(*, actor: User | None, payment: Payment) -> Invoice:
    """Remove a payment recorded by mistake; the invoice owes it again."""
    # The invoice's lock first, then the payment read again under it: two people removing
    # the same payment at once cannot both take its amount off.
    invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
    try:
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
    except Payment.DoesNotExist as error:
        raise ValidationError(_("Ce paiement a déjà été retiré.")) from error
    invoice.paid -= payment.amount
    invoice.save(update_fields=["paid"])
    log_action(
        actor=actor,
        action="payment.deleted",
        target=payment,
        subject=invoice,
        data={"amount": payment.amount, "date": payment.date, "reference": payment.reference},
    )
    payment.delete()
    settle_if_due(invoice)
    return invoice
