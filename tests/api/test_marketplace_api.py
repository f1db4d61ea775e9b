"""/api/v1/offers, /requests (responses, publish, award) and /deals (status): each endpoint,
who is refused, bad input in French, and no N+1 on the lists."""

# The fixtures imported from directory_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from essaim.api import auth
from essaim.marketplace.models import (
    Deal,
    DealStatus,
    Offer,
    RequestResponse,
    RequestStatus,
    WorkRequest,
)
from essaim.marketplace.services import deals as deal_services
from essaim.marketplace.services import offers as offer_services
from essaim.marketplace.services import requests as request_services
from essaim.members.models import Member
from essaim.skills.models import Node
from tests.factories import ActivityFactory, MemberFactory
from tests.skills.directory_data import Tree, make_profile, tree  # noqa: F401

OFFERS = "/api/v1/offers"
REQUESTS = "/api/v1/requests"
DEALS = "/api/v1/deals"
JSON = "application/json"


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def post(client: Any, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(url, body, content_type=JSON, headers=headers)


def ids(response: Any) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def member(first_name: str, **fields: Any) -> Member:
    """Another entrepreneur with an account and an enseigne."""
    found = MemberFactory(
        first_name=first_name, last_name="Test", email=f"{first_name.lower()}@example.org"
    )
    ActivityFactory(member=found, name=f"Atelier {first_name}", sector=None)
    return found


def offer(owner: Member, node: Node, title: str = "Site vitrine", **fields: Any) -> Offer:
    return offer_services.offer_save(
        actor=owner.user,
        member=owner,
        title=title,
        description=fields.pop("description", "Un site simple et clair, livré en deux semaines."),
        nodes=[node],
        price=fields.pop("price", "900.00"),
        price_unit=fields.pop("price_unit", "forfait"),
        audience=fields.pop("audience", "members"),
        active=fields.pop("active", True),
    )


def work_request(author: Member, node: Node, *, publish: bool = True, **fields: Any) -> WorkRequest:
    return request_services.request_create(
        actor=author.user,
        author=author,
        kind=fields.pop("kind", "subcontracting"),
        title=fields.pop("title", "Un site pour un client"),
        description=fields.pop("description", "Un client de Montreuil veut un site vitrine."),
        answer_deadline=fields.pop("answer_deadline", days(20)),
        skills=[(node, 1)],
        publish=publish,
        **fields,
    )


def answer(request: WorkRequest, who: Member, price: str = "800.00") -> RequestResponse:
    return request_services.response_submit(
        actor=who.user,
        request=request,
        member=who,
        message="Bonjour, je peux le faire.",
        availability="Dès lundi",
        price=price,
    )


def deal(buyer: Member, provider: Member, **fields: Any) -> Deal:
    return deal_services.deal_create(
        actor=None,
        kind=fields.pop("kind", "purchase"),
        title=fields.pop("title", "Création d'un logo"),
        buyer=buyer,
        providers=[deal_services.ProviderShare(member=provider, amount=fields.pop("share", None))],
        amount=fields.pop("amount", "450.00"),
        notify_parties=False,
        **fields,
    )


@pytest.fixture
def web(tree) -> Node:
    return tree.web


@pytest.fixture
def coder(bob, tree) -> Member:
    """Bob, a web developer in 93 available two days a week: the requests below match him."""
    return make_profile(
        bob, skills=[(tree.web, 2)], zones=["93"], days_per_week=Decimal("2"), activity="Pixel"
    )


@pytest.fixture
def carol(db) -> Member:
    return member("Carol")


@pytest.fixture
def as_(bearer) -> Callable[[Any], dict[str, str]]:
    """Headers for a persona (a member or a user)."""

    def headers(who: Any) -> dict[str, str]:
        return bearer(getattr(who, "user", who))

    return headers


def count_queries(client: Any, url: str, headers: dict[str, str]) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.json()
    body = response.json()
    return len(body["items"] if isinstance(body, dict) else body), len(queries)


# --- who may call at all ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        OFFERS,
        f"{OFFERS}/1",
        REQUESTS,
        f"{REQUESTS}/1",
        f"{REQUESTS}/1/responses",
        DEALS,
        f"{DEALS}/1",
    ],
)
def test_anonymous_gets_401_in_french(client, url):
    response = client.get(url)

    assert response.status_code == 401
    assert response.json() == {"detail": auth.MISSING}


