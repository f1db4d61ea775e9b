"""The member page: who may see it, what it shows (identity, activity, advisors, path, history)
and that its query count does not grow with the record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from essaim.core.dates import period_end
from essaim.members import services
from essaim.members.models import Sector
from tests.factories import AdvisorFactory
from tests.members.pages import (
    MEMBER_REFUSED,
    card,
    days,
    fast_passwords,  # noqa: F401
    fr,
    items,
    login_url,
    make_member,
    plain,
    queries_to_render,
    section,
    text,
    timeline,
    today,
)


def url(member) -> str:
    return reverse("members:detail", args=[member.pk])


def history(response) -> list[str]:
    """The history rows, as read, without their time stamp (the first two words)."""
    rows = items(section(response, 'aria-labelledby="h-history"', "</section>"), "tr")[1:]
    return [row.split(" ", 2)[2] for row in rows]


# --- who may see it ----------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, alice):
    response = client.get(url(alice))

    assert response.status_code == 302
    assert response.url == login_url(url(alice))


def test_staff_sees_any_member(client, claire, alice, bob):
    client.force_login(claire)

    assert client.get(url(alice)).status_code == 200
    assert client.get(url(bob)).status_code == 200


def test_advisor_sees_own_entrepreneur(client, antoine, alice):
    client.force_login(antoine)

    assert client.get(url(alice)).status_code == 200


def test_advisor_is_refused_another_advisors_entrepreneur(client, antoine, bob):
    client.force_login(antoine)

    response = client.get(url(bob))

    assert response.status_code == 403
    assert MEMBER_REFUSED in text(response)


def test_entrepreneur_is_refused_another_member(client, alice, bob):
    client.force_login(alice.user)

    response = client.get(url(bob))

    assert response.status_code == 403
    assert MEMBER_REFUSED in text(response)


def test_entrepreneur_opening_own_page_lands_in_own_space(client, alice):
    client.force_login(alice.user)

    response = client.get(url(alice))

    assert response.status_code == 302
    assert response.url == reverse("members:my_space")


def test_unknown_member_is_not_found(client, claire):
    client.force_login(claire)

    assert client.get(reverse("members:detail", args=[999999])).status_code == 404


def test_staff_gets_the_edit_actions_not_the_meeting_one(client, claire, alice):
    client.force_login(claire)

    actions = plain(section(client.get(url(alice)), '<div class="actions">', "</div>"))

    assert actions == (
        "Modifier la fiche Ajouter une étape Changer d'accompagnement Enregistrer la sortie"
    )


def test_advisor_gets_the_meeting_action_only(client, antoine, alice):
    client.force_login(antoine)

    response = client.get(url(alice))

    assert plain(section(response, '<div class="actions">', "</div>")) == "Noter un rendez-vous"
    assert f'href="/membres/rendez-vous/nouveau/?member={alice.pk}"' in text(response)
    assert "Corriger une étape" not in text(response)


# --- what it shows ------------------------------------------------------------------------


def test_identity_contact_activity_and_advisor(client, claire, antoine, alice):
    services.member_update(actor=claire, member=alice, external_id="A-001", city="Saint-Denis")
    services.activity_set(
        actor=claire,
        member=alice,
        name="Atelier Martin",
        description="Reliure d'art.",
        sector=Sector.objects.get(code="artisanat"),
    )
    client.force_login(claire)

    response = client.get(url(alice))

    assert card(response, "h-identity") == (
        "Identité et contact Nom Alice Martin E-mail alice@example.org "
        "Téléphone +33 6 12 34 56 78 Adresse 93100 Saint-Denis Identifiant externe A-001 "
        "Cohorte d'entrée 2024"
    )
    assert card(response, "h-activity") == (
        "Activité (enseigne) Enseigne Atelier Martin Secteur Artisanat d'art Reliure d'art."
    )
    assert card(response, "h-advisor") == (
        "Accompagnement Chargé·e d'accompagnement : Antoine Conseil "
        "Historique Antoine Conseil — depuis le 01/01/2024"
    )


def test_member_without_activity_nor_advisor(client, claire):
    member = make_member(first_name="Nina", last_name="Petit")
    client.force_login(claire)

    response = client.get(url(member))

    assert card(response, "h-activity") == (
        "Activité (enseigne) Pas encore d'activité enregistrée."
    )
    assert card(response, "h-advisor") == "Accompagnement Chargé·e d'accompagnement : aucun·e"
    assert card(response, "h-path") == ("Parcours Aucune étape de parcours enregistrée.")


def test_advisor_history_shows_every_advisor(client, claire, antoine, berenice, alice):
    services.advisor_assign(actor=claire, member=alice, advisor=berenice, start=days(-10))
    client.force_login(claire)

    response = client.get(url(alice))

    assert card(response, "h-advisor") == (
        "Accompagnement Chargé·e d'accompagnement : Bérénice Accompagne Historique "
        f"Antoine Conseil — depuis le 01/01/2024 jusqu'au {fr(days(-10))} "
        f"Bérénice Accompagne — depuis le {fr(days(-10))}"
    )


@pytest.fixture
def whole_path(db, antoine):
    """Information, three CAPE periods, CESA with a trial period, associate, exit."""
    base = days(-700)

    def at(n: int) -> dt.date:
        return base + dt.timedelta(days=n)

    member = make_member(
        first_name="Inès",
        last_name="Garnier",
        advisor=antoine,
        stages=[
            {"kind": "information", "start": at(0)},
            {"kind": "cape", "start": at(10), "end": at(39)},
            {"kind": "cape", "start": at(40), "end": at(69)},
            {"kind": "cape", "start": at(70), "end": at(99)},
            {"kind": "cesa", "start": at(100), "trial_end": at(130)},
            {"kind": "associate", "start": at(400)},
        ],
        exit=(at(600), "own_company"),
    )
    return member, at


def test_timeline_of_a_whole_path(client, claire, whole_path):
    member, at = whole_path
    client.force_login(claire)

    response = client.get(url(member))

    assert timeline(response) == [
        f"{fr(at(0))} Réunion d'information",
        f"{fr(at(10))} Début du CAPE — jusqu'au {fr(at(39))}",
        f"{fr(at(40))} Renouvellement n° 1 du CAPE — jusqu'au {fr(at(69))}",
        f"{fr(at(70))} Renouvellement n° 2 du CAPE — jusqu'au {fr(at(99))}",
        f"{fr(at(100))} Signature du CESA — jusqu'au {fr(at(600))}",
        f"{fr(at(130))} Fin de la période d'essai",
        f"{fr(at(400))} Devient associé·e",
        f"{fr(at(600))} Sortie — création de sa propre entreprise",
    ]
    assert '<span class="badge exited">Sorti·e</span>' in response.content.decode()


def test_timeline_of_a_path_under_way_shows_planned_ends_and_the_associate_deadline(client, claire):
    cesa = days(30)
    member = make_member(
        stages=[
            {"kind": "information", "start": days(-40)},
            {"kind": "cape", "start": days(-30), "end": days(29)},
            {"kind": "cesa", "start": cesa},
        ],
    )
    open_cape = make_member(stages=[{"kind": "cape", "start": days(-30)}])
    client.force_login(claire)

    under_way = timeline(client.get(url(member)))
    deadline = services.path.associate_deadline([s.as_path() for s in member.stages.all()])

    assert under_way == [
        f"{fr(days(-40))} Réunion d'information",
        f"{fr(days(-30))} Début du CAPE — jusqu'au {fr(days(29))}",
        f"{fr(cesa)} Signature du CESA — en cours à venir",
        f"{fr(deadline)} Échéance pour devenir associé·e — CESA + 3 ans − temps de CAPE à venir",
    ]
    assert timeline(client.get(url(open_cape))) == [
        f"{fr(days(-30))} Début du CAPE — jusqu'au {fr(period_end(days(-30), 12))} (fin prévue)",
    ]


def test_history_says_who_changed_what(client, claire, antoine, berenice):
    member = make_member(first_name="Léa", last_name="Roux", phone="01 23 45 67 89")
    services.member_update(actor=claire, member=member, phone="06 00 00 00 01")
    services.stage_add(actor=claire, member=member, kind="cape", start=days(-20))
    services.advisor_assign(actor=claire, member=member, advisor=berenice, start=days(-5))
    services.member_exit(actor=claire, member=member, date=days(-1), reason="salaried_job")
    client.force_login(claire)

    response = client.get(url(member))

    assert history(response) == [
        "Claire Gestion Fin de l'accompagnement Bérénice Accompagne → Léa Roux "
        f"fin : ∅ → {fr(days(-1))}",
        "Claire Gestion Sortie enregistrée Léa Roux "
        f"date de sortie : ∅ → {fr(days(-1))} "
        "motif de sortie : ∅ → Retour à l'emploi salarié",
        f"Claire Gestion Étape modifiée CAPE {fr(days(-20))} fin : ∅ → {fr(days(-1))}",
        "Claire Gestion Changement d'accompagnement Bérénice Accompagne → Léa Roux "
        "chargé·e d'accompagnement : ∅ → Bérénice Accompagne",
        f"Claire Gestion Étape ajoutée CAPE {fr(days(-20))} "
        f"étape : ∅ → CAPE début : ∅ → {fr(days(-20))}",
        "Claire Gestion Fiche modifiée Léa Roux téléphone : 01 23 45 67 89 → 06 00 00 00 01",
    ]


def test_history_of_system_changes_names_the_system(client, claire):
    member = make_member(first_name="Léa", last_name="Roux")
    services.member_update(actor=None, member=member, city="Bobigny")
    client.force_login(claire)

    assert history(client.get(url(member))) == [
        "système Fiche modifiée Léa Roux ville : Montreuil → Bobigny"
    ]


def test_meetings_are_listed(client, claire, antoine, alice):
    services.meeting_record(
        actor=antoine,
        members=[alice],
        date=days(-3),
        kind="individual",
        subject="Point trimestriel",
        notes="Prévoir un devis.",
    )
    client.force_login(claire)

    meetings = section(client.get(url(alice)), 'aria-labelledby="h-meetings"', "</section>")

    assert items(meetings, "tr")[1:] == [
        f"{fr(days(-3))} Individuel Point trimestriel Antoine Conseil Prévoir un devis."
    ]


# --- query count ----------------------------------------------------------------------------


def _busy_member(antoine, claire):
    """Many stages, advisors, meetings and history entries."""
    other = AdvisorFactory()
    member = make_member(
        advisor=antoine,
        stages=[
            {"kind": "information", "start": days(-300)},
            {"kind": "cape", "start": days(-290), "end": days(-200)},
            {"kind": "cape", "start": days(-199), "end": days(-100)},
            {"kind": "cesa", "start": days(-99), "trial_end": days(-60)},
            {"kind": "associate", "start": days(-10)},
        ],
        activity="Enseigne",
        sector=Sector.objects.get(code="web"),
    )
    services.advisor_assign(actor=claire, member=member, advisor=other, start=days(-50))
    services.advisor_assign(actor=claire, member=member, advisor=antoine, start=days(-20))
    for n in range(3):
        services.meeting_record(
            actor=antoine, members=[member], date=days(-n), kind="individual", subject=f"RDV {n}"
        )
        services.member_update(actor=claire, member=member, city=f"Ville {n}")
    return member


def test_query_count_does_not_grow_with_stages_and_history(client, claire, antoine):
    simple = make_member(
        advisor=antoine,
        stages=[{"kind": "cape", "start": days(-10)}],
        activity="Enseigne",
        sector=Sector.objects.get(code="web"),
    )
    busy = _busy_member(antoine, claire)
    client.force_login(claire)

    assert len(timeline(client.get(url(busy)))) == 6
    assert len(history(client.get(url(busy)))) > 10
    assert queries_to_render(client, url(busy)) == queries_to_render(client, url(simple))


def test_query_count_is_the_same_for_the_advisor(client, claire, antoine):
    simple = make_member(advisor=antoine, stages=[{"kind": "cape", "start": days(-10)}])
    busy = _busy_member(antoine, claire)
    client.force_login(antoine)

    assert queries_to_render(client, url(busy)) == queries_to_render(client, url(simple))


def test_the_page_uses_the_local_day(client, claire):
    """A stage starting today is not "à venir"."""
    member = make_member(stages=[{"kind": "information", "start": today()}])
    client.force_login(claire)

    assert timeline(client.get(url(member))) == [f"{fr(today())} Réunion d'information"]
