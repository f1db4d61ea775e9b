"""The public showcase: no login, public offers of present members only, never a member's
contact details, the cooperative's name."""

# The fixtures imported from offers_fixtures are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.urls import reverse

from essaim.marketplace.models import Offer
from tests.marketplace.offers_fixtures import (  # noqa: F401
    entrepreneur,
    leave,
    listed,
    make_offer,
    make_profile,
    tree,
)
from tests.members.pages import queries_to_render, text

LIST = reverse("showcase:list")
PREFIX = "/vitrine/"


def test_the_showcase_is_public(client, db):
    response = client.get(LIST)

    assert response.status_code == 200


def test_it_lists_public_active_offers_of_present_members_only(client, alice, bob, tree):
    shown = make_offer(alice, [tree.cut], title="Coupe publique", audience="public")
    members_only = make_offer(alice, [tree.cut], title="Réservée aux membres")
    paused = make_offer(alice, [tree.cut], title="En pause", audience="public", active=False)
    gone = make_offer(bob, [tree.web], title="Site de Bob", audience="public")
    leave(bob)

    response = client.get(LIST)

    assert listed(response, PREFIX) == [shown.pk]
    body = text(response)
    for hidden in (members_only, paused, gone):
        assert hidden.title not in body
        assert client.get(reverse("showcase:detail", args=[hidden.pk])).status_code == 404


def test_a_private_offer_is_never_on_the_showcase_even_when_searched(client, alice, tree):
    make_offer(alice, [tree.cut], title="Coupe secrète", audience="members")

    for params in ({"q": "secrète"}, {"skill": "t-coif"}, {"q": "coupe", "skill": "t-coif.coupe"}):
        response = client.get(LIST, params)
        assert listed(response, PREFIX) == []
        assert "Coupe secrète" not in text(response)


def test_it_shows_the_activity_and_the_cooperative_never_contact_details(
    client, alice, tree, settings
):
    settings.ESSAIM_COOPERATIVE_NAME = "Coopaname"
    make_profile(alice, activity="Les Ciseaux Verts")
    offer = make_offer(
        alice, [tree.cut], title="Coupe", price="35", price_unit="prestation", audience="public"
    )

    for url in (LIST, reverse("showcase:detail", args=[offer.pk])):
        body = text(client.get(url))
        assert "Les Ciseaux Verts" in body
        assert "Coopaname" in body
        for secret in (alice.email, alice.phone, alice.user.email, "Martin"):
            assert secret not in body, secret
    detail = text(client.get(reverse("showcase:detail", args=[offer.pk])))
    assert "Contact via la coopérative" in detail
    assert "35,00 € HT la prestation" in detail


def test_an_offer_without_activity_names_no_one(client, alice, tree):
    make_offer(alice, [tree.cut], audience="public")

    body = text(client.get(LIST))

    assert "Une activité de la coopérative" in body
    assert "Alice" not in body


@pytest.mark.parametrize("persona", ["claire", "alice"])
def test_logged_in_people_see_the_same_showcase(client, request, persona, bob, tree):
    make_offer(bob, [tree.cut], title="Aux membres")
    public = make_offer(bob, [tree.cut], title="Publique", audience="public")
    person = request.getfixturevalue(persona)
    client.force_login(getattr(person, "user", person))

    assert listed(client.get(LIST), PREFIX) == [public.pk]


def test_the_showcase_runs_the_same_queries_for_one_or_three_offers(client, alice, tree):
    make_profile(alice, activity="Activité 0")
    make_offer(alice, [tree.cut, tree.vegetal], audience="public", title="Offre 0")

    def render_with(extra: int) -> int:
        for i in range(extra):
            member = entrepreneur(f"V{Offer.objects.count()}{i}")
            make_profile(member, activity=f"Activité {i + 1}")
            make_offer(member, [tree.cut, tree.web], audience="public", title=f"Offre {i + 1}")
        return queries_to_render(client, LIST + "?q=offre")

    one = render_with(0)
    three = render_with(2)

    assert Offer.objects.count() == 3
    assert one == three