def test_the_endpoints_are_documented_under_their_names(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert {
        "/api/v1/offers",
        "/api/v1/offers/{offer_id}",
        "/api/v1/requests",
        "/api/v1/requests/{request_id}",
        "/api/v1/requests/{request_id}/publish",
        "/api/v1/requests/{request_id}/responses",
        "/api/v1/requests/{request_id}/award",
        "/api/v1/deals",
        "/api/v1/deals/{deal_id}",
        "/api/v1/deals/{deal_id}/status",
    } <= set(paths)


# --- offers --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bob", "antoine", "claire"])
def test_every_person_of_the_cooperative_browses_offers(client, as_, request, alice, web, persona):
    mine = offer(alice, web, audience="public")

    response = client.get(OFFERS, headers=as_(request.getfixturevalue(persona)))

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "limit": 20,
        "offset": 0,
        "items": [
            {
                "id": mine.pk,
                "title": "Site vitrine",
                "description": "Un site simple et clair, livré en deux semaines.",
                "member": {"id": alice.pk, "name": "Alice Martin", "activity": None},
                "skills": [{"code": "t-num.web", "label": "Développeur·se web"}],
                "price": "900.00",
                "price_unit": "forfait",
                "price_unit_label": "le forfait",
                "audience": "public",
                "active": True,
                "created_at": response.json()["items"][0]["created_at"],
            }
        ],
    }


def test_offers_are_searched_by_words_skill_and_zone(client, as_, alice, bob, carol, tree):
    make_profile(carol, zones=["75"])
    site = offer(carol, tree.web, title="Site vitrine")
    cut = offer(carol, tree.cut, title="Coupe à domicile", description="Coupes à domicile.")

    def found(**params: str) -> list[int]:
        return ids(client.get(OFFERS, params, headers=as_(bob)))

    assert found(q="coupe") == [cut.pk]
    assert found(skill="t-num") == [site.pk]
    assert sorted(found(zone="75")) == sorted([site.pk, cut.pk])
    assert found(zone="93") == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"skill": "nope"}, "skill", "code de compétence inconnu « nope »."),
        ({"zone": "999"}, "zone", "« 999 » n'est pas un département français"),
    ],
)
def test_offer_filters_refuse_unknown_values_in_french(
    client, as_, bob, db, params, field, message
):
    response = client.get(OFFERS, params, headers=as_(bob))

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", field]
    assert message in response.json()["detail"]


def test_a_paused_offer_is_seen_by_its_author_only(client, as_, alice, bob, claire, web):
    paused = offer(alice, web, active=False)
    url = f"{OFFERS}/{paused.pk}"

    assert client.get(url, headers=as_(alice)).json()["active"] is False
    for other in (bob, claire):
        response = client.get(url, headers=as_(other))
        assert response.status_code == 404
        assert response.json() == {
            "detail": f"Aucune offre n° {paused.pk} parmi celles que vous pouvez voir."
        }


def test_an_entrepreneur_publishes_an_offer(client, as_, alice, web):
    response = post(
        client,
        OFFERS,
        {
            "title": "Site vitrine",
            "description": "Cinq pages, formulaire de contact.",
            "skills": ["t-num.web"],
            "price": None,
            "audience": "public",
        },
        as_(alice),
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["price"], body["price_unit"], body["audience"]) == (None, "", "public")
    saved = Offer.objects.get(pk=body["id"])
    assert (saved.member, saved.title, list(saved.nodes.all())) == (alice, "Site vitrine", [web])


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"price": "-5"}, "price", "Le prix « -5 » n'est pas valable"),
        ({"skills": ["nope"]}, "skills", "code de compétence inconnu « nope »."),
        ({"skills": []}, "nodes", "Choisissez au moins une compétence"),
        ({"title": "  "}, "title", "Donnez un titre à votre offre."),
    ],
)
def test_a_bad_offer_is_refused_in_french_and_nothing_is_written(
    client, as_, alice, web, change, field, message
):
    body = {"title": "Site", "description": "Un site.", "skills": ["t-num.web"], "price": "900"}
    body["price_unit"] = "forfait"

    response = post(client, OFFERS, body | change, as_(alice))

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", field]
    assert message in response.json()["detail"]
    assert not Offer.objects.exists()


