"""The requests pages that read: the board, a request's page, my requests and answers — who
sees what (drafts, responses, matches), and the number of queries whatever the list's length."""

# The fixtures imported from requests_fixtures are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from essaim.marketplace.services import requests as services
from tests.marketplace.requests_fixtures import (
    answer,
    entrepreneur,
    hairdresser,
    hairdressers,  # noqa: F401
    make_request,
    queries_of,
    tree,  # noqa: F401
)
from tests.members.pages import (
    ROLE_REFUSED,
    fast_passwords,  # noqa: F401
    login_url,
    plain,
    text,
)

BOARD = reverse("marketplace:request_board")
MINE = reverse("marketplace:request_mine")
DRAFT_REFUSED = "Ce brouillon n'est visible que par son auteur."


def detail_url(request) -> str:
    return reverse("marketplace:request_detail", args=[request.pk])


def board_titles(response) -> list[str]:
    return [plain(t) for t in re.findall(r"<h2><a [^>]*>(.*?)</a></h2>", text(response))]


def has_section(response, heading_id: str) -> bool:
    return f'id="{heading_id}"' in response.content.decode()


def match_names(response) -> list[str]:
    body = response.content.decode()
    block = body[body.index('<ol class="match-list">') :]
    block = block[: block.index("</ol>")]
    return [plain(n) for n in re.findall(r'<a href="/annuaire/membres/\d+/">(.*?)</a>', block)]


# --- the board --------------------------------------------------------------------------------


def test_the_board_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get(BOARD)

    assert (response.status_code, response.url) == (302, login_url(BOARD))


@pytest.mark.parametrize("persona", ["antoine", "claire"])
def test_the_accompaniment_and_staff_read_the_board(client, request, bob, tree, persona):
    make_request(bob, tree)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(BOARD)

    assert response.status_code == 200
    assert board_titles(response) == ["Coiffeuse pour un mariage"]
    assert "Publier une demande" not in text(response)


def test_the_board_lists_published_requests_not_drafts_nor_closed(client, bob, alice, tree):
    make_request(bob, tree, title="Publiée")
    make_request(bob, tree, title="Brouillon", publish=False)
    cancelled = make_request(alice, tree, title="Annulée")
    services.request_cancel(actor=None, request=cancelled)
    client.force_login(alice.user)

    assert board_titles(client.get(BOARD)) == ["Publiée"]
    assert board_titles(client.get(BOARD, {"status": "cancelled"})) == ["Annulée"]


def test_the_board_filters(client, bob, alice, tree, hairdressers):
    make_request(bob, tree, title="Coiffure à Montreuil", zone="93")
    make_request(bob, tree, title="Coiffure à Paris", zone="75", kind="purchase")
    make_request(alice, tree, title="Site web", zone="75", remote=True, skills=[(tree.web, 1)])
    client.force_login(hairdressers.carol.user)

    assert board_titles(client.get(BOARD, {"kind": "purchase"})) == ["Coiffure à Paris"]
    assert board_titles(client.get(BOARD, {"zone": "93"})) == ["Site web", "Coiffure à Montreuil"]
    assert board_titles(client.get(BOARD, {"skill": "t-num"})) == ["Site web"]
    assert board_titles(client.get(BOARD, {"q": "coiffure paris"})) == ["Coiffure à Paris"]
    assert board_titles(client.get(BOARD, {"mine": "on"})) == ["Coiffure à Montreuil"]


def test_the_board_is_paginated_and_keeps_its_filters(client, settings, bob, tree):
    settings.ESSAIM_PAGE_SIZE = 2
    for n in range(3):
        make_request(bob, tree, title=f"Demande {n}")
    client.force_login(bob.user)

    first = client.get(BOARD, {"kind": "subcontracting"})
    second = client.get(BOARD, {"kind": "subcontracting", "page": "2"})

    assert board_titles(first) == ["Demande 2", "Demande 1"]
    assert board_titles(second) == ["Demande 0"]
    assert 'href="?kind=subcontracting&amp;page=2"' in first.content.decode()


def test_the_board_marks_what_matched_me(client, bob, tree, hairdressers):
    make_request(bob, tree)
    client.force_login(hairdressers.carol.user)

    response = client.get(BOARD)

    assert "Vous correspondez" in text(response)


