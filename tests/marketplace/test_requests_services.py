"""Requests through their services: writing, changing, cancelling, expiring, answering,
shortlisting, declining, awarding, introducing — and each refusal leaves nothing written."""

# The fixtures imported from requests_fixtures are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from essaim.core.models import AuditEntry, Notification
from essaim.marketplace.models import (
    Deal,
    DealOrigin,
    DealProvider,
    RequestIntroduction,
    RequestResponse,
    RequestSkill,
    RequestStatus,
    ResponseStatus,
    WorkRequest,
)
from essaim.marketplace.services import requests as services
from tests.marketplace.requests_fixtures import (
    answer,
    entrepreneur,
    hairdressers,  # noqa: F401
    make_request,
    tree,  # noqa: F401
)
from tests.members.pages import days, fast_passwords  # noqa: F401
from tests.skills.directory_data import leave


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def notes(member, kind: str) -> list[str]:
    return list(
        Notification.objects.filter(user=member.user, kind=kind)
        .order_by("pk")
        .values_list("title", flat=True)
    )


# --- writing a request ------------------------------------------------------------------------


def test_a_deadline_in_the_past_is_refused_and_nothing_is_written(bob, tree):
    with pytest.raises(ValidationError) as exc:
        make_request(bob, tree, answer_deadline=days(-1))

    assert messages_of(exc) == {
        "answer_deadline": [f"La date limite de réponse ({days(-1):%d/%m/%Y}) est déjà passée."]
    }
    assert (WorkRequest.objects.count(), RequestSkill.objects.count()) == (0, 0)


def test_a_negative_budget_is_refused_and_nothing_is_written(bob, tree):
    with pytest.raises(ValidationError) as exc:
        make_request(bob, tree, budget="-50")

    assert messages_of(exc) == {"budget": ["Le montant ne peut pas être négatif (-50)."]}
    assert WorkRequest.objects.count() == 0


def test_publishing_without_any_skill_is_refused_and_the_draft_is_not_kept(bob):
    with pytest.raises(ValidationError) as exc:
        make_request(bob, skills=[])

    assert messages_of(exc) == {
        "skills": ["Indiquez au moins une compétence recherchée avant de publier."]
    }
    assert WorkRequest.objects.count() == 0


# --- changing a request -----------------------------------------------------------------------


def test_a_draft_changes_entirely_skills_included(bob, tree):
    draft = make_request(bob, tree, publish=False)

    services.request_update(
        actor=bob.user,
        request=draft,
        title="Coloriste végétale",
        kind="purchase",
        zone="75",
        skills=[(tree.vegetal, 3), (tree.cut, 2)],
    )

    draft.refresh_from_db()
    assert (draft.title, draft.kind, draft.zone) == ("Coloriste végétale", "purchase", "75")
    assert sorted((s.node.code, s.min_level) for s in draft.skills.all()) == [
        ("t-coif.coupe", 2),
        ("t-coif.vegetal", 3),
    ]
    entry = AuditEntry.objects.get(action="request.updated")
    assert entry.changes == {
        "kind": ["subcontracting", "purchase"],
        "title": ["Coiffeuse pour un mariage", "Coloriste végétale"],
        "zone": ["93", "75"],
    }


def test_an_open_request_changes_its_description_dates_and_budget_only(bob, tree):
    request = make_request(bob, tree)

    services.request_update(
        actor=bob.user,
        request=request,
        description="Mariage le 12, six invitées.",
        budget="450,00",
        start_date=days(10),
        end_date=days(11),
        answer_deadline=days(5),
        title=request.title,  # unchanged: not a change
    )

    request.refresh_from_db()
    assert (request.description, request.budget, request.answer_deadline) == (
        "Mariage le 12, six invitées.",
        Decimal("450.00"),
        days(5),
    )