@pytest.mark.parametrize("persona", ["antoine", "claire"])
def test_only_entrepreneurs_publish_offers(client, as_, request, db, tree, persona):
    body = {"title": "Site", "description": "Un site.", "skills": ["t-num.web"]}

    response = post(client, OFFERS, body, as_(request.getfixturevalue(persona)))

    assert response.status_code == 403
    assert not Offer.objects.exists()


def test_the_offer_list_runs_the_same_queries_for_1_and_3_offers(client, as_, bob, tree):
    offer(member("Carol"), tree.web)
    few = count_queries(client, OFFERS, as_(bob))
    for name in ("Dan", "Eve", "Fay"):
        offer(member(name), tree.cut, title="Coupe")
    many = count_queries(client, OFFERS, as_(bob))

    assert (few[0], many[0]) == (1, 4)
    assert few[1] == many[1]


# --- requests ------------------------------------------------------------------------------------

REQUEST_BODY = {
    "kind": "subcontracting",
    "title": "Un site pour un client",
    "description": "Un client de Montreuil veut un site vitrine.",
    "skills": [{"code": "t-num.web", "min_level": 1}],
    "budget": "1200,50",
    "zone": "93",
}


def test_a_draft_is_written_seen_by_its_author_only_then_published(
    client, as_, alice, coder, carol, antoine, claire, web
):
    body = REQUEST_BODY | {"answer_deadline": days(10).isoformat()}

    created = post(client, REQUESTS, body, as_(alice))

    assert created.status_code == 201
    draft = created.json()
    assert (draft["status"], draft["budget"], draft["skills"]) == (
        "draft",
        "1200.50",
        [{"code": "t-num.web", "label": "Développeur·se web", "min_level": 1}],
    )
    url = f"{REQUESTS}/{draft['id']}"
    for other in (coder, carol, antoine, claire):
        assert client.get(url, headers=as_(other)).status_code == 404
        assert post(client, f"{url}/publish", {}, as_(other)).status_code == 404
    assert ids(client.get(REQUESTS, {"mine": "true"}, headers=as_(alice))) == [draft["id"]]
    assert ids(client.get(REQUESTS, headers=as_(coder))) == []

    published = post(client, f"{url}/publish", {}, as_(alice))

    assert published.status_code == 200
    assert published.json()["status"] == "open"
    assert published.json()["matches"] == [
        {
            "rank": 1,
            "member": {"id": coder.pk, "name": "Bob Durand", "activity": "Pixel"},
            "covered": 1,
        }
    ]
    assert ids(client.get(REQUESTS, headers=as_(coder))) == [draft["id"]]
    assert ids(client.get(REQUESTS, {"matching_me": "true"}, headers=as_(coder))) == [draft["id"]]


def test_only_the_author_and_the_accompaniment_see_the_matching_members(
    client, as_, alice, coder, carol, antoine, claire, web
):
    request = work_request(alice, web)
    url = f"{REQUESTS}/{request.pk}"

    def matches(who: Any) -> Any:
        return client.get(url, headers=as_(who)).json()["matches"]

    assert [m["member"]["id"] for m in matches(alice)] == [coder.pk]
    assert [m["member"]["id"] for m in matches(antoine)] == [coder.pk]
    assert [m["member"]["id"] for m in matches(claire)] == [coder.pk]
    assert matches(coder) is None
    assert matches(carol) is None


