"""Advisor pages: the deadlines of one's entrepreneurs, and recording accompaniment meetings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from essaim.core.dates import add_years
from essaim.core.models import AuditEntry
from essaim.members import path
from essaim.members.models import AccompanimentMeeting, Member
from tests.factories import AdvisorFactory
from tests.members.pages import (
    ROLE_REFUSED,
    days,
    errors,
    fast_passwords,  # noqa: F401
    fr,
    items,
    login_url,
    make_member,
    page_messages,
    section,
    text,
    today,
)

DEADLINES = reverse("members:deadlines")
MEETING = reverse("members:meeting_create")


def rows(response) -> list[str]:
    return items(section(response, "<tbody>", "</tbody>"), "tr")


def associate_deadline(member: Member):
    return path.associate_deadline([s.as_path() for s in member.stages.all()])


# --- deadlines ------------------------------------------------------------------------------


def test_deadlines_anonymous_is_sent_to_login(client, db):
    response = client.get(DEADLINES)

    assert (response.status_code, response.url) == (302, login_url(DEADLINES))


def test_deadlines_refused_to_entrepreneurs(client, alice):
    client.force_login(alice.user)

    response = client.get(DEADLINES)

    assert response.status_code == 403
    assert ROLE_REFUSED in text(response)


@pytest.fixture
def paul(db):
    return AdvisorFactory(first_name="Paul", last_name="Suivi")


@pytest.fixture
def followed(paul, berenice):
    """Paul's entrepreneurs, each with (or without) a deadline; one of Bérénice's."""
    member = make_member
    return {
        "cape_soon": member(
            first_name="Anne",
            last_name="Cape",
            advisor=paul,
            stages=[{"kind": "cape", "start": days(-200), "end": days(30)}],
        ),
        "cape_far": member(
            first_name="Basile",
            last_name="Loin",
            advisor=paul,
            stages=[{"kind": "cape", "start": days(-100), "end": days(61)}],
        ),
        "cape_last": member(
            first_name="Carla",
            last_name="Dernier",
            advisor=paul,
            stages=[
                {"kind": "cape", "start": days(-300), "end": days(-201)},
                {"kind": "cape", "start": days(-200), "end": days(-101)},
                {"kind": "cape", "start": days(-100), "end": days(10)},
            ],
        ),
        "trial": member(
            first_name="David",
            last_name="Essai",
            advisor=paul,
            stages=[{"kind": "cesa", "start": days(-60), "trial_end": days(20)}],
        ),
        "associate_soon": member(
            first_name="Emma",
            last_name="Bientot",
            advisor=paul,
            stages=[{"kind": "cesa", "start": add_years(days(45), -3)}],
        ),
        "associate_overdue": member(
            first_name="Farid",
            last_name="Retard",
            advisor=paul,
            stages=[{"kind": "cesa", "start": add_years(days(-10), -3)}],
        ),
        "associate_far": member(
            first_name="Gina",
            last_name="Tranquille",
            advisor=paul,
            stages=[{"kind": "cesa", "start": add_years(days(200), -3)}],
        ),
        "associated": member(
            first_name="Hugo",
            last_name="Associe",
            advisor=paul,
            stages=[
                {"kind": "cesa", "start": add_years(days(-10), -3)},
                {"kind": "associate", "start": days(-400)},
            ],
        ),
        "exited": member(
            first_name="Iris",
            last_name="Partie",
            advisor=paul,
            stages=[{"kind": "cape", "start": days(-200), "end": days(20)}],
            exit=(days(-1), "own_company"),
        ),
        "other_advisor": member(
            first_name="Jules",
            last_name="Ailleurs",
            advisor=berenice,
            stages=[{"kind": "cape", "start": days(-200), "end": days(5)}],
        ),
    }


def test_advisor_sees_the_deadlines_of_own_entrepreneurs_only(client, paul, followed):
    soon = associate_deadline(followed["associate_soon"])
    overdue = associate_deadline(followed["associate_overdue"])
    client.force_login(paul)

    response = client.get(DEADLINES)

    assert response.status_code == 200
    assert rows(response) == [
        f"{fr(overdue)} Échéance associé·e dépassée Farid Retard "
        f"dépassée de {(today() - overdue).days} jours",
        f"{fr(days(10))} Fin du CAPE (dernier renouvellement) Carla Dernier dans 10 jours",
        f"{fr(days(20))} Fin de la période d'essai du CESA David Essai dans 20 jours",
        f"{fr(days(30))} Fin du CAPE (2 renouvellement(s) possible(s)) Anne Cape dans 30 jours",
        f"{fr(soon)} Échéance pour devenir associé·e Emma Bientot "
        f"dans {(soon - today()).days} jours",
    ]


def test_deadline_windows_as_the_page_announces(paul, followed):
    """The fixture's dates straddle the windows: 60 days for a CAPE, 90 for associate."""
    assert 0 <= (associate_deadline(followed["associate_soon"]) - today()).days <= 90
    assert (associate_deadline(followed["associate_far"]) - today()).days > 90
    assert associate_deadline(followed["associate_overdue"]) < today()