def test_an_unknown_skill_filter_is_said_and_dropped(client, bob, tree):
    make_request(bob, tree)
    client.force_login(bob.user)

    response = client.get(BOARD, {"skill": "inconnu"})

    assert board_titles(response) == ["Coiffeuse pour un mariage"]
    assert "Code de compétence inconnu « inconnu »" in text(response)


def test_the_board_answers_htmx_with_its_results_only(client, bob, tree):
    make_request(bob, tree)
    client.force_login(bob.user)

    response = client.get(BOARD, HTTP_HX_REQUEST="true")

    assert text(response).lstrip().startswith('<div class="results">')


@pytest.mark.parametrize("persona", ["bob", "antoine"])
def test_the_board_runs_as_many_queries_for_one_request_as_for_three(
    client, request, bob, tree, hairdressers, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user if persona == "antoine" else bob.user)
    make_request(hairdressers.carol, tree, title="Première", skills=[(tree.cut, 1)])
    one = queries_of(client, BOARD)
    for n in range(2):
        make_request(
            entrepreneur(f"Autrice{n}"),
            tree,
            title=f"Autre {n}",
            skills=[(tree.vegetal, 2), (tree.cut, 1)],
        )

    three = queries_of(client, BOARD)

    assert len(board_titles(client.get(BOARD))) == 3
    assert three == one


# --- a request's page: drafts -----------------------------------------------------------------


def test_a_draft_is_seen_by_its_author(client, bob, tree):
    draft = make_request(bob, tree, publish=False)
    client.force_login(bob.user)

    response = client.get(detail_url(draft))

    assert response.status_code == 200
    assert "Brouillon : vous seul·e le voyez." in text(response)


@pytest.mark.parametrize("persona", ["alice", "antoine", "claire"])
def test_a_draft_is_seen_by_nobody_else(client, request, bob, tree, persona):
    draft = make_request(bob, tree, publish=False)
    user = request.getfixturevalue(persona)
    client.force_login(user.user if persona == "alice" else user)

    response = client.get(detail_url(draft))

    assert response.status_code == 403
    assert DRAFT_REFUSED in text(response)


def test_a_draft_asks_anonymous_visitors_to_log_in(client, bob, tree):
    draft = make_request(bob, tree, publish=False)

    response = client.get(detail_url(draft))

    assert (response.status_code, response.url) == (302, login_url(detail_url(draft)))


def test_an_unknown_request_is_not_found(client, bob):
    client.force_login(bob.user)

    assert client.get(reverse("marketplace:request_detail", args=[999999])).status_code == 404


# --- a request's page: responses are seen by its author and the advisors only --------------


@pytest.fixture
def answered(bob, tree, hairdressers):
    request = make_request(bob, tree)
    answer(request, hairdressers.carol, message="Carol propose un chignon végétal.")
    answer(request, hairdressers.dan, message="Dan propose une coupe courte.")
    return request


@pytest.mark.parametrize("persona", ["bob", "antoine", "berenice"])
def test_the_author_and_advisors_see_every_response(client, request, answered, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user.user if persona == "bob" else user)

    response = client.get(detail_url(answered))

    assert response.status_code == 200
    body = text(response)
    assert "Carol propose un chignon végétal." in body
    assert "Dan propose une coupe courte." in body


@pytest.mark.parametrize("persona", ["alice", "claire"])
def test_another_entrepreneur_and_staff_see_no_response(client, request, answered, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user.user if persona == "alice" else user)

    response = client.get(detail_url(answered))

    assert response.status_code == 200
    body = text(response)
    assert "Carol propose" not in body
    assert "Dan propose" not in body
    assert not has_section(response, "h-responses")


def test_anonymous_visitors_see_no_response(client, answered):
    response = client.get(detail_url(answered))

    assert response.status_code == 302
    assert "Carol propose" not in text(response)


def test_a_responder_sees_their_own_response_only(client, answered, hairdressers):
    client.force_login(hairdressers.carol.user)

    response = client.get(detail_url(answered))

    body = text(response)
    assert "Carol propose un chignon végétal." in body
    assert "Dan propose" not in body
    assert "Retirer ma réponse" in body
    assert "Répondre à cette demande" not in body


def test_another_member_is_offered_the_answer_form(client, answered, alice):
    client.force_login(alice.user)

    response = client.get(detail_url(answered))

    assert "Répondre à cette demande" in text(response)
    assert f'action="/marche/demandes/{answered.pk}/repondre/"' in text(response)


