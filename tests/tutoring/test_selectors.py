"""Reads of collective tutoring: the directory's suggestions, participation per member and
day for the collective app, the yearly count; and notifications that never carry a case's
content."""

# The fixtures imported from conftest are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone

from essaim.core.models import EmailFrequency, Notification, NotificationSettings
from essaim.tutoring import selectors, services
from essaim.tutoring.models import TutoringCase
from tests.skills.directory_data import leave, make_profile
from tests.tutoring.conftest import SITUATION, TITLE, open_case
from tests.tutoring.factories import accept, entrepreneur, hold_session


def names(suggestions) -> list[str]:
    return [str(s.member) for s in suggestions]


# ---------------------------------------------------------------- suggestions


def test_suggestions_hold_a_needed_skill_or_one_below_it(case, people, tree):
    found = selectors.suggested_volunteers(case)

    assert sorted(names(found)) == ["Carol Henné", "Dan Ciseaux"]
    assert {str(s.member): [k.node for k in s.skills] for s in found} == {
        "Carol Henné": [tree.vegetal],
        "Dan Ciseaux": [tree.cut],
    }


def test_suggestions_leave_out_the_member_the_invited_the_departed_and_the_accountless(
    alice, people, tree
):
    make_profile(alice, skills=[(tree.cut, 3)])
    case = open_case(alice, tree)
    services.volunteers_invite(actor=alice.user, case=case, members=[people.dan])
    make_profile(entrepreneur("Sans", "Compte", user=None), skills=[(tree.cut, 3)])
    leave(make_profile(entrepreneur("Partie", "Avant"), skills=[(tree.cut, 3)]))

    assert names(selectors.suggested_volunteers(case)) == ["Carol Henné"]


def test_members_answering_several_needed_skills_come_first(alice, people, tree):
    both = make_profile(entrepreneur("Zoé", "Polyvalente"), skills=[(tree.cut, 2), (tree.web, 2)])
    case = open_case(alice, tree, nodes=[tree.web, tree.hairdresser])

    found = selectors.suggested_volunteers(case)

    assert found[0].member == both
    assert sorted(names(found[1:])) == ["Carol Henné", "Dan Ciseaux", "Eve Web"]


# ---------------------------------------------------------------- participation and stats


def test_participation_rows_date_the_case_the_acceptance_and_the_session(
    alice, antoine, people, tree
):
    case = open_case(alice, tree)
    services.volunteers_invite(actor=alice.user, case=case, members=[people.carol, people.dan])
    accept(case, people.carol)
    services.volunteer_answer(actor=people.dan.user, case=case, accept=False)
    hold_session(case, people.carol)
    day = timezone.localdate()

    rows = selectors.participation_rows(start=day - dt.timedelta(days=1), end=day)

    assert sorted(rows) == sorted(
        [
            (alice.pk, day, "tutoring.case"),
            (people.carol.pk, day, "tutoring.volunteer"),
            (alice.pk, day, "tutoring.session"),
            (people.carol.pk, day, "tutoring.session"),
        ]
    )
    tomorrow = day + dt.timedelta(days=1)
    assert selectors.participation_rows(start=tomorrow, end=tomorrow) == []


def test_a_proposal_counts_from_the_day_of_consent_and_a_refusal_never(
    alice, antoine, bob, berenice, tree
):
    waiting = services.case_propose(
        actor=antoine, member=alice, title=TITLE, situation=SITUATION, nodes=[tree.cut]
    )
    refused = services.case_propose(
        actor=berenice, member=bob, title=TITLE, situation=SITUATION, nodes=[tree.cut]
    )
    services.case_consent(actor=bob.user, case=refused, given=False)
    day = timezone.localdate()
    assert selectors.participation_rows(start=day, end=day) == []
    assert selectors.stats(year=day.year) == {"tutoring_cases": 0}

    services.case_consent(actor=alice.user, case=waiting, given=True)

    assert selectors.participation_rows(start=day, end=day) == [(alice.pk, day, "tutoring.case")]
    assert selectors.stats(year=day.year) == {"tutoring_cases": 1}


def test_stats_count_the_cases_opened_in_the_year(alice, bob, tree):
    open_case(alice, tree)
    old = open_case(bob, tree)
    last_year = timezone.now().replace(year=timezone.now().year - 1)
    TutoringCase.objects.filter(pk=old.pk).update(created_at=last_year, consent_at=last_year)
    year = timezone.localdate().year

    assert selectors.stats(year=year) == {"tutoring_cases": 1}
    assert selectors.stats(year=year - 1) == {"tutoring_cases": 1}
    assert selectors.stats() == {"tutoring_cases": 2}


# ---------------------------------------------------------------- notifications


def test_notifications_and_e_mails_never_carry_the_case_content(
    alice, antoine, people, tree, django_capture_on_commit_callbacks
):
    everyone = [alice.user, antoine, people.carol.user, people.dan.user]
    for user in everyone:
        NotificationSettings.objects.create(user=user, email_frequency=EmailFrequency.IMMEDIATE)
    secret_title = "Dettes URSSAF de mon salon"
    secret_situation = "Je dois 12 000 euros à l'URSSAF et mon associé est parti."
    diagnosis = "Échéancier à négocier avec l'URSSAF."

    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_propose(
            actor=antoine,
            member=alice,
            title=secret_title,
            situation=secret_situation,
            nodes=[tree.hairdresser],
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.case_consent(actor=alice.user, case=case, given=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.volunteers_invite(actor=alice.user, case=case, members=[people.carol, people.dan])
    with django_capture_on_commit_callbacks(execute=True):
        accept(case, people.carol, people.dan)
    with django_capture_on_commit_callbacks(execute=True):
        hold_session(case, people.carol, diagnosis=diagnosis)
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_up_record(
            actor=alice.user, case=case, date=timezone.localdate(), notes="URSSAF d'accord."
        )

    assert len(mail.outbox) == Notification.objects.count() >= 10
    words = ["URSSAF", "Dettes", "salon", "12 000", "associé"]
    for message in mail.outbox:
        sent = f"{message.subject}\n{message.body}"
        assert [w for w in words if w in sent] == [], sent
        assert f"/tutorat/{case.pk}/" in message.body
    for note in Notification.objects.all():
        assert [w for w in words if w in f"{note.title} {note.body}"] == []