def test_only_its_author_publishes_a_request(client, as_, alice, coder, web):
    request = work_request(alice, web)

    response = post(client, f"{REQUESTS}/{request.pk}/publish", {}, as_(coder))

    assert response.status_code == 403
    assert response.json() == {"detail": "Seul·e l'auteur·e d'une demande peut la publier."}


def test_publishing_twice_is_refused_in_french(client, as_, alice, web):
    request = work_request(alice, web)

    response = post(client, f"{REQUESTS}/{request.pk}/publish", {}, as_(alice))

    assert response.status_code == 422
    assert response.json()["detail"] == "Requête invalide : Seul un brouillon peut être publié."


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"answer_deadline": "2020-01-01"}, "answer_deadline", "(01/01/2020) est déjà passée."),
        ({"budget": "-100"}, "budget", "Le montant ne peut pas être négatif (-100)."),
        ({"budget": "beaucoup"}, "budget", "« beaucoup » n'est pas un montant"),
        ({"skills": [{"code": "nope"}]}, "skills", "code de compétence inconnu « nope »."),
        ({"kind": "gift"}, "kind", "Type de demande inconnu : gift."),
        ({"zone": "999"}, "zone", "« 999 » n'est pas un département français"),
    ],
)
def test_a_bad_request_is_refused_in_french_and_nothing_is_written(
    client, as_, alice, web, change, field, message
):
    body = REQUEST_BODY | {"answer_deadline": days(10).isoformat()} | change

    response = post(client, REQUESTS, body, as_(alice))

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", field]
    assert message in response.json()["detail"]
    assert not WorkRequest.objects.exists()


def test_a_malformed_date_is_refused_by_the_schema_in_french(client, as_, alice, web):
    response = post(client, REQUESTS, REQUEST_BODY | {"answer_deadline": "demain"}, as_(alice))

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Requête invalide : corps « body.answer_deadline » doit être une date au format AAAA-MM-JJ."
    )


@pytest.mark.parametrize("persona", ["antoine", "claire"])
def test_only_entrepreneurs_write_requests(client, as_, request, db, tree, persona):
    body = REQUEST_BODY | {"answer_deadline": days(10).isoformat()}

    response = post(client, REQUESTS, body, as_(request.getfixturevalue(persona)))

    assert response.status_code == 403
    assert not WorkRequest.objects.exists()


def test_request_filters_refuse_an_unknown_skill(client, as_, bob, db):
    response = client.get(REQUESTS, {"skill": "nope"}, headers=as_(bob))

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "skill"]


def test_the_request_board_runs_the_same_queries_for_1_and_3_requests(client, as_, coder, tree):
    work_request(member("Carol"), tree.web)
    few = count_queries(client, REQUESTS, as_(coder))
    for name in ("Dan", "Eve", "Fay"):
        work_request(member(name), tree.web, title=f"Site de {name}")
    many = count_queries(client, REQUESTS, as_(coder))

    assert (few[0], many[0]) == (1, 4)
    assert few[1] == many[1]


def test_my_requests_run_the_same_queries_for_1_and_3_requests(client, as_, alice, tree):
    work_request(alice, tree.web)
    few = count_queries(client, f"{REQUESTS}?mine=true", as_(alice))
    for n in range(3):
        work_request(alice, tree.cut, publish=False, title=f"Coupe {n}")
    many = count_queries(client, f"{REQUESTS}?mine=true", as_(alice))

    assert (few[0], many[0]) == (1, 4)
    assert few[1] == many[1]


# --- responses -----------------------------------------------------------------------------------


def test_a_member_answers_and_the_author_reads_the_answers(client, as_, alice, coder, web):
    request = work_request(alice, web)
    url = f"{REQUESTS}/{request.pk}/responses"

    sent = post(
        client, url, {"message": "Je peux.", "price": 950, "availability": "Lundi"}, as_(coder)
    )

    assert sent.status_code == 201
    assert {k: sent.json()[k] for k in ("request", "message", "price", "status")} == {
        "request": request.pk,
        "message": "Je peux.",
        "price": "950.00",
        "status": "sent",
    }
    read = client.get(url, headers=as_(alice))
    assert read.status_code == 200
    assert [(r["member"]["id"], r["status_label"]) for r in read.json()] == [(coder.pk, "Envoyée")]
    request.refresh_from_db()
    assert request.status == RequestStatus.DISCUSSION