@pytest.mark.parametrize(
    ("change", "field", "label"),
    [
        ({"title": "Autre chose"}, "title", "titre"),
        ({"zone": "75"}, "zone", "département du lieu"),
        ({"kind": "purchase"}, "kind", "type de demande"),
    ],
)
def test_an_open_request_keeps_what_members_were_told(bob, tree, change, field, label):
    request = make_request(bob, tree)

    with pytest.raises(ValidationError) as exc:
        services.request_update(actor=bob.user, request=request, description="Neuf", **change)

    assert messages_of(exc) == {
        field: [
            f"Une demande publiée ne peut plus changer de « {label} » : seuls la description, "
            "les dates et le budget peuvent encore changer. Annulez-la et publiez-en une "
            "nouvelle si besoin."
        ]
    }
    request.refresh_from_db()
    assert request.description == "Coiffure de la mariée et de six invitées."


def test_an_open_request_keeps_its_skills(bob, tree):
    request = make_request(bob, tree)

    with pytest.raises(ValidationError) as exc:
        services.request_update(actor=bob.user, request=request, skills=[(tree.web, 1)])

    assert list(messages_of(exc)) == ["skills"]
    assert [s.node for s in request.skills.all()] == [tree.hairdresser]


def test_a_new_deadline_in_the_past_is_refused(bob, tree):
    request = make_request(bob, tree)

    with pytest.raises(ValidationError) as exc:
        services.request_update(actor=bob.user, request=request, answer_deadline=days(-2))

    assert list(messages_of(exc)) == ["answer_deadline"]


def test_an_end_before_the_start_is_refused_against_the_stored_start(bob, tree):
    request = make_request(bob, tree, start_date=days(10))

    with pytest.raises(ValidationError) as exc:
        services.request_update(actor=bob.user, request=request, end_date=days(9))

    assert messages_of(exc) == {"end_date": ["La fin est avant le début."]}


def test_a_draft_is_published_from_its_update(bob, tree, hairdressers):
    draft = make_request(bob, tree, publish=False)

    services.request_update(actor=bob.user, request=draft, publish=True, budget="100")

    draft.refresh_from_db()
    assert (draft.status, draft.budget, draft.matches.count()) == ("open", Decimal("100.00"), 2)


def test_a_refused_publication_undoes_the_changes_made_with_it(bob):
    draft = make_request(bob, skills=[], publish=False)

    with pytest.raises(ValidationError):
        services.request_update(actor=bob.user, request=draft, title="Nouveau", publish=True)

    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Coiffeuse pour un mariage", "draft")
    assert not AuditEntry.objects.filter(action="request.updated").exists()


# --- cancelling and expiring ------------------------------------------------------------------


def test_cancelling_tells_those_who_answered_and_cannot_be_done_twice(bob, tree, hairdressers):
    request = make_request(bob, tree)
    answer(request, hairdressers.carol)

    services.request_cancel(actor=bob.user, request=request)

    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED
    assert request.closed_at is not None
    assert notes(hairdressers.carol, "request.cancelled") == [
        "Demande annulée : Coiffeuse pour un mariage"
    ]
    with pytest.raises(ValidationError) as exc:
        services.request_cancel(actor=bob.user, request=request)
    assert exc.value.messages == [
        "Cette demande est close (annulée) : plus rien ne peut y changer."
    ]


def test_requests_past_their_deadline_expire(bob, tree, hairdressers, alice):
    open_one = make_request(bob, tree, title="Ouverte")
    discussed = make_request(bob, tree, title="En discussion")
    answer(discussed, hairdressers.dan)
    still_open = make_request(bob, tree, title="Encore ouverte", answer_deadline=days(21))
    draft = make_request(alice, tree, title="Brouillon", publish=False)

    expired = services.requests_expire(today=days(21))

    assert expired == 2
    statuses = dict(WorkRequest.objects.values_list("title", "status"))
    assert statuses == {
        open_one.title: "expired",
        discussed.title: "expired",
        still_open.title: "open",
        draft.title: "draft",
    }
    assert notes(bob, "request.expired") == [
        "Votre demande a expiré : Ouverte",
        "Votre demande a expiré : En discussion",
    ]
    assert services.requests_expire(today=days(21)) == 0


# --- answering --------------------------------------------------------------------------------


