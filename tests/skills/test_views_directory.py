"""The directory page: who may search, the facets, the cards, htmx, "more results", exposure."""

# The fixtures imported from directory_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from essaim.skills.models import Exposure
from tests.factories import MemberFactory
from tests.members.pages import (
    fast_passwords,  # noqa: F401
    login_url,
    plain,
    queries_to_render,
    section,
    text,
    today,
)
from tests.skills.directory_data import leave, lexical_only, make_profile, priced, tree  # noqa: F401

pytestmark = pytest.mark.usefixtures("lexical_only")

URL = reverse("skills:directory")


def card_names(response) -> list[str]:
    """The names on the result cards, in the order shown."""
    return [
        plain(m)
        for m in re.findall(
            r'<li class="card member-card">\s*<h2><a [^>]*>(.*?)</a>', text(response), re.S
        )
    ]


@pytest.fixture
def directory(priced, bob, tree):
    """Alice colours hair with plants in 93/75; Bob builds websites in 13; Zoé has left."""
    make_profile(
        bob,
        skills=[(tree.web, 2)],
        presentation="Sites vitrines pour artisans.",
        zones=["13"],
        activity="Pixel Sud",
    )
    zoe = MemberFactory(first_name="Zoé", last_name="Partie", email="zoe@example.org")
    make_profile(zoe, skills=[(tree.vegetal, 3)], zones=["93"])
    leave(zoe)
    return {"alice": priced, "bob": bob}


# --- who may search ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)

    assert (response.status_code, response.url) == (302, login_url(URL))


@pytest.mark.parametrize("persona", ["alice", "antoine", "claire"])
def test_every_person_of_the_cooperative_searches(client, request, directory, persona):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))

    response = client.get(URL, {"q": "coloration végétale"})

    assert response.status_code == 200
    assert card_names(response) == ["Alice Martin"]


# --- results ------------------------------------------------------------------------------------


def test_a_card_shows_name_business_matched_skills_zones_availability_and_presentation(
    client, directory
):
    client.force_login(directory["bob"].user)

    response = client.get(URL, {"q": "coloration végétale"})

    (card,) = re.findall(r'<li class="card member-card">(.*?)</li>\s*</ol>', text(response), re.S)
    assert plain(card) == (
        "Alice Martin Les Ciseaux Verts Coloration végétale · Expert·e "
        "Zones 75, 93 Disponibilité 2,5 j par semaine "
        "Coiffeuse à domicile, coloration végétale au henné."
    )
    assert plain(section(response, '<p class="muted result-count">', "</p>")) == "1 membre trouvé"


def test_members_who_left_are_not_found(client, directory):
    client.force_login(directory["bob"].user)

    response = client.get(URL, {"skill": "t-coif.vegetal"})

    assert card_names(response) == ["Alice Martin"]


def test_the_zone_filter(client, directory):
    client.force_login(directory["bob"].user)

    in_93 = client.get(URL, {"q": "coloration végétale", "zone": "93"})
    in_13 = client.get(URL, {"q": "coloration végétale", "zone": "13"})

    assert (card_names(in_93), card_names(in_13)) == (["Alice Martin"], [])
    assert "Aucun membre ne correspond à cette recherche" in text(in_13)


def test_the_skill_facet_lists_domains_and_trades_and_filters_a_subtree(client, directory):
    client.force_login(directory["bob"].user)

    response = client.get(URL, {"skill": "t-coif"})

    select = section(response, '<select name="skill"', "</select>")
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S)
    # The test's own nodes (codes "t-…"), whatever else the nomenclature holds.
    assert [
        (label, codes)
        for label, options in groups
        if (codes := re.findall(r'<option value="(t-[^"]*)"', options))
    ] == [
        ("Coiffure et esthétique", ["t-coif", "t-coif.coiffeur"]),
        ("Numérique", ["t-num", "t-num.web"]),
    ]
    assert '<option value="t-coif" selected>' in select
    assert card_names(response) == ["Alice Martin"]


