"""The entrepreneur's own space: profile, path, advisor, and editing one's contact details."""

from __future__ import annotations

import pytest
from django.urls import reverse

from essaim.core.models import AuditEntry, User
from essaim.members import path, services
from essaim.members.models import Activity, Member
from tests.factories import PASSWORD, UserFactory
from tests.members.pages import (
    ROLE_REFUSED,
    card,
    days,
    errors,
    fast_passwords,  # noqa: F401
    fr,
    login_url,
    page_messages,
    text,
    timeline,
    today,
)

SPACE = reverse("members:my_space")
CONTACT = reverse("members:my_contact_edit")


def contact(member: Member, **changes: str) -> dict[str, str]:
    data = {
        "email": member.email,
        "phone": member.phone,
        "postal_code": member.postal_code,
        "city": member.city,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("url", [SPACE, CONTACT])
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)

    assert (response.status_code, response.url) == (302, login_url(url))


@pytest.mark.parametrize("url", [SPACE, CONTACT])
def test_staff_and_advisors_have_no_own_space(client, claire, antoine, url):
    for user in (claire, antoine):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 403
        assert ROLE_REFUSED in text(response)


def test_an_entrepreneur_account_without_a_record_is_refused(client, db):
    client.force_login(UserFactory())

    assert client.get(SPACE).status_code == 403


def test_own_space_shows_profile_path_and_advisor(client, antoine, alice):
    Activity.objects.create(member=alice, name="Atelier Martin")
    services.meeting_record(
        actor=antoine, members=[alice], date=days(-2), kind="individual", subject="Bilan"
    )
    client.force_login(alice.user)

    response = client.get(SPACE)

    assert response.status_code == 200
    assert "<h1>Bonjour Alice</h1>" in text(response)
    assert card(response, "h-profile") == (
        "Mon profil Nom Alice Martin E-mail alice@example.org Téléphone +33 6 12 34 56 78 "
        "Adresse 93100 Montreuil Enseigne Atelier Martin Étape En CESA "
        "Modifier mes coordonnées"
    )
    assert card(response, "h-advisor") == (
        f"Mon accompagnement Antoine Conseil antoine@coop.example "
        f"Derniers rendez-vous {fr(days(-2))} — Bilan (individuel)"
    )
    deadline = path.associate_deadline([s.as_path() for s in alice.stages.all()])
    assert timeline(response) == [
        "10/01/2024 Réunion d'information",
        "01/02/2024 Début du CAPE — jusqu'au 31/01/2025",
        "01/02/2025 Signature du CESA — en cours",
        f"{fr(deadline)} Échéance pour devenir associé·e — CESA + 3 ans − temps de CAPE"
        + (" à venir" if deadline > today() else ""),
    ]


def test_own_space_without_advisor_nor_path(client, db):
    member = services.member_create(
        actor=None, first_name="Sam", last_name="Seul", email="sam@example.org"
    )
    client.force_login(member.user)

    response = client.get(SPACE)

    assert card(response, "h-advisor") == (
        "Mon accompagnement Pas encore de chargé·e d'accompagnement."
    )
    assert "Aucune étape de parcours enregistrée." in text(response)


def test_edit_contact_details(client, alice):
    client.force_login(alice.user)

    response = client.post(
        CONTACT,
        contact(
            alice,
            email="Alice.Martin@Example.org",
            phone="07 00 00 00 07",
            postal_code="75011",
            city="Paris",
        ),
    )

    assert response.status_code == 302
    assert response.url == SPACE
    alice.refresh_from_db()
    assert (alice.email, alice.phone, alice.postal_code, alice.city) == (
        "alice.martin@example.org",
        "07 00 00 00 07",
        "75011",
        "Paris",
    )
    assert User.objects.get(pk=alice.user_id).email == "alice.martin@example.org"
    entry = AuditEntry.objects.filter(action="member.updated").get()
    assert (entry.actor_id, entry.changes) == (
        alice.user_id,
        {
            "city": ["Montreuil", "Paris"],
            "email": ["alice@example.org", "alice.martin@example.org"],
            "phone": ["+33 6 12 34 56 78", "07 00 00 00 07"],
            "postal_code": ["93100", "75011"],
        },
    )
    assert page_messages(client.get(SPACE)) == ["Vos coordonnées sont à jour."]
    # The login follows the new address.
    client.logout()
    assert client.login(username="alice.martin@example.org", password=PASSWORD)


def test_the_contact_form_cannot_change_the_name(client, alice):
    client.force_login(alice.user)

    client.post(CONTACT, contact(alice, first_name="Autre", last_name="Nom"))

    alice.refresh_from_db()
    assert (alice.first_name, alice.last_name) == ("Alice", "Martin")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"postal_code": "9310"}, ["Un code postal compte 5 chiffres, par exemple 93100."]),
        ({"postal_code": "93 100"}, ["Un code postal compte 5 chiffres, par exemple 93100."]),
        ({"email": ""}, ["Ce champ est obligatoire."]),
        ({"email": "alice@"}, ["Saisissez une adresse de courriel valide."]),
        (
            {"email": "bob@example.org"},
            ["Cette adresse e-mail est déjà celle d'une autre personne de la coopérative."],
        ),
        (
            {"email": "Bob@Example.org"},
            ["Cette adresse e-mail est déjà celle d'une autre personne de la coopérative."],
        ),
        (
            {"email": "claire@coop.example"},
            ["L'adresse claire@coop.example est déjà celle d'une autre personne de la coopérative"],
        ),
    ],
)
def test_refused_contact_changes_say_why_and_write_nothing(
    client, claire, alice, bob, changes, expected
):
    client.force_login(alice.user)
    before = AuditEntry.objects.count()

    response = client.post(CONTACT, contact(alice, phone="01 01 01 01 01", **changes))

    assert response.status_code == 200
    assert errors(response) == expected
    assert AuditEntry.objects.count() == before
    stored = Member.objects.get(pk=alice.pk)
    assert (stored.email, stored.phone, stored.postal_code) == (
        "alice@example.org",
        "+33 6 12 34 56 78",
        "93100",
    )


@pytest.mark.parametrize(
    "url",
    [
        reverse("members:list"),
        reverse("members:deadlines"),
        reverse("members:import"),
        reverse("members:export"),
        reverse("members:meeting_create"),
    ],
)
def test_entrepreneur_cannot_open_the_staff_and_advisor_pages(client, alice, url):
    client.force_login(alice.user)

    response = client.get(url)

    assert response.status_code == 403
    assert ROLE_REFUSED in text(response)


def test_entrepreneur_cannot_open_another_members_page(client, alice, bob):
    client.force_login(alice.user)

    assert client.get(reverse("members:detail", args=[bob.pk])).status_code == 403
    assert client.get(reverse("members:edit", args=[bob.pk])).status_code == 403
