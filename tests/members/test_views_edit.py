"""Staff edits of a member: record and activity, stages, exit, advisor."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.text import capfirst

from essaim.core.audit import history_of
from essaim.core.dates import add_months
from essaim.core.models import AuditEntry
from essaim.members import path
from essaim.members.models import Activity, AdvisorAssignment, Member, PathStage, Sector
from tests.factories import StaffFactory
from tests.members.pages import (
    ROLE_REFUSED,
    card,
    days,
    errors,
    fast_passwords,  # noqa: F401
    fr,
    login_url,
    make_member,
    page_messages,
    text,
    timeline,
)


def detail(member: Member) -> str:
    return reverse("members:detail", args=[member.pk])


def audit(member: Member) -> list[tuple[str, dict]]:
    """The member's audit entries, oldest first, as (action, changes)."""
    return [(e.action, e.changes) for e in reversed(history_of(member))]


def edit_urls(member: Member) -> list[str]:
    stage = member.stages.first()
    return [
        reverse("members:edit", args=[member.pk]),
        reverse("members:stage_create", args=[member.pk]),
        reverse("members:stage_edit", args=[member.pk, stage.pk]),
        reverse("members:exit", args=[member.pk]),
        reverse("members:advisor_change", args=[member.pk]),
    ]


# --- who may edit ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, alice):
    for url in edit_urls(alice):
        response = client.get(url)
        assert (url, response.status_code, response.url) == (url, 302, login_url(url))


@pytest.mark.parametrize("who", ["advisor_of_the_member", "the_member_themself", "other_member"])
def test_only_staff_may_edit(client, alice, bob, antoine, who):
    user = {"advisor_of_the_member": antoine, "the_member_themself": alice.user}.get(who, bob.user)
    client.force_login(user)
    before = AuditEntry.objects.count()

    for url in edit_urls(alice):
        got = client.get(url)
        posted = client.post(url, {"city": "X", "kind": "associate", "start": days(0)})
        assert (url, got.status_code, posted.status_code) == (url, 403, 403)
        assert ROLE_REFUSED in text(got)
    assert AuditEntry.objects.count() == before


def test_staff_and_admin_may_open_every_form(client, claire, alice):
    admin = StaffFactory(role="admin")
    for user in (claire, admin):
        client.force_login(user)
        for url in edit_urls(alice):
            assert (url, client.get(url).status_code) == (url, 200)


def test_unknown_stage_or_member_is_not_found(client, claire, alice, bob):
    client.force_login(claire)

    assert client.get(reverse("members:edit", args=[999999])).status_code == 404
    # A stage of another member, under this member's address.
    other = bob.stages.first()
    assert client.get(reverse("members:stage_edit", args=[alice.pk, other.pk])).status_code == 404


# --- the record and the activity -------------------------------------------------------------


def member_form(member: Member, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "external_id": member.external_id or "",
        "email": member.email,
        "phone": member.phone,
        "postal_code": member.postal_code,
        "city": member.city,
        "activity_name": "",
        "activity_description": "",
        "activity_sector": "",
    }
    data.update(changes)
    return data


def test_edit_shows_the_current_values(client, claire, alice):
    Activity.objects.create(member=alice, name="Atelier", sector=Sector.objects.get(code="web"))
    client.force_login(claire)

    form = client.get(reverse("members:edit", args=[alice.pk])).context["form"]

    assert {name: form[name].value() for name in ("first_name", "email", "activity_name")} == {
        "first_name": "Alice",
        "email": "alice@example.org",
        "activity_name": "Atelier",
    }
    assert form["activity_sector"].value() == Sector.objects.get(code="web").pk


