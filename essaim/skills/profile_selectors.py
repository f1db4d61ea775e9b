"""Reads behind the directory's pages and API: profiles, nomenclature browsing, exposure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from essaim.core import roles
from essaim.members.models import Member
from essaim.members.text import fold
from essaim.skills import rules
from essaim.skills.models import (
    Alias,
    Exposure,
    Introduction,
    MemberSkill,
    Node,
    NodeKind,
    NodeSource,
    PortfolioImage,
    PortfolioItem,
)
from essaim.skills.selectors import directory_members, node_by_code

# ---------------------------------------------------------------- nomenclature


def ancestor_ids(node: Node) -> list[int]:
    """Ids of the node's ancestors, root first (the materialised path without the node)."""
    return [int(part) for part in node.path.strip("/").split("/") if part][:-1]


def ancestors_of(nodes: Iterable[Node]) -> dict[int, list[Node]]:
    """Each node's ancestors, root first, read in one query for all the nodes."""
    nodes = list(nodes)
    wanted = {pk for node in nodes for pk in ancestor_ids(node)}
    found = Node.objects.in_bulk(wanted) if wanted else {}
    return {node.pk: [found[pk] for pk in ancestor_ids(node) if pk in found] for node in nodes}


@dataclass
class NodeRow:
    """A node with where it sits in the tree (for lists and the skill autocomplete)."""

    node: Node
    ancestors: list[Node] = field(default_factory=list)

    @property
    def trail(self) -> str:
        return " › ".join(a.label for a in self.ancestors)


def node_rows(nodes: Iterable[Node]) -> list[NodeRow]:
    nodes = list(nodes)
    paths = ancestors_of(nodes)
    return [NodeRow(node, paths.get(node.pk, [])) for node in nodes]


def node_search(text: str, *, limit: int = 20, include_obsolete: bool = False) -> list[Node]:
    """Nodes whose code is `text`, or whose label or an alias contains it (case and accents
    aside): the exact code first, then labels that start with the text, then the others."""
    text = (text or "").strip()
    folded = fold(text)
    if not folded:
        return []
    exact = node_by_code(text)
    words = folded.split()
    by_label = Q()
    by_alias = Q()
    for word in words:
        by_label &= Q(search_label__contains=word)
        by_alias &= Q(folded__contains=word)
    alias_nodes = Alias.objects.filter(by_alias).values("node_id")
    qs = Node.objects.filter(by_label | Q(pk__in=alias_nodes))
    if not include_obsolete:
        qs = qs.filter(obsolete=False)
    # Label prefix matches first; a bounded slice keeps this one query at any tree size.
    candidates = list(qs.order_by("search_label", "code")[: limit * 5])
    candidates.sort(key=lambda n: (not n.search_label.startswith(folded), len(n.label), n.code))
    found = [n for n in candidates if exact is None or n.pk != exact.pk][:limit]
    if exact is not None and (include_obsolete or not exact.obsolete):
        found = [exact, *found][:limit]
    return found