def test_a_request_s_responses_are_read_by_its_author_and_advisors_only(
    client, as_, alice, coder, carol, antoine, berenice, claire, web
):
    request = work_request(alice, web)
    answer(request, coder)
    url = f"{REQUESTS}/{request.pk}/responses"

    assert len(client.get(url, headers=as_(antoine)).json()) == 1
    assert len(client.get(url, headers=as_(berenice)).json()) == 1
    # The responder himself, another member and management staff are refused.
    for other in (coder, carol, claire):
        response = client.get(url, headers=as_(other))
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Les réponses à une demande ne sont lues que par son auteur·e et les "
            "chargé·es d'accompagnement."
        }


def test_the_responses_of_a_draft_answer_404_to_others(client, as_, alice, coder, antoine, web):
    draft = work_request(alice, web, publish=False)

    for other in (coder, antoine):
        assert client.get(f"{REQUESTS}/{draft.pk}/responses", headers=as_(other)).status_code == 404


@pytest.mark.parametrize(
    ("who", "body", "field", "message"),
    [
        ("coder", {"message": "Oui", "price": "-1"}, "price", "ne peut pas être négatif (-1)."),
        ("coder", {"message": "  "}, "message", "Écrivez un message à l'auteur de la demande."),
        ("alice", {"message": "Moi"}, None, "Vous ne pouvez pas répondre à votre propre demande."),
    ],
)
def test_a_bad_response_is_refused_in_french(
    client, as_, request, alice, coder, web, who, body, field, message
):
    work = work_request(alice, web)

    response = post(
        client, f"{REQUESTS}/{work.pk}/responses", body, as_(request.getfixturevalue(who))
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == (["body", field] if field else ["body"])
    assert message in response.json()["detail"]
    assert not RequestResponse.objects.exists()


def test_advisors_do_not_answer_requests(client, as_, alice, antoine, web):
    work = work_request(alice, web)

    response = post(client, f"{REQUESTS}/{work.pk}/responses", {"message": "Oui"}, as_(antoine))

    assert response.status_code == 403


def test_the_responses_run_the_same_queries_for_1_and_3_answers(client, as_, alice, coder, web):
    work = work_request(alice, web)
    url = f"{REQUESTS}/{work.pk}/responses"
    answer(work, coder)
    few = count_queries(client, url, as_(alice))
    for name in ("Carol", "Dan"):
        answer(work, member(name))
    many = count_queries(client, url, as_(alice))

    assert (few[0], many[0]) == (1, 3)
    assert few[1] == many[1]


# --- award ---------------------------------------------------------------------------------------


def test_the_author_awards_the_request_and_the_deal_is_recorded(
    client, as_, alice, coder, carol, web
):
    work = work_request(alice, web)
    chosen, other = answer(work, coder, "800.00"), answer(work, carol, "700.00")

    response = post(client, f"{REQUESTS}/{work.pk}/award", {"responses": [chosen.pk]}, as_(alice))

    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["amount"], body["origin"], body["request"]) == (
        "subcontracting",
        "800.00",
        "matching",
        work.pk,
    )
    assert body["buyer"] == {"id": alice.pk, "name": "Alice Martin"}
    assert body["providers"] == [
        {"member": {"id": coder.pk, "name": "Bob Durand"}, "amount": "800.00", "hours": None}
    ]
    work.refresh_from_db()
    other.refresh_from_db()
    assert (work.status, other.status) == ("awarded", "declined")