def test_a_first_answer_opens_the_discussion_and_tells_the_author(bob, tree, hairdressers):
    request = make_request(bob, tree)

    response = answer(request, hairdressers.carol, price="350,50")

    request.refresh_from_db()
    assert request.status == RequestStatus.DISCUSSION
    assert (response.status, response.price) == ("sent", Decimal("350.50"))
    assert notes(bob, "response.received") == [
        "Nouvelle réponse à votre demande : Coiffeuse pour un mariage"
    ]


def test_any_present_member_may_answer_not_only_the_matching_ones(bob, tree, hairdressers):
    request = make_request(bob, tree)
    outsider = entrepreneur("Eve")

    answer(request, outsider)

    assert not request.matches.filter(member=outsider).exists()
    assert RequestResponse.objects.filter(request=request, member=outsider).exists()


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("own", "Vous ne pouvez pas répondre à votre propre demande."),
        ("cancelled", "Cette demande est close (annulée) : plus rien ne peut y changer."),
        ("draft", "Cette demande n'est pas encore publiée."),
        ("twice", "Vous avez déjà répondu à cette demande : votre réponse est « envoyée »."),
        ("left", "Carol Test a quitté la coopérative."),
    ],
)
def test_answers_that_cannot_be(bob, tree, hairdressers, setup, expected):
    request = make_request(bob, tree, publish=setup != "draft")
    member = hairdressers.carol
    if setup == "own":
        member = bob
    elif setup == "cancelled":
        services.request_cancel(actor=bob.user, request=request)
    elif setup == "twice":
        answer(request, member)
    elif setup == "left":
        leave(member)
    before = RequestResponse.objects.count()

    with pytest.raises(ValidationError) as exc:
        answer(request, member)

    assert exc.value.messages == [expected]
    assert RequestResponse.objects.count() == before


def test_an_answer_after_the_deadline_is_refused_before_the_nightly_expiry(bob, tree, hairdressers):
    request = make_request(bob, tree, answer_deadline=days(2))

    with pytest.raises(ValidationError) as exc:
        answer(request, hairdressers.carol, today=days(3))

    assert exc.value.messages == [
        f"La date limite de réponse ({days(2):%d/%m/%Y}) est passée : cette demande "
        "n'accepte plus de réponse."
    ]


def test_a_negative_price_is_refused_and_the_request_stays_open(bob, tree, hairdressers):
    request = make_request(bob, tree)

    with pytest.raises(ValidationError) as exc:
        answer(request, hairdressers.carol, price="-1")

    assert messages_of(exc) == {"price": ["Le montant ne peut pas être négatif (-1)."]}
    request.refresh_from_db()
    assert (request.status, request.responses.count()) == ("open", 0)


def test_withdrawing_the_only_answer_reopens_and_one_may_answer_again(bob, tree, hairdressers):
    request = make_request(bob, tree)
    response = answer(request, hairdressers.carol)

    services.response_withdraw(actor=hairdressers.carol.user, response=response)

    request.refresh_from_db()
    response.refresh_from_db()
    assert (request.status, response.status) == ("open", "withdrawn")
    again = answer(request, hairdressers.carol, price="280")
    request.refresh_from_db()
    assert (again.pk, again.status, again.price, request.status) == (
        response.pk,
        "sent",
        Decimal("280.00"),
        "discussion",
    )


def test_shortlisting_tells_the_responder(bob, tree, hairdressers):
    request = make_request(bob, tree)
    response = answer(request, hairdressers.carol)

    services.response_shortlist(actor=bob.user, response=response)

    response.refresh_from_db()
    assert response.status == ResponseStatus.SHORTLISTED
    assert notes(hairdressers.carol, "response.shortlisted") == [
        "Votre réponse est retenue pour la suite : Coiffeuse pour un mariage"
    ]
    with pytest.raises(ValidationError):
        services.response_shortlist(actor=bob.user, response=response)


def test_declining_is_one_click_with_a_polite_message(bob, tree, hairdressers):
    request = make_request(bob, tree)
    response = answer(request, hairdressers.carol)

    services.response_decline(actor=bob.user, response=response)

    response.refresh_from_db()
    assert response.status == ResponseStatus.DECLINED
    note = Notification.objects.get(user=hairdressers.carol.user, kind="response.declined")
    assert note.title == "Merci pour votre réponse : Coiffeuse pour un mariage"
    assert note.body.startswith("Bob Durand vous remercie d'avoir répondu à sa demande.")


