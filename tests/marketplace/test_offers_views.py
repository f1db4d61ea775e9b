"""The offers pages: who may see and write them, the forms' successes and refusals, the node
picker, and a fixed number of queries per list."""

# The fixtures imported from offers_fixtures are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from essaim.marketplace.models import Offer
from tests.factories import UserFactory
from tests.marketplace.offers_fixtures import (  # noqa: F401
    entrepreneur,
    leave,
    listed,
    make_offer,
    make_profile,
    tree,
)
from tests.members.pages import (
    ROLE_REFUSED,
    errors,
    login_url,
    page_messages,
    plain,
    queries_to_render,
    section,
    text,
)
from tests.skills.directory_data import node

LIST = reverse("marketplace:offer_list")
CREATE = reverse("marketplace:offer_create")
PREFIX = "/marche/offres/"


def form_data(tree, **changes):
    data = {
        "title": "Coupe à domicile",
        "description": "Je me déplace chez vous, dans tout le 93.",
        "nodes": [tree.cut.code],
        "price": "35,00",
        "price_unit": "prestation",
        "audience": "members",
        "active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- who may see --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, CREATE, "/marche/offres/1/", "/marche/offres/1/modifier/"])
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)

    assert (response.status_code, response.url) == (302, login_url(url))


@pytest.mark.parametrize("persona", ["claire", "antoine"])
def test_staff_and_advisors_browse_but_do_not_offer(client, request, persona, alice, tree):
    offer = make_offer(alice, [tree.cut])
    client.force_login(request.getfixturevalue(persona))

    assert client.get(LIST).status_code == 200
    detail = client.get(reverse("marketplace:offer_detail", args=[offer.pk]))
    assert detail.status_code == 200
    assert "Contacter" not in text(detail)  # only entrepreneurs take part
    refused = client.get(CREATE)
    assert (refused.status_code, ROLE_REFUSED in text(refused)) == (403, True)


def test_an_entrepreneur_account_without_a_member_record_is_refused(client, db):
    client.force_login(UserFactory(email="sans-fiche@example.org"))

    response = client.get(CREATE)

    assert response.status_code == 403
    assert "Aucune fiche de membre n'est rattachée à votre compte" in text(response)


# --- the list -----------------------------------------------------------------------------------


def test_the_list_shows_active_offers_and_my_own_ones_apart(client, alice, bob, tree):
    mine = make_offer(alice, [tree.cut], title="Ma coupe", price="35", price_unit="prestation")
    paused = make_offer(alice, [tree.cut], title="Ma pause", active=False)
    theirs = make_offer(bob, [tree.web], title="Site de Bob", audience="public")
    client.force_login(alice.user)

    response = client.get(LIST)

    assert sorted(listed(response, PREFIX)) == sorted([mine.pk, theirs.pk])
    card = plain(section(response, f'<h2><a href="{PREFIX}{mine.pk}/"', "\n</li>"))
    assert card == (
        "Ma coupe Alice Martin Coupe à domicile 35,00 € HT la prestation Je me déplace chez vous."
    )
    own = plain(section(response, 'id="h-mine"', "</section>"))
    assert "Ma pause — en pause · Modifier" in own
    assert paused.pk not in listed(response, PREFIX)


def test_the_list_searches_words_and_facets(client, alice, bob, tree):
    make_profile(bob, zones=["2A"])
    coupe = make_offer(alice, [tree.cut], title="Coupe à domicile")
    site = make_offer(bob, [tree.web], title="Site vitrine")
    client.force_login(alice.user)

    assert listed(client.get(LIST, {"q": "coupes"}), PREFIX) == [coupe.pk]
    assert listed(client.get(LIST, {"skill": "t-num"}), PREFIX) == [site.pk]
    assert listed(client.get(LIST, {"zone": "2A"}), PREFIX) == [site.pk]
    nothing = client.get(LIST, {"q": "plomberie"})
    assert "Aucune offre ne correspond à cette recherche" in text(nothing)


