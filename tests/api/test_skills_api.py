"""/api/v1/directory/search, /directory/members/{id}, /nomenclature/nodes[/{code}]."""

# The fixtures imported from directory_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from essaim.api import auth
from essaim.skills import services
from tests.factories import MemberFactory
from tests.skills.directory_data import (  # noqa: F401
    leave,
    lexical_only,
    make_profile,
    media,
    png,
    priced,
    tree,
)

pytestmark = pytest.mark.usefixtures("lexical_only")

SEARCH = "/api/v1/directory/search"
NODES = "/api/v1/nomenclature/nodes"


def profile_url(member) -> str:
    return f"/api/v1/directory/members/{member.pk}"


def without_scores(hits: list[dict]) -> list[dict]:
    """The hits with their score checked (positive) and left out: the ranking's own tests
    pin its figures."""
    assert all(isinstance(h["score"], float) and h["score"] > 0 for h in hits)
    return [{k: v for k, v in h.items() if k != "score"} for h in hits]


@pytest.fixture
def directory(priced, bob, tree):
    make_profile(bob, skills=[(tree.web, 2)], zones=["13"], activity="Pixel Sud")
    return priced


# --- who may call -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [SEARCH, "/api/v1/directory/members/1", NODES, f"{NODES}/t-coif"])
def test_anonymous_gets_401_in_french(client, db, url):
    response = client.get(url)

    assert response.status_code == 401
    assert response.json() == {"detail": auth.MISSING}


@pytest.mark.parametrize("persona", ["alice", "antoine", "claire"])
def test_every_person_of_the_cooperative_searches(client, bearer, request, directory, persona):
    user = request.getfixturevalue(persona)

    response = client.get(
        SEARCH, {"q": "coloration végétale"}, headers=bearer(getattr(user, "user", user))
    )

    assert response.status_code == 200
    assert [hit["name"] for hit in response.json()] == ["Alice Martin"]


# --- search -------------------------------------------------------------------------------------


def test_search_answers_the_hits_with_their_matched_skills(client, bearer, directory, bob):
    response = client.get(SEARCH, {"q": "coloration végétale"}, headers=bearer(bob.user))

    assert without_scores(response.json()) == [
        {
            "id": directory.pk,
            "external_id": None,
            "name": "Alice Martin",
            "activity": "Les Ciseaux Verts",
            "zones": ["75", "93"],
            "matched_skills": [
                {
                    "code": "t-coif.vegetal",
                    "label": "Coloration végétale",
                    "level": 3,
                    "level_label": "Expert·e",
                    "years": 5,
                    "is_social": False,
                    "domain": None,
                }
            ],
        }
    ]


def test_search_facets(client, bearer, directory, bob):
    headers = bearer(bob.user)

    def names(**params) -> list[str]:
        response = client.get(SEARCH, params, headers=headers)
        assert response.status_code == 200, response.json()
        return [hit["name"] for hit in response.json()]

    assert names(skill="t-num") == ["Bob Durand"]
    assert names(zone="93") == ["Alice Martin"]
    assert names(zone="13", q="coloration") == []
    assert names(available="true") == ["Alice Martin"]
    assert names(min_level=3) == ["Alice Martin"]
    assert sorted(names(limit=1) + names(limit=1, offset=1)) == ["Alice Martin", "Bob Durand"]


def test_a_rome_code_is_accepted_in_lower_case(client, bearer, directory, bob):
    rome = services.node_create(
        actor=None, code="D1202", label="Coiffure", kind="trade", source="rome"
    )
    services.skill_set(actor=None, member=directory, node=rome, level=2)

    response = client.get(SEARCH, {"skill": "d1202"}, headers=bearer(bob.user))

    assert [hit["name"] for hit in response.json()] == ["Alice Martin"]


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"skill": "XX99"}, "Requête invalide : code de compétence inconnu « XX99 »."),
        (
            {"zone": "99"},
            "Requête invalide : « 99 » n'est pas un département français (ex. 75, 93, 2A, 974).",
        ),
        (
            {"min_level": 4},
            "Requête invalide : paramètre « min_level » doit être inférieur ou égal à 3.",
        ),
        (
            {"limit": 500},
            "Requête invalide : paramètre « limit » doit être inférieur ou égal à 100.",
        ),
    ],
)
def test_bad_search_parameters_are_explained(client, bearer, directory, bob, params, detail):
    response = client.get(SEARCH, params, headers=bearer(bob.user))

    assert response.status_code == 422
    assert response.json()["detail"] == detail