def test_a_node_outside_the_list_is_shown_as_the_chosen_facet(client, directory, tree):
    client.force_login(directory["bob"].user)

    response = client.get(URL, {"skill": "t-coif.vegetal"})

    select = section(response, '<select name="skill"', "</select>")
    assert (
        '<option value="t-coif.vegetal" selected>Coloration végétale (t-coif.vegetal)</option>'
        in select
    )


def test_available_now_and_minimum_level(client, directory):
    client.force_login(directory["bob"].user)

    available = client.get(URL, {"available": "on"})
    experts = client.get(URL, {"min_level": "3"})

    # Alice gives 2.5 days a week from today; Bob said nothing of his availability.
    assert card_names(available) == ["Alice Martin"]
    assert card_names(experts) == ["Alice Martin"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"skill": "XX99"},
            "Métier ou domaine : Code de compétence inconnu « XX99 » : choisissez un métier dans "
            "la liste. Ce critère n'est pas appliqué.",
        ),
        (
            {"zone": "99"},
            "Département : « 99 » n'est pas un département français (ex. 75, 93, 2A, 974). "
            "Ce critère n'est pas appliqué.",
        ),
        (
            {"min_level": "4"},
            "Niveau minimum : Niveau « 4 » inconnu : choisissez 1 (débutant·e), 2 (confirmé·e) "
            "ou 3 (expert·e). Ce critère n'est pas appliqué.",
        ),
    ],
)
def test_a_bad_criterion_is_explained_and_the_others_still_apply(
    client, directory, params, message
):
    client.force_login(directory["bob"].user)

    response = client.get(URL, {"q": "coloration végétale", **params})

    assert plain(section(response, '<div class="errors" role="alert">', "</div>")) == message
    assert card_names(response) == ["Alice Martin"]


def test_suggested_nodes_are_links_setting_the_facet(client, directory):
    client.force_login(directory["bob"].user)

    response = client.get(URL, {"q": "coloration végétale", "zone": "93"})

    suggested = section(response, '<p class="suggested">', "</p>")
    links = re.findall(r'<a class="badge" href="([^"]*)" title="([^"]*)">([^<]*)</a>', suggested)
    ours = [link for link in links if link[1].startswith("t-")]
    # The built-in nomenclature has a "Coloration végétale" too: the code tells them apart.
    assert ours == [
        (
            "/annuaire/?q=coloration+v%C3%A9g%C3%A9tale&amp;zone=93&amp;skill=t-coif.vegetal",
            "t-coif.vegetal",
            "Coloration végétale (t-coif.vegetal)",
        )
    ]


def test_hidden_prices_never_show_in_results(client, directory):
    client.force_login(directory["bob"].user)

    response = client.get(URL, {"q": "coupe à domicile"})

    body = text(response)
    assert card_names(response) == ["Alice Martin"]  # found by her skill "Coupe à domicile"
    assert [word for word in ("Tarif secret", "111", "Tarif conseil", "222") if word in body] == []


# --- htmx and "more results" -------------------------------------------------------------------


