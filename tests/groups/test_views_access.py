"""Who reads what: a closed group's content (charter, tasks, decisions, notes, time,
discussions, files, members) by its members and staff only; a trade group's by every person
of the cooperative; writing by members only. One test per role and content type."""

# ruff: noqa: F811

from __future__ import annotations

import pytest

from tests.groups.pages import closed, content_urls, status, trade  # noqa: F401
from tests.members.pages import ROLE_REFUSED, login_url, text

MEMBERS_ONLY = "Le contenu de ce groupe fermé est réservé à ses membres : demandez à le rejoindre."
ADVISORS_REFUSED = (
    "Les chargé·es d'accompagnement ne sont pas membres des groupes : le contenu d'un groupe "
    "fermé est réservé à ses membres."
)
CONTENT_TYPES = [
    "membres",
    "charte",
    "tâches",
    "décisions",
    "réunions",
    "temps",
    "discussions",
    "discussion",
    "fichiers",
    "fichier",
]


@pytest.mark.parametrize("kind", CONTENT_TYPES)
def test_an_outsider_entrepreneur_is_refused_a_closed_groups_content(client, closed, bob, kind):
    client.force_login(bob.user)

    response = client.get(content_urls(closed)[kind])

    assert (response.status_code, MEMBERS_ONLY in text(response)) == (403, True)


@pytest.mark.parametrize("kind", CONTENT_TYPES)
def test_an_advisor_is_refused_a_closed_groups_content_and_told_why(client, closed, antoine, kind):
    client.force_login(antoine)

    response = client.get(content_urls(closed)[kind])

    assert (response.status_code, ADVISORS_REFUSED in text(response)) == (403, True)


@pytest.mark.parametrize("kind", CONTENT_TYPES)
@pytest.mark.parametrize("persona", ["member", "claire"])
def test_members_and_staff_read_a_closed_groups_content(client, request, closed, kind, persona):
    user = closed.denis.user if persona == "member" else request.getfixturevalue(persona)
    client.force_login(user)

    assert status(client, content_urls(closed)[kind]) == 200


@pytest.mark.parametrize("kind", CONTENT_TYPES)
def test_a_member_who_left_is_refused_again(client, closed, kind):
    from essaim.groups.models import Membership
    from essaim.groups.services import groups as services

    row = Membership.objects.get(group=closed.group, member=closed.carole)
    services.membership_end(actor=None, membership=row)
    client.force_login(closed.carole.user)

    assert status(client, content_urls(closed)[kind]) == 403


def test_anonymous_visitors_are_sent_to_login(client, closed):
    for url in ["/groupes/", *content_urls(closed).values()]:
        response = client.get(url)
        assert (response.status_code, response.url) == (302, login_url(url))


def test_the_card_of_a_closed_group_shows_no_content_to_outsiders(client, closed, bob):
    client.force_login(bob.user)

    page = text(client.get(f"/groupes/{closed.group.pk}/"))

    assert "Demander à rejoindre" in page
    assert "Alice Martin" in page  # the lead: whom to ask
    assert "Carole Lefort" in page  # the facilitator
    assert "Denis Roux" not in page
    assert "h/mois" not in page  # commitments are the group's business
    assert "Répondre ensemble à l'appel d'offres" not in page  # the charter's objective
    assert "Santé du projet" not in page


def test_an_outside_reviewer_member_reads_the_charter_and_health_only(client, closed, bob):
    from essaim.groups.services import project as services

    services.reviewer_add(actor=None, group=closed.group, member=bob)
    client.force_login(bob.user)
    urls = content_urls(closed)

    assert client.get(urls["charte"]).status_code == 200
    detail = text(client.get(f"/groupes/{closed.group.pk}/"))
    assert "Santé du projet" in detail and "Répondre ensemble à l'appel d'offres" in detail
    assert client.get(urls["tâches"]).status_code == 403
    assert status(client, urls["fichier"]) == 403


@pytest.mark.parametrize(
    "kind",
    [
        "membres",
        "plan",
        "tâches",
        "décisions",
        "réunions",
        "discussions",
        "discussion",
        "fichiers",
        "fichier",
    ],
)
@pytest.mark.parametrize("persona", ["bob", "antoine", "claire"])
def test_a_trade_groups_content_is_read_by_the_whole_cooperative(
    client, request, trade, kind, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))

    assert status(client, content_urls(trade)[kind]) == 200


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("discussions/", {"title": "Salut", "body": "Bonjour"}),
        ("discussions/{thread}/repondre/", {"body": "Bonjour"}),
        ("taches/", {"title": "Une tâche"}),
        ("decisions/", {"date": "2025-01-01", "text": "X", "decided_by": "moi"}),
        ("fichiers/", {"description": "x"}),
    ],
)
@pytest.mark.parametrize("persona", ["bob", "antoine", "claire"])
def test_only_members_write_in_a_trade_group(client, request, trade, persona, path, data):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    url = f"/groupes/{trade.group.pk}/" + path.format(thread=trade.thread.pk)

    response = client.post(url, data)

    assert response.status_code == 403
    assert "Seuls les membres du groupe y écrivent : rejoignez-le d'abord." in text(response)


@pytest.mark.parametrize(
    "path",
    [
        "membres/inviter/",
        "charte/modifier/",
        "charte/phases/",
        "charte/relecteurs/",
        "activer/",
        "modifier/",
        "clore/",
    ],
)
def test_a_plain_member_does_not_manage_the_project(client, closed, path):
    client.force_login(closed.denis.user)

    response = client.post(f"/groupes/{closed.group.pk}/{path}", {})

    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["antoine"])
def test_advisors_do_not_create_groups(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/groupes/nouveau/")

    assert (response.status_code, ROLE_REFUSED in text(response)) == (403, True)


def test_an_entrepreneur_without_member_record_cannot_create(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="sans-fiche@example.org"))

    response = client.get("/groupes/nouveau/")

    assert response.status_code == 403
    assert "Aucune fiche de membre n'est rattachée à votre compte" in text(response)