def test_members_who_left_are_not_searched(client, bearer, directory, bob):
    leave(directory)

    response = client.get(SEARCH, {"q": "coloration végétale"}, headers=bearer(bob.user))

    assert response.json() == []


def test_search_runs_no_query_per_hit(client, bearer, tree, bob):
    headers = bearer(bob.user)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(SEARCH, {"q": "coupe"}, headers=headers).status_code == 200
        return len(captured.captured_queries)

    make_profile(MemberFactory(), skills=[(tree.cut, 2)], zones=["93"], activity="Une")
    client.get(SEARCH, {"q": "coupe"}, headers=headers)
    one = count()
    for n in range(2):
        make_profile(MemberFactory(), skills=[(tree.cut, 1)], zones=["75"], activity=f"E{n}")

    assert count() == one


# --- a profile ----------------------------------------------------------------------------------


def test_a_profile_in_full(client, bearer, directory, bob, media):
    item = services.portfolio_item_save(
        actor=None, member=directory, title="Mariage", year=2024, client_kind="individual"
    )
    image = services.portfolio_image_add(actor=None, item=item, image=png(), alt="Chignon")

    response = client.get(profile_url(directory), headers=bearer(bob.user))

    assert response.status_code == 200
    assert response.json() == {
        "id": directory.pk,
        "external_id": None,
        "name": "Alice Martin",
        "email": "alice@example.org",
        "activity": "Les Ciseaux Verts",
        "presentation": "Coiffeuse à domicile, coloration végétale au henné.",
        "zones": ["75", "93"],
        "remote": False,
        "languages": [],
        "availability": {"days_per_week": 2.5, "available_from": None, "available_until": None},
        "skills": [
            {
                "code": "t-coif.vegetal",
                "label": "Coloration végétale",
                "level": 3,
                "level_label": "Expert·e",
                "years": 5,
                "is_social": False,
                "domain": "Coiffure et esthétique",
            },
            {
                "code": "t-soc.atelier",
                "label": "Animer un atelier",
                "level": 2,
                "level_label": "Confirmé·e",
                "years": 5,
                "is_social": True,
                "domain": None,
            },
            {
                "code": "t-coif.coupe",
                "label": "Coupe à domicile",
                "level": 2,
                "level_label": "Confirmé·e",
                "years": 5,
                "is_social": False,
                "domain": "Coiffure et esthétique",
            },
        ],
        "portfolio": [
            {
                "title": "Mariage",
                "description": "",
                "year": 2024,
                "client_kind": "individual",
                "client_kind_label": "Particulier",
                "link": "",
                "images": [
                    {"url": f"http://testserver/annuaire/images/{image.pk}/", "alt": "Chignon"}
                ],
            }
        ],
        "prices": [
            {
                "label": "Coupe à domicile",
                "amount": "35.00",
                "unit": "prestation",
                "unit_label": "la prestation",
                "visibility": "members",
            }
        ],
    }


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("owner", ["Coupe à domicile", "Tarif conseil", "Tarif secret"]),
        ("antoine", ["Coupe à domicile", "Tarif conseil"]),  # her advisor
        ("berenice", ["Coupe à domicile"]),  # another advisor
        ("bob", ["Coupe à domicile"]),  # another entrepreneur
        ("claire", ["Coupe à domicile"]),  # staff
    ],
)
def test_prices_follow_the_members_choice(client, bearer, request, priced, persona, visible):
    user = priced.user if persona == "owner" else request.getfixturevalue(persona)

    response = client.get(profile_url(priced), headers=bearer(getattr(user, "user", user)))

    assert sorted(p["label"] for p in response.json()["prices"]) == visible
    body = response.content.decode()
    hidden = {"Tarif secret": "111", "Tarif conseil": "222"}
    for label, amount in hidden.items():
        if label not in visible:
            assert label not in body and amount not in body