def test_awarding_to_someone_who_did_not_answer_is_refused(client, as_, alice, coder, carol, web):
    work = work_request(alice, web)
    elsewhere = work_request(carol, web, title="Autre demande")
    stranger = answer(elsewhere, coder)

    for ids_ in ([stranger.pk], [999999]):
        response = post(client, f"{REQUESTS}/{work.pk}/award", {"responses": ids_}, as_(alice))

        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "responses"]
        assert (
            f"La réponse n° {ids_[0]} n'est pas une réponse à cette demande : on n'attribue une "
            "demande qu'à des membres qui y ont répondu." in response.json()["detail"]
        )
    assert not Deal.objects.exists()
    work.refresh_from_db()
    assert work.status == RequestStatus.OPEN


def test_awarding_nothing_is_refused_in_french(client, as_, alice, web):
    work = work_request(alice, web)

    response = post(client, f"{REQUESTS}/{work.pk}/award", {"responses": []}, as_(alice))

    assert response.status_code == 422
    assert "Cochez au moins une réponse" in response.json()["detail"]


@pytest.mark.parametrize("persona", ["coder", "antoine", "claire"])
def test_only_the_author_awards(client, as_, request, alice, coder, web, persona):
    work = work_request(alice, web)
    chosen = answer(work, coder)

    response = post(
        client,
        f"{REQUESTS}/{work.pk}/award",
        {"responses": [chosen.pk]},
        as_(request.getfixturevalue(persona)),
    )

    assert response.status_code == 403
    assert not Deal.objects.exists()


# --- deals ---------------------------------------------------------------------------------------


def test_deals_are_seen_by_their_parties_advisors_and_staff(
    client, as_, alice, bob, carol, antoine, claire
):
    mine = deal(alice, bob)
    other = deal(carol, member("Dan"))

    assert ids(client.get(DEALS, headers=as_(alice))) == [mine.pk]
    assert ids(client.get(DEALS, headers=as_(bob))) == [mine.pk]
    assert ids(client.get(DEALS, headers=as_(antoine))) == [other.pk, mine.pk]
    assert ids(client.get(DEALS, headers=as_(claire))) == [other.pk, mine.pk]
    assert client.get(f"{DEALS}/{mine.pk}", headers=as_(carol)).status_code == 404
    assert client.get(f"{DEALS}/{mine.pk}", headers=as_(claire)).json()["title"] == (
        "Création d'un logo"
    )


def test_deals_are_filtered_by_kind_and_status(client, as_, alice, bob, claire):
    purchase = deal(alice, bob)
    exchange = deal(bob, alice, kind="exchange", amount=None, status="in_progress")

    def found(**params: str) -> list[int]:
        return ids(client.get(DEALS, params, headers=as_(claire)))

    assert found(kind="exchange") == [exchange.pk]
    assert found(status="planned") == [purchase.pk]
    assert client.get(DEALS, {"kind": "gift"}, headers=as_(claire)).status_code == 422


def test_feedback_is_private_in_a_deal(client, as_, alice, bob, antoine, claire):
    done = deal(alice, bob, status="done", done_at=days(-1))
    deal_services.feedback_leave(
        actor=alice.user,
        deal=done,
        author=alice,
        about=bob,
        would_work_again=True,
        quality=5,
        deadlines=4,
        communication=5,
        comment="Parfait.",
    )
    url = f"{DEALS}/{done.pk}"

    for reader in (alice, bob, antoine):
        body = client.get(url, headers=as_(reader)).json()
        assert [(f["author"]["id"], f["comment"]) for f in body["feedback"]] == [
            (alice.pk, "Parfait.")
        ]
    staff = client.get(url, headers=as_(claire)).json()
    assert (staff["feedback"], staff["feedback_count"]) == ([], 1)


def test_an_entrepreneur_records_a_deal_she_takes_part_in(client, as_, alice, bob):
    body = {
        "kind": "purchase",
        "title": "Portraits de l'équipe",
        "providers": [{"member": bob.pk, "amount": "300", "hours": "6"}],
        "amount": "300",
        "start_date": days(5).isoformat(),
    }

    response = post(client, DEALS, body, as_(alice))

    assert response.status_code == 201
    created = response.json()
    assert (created["buyer"]["id"], created["status"], created["origin"]) == (
        alice.pk,
        "planned",
        "direct",
    )
    assert created["providers"] == [
        {"member": {"id": bob.pk, "name": "Bob Durand"}, "amount": "300.00", "hours": "6.0"}
    ]


