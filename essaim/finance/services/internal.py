"""Internal invoices: one member's activity invoices another member of the cooperative.

One action makes both sides: the provider's invoice to the buyer member (a customer of kind
"member", created when absent), flagged `internal` and linked to the marketplace deal when
there is one; and, when it is issued, the buyer's purchase (an Expense linked to the invoice)
in the same transaction. The cooperative's reduced internal contribution is read from
`Invoice.internal` by the activity account.

A credit note on an internal invoice reduces the buyer's purchase in the same way: an Expense
of the opposite amount, linked to the credit note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from essaim.core.audit import log_action
from essaim.core.models import User
from essaim.finance.models import Expense, ExpenseCategory, Invoice, InvoiceKind
from essaim.finance.services.customers import _check_internal_customer, internal_customer_for
from essaim.finance.services.documents import invoice_issue, invoice_save
from essaim.marketplace.models import Deal, DealKind, DealStatus
from essaim.members.models import Activity, Member

DEFAULT_PURCHASE_CATEGORY = ExpenseCategory.SUBCONTRACTING


def _check_deal(deal: Deal, provider_activity: Activity, buyer_member: Member) -> None:
    if deal.buyer_id != buyer_member.pk:
        raise ValidationError(
            {
                "deal": _("L'affaire « %(d)s » a pour donneur d'ordre %(b)s, pas %(m)s.")
                % {"d": deal.title, "b": deal.buyer, "m": buyer_member}
            }
        )
    if not deal.providers.filter(pk=provider_activity.member_id).exists():
        raise ValidationError(
            {
                "deal": _("%(m)s n'est pas prestataire de l'affaire « %(d)s ».")
                % {"m": provider_activity.member, "d": deal.title}
            }
        )
    if deal.kind == DealKind.EXCHANGE:
        raise ValidationError(
            {"deal": _("Un échange de services se fait sans argent : il ne se facture pas.")}
        )
    if deal.status == DealStatus.CANCELLED:
        raise ValidationError({"deal": _("Cette affaire est annulée : elle ne se facture pas.")})


@transaction.atomic
def internal_invoice_create(
    *,
    actor: User | None,
    provider_activity: Activity,
    buyer_member: Member,
    subject: str,
    lines: Sequence[Mapping[str, Any]],
    deal: Deal | None = None,
    notes: str = "",
) -> Invoice:
    """The provider's draft invoice to another member (created as their customer if needed),
    linked to the deal. Issue it with internal_invoice_issue (or invoice_issue)."""
    existing = (
        provider_activity.customers.filter(member=buyer_member).select_related("member").first()
    )
    _check_internal_customer(activity=provider_activity, member=buyer_member, customer=existing)
    if deal is not None:
        _check_deal(deal, provider_activity, buyer_member)
    customer = existing or internal_customer_for(
        actor=actor, activity=provider_activity, member=buyer_member
    )
    invoice = invoice_save(
        actor=actor,
        activity=provider_activity,
        customer=customer,
        subject=subject,
        lines=lines,
        notes=notes,
    )
    if deal is not None:
        invoice.deal = deal
        invoice.save(update_fields=["deal"])
    log_action(
        actor=actor,
        action="internal_invoice.created",
        target=invoice,
        data={"buyer": buyer_member, "deal": deal.pk if deal else None},
    )
    return invoice


def internal_invoice_issue(
    *,
    actor: User | None,
    invoice: Invoice,
    purchase_category: str = DEFAULT_PURCHASE_CATEGORY,
    issue_date: dt.date | None = None,
    render_pdf: bool = True,
) -> Invoice:
    """Issue an internal invoice and record the buyer's purchase, in one transaction."""
    if not invoice.internal:
        raise ValidationError(_("Cette facture n'est pas une facture interne entre membres."))
    return invoice_issue(
        actor=actor,
        invoice=invoice,
        issue_date=issue_date,
        purchase_category=purchase_category,
        render_pdf=render_pdf,
    )


def internal_purchase_record(
    *, actor: User | None, invoice: Invoice, category: str | None = None
) -> Expense:
    """The buyer's side of an internal invoice or credit note being issued (called by
    invoice_issue inside its transaction): an Expense of the buyer's activity, amounts of the
    document (negative for a credit note), linked to it."""
    buyer = invoice.customer.member
    buyer_activity = Activity.objects.filter(member=buyer).first() if buyer else None
    if buyer_activity is None:
        raise ValidationError(
            _("%(m)s n'a pas d'enseigne : son achat ne peut pas être enregistré.")
            % {"m": buyer or invoice.customer}
        )
    sign = 1
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        sign = -1
        original = Expense.objects.filter(internal_invoice_id=invoice.corrects_id).first()
        category = category or (original.category if original else None)
    category = category or DEFAULT_PURCHASE_CATEGORY
    if category not in ExpenseCategory.values:
        raise ValidationError(
            {"purchase_category": _("Catégorie d'achat inconnue : %(v)s.") % {"v": category}}
        )
    provider = invoice.activity
    label = _("Avoir interne %(n)s : %(s)s") if sign < 0 else _("Facture interne %(n)s : %(s)s")
    expense = Expense.objects.create(
        activity=buyer_activity,
        date=invoice.issue_date,
        category=category,
        supplier=f"{provider.name} ({provider.member})"[:200],
        label=(label % {"n": invoice.number, "s": invoice.subject})[:255],
        amount_net=sign * invoice.total_net,
        vat=sign * invoice.total_vat,
        internal_invoice=invoice,
    )
    log_action(
        actor=actor,
        action="expense.internal_recorded",
        target=expense,
        subject=invoice,
        data={
            "buyer_activity": buyer_activity,
            "category": category,
            "amount_net": expense.amount_net,
            "vat": expense.vat,
        },
    )
    return expense
