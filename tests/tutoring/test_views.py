"""The tutoring pages: "Mes cas", asking, proposing and consenting, inviting and answering,
the session, the plan, the follow-up, closing; a fixed number of queries per list."""

# The fixtures imported from conftest are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from essaim.tutoring import services
from essaim.tutoring.models import (
    ActionItem,
    CaseStatus,
    Consent,
    FollowUp,
    Session,
    TutoringCase,
    Volunteer,
)
from tests.factories import UserFactory
from tests.members.pages import (
    ROLE_REFUSED,
    errors,
    page_messages,
    queries_to_render,
    section,
    text,
)
from tests.tutoring.conftest import SITUATION, TITLE, open_case
from tests.tutoring.factories import accept, entrepreneur, hold_session

MINE = reverse("tutoring:mine")
OPEN = reverse("tutoring:open")
PROPOSE = reverse("tutoring:propose")


def url(name: str, case: TutoringCase, *more: int) -> str:
    return reverse(f"tutoring:{name}", args=[case.pk, *more])


def invite_boxes(response) -> list[str]:
    """The names of the people offered as volunteers on a case page."""
    return re.findall(r'<label for="invite-\d+"><strong>([^<]+)</strong>', text(response))


def follow(client, response):
    assert response.status_code == 302
    return client.get(response.url)


# ---------------------------------------------------------------- who reaches the list pages


@pytest.mark.parametrize("page", [MINE, OPEN, PROPOSE])
def test_management_staff_have_no_tutoring_page(client, claire, page):
    client.force_login(claire)

    response = client.get(page)

    assert (response.status_code, ROLE_REFUSED in text(response)) == (403, True)


def test_an_advisor_proposes_but_does_not_ask(client, antoine):
    client.force_login(antoine)

    assert client.get(PROPOSE).status_code == 200
    assert client.get(OPEN).status_code == 403


def test_an_entrepreneur_asks_but_does_not_propose(client, alice):
    client.force_login(alice.user)

    assert client.get(OPEN).status_code == 200
    assert client.get(PROPOSE).status_code == 403


def test_an_account_without_member_record_cannot_ask(client, db):
    client.force_login(UserFactory(email="sans-fiche@example.org"))

    response = client.get(OPEN)

    assert response.status_code == 403
    assert "Aucune fiche de membre n'est rattachée à votre compte" in text(response)


# ---------------------------------------------------------------- asking and proposing


def test_asking_for_a_case_review(client, alice, tree):
    client.force_login(alice.user)

    response = client.post(
        OPEN, {"title": TITLE, "situation": SITUATION, "nodes": [tree.hairdresser.code]}
    )

    case = TutoringCase.objects.get()
    assert response.url == url("detail", case)
    assert (case.member, case.consent, case.title) == (alice, Consent.GIVEN, TITLE)
    page = client.get(response.url)
    assert page_messages(page) == [
        "Votre demande est ouverte : invitez maintenant des bénévoles parmi les suggestions."
    ]


def test_asking_without_a_skill_says_so(client, alice):
    client.force_login(alice.user)

    response = client.post(OPEN, {"title": TITLE, "situation": SITUATION})

    assert response.status_code == 200
    assert errors(response) == ["Choisissez au moins une compétence."]
    assert TutoringCase.objects.count() == 0


def test_the_advisor_proposes_to_their_own_members_only(client, antoine, alice, bob, tree):
    client.force_login(antoine)

    form = client.get(PROPOSE)
    refused = client.post(
        PROPOSE,
        {"member": bob.pk, "title": TITLE, "situation": SITUATION, "nodes": [tree.cut.code]},
    )
    proposed = client.post(
        PROPOSE,
        {"member": alice.pk, "title": TITLE, "situation": SITUATION, "nodes": [tree.cut.code]},
    )

    assert "Alice Martin" in text(form) and "Bob Durand" not in text(form)
    assert errors(refused) == [
        "Choisissez un·e des entrepreneur·es que vous suivez : vous ne pouvez proposer un "
        "tutorat qu'à elles et eux."
    ]
    case = TutoringCase.objects.get()
    assert (proposed.url, case.member, case.consent) == (
        url("detail", case),
        alice,
        Consent.PENDING,
    )


@pytest.fixture
def proposal(antoine, alice, tree):
    return services.case_propose(
        actor=antoine, member=alice, title=TITLE, situation=SITUATION, nodes=[tree.cut]
    )


def test_the_member_reads_the_proposal_and_consents(client, alice, proposal):
    client.force_login(alice.user)

    listed = client.get(MINE)
    page = client.get(url("consent", proposal))
    answered = follow(client, client.post(url("consent_give", proposal)))

    assert f'href="{url("consent", proposal)}"' in text(listed)
    assert SITUATION in text(page)
    assert page_messages(answered) == ["Merci : le tutorat peut commencer, invitez des bénévoles."]
    proposal.refresh_from_db()
    assert proposal.consent == Consent.GIVEN


