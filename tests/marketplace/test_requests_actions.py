"""The requests pages that write: create, change, publish, cancel, answer, withdraw,
shortlist, decline, award, introduce — each with the roles it refuses and its French errors."""

# The fixtures imported from requests_fixtures are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from essaim.core.models import Notification
from essaim.marketplace.models import (
    Deal,
    RequestIntroduction,
    RequestResponse,
    RequestStatus,
    WorkRequest,
)
from essaim.marketplace.services.requests import request_cancel
from tests.factories import UserFactory
from tests.marketplace.requests_fixtures import (
    answer,
    hairdressers,  # noqa: F401
    make_request,
    tree,  # noqa: F401
)
from tests.members.pages import (
    ROLE_REFUSED,
    days,
    errors,
    fast_passwords,  # noqa: F401
    login_url,
    page_messages,
    text,
)

CREATE = reverse("marketplace:request_create")
SUGGEST = reverse("marketplace:request_skill_suggestions")


def url(name: str, obj: Any) -> str:
    return reverse(f"marketplace:{name}", args=[obj.pk])


def request_data(rows: list[tuple[str, int]] = (), **fields: Any) -> dict[str, Any]:  # type: ignore[assignment]
    """A POST of the request form: its fields, then the rows of needed skills (typed text)."""
    data = {
        "kind": "subcontracting",
        "title": "Coiffeuse pour un mariage",
        "description": "Coiffure de la mariée.",
        "answer_deadline": days(15).isoformat(),
        "zone": "93",
        "budget": "",
        "skills-TOTAL_FORMS": "8",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "8",
        **fields,
    }
    for i, (skill, level) in enumerate(rows):
        data[f"skills-{i}-skill"] = skill
        data[f"skills-{i}-min_level"] = str(level)
    return data


# --- creating ---------------------------------------------------------------------------------


def test_creating_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get(CREATE)

    assert (response.status_code, response.url) == (302, login_url(CREATE))


