"""Who may open each finance page: the member themself and management staff change their
activity's money; their advisor reads it; another entrepreneur, another member's advisor and
anonymous visitors are refused. Management's pages are refused to entrepreneurs and advisors.
"""

# The fixtures imported from views_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from essaim.finance.models import Invoice
from tests.finance.views_data import (  # noqa: F401
    DAY,
    acme,
    alice_activity,
    bob_activity,
    coop,
    draft_invoice,
    estimate,
    expense,
    invoice,
    url,
)
from tests.members.pages import ROLE_REFUSED, login_url, text

NOT_YOURS = "Ces comptes sont ceux d'une autre enseigne : ils ne vous sont pas accessibles."
READ_ONLY = "Vous pouvez consulter ces comptes, pas les modifier."


@pytest.fixture
def alice_pages(alice_activity, acme, estimate, draft_invoice, invoice, expense) -> Any:
    """The pages of alice's activity: (address, whether it changes something)."""
    a = alice_activity.pk
    return {
        "invoice_list": (url("invoice_list", a), False),
        "invoice_create": (url("invoice_create", a), True),
        "invoice_detail": (url("invoice_detail", invoice.pk), False),
        "invoice_edit": (url("invoice_edit", draft_invoice.pk), True),
        "invoice_pdf": (url("invoice_pdf", invoice.pk), False),
        "payment_create": (url("payment_create", invoice.pk), True),
        "credit_note_create": (url("credit_note_create", invoice.pk), True),
        "estimate_list": (url("estimate_list", a), False),
        "estimate_create": (url("estimate_create", a), True),
        "estimate_detail": (url("estimate_detail", estimate.pk), False),
        "estimate_edit": (url("estimate_edit", estimate.pk), True),
        "customer_list": (url("customer_list", a), False),
        "customer_create": (url("customer_create", a), True),
        "customer_edit": (url("customer_edit", acme.pk), True),
        "expense_list": (url("expense_list", a), False),
        "expense_create": (url("expense_create", a), True),
        "expense_edit": (url("expense_edit", expense.pk), True),
        "account": (url("account", a), False),
        "simulation": (url("simulation", a), False),
    }


# The one-button actions (POST) on alice's documents.
ACTIONS: dict[str, Callable[[Any], str]] = {
    "invoice_issue": lambda d: url("invoice_issue", d["draft_invoice"].pk),
    "invoice_delete": lambda d: url("invoice_delete", d["draft_invoice"].pk),
    "estimate_status": lambda d: url("estimate_status", d["estimate"].pk),
    "estimate_invoice": lambda d: url("estimate_invoice", d["estimate"].pk),
    "expense_delete": lambda d: url("expense_delete", d["expense"].pk),
}
PAGES = [
    "invoice_list",
    "invoice_create",
    "invoice_detail",
    "invoice_edit",
    "invoice_pdf",
    "payment_create",
    "credit_note_create",
    "estimate_list",
    "estimate_create",
    "estimate_detail",
    "estimate_edit",
    "customer_list",
    "customer_create",
    "customer_edit",
    "expense_list",
    "expense_create",
    "expense_edit",
    "account",
    "simulation",
]
MANAGEMENT = ["treasury", "contribution", "cooperative", "exports"]


@pytest.fixture
def documents(estimate, draft_invoice, expense) -> dict[str, Any]:
    return {"estimate": estimate, "draft_invoice": draft_invoice, "expense": expense}


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, alice_pages, page) -> None:
    address, _changes = alice_pages[page]

    response = client.get(address)

    assert (response.status_code, response.url) == (302, login_url(address))


@pytest.mark.parametrize("persona", ["bob", "berenice"])
@pytest.mark.parametrize("page", PAGES)
def test_another_entrepreneur_and_another_members_advisor_are_refused(
    client, request, bob_activity, alice_pages, persona, page
) -> None:
    someone = request.getfixturevalue(persona)
    client.force_login(someone.user if persona == "bob" else someone)

    response = client.get(alice_pages[page][0])

    assert response.status_code == 403
    assert NOT_YOURS in text(response)


@pytest.mark.parametrize("persona", ["bob", "berenice", "antoine"])
@pytest.mark.parametrize("action", ACTIONS)
def test_actions_on_another_activity_are_refused_and_change_nothing(
    client, request, bob_activity, documents, persona, action
) -> None:
    someone = request.getfixturevalue(persona)
    client.force_login(someone.user if persona == "bob" else someone)
    before = sorted(Invoice.objects.values_list("pk", "status", "number"))

    response = client.post(ACTIONS[action](documents), {"status": "sent"})

    assert response.status_code == 403
    assert sorted(Invoice.objects.values_list("pk", "status", "number")) == before
    documents["estimate"].refresh_from_db()
    assert documents["estimate"].status == "draft"