def test_hidden_prices_never_appear_in_search_results(client, bearer, directory, bob):
    response = client.get(SEARCH, {"q": "tarif secret coupe"}, headers=bearer(bob.user))

    body = response.content.decode()
    assert [w for w in ("Tarif secret", "111", "Tarif conseil", "222") if w in body] == []


def test_a_member_who_left_or_does_not_exist_is_404(client, bearer, priced, bob):
    leave(priced)

    gone = client.get(profile_url(priced), headers=bearer(bob.user))
    unknown = client.get("/api/v1/directory/members/999999", headers=bearer(bob.user))

    assert (gone.status_code, unknown.status_code) == (404, 404)
    assert gone.json() == {"detail": f"Aucun membre n° {priced.pk} dans l'annuaire."}


# --- nomenclature -------------------------------------------------------------------------------


def node(code, label, kind, source, parent=None, social=False, rome=()):
    return {
        "code": code,
        "label": label,
        "kind": kind,
        "source": source,
        "parent": parent,
        "is_social": social,
        "obsolete": False,
        "rome_codes": list(rome),
    }


def test_without_parameters_the_domains(client, bearer, tree, bob):
    response = client.get(NODES, {"limit": 100}, headers=bearer(bob.user))

    ours = [n for n in response.json() if n["code"].startswith("t-")]
    assert ours == [
        node("t-coif", "Coiffure et esthétique", "domain", "builtin"),
        node("t-num", "Numérique", "domain", "builtin"),
    ]


def test_the_children_of_a_node(client, bearer, tree, bob):
    response = client.get(NODES, {"parent": "t-coif.coiffeur"}, headers=bearer(bob.user))

    assert response.json() == [
        node("t-coif.vegetal", "Coloration végétale", "skill", "coop", "t-coif.coiffeur"),
        node("t-coif.coupe", "Coupe à domicile", "skill", "builtin", "t-coif.coiffeur"),
    ]


def test_search_nodes_by_alias_within_a_subtree(client, bearer, tree, bob):
    response = client.get(NODES, {"q": "développeuse", "parent": "t-num"}, headers=bearer(bob.user))

    assert response.json() == [node("t-num.web", "Développeur·se web", "trade", "builtin", "t-num")]


def test_an_unknown_parent_is_404(client, bearer, tree, bob):
    response = client.get(NODES, {"parent": "nope"}, headers=bearer(bob.user))

    assert response.status_code == 404
    assert response.json() == {"detail": "Aucun nœud de code « nope » dans la nomenclature."}


def test_one_node_with_its_path_aliases_children_and_members(client, bearer, priced, tree, bob):
    response = client.get(f"{NODES}/t-coif.coiffeur", headers=bearer(bob.user))

    assert response.json() == {
        **node("t-coif.coiffeur", "Coiffeur·se", "trade", "builtin", "t-coif", rome=["D1202"]),
        "description": "",
        "path": [node("t-coif", "Coiffure et esthétique", "domain", "builtin")],
        "aliases": [{"label": "Coiffeuse", "kind": "title", "source": "coop"}],
        "children": [
            node("t-coif.vegetal", "Coloration végétale", "skill", "coop", "t-coif.coiffeur"),
            node("t-coif.coupe", "Coupe à domicile", "skill", "builtin", "t-coif.coiffeur"),
        ],
        "members_count": 0,
    }


def test_a_rome_code_in_lower_case_and_an_unknown_code(client, bearer, db, bob):
    services.node_create(actor=None, code="Z9999", label="Essai", kind="trade", source="rome")

    found = client.get(f"{NODES}/z9999", headers=bearer(bob.user))
    unknown = client.get(f"{NODES}/nope", headers=bearer(bob.user))

    assert (found.status_code, found.json()["code"]) == (200, "Z9999")
    assert unknown.status_code == 404
