"""Reads of the nomenclature and of profiles."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from essaim.members.models import Member
from essaim.members.text import fold
from essaim.skills import rules
from essaim.skills.models import Alias, Node, NodeSource, Price

SOURCE_PREFERENCE = (NodeSource.COOP, NodeSource.BUILTIN, NodeSource.ROME)


def node_by_code(code: str) -> Node | None:
    """The node with this code; ROME codes are accepted in any case ("d1202")."""
    code = (code or "").strip()
    if not code:
        return None
    node = Node.objects.filter(code=code).first()
    if node is None and code.upper() != code:
        node = Node.objects.filter(code=code.upper()).first()
    return node


def nodes_by_label(label: str) -> list[Node]:
    """Nodes whose label or one alias is exactly this text (case and accents aside)."""
    folded = fold(label)
    if not folded:
        return []
    ids = set(Node.objects.filter(search_label=folded).values_list("pk", flat=True))
    ids |= set(Alias.objects.filter(folded=folded).values_list("node_id", flat=True))
    return list(Node.objects.filter(pk__in=ids).order_by("code"))


def resolve_node(*, code: str | None = None, label: str | None = None) -> Node:
    """A node from its code or its exact label/alias; a French ValidationError otherwise."""
    if code:
        node = node_by_code(code)
        if node is None:
            raise ValidationError({"code": f"code de compétence inconnu « {code} »"})
        return node
    if label:
        found = nodes_by_label(label)
        if not found:
            raise ValidationError({"label": f"aucune compétence ne s'appelle « {label} »"})
        live = [n for n in found if not n.obsolete] or found
        # The cooperative's own words first, then Essaim's nomenclature, then ROME: after a
        # ROME import "coiffeuse" names both the builtin trade and D1202; the closer one wins.
        for source in SOURCE_PREFERENCE:
            preferred = [n for n in live if n.source == source]
            if preferred:
                live = preferred
                break
        if len(live) > 1:
            codes = ", ".join(f"{n.code} ({n.label})" for n in live[:8])
            raise ValidationError(
                {"label": f"« {label} » est ambigu : précisez le code parmi {codes}"}
            )
        return live[0]
    raise ValidationError({"code": "donnez le code ou le libellé de la compétence"})


def subtree(node: Node) -> QuerySet[Node]:
    return Node.objects.filter(path__startswith=node.path)


def prices_visible_to(user: Any, member: Member) -> QuerySet[Price]:
    return Price.objects.filter(member=member).filter(rules.price_visibility_filter(user))


def directory_members() -> QuerySet[Member]:
    """Members the directory lists: everyone who has not left the cooperative."""
    return Member.objects.filter(Q(exit_date__isnull=True))