# --- awarding ---------------------------------------------------------------------------------


def test_awarding_records_the_deal_and_declines_the_others(bob, tree, hairdressers):
    request = make_request(bob, tree, estimated_hours="12")
    carol = answer(request, hairdressers.carol, price="300")
    dan = answer(request, hairdressers.dan, price="250")

    deal = services.request_award(actor=bob.user, request=request, responses=[carol])

    request.refresh_from_db()
    assert (request.status, deal.request, deal.buyer, deal.amount, deal.hours) == (
        "awarded",
        request,
        bob,
        Decimal("300.00"),
        Decimal("12.0"),
    )
    assert (deal.kind, deal.origin) == ("subcontracting", DealOrigin.MATCHING)
    assert list(deal.providers.all()) == [hairdressers.carol]
    statuses = dict(RequestResponse.objects.values_list("member__first_name", "status"))
    assert statuses == {"Carol": "awarded", "Dan": "declined"}
    assert notes(hairdressers.dan, "response.declined") == [
        "Merci pour votre réponse : Coiffeuse pour un mariage"
    ]
    assert notes(hairdressers.carol, "response.declined") == []
    assert dan.pk in request.responses.values_list("pk", flat=True)


def test_awarding_several_at_once_makes_one_deal_with_their_shares(bob, tree, hairdressers):
    request = make_request(bob, tree)
    carol = answer(request, hairdressers.carol, price="300")
    dan = answer(request, hairdressers.dan, price="250")

    deal = services.request_award(actor=bob.user, request=request, responses=[carol, dan])

    assert deal.amount == Decimal("550.00")
    assert sorted(DealProvider.objects.values_list("member__first_name", "amount")) == [
        ("Carol", Decimal("300.00")),
        ("Dan", Decimal("250.00")),
    ]
    assert set(RequestResponse.objects.values_list("status", flat=True)) == {"awarded"}


def test_a_deal_with_an_introduced_member_counts_as_an_introduction(
    bob, tree, hairdressers, berenice
):
    request = make_request(bob, tree)
    services.introduction_add(
        actor=berenice, request=request, member=hairdressers.dan, reason="Très fiable."
    )
    dan = answer(request, hairdressers.dan)

    deal = services.request_award(actor=bob.user, request=request, responses=[dan])

    assert deal.origin == DealOrigin.INTRODUCTION


def _nothing_changed(request, *responses) -> None:
    request.refresh_from_db()
    assert request.status == RequestStatus.DISCUSSION
    assert Deal.objects.count() == 0
    for response in responses:
        before = response.status
        response.refresh_from_db()
        assert response.status == before
    assert Notification.objects.filter(kind__in=["response.declined", "deal.created"]).count() == 0


def test_awarding_to_someone_who_did_not_answer_is_refused_and_nothing_changes(
    bob, alice, tree, hairdressers
):
    request = make_request(bob, tree)
    carol = answer(request, hairdressers.carol)
    elsewhere = answer(make_request(alice, tree, title="Autre demande"), hairdressers.dan)

    with pytest.raises(ValidationError) as exc:
        services.request_award(actor=bob.user, request=request, responses=[carol, elsewhere])

    assert messages_of(exc) == {
        "responses": [
            "Dan Test n'a pas répondu à cette demande : on ne l'attribue qu'à des membres qui "
            "y ont répondu."
        ]
    }
    _nothing_changed(request, carol, elsewhere)


def test_awarding_to_a_withdrawn_answer_is_refused(bob, tree, hairdressers):
    request = make_request(bob, tree)
    carol = answer(request, hairdressers.carol)
    dan = answer(request, hairdressers.dan)
    services.response_withdraw(actor=hairdressers.dan.user, response=dan)
    dan.refresh_from_db()

    with pytest.raises(ValidationError) as exc:
        services.request_award(actor=bob.user, request=request, responses=[carol, dan])

    assert messages_of(exc) == {
        "responses": ["Dan Test a retiré sa réponse : la demande ne peut pas lui être attribuée."]
    }
    _nothing_changed(request, carol, dan)