def test_a_bad_facet_is_said_and_dropped(client, alice, tree):
    offer = make_offer(alice, [tree.cut])
    client.force_login(alice.user)

    response = client.get(LIST, {"zone": "99"})

    assert listed(response, PREFIX) == [offer.pk]
    assert "n'est pas un département français" in text(response)


def test_the_list_runs_the_same_queries_for_one_or_three_offers(client, alice, tree):
    make_profile(alice, activity="Les Ciseaux Verts")
    make_offer(alice, [tree.cut, tree.vegetal], title="Mon offre")

    def render_with(extra: int) -> int:
        for i in range(extra):
            member = entrepreneur(f"P{Offer.objects.count()}{i}")
            make_profile(member, activity=f"Activité {i}")
            make_offer(member, [tree.cut, tree.web], title=f"Offre {i}")
        return queries_to_render(client, LIST + "?q=offre")

    client.force_login(alice.user)
    one = render_with(0)
    three = render_with(2)

    assert Offer.objects.count() == 3
    assert one == three


# --- the detail ---------------------------------------------------------------------------------


def test_the_detail_offers_a_contact_link_to_others(client, alice, bob, tree):
    offer = make_offer(bob, [tree.web], title="Site vitrine", price=None)
    client.force_login(alice.user)

    response = client.get(reverse("marketplace:offer_detail", args=[offer.pk]))

    body = text(response)
    assert f'href="/marche/conversations/nouvelle/?avec={bob.pk}"' in body
    assert "Sur devis" in body
    assert "Modifier" not in body


def test_the_owner_sees_edit_links_and_no_contact(client, alice, tree):
    offer = make_offer(alice, [tree.cut], audience="public")
    client.force_login(alice.user)

    body = text(client.get(reverse("marketplace:offer_detail", args=[offer.pk])))

    assert "?avec=" not in body
    assert reverse("marketplace:offer_edit", args=[offer.pk]) in body
    assert reverse("showcase:detail", args=[offer.pk]) in body


def test_a_paused_offer_is_seen_by_its_owner_only(client, alice, bob, antoine, tree):
    offer = make_offer(alice, [tree.cut], active=False)
    url = reverse("marketplace:offer_detail", args=[offer.pk])

    client.force_login(bob.user)
    assert client.get(url).status_code == 404
    client.force_login(antoine)
    assert client.get(url).status_code == 404
    client.force_login(alice.user)
    assert "En pause" in text(client.get(url))


def test_an_offer_of_a_member_who_left_is_gone(client, alice, bob, tree):
    offer = make_offer(bob, [tree.cut])
    leave(bob)
    client.force_login(alice.user)

    assert client.get(reverse("marketplace:offer_detail", args=[offer.pk])).status_code == 404


# --- writing ------------------------------------------------------------------------------------


def test_an_entrepreneur_publishes_an_offer(client, alice, tree):
    client.force_login(alice.user)

    response = client.post(CREATE, form_data(tree, nodes=[tree.cut.code, tree.vegetal.code]))

    offer = Offer.objects.get()
    assert response.url == reverse("marketplace:offer_detail", args=[offer.pk])
    assert (offer.member, offer.price, set(offer.nodes.all())) == (
        alice,
        Decimal("35.00"),
        {tree.cut, tree.vegetal},
    )
    assert page_messages(client.get(response.url)) == ["Offre publiée."]


