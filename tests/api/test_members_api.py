"""/api/v1/members, /members/me, /members/{id}, /advisors: each endpoint for each role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from essaim.api import auth
from essaim.members import services
from tests.factories import (
    ActivityFactory,
    AdvisorFactory,
    MemberFactory,
    SectorFactory,
    UserFactory,
)

LIST = "/api/v1/members"
ME = "/api/v1/members/me"
ADVISORS = "/api/v1/advisors"
LIST_REFUSED = (
    "La liste des membres est réservée à l'équipe de gestion et aux chargé·es "
    "d'accompagnement ; consultez votre fiche avec /api/v1/members/me."
)


def detail_url(member_id: int) -> str:
    return f"/api/v1/members/{member_id}"


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def person(user) -> dict:
    return {
        "id": user.pk,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "full_name": f"{user.first_name} {user.last_name}",
        "email": user.email,
    }


# --- who may call at all ---------------------------------------------------------------------


ENDPOINTS = [LIST, ME, ADVISORS, "/api/v1/members/1"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_gets_401_in_french(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json() == {"detail": auth.MISSING}
    assert response["WWW-Authenticate"] == 'Bearer realm="essaim"'
    # Accents are sent as UTF-8, not as \u escapes, so French reads well in a terminal.
    assert auth.MISSING.encode() in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("url", ENDPOINTS)
def test_bad_token_gets_401_in_french(client, url):
    response = client.get(url, headers={"Authorization": "Bearer ess_not-a-real-token"})
    assert response.status_code == 401
    assert response.json() == {"detail": auth.INVALID}


# --- the list --------------------------------------------------------------------------------


def test_staff_sees_every_member(client, bearer, claire, alice, bob):
    other = MemberFactory(first_name="Zoé", last_name="Zébulon", user=None)
    response = client.get(LIST, headers=bearer(claire))
    assert response.status_code == 200
    # Ordered by last name: Durand, Martin, Zébulon.
    assert ids(response) == [bob.pk, alice.pk, other.pk]
    assert response.json()["count"] == 3


def test_advisor_sees_only_own_entrepreneurs(client, bearer, antoine, berenice, alice, bob):
    assert ids(client.get(LIST, headers=bearer(antoine))) == [alice.pk]
    assert ids(client.get(LIST, headers=bearer(berenice))) == [bob.pk]


def test_entrepreneur_is_refused_the_list(client, bearer, alice, bob):
    response = client.get(LIST, headers=bearer(alice.user))
    assert response.status_code == 403
    assert response.json() == {"detail": LIST_REFUSED}


def test_list_item_is_the_whole_summary(client, bearer, claire, antoine, alice):
    ActivityFactory(member=alice, name="Coupes Alice", sector=SectorFactory(code="coiffure"))
    response = client.get(LIST, headers=bearer(claire))
    assert response.json() == {
        "count": 1,
        "limit": 50,
        "offset": 0,
        "items": [
            {
                "id": alice.pk,
                "first_name": "Alice",
                "last_name": "Martin",
                "email": "alice@example.org",
                "city": "Montreuil",
                "stage": "cesa",
                "stage_label": "En CESA",
                "cohort_year": 2024,
                "advisor": person(antoine),
                "activity": {
                    "name": "Coupes Alice",
                    "description": "Coupes et couleurs à domicile.",
                    "sector": {"code": "coiffure", "label": "Coiffure et esthétique"},
                },
                "exit_date": None,
            }
        ],
    }


# --- filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=martin", ["alice"]),
        ("q=DURAND bob", ["bob"]),
        ("q=alice@example", ["alice"]),
        ("q=personne", []),
        ("stage=cesa", ["alice"]),
        ("stage=cape", ["bob"]),
        ("stage=exited", []),
        ("cohort=2024", ["alice"]),
        ("cohort=2026", ["bob"]),
        ("sector=web", ["bob"]),
        ("sector=coiffure", []),
        ("stage=cape&cohort=2024", []),
    ],
)
def test_filters(client, bearer, claire, alice, bob, query, expected):
    ActivityFactory(member=bob, name="Sites", sector=SectorFactory(code="web"))
    response = client.get(f"{LIST}?{query}", headers=bearer(claire))
    assert response.status_code == 200
    by_name = {"alice": alice.pk, "bob": bob.pk}
    assert ids(response) == [by_name[name] for name in expected]


def test_filter_by_advisor(client, bearer, claire, antoine, berenice, alice, bob):
    headers = bearer(claire)
    assert ids(client.get(f"{LIST}?advisor={antoine.pk}", headers=headers)) == [alice.pk]
    assert ids(client.get(f"{LIST}?advisor={berenice.pk}", headers=headers)) == [bob.pk]


def test_advisor_filter_cannot_widen_an_advisors_view(client, bearer, antoine, berenice, bob):
    response = client.get(f"{LIST}?advisor={berenice.pk}", headers=bearer(antoine))
    assert response.json() == {"count": 0, "limit": 50, "offset": 0, "items": []}


def test_unknown_stage_is_422_with_french_detail_and_ninja_errors(client, bearer, claire):
    response = client.get(f"{LIST}?stage=retraite", headers=bearer(claire))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == (
        "Requête invalide : paramètre « stage » valeur inconnue (attendu : 'none', "
        "'information', 'cape', 'cesa', 'associate' or 'exited')."
    )
    assert [(e["type"], e["loc"]) for e in body["errors"]] == [("enum", ["query", "stage"])]


# --- pagination --------------------------------------------------------------------------------


@pytest.fixture
def seven_members(db) -> list[int]:
    """Seven members whose names sort in creation order."""
    return [MemberFactory(last_name=f"Nom{i}", first_name="X", user=None).pk for i in range(7)]


def test_pagination(client, bearer, claire, seven_members):
    headers = bearer(claire)
    first = client.get(f"{LIST}?limit=3", headers=headers).json()
    assert (first["count"], first["limit"], first["offset"]) == (7, 3, 0)
    assert [m["id"] for m in first["items"]] == seven_members[:3]
    last = client.get(f"{LIST}?limit=3&offset=6", headers=headers).json()
    assert (last["count"], [m["id"] for m in last["items"]]) == (7, seven_members[6:])
    beyond = client.get(f"{LIST}?limit=3&offset=50", headers=headers).json()
    assert (beyond["count"], beyond["items"]) == (7, [])
    whole = client.get(f"{LIST}?limit=200", headers=headers).json()
    assert (whole["count"], [m["id"] for m in whole["items"]]) == (7, seven_members)


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("limit=201", "paramètre « limit » doit être inférieur ou égal à 200"),
        ("limit=0", "paramètre « limit » doit être supérieur ou égal à 1"),
        ("offset=-1", "paramètre « offset » doit être supérieur ou égal à 0"),
        ("limit=beaucoup", "paramètre « limit » doit être un nombre entier"),
        ("cohort=2024.5", "paramètre « cohort » doit être un nombre entier"),
    ],
)
def test_bad_pagination_is_422(client, bearer, claire, query, problem):
    response = client.get(f"{LIST}?{query}", headers=bearer(claire))
    assert response.status_code == 422
    assert response.json()["detail"] == f"Requête invalide : {problem}."


def test_list_query_count_does_not_grow_with_members(client, bearer, claire, antoine):
    headers = bearer(claire)
    MemberFactory(advisor=antoine)
    ActivityFactory(member=MemberFactory(advisor=antoine))

    def count_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, headers=headers)
        return len(response.json()["items"]), len(queries)

    few = count_queries()
    for _ in range(3):
        ActivityFactory(member=MemberFactory(advisor=AdvisorFactory()))
    many = count_queries()
    assert (few[0], many[0]) == (2, 5)
    assert few[1] == many[1]


# --- one member --------------------------------------------------------------------------------


def test_staff_reads_any_member(client, bearer, claire, alice, bob):
    headers = bearer(claire)
    assert client.get(detail_url(alice.pk), headers=headers).json()["id"] == alice.pk
    assert client.get(detail_url(bob.pk), headers=headers).json()["id"] == bob.pk


def test_advisor_reads_own_entrepreneur_only(client, bearer, antoine, alice, bob):
    headers = bearer(antoine)
    assert client.get(detail_url(alice.pk), headers=headers).status_code == 200
    response = client.get(detail_url(bob.pk), headers=headers)
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"Aucun membre n° {bob.pk} parmi les fiches que vous pouvez consulter."
    }


def test_entrepreneur_reads_self_but_not_others(client, bearer, alice, bob):
    headers = bearer(alice.user)
    assert client.get(detail_url(alice.pk), headers=headers).json()["id"] == alice.pk
    assert client.get(detail_url(bob.pk), headers=headers).status_code == 404


def test_hidden_member_looks_exactly_like_a_missing_one(client, bearer, antoine, bob):
    headers = bearer(antoine)
    hidden = client.get(detail_url(bob.pk), headers=headers)
    missing = client.get(detail_url(bob.pk + 1000), headers=headers)
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.json()["detail"].replace(str(bob.pk), "N") == missing.json()["detail"].replace(
        str(bob.pk + 1000), "N"
    )


def test_detail_of_an_exited_member(client, bearer, claire, berenice, bob):
    services.member_exit(actor=None, member=bob, date=dt.date(2026, 6, 30), reason="own_company")
    body = client.get(detail_url(bob.pk), headers=bearer(claire)).json()
    assert (body["stage"], body["stage_label"]) == ("exited", "Sorti·e")
    assert body["exit"] == {
        "date": "2026-06-30",
        "reason": "own_company",
        "reason_label": "Création de sa propre entreprise",
    }
    assert [(s["kind"], s["start"], s["end"], s["planned_end"]) for s in body["stages"]] == [
        ("cape", "2026-01-05", "2026-06-30", "2026-06-30")
    ]
    assert body["advisor_history"] == [
        {"advisor": person(berenice), "start": "2025-06-01", "end": "2026-06-30"}
    ]


# --- me ----------------------------------------------------------------------------------------


def test_me_is_the_whole_record(client, bearer, antoine, alice):
    ActivityFactory(member=alice, name="Coupes Alice", sector=SectorFactory(code="coiffure"))
    stages = list(alice.stages.order_by("start"))
    response = client.get(ME, headers=bearer(alice.user))
    assert response.status_code == 200
    assert response.json() == {
        "id": alice.pk,
        "external_id": None,
        "first_name": "Alice",
        "last_name": "Martin",
        "email": "alice@example.org",
        "phone": "+33 6 12 34 56 78",
        "postal_code": "93100",
        "city": "Montreuil",
        "activity": {
            "name": "Coupes Alice",
            "description": "Coupes et couleurs à domicile.",
            "sector": {"code": "coiffure", "label": "Coiffure et esthétique"},
        },
        "advisor": person(antoine),
        "advisor_history": [{"advisor": person(antoine), "start": "2024-01-01", "end": None}],
        "stage": "cesa",
        "stage_label": "En CESA",
        "cohort_year": 2024,
        "stages": [
            {
                "id": stages[0].pk,
                "kind": "information",
                "kind_label": "Réunion d'information",
                "start": "2024-01-10",
                "end": None,
                "planned_end": None,
                "trial_end": None,
            },
            {
                "id": stages[1].pk,
                "kind": "cape",
                "kind_label": "CAPE",
                "start": "2024-02-01",
                "end": "2025-01-31",
                "planned_end": "2025-01-31",
                "trial_end": None,
            },
            {
                "id": stages[2].pk,
                "kind": "cesa",
                "kind_label": "CESA",
                "start": "2025-02-01",
                "end": None,
                "planned_end": None,
                "trial_end": None,
            },
        ],
        "deadlines": {
            # 1 Feb 2024 → 31 Jan 2025, a leap year: 366 days in CAPE.
            "cape_days": 366,
            "cape_renewals_left": 2,
            "cape_end": "2025-01-31",
            # 8 months of trial minus 366 days of CAPE: no trial period left.
            "trial_max_end": None,
            # 1 Feb 2025 + 3 years − 366 days.
            "associate_deadline": "2027-01-31",
        },
        "exit": None,
    }


def test_me_for_an_open_cape_derives_its_planned_end(client, bearer, bob):
    body = client.get(ME, headers=bearer(bob.user)).json()
    assert body["stages"][0]["planned_end"] == "2027-01-04"
    assert body["deadlines"] == {
        "cape_days": 365,
        "cape_renewals_left": 2,
        "cape_end": "2027-01-04",
        "trial_max_end": None,
        "associate_deadline": None,
    }


@pytest.mark.parametrize("persona", ["claire", "antoine"])
def test_me_without_member_record_is_404(client, bearer, request, persona):
    user = request.getfixturevalue(persona)
    response = client.get(ME, headers=bearer(user))
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"Aucune fiche de membre n'est rattachée au compte {user.email} : "
        "/api/v1/members/me est réservé aux entrepreneur·es de la coopérative."
    }


def test_me_for_an_entrepreneur_account_without_record_is_404(client, bearer):
    user = UserFactory(email="seule@example.org")
    assert client.get(ME, headers=bearer(user)).status_code == 404


# --- advisors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["claire", "antoine"])
def test_advisor_list(client, bearer, request, antoine, berenice, persona):
    AdvisorFactory(first_name="Ancien", last_name="Parti", is_active=False)
    response = client.get(ADVISORS, headers=bearer(request.getfixturevalue(persona)))
    assert response.status_code == 200
    # Sorted by last name: Accompagne, Conseil; the inactive advisor is left out.
    assert response.json() == [person(berenice), person(antoine)]


def test_entrepreneur_is_refused_the_advisor_list(client, bearer, alice):
    response = client.get(ADVISORS, headers=bearer(alice.user))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "La liste des chargé·es d'accompagnement est réservée à l'équipe de gestion "
        "et aux chargé·es d'accompagnement."
    }


# --- the API's own documents -------------------------------------------------------------------


@pytest.mark.django_db
def test_openapi_json_is_served_and_consistent(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert (spec["info"]["title"], spec["info"]["version"]) == ("Essaim API", "1")
    assert sorted(spec["paths"]) == sorted(
        [
            "/api/v1/advisors",
            "/api/v1/directory/members/{member_id}",
            "/api/v1/directory/search",
            "/api/v1/members",
            "/api/v1/members/me",
            "/api/v1/members/{member_id}",
            "/api/v1/nomenclature/nodes",
            "/api/v1/nomenclature/nodes/{code}",
        ]
        + MARKETPLACE_PATHS
        + COLLECTIVE_PATHS
    )
    assert set(spec["components"]["securitySchemes"]) == {"BearerAuth", "SessionAuth"}
    assert spec["components"]["securitySchemes"]["BearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }

    refs: list[str] = []

    def collect(node) -> None:
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(spec)
    schemas = spec["components"]["schemas"]
    assert refs, "the spec should reference its component schemas"
    assert [r for r in refs if r.removeprefix("#/components/schemas/") not in schemas] == []
    for path_item in spec["paths"].values():
        for operation in path_item.values():
            assert {"200", "201"} & set(operation["responses"])
            assert "401" in operation["responses"]


MARKETPLACE_PATHS = [
    "/api/v1/deals",
    "/api/v1/deals/{deal_id}",
    "/api/v1/deals/{deal_id}/status",
    "/api/v1/offers",
    "/api/v1/offers/{offer_id}",
    "/api/v1/requests",
    "/api/v1/requests/{request_id}",
    "/api/v1/requests/{request_id}/award",
    "/api/v1/requests/{request_id}/publish",
    "/api/v1/requests/{request_id}/responses",
]
COLLECTIVE_PATHS = [
    "/api/v1/events",
    "/api/v1/events/{event_id}",
    "/api/v1/events/{event_id}/registrations",
    "/api/v1/groups",
    "/api/v1/groups/{group_id}",
]


@pytest.mark.django_db
def test_docs_page_is_served(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "swagger" in page.lower()
    assert "/api/v1/openapi.json" in page


@pytest.mark.django_db
def test_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/membres")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Adresse inconnue dans l'API : /api/v1/membres. "
        "La liste des adresses est dans la documentation, /api/v1/docs."
    }