def _count_of(model: Any, fk: str, **filters: Any) -> Subquery:
    return Subquery(
        model.objects.filter(**{fk: OuterRef("pk")}, **filters)
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def with_counts(qs: QuerySet[Node]) -> QuerySet[Node]:
    """Nodes annotated with `n_children` and `n_members` (members who declared the node)."""
    return qs.annotate(
        n_children=Coalesce(_count_of(Node, "parent"), Value(0)),
        n_members=Coalesce(_count_of(MemberSkill, "node"), Value(0)),
    )


def node_children(parent: Node | None) -> QuerySet[Node]:
    """The top of the tree (domains) or a node's children, with their counts."""
    qs = Node.objects.filter(parent=parent) if parent else Node.objects.filter(parent=None)
    return with_counts(qs).order_by("source", "label", "code")


def node_detail(pk: int) -> Node:
    """One node with its aliases and counts (raises DoesNotExist)."""
    return (
        with_counts(Node.objects.select_related("parent"))
        .prefetch_related(Prefetch("aliases", queryset=Alias.objects.order_by("label")))
        .get(pk=pk)
    )


def facet_nodes() -> list[tuple[Node, list[Node]]]:
    """The directory's skill facet: each domain with its trades, from the nomenclature of the
    project and of the cooperative (ROME's 1,600 occupations are reached by code or search)."""
    nodes = list(
        Node.objects.filter(
            kind__in=[NodeKind.DOMAIN, NodeKind.TRADE],
            obsolete=False,
            source__in=[
                NodeSource.BUILTIN,
                NodeSource.COOP,
            ],
        ).order_by("label", "code")
    )
    domains = [n for n in nodes if n.kind == NodeKind.DOMAIN]
    trades: dict[int, list[Node]] = {d.pk: [] for d in domains}
    for node in nodes:
        ids = ancestor_ids(node)
        if node.kind == NodeKind.TRADE and ids and ids[0] in trades:
            trades[ids[0]].append(node)
    return [(d, trades[d.pk]) for d in domains]


# ---------------------------------------------------------------- profiles


def directory_member(pk: int) -> Member:
    """A member of the directory with all that their profile page shows (raises
    DoesNotExist for an unknown id and for a member who has left the cooperative)."""
    return (
        directory_members()
        .select_related("activity", "profile", "advisor")
        .prefetch_related(
            Prefetch(
                "skills",
                queryset=MemberSkill.objects.select_related("node").order_by(
                    "-level", "node__label"
                ),
            ),
            Prefetch(
                "portfolio",
                queryset=PortfolioItem.objects.prefetch_related(
                    Prefetch("images", queryset=PortfolioImage.objects.order_by("pk"))
                ),
            ),
        )
        .get(pk=pk)
    )


def profile_of(member: Member) -> Any:
    """The member's profile, or None when they have not written one yet."""
    try:
        return member.profile
    except Member.profile.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None


@dataclass
class SkillGroup:
    domain: Node | None
    skills: list[MemberSkill]


def skills_by_domain(skills: Iterable[MemberSkill]) -> tuple[list[SkillGroup], list[MemberSkill]]:
    """Professional skills grouped under their domain (one query), and social skills apart."""
    skills = list(skills)
    social = [s for s in skills if s.node.is_social]
    professional = [s for s in skills if not s.node.is_social]
    roots = {s.pk: (ancestor_ids(s.node) or [s.node.pk])[0] for s in professional}
    domains = Node.objects.in_bulk(set(roots.values())) if roots else {}
    groups: dict[int, SkillGroup] = {}
    for skill in professional:
        root = roots[skill.pk]
        domain = domains.get(root) if root != skill.node.pk else skill.node
        groups.setdefault(root, SkillGroup(domain, [])).skills.append(skill)
    ordered = sorted(groups.values(), key=lambda g: g.domain.label if g.domain else "")
    return ordered, social


def portfolio_image_for(user: Any, pk: int) -> PortfolioImage:
    """An image whose owner the user may see in the directory (or their own; raises
    DoesNotExist otherwise, so a guessed id tells nothing)."""
    image = PortfolioImage.objects.select_related("item__member").get(pk=pk)
    owner = image.item.member
    if rules.can_edit_profile(user, owner):
        return image
    if not rules.can_use_directory(user) or owner.exit_date is not None:
        raise PortfolioImage.DoesNotExist
    return image


def introduction_candidates(member: Member) -> QuerySet[Member]:
    """Members someone may be introduced to: present in the cooperative, not themself."""
    return directory_members().exclude(pk=member.pk).order_by("last_name", "first_name", "id")


# ---------------------------------------------------------------- introductions and exposure


def introductions_visible_to(user: Any) -> QuerySet[Introduction]:
    """Staff see every introduction, an advisor those they recorded, others none."""
    qs = Introduction.objects.select_related("advisor", "member", "to_member").order_by(
        "-date", "-id"
    )
    if roles.is_management(user):
        return qs
    if roles.is_advisor(user):
        return qs.filter(advisor=user)
    return qs.none()


EXPOSURE_ORDERS = {
    "nom": ("last_name", "first_name", "id"),
    "-nom": ("-last_name", "-first_name", "-id"),
    "vues30": ("shown_recent", "last_name", "id"),
    "-vues30": ("-shown_recent", "last_name", "id"),
    "vues": ("shown_total", "last_name", "id"),
    "-vues": ("-shown_total", "last_name", "id"),
    "relations": ("introduced", "last_name", "id"),
    "-relations": ("-introduced", "last_name", "id"),
}
RECENT_DAYS = 30


def exposure_rows(*, order: str = "-vues30", today: dt.date | None = None) -> QuerySet[Member]:
    """Every member of the directory with `shown_recent` (shown in results over the last 30
    days), `shown_total` and `introduced` (introductions recorded): subqueries, so that the
    sums are not multiplied by each other's joins, and one query for a whole page."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=RECENT_DAYS - 1)

    def shown(**filters: Any) -> Coalesce:
        total = (
            Exposure.objects.filter(member=OuterRef("pk"), **filters)
            .order_by()
            .values("member")
            .annotate(n=Sum("shown"))
            .values("n")
        )
        return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))

    return (
        directory_members()
        .select_related("activity")
        .annotate(
            shown_recent=shown(day__gte=since, day__lte=today),
            shown_total=shown(),
            introduced=Coalesce(_count_of(Introduction, "member"), Value(0)),
        )
        .order_by(*EXPOSURE_ORDERS.get(order, EXPOSURE_ORDERS["-vues30"]))
    )