@pytest.mark.parametrize("page", PAGES)
def test_the_members_advisor_reads_but_does_not_change(client, antoine, alice_pages, page) -> None:
    client.force_login(antoine)
    address, changes = alice_pages[page]

    response = client.get(address)

    if changes:
        assert response.status_code == 403
        assert READ_ONLY in text(response)
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("persona", ["alice", "claire"])
@pytest.mark.parametrize("page", PAGES)
def test_the_member_and_management_open_every_page(
    client, request, alice_pages, persona, page
) -> None:
    someone = request.getfixturevalue(persona)
    client.force_login(someone.user if persona == "alice" else someone)

    response = client.get(alice_pages[page][0])

    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["alice", "antoine"])
@pytest.mark.parametrize("page", MANAGEMENT)
def test_management_pages_are_refused_to_entrepreneurs_and_advisors(
    client, request, alice_activity, persona, page
) -> None:
    someone = request.getfixturevalue(persona)
    client.force_login(someone.user if persona == "alice" else someone)

    response = client.get(url(page))

    assert response.status_code == 403
    assert ROLE_REFUSED in text(response)


@pytest.mark.parametrize("persona", ["alice", "antoine"])
def test_recording_a_salary_and_reminding_are_management_only(
    client, request, alice_activity, invoice, persona
) -> None:
    someone = request.getfixturevalue(persona)
    client.force_login(someone.user if persona == "alice" else someone)

    salary = client.get(url("salary_create", alice_activity.pk))
    remind = client.post(url("invoice_remind", invoice.pk))

    assert (salary.status_code, remind.status_code) == (403, 403)


@pytest.mark.parametrize("page", [*MANAGEMENT, "followed"])
def test_management_pages_send_anonymous_visitors_to_log_in(client, db, page) -> None:
    response = client.get(url(page))

    assert (response.status_code, response.url) == (302, login_url(url(page)))


def test_the_follow_up_is_refused_to_entrepreneurs(client, alice, alice_activity) -> None:
    client.force_login(alice.user)

    response = client.get(url("followed"))

    assert response.status_code == 403


def test_the_own_pages_need_an_activity(client, alice) -> None:
    client.force_login(alice.user)

    response = client.get(url("invoice_list"))

    assert response.status_code == 403
    assert "Aucune enseigne n'est rattachée à votre compte" in text(response)


@pytest.mark.parametrize(("persona", "target"), [("antoine", "followed"), ("claire", "treasury")])
def test_finance_home_sends_advisors_and_management_to_their_page(
    client, request, persona, target
) -> None:
    client.force_login(request.getfixturevalue(persona))

    response = client.get(url("home"))

    assert (response.status_code, response.url) == (302, url(target))


@pytest.fixture
def payment(invoice):
    from essaim.finance.services.payments import payment_record

    return payment_record(actor=None, invoice=invoice, date=invoice.issue_date, amount="100")


@pytest.mark.parametrize("persona", ["bob", "berenice", "antoine"])
def test_removing_a_payment_of_another_activity_is_refused(
    client, request, bob_activity, invoice, payment, persona
) -> None:
    someone = request.getfixturevalue(persona)
    client.force_login(someone.user if persona == "bob" else someone)

    response = client.post(url("payment_delete", invoice.pk, payment.pk))

    assert response.status_code == 403
    invoice.refresh_from_db()
    assert str(invoice.paid) == "100.00"


@pytest.mark.parametrize("persona", ["alice", "antoine"])
def test_changing_management_settings_is_refused(client, request, alice_activity, persona) -> None:
    from essaim.finance.models import ContributionRuleRecord, Cooperative
    from essaim.finance.services.contribution import contribution_rule_set

    record = contribution_rule_set(actor=None, valid_from=DAY, preset="oxalis")
    someone = request.getfixturevalue(persona)
    client.force_login(someone.user if persona == "alice" else someone)

    responses = [
        client.post(url("contribution"), {"preset": "opteos", "valid_from": "2027-01-01"}),
        client.post(url("contribution_delete", record.pk)),
        client.post(url("cooperative"), {"name": "Autre", "siren": "303265045"}),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert list(ContributionRuleRecord.objects.values_list("preset", flat=True)) == ["oxalis"]
    assert not Cooperative.objects.exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_actions_are_sent_to_log_in(client, documents, action) -> None:
    address = ACTIONS[action](documents)

    response = client.post(address, {"status": "sent"})

    assert (response.status_code, response.url) == (302, login_url(address))
