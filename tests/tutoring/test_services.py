"""The tutoring services: who opens, proposes and consents; inviting and answering; the
session, the plan, the follow-up; refusals in French with nothing written."""

# The fixtures imported from conftest are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from essaim.core.models import AuditEntry, Notification
from essaim.members import services as member_services
from essaim.tutoring import services
from essaim.tutoring.models import (
    ActionItem,
    CaseStatus,
    Consent,
    FollowUp,
    Session,
    TutoringCase,
    Volunteer,
    VolunteerStatus,
)
from tests.tutoring.conftest import SITUATION, TITLE, open_case
from tests.tutoring.factories import accept, entrepreneur, hold_session


def messages_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]] | list[str]:
    error = exc.value
    return error.message_dict if hasattr(error, "error_dict") else error.messages


def today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------- opening and proposing


def test_a_member_opens_a_case_for_themself_with_consent_given(alice, antoine, tree):
    case = open_case(alice, tree)

    assert (case.member, case.opened_by, case.requested_by_member) == (alice, alice.user, True)
    assert (case.consent, case.status, case.consent_at is not None) == (
        Consent.GIVEN,
        CaseStatus.REQUESTED,
        True,
    )
    assert list(case.needed_skills.all()) == [tree.hairdresser]
    entry = AuditEntry.objects.get(action="tutoring.case_requested")
    assert (entry.target_repr, entry.actor) == (f"Cas de tutorat n° {case.pk}", alice.user)
    assert list(Notification.objects.values_list("user", "kind")) == [
        (antoine.pk, "tutoring.requested")
    ]


def test_a_case_opened_for_another_member_is_refused_and_nothing_is_written(alice, bob, tree):
    with pytest.raises(ValidationError) as exc:
        services.case_open(
            actor=alice.user, member=bob, title=TITLE, situation=SITUATION, nodes=[tree.cut]
        )

    assert messages_of(exc) == {
        "member": [
            "Vous ne pouvez ouvrir un cas de tutorat que pour vous-même : Bob Durand n'a pas "
            "donné son accord. Sa ou son chargé·e d'accompagnement peut le lui proposer."
        ]
    }
    assert (
        TutoringCase.objects.count(),
        AuditEntry.objects.filter(action__startswith="tutoring").count(),
    ) == (0, 0)


def test_an_advisor_or_staff_cannot_open_a_case_without_consent(alice, antoine, claire, tree):
    with pytest.raises(ValidationError) as by_advisor:
        services.case_open(
            actor=antoine, member=alice, title=TITLE, situation=SITUATION, nodes=[tree.cut]
        )
    with pytest.raises(ValidationError) as by_staff:
        services.case_open(
            actor=claire, member=alice, title=TITLE, situation=SITUATION, nodes=[tree.cut]
        )

    assert "proposez-le lui" in messages_of(by_advisor)[0]
    assert "les cas sont confidentiels" in messages_of(by_staff)[0]
    assert TutoringCase.objects.count() == 0


def test_bad_input_is_refused_field_by_field(alice):
    with pytest.raises(ValidationError) as exc:
        services.case_open(actor=alice.user, member=alice, title=" ", situation="", nodes=[])

    assert messages_of(exc) == {
        "title": ["Donnez un titre au cas : quelques mots qui le résument."],
        "situation": ["Décrivez la situation : c'est ce que liront les bénévoles invité·es."],
        "nodes": [
            "Choisissez au moins une compétence recherchée : elle sert à suggérer des bénévoles."
        ],
    }
    assert TutoringCase.objects.count() == 0