def test_htmx_gets_only_the_results(client, directory):
    client.force_login(directory["bob"].user)

    partial = client.get(URL, {"q": "coloration"}, headers={"HX-Request": "true"})
    restore = client.get(
        URL,
        {"q": "coloration"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert text(partial).lstrip().startswith('<div class="results">')
    assert "<html" not in text(partial) and "<html" in text(restore)
    assert card_names(partial) == ["Alice Martin"]
    assert "HX-Request" in partial["Vary"]


@pytest.fixture
def crowd(tree):
    """25 cut specialists: more than one page of results."""
    members = []
    for n in range(25):
        member = MemberFactory(first_name=f"Coupe{n:02d}", last_name="Ciseaux")
        make_profile(member, skills=[(tree.cut, 2)], zones=["93"])
        members.append(member)
    return members


def test_more_results_come_twenty_at_a_time(client, crowd, bob):
    client.force_login(bob.user)

    first = client.get(URL, {"skill": "t-coif.coupe"})
    more_link = section(first, '<li class="more">', "</li>")
    more = client.get(
        URL, {"skill": "t-coif.coupe", "page": "2", "more": "1"}, headers={"HX-Request": "true"}
    )
    second_page = client.get(URL, {"skill": "t-coif.coupe", "page": "2"})

    assert len(card_names(first)) == 20
    assert 'href="/annuaire/?skill=t-coif.coupe&amp;page=2"' in more_link
    assert 'hx-get="/annuaire/?skill=t-coif.coupe&amp;page=2&amp;more=1"' in more_link
    assert len(card_names(more)) == 5
    assert '<li class="more">' not in text(more)
    assert set(card_names(first)) | set(card_names(more)) == {str(m) for m in crowd}
    assert card_names(second_page) == card_names(more)  # without htmx: the next page


def test_each_shown_member_is_counted_in_the_exposure(client, directory):
    client.force_login(directory["bob"].user)

    client.get(URL, {"q": "coloration végétale"})
    client.get(URL, {"q": "coloration végétale"})

    assert list(Exposure.objects.values_list("member__first_name", "day", "shown")) == [
        ("Alice", today(), 2)
    ]


def test_the_result_page_runs_no_query_per_card(client, tree, bob):
    client.force_login(bob.user)
    url = f"{URL}?q=coupe"

    def member(n: int):
        m = MemberFactory(first_name=f"Membre{n}", last_name="Test")
        return make_profile(
            m, skills=[(tree.cut, 2), (tree.vegetal, 1)], zones=["93"], activity=f"Enseigne {n}"
        )

    member(0)
    one = queries_to_render(client, url)
    member(1)
    member(2)
    three = queries_to_render(client, url)

    assert len(card_names(client.get(url))) == 3
    assert one == three


# --- the navigation -----------------------------------------------------------------------------


SECTIONS = ["Place de marché", "Staffing", "Finance", "Vie collective"]


@pytest.mark.parametrize(
    ("persona", "links"),
    [
        ("alice", ["Mon espace", "Annuaire", *SECTIONS, "Mon profil", "Notifications"]),
        (
            "antoine",
            [
                "Mes entrepreneur·es",
                "Échéances",
                "Noter un rendez-vous",
                "Annuaire",
                *SECTIONS,
                "Notifications",
            ],
        ),
        (
            "claire",
            [
                "Membres",
                "Échéances",
                "Import / export",
                "Annuaire",
                *SECTIONS,
                "Nomenclature",
                "Exposition",
                "Notifications",
            ],
        ),
    ],
)
def test_the_navigation_offers_the_directory_pages_of_each_role(client, request, persona, links):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))

    response = client.get(URL)

    nav = section(response, '<ul class="nav-links">', "</ul>")
    assert [plain(a) for a in re.findall(r"<a [^>]*>(.*?)</a>", nav, re.S)] == links
    assert '<a href="/annuaire/" aria-current="page">Annuaire</a>' in nav


def test_the_skill_autocomplete_needs_a_login(client, db):
    url = reverse("skills:skill_suggestions")

    response = client.get(url)

    assert (response.status_code, response.url) == (302, login_url(url))


def test_the_longest_builtin_code_is_a_valid_facet(client, claire, builtin_nomenclature):
    """Facet links carry node codes: every code the nomenclature holds must be accepted."""
    from essaim.skills.models import Node

    longest = max(Node.objects.values_list("code", flat=True), key=len)
    client.force_login(claire)

    response = client.get(reverse("skills:directory"), {"skill": longest})

    assert len(longest) > 40
    assert response.status_code == 200
    assert "caractères" not in response.content.decode()