def test_management_records_a_deal_between_two_members(client, as_, alice, bob, claire):
    body = {"kind": "exchange", "title": "Site contre coiffure", "buyer": alice.pk}
    body |= {"providers": [{"member": bob.pk}], "status": "done", "done_at": days(-2).isoformat()}

    response = post(client, DEALS, body, as_(claire))

    assert response.status_code == 201
    recorded = Deal.objects.get()
    assert (recorded.buyer, recorded.status, recorded.done_at) == (alice, "done", days(-2))


def test_an_entrepreneur_cannot_record_a_deal_between_others(client, as_, alice, bob, carol):
    body = {
        "kind": "purchase",
        "title": "Logo",
        "buyer": bob.pk,
        "providers": [{"member": carol.pk}],
    }

    response = post(client, DEALS, body, as_(alice))

    assert response.status_code == 403
    assert not Deal.objects.exists()


def test_advisors_do_not_record_deals(client, as_, alice, bob, antoine):
    body = {
        "kind": "purchase",
        "title": "Logo",
        "buyer": alice.pk,
        "providers": [{"member": bob.pk}],
    }

    assert post(client, DEALS, body, as_(antoine)).status_code == 403


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"amount": "-300"}, "amount", "Le montant ne peut pas être négatif (-300)."),
        ({"providers": [{"member": 999999}]}, "providers", "Aucun membre n° 999999 présent"),
        ({"providers": []}, "providers", "Indiquez au moins un membre prestataire."),
        ({"kind": "exchange"}, "amount", "Un échange de services se fait sans argent"),
        ({"kind": "gift"}, "kind", "Type d'affaire inconnu : gift."),
    ],
)
def test_a_bad_deal_is_refused_in_french_and_nothing_is_written(
    client, as_, alice, bob, change, field, message
):
    body = {"kind": "purchase", "title": "Logo", "amount": "300", "providers": [{"member": bob.pk}]}

    response = post(client, DEALS, body | change, as_(alice))

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", field]
    assert message in response.json()["detail"]
    assert not Deal.objects.exists()


def test_a_party_moves_a_deal_along(client, as_, alice, bob):
    planned = deal(alice, bob)
    url = f"{DEALS}/{planned.pk}/status"

    assert post(client, url, {"status": "in_progress"}, as_(bob)).json()["status"] == "in_progress"
    done = post(client, url, {"status": "done", "done_at": days(0).isoformat()}, as_(alice))

    assert (done.status_code, done.json()["status"], done.json()["done_at"]) == (
        200,
        "done",
        days(0).isoformat(),
    )


def test_a_wrong_transition_is_refused_in_french(client, as_, alice, bob):
    planned = deal(alice, bob)

    response = post(client, f"{DEALS}/{planned.pk}/status", {"status": "done"}, as_(alice))

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "status"]
    assert "« Prévue » ne peut pas passer à « Terminée »" in response.json()["detail"]
    planned.refresh_from_db()
    assert planned.status == DealStatus.PLANNED


def test_only_parties_and_management_move_a_deal(client, as_, alice, bob, carol, antoine, claire):
    planned = deal(alice, bob)
    url = f"{DEALS}/{planned.pk}/status"

    assert post(client, url, {"status": "in_progress"}, as_(carol)).status_code == 404
    assert post(client, url, {"status": "in_progress"}, as_(antoine)).status_code == 403
    assert post(client, url, {"status": "cancelled"}, as_(claire)).status_code == 200


def test_the_deal_list_runs_the_same_queries_for_1_and_3_deals(client, as_, alice, bob, claire):
    deal(alice, bob)
    few = count_queries(client, DEALS, as_(claire))
    for name in ("Carol", "Dan", "Eve"):
        deal(member(name), bob)
    many = count_queries(client, DEALS, as_(claire))

    assert (few[0], many[0]) == (1, 4)
    assert few[1] == many[1]