def test_a_node_typed_or_picked_is_added_on_saving(client, alice, tree):
    named = node("t-coif.chignon", "Chignons tressés", "skill", tree.hairdresser)
    client.force_login(alice.user)

    client.post(CREATE, form_data(tree, nodes=None, skill="chignons TRESSES"))
    client.post(CREATE, form_data(tree, nodes=None, skill="t-coif.coiffeur"))
    client.post(CREATE, form_data(tree, nodes=[tree.cut.code], choice=tree.web.code))

    first, second, third = Offer.objects.order_by("pk")
    assert list(first.nodes.all()) == [named]
    assert list(second.nodes.all()) == [tree.hairdresser]
    assert set(third.nodes.all()) == {tree.cut, tree.web}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"nodes": None}, ["Choisissez au moins une compétence."]),
        (
            {"nodes": None, "skill": "zorglub"},
            [
                "« zorglub » n'est ni un code ni un nom de compétence connu : "
                "choisissez parmi les suggestions."
            ],
        ),
        (
            {"nodes": ["t-nope"]},
            ["Code de compétence inconnu « t-nope » : choisissez parmi les suggestions."],
        ),
        (
            {"price": "-3"},
            [
                "« -3 » n'est pas un prix : écrivez un montant positif avec au plus deux "
                "décimales (ex. 35,00), ou laissez vide pour « sur devis »."
            ],
        ),
        (
            {"price_unit": ""},
            ["Indiquez l'unité du prix (l'heure, la journée, la prestation…)."],
        ),
        ({"title": ""}, ["Ce champ est obligatoire."]),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_written(
    client, alice, tree, changes, expected
):
    client.force_login(alice.user)

    response = client.post(CREATE, form_data(tree, **changes))

    assert response.status_code == 200
    assert errors(response) == expected
    assert not Offer.objects.exists()


def test_the_form_keeps_the_chosen_nodes_when_refused(client, alice, tree):
    client.force_login(alice.user)

    response = client.post(CREATE, form_data(tree, title="", choice=tree.vegetal.code))

    chosen = plain(section(response, 'id="chosen-nodes"', "</div>\n  "))
    assert "Coloration végétale t-coif.vegetal" in chosen and "Coupe à domicile" in chosen


def test_the_owner_edits_an_offer(client, alice, tree):
    offer = make_offer(alice, [tree.cut], title="Coupe", price="30", price_unit="prestation")
    url = reverse("marketplace:offer_edit", args=[offer.pk])
    client.force_login(alice.user)

    page = client.get(url)
    assert 'value="30,00"' in text(page) and f'value="{tree.cut.code}" checked' in text(page)
    response = client.post(url, form_data(tree, title="Coupe et brushing", audience="public"))

    offer.refresh_from_db()
    assert response.url == reverse("marketplace:offer_detail", args=[offer.pk])
    assert (offer.title, offer.audience) == ("Coupe et brushing", "public")


@pytest.mark.parametrize("action", ["marketplace:offer_edit", "marketplace:offer_delete"])
def test_someone_elses_offer_cannot_be_edited_or_deleted(client, alice, bob, tree, action):
    offer = make_offer(alice, [tree.cut], title="Coupe")
    url = reverse(action, args=[offer.pk])
    client.force_login(bob.user)

    assert client.get(url).status_code == 403
    response = client.post(url, form_data(tree, title="Volée"))

    assert response.status_code == 403
    assert "Cette offre n'est pas la vôtre" in text(response)
    offer.refresh_from_db()
    assert offer.title == "Coupe"


def test_the_owner_deletes_an_offer_after_confirming(client, alice, tree):
    offer = make_offer(alice, [tree.cut], title="Coupe")
    url = reverse("marketplace:offer_delete", args=[offer.pk])
    client.force_login(alice.user)

    assert "Supprimer l'offre « Coupe » ?" in text(client.get(url))
    response = client.post(url)

    assert response.url == LIST
    assert not Offer.objects.exists()


# --- the node picker ----------------------------------------------------------------------------


def test_the_node_picker_adds_the_picked_suggestion(client, alice, tree):
    client.force_login(alice.user)

    response = client.get(
        reverse("skills:node_pick"),
        {"nodes": [tree.cut.code], "choice": tree.web.code},
    )

    body = text(response)
    assert f'value="{tree.cut.code}" checked' in body
    assert f'value="{tree.web.code}" checked' in body
    assert 'hx-swap-oob="innerHTML"' in body  # the suggestions are emptied


def test_the_node_picker_is_for_the_cooperative_only(client, db):
    response = client.get(reverse("skills:node_pick"))

    assert response.status_code == 302
