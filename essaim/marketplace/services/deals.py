"""Deals, the record of who worked with whom: created from an awarded request or by hand,
moved along (planned → in progress → done, or cancelled), then each side's private feedback."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from essaim.core.audit import log_action
from essaim.core.models import User
from essaim.core.notifications import notify
from essaim.marketplace.models import (
    REQUEST_TO_DEAL_KIND,
    Deal,
    DealKind,
    DealOrigin,
    DealProvider,
    DealStatus,
    Feedback,
    RequestResponse,
    WorkRequest,
)
from essaim.marketplace.services.requests import clean_money, clean_quantity
from essaim.members.models import Member


@dataclass(frozen=True)
class ProviderShare:
    member: Member
    amount: object = None
    hours: object = None


def _users_of(members: Sequence[Member]) -> list[User]:
    return list(User.objects.filter(member__in=[m.pk for m in members], is_active=True))


@transaction.atomic
def deal_create(
    *,
    actor: User | None,
    kind: str,
    title: str,
    buyer: Member,
    providers: Sequence[ProviderShare],
    amount: object = None,
    hours: object = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    status: str = DealStatus.PLANNED,
    origin: str = DealOrigin.DIRECT,
    request: WorkRequest | None = None,
    done_at: dt.date | None = None,
    notify_parties: bool = True,
) -> Deal:
    """Record a deal between a buyer (the member who orders, or leads a joint answer) and one
    or more providers."""
    if kind not in DealKind.values:
        raise ValidationError({"kind": _("Type d'affaire inconnu : %(v)s.") % {"v": kind}})
    if status not in DealStatus.values:
        raise ValidationError({"status": _("État inconnu : %(v)s.") % {"v": status}})
    if origin not in DealOrigin.values:
        raise ValidationError({"origin": _("Origine inconnue : %(v)s.") % {"v": origin}})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Donnez un objet à cette affaire.")})
    if not providers:
        raise ValidationError({"providers": _("Indiquez au moins un membre prestataire.")})
    seen: set[int] = set()
    for share in providers:
        if share.member.pk == buyer.pk:
            raise ValidationError(
                {
                    "providers": _(
                        "%(name)s ne peut pas être à la fois donneur d'ordre et prestataire."
                    )
                    % {"name": buyer}
                }
            )
        if share.member.pk in seen:
            raise ValidationError(
                {"providers": _("%(name)s est indiqué deux fois.") % {"name": share.member}}
            )
        seen.add(share.member.pk)
    total = clean_money(amount, "amount")
    if kind == DealKind.EXCHANGE and total:
        raise ValidationError(
            {"amount": _("Un échange de services se fait sans argent : laissez le montant vide.")}
        )
    total_hours = clean_quantity(hours, "hours")
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("La fin est avant le début.")})
    shares = [
        (s.member, clean_money(s.amount, "amount"), clean_quantity(s.hours, "hours"))
        for s in providers
    ]
    if total is not None and sum((a or decimal.Decimal(0)) for _m, a, _h in shares) > total:
        raise ValidationError(
            {"amount": _("Les parts des prestataires dépassent le montant de l'affaire.")}
        )
    deal = Deal.objects.create(
        kind=kind,
        title=title,
        buyer=buyer,
        amount=total,
        hours=total_hours,
        start_date=start_date,
        end_date=end_date,
        status=status,
        origin=origin,
        request=request,
        created_by=actor if actor is not None and actor.pk else None,
        done_at=done_at if status == DealStatus.DONE else None,
    )
    DealProvider.objects.bulk_create(
        [DealProvider(deal=deal, member=m, amount=a, hours=h) for m, a, h in shares]
    )
    log_action(
        actor=actor,
        action="deal.created",
        target=deal,
        subject=buyer,
        data={
            "kind": kind,
            "providers": [str(m) for m, _a, _h in shares],
            "amount": total,
            "origin": origin,
        },
    )
    if notify_parties:
        notify(
            users=[u for u in _users_of([buyer, *[m for m, _a, _h in shares]]) if u != actor],
            kind="deal.created",
            title=_("Nouvelle affaire enregistrée : %(title)s") % {"title": title},
            url=reverse("marketplace:deal_detail", args=[deal.pk]),
        )
    return deal


def _origin_of(request: WorkRequest, members: Sequence[Member]) -> str:
    introduced = set(request.introductions.values_list("member_id", flat=True))
    if introduced & {m.pk for m in members}:
        return DealOrigin.INTRODUCTION
    return DealOrigin.MATCHING


@transaction.atomic
def deal_from_request(
    *, actor: User | None, request: WorkRequest, responses: Sequence[RequestResponse]
) -> Deal:
    """The deal of an awarded request: its author buys from (or works with) the chosen
    responders, at the prices they proposed."""
    members = [r.member for r in responses]
    prices = [r.price for r in responses]
    amount = (
        sum(prices, decimal.Decimal(0)) if prices and all(p is not None for p in prices) else None
    )
    return deal_create(
        actor=actor,
        kind=REQUEST_TO_DEAL_KIND[request.kind],
        title=request.title,
        buyer=request.author,
        providers=[ProviderShare(member=r.member, amount=r.price) for r in responses],
        amount=amount,
        hours=request.estimated_hours,
        start_date=request.start_date,
        end_date=request.end_date,
        origin=_origin_of(request, members),
        request=request,
    )


# ---------------------------------------------------------------- moving a deal along

# Where each status may go next: planned → in progress → done; cancelled before it is done.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    DealStatus.PLANNED: (DealStatus.IN_PROGRESS, DealStatus.CANCELLED),
    DealStatus.IN_PROGRESS: (DealStatus.DONE, DealStatus.CANCELLED),
    DealStatus.DONE: (),
    DealStatus.CANCELLED: (),
}


def deal_parties(deal: Deal) -> list[Member]:
    """The buyer first, then the providers (by name)."""
    providers = [link.member for link in deal.provider_links.select_related("member")]
    providers.sort(key=lambda m: (m.last_name, m.first_name, m.pk))
    return [deal.buyer, *providers]


def _label(status: str) -> str:
    return str(DealStatus(status).label)


@transaction.atomic
def deal_set_status(
    *, actor: User | None, deal: Deal, status: str, done_at: dt.date | None = None
) -> Deal:
    """Move a deal to its next status. A done deal gets its end day (`done_at`, today by
    default) and invites each side to leave feedback; a cancelled deal tells the other
    parties."""
    if status not in DealStatus.values:
        raise ValidationError({"status": _("État inconnu : %(v)s.") % {"v": status}})
    deal = Deal.objects.select_for_update().select_related("buyer").get(pk=deal.pk)
    before = deal.status
    if status not in TRANSITIONS[before]:
        raise ValidationError(
            {
                "status": _("Une affaire « %(before)s » ne peut pas passer à « %(after)s ».")
                % {"before": _label(before), "after": _label(status)}
            }
        )
    fields = ["status"]
    if status == DealStatus.DONE:
        done_at = done_at or timezone.localdate()
        if deal.start_date and done_at < deal.start_date:
            raise ValidationError(
                {
                    "done_at": _(
                        "La date de fin (%(done)s) est avant le début de l'affaire (%(start)s)."
                    )
                    % {
                        "done": done_at.strftime("%d/%m/%Y"),
                        "start": deal.start_date.strftime("%d/%m/%Y"),
                    }
                }
            )
        deal.done_at = done_at
        fields.append("done_at")
    deal.status = status
    deal.save(update_fields=fields)
    log_action(
        actor=actor,
        action="deal.status",
        target=deal,
        subject=deal.buyer,
        changes={"status": [before, status]},
        data={"done_at": deal.done_at} if status == DealStatus.DONE else None,
    )
    others = [u for u in _users_of(deal_parties(deal)) if u != actor]
    url = reverse("marketplace:deal_detail", args=[deal.pk])
    if status == DealStatus.CANCELLED:
        notify(
            users=others,
            kind="deal.cancelled",
            title=_("Affaire annulée : %(title)s") % {"title": deal.title},
            body=_("%(who)s a annulé cette affaire.") % {"who": _actor_name(actor)},
            url=url,
        )
    elif status == DealStatus.DONE:
        notify(
            users=others,
            kind="deal.done",
            title=_("Affaire terminée : %(title)s") % {"title": deal.title},
            body=_("Dites en privé comment s'est passée la collaboration."),
            url=url,
        )
    return deal


def _actor_name(actor: User | None) -> str:
    if actor is None:
        return _("La coopérative")
    return actor.get_full_name() or actor.email


# ---------------------------------------------------------------- feedback

RATINGS = {
    "quality": _lazy("la qualité du travail"),
    "deadlines": _lazy("le respect des délais"),
    "communication": _lazy("la communication"),
}


def _clean_rating(value: object, field: str) -> int:
    """A whole mark from 1 to 5 (an int, or its digits as typed)."""
    text = "" if value is None or isinstance(value, bool) else str(value).strip()
    if text not in {"1", "2", "3", "4", "5"}:
        raise ValidationError(
            {
                field: _(
                    "La note pour %(what)s doit être un nombre entier de 1 à 5 (reçu : %(v)s)."
                )
                % {"what": RATINGS[field], "v": value}
            }
        )
    return int(text)


@transaction.atomic
def feedback_leave(
    *,
    actor: User | None,
    deal: Deal,
    author: Member,
    about: Member,
    would_work_again: bool,
    quality: object,
    deadlines: object,
    communication: object,
    comment: str = "",
) -> Feedback:
    """One side's private feedback on another after a done deal: once per deal and person.
    Read by the person it is about and the advisors; elsewhere only counted."""
    deal = Deal.objects.select_for_update().select_related("buyer").get(pk=deal.pk)
    if deal.status != DealStatus.DONE:
        raise ValidationError(
            _("Les retours se donnent une fois l'affaire terminée (elle est « %(s)s »).")
            % {"s": _label(deal.status)}
        )
    parties = {m.pk for m in deal_parties(deal)}
    if author.pk not in parties:
        raise ValidationError(
            _("%(name)s n'a pas pris part à cette affaire : pas de retour possible.")
            % {"name": author}
        )
    if about.pk == author.pk:
        raise ValidationError({"about": _("On ne laisse pas de retour sur soi-même.")})
    if about.pk not in parties:
        raise ValidationError(
            {"about": _("%(name)s n'a pas pris part à cette affaire.") % {"name": about}}
        )
    if not isinstance(would_work_again, bool):
        raise ValidationError(
            {"would_work_again": _("Dites si vous retravailleriez avec cette personne.")}
        )
    ratings = {
        "quality": _clean_rating(quality, "quality"),
        "deadlines": _clean_rating(deadlines, "deadlines"),
        "communication": _clean_rating(communication, "communication"),
    }
    if Feedback.objects.filter(deal=deal, author=author, about=about).exists():
        raise ValidationError(
            _("Vous avez déjà laissé un retour sur %(name)s pour cette affaire.") % {"name": about}
        )
    feedback = Feedback.objects.create(
        deal=deal,
        author=author,
        about=about,
        would_work_again=would_work_again,
        comment=(comment or "").strip(),
        **ratings,
    )
    # The audit keeps that feedback was given, not what it says: it is private.
    log_action(
        actor=actor,
        action="feedback.left",
        target=feedback,
        subject=about,
        data={"deal": deal.pk, "author": str(author)},
    )
    notify(
        users=_users_of([about]),
        kind="deal.feedback",
        title=_("%(name)s a laissé un retour sur votre collaboration : %(title)s")
        % {"name": author, "title": deal.title},
        url=reverse("marketplace:deal_detail", args=[deal.pk]),
    )
    return feedback