def test_staff_sees_every_deadline_with_the_advisor(client, claire, paul, followed):
    client.force_login(claire)

    response = client.get(DEADLINES)

    shown = rows(response)
    assert len(shown) == 6
    assert shown[1] == (
        f"{fr(days(5))} Fin du CAPE (2 renouvellement(s) possible(s)) Jules Ailleurs "
        "dans 5 jours Bérénice Accompagne"
    )
    assert shown[2].endswith("Carla Dernier dans 10 jours Paul Suivi")


def test_no_deadline_says_so(client, paul):
    make_member(advisor=paul, stages=[{"kind": "cape", "start": days(-10)}])
    client.force_login(paul)

    response = client.get(DEADLINES)

    assert "Aucune échéance proche. Tout est à jour." in text(response)
    assert "<tbody>" not in text(response)


# --- meetings -------------------------------------------------------------------------------


def test_meeting_anonymous_is_sent_to_login(client, db):
    response = client.get(MEETING)

    assert (response.status_code, response.url) == (302, login_url(MEETING))


def test_meeting_refused_to_entrepreneurs_and_staff(client, claire, alice):
    for user in (alice.user, claire):
        client.force_login(user)
        got = client.get(MEETING)
        posted = client.post(
            MEETING,
            {"members": [alice.pk], "date": today(), "kind": "individual", "subject": "X"},
        )
        assert (got.status_code, posted.status_code) == (403, 403)
        assert ROLE_REFUSED in text(got)
    assert not AccompanimentMeeting.objects.exists()


def test_meeting_form_offers_only_own_current_entrepreneurs(client, antoine, alice, bob):
    gone = make_member(
        first_name="Karl",
        last_name="Parti",
        advisor=antoine,
        stages=[{"kind": "cape", "start": days(-50)}],
        exit=(days(-1), "other"),
    )
    client.force_login(antoine)

    form = client.get(MEETING, {"member": alice.pk}).context["form"]

    assert list(form.fields["members"].queryset) == [alice]
    assert gone not in form.fields["members"].queryset
    assert [str(v) for v in form["members"].value()] == [str(alice.pk)]
    assert form["date"].value() == today()


def test_record_an_individual_meeting(client, antoine, alice):
    client.force_login(antoine)

    response = client.post(
        MEETING,
        {
            "members": [alice.pk],
            "date": days(-1).isoformat(),
            "kind": "individual",
            "subject": "Préparer le devis",
            "notes": "Relancer le client.",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("members:detail", args=[alice.pk])
    meeting = AccompanimentMeeting.objects.get()
    assert (meeting.advisor, list(meeting.members.all()), meeting.date, meeting.kind) == (
        antoine,
        [alice],
        days(-1),
        "individual",
    )
    assert list(
        AuditEntry.objects.filter(action="meeting.recorded").values_list("actor", "subject_id")
    ) == [(antoine.pk, str(alice.pk))]
    page = client.get(response.url)
    assert page_messages(page) == ["Rendez-vous enregistré."]
    assert items(section(page, 'aria-labelledby="h-meetings"', "</section>"), "tr")[1:] == [
        f"{fr(days(-1))} Individuel Préparer le devis Antoine Conseil Relancer le client."
    ]


def test_record_a_collective_meeting(client, antoine, alice):
    other = make_member(first_name="Léo", last_name="Collectif", advisor=antoine)
    client.force_login(antoine)

    response = client.post(
        MEETING,
        {
            "members": [alice.pk, other.pk],
            "date": today().isoformat(),
            "kind": "collective",
            "subject": "Atelier prix",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("members:list")
    for member in (alice, other):
        page = client.get(reverse("members:detail", args=[member.pk]))
        meetings = items(section(page, 'aria-labelledby="h-meetings"', "</section>"), "tr")
        assert meetings[1:] == [f"{fr(today())} Collectif Atelier prix Antoine Conseil"]
    assert AuditEntry.objects.filter(action="meeting.recorded").count() == 2


def test_an_individual_meeting_with_two_people_is_refused(client, antoine, alice):
    other = make_member(advisor=antoine)
    client.force_login(antoine)

    response = client.post(
        MEETING,
        {
            "members": [alice.pk, other.pk],
            "date": today().isoformat(),
            "kind": "individual",
            "subject": "Point",
        },
    )

    assert response.status_code == 200
    assert errors(response) == ["Un rendez-vous individuel concerne une seule personne"]
    assert not AccompanimentMeeting.objects.exists()


def test_a_meeting_with_someone_the_advisor_does_not_follow_is_refused(client, antoine, bob):
    client.force_login(antoine)

    response = client.post(
        MEETING,
        {
            "members": [bob.pk],
            "date": today().isoformat(),
            "kind": "individual",
            "subject": "Point",
        },
    )

    assert response.status_code == 200
    assert errors(response) == [
        "Vous ne suivez pas (ou plus) l'une des personnes choisies : choisissez parmi les "
        "entrepreneur·es que vous accompagnez."
    ]
    assert not AccompanimentMeeting.objects.exists()
    assert not AuditEntry.objects.filter(action="meeting.recorded").exists()


def test_a_meeting_without_subject_or_person_says_what_is_missing(client, antoine):
    client.force_login(antoine)

    response = client.post(MEETING, {"date": today().isoformat(), "kind": "individual"})

    assert errors(response) == ["Ce champ est obligatoire.", "Ce champ est obligatoire."]
    assert not AccompanimentMeeting.objects.exists()