def test_edit_identity_and_activity_writes_the_audit_with_the_diff(client, claire, alice):
    sector = Sector.objects.get(code="formation")
    client.force_login(claire)
    before = audit(alice)

    response = client.post(
        reverse("members:edit", args=[alice.pk]),
        member_form(
            alice,
            last_name="Martin-Roy",
            phone="01 48 00 00 00",
            external_id="A-7",
            activity_name="Formations Martin",
            activity_description="Bureautique.",
            activity_sector=sector.pk,
        ),
    )

    assert response.status_code == 302
    assert response.url == detail(alice)
    alice.refresh_from_db()
    assert (alice.last_name, alice.phone, alice.external_id, alice.search_name) == (
        "Martin-Roy",
        "01 48 00 00 00",
        "A-7",
        "martin-roy alice",
    )
    assert (alice.user.last_name, alice.user.email) == ("Martin-Roy", "alice@example.org")
    activity = Activity.objects.get(member=alice)
    assert (activity.name, activity.description, activity.sector) == (
        "Formations Martin",
        "Bureautique.",
        sector,
    )
    assert audit(alice)[len(before) :] == [
        (
            "member.updated",
            {
                "external_id": [None, "A-7"],
                "last_name": ["Martin", "Martin-Roy"],
                "phone": ["+33 6 12 34 56 78", "01 48 00 00 00"],
            },
        ),
        (
            "activity.created",
            {
                "description": [None, "Bureautique."],
                "name": [None, "Formations Martin"],
                "sector": [None, "Formation et enseignement"],
            },
        ),
    ]
    assert AuditEntry.objects.get(action="member.updated").actor == claire
    page = client.get(response.url)
    assert page_messages(page) == ["Fiche enregistrée."]
    assert "Formations Martin" in card(page, "h-activity")


def test_edit_without_change_writes_nothing(client, claire, alice):
    client.force_login(claire)
    before = AuditEntry.objects.count()

    response = client.post(reverse("members:edit", args=[alice.pk]), member_form(alice))

    assert response.status_code == 302
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"postal_code": "931"}, ["Un code postal compte 5 chiffres, par exemple 93100."]),
        ({"email": "pas-une-adresse"}, ["Saisissez une adresse de courriel valide."]),
        ({"first_name": ""}, ["Ce champ est obligatoire."]),
        ({"activity_description": "Sans nom"}, ["Donnez un nom à l'enseigne."]),
        (
            {"email": "BOB@example.org"},
            ["Cette adresse e-mail est déjà celle d'une autre personne de la coopérative."],
        ),
        (
            {"email": "claire@coop.example"},
            ["L'adresse claire@coop.example est déjà celle d'une autre personne de la coopérative"],
        ),
    ],
)
def test_edit_refused_says_why_and_writes_nothing(client, claire, alice, bob, changes, expected):
    client.force_login(claire)
    before = AuditEntry.objects.count()

    response = client.post(reverse("members:edit", args=[alice.pk]), member_form(alice, **changes))

    assert response.status_code == 200
    assert errors(response) == expected
    assert AuditEntry.objects.count() == before
    assert Member.objects.get(pk=alice.pk).email == "alice@example.org"


def test_edit_external_id_taken_by_another_member(client, claire, alice, bob):
    Member.objects.filter(pk=bob.pk).update(external_id="B-1")
    client.force_login(claire)

    response = client.post(
        reverse("members:edit", args=[alice.pk]), member_form(alice, external_id="B-1")
    )

    assert response.status_code == 200
    assert errors(response) == ["Cet identifiant externe est déjà celui d'un autre membre."]
    assert Member.objects.get(pk=alice.pk).external_id is None


# --- stages ---------------------------------------------------------------------------------


@pytest.fixture
def newcomer(db):
    return make_member(
        first_name="Noé", last_name="Blanc", stages=[{"kind": "information", "start": days(-30)}]
    )


def test_add_a_valid_stage(client, claire, newcomer):
    client.force_login(claire)

    response = client.post(
        reverse("members:stage_create", args=[newcomer.pk]),
        {"kind": "cape", "start": days(-10).isoformat(), "end": "", "trial_end": ""},
    )

    assert response.status_code == 302
    assert response.url == detail(newcomer)
    assert list(newcomer.stages.values_list("kind", "start", "end")) == [
        ("information", days(-30), None),
        ("cape", days(-10), None),
    ]
    assert Member.objects.get(pk=newcomer.pk).stage == "cape"
    assert audit(newcomer)[-1] == (
        "stage.added",
        {"kind": [None, "cape"], "start": [None, days(-10).isoformat()]},
    )
    page = client.get(response.url)
    assert page_messages(page) == ["Étape ajoutée au parcours."]
    assert f"{fr(days(-10))} Début du CAPE" in " ".join(timeline(page))


