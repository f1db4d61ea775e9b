"""Reads of the business watch: the feed of opportunities and the members' subscriptions."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import BooleanField, Case, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from essaim.marketplace.models import Opportunity, WatchSubscription
from essaim.members.models import Member
from essaim.skills.models import Node
from essaim.skills.selectors import node_by_code


def _nodes_prefetch() -> Prefetch:
    return Prefetch("nodes", queryset=Node.objects.order_by("label", "code"))


def subscribed_nodes(member: Member) -> list[Node]:
    return list(Node.objects.filter(watchers__member=member).order_by("label", "code").distinct())


def _under_any(nodes: list[Node]) -> Q:
    """Opportunities with a node in the subtree of one of these nodes."""
    if not nodes:
        return Q(pk__in=[])
    paths = reduce(or_, (Q(node__path__startswith=n.path) for n in nodes))
    through = Opportunity.nodes.through.objects.filter(paths)
    return Q(pk__in=through.values("opportunity_id"))


def opportunity_feed(
    *,
    kind: str = "",
    node_code: str = "",
    subscriber: Member | None = None,
    today: dt.date | None = None,
) -> QuerySet[Opportunity]:
    """Opportunities still open (deadline not passed, or none) first, newest first, then the
    closed ones; filtered by kind, by a node and what lies below it, and to those matching a
    member's subscriptions. Each comes with its nodes (a page runs a fixed number of queries)
    and `is_open`."""
    today = today or timezone.localdate()
    qs = Opportunity.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if node_code:
        node = node_by_code(node_code)
        if node is None:
            return qs.none()
        qs = qs.filter(_under_any([node]))
    if subscriber is not None:
        qs = qs.filter(_under_any(subscribed_nodes(subscriber)))
    return (
        qs.annotate(
            is_open=Case(
                When(Q(deadline__isnull=True) | Q(deadline__gte=today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .prefetch_related(_nodes_prefetch())
        .order_by("-is_open", "-created_at", "-pk")
    )


def opportunity_detail(pk: int, *, today: dt.date | None = None) -> Opportunity:
    """One opportunity with its nodes and who posted it (raises DoesNotExist)."""
    opportunity = (
        Opportunity.objects.select_related("posted_by")
        .prefetch_related(_nodes_prefetch())
        .get(pk=pk)
    )
    today = today or timezone.localdate()
    opportunity.is_open = opportunity.deadline is None or opportunity.deadline >= today  # type: ignore[attr-defined]
    return opportunity


def subscribers_count(opportunity: Opportunity) -> int:
    """How many present members follow one of its nodes or a node above."""
    ids = {
        int(part)
        for node in opportunity.nodes.all()
        for part in node.path.strip("/").split("/")
        if part
    }
    return (
        WatchSubscription.objects.filter(node_id__in=ids, member__exit_date__isnull=True)
        .values("member_id")
        .distinct()
        .count()
    )