def test_awarding_nobody_is_refused(bob, tree, hairdressers):
    request = make_request(bob, tree)
    carol = answer(request, hairdressers.carol)

    with pytest.raises(ValidationError) as exc:
        services.request_award(actor=bob.user, request=request, responses=[])

    assert messages_of(exc) == {
        "responses": ["Cochez au moins une réponse pour attribuer la demande."]
    }
    _nothing_changed(request, carol)


def test_awarding_twice_is_refused(bob, tree, hairdressers):
    request = make_request(bob, tree)
    carol = answer(request, hairdressers.carol)
    dan = answer(request, hairdressers.dan)
    services.request_award(actor=bob.user, request=request, responses=[carol])

    with pytest.raises(ValidationError) as exc:
        services.request_award(actor=bob.user, request=request, responses=[dan])

    assert exc.value.messages == [
        "Cette demande est close (attribuée) : plus rien ne peut y changer."
    ]
    assert Deal.objects.count() == 1
    dan.refresh_from_db()
    assert dan.status == "declined"


def test_a_refused_deal_leaves_the_answers_as_they_were(bob, tree, hairdressers):
    """The deal is written in the same transaction: its refusal undoes the award."""
    request = make_request(bob, tree)
    carol = answer(request, hairdressers.carol)
    dan = answer(request, hairdressers.dan)
    # The deal service refuses a buyer who is also a provider: no answer can lead there, so
    # the test hands Dan's answer to the author himself.
    RequestResponse.objects.filter(pk=dan.pk).update(member=bob)
    dan.refresh_from_db()

    with pytest.raises(ValidationError):
        services.request_award(actor=bob.user, request=request, responses=[carol, dan])

    _nothing_changed(request, carol, dan)


# --- introductions ----------------------------------------------------------------------------


def test_an_introduction_tells_the_author_and_the_member(bob, tree, hairdressers, berenice):
    request = make_request(bob, tree)

    found = services.introduction_add(
        actor=berenice, request=request, member=hairdressers.dan, reason="Dan connaît le lieu."
    )

    assert (found.advisor, found.member, found.reason) == (
        berenice,
        hairdressers.dan,
        "Dan connaît le lieu.",
    )
    assert notes(bob, "request.introduction") == [
        "Bérénice Accompagne vous présente Dan Test pour votre demande "
        "« Coiffeuse pour un mariage »"
    ]
    assert notes(hairdressers.dan, "request.introduction") == [
        "Bérénice Accompagne vous signale la demande « Coiffeuse pour un mariage » de Bob Durand"
    ]


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("twice", {"member": ["Dan Test a déjà été présenté·e pour cette demande."]}),
        ("author", {"member": ["Bob Durand est l'auteur de la demande."]}),
        ("no reason", {"reason": ["Dites en quelques mots pourquoi vous présentez ce membre."]}),
    ],
)
def test_introductions_that_cannot_be(bob, tree, hairdressers, berenice, setup, expected):
    request = make_request(bob, tree)
    member = bob if setup == "author" else hairdressers.dan
    if setup == "twice":
        services.introduction_add(actor=berenice, request=request, member=member, reason="Oui")
    before = RequestIntroduction.objects.count()

    with pytest.raises(ValidationError) as exc:
        services.introduction_add(
            actor=berenice,
            request=request,
            member=member,
            reason="" if setup == "no reason" else "Pourquoi pas",
        )

    assert messages_of(exc) == expected
    assert RequestIntroduction.objects.count() == before


def test_no_introduction_on_a_draft(bob, tree, hairdressers, berenice):
    draft = make_request(bob, tree, publish=False)

    with pytest.raises(ValidationError) as exc:
        services.introduction_add(
            actor=berenice, request=draft, member=hairdressers.dan, reason="Oui"
        )

    assert exc.value.messages == ["Cette demande n'est pas encore publiée."]