def test_the_author_can_shortlist_decline_and_award(client, answered, bob):
    client.force_login(bob.user)

    body = text(client.get(detail_url(answered)))

    assert body.count("Retenir pour la suite") == 2
    assert body.count("Décliner poliment") == 2
    assert body.count('name="responses"') == 2
    assert "Attribuer aux réponses cochées" in body


def test_the_advisor_cannot_decide_but_can_introduce(client, answered, antoine):
    client.force_login(antoine)

    body = text(client.get(detail_url(answered)))

    assert "Retenir pour la suite" not in body
    assert "Attribuer aux réponses cochées" not in body
    assert "Présenter un membre" in body


# --- a request's page: the matching members ---------------------------------------------------


def test_the_author_sees_every_match_in_the_stored_order_with_covered_skills(
    client, bob, tree, hairdressers
):
    request = make_request(bob, tree, skills=[(tree.vegetal, 1), (tree.cut, 1)])
    client.force_login(bob.user)

    response = client.get(detail_url(request))

    stored = [m.member.first_name for m in request.matches.order_by("rank")]
    assert [name.split()[0] for name in match_names(response)] == stored
    block = plain(text(response).split('id="h-matches"')[1].split("</section>")[0])
    assert "Henné & Co" in block
    assert "1 compétence couverte : Coloration végétale" in block
    assert "1 compétence couverte : Coupe à domicile" in block
    assert block.count("Contacter") == 2


def test_another_entrepreneur_does_not_see_the_matches(client, bob, alice, tree, hairdressers):
    request = make_request(bob, tree)
    client.force_login(alice.user)

    response = client.get(detail_url(request))

    assert not has_section(response, "h-matches")
    assert "Carol Test" not in text(response)


@pytest.mark.parametrize("persona", ["bob", "antoine"])
def test_the_page_runs_as_many_queries_for_one_match_and_answer_as_for_three(
    client, request, bob, tree, persona
):
    marseille = [hairdresser("Marius", tree, zones=("13",), activity="Le Vieux-Port")]
    montreuil = [hairdresser(f"Mona{n}", tree, activity=f"Salon {n}") for n in range(3)]
    small = make_request(bob, tree, zone="13", title="À Marseille")
    large = make_request(bob, tree, zone="93", title="À Montreuil")
    for member in marseille:
        answer(small, member)
    for member in montreuil:
        answer(large, member)
    user = request.getfixturevalue(persona)
    client.force_login(user.user if persona == "bob" else user)

    one = queries_of(client, detail_url(small))
    three = queries_of(client, detail_url(large))

    assert (len(match_names(client.get(detail_url(small)))), large.matches.count()) == (1, 3)
    assert text(client.get(detail_url(large))).count("Bonjour, je suis Mona") == 3
    assert three == one


# --- my requests and answers ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["antoine", "claire"])
def test_my_requests_is_for_entrepreneurs(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(MINE)

    assert response.status_code == 403
    assert ROLE_REFUSED in text(response)


def test_my_requests_lists_my_requests_and_my_answers(client, bob, alice, tree, hairdressers):
    make_request(bob, tree, title="Ma demande publiée")
    make_request(bob, tree, title="Mon brouillon", publish=False)
    answer(make_request(alice, tree, title="Chez Alice"), bob)
    make_request(alice, tree, title="Pas pour moi")
    client.force_login(bob.user)

    response = client.get(MINE)

    mine = plain(text(response).split('id="my-requests"')[1].split("</table>")[0])
    assert "Ma demande publiée" in mine and "Mon brouillon" in mine
    assert "Chez Alice" not in mine
    answers = plain(text(response).split('id="my-responses"')[1].split("</table>")[0])
    assert "Chez Alice" in answers and "Alice Martin" in answers
    assert "Pas pour moi" not in text(response)


def test_my_requests_runs_as_many_queries_for_one_as_for_three(client, bob, alice, tree):
    client.force_login(bob.user)
    make_request(bob, tree, title="Une")
    answer(make_request(alice, tree, title="Chez Alice 1"), bob)
    one = queries_of(client, MINE)
    for n in range(2):
        make_request(bob, tree, title=f"Encore {n}", publish=bool(n))
        answer(make_request(entrepreneur(f"Autre{n}"), tree, title=f"Chez {n}"), bob)

    three = queries_of(client, MINE)

    assert three == one