@pytest.mark.parametrize("persona", ["antoine", "claire"])
def test_only_entrepreneurs_write_requests(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(CREATE, request_data())

    assert response.status_code == 403
    assert ROLE_REFUSED in text(response)
    assert WorkRequest.objects.count() == 0


def test_an_entrepreneur_account_without_a_member_record_is_refused(client, db):
    client.force_login(UserFactory(email="sans-fiche@example.org"))

    response = client.get(CREATE)

    assert response.status_code == 403
    assert "Aucune fiche de membre n'est rattachée à votre compte" in text(response)


def test_a_draft_is_saved_with_its_skills_typed_by_code_or_name(client, bob, tree):
    client.force_login(bob.user)

    response = client.post(
        CREATE,
        request_data([("t-coif.vegetal", 3), ("coiffeur·se", 2)], budget="1 200,50"),
    )

    created = WorkRequest.objects.get()
    assert response.status_code == 302
    assert response.url == url("request_detail", created)
    assert (created.status, created.budget, created.author) == (
        "draft",
        Decimal("1200.50"),
        bob,
    )
    assert sorted((s.node.code, s.min_level) for s in created.skills.all()) == [
        ("t-coif.coiffeur", 2),
        ("t-coif.vegetal", 3),
    ]
    assert page_messages(client.get(response.url)) == [
        "Brouillon enregistré : publiez-le depuis sa page quand il est prêt."
    ]


def test_a_suggestion_picked_wins_over_the_typed_words(client, bob, tree):
    client.force_login(bob.user)
    data = request_data([("colo", 1)])
    data["skills-0-choice"] = "t-coif.vegetal"

    client.post(CREATE, data)

    assert [s.node.code for s in WorkRequest.objects.get().skills.all()] == ["t-coif.vegetal"]


def test_publishing_at_once_tells_the_matching_members(client, bob, tree, hairdressers):
    client.force_login(bob.user)

    response = client.post(CREATE, request_data([("t-coif.coiffeur", 1)], publish="on"))

    created = WorkRequest.objects.get()
    assert created.status == RequestStatus.OPEN
    assert sorted(
        Notification.objects.filter(kind="request.match").values_list("user__first_name", flat=True)
    ) == ["Carol", "Dan"]
    assert page_messages(client.get(response.url)) == [
        "Demande publiée : les membres qui correspondent en sont prévenus."
    ]


@pytest.mark.parametrize(
    ("fields", "rows", "expected"),
    [
        (
            {"answer_deadline": days(-1).isoformat()},
            [("t-coif.coiffeur", 1)],
            f"La date limite de réponse ({days(-1):%d/%m/%Y}) est déjà passée.",
        ),
        ({"budget": "-20"}, [("t-coif.coiffeur", 1)], "Le montant ne peut pas être négatif (-20)."),
        (
            {"budget": "beaucoup"},
            [],
            "« beaucoup » n'est pas un montant : écrivez par exemple 1200.00",
        ),
        (
            {"publish": "on"},
            [],
            "Indiquez au moins une compétence recherchée avant de publier.",
        ),
        (
            {},
            [("pâtisserie fine", 1)],
            "« pâtisserie fine » n'est ni un code ni un nom de compétence connu : choisissez "
            "parmi les suggestions.",
        ),
        (
            {},
            [("t-coif.coupe", 1), ("t-coif.coupe", 2)],
            "La compétence « Coupe à domicile » est demandée deux fois.",
        ),
    ],
)
def test_bad_input_is_said_in_french_and_nothing_is_written(
    client, bob, tree, fields, rows, expected
):
    client.force_login(bob.user)

    response = client.post(CREATE, request_data(rows, **fields))

    assert response.status_code == 200
    assert expected in errors(response)
    assert WorkRequest.objects.count() == 0


def test_a_name_shared_by_several_skills_asks_which_one(client, bob, tree):
    client.force_login(bob.user)

    response = client.post(CREATE, request_data([("coupe à domicile", 1)]))

    said = errors(response)
    assert said[0].startswith("« coupe à domicile » désigne plusieurs compétences : précisez")
    assert "Coupe à domicile (t-coif.coupe)" in said[0]
    assert said[1] == "Vérifiez les compétences recherchées ci-dessous."
    assert WorkRequest.objects.count() == 0


# --- the skill suggestions --------------------------------------------------------------------


def test_the_suggestions_are_radio_buttons_named_for_their_row(client, bob, tree):
    client.force_login(bob.user)

    response = client.get(SUGGEST, {"row": "2", "skills-2-skill": "coloration"})

    assert response.status_code == 200
    assert 'name="skills-2-choice"' in text(response)
    assert 'value="t-coif.vegetal"' in text(response)


@pytest.mark.parametrize("row", ["8", "-1", "x"])
def test_the_suggestions_of_an_unknown_row_are_not_found(client, bob, row):
    client.force_login(bob.user)

    assert client.get(SUGGEST, {"row": row}).status_code == 404


def test_the_suggestions_are_for_entrepreneurs(client, claire):
    client.force_login(claire)

    assert client.get(SUGGEST, {"row": "0"}).status_code == 403


# --- changing, publishing, cancelling ---------------------------------------------------------


def test_the_author_changes_a_draft_entirely(client, bob, tree):
    draft = make_request(bob, tree, publish=False)
    client.force_login(bob.user)
    page = text(client.get(url("request_edit", draft)))
    assert 'value="t-coif.coiffeur" checked' in page  # the stored skill, picked

    response = client.post(
        url("request_edit", draft),
        request_data([("t-num.web", 2)], title="Site web", zone=""),
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.zone) == ("Site web", "")
    assert [(s.node.code, s.min_level) for s in draft.skills.all()] == [("t-num.web", 2)]


def test_a_published_request_shows_only_what_may_change(client, bob, tree):
    request = make_request(bob, tree)
    client.force_login(bob.user)

    page = text(client.get(url("request_edit", request)))
    response = client.post(
        url("request_edit", request),
        {
            "description": "Plus de détails.",
            "budget": "500",
            "answer_deadline": request.answer_deadline.isoformat(),
            "title": "Ignoré : ce champ n'est pas sur le formulaire",
        },
    )

    assert 'name="title"' not in page and 'name="skills-0-skill"' not in page
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.title, request.description, request.budget) == (
        "Coiffeuse pour un mariage",
        "Plus de détails.",
        Decimal("500.00"),
    )


@pytest.mark.parametrize("persona", ["alice", "antoine"])
def test_nobody_but_the_author_changes_publishes_or_cancels(client, request, bob, tree, persona):
    draft = make_request(bob, tree, publish=False)
    user = request.getfixturevalue(persona)
    client.force_login(user.user if persona == "alice" else user)

    answers = [
        client.get(url("request_edit", draft)).status_code,
        client.post(url("request_publish", draft)).status_code,
        client.post(url("request_cancel", draft)).status_code,
    ]

    assert answers == [403, 403, 403]
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT


def test_publishing_from_the_page(client, bob, tree, hairdressers):
    draft = make_request(bob, tree, publish=False)
    client.force_login(bob.user)

    response = client.post(url("request_publish", draft), follow=True)

    draft.refresh_from_db()
    assert draft.status == RequestStatus.OPEN
    assert page_messages(response) == [
        "Demande publiée : les membres qui correspondent en sont prévenus."
    ]


def test_publishing_a_draft_without_skills_says_why(client, bob):
    draft = make_request(bob, skills=[], publish=False)
    client.force_login(bob.user)

    response = client.post(url("request_publish", draft), follow=True)

    assert page_messages(response) == [
        "Indiquez au moins une compétence recherchée avant de publier."
    ]
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT


def test_cancelling_from_the_page(client, bob, tree):
    request = make_request(bob, tree)
    client.force_login(bob.user)

    response = client.post(url("request_cancel", request), follow=True)

    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED
    assert page_messages(response) == ["Demande annulée."]
    assert "Annuler la demande" not in text(response)


def test_a_closed_request_is_not_edited(client, bob, tree):
    request = make_request(bob, tree)
    request_cancel(actor=None, request=request)
    client.force_login(bob.user)

    response = client.get(url("request_edit", request), follow=True)

    assert page_messages(response) == ["Cette demande est close : elle ne peut plus être modifiée."]


# --- answering --------------------------------------------------------------------------------


def test_a_member_answers_and_the_author_is_told(client, bob, tree, hairdressers):
    request = make_request(bob, tree)
    client.force_login(hairdressers.carol.user)

    response = client.post(
        url("response_submit", request),
        {"message": "Je connais bien le henné.", "availability": "Samedi", "price": "280,00"},
        follow=True,
    )

    found = RequestResponse.objects.get()
    assert (found.member, found.price, found.message) == (
        hairdressers.carol,
        Decimal("280.00"),
        "Je connais bien le henné.",
    )
    assert page_messages(response) == ["Réponse envoyée : l'auteur de la demande en est prévenu."]
    assert Notification.objects.filter(user=bob.user, kind="response.received").count() == 1


def test_a_negative_price_is_said_on_the_answer_form(client, bob, tree, hairdressers):
    request = make_request(bob, tree)
    client.force_login(hairdressers.carol.user)

    response = client.post(url("response_submit", request), {"message": "Oui", "price": "-5"})

    assert response.status_code == 200
    assert errors(response) == ["Le montant ne peut pas être négatif (-5)."]
    assert RequestResponse.objects.count() == 0


def test_the_author_cannot_answer_their_own_request(client, bob, tree):
    request = make_request(bob, tree)
    client.force_login(bob.user)

    response = client.post(url("response_submit", request), {"message": "Moi"})

    assert response.status_code == 403
    assert RequestResponse.objects.count() == 0


@pytest.mark.parametrize("persona", ["antoine", "claire"])
def test_the_accompaniment_does_not_answer(client, request, bob, tree, persona):
    work = make_request(bob, tree)
    client.force_login(request.getfixturevalue(persona))

    response = client.post(url("response_submit", work), {"message": "Moi"})

    assert response.status_code == 403
    assert RequestResponse.objects.count() == 0


def test_a_closed_request_takes_no_answer(client, bob, tree, hairdressers):
    request = make_request(bob, tree)
    request_cancel(actor=None, request=request)
    client.force_login(hairdressers.carol.user)

    response = client.post(url("response_submit", request), {"message": "Trop tard ?"})

    assert response.status_code == 403
    assert RequestResponse.objects.count() == 0


def test_withdrawing_is_for_the_responder_only(client, bob, tree, hairdressers):
    request = make_request(bob, tree)
    response = answer(request, hairdressers.carol)
    client.force_login(bob.user)
    assert client.post(url("response_withdraw", response)).status_code == 403
    client.force_login(hairdressers.carol.user)

    page = client.post(url("response_withdraw", response), follow=True)

    response.refresh_from_db()
    assert response.status == "withdrawn"
    assert page_messages(page) == ["Votre réponse est retirée."]


# --- deciding ---------------------------------------------------------------------------------


@pytest.fixture
def answered(bob, tree, hairdressers):
    request = make_request(bob, tree)
    return (
        request,
        answer(request, hairdressers.carol, price="300"),
        answer(request, hairdressers.dan, price="200"),
    )