def test_the_advisor_proposes_a_case_that_waits_for_consent(alice, antoine, tree):
    case = services.case_propose(
        actor=antoine, member=alice, title=TITLE, situation=SITUATION, nodes=[tree.cut]
    )

    assert (case.requested_by_member, case.consent, case.consent_at, case.status) == (
        False,
        Consent.PENDING,
        None,
        CaseStatus.REQUESTED,
    )
    note = Notification.objects.get()
    assert (note.user, note.kind, note.url) == (
        alice.user,
        "tutoring.proposed",
        f"/tutorat/{case.pk}/",
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("berenice", "Vous ne suivez pas Alice Martin"),
        ("claire", "Seul·e la ou le chargé·e d'accompagnement d'un membre"),
    ],
)
def test_only_the_members_own_advisor_proposes(request, alice, tree, who, expected):
    actor = request.getfixturevalue(who)

    with pytest.raises(ValidationError) as exc:
        services.case_propose(
            actor=actor, member=alice, title=TITLE, situation=SITUATION, nodes=[tree.cut]
        )

    assert expected in str(exc.value)
    assert TutoringCase.objects.count() == 0


def test_nothing_happens_before_the_member_consents(alice, antoine, people, tree):
    case = services.case_propose(
        actor=antoine, member=alice, title=TITLE, situation=SITUATION, nodes=[tree.cut]
    )

    with pytest.raises(ValidationError) as exc:
        services.volunteers_invite(actor=antoine, case=case, members=[people.carol])

    assert messages_of(exc) == [
        "Le membre n'a pas encore donné son accord : aucun·e bénévole ne peut être invité·e avant."
    ]
    assert Volunteer.objects.count() == 0


def test_consent_is_given_by_the_member_only_once(alice, antoine, tree):
    case = services.case_propose(
        actor=antoine, member=alice, title=TITLE, situation=SITUATION, nodes=[tree.cut]
    )

    with pytest.raises(ValidationError) as by_advisor:
        services.case_consent(actor=antoine, case=case, given=True)
    assert "personne ne donne son accord à sa place" in messages_of(by_advisor)[0]

    services.case_consent(actor=alice.user, case=case, given=True)
    case.refresh_from_db()
    assert (case.consent, case.consent_at is not None) == (Consent.GIVEN, True)
    with pytest.raises(ValidationError) as twice:
        services.case_consent(actor=alice.user, case=case, given=False)
    assert messages_of(twice) == ["Vous avez déjà répondu à cette proposition (Accord donné)."]


def test_a_refusal_closes_the_proposal(alice, antoine, tree):
    case = services.case_propose(
        actor=antoine, member=alice, title=TITLE, situation=SITUATION, nodes=[tree.cut]
    )

    services.case_consent(actor=alice.user, case=case, given=False)

    case.refresh_from_db()
    assert (case.consent, case.status, case.closed_at is not None) == (
        Consent.REFUSED,
        CaseStatus.CLOSED,
        True,
    )
    assert Notification.objects.filter(user=antoine, kind="tutoring.consent").count() == 1


def test_a_withdrawn_proposal_cannot_be_accepted(alice, antoine, tree):
    case = services.case_propose(
        actor=antoine, member=alice, title=TITLE, situation=SITUATION, nodes=[tree.cut]
    )
    services.case_close(actor=antoine, case=case)

    with pytest.raises(ValidationError) as exc:
        services.case_consent(actor=alice.user, case=case, given=True)

    assert messages_of(exc) == ["Cette proposition a été retirée : plus rien à accepter."]


# ---------------------------------------------------------------- volunteers