def test_the_member_refuses_the_proposal(client, alice, proposal):
    client.force_login(alice.user)

    answered = follow(client, client.post(url("consent_refuse", proposal)))

    assert page_messages(answered) == ["Vous avez refusé ce tutorat : la proposition est close."]
    proposal.refresh_from_db()
    assert (proposal.consent, proposal.status) == (Consent.REFUSED, CaseStatus.CLOSED)


def test_the_advisor_cannot_consent_for_the_member(client, antoine, proposal):
    client.force_login(antoine)

    page = client.get(url("consent", proposal))
    answered = follow(client, client.post(url("consent_give", proposal)))

    assert page.status_code == 302  # the consent page is the member's: back to the case
    assert page_messages(answered) == [
        "Seul·e le membre concerné·e peut accepter ou refuser ce tutorat : personne ne donne "
        "son accord à sa place."
    ]
    proposal.refresh_from_db()
    assert proposal.consent == Consent.PENDING


def test_a_pending_proposal_offers_no_volunteer(client, antoine, proposal, people):
    client.force_login(antoine)

    page = client.get(url("detail", proposal))

    assert "En attente de l'accord du membre" in text(page)
    assert invite_boxes(page) == []


# ---------------------------------------------------------------- volunteers


def test_the_directory_suggests_members_with_the_skills(client, alice, case, people):
    no_account = entrepreneur("Sans", "Compte", user=None)
    from tests.skills.directory_data import make_profile

    make_profile(no_account, skills=[(case.needed_skills.get(), 3)])
    client.force_login(alice.user)

    page = client.get(url("detail", case))

    assert sorted(invite_boxes(page)) == ["Carol Henné", "Dan Ciseaux"]


def test_inviting_from_the_suggestions(client, alice, case, people):
    client.force_login(alice.user)

    done = follow(client, client.post(url("invite", case), {"members": [people.carol.pk]}))

    assert page_messages(done) == [
        "Invitations envoyées : chaque bénévole accepte ou décline dans « Mes cas »."
    ]
    assert list(Volunteer.objects.values_list("member__first_name", flat=True)) == ["Carol"]
    assert invite_boxes(done) == ["Dan Ciseaux"]


def test_inviting_nobody_or_an_unsuggested_member_is_refused(client, alice, case, people):
    client.force_login(alice.user)

    nobody = follow(client, client.post(url("invite", case), {}))
    stranger = follow(client, client.post(url("invite", case), {"members": [people.eve.pk]}))

    assert page_messages(nobody) == ["Cochez au moins une personne à inviter."]
    assert page_messages(stranger) == [
        "Cette personne n'est pas (ou plus) parmi les bénévoles suggéré·es : rechargez la page."
    ]
    assert Volunteer.objects.count() == 0


def test_the_invited_volunteer_answers_from_the_case_page(client, invited, people):
    client.force_login(people.carol.user)

    listed = client.get(MINE)
    page = client.get(url("detail", invited))
    accepted = follow(client, client.post(url("accept", invited)))

    assert TITLE in text(listed) and "À répondre" in text(listed)
    assert "Vous êtes invité·e comme bénévole" in text(page)
    assert page_messages(accepted) == ["Merci d'avoir accepté : vous serez de la séance."]
    assert "Vous êtes invité·e comme bénévole" not in text(accepted)


def test_declining_goes_back_to_my_list_without_the_case(client, invited, people):
    client.force_login(people.dan.user)

    response = client.post(url("decline", invited))

    assert response.url == MINE
    page = client.get(MINE)
    assert page_messages(page) == [
        "Vous avez décliné l'invitation : ce cas ne vous est plus accessible."
    ]
    assert TITLE not in text(page)


# ---------------------------------------------------------------- session, plan, follow-up


def test_the_session_page_waits_for_volunteers(client, alice, case):
    client.force_login(alice.user)

    response = follow(client, client.get(url("session", case)))

    assert page_messages(response) == [
        "La séance se note une fois des bénévoles invité·es, avec l'accord du membre, et tant "
        "que le cas n'est pas clos."
    ]


def test_recording_the_session_from_its_page(client, alice, antoine, invited, people):
    accept(invited, people.carol, people.dan)
    client.force_login(antoine)

    form = client.get(url("session", invited))
    response = client.post(
        url("session", invited),
        {
            "date": timezone.localdate().isoformat(),
            "member_present": "on",
            "advisor_present": "on",
            "volunteers": [people.carol.pk],
            "situation": "Présentée par Alice.",
            "diagnosis": "Relances à écrire.",
        },
    )

    assert SITUATION in text(form)  # the form starts from the case's situation
    session = Session.objects.get()
    assert (response.url, session.advisor, list(session.volunteers.all())) == (
        url("detail", invited),
        antoine,
        [people.carol],
    )
    page = client.get(response.url)
    assert "Relances à écrire." in text(page)
    assert "Ajouter une action" in text(page)


