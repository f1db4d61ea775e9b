"""The member list: who may see it, its filters, pagination, htmx partial and query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from essaim.members.models import Member, Sector
from tests.factories import AdvisorFactory, MemberFactory
from tests.members.pages import (
    ROLE_REFUSED,
    days,
    fast_passwords,  # noqa: F401
    listed_member_ids,
    login_url,
    make_member,
    plain,
    queries_to_render,
    section,
    text,
)

URL = reverse("members:list")


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == login_url(URL)


def test_entrepreneur_is_refused(client, alice):
    client.force_login(alice.user)

    response = client.get(URL)

    assert response.status_code == 403
    assert ROLE_REFUSED in text(response)


def test_staff_sees_every_member(client, claire, alice, bob):
    client.force_login(claire)

    response = client.get(URL)

    assert response.status_code == 200
    assert listed_member_ids(response) == [bob.pk, alice.pk]  # Durand, Martin


def test_advisor_sees_only_own_entrepreneurs(client, antoine, alice, bob):
    client.force_login(antoine)

    response = client.get(URL)

    assert listed_member_ids(response) == [alice.pk]
    assert "<h1>Mes entrepreneur·es</h1>" in text(response)


def test_advisor_filter_cannot_widen_the_list(client, antoine, berenice, alice, bob):
    client.force_login(antoine)

    response = client.get(URL, {"advisor": berenice.pk})

    assert listed_member_ids(response) == [alice.pk]
    assert 'name="advisor"' not in text(response)


@pytest.fixture
def population(db, antoine, berenice):
    """Three members differing by stage, advisor, cohort and sector."""
    web = Sector.objects.get(code="web")
    hair = Sector.objects.get(code="coiffure")
    eloise = make_member(
        first_name="Éloïse",
        last_name="Lefèvre",
        advisor=antoine,
        stages=[{"kind": "cape", "start": days(-100)}],
        activity="Sites vitrines",
        sector=web,
    )
    jean = make_member(
        first_name="Jean",
        last_name="Dupont",
        advisor=berenice,
        stages=[{"kind": "cesa", "start": days(-800)}],
        activity="Coiffure à domicile",
        sector=hair,
    )
    zoe = make_member(
        first_name="Zoé",
        last_name="Abadie",
        stages=[{"kind": "information", "start": days(-5)}],
    )
    return {"eloise": eloise, "jean": jean, "zoe": zoe}


def test_population_is_what_the_filters_expect(population):
    assert {k: (m.stage, m.cohort_year) for k, m in population.items()} == {
        "eloise": ("cape", days(-100).year),
        "jean": ("cesa", days(-800).year),
        "zoe": ("information", days(-5).year),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["zoe", "jean", "eloise"]),
        ({"stage": "cape"}, ["eloise"]),
        ({"stage": "cesa"}, ["jean"]),
        ({"stage": "information"}, ["zoe"]),
        ({"stage": "exited"}, []),
        ({"advisor": "antoine"}, ["eloise"]),
        ({"advisor": "berenice"}, ["jean"]),
        ({"cohort": "jean"}, ["jean"]),
        ({"sector": "web"}, ["eloise"]),
        ({"sector": "coiffure"}, ["jean"]),
        ({"stage": "cape", "sector": "coiffure"}, []),
        ({"q": "lefevre"}, ["eloise"]),
        ({"q": "LEFÈVRE"}, ["eloise"]),
        ({"q": "éloïse lefevre"}, ["eloise"]),
        ({"q": "ELOISE"}, ["eloise"]),
        ({"q": "zoe"}, ["zoe"]),
        ({"q": "dup"}, ["jean"]),
        ({"q": "personne"}, []),
    ],
)
def test_staff_filters(client, claire, antoine, berenice, population, params, expected):
    resolved = dict(params)
    if "advisor" in resolved:
        resolved["advisor"] = {"antoine": antoine, "berenice": berenice}[resolved["advisor"]].pk
    if "cohort" in resolved:
        resolved["cohort"] = population[resolved["cohort"]].cohort_year
    client.force_login(claire)

    response = client.get(URL, resolved)

    assert response.status_code == 200
    assert listed_member_ids(response) == [population[name].pk for name in expected]


def test_leavers_are_listed_only_on_request(client, claire, population):
    """By default the list shows who is in the cooperative today; leavers on request."""
    leaver = make_member(
        first_name="Marc",
        last_name="Sortant",
        stages=[{"kind": "cape", "start": days(-400), "end": days(-40)}],
        exit=(days(-40), "salaried_job"),
    )
    client.force_login(claire)
    present = [population[name].pk for name in ("zoe", "jean", "eloise")]

    assert leaver.stage == "exited"
    assert listed_member_ids(client.get(URL)) == present
    assert listed_member_ids(client.get(URL, {"stage": "exited"})) == [leaver.pk]
    assert listed_member_ids(client.get(URL, {"stage": "all"})) == [*present, leaver.pk]


def test_an_invalid_filter_is_dropped_and_the_others_still_apply(client, claire, population):
    """A stale cohort in a bookmarked address must not turn a filtered list into everyone."""
    client.force_login(claire)

    response = client.get(URL, {"stage": "cape", "cohort": "1900"})

    assert listed_member_ids(response) == [population["eloise"].pk]


def test_advisor_filters_within_own_entrepreneurs(client, antoine, population):
    other = make_member(
        first_name="Paul",
        last_name="Bernard",
        advisor=antoine,
        stages=[{"kind": "information", "start": days(-3)}],
    )
    client.force_login(antoine)

    assert listed_member_ids(client.get(URL)) == [other.pk, population["eloise"].pk]
    assert listed_member_ids(client.get(URL, {"stage": "information"})) == [other.pk]
    assert listed_member_ids(client.get(URL, {"q": "lefevre"})) == [population["eloise"].pk]


def test_empty_result_says_so(client, claire, population):
    client.force_login(claire)

    response = client.get(URL, {"q": "introuvable"})

    assert listed_member_ids(response) == []
    assert "Aucun membre ne correspond à ces critères." in text(response)


def test_pagination(client, claire, settings):
    settings.ESSAIM_PAGE_SIZE = 2
    members = [MemberFactory(last_name=name, first_name="Test") for name in "ABCDE"]
    client.force_login(claire)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    third = client.get(URL, {"page": 3})

    assert listed_member_ids(first) == [members[0].pk, members[1].pk]
    assert listed_member_ids(second) == [members[2].pk, members[3].pk]
    assert listed_member_ids(third) == [members[4].pk]
    nav = plain(section(second, '<nav class="pagination"', "</nav>"))
    assert nav == "← Précédente Page 2 sur 3 Suivante →"
    assert 'href="?page=3" rel="next"' in text(second)
    assert "5 membres" in text(first)


def test_pagination_keeps_the_filters(client, claire, settings):
    settings.ESSAIM_PAGE_SIZE = 2
    for name in "ABCDE":
        MemberFactory(last_name=name, first_name="Test")
    client.force_login(claire)

    response = client.get(URL, {"stage": "none", "page": 2})

    body = response.content.decode()
    assert 'href="?stage=none&amp;page=1" rel="prev"' in body
    assert 'href="?stage=none&amp;page=3" rel="next"' in body


def test_htmx_request_gets_only_the_results(client, claire, population):
    client.force_login(claire)

    response = client.get(URL, {"stage": "cape"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["members/_list_results.html"]
    body = response.content.decode()
    assert body.strip().startswith('<div class="results">')
    assert "<html" not in body
    assert listed_member_ids(response) == [population["eloise"].pk]


def test_htmx_history_restore_gets_the_whole_page(client, claire, population):
    client.force_login(claire)

    response = client.get(
        URL, {"stage": "cape"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "base.html" in {t.name for t in response.templates}
    assert "<html" in response.content.decode()
    assert listed_member_ids(response) == [population["eloise"].pk]


def test_caches_keep_the_page_and_the_partial_apart(client, claire):
    client.force_login(claire)

    for headers in ({}, {"HX-Request": "true"}):
        vary = client.get(URL, headers=headers)["Vary"]
        assert "HX-Request" in [v.strip() for v in vary.split(",")]


def test_full_page_without_htmx(client, claire, population):
    client.force_login(claire)

    response = client.get(URL)

    names = {t.name for t in response.templates}
    assert {"members/list.html", "base.html", "members/_list_results.html"} <= names
    assert 'hx-get="/membres/"' in response.content.decode()


def test_row_shows_stage_activity_sector_advisor_cohort_city(client, claire, antoine, population):
    client.force_login(claire)

    response = client.get(URL, {"q": "lefevre"})

    row = section(response, "<tbody>", "</tbody>")
    assert plain(row) == (
        f"Lefèvre Éloïse En CAPE Sites vitrines · Web, informatique et numérique "
        f"Antoine Conseil {days(-100).year} Montreuil"
    )


def _rich_member(index: int) -> Member:
    return make_member(
        last_name=f"Membre{index}",
        advisor=AdvisorFactory(),
        stages=[
            {"kind": "information", "start": days(-200)},
            {"kind": "cape", "start": days(-100)},
        ],
        activity=f"Enseigne {index}",
        sector=Sector.objects.create(code=f"secteur-{index}", label=f"Secteur {index}"),
    )


def test_query_count_does_not_grow_with_the_members(client, claire):
    client.force_login(claire)
    _rich_member(0)
    with_one = queries_to_render(client, URL)
    for index in range(1, 5):
        _rich_member(index)

    with_five = queries_to_render(client, URL)

    assert len(listed_member_ids(client.get(URL))) == 5
    assert with_five == with_one


def test_query_count_for_an_advisor_does_not_grow_either(client, antoine):
    client.force_login(antoine)
    make_member(advisor=antoine, activity="Une", sector=Sector.objects.get(code="web"))
    with_one = queries_to_render(client, URL)
    for _ in range(3):
        make_member(advisor=antoine, activity="Autre", sector=Sector.objects.get(code="mode"))

    assert queries_to_render(client, URL) == with_one
