"""Internal invoices between members: the provider's invoice and the buyer's purchase."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from essaim.core.models import AuditEntry
from essaim.finance.models import Customer, Expense, Invoice
from essaim.finance.services.customers import customer_save
from essaim.finance.services.documents import credit_note_create, invoice_issue
from essaim.finance.services.internal import internal_invoice_create, internal_invoice_issue
from essaim.marketplace.models import DealKind
from essaim.marketplace.services.deals import ProviderShare, deal_create
from tests.factories import MemberFactory
from tests.finance import invoicing_fixtures as fx
from tests.finance.invoicing_fixtures import issued, line, row_counts

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
bob_activity = fx.bob_activity
carol = fx.carol
acme = fx.acme


def _deal(buyer, provider, **fields):
    return deal_create(
        actor=None,
        kind=fields.pop("kind", DealKind.SUBCONTRACTING),
        title=fields.pop("title", "Site vitrine"),
        buyer=buyer,
        providers=[ProviderShare(member=provider)],
        amount="1350",
        notify_parties=False,
        **fields,
    )


def _create(provider_activity, buyer, deal=None, lines=None):
    return internal_invoice_create(
        actor=None,
        provider_activity=provider_activity,
        buyer_member=buyer,
        subject="Développement du site",
        lines=[line()] if lines is None else lines,
        deal=deal,
    )


def test_one_action_makes_the_invoice_and_issue_makes_the_purchase(
    coop, alice, alice_activity, bob, bob_activity
) -> None:
    deal = _deal(bob, alice)
    invoice = _create(alice_activity, bob, deal)
    customer = Customer.objects.get(activity=alice_activity, member=bob)
    assert (invoice.internal, invoice.deal, invoice.customer, invoice.status) == (
        True,
        deal,
        customer,
        "draft",
    )
    assert customer.kind == "member"
    assert not Expense.objects.exists()  # a draft buys nothing yet

    invoice = internal_invoice_issue(
        actor=None, invoice=invoice, issue_date=dt.date(2026, 3, 2), render_pdf=False
    )
    purchase = Expense.objects.get()
    assert (
        purchase.activity,
        purchase.date,
        purchase.category,
        purchase.supplier,
        purchase.label,
        purchase.amount_net,
        purchase.vat,
        purchase.internal_invoice,
    ) == (
        bob_activity,
        dt.date(2026, 3, 2),
        "subcontracting",
        "Atelier Alice (Alice Martin)",
        "Facture interne 2026-000001 : Développement du site",
        Decimal("1350.00"),
        Decimal("270.00"),
        invoice,
    )
    assert AuditEntry.objects.filter(action="expense.internal_recorded").count() == 1
    assert AuditEntry.objects.filter(action="internal_invoice.created").count() == 1


def test_the_customer_is_reused(coop, alice_activity, bob, bob_activity) -> None:
    first = _create(alice_activity, bob)
    second = _create(alice_activity, bob)
    assert first.customer == second.customer
    assert Customer.objects.filter(member=bob).count() == 1


def test_purchase_category_is_chosen_at_issue(coop, alice_activity, bob, bob_activity) -> None:
    invoice = internal_invoice_issue(
        actor=None,
        invoice=_create(alice_activity, bob),
        purchase_category="resold_goods",
        issue_date=fx.DAY,
        render_pdf=False,
    )
    assert Expense.objects.get(internal_invoice=invoice).category == "resold_goods"


def test_plain_issue_of_an_internal_invoice_records_the_purchase_too(
    coop, alice_activity, bob, bob_activity
) -> None:
    invoice = invoice_issue(
        actor=None, invoice=_create(alice_activity, bob), issue_date=fx.DAY, render_pdf=False
    )
    assert Expense.objects.get().internal_invoice == invoice


def test_an_internal_credit_note_reduces_the_purchase(
    coop, alice_activity, bob, bob_activity
) -> None:
    invoice = internal_invoice_issue(
        actor=None,
        invoice=_create(alice_activity, bob),
        purchase_category="resold_goods",
        issue_date=fx.DAY,
        render_pdf=False,
    )
    note = credit_note_create(
        actor=None, invoice=invoice, lines=[line(quantity="1")], reason="Une journée de moins"
    )
    assert note.internal
    invoice_issue(actor=None, invoice=note, issue_date=fx.DAY, render_pdf=False)
    reduction = Expense.objects.get(internal_invoice=note)
    assert (reduction.category, reduction.amount_net, reduction.vat, reduction.label) == (
        "resold_goods",
        Decimal("-450.00"),
        Decimal("-90.00"),
        "Avoir interne 2026-000002 : Avoir sur la facture 2026-000001 : Développement du site",
    )
    assert sum(e.amount_net for e in Expense.objects.all()) == Decimal("900.00")


def test_an_invoice_to_a_member_customer_is_internal(
    coop, alice_activity, bob, bob_activity
) -> None:
    customer = customer_save(actor=None, activity=alice_activity, kind="member", member=bob)
    assert fx.draft(alice_activity, customer).internal


@pytest.mark.parametrize("who", ["self", "no_activity"])
def test_who_can_be_invoiced_internally(coop, alice, alice_activity, who) -> None:
    buyer = alice if who == "self" else MemberFactory(first_name="Dan", last_name="Roux")
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        _create(alice_activity, buyer)
    assert list(error.value.message_dict) == ["member"]
    assert row_counts() == before


def test_the_deal_must_be_between_them(
    coop, alice, alice_activity, bob, bob_activity, carol
) -> None:
    with pytest.raises(ValidationError) as error:
        _create(alice_activity, bob, _deal(carol, alice))
    assert error.value.message_dict == {
        "deal": ["L'affaire « Site vitrine » a pour donneur d'ordre Carol Petit, pas Bob Durand."]
    }
    with pytest.raises(ValidationError) as error:
        _create(alice_activity, bob, _deal(bob, carol))
    assert error.value.message_dict == {
        "deal": ["Alice Martin n'est pas prestataire de l'affaire « Site vitrine »."]
    }
    assert not Invoice.objects.exists()


def test_a_failed_purchase_cancels_the_issue(coop, alice_activity, bob, bob_activity) -> None:
    invoice = _create(alice_activity, bob)
    bob_activity.delete()  # the buyer closed their activity meanwhile
    before = row_counts()
    with pytest.raises(ValidationError, match="Bob Durand n'a pas d'enseigne"):
        internal_invoice_issue(actor=None, invoice=invoice, issue_date=fx.DAY, render_pdf=False)
    assert row_counts() == before
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == ("draft", "")


def test_internal_issue_of_an_external_invoice_is_refused(coop, alice_activity, acme) -> None:
    with pytest.raises(ValidationError, match="n'est pas une facture interne"):
        internal_invoice_issue(actor=None, invoice=fx.draft(alice_activity, acme))
    assert not issued(alice_activity, acme).internal
