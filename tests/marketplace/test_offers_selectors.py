"""Browsing and searching offers: words, facets, who is listed, and the fair order."""

# The fixtures imported from offers_fixtures are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt

from essaim.marketplace.selectors.offers import OfferQuery, offers_search
from essaim.skills import ranking
from tests.marketplace.offers_fixtures import (  # noqa: F401
    entrepreneur,
    leave,
    make_offer,
    make_profile,
    tree,
)

DAY = dt.date(2026, 3, 2)


def titles(query: OfferQuery, day: dt.date = DAY) -> list[str]:
    return [offer.title for offer in offers_search(query=query, day=day)]


def test_words_match_case_accents_plural_and_gender_aside(alice, tree):
    make_offer(alice, [tree.cut], title="Coloration végétale au henné")
    make_offer(alice, [tree.web], title="Site vitrine", description="Pour les artisans.")

    assert titles(OfferQuery(text="COLORATIONS vegetales")) == ["Coloration végétale au henné"]
    assert titles(OfferQuery(text="artisan")) == ["Site vitrine"]
    # The node's alias « Développeuse web » is searched, and « développeur » is its other gender.
    assert titles(OfferQuery(text="développeur")) == ["Site vitrine"]
    assert titles(OfferQuery(text="plomberie")) == []


def test_offers_matching_more_words_come_first(alice, bob, tree):
    make_offer(alice, [tree.cut], title="Coupe à domicile")
    make_offer(bob, [tree.vegetal], title="Coloration végétale à domicile")

    assert titles(OfferQuery(text="coloration domicile")) == [
        "Coloration végétale à domicile",
        "Coupe à domicile",
    ]


def test_the_node_facet_finds_the_node_and_what_lies_below(alice, tree):
    make_offer(alice, [tree.cut], title="Coupe")
    make_offer(alice, [tree.web], title="Site")

    assert titles(OfferQuery(node_code="t-coif")) == ["Coupe"]
    assert titles(OfferQuery(node_code="t-coif.coiffeur")) == ["Coupe"]
    assert titles(OfferQuery(node_code="t-num.web")) == ["Site"]
    assert titles(OfferQuery(node_code="inconnu")) == []


def test_the_zone_facet_reads_the_members_zones(alice, bob, tree):
    make_profile(alice, zones=["93", "75"])
    make_profile(bob, zones=["2A"])
    carol = entrepreneur("Carol")  # no profile at all
    make_offer(alice, [tree.cut], title="Alice")
    make_offer(bob, [tree.cut], title="Bob")
    make_offer(carol, [tree.cut], title="Carol")

    assert titles(OfferQuery(zone="75")) == ["Alice"]
    assert titles(OfferQuery(zone="2A")) == ["Bob"]
    assert titles(OfferQuery(zone="9")) == []  # never a part of a département


def test_paused_offers_and_offers_of_members_who_left_are_not_listed(alice, bob, tree):
    make_offer(alice, [tree.cut], title="Active")
    make_offer(alice, [tree.cut], title="En pause", active=False)
    make_offer(bob, [tree.cut], title="De Bob")
    leave(bob)

    assert titles(OfferQuery()) == ["Active"]


def test_the_showcase_query_keeps_public_offers_only(alice, tree):
    make_offer(alice, [tree.cut], title="Aux membres")
    make_offer(alice, [tree.cut], title="Publique", audience="public")

    assert titles(OfferQuery(public_only=True)) == ["Publique"]
    assert sorted(titles(OfferQuery())) == ["Aux membres", "Publique"]


def test_equals_come_in_the_days_rotation_of_their_members(tree):
    members = [entrepreneur(f"M{i}") for i in range(8)]
    for member in members:
        make_offer(member, [tree.cut], title=f"Offre {member.first_name}")
    rotation = ranking.rotation(DAY, "offers|members")
    expected = [f"Offre {m.first_name}" for m in sorted(members, key=lambda m: rotation.key(m.pk))]

    assert titles(OfferQuery(), DAY) == expected
    # The same all day, whoever asks; another order on other days.
    assert titles(OfferQuery(), DAY) == expected
    orders = {tuple(titles(OfferQuery(), DAY + dt.timedelta(days=n))) for n in range(10)}
    assert len(orders) > 1


def test_a_page_of_results_runs_a_fixed_number_of_queries(tree, django_assert_max_num_queries):
    for i in range(5):
        make_offer(entrepreneur(f"N{i}"), [tree.cut, tree.vegetal], title=f"Offre {i}")

    with django_assert_max_num_queries(3):  # the offers with members and activities, the nodes
        found = list(offers_search(query=OfferQuery(text="offre", node_code="t-coif")))
        labels = [(o.member.activity if hasattr(o.member, "activity") else None) for o in found]
        nodes = [[n.code for n in o.nodes.all()] for o in found]

    assert len(found) == len(labels) == 5
    assert nodes[0] == ["t-coif.vegetal", "t-coif.coupe"]  # by label: Coloration, Coupe