def test_inviting_volunteers_changes_the_status_and_tells_them(case, alice, people):
    rows = services.volunteers_invite(
        actor=alice.user, case=case, members=[people.carol, people.dan]
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.VOLUNTEERS_INVITED
    assert sorted((r.member.first_name, r.status) for r in rows) == [
        ("Carol", "invited"),
        ("Dan", "invited"),
    ]
    told = set(Notification.objects.filter(kind="tutoring.invited").values_list("user", flat=True))
    assert told == {people.carol.user_id, people.dan.user_id}


def test_an_invitation_with_one_wrong_person_invites_nobody(case, alice, people):
    no_account = entrepreneur("Sans", "Compte", user=None)
    services.volunteers_invite(actor=alice.user, case=case, members=[people.dan])

    with pytest.raises(ValidationError) as exc:
        services.volunteers_invite(
            actor=alice.user, case=case, members=[people.carol, alice, people.dan, no_account]
        )

    assert messages_of(exc) == {
        "members": [
            "Alice Martin est le membre dont le cas est examiné : pas son propre bénévole.",
            "Dan Ciseaux est déjà invité·e à ce cas.",
            "Sans Compte n'a pas de compte Essaim : impossible de lui répondre.",
        ]
    }
    assert list(Volunteer.objects.values_list("member__first_name", flat=True)) == ["Dan"]


def test_a_volunteer_cannot_invite_others(invited, people):
    accept(invited, people.carol)

    with pytest.raises(PermissionDenied):
        services.volunteers_invite(actor=people.carol.user, case=invited, members=[people.eve])


def test_volunteers_accept_or_decline_once(invited, alice, antoine, people):
    accepted = services.volunteer_answer(actor=people.carol.user, case=invited, accept=True)
    declined = services.volunteer_answer(actor=people.dan.user, case=invited, accept=False)

    assert (accepted.status, declined.status) == (VolunteerStatus.ACCEPTED, "declined")
    assert accepted.answered_at is not None and declined.answered_at is not None
    with pytest.raises(ValidationError) as twice:
        services.volunteer_answer(actor=people.dan.user, case=invited, accept=True)
    assert messages_of(twice) == ["Vous avez déjà répondu à cette invitation (A décliné)."]
    with pytest.raises(ValidationError) as stranger:
        services.volunteer_answer(actor=people.eve.user, case=invited, accept=True)
    assert messages_of(stranger) == ["Vous n'êtes pas invité·e à ce cas de tutorat."]
    told = Notification.objects.filter(kind="tutoring.answered").values_list("user", flat=True)
    assert sorted(told) == sorted([alice.user_id, antoine.pk] * 2)


# ---------------------------------------------------------------- the session and after


def test_the_session_needs_accepted_volunteers(invited, alice, people):
    with pytest.raises(ValidationError) as nobody:
        hold_session(invited, people.carol)

    assert messages_of(nobody) == {
        "volunteers": [
            "Carol Henné n'a pas accepté l'invitation : pas parmi les bénévoles présent·es."
        ]
    }
    assert Session.objects.count() == 0


def test_a_session_before_any_invitation_is_refused(case):
    with pytest.raises(ValidationError) as exc:
        hold_session(case)

    assert messages_of(exc) == [
        "Invitez d'abord des bénévoles : la séance se tient avec elles et eux."
    ]


def test_recording_the_session(invited, alice, antoine, people):
    accept(invited, people.carol, people.dan)

    session = hold_session(invited, people.carol, member_present=True, advisor_present=True)

    invited.refresh_from_db()
    assert invited.status == CaseStatus.SESSION_HELD
    assert (session.date, session.advisor, session.member_present) == (today(), antoine, True)
    assert list(session.volunteers.all()) == [people.carol]
    told = Notification.objects.filter(kind="tutoring.session").values_list("user", flat=True)
    assert sorted(told) == sorted([antoine.pk, people.carol.user_id, people.dan.user_id])


def test_session_dates_and_texts_are_checked(invited, people):
    accept(invited, people.carol)

    with pytest.raises(ValidationError) as exc:
        hold_session(
            invited,
            people.carol,
            date=today() + dt.timedelta(days=3),
            situation="",
            diagnosis=" ",
        )

    assert messages_of(exc) == {
        "situation": ["Notez la situation telle qu'elle a été présentée."],
        "diagnosis": ["Notez le diagnostic partagé par le groupe."],
        "date": ["La séance se note une fois tenue : sa date est à venir."],
    }


def test_correcting_the_session_keeps_one_session(invited, people):
    accept(invited, people.carol, people.dan)
    hold_session(invited, people.carol)

    session = hold_session(invited, people.carol, people.dan, diagnosis="Revu ensemble.")

    assert Session.objects.count() == 1
    assert (session.diagnosis, session.volunteers.count()) == ("Revu ensemble.", 2)
    assert AuditEntry.objects.filter(action="tutoring.session_corrected").count() == 1


@pytest.fixture
def held(invited, people):
    accept(invited, people.carol, people.dan)
    hold_session(invited, people.carol, people.dan)
    invited.refresh_from_db()
    return invited


def test_the_action_plan_has_owners_among_the_participants(held, alice, antoine, people):
    due = today() + dt.timedelta(days=14)
    mine = services.action_add(
        actor=alice.user, case=held, action="Relancer par écrit", owner=alice, due_date=due
    )
    carols = services.action_add(
        actor=antoine, case=held, action="Modèle de relance", owner=people.carol, due_date=due
    )
    advisors = services.action_add(
        actor=antoine, case=held, action="Voir l'acompte", owner=antoine, due_date=due
    )

    assert [(i.owner, i.due_date) for i in (mine, carols, advisors)] == [
        (alice, due),
        (people.carol, due),
        (antoine, due),
    ]
    with pytest.raises(ValidationError) as exc:
        services.action_add(
            actor=alice.user,
            case=held,
            action="",
            owner=people.eve,
            due_date=today() - dt.timedelta(days=1),
        )
    assert set(messages_of(exc)) == {"action", "owner", "due_date"}
    assert ActionItem.objects.count() == 3


def test_an_action_is_marked_done_by_its_owner_or_the_leaders(held, alice, people):
    due = today() + dt.timedelta(days=7)
    carols = services.action_add(
        actor=alice.user, case=held, action="Modèle", owner=people.carol, due_date=due
    )
    mine = services.action_add(
        actor=alice.user, case=held, action="Relancer", owner=alice, due_date=due
    )

    with pytest.raises(PermissionDenied):
        services.action_done(actor=people.dan.user, case=held, item=carols)
    with pytest.raises(PermissionDenied):
        services.action_done(actor=people.carol.user, case=held, item=mine)
    services.action_done(actor=people.carol.user, case=held, item=carols)
    services.action_done(actor=alice.user, case=held, item=mine)

    assert ActionItem.objects.filter(done_at__isnull=False).count() == 2
    with pytest.raises(ValidationError):
        services.action_done(actor=alice.user, case=held, item=mine)


def test_a_follow_up_moves_the_case_on(held, antoine):
    services.follow_up_record(
        actor=antoine, case=held, date=today(), notes="Un client a payé.", next_step="Acompte"
    )

    held.refresh_from_db()
    assert held.status == CaseStatus.FOLLOW_UP
    assert list(FollowUp.objects.values_list("notes", "next_step")) == [
        ("Un client a payé.", "Acompte")
    ]


def test_a_follow_up_needs_the_session(case, alice):
    with pytest.raises(ValidationError) as exc:
        services.follow_up_record(actor=alice.user, case=case, date=today(), notes="Rien.")

    assert messages_of(exc) == ["Notez d'abord la séance : le plan d'action en découle."]


def test_a_closed_case_takes_nothing_more(held, alice, people):
    services.case_close(actor=alice.user, case=held)

    with pytest.raises(ValidationError):
        services.follow_up_record(actor=alice.user, case=held, date=today(), notes="Encore")
    with pytest.raises(ValidationError):
        services.action_add(
            actor=alice.user, case=held, action="Encore", owner=alice, due_date=today()
        )
    with pytest.raises(ValidationError):
        services.case_close(actor=alice.user, case=held)
    with pytest.raises(PermissionDenied):
        services.case_close(actor=people.carol.user, case=held)


def test_cases_of_a_member_who_left_cannot_be_opened(alice, tree):
    member_services.member_exit(actor=None, member=alice, date=today(), reason="stopped")
    alice.refresh_from_db()

    with pytest.raises(ValidationError) as exc:
        open_case(alice, tree)

    assert messages_of(exc) == {
        "member": ["Alice Martin a quitté la coopérative : pas de nouveau cas."]
    }