def test_a_cape_of_40_months_is_refused_with_the_french_message(client, claire, newcomer):
    start = days(-10)
    end = add_months(start, 40)
    expected = path.validate_path(
        [path.Stage("information", days(-30)), path.Stage("cape", start, end)]
    )
    client.force_login(claire)
    before = AuditEntry.objects.count()

    response = client.post(
        reverse("members:stage_create", args=[newcomer.pk]),
        {"kind": "cape", "start": start.isoformat(), "end": end.isoformat()},
    )

    assert response.status_code == 200
    assert errors(response) == [capfirst(e.message) for e in expected]
    assert errors(response)[0].startswith(
        f"Une période de CAPE dure au plus 12 mois : celle du {fr(start)} au {fr(end)}"
    )
    assert PathStage.objects.filter(member=newcomer).count() == 1
    assert AuditEntry.objects.count() == before
    assert Member.objects.get(pk=newcomer.pk).stage == "information"


def test_a_stage_form_with_a_bad_date_says_so(client, claire, newcomer):
    client.force_login(claire)

    response = client.post(
        reverse("members:stage_create", args=[newcomer.pk]), {"kind": "cape", "start": "31/02"}
    )

    assert errors(response) == ["Saisissez une date valide."]
    assert PathStage.objects.filter(member=newcomer).count() == 1


def test_edit_a_stage_end(client, claire):
    member = make_member(stages=[{"kind": "cape", "start": days(-100)}])
    stage = member.stages.get()
    client.force_login(claire)

    response = client.post(
        reverse("members:stage_edit", args=[member.pk, stage.pk]),
        {"end": days(-1).isoformat(), "trial_end": ""},
    )

    assert response.status_code == 302
    stage.refresh_from_db()
    assert stage.end == days(-1)
    assert audit(member)[-1] == ("stage.updated", {"end": [None, days(-1).isoformat()]})
    assert timeline(client.get(detail(member))) == [
        f"{fr(days(-100))} Début du CAPE — jusqu'au {fr(days(-1))}"
    ]


def test_edit_a_stage_end_beyond_the_rules_is_refused(client, claire):
    member = make_member(stages=[{"kind": "cape", "start": days(-100)}])
    stage = member.stages.get()
    too_late = add_months(days(-100), 13)
    client.force_login(claire)
    before = AuditEntry.objects.count()

    response = client.post(
        reverse("members:stage_edit", args=[member.pk, stage.pk]),
        {"end": too_late.isoformat(), "trial_end": ""},
    )

    assert response.status_code == 200
    [message] = errors(response)
    assert message.startswith("Une période de CAPE dure au plus 12 mois")
    stage.refresh_from_db()
    assert stage.end is None
    assert AuditEntry.objects.count() == before


def test_stage_edit_form_shows_the_current_dates(client, claire):
    member = make_member(stages=[{"kind": "cesa", "start": days(-50), "trial_end": days(20)}])
    stage = member.stages.get()
    client.force_login(claire)

    response = client.get(reverse("members:stage_edit", args=[member.pk, stage.pk]))

    assert f'value="{days(20).isoformat()}"' in text(response)
    assert f"<h1>Modifier l'étape : CESA {fr(days(-50))}</h1>" in text(response)


# --- exit -----------------------------------------------------------------------------------


def test_record_an_exit_then_a_later_stage_is_refused(client, claire, antoine):
    member = make_member(advisor=antoine, stages=[{"kind": "cape", "start": days(-100)}])
    client.force_login(claire)

    response = client.post(
        reverse("members:exit", args=[member.pk]),
        {"date": days(-1).isoformat(), "reason": "stopped"},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.exit_date, member.exit_reason, member.stage) == (days(-1), "stopped", "exited")
    assert member.stages.get().end == days(-1)
    assert AdvisorAssignment.objects.get(member=member).end == days(-1)
    page = client.get(response.url)
    assert page_messages(page) == ["Sortie enregistrée."]
    assert timeline(page)[-1] == f"{fr(days(-1))} Sortie — arrêt de l'activité"
    assert "Enregistrer la sortie" not in text(page)

    later = client.post(
        reverse("members:stage_create", args=[member.pk]),
        {"kind": "cesa", "start": days(0).isoformat()},
    )

    assert later.status_code == 200
    assert errors(later) == [
        f"CESA commence le {fr(days(0))}, après la sortie du {fr(days(-1))} : "
        "rien ne commence après la sortie"
    ]
    assert member.stages.count() == 1


