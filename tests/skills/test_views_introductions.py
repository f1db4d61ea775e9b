"""Introductions (*mises en relation*): advisors and staff record them; the lists show whose."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from essaim.core.models import AuditEntry
from essaim.skills import services
from essaim.skills.models import Introduction
from tests.factories import MemberFactory
from tests.members.pages import (
    ROLE_REFUSED,
    errors,
    fast_passwords,  # noqa: F401
    login_url,
    page_messages,
    plain,
    queries_to_render,
    text,
    today,
)
from tests.skills.directory_data import leave

LIST = reverse("skills:introductions")


def create_url(member) -> str:
    return reverse("skills:introduction_create", args=[member.pk])


def listed(response) -> list[list[str]]:
    body = text(response)
    tbody = body[body.index("<tbody>") : body.index("</tbody>")] if "<tbody>" in body else ""
    return [
        [plain(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.S)
    ]


# --- recording ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, alice):
    for url in (create_url(alice), LIST):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, login_url(url))


def test_entrepreneurs_are_refused(client, alice, bob):
    client.force_login(bob.user)

    form = client.get(create_url(alice))
    posted = client.post(create_url(alice), {"to_other": "Moi", "reason": "Pour voir"})
    the_list = client.get(LIST)

    assert [r.status_code for r in (form, posted, the_list)] == [403, 403, 403]
    assert ROLE_REFUSED in text(the_list)
    assert not Introduction.objects.exists()


@pytest.mark.parametrize("persona", ["antoine", "claire"])
def test_advisors_and_staff_introduce_a_member_to_another(client, request, alice, bob, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.post(
        create_url(alice),
        {"to_member": bob.pk, "to_other": "", "reason": "Un site pour son salon", "date": today()},
    )

    assert (response.status_code, response.url) == (
        302,
        reverse("skills:profile", args=[alice.pk]),
    )
    intro = Introduction.objects.get()
    assert (intro.advisor, intro.member, intro.to_member, intro.to_other, intro.date) == (
        user,
        alice,
        bob,
        "",
        today(),
    )
    entry = AuditEntry.objects.get(action="introduction.recorded")
    assert (entry.actor, entry.subject_id, entry.data["reason"]) == (
        user,
        str(alice.pk),
        "Un site pour son salon",
    )
    assert page_messages(client.get(response.url)) == ["Mise en relation enregistrée."]


def test_an_introduction_to_someone_outside(client, antoine, alice):
    client.force_login(antoine)

    client.post(
        create_url(alice),
        {"to_other": "Mme Diallo, mairie de Montreuil", "reason": "Atelier", "date": today()},
    )

    assert list(Introduction.objects.values_list("to_member", "to_other")) == [
        (None, "Mme Diallo, mairie de Montreuil")
    ]


def test_the_form_offers_present_members_but_not_the_member_themself(client, antoine, alice, bob):
    gone = leave(MemberFactory(first_name="Zoé", last_name="Partie"))
    client.force_login(antoine)

    body = text(client.get(create_url(alice)))

    options = re.findall(r'<option value="(\d*)"', body[body.index('name="to_member"') :])
    assert bob.pk in [int(o) for o in options if o]
    assert alice.pk not in [int(o) for o in options if o]
    assert gone.pk not in [int(o) for o in options if o]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"reason": "Pourquoi pas"},
            "Choisissez à qui vous présentez ce membre : un membre, ou une personne extérieure.",
        ),
        (
            {"to_member": "BOB", "to_other": "Mairie", "reason": "Les deux"},
            "Choisissez soit un membre, soit une personne extérieure, pas les deux.",
        ),
        ({"to_other": "Mairie", "reason": ""}, "Ce champ est obligatoire."),
        (
            {"to_member": "ALICE", "reason": "Soi-même"},
            "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles.",
        ),
    ],
)
def test_bad_input_is_explained_and_nothing_is_written(client, antoine, alice, bob, data, message):
    ids = {"BOB": bob.pk, "ALICE": alice.pk}
    data = {k: ids.get(v, v) for k, v in data.items()}
    client.force_login(antoine)

    response = client.post(create_url(alice), {"date": today(), **data})

    assert response.status_code == 200
    assert errors(response) == [message]
    assert not Introduction.objects.exists()


def test_a_member_who_left_cannot_be_introduced(client, antoine, alice):
    leave(alice)
    client.force_login(antoine)

    assert client.get(create_url(alice)).status_code == 404


# --- the lists ----------------------------------------------------------------------------------


@pytest.fixture
def introductions(antoine, berenice, alice, bob):
    services.introduction_record(actor=antoine, member=alice, to_member=bob, reason="Un site")
    services.introduction_record(actor=berenice, member=bob, to_other="Mairie", reason="Atelier")


def test_an_advisor_sees_the_introductions_they_made(client, antoine, introductions):
    client.force_login(antoine)

    response = client.get(LIST)

    assert plain(re.search(r"<h1>(.*?)</h1>", text(response)).group(1)) == ("Mes mises en relation")
    assert listed(response) == [
        [today().strftime("%d/%m/%Y"), "Alice Martin", "Bob Durand", "Un site"]
    ]


def test_staff_see_every_introduction_and_who_made_it(client, claire, introductions):
    client.force_login(claire)

    response = client.get(LIST)

    day = today().strftime("%d/%m/%Y")
    assert listed(response) == [
        [day, "Bob Durand", "Mairie", "Bérénice Accompagne", "Atelier"],
        [day, "Alice Martin", "Bob Durand", "Antoine Conseil", "Un site"],
    ]


def test_the_list_runs_no_query_per_introduction(client, claire, antoine, alice, bob):
    client.force_login(claire)
    services.introduction_record(actor=antoine, member=alice, to_member=bob, reason="1")
    one = queries_to_render(client, LIST)
    for n in range(2):
        other = MemberFactory(first_name=f"M{n}", last_name="Autre")
        services.introduction_record(actor=antoine, member=other, to_member=alice, reason="n")

    assert queries_to_render(client, LIST) == one
