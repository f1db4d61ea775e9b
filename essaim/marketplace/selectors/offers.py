"""Reads of offers: browsing and searching like the directory, and the public showcase.

- Text: French words, case and accents aside, stemmed (essaim.skills.french), matched against
  the offer's stored search text (title, description, labels and aliases of its nodes); a
  query word also stands for its singular or plural and its other gender. Any word may match;
  offers matching more words come first.
- Facets: a nomenclature node and its subtree, a département among the member's zones.
- Fair order: offers that score the same are ordered by the day's rotation of their members
  for this query (essaim.skills.ranking.rotation), never by anything about the person asking.

Only active offers of members present in the cooperative are listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from essaim.marketplace.models import Audience, Offer
from essaim.members.models import Member
from essaim.skills import ranking
from essaim.skills.models import Node
from essaim.skills.search import parse_query
from essaim.skills.selectors import node_by_code


@dataclass(frozen=True)
class OfferQuery:
    text: str = ""
    node_code: str | None = None
    zone: str | None = None
    public_only: bool = False  # the showcase: offers their members opened to the public


def _nodes_prefetch() -> Prefetch:
    return Prefetch("nodes", queryset=Node.objects.order_by("label", "code"))


def listed_offers(*, public_only: bool = False) -> QuerySet[Offer]:
    """Active offers of present members (public ones only for the showcase)."""
    qs = Offer.objects.filter(active=True, member__exit_date__isnull=True)
    if public_only:
        qs = qs.filter(audience=Audience.PUBLIC)
    return qs


def in_zone(zone: str) -> Q:
    """Offers of members who work in this département (their profile's zones)."""
    if connection.features.supports_json_field_contains:
        return Q(member__profile__zones__contains=[zone])
    # SQLite keeps the list as JSON text: ["75", "93"]; a zone is letters and digits only.
    return Q(member__profile__zones__icontains=f'"{zone}"')


def in_subtree(node: Node) -> Q:
    through = Offer.nodes.through.objects.filter(node__path__startswith=node.path)
    return Q(pk__in=through.values("offer_id"))


def _rotation_order(day: dt.date, key: str) -> RawSQL:
    quote = connection.ops.quote_name
    column = f"{quote(Offer._meta.db_table)}.{quote('member_id')}"
    return RawSQL(ranking.rotation(day, key).sql(column), ())


def offers_search(*, query: OfferQuery, day: dt.date | None = None) -> QuerySet[Offer]:
    """The offers answering the query, best first, equals in the day's fair order; each with
    its member, the member's activity and its nodes (a page runs a fixed number of queries)."""
    day = day or timezone.localdate()
    qs = listed_offers(public_only=query.public_only)
    key = ["offers", "public" if query.public_only else "members"]
    if query.node_code:
        node = node_by_code(query.node_code)
        if node is None:
            return qs.none()
        qs = qs.filter(in_subtree(node))
        key.append(f"node:{node.code}")
    if query.zone:
        qs = qs.filter(in_zone(query.zone))
        key.append(f"zone:{query.zone}")
    parsed = parse_query(query.text)
    score: Any = Value(0, output_field=IntegerField())
    if parsed.words:
        any_word = Q()
        for word in parsed.words:
            found = Q()
            for stem in sorted(word.stems):
                found |= Q(search_text__contains=f" {stem} ")
            score = score + Case(
                When(found, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
            any_word |= found
        qs = qs.filter(any_word)
        key.append(parsed.key)
    return (
        qs.annotate(score=score, turn=_rotation_order(day, "|".join(key)))
        .select_related("member__activity")
        .prefetch_related(_nodes_prefetch())
        .order_by("-score", "turn", "-created_at", "-pk")
    )


def offer_for_members(pk: int) -> Offer:
    """An offer of a present member with what its page shows (raises DoesNotExist; whether
    the person asking may see it is rules.can_see_offer's answer)."""
    return (
        Offer.objects.filter(member__exit_date__isnull=True)
        .select_related("member__activity", "member__profile")
        .prefetch_related(_nodes_prefetch())
        .get(pk=pk)
    )


def showcase_offer(pk: int) -> Offer:
    """A public, active offer of a present member (raises DoesNotExist for any other)."""
    return (
        listed_offers(public_only=True)
        .select_related("member__activity")
        .prefetch_related(_nodes_prefetch())
        .get(pk=pk)
    )


def offers_of(member: Member) -> QuerySet[Offer]:
    """All the member's own offers, paused ones included, newest first."""
    return (
        Offer.objects.filter(member=member)
        .prefetch_related(_nodes_prefetch())
        .order_by("-created_at", "-pk")
    )
