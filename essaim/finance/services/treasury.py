"""Reminders of overdue invoices.

A reminder is recorded in the audit log (action `invoice.reminded`, with the amount due and the
days late) and the member whose activity issued the invoice is notified in Essaim (and by
e-mail as their notification settings say), so that they contact their customer. Essaim does
NOT e-mail the customer: the member knows them and chooses the words.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from essaim.core.audit import log_action
from essaim.core.models import AuditEntry, User
from essaim.core.notifications import notify
from essaim.finance.models import Invoice, InvoiceKind, InvoiceStatus
from essaim.finance.selectors.invoicing import days_late
from essaim.finance.selectors.treasury import REMINDER_ACTION
from essaim.finance.services.documents import amount_due, format_eur

NOTIFICATION_KIND = "finance.invoice_reminder"


@transaction.atomic
def invoice_remind(*, actor: User | None, invoice: Invoice) -> AuditEntry:
    """Record a reminder of an overdue invoice and notify its member (see the module doc)."""
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("activity__member__user", "customer")
        .get(pk=invoice.pk)
    )
    if invoice.kind != InvoiceKind.INVOICE or invoice.status != InvoiceStatus.ISSUED:
        raise ValidationError(_("Seule une facture émise et non réglée se relance."))
    today = timezone.localdate()
    due = amount_due(invoice)
    if due <= 0:
        raise ValidationError(_("Cette facture ne doit plus rien : rien à relancer."))
    if invoice.due_date is None or invoice.due_date >= today:
        raise ValidationError(
            _("La facture %(n)s n'est pas encore échue : elle se relance après le %(d)s.")
            % {
                "n": invoice.number,
                "d": formats.date_format(invoice.due_date or today, "SHORT_DATE_FORMAT"),
            }
        )
    late = days_late(invoice, today)
    entry = log_action(
        actor=actor,
        action=REMINDER_ACTION,
        target=invoice,
        data={"amount_due": due, "days_late": late, "customer": invoice.customer},
    )
    member = invoice.activity.member
    notify(
        users=[member.user],
        kind=NOTIFICATION_KIND,
        title=_("Facture %(n)s impayée depuis %(d)s jours : relancez %(c)s")
        % {"n": invoice.number, "d": late, "c": invoice.customer.name},
        body=_(
            "%(c)s doit encore %(a)s sur la facture %(n)s, échue le %(due)s. La coopérative "
            "vous demande de relancer votre client : Essaim ne lui écrit pas."
        )
        % {
            "c": invoice.customer.name,
            "a": format_eur(due),
            "n": invoice.number,
            "due": formats.date_format(invoice.due_date, "SHORT_DATE_FORMAT"),
        },
        url=reverse("finance:invoice_detail", args=[invoice.pk]),
    )
    return entry