def test_a_session_with_a_volunteer_who_did_not_accept_is_refused(client, alice, invited, people):
    accept(invited, people.carol)
    client.force_login(alice.user)

    response = client.post(
        url("session", invited),
        {
            "date": timezone.localdate().isoformat(),
            "volunteers": [people.dan.pk],
            "situation": "S",
            "diagnosis": "D",
        },
    )

    assert response.status_code == 200
    assert errors(response) == [
        "Seul·es les bénévoles qui ont accepté l'invitation peuvent être présent·es."
    ]
    assert Session.objects.count() == 0


@pytest.fixture
def held(invited, people):
    accept(invited, people.carol, people.dan)
    hold_session(invited, people.carol, people.dan)
    invited.refresh_from_db()
    return invited


def test_the_plan_and_its_owners(client, alice, antoine, held, people):
    client.force_login(alice.user)
    due = timezone.localdate() + dt.timedelta(days=10)

    form = client.get(url("action_add", held))
    response = client.post(
        url("action_add", held),
        {"action": "Modèle de relance", "owner": f"v{people.carol.pk}", "due_date": due},
    )

    owners = section(form, 'name="owner"', "</select>")
    assert re.findall(r'<option value="([^"]*)"', owners) == [
        "",
        "member",
        f"v{people.carol.pk}",
        f"v{people.dan.pk}",
        "advisor",
    ]
    item = ActionItem.objects.get()
    assert (response.url, item.owner, item.due_date) == (url("detail", held), people.carol, due)


def test_the_owner_marks_their_action_done(client, alice, held, people):
    item = services.action_add(
        actor=alice.user,
        case=held,
        action="Modèle de relance",
        owner=people.carol,
        due_date=timezone.localdate(),
    )
    client.force_login(people.dan.user)
    assert "Marquer faite" not in text(client.get(url("detail", held)))
    client.force_login(people.carol.user)

    page = client.get(url("detail", held))
    done = follow(client, client.post(url("action_done", held, item.pk)))

    assert "Marquer faite" in text(page)
    assert page_messages(done) == ["Action marquée faite."]
    item.refresh_from_db()
    assert item.done_at is not None


def test_following_up_and_closing(client, antoine, held):
    client.force_login(antoine)

    response = client.post(
        url("follow_up", held),
        {
            "date": timezone.localdate().isoformat(),
            "notes": "Un client a payé.",
            "next_step": "Demander un acompte",
        },
    )
    closed = follow(client, client.post(url("close", held)))

    assert response.url == url("detail", held)
    assert FollowUp.objects.get().next_step == "Demander un acompte"
    assert page_messages(closed) == ["Le suivi est noté.", "Le cas est clos."]
    assert "Un client a payé." in text(closed)
    assert "Ajouter une action" not in text(closed)
    held.refresh_from_db()
    assert held.status == CaseStatus.CLOSED


# ---------------------------------------------------------------- queries per list


def _cases_for(member, tree, n: int) -> list[TutoringCase]:
    return [open_case(member, tree, title=f"Cas {i}") for i in range(n)]


def test_mes_cas_of_an_entrepreneur_takes_the_same_queries_for_1_or_3_rows(
    client, alice, bob, tree, people
):
    client.force_login(alice.user)
    first = _cases_for(alice, tree, 1)[0]
    other = _cases_for(bob, tree, 1)[0]
    services.volunteers_invite(actor=bob.user, case=other, members=[alice])
    one = queries_to_render(client, MINE)

    for case in _cases_for(alice, tree, 2):
        services.volunteers_invite(actor=alice.user, case=case, members=[people.carol])
    services.volunteers_invite(actor=alice.user, case=first, members=[people.dan])
    for owner in (entrepreneur("Fanny", "Un"), entrepreneur("Gus", "Deux")):
        case = open_case(owner, tree)
        services.volunteers_invite(actor=owner.user, case=case, members=[alice])
    three = queries_to_render(client, MINE)

    assert three == one
    assert text(client.get(MINE)).count("/tutorat/") >= 6


def test_mes_cas_of_an_advisor_takes_the_same_queries_for_1_or_3_rows(client, antoine, alice, tree):
    client.force_login(antoine)
    _cases_for(alice, tree, 1)
    one = queries_to_render(client, MINE)

    _cases_for(alice, tree, 2)
    three = queries_to_render(client, MINE)

    assert three == one


def test_the_case_page_takes_the_same_queries_for_1_or_3_volunteers_and_actions(
    client, alice, antoine, tree, people
):
    def reviewed(volunteers):
        case = open_case(alice, tree)
        services.volunteers_invite(actor=alice.user, case=case, members=volunteers)
        accept(case, *volunteers)
        hold_session(case, *volunteers)
        for volunteer in volunteers:
            services.action_add(
                actor=alice.user,
                case=case,
                action="Une action",
                owner=volunteer,
                due_date=timezone.localdate(),
            )
            services.follow_up_record(
                actor=alice.user, case=case, date=timezone.localdate(), notes="Suivi"
            )
        return case

    small = reviewed([people.carol])
    big = reviewed([people.carol, people.dan, people.eve])
    client.force_login(alice.user)

    assert queries_to_render(client, url("detail", big)) == queries_to_render(
        client, url("detail", small)
    )
