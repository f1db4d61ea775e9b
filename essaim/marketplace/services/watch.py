"""The shared business watch: opportunities (calls for tender, client leads) posted by staff
and members or imported from a CSV file, the members' subscriptions to nomenclature nodes, and
the turning of an opportunity into a co-contracting request.

A subscription to a node covers the nodes below it: an opportunity on « Coupe à domicile »
reaches the members who follow « Coiffeur·se » and those who follow the whole domain.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from essaim.core.audit import log_action
from essaim.core.models import User
from essaim.core.notifications import notify
from essaim.marketplace.models import (
    Opportunity,
    OpportunityKind,
    RequestKind,
    RequestStatus,
    WatchSubscription,
    WorkRequest,
)
from essaim.marketplace.services.requests import clean_money, request_create
from essaim.members.models import Member
from essaim.skills import geo
from essaim.skills.models import Level, Node

MAX_NODES = 20
NOTIFICATION_KIND = "watch.opportunity"
DEFAULT_ANSWER_DAYS = 14  # a request from an opportunity without a deadline: answer within


def _url_ok(url: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True


def clean_opportunity(fields: dict[str, Any], *, today: dt.date) -> dict[str, Any]:
    """The opportunity's fields checked and normalised; otherwise one French ValidationError
    naming every field in error. Shared by the form, the service and the import."""
    cleaned = dict(fields)
    errors: dict[str, str] = {}
    if cleaned.get("kind") not in OpportunityKind.values:
        errors["kind"] = _("Type inconnu « %(v)s » : appel d'offres ou piste client.") % {
            "v": cleaned.get("kind")
        }
    for name, limit in (("title", 255), ("client", 200), ("external_ref", 100)):
        cleaned[name] = (cleaned.get(name) or "").strip()
        if len(cleaned[name]) > limit:
            errors[name] = _("%(n)d caractères : %(max)d au plus.") % {
                "n": len(cleaned[name]),
                "max": limit,
            }
    if not cleaned["title"]:
        errors["title"] = _("Donnez un titre à l'opportunité.")
    cleaned["description"] = (cleaned.get("description") or "").strip()
    deadline = cleaned.get("deadline")
    if deadline is not None and deadline < today:
        errors["deadline"] = _("La date limite (%(d)s) est déjà passée.") % {
            "d": deadline.strftime("%d/%m/%Y")
        }
    url = (cleaned.get("source_url") or "").strip()
    if url and (len(url) > 500 or not _url_ok(url)):
        errors["source_url"] = _(
            "« %(v)s » n'est pas une adresse web : elle commence par https:// ou http://."
        ) % {"v": url}
    cleaned["source_url"] = url
    zone = str(cleaned.get("zone") or "").strip()
    if zone and geo.normalise_zone(zone) is None:
        errors["zone"] = _("« %(v)s » n'est pas un département français (ex. 75, 93, 2A).") % {
            "v": zone
        }
    cleaned["zone"] = geo.normalise_zone(zone) or "" if zone else ""
    try:
        cleaned["budget"] = clean_money(cleaned.get("budget"), "budget")
    except ValidationError:
        errors["budget"] = _(
            "Le budget « %(v)s » n'est pas valable : un montant positif avec au plus deux "
            "décimales (ex. 15000 ou 15000,50)."
        ) % {"v": cleaned.get("budget")}
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_nodes(nodes: Sequence[Node]) -> list[Node]:
    unique = list({node.pk: node for node in nodes}.values())
    if not unique:
        raise ValidationError(
            {
                "nodes": _(
                    "Indiquez au moins une compétence : les membres abonnés en seront avertis."
                )
            }
        )
    if len(unique) > MAX_NODES:
        raise ValidationError(
            {
                "nodes": _("%(max)d compétences au plus (%(n)d indiquées).")
                % {"max": MAX_NODES, "n": len(unique)}
            }
        )
    return unique


@transaction.atomic
def opportunity_post(
    *,
    actor: User | None,
    kind: str,
    title: str,
    description: str,
    client: str,
    nodes: Sequence[Node],
    deadline: dt.date | None,
    source_url: str,
    zone: str,
    budget: object,
    external_ref: str = "",
    today: dt.date | None = None,
) -> Opportunity:
    """A new opportunity of the watch; the members following one of its nodes (or a node
    above) are told."""
    today = today or timezone.localdate()
    fields = clean_opportunity(
        {
            "kind": kind,
            "title": title,
            "description": description,
            "client": client,
            "deadline": deadline,
            "source_url": source_url,
            "zone": zone,
            "budget": budget,
            "external_ref": external_ref,
        },
        today=today,
    )
    chosen = clean_nodes(nodes)
    if (
        fields["external_ref"]
        and Opportunity.objects.filter(external_ref=fields["external_ref"]).exists()
    ):
        raise ValidationError(
            {
                "external_ref": _("La référence « %(ref)s » est déjà enregistrée.")
                % {"ref": fields["external_ref"]}
            }
        )
    opportunity = Opportunity.objects.create(
        posted_by=actor if actor is not None and actor.pk else None, **fields
    )
    opportunity.nodes.set(chosen)
    log_action(
        actor=actor,
        action="opportunity.posted",
        target=opportunity,
        data={**fields, "nodes": sorted(n.code for n in chosen)},
    )
    notify_subscribers({opportunity: chosen}, poster=actor)
    return opportunity


def _covering(nodes: Iterable[Node]) -> set[int]:
    """The nodes and their ancestors: a subscription to any of them covers the nodes."""
    return {int(part) for node in nodes for part in node.path.strip("/").split("/") if part}


def notify_subscribers(
    new: dict[Opportunity, Sequence[Node]], *, poster: User | None = None
) -> int:
    """Tell each member following a node of a new opportunity (or a node above it), but not
    the person who posted it. A member matched by several opportunities at once (an import)
    gets one notification listing them. Returns how many people were told."""
    covering = {opp.pk: _covering(nodes) for opp, nodes in new.items()}
    every = set().union(*covering.values()) if covering else set()
    if not every:
        return 0
    followers: dict[int, set[int]] = defaultdict(set)  # node id → user ids
    users: dict[int, User] = {}
    subscriptions = WatchSubscription.objects.filter(
        node_id__in=every,
        member__exit_date__isnull=True,
        member__user__isnull=False,
        member__user__is_active=True,
    ).select_related("member__user")
    if poster is not None and poster.pk:
        subscriptions = subscriptions.exclude(member__user=poster)
    for sub in subscriptions:
        followers[sub.node_id].add(sub.member.user_id)
        users[sub.member.user_id] = sub.member.user
    by_user: dict[int, list[Opportunity]] = defaultdict(list)
    for opp in new:
        for user_id in set().union(*(followers[n] for n in covering[opp.pk])):
            by_user[user_id].append(opp)
    single: dict[int, list[User]] = defaultdict(list)
    for user_id, found in by_user.items():
        if len(found) == 1:
            single[found[0].pk].append(users[user_id])
        else:
            notify(
                users=[users[user_id]],
                kind=NOTIFICATION_KIND,
                title=ngettext(
                    "%(n)d nouvelle opportunité correspond à vos abonnements",
                    "%(n)d nouvelles opportunités correspondent à vos abonnements",
                    len(found),
                )
                % {"n": len(found)},
                body="\n".join(f"• {opp.title}" for opp in found),
                url=reverse("marketplace:watch_list") + "?abonnements=1",
            )
    for opp in new:
        if single.get(opp.pk):
            notify(
                users=single[opp.pk],
                kind=NOTIFICATION_KIND,
                title=_("Nouvelle opportunité : %(title)s") % {"title": opp.title},
                body=_describe(opp),
                url=reverse("marketplace:watch_detail", args=[opp.pk]),
            )
    return len(by_user)


def _describe(opp: Opportunity) -> str:
    parts = [opp.get_kind_display()]
    if opp.client:
        parts.append(opp.client)
    if opp.deadline:
        parts.append(_("réponse avant le %(d)s") % {"d": opp.deadline.strftime("%d/%m/%Y")})
    return " · ".join(parts)


@transaction.atomic
def subscription_set(*, actor: User | None, member: Member, nodes: Sequence[Node]) -> list[Node]:
    """The member now follows exactly these nodes (and what lies below them)."""
    if member.exit_date is not None:
        raise ValidationError(_("%(name)s a quitté la coopérative.") % {"name": member})
    wanted = {node.pk: node for node in nodes}
    if len(wanted) > MAX_NODES * 2:
        raise ValidationError(
            {
                "nodes": _("%(max)d abonnements au plus (%(n)d choisis).")
                % {"max": MAX_NODES * 2, "n": len(wanted)}
            }
        )
    current = dict(
        WatchSubscription.objects.select_for_update()
        .filter(member=member)
        .values_list("node_id", "node__code")
    )
    removed = [pk for pk in current if pk not in wanted]
    added = [node for pk, node in wanted.items() if pk not in current]
    if removed:
        WatchSubscription.objects.filter(member=member, node_id__in=removed).delete()
    WatchSubscription.objects.bulk_create(
        [WatchSubscription(member=member, node=node) for node in added]
    )
    if removed or added:
        log_action(
            actor=actor,
            action="watch.subscriptions_set",
            target=member,
            changes={
                "nodes": [
                    sorted(current.values()),
                    sorted(node.code for node in wanted.values()),
                ]
            },
        )
    return sorted(wanted.values(), key=lambda n: (n.label, n.code))


def _request_description(opportunity: Opportunity) -> str:
    lines = [opportunity.description or opportunity.title, ""]
    lines.append(
        _("Opportunité de la veille : %(kind)s") % {"kind": opportunity.get_kind_display()}
    )
    if opportunity.client:
        lines.append(_("Client : %(client)s") % {"client": opportunity.client})
    if opportunity.source_url:
        lines.append(_("Source : %(url)s") % {"url": opportunity.source_url})
    return "\n".join(lines).strip()


@transaction.atomic
def opportunity_to_request(
    *,
    actor: User | None,
    opportunity: Opportunity,
    author: Member,
    today: dt.date | None = None,
) -> WorkRequest:
    """A co-contracting request drafted from the opportunity (title, description, skills at
    level 1 at least, deadline, place, budget), for the author to complete and publish.
    The author's draft from this opportunity is returned again rather than duplicated."""
    today = today or timezone.localdate()
    existing = (
        WorkRequest.objects.filter(
            author=author, opportunity=opportunity, status=RequestStatus.DRAFT
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if existing is not None:
        return existing
    deadline = opportunity.deadline or today + dt.timedelta(days=DEFAULT_ANSWER_DAYS)
    if deadline < today:
        raise ValidationError(
            {
                "answer_deadline": _(
                    "La date limite de cette opportunité (%(d)s) est passée : "
                    "il est trop tard pour y répondre."
                )
                % {"d": deadline.strftime("%d/%m/%Y")}
            }
        )
    nodes = list(opportunity.nodes.order_by("code"))
    return request_create(
        actor=actor,
        author=author,
        kind=RequestKind.COCONTRACTING,
        title=opportunity.title[: WorkRequest._meta.get_field("title").max_length],
        description=_request_description(opportunity),
        answer_deadline=deadline,
        skills=[(node, Level.BEGINNER) for node in nodes],
        budget=opportunity.budget,
        zone=opportunity.zone,
        opportunity=opportunity,
        today=today,
    )


# ---------------------------------------------------------------- CSV import


def opportunities_import(*, actor: User | None, file: Any, today: dt.date | None = None) -> Any:
    """Import opportunities from a CSV file, all or nothing (see watch_import, and
    docs/opportunities-format.md for the format). Returns its ImportReport."""
    from essaim.marketplace.services import watch_import  # it uses this module's checks

    return watch_import.opportunities_import(actor=actor, file=file, today=today)
