"""Offers: a member's services and products, for the other members (the « réflexe
Coopaname ») and, when the member chooses, for the cooperative's public showcase."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from essaim.core.audit import log_action
from essaim.core.models import User
from essaim.marketplace.models import Audience, Offer
from essaim.marketplace.services.requests import clean_money
from essaim.members.models import Member
from essaim.skills import french
from essaim.skills.models import Alias, Node, PriceUnit

MAX_NODES = 10
TITLE_MAX = Offer._meta.get_field("title").max_length


def offer_search_text(*, title: str, description: str, nodes: Iterable[Node]) -> str:
    """The stems of the title, the description and the nodes' labels and aliases, each once,
    between spaces: a query word matches when " <stem> " is in the text, on every database."""
    nodes = list(nodes)
    parts = [title, description, *(node.label for node in nodes)]
    parts += Alias.objects.filter(node__in=nodes).values_list("label", flat=True)
    stems = dict.fromkeys(stem for part in parts for stem in french.normalise(part))
    return f" {' '.join(stems)} " if stems else ""


def _clean_nodes(nodes: Sequence[Node], offer: Offer | None) -> list[Node]:
    unique = list({node.pk: node for node in nodes}.values())
    if not unique:
        raise ValidationError(
            {"nodes": _("Choisissez au moins une compétence de la nomenclature pour cette offre.")}
        )
    if len(unique) > MAX_NODES:
        raise ValidationError(
            {
                "nodes": _("Une offre porte sur %(max)d compétences au plus (%(n)d choisies).")
                % {"max": MAX_NODES, "n": len(unique)}
            }
        )
    kept = set(offer.nodes.values_list("pk", flat=True)) if offer is not None else set()
    for node in unique:
        if node.obsolete and node.pk not in kept:
            raise ValidationError(
                {
                    "nodes": _(
                        "La compétence « %(label)s » n'est plus utilisée dans la nomenclature : "
                        "choisissez-en une autre."
                    )
                    % {"label": node.label}
                }
            )
    return unique


def _clean_fields(
    *, title: str, description: str, price: object, price_unit: str, audience: str
) -> dict[str, Any]:
    title = (title or "").strip()
    description = (description or "").strip()
    if not title:
        raise ValidationError({"title": _("Donnez un titre à votre offre.")})
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {
                "title": _("Le titre fait %(n)d caractères : %(max)d au plus.")
                % {"n": len(title), "max": TITLE_MAX}
            }
        )
    if not description:
        raise ValidationError({"description": _("Décrivez ce que vous proposez.")})
    try:
        amount = clean_money(price, "price")
    except ValidationError:
        raise ValidationError(
            {
                "price": _(
                    "Le prix « %(value)s » n'est pas valable : indiquez un montant positif "
                    "ou nul avec au plus deux décimales (ex. 35,00), ou laissez vide pour "
                    "« sur devis »."
                )
                % {"value": price}
            }
        ) from None
    unit = price_unit or ""
    if amount is None:
        unit = ""  # « sur devis »: no unit
    elif unit not in PriceUnit.values:
        raise ValidationError(
            {"price_unit": _("Indiquez l'unité du prix (l'heure, la journée, la prestation…).")}
        )
    if audience not in Audience.values:
        raise ValidationError(
            {"audience": _("Visibilité inconnue « %(value)s ».") % {"value": audience}}
        )
    return {
        "title": title,
        "description": description,
        "price": amount,
        "price_unit": unit,
        "audience": audience,
    }


@transaction.atomic
def offer_save(
    *,
    actor: User | None,
    member: Member,
    offer: Offer | None = None,
    title: str,
    description: str,
    nodes: Sequence[Node],
    price: object,
    price_unit: str,
    audience: str,
    active: bool,
) -> Offer:
    """Create the member's offer, or change it. `price` None (or empty): « sur devis »."""
    if member.exit_date is not None:
        raise ValidationError(_("%(name)s a quitté la coopérative.") % {"name": member})
    if offer is not None:
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if offer.member_id != member.pk:
            raise ValidationError(
                _("Cette offre n'est pas la vôtre : vous ne pouvez pas la modifier.")
            )
    fields = _clean_fields(
        title=title, description=description, price=price, price_unit=price_unit, audience=audience
    )
    fields["active"] = bool(active)
    chosen = _clean_nodes(nodes, offer)
    fields["search_text"] = offer_search_text(
        title=fields["title"], description=fields["description"], nodes=chosen
    )
    codes = sorted(node.code for node in chosen)
    if offer is None:
        offer = Offer.objects.create(member=member, **fields)
        offer.nodes.set(chosen)
        log_action(
            actor=actor,
            action="offer.created",
            target=offer,
            subject=member,
            data={**_audited(fields), "nodes": codes},
        )
        return offer
    before = {
        **_audited(offer.__dict__),
        "nodes": sorted(offer.nodes.values_list("code", flat=True)),
    }
    for name, value in fields.items():
        setattr(offer, name, value)
    offer.save()
    offer.nodes.set(chosen)
    after = {**_audited(fields), "nodes": codes}
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes:
        log_action(
            actor=actor, action="offer.updated", target=offer, subject=member, changes=changes
        )
    return offer


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    """The fields the journal keeps (not the derived search text)."""
    return {
        name: values.get(name)
        for name in ("title", "description", "price", "price_unit", "audience", "active")
    }


@transaction.atomic
def offer_delete(*, actor: User | None, offer: Offer) -> None:
    log_action(
        actor=actor,
        action="offer.deleted",
        target=offer,
        subject=offer.member,
        data={"title": offer.title},
    )
    offer.delete()