def test_a_second_exit_is_refused(client, claire):
    member = make_member(
        stages=[{"kind": "cape", "start": days(-100)}], exit=(days(-5), "salaried_job")
    )
    client.force_login(claire)
    before = AuditEntry.objects.count()

    response = client.post(
        reverse("members:exit", args=[member.pk]),
        {"date": days(-1).isoformat(), "reason": "stopped"},
    )

    assert errors(response) == [f"La sortie est déjà enregistrée au {fr(days(-5))}"]
    assert AuditEntry.objects.count() == before


def test_an_exit_before_a_stage_starts_is_refused(client, claire):
    member = make_member(stages=[{"kind": "information", "start": days(-3)}])
    client.force_login(claire)

    response = client.post(
        reverse("members:exit", args=[member.pk]),
        {"date": days(-10).isoformat(), "reason": "other"},
    )

    assert errors(response) == [
        f"Réunion d'information commence le {fr(days(-3))}, après la sortie du "
        f"{fr(days(-10))} : rien ne commence après la sortie"
    ]
    assert Member.objects.get(pk=member.pk).exit_date is None


def test_an_exit_after_a_cape_that_ran_its_twelve_months(client, claire):
    """A CAPE recorded without an end ended with its 12 months: a later exit is allowed."""
    start = add_months(days(-30), -12)
    member = make_member(stages=[{"kind": "cape", "start": start}])
    client.force_login(claire)

    response = client.post(
        reverse("members:exit", args=[member.pk]),
        {"date": days(0).isoformat(), "reason": "stopped"},
    )

    assert errors(response) == []
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).exit_date == days(0)


# --- advisor --------------------------------------------------------------------------------


def test_change_advisor_keeps_both_in_the_history(client, claire, antoine, berenice, alice):
    client.force_login(claire)

    response = client.post(
        reverse("members:advisor_change", args=[alice.pk]),
        {"advisor": berenice.pk, "start": days(0).isoformat()},
    )

    assert response.status_code == 302
    assert list(
        AdvisorAssignment.objects.filter(member=alice).values_list("advisor", "start", "end")
    ) == [
        (antoine.pk, alice.assignments.first().start, days(0)),
        (berenice.pk, days(0), None),
    ]
    assert audit(alice)[-1] == (
        "member.advisor_assigned",
        {"advisor": ["Antoine Conseil", "Bérénice Accompagne"]},
    )
    page = client.get(response.url)
    assert page_messages(page) == ["Accompagnement mis à jour."]
    assert card(page, "h-advisor") == (
        "Accompagnement Chargé·e d'accompagnement : Bérénice Accompagne Historique "
        f"Antoine Conseil — depuis le 01/01/2024 jusqu'au {fr(days(0))} "
        f"Bérénice Accompagne — depuis le {fr(days(0))}"
    )
    # The page follows the new advisor.
    client.force_login(antoine)
    assert client.get(detail(alice)).status_code == 403
    client.force_login(berenice)
    assert client.get(detail(alice)).status_code == 200


def test_change_advisor_before_the_current_one_started_is_refused(client, claire, berenice, alice):
    client.force_login(claire)

    response = client.post(
        reverse("members:advisor_change", args=[alice.pk]),
        {"advisor": berenice.pk, "start": "2023-12-31"},
    )

    assert errors(response) == [
        "Le suivi actuel a commencé le 01/01/2024 : le nouveau ne peut commencer avant"
    ]
    assert Member.objects.get(pk=alice.pk).advisor_id != berenice.pk


def test_change_advisor_offers_only_active_advisors(client, claire, antoine, berenice, alice):
    berenice.is_active = False
    berenice.save()
    client.force_login(claire)

    form = client.get(reverse("members:advisor_change", args=[alice.pk])).context["form"]

    assert [label for _, label in form.fields["advisor"].choices] == ["Aucun·e", "Antoine Conseil"]
    assert form["advisor"].value() == antoine.pk
    assert form["start"].value() == days(0)