@pytest.mark.parametrize("persona", ["alice", "antoine", "carol"])
def test_only_the_author_decides(client, request, answered, hairdressers, persona):
    work, carol, dan = answered
    if persona == "carol":
        client.force_login(hairdressers.carol.user)
    else:
        user = request.getfixturevalue(persona)
        client.force_login(user.user if persona == "alice" else user)

    codes = [
        client.post(url("response_shortlist", carol)).status_code,
        client.post(url("response_decline", dan)).status_code,
        client.post(url("request_award", work), {"responses": [carol.pk]}).status_code,
    ]

    assert codes == [403, 403, 403]
    assert Deal.objects.count() == 0
    assert set(RequestResponse.objects.values_list("status", flat=True)) == {"sent"}


def test_shortlisting_and_declining_are_one_click(client, bob, answered):
    work, carol, dan = answered
    client.force_login(bob.user)

    shortlisted = client.post(url("response_shortlist", carol), follow=True)
    declined = client.post(url("response_decline", dan), follow=True)

    assert page_messages(shortlisted) == ["Réponse de Carol Test retenue pour la suite."]
    assert page_messages(declined) == [
        "Réponse de Dan Test déclinée : un message aimable lui est envoyé."
    ]
    statuses = dict(RequestResponse.objects.values_list("member__first_name", "status"))
    assert statuses == {"Carol": "shortlisted", "Dan": "declined"}


def test_awarding_several_checked_answers(client, bob, answered):
    work, carol, dan = answered
    client.force_login(bob.user)

    response = client.post(
        url("request_award", work), {"responses": [carol.pk, dan.pk]}, follow=True
    )

    deal = Deal.objects.get()
    assert (deal.amount, sorted(m.first_name for m in deal.providers.all())) == (
        Decimal("500.00"),
        ["Carol", "Dan"],
    )
    assert page_messages(response) == [
        "Demande attribuée : l'affaire est enregistrée, les autres réponses sont déclinées."
    ]
    assert f'href="/marche/affaires/{deal.pk}/"' in text(response)


def test_awarding_an_answer_to_another_request_says_so(client, bob, alice, tree, answered):
    work, carol, dan = answered
    elsewhere = answer(make_request(alice, tree, title="Autre"), bob)
    client.force_login(bob.user)

    response = client.post(
        url("request_award", work), {"responses": [carol.pk, elsewhere.pk]}, follow=True
    )

    assert page_messages(response) == [
        "Bob Durand n'a pas répondu à cette demande : on ne l'attribue qu'à des membres qui y "
        "ont répondu."
    ]
    assert Deal.objects.count() == 0
    work.refresh_from_db()
    assert work.status == RequestStatus.DISCUSSION


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        ({}, "Cochez au moins une réponse pour attribuer la demande."),
        ({"responses": ["999999"]}, "Une des réponses cochées n'existe pas (ou plus)."),
        ({"responses": ["abc"]}, "Une des réponses cochées n'existe pas (ou plus)."),
    ],
)
def test_awarding_without_a_valid_answer_says_so(client, bob, answered, posted, expected):
    work, _carol, _dan = answered
    client.force_login(bob.user)

    response = client.post(url("request_award", work), posted, follow=True)

    assert page_messages(response) == [expected]
    assert Deal.objects.count() == 0


# --- introductions ----------------------------------------------------------------------------


def test_an_advisor_introduces_a_member(client, antoine, bob, tree, hairdressers):
    work = make_request(bob, tree)
    client.force_login(antoine)

    response = client.post(
        url("request_introduction_add", work),
        {"member": hairdressers.dan.pk, "reason": "Dan a coiffé trois mariages cet été."},
        follow=True,
    )

    found = RequestIntroduction.objects.get()
    assert (found.member, found.advisor) == (hairdressers.dan, antoine)
    assert page_messages(response) == [
        "Mise en relation enregistrée : l'auteur et le membre en sont prévenus."
    ]
    assert "Dan a coiffé trois mariages cet été." in text(response)


def test_an_introduction_needs_a_reason(client, antoine, bob, tree, hairdressers):
    work = make_request(bob, tree)
    client.force_login(antoine)

    response = client.post(
        url("request_introduction_add", work), {"member": hairdressers.dan.pk, "reason": ""}
    )

    assert response.status_code == 200
    assert errors(response) == ["Ce champ est obligatoire."]
    assert RequestIntroduction.objects.count() == 0


@pytest.mark.parametrize("persona", ["alice", "claire"])
def test_only_advisors_introduce(client, request, bob, tree, hairdressers, persona):
    work = make_request(bob, tree)
    user = request.getfixturevalue(persona)
    client.force_login(user.user if persona == "alice" else user)

    response = client.post(
        url("request_introduction_add", work), {"member": hairdressers.dan.pk, "reason": "Oui"}
    )

    assert response.status_code == 403
    assert RequestIntroduction.objects.count() == 0
