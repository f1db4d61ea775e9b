"""Requests: written as drafts, published (the matching members are computed and told), then
answered, shortlisted, awarded or declined, cancelled or expired."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.audit import diff, log_action
from essaim.core.models import User
from essaim.core.notifications import notify
from essaim.marketplace.models import (
    Deal,
    Opportunity,
    RequestIntroduction,
    RequestKind,
    RequestMatch,
    RequestResponse,
    RequestSkill,
    RequestStatus,
    ResponseStatus,
    WorkRequest,
)
from essaim.marketplace.selectors.matching import matching_members
from essaim.members.models import Member
from essaim.skills import geo
from essaim.skills.models import Node

EDITABLE_FIELDS = (
    "kind",
    "title",
    "description",
    "start_date",
    "end_date",
    "estimated_hours",
    "estimated_days",
    "budget",
    "zone",
    "remote",
    "answer_deadline",
)


def clean_money(value: object, field: str) -> decimal.Decimal | None:
    """None stays None; anything else must be a positive amount with at most two decimals."""
    if value is None or value == "":
        return None
    try:
        amount = decimal.Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
    except decimal.InvalidOperation:
        raise ValidationError(
            {
                field: _("« %(value)s » n'est pas un montant : écrivez par exemple 1200.00")
                % {"value": value}
            }
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError(
            {field: _("Le montant ne peut pas être négatif (%(value)s).") % {"value": value}}
        )
    if amount != amount.quantize(decimal.Decimal("0.01")):
        raise ValidationError(
            {field: _("« %(value)s » a plus de deux décimales.") % {"value": value}}
        )
    return amount.quantize(decimal.Decimal("0.01"))


def clean_quantity(value: object, field: str) -> decimal.Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = decimal.Decimal(str(value).strip().replace(",", "."))
    except decimal.InvalidOperation:
        raise ValidationError(
            {field: _("« %(value)s » n'est pas un nombre.") % {"value": value}}
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError(
            {field: _("Ce nombre ne peut pas être négatif (%(value)s).") % {"value": value}}
        )
    return amount.quantize(decimal.Decimal("0.1"))


def _clean_skills(skills: Sequence[tuple[Node, int]]) -> list[tuple[Node, int]]:
    seen: set[int] = set()
    cleaned = []
    for node, level in skills:
        if level not in (1, 2, 3):
            raise ValidationError(
                {
                    "skills": _(
                        "Niveau %(level)s inconnu : 1 (débutant), 2 (confirmé) ou 3 (expert)."
                    )
                    % {"level": level}
                }
            )
        if node.pk in seen:
            raise ValidationError(
                {
                    "skills": _("La compétence « %(label)s » est demandée deux fois.")
                    % {"label": node.label}
                }
            )
        seen.add(node.pk)
        cleaned.append((node, level))
    return cleaned


def _clean_fields(fields: dict[str, Any], *, today: dt.date) -> dict[str, Any]:
    cleaned = dict(fields)
    if "kind" in cleaned and cleaned["kind"] not in RequestKind.values:
        raise ValidationError(
            {"kind": _("Type de demande inconnu : %(v)s.") % {"v": cleaned["kind"]}}
        )
    for name in ("title", "description"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
            if not cleaned[name]:
                raise ValidationError({name: _("Ce champ est obligatoire.")})
    if "budget" in cleaned:
        cleaned["budget"] = clean_money(cleaned["budget"], "budget")
    for name in ("estimated_hours", "estimated_days"):
        if name in cleaned:
            cleaned[name] = clean_quantity(cleaned[name], name)
    if cleaned.get("zone"):
        zone = geo.normalise_zone(cleaned["zone"])
        if zone is None:
            raise ValidationError(
                {
                    "zone": _("« %(v)s » n'est pas un département français (ex. 75, 93, 2A).")
                    % {"v": cleaned["zone"]}
                }
            )
        cleaned["zone"] = zone
    deadline = cleaned.get("answer_deadline")
    if "answer_deadline" in cleaned:
        if deadline is None:
            raise ValidationError({"answer_deadline": _("Indiquez la date limite de réponse.")})
        if deadline < today:
            raise ValidationError(
                {
                    "answer_deadline": _("La date limite de réponse (%(d)s) est déjà passée.")
                    % {"d": deadline.strftime("%d/%m/%Y")}
                }
            )
    start, end = cleaned.get("start_date"), cleaned.get("end_date")
    if start and end and end < start:
        raise ValidationError({"end_date": _("La fin est avant le début.")})
    return cleaned


@transaction.atomic
def request_create(
    *,
    actor: User | None,
    author: Member,
    kind: str,
    title: str,
    description: str,
    answer_deadline: dt.date,
    skills: Sequence[tuple[Node, int]] = (),
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    estimated_hours: object = None,
    estimated_days: object = None,
    budget: object = None,
    zone: str = "",
    remote: bool = False,
    opportunity: Opportunity | None = None,
    publish: bool = False,
    today: dt.date | None = None,
) -> WorkRequest:
    """A new request, as a draft (or published at once with `publish`)."""
    today = today or timezone.localdate()
    if author.exit_date is not None:
        raise ValidationError(_("%(name)s a quitté la coopérative.") % {"name": author})
    fields = _clean_fields(
        {
            "kind": kind,
            "title": title,
            "description": description,
            "start_date": start_date,
            "end_date": end_date,
            "estimated_hours": estimated_hours,
            "estimated_days": estimated_days,
            "budget": budget,
            "zone": zone or "",
            "remote": remote,
            "answer_deadline": answer_deadline,
        },
        today=today,
    )
    needed = _clean_skills(skills)
    request = WorkRequest.objects.create(author=author, opportunity=opportunity, **fields)
    RequestSkill.objects.bulk_create(
        [RequestSkill(request=request, node=node, min_level=level) for node, level in needed]
    )
    log_action(
        actor=actor,
        action="request.created",
        target=request,
        subject=author,
        data={"kind": kind, "title": fields["title"]},
    )
    if publish:
        request_publish(actor=actor, request=request, today=today)
    return request


@transaction.atomic
def request_publish(
    *, actor: User | None, request: WorkRequest, today: dt.date | None = None
) -> list[RequestMatch]:
    """Open the request: compute its matching members (fair order), store them and tell them."""
    today = today or timezone.localdate()
    request = WorkRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.DRAFT:
        raise ValidationError(_("Seul un brouillon peut être publié."))
    if not request.skills.exists():
        raise ValidationError(
            {"skills": _("Indiquez au moins une compétence recherchée avant de publier.")}
        )
    if request.answer_deadline < today:
        raise ValidationError(
            {
                "answer_deadline": _("La date limite de réponse (%(d)s) est déjà passée.")
                % {"d": request.answer_deadline.strftime("%d/%m/%Y")}
            }
        )
    found = matching_members(request, today=today)
    RequestMatch.objects.filter(request=request).delete()
    matches = RequestMatch.objects.bulk_create(
        [
            RequestMatch(request=request, member_id=m.member_id, rank=rank, covered=m.covered)
            for rank, m in enumerate(found, start=1)
        ]
    )
    request.status = RequestStatus.OPEN
    request.published_at = timezone.now()
    request.save(update_fields=["status", "published_at", "updated_at"])
    log_action(
        actor=actor,
        action="request.published",
        target=request,
        subject=request.author,
        data={"matches": len(matches)},
    )
    users = User.objects.filter(member__id__in=[m.member_id for m in found], is_active=True)
    notify(
        users=users,
        kind="request.match",
        title=_("Une demande correspond à vos compétences : %(title)s") % {"title": request.title},
        body=_("%(author)s cherche : %(kind)s. Répondre avant le %(date)s.")
        % {
            "author": request.author,
            "kind": request.get_kind_display(),
            "date": request.answer_deadline.strftime("%d/%m/%Y"),
        },
        url=reverse("marketplace:request_detail", args=[request.pk]),
    )
    return matches


# ---------------------------------------------------------------- changing a request

# What may still change once the request is published: the members told about it answered
# what it said, so its kind, skills and place stay as they were.
OPEN_EDITABLE_FIELDS = ("description", "start_date", "end_date", "answer_deadline", "budget")
LIVE_STATUSES = (RequestStatus.OPEN, RequestStatus.DISCUSSION)
LIVE_RESPONSES = (ResponseStatus.SENT, ResponseStatus.SHORTLISTED)


def _locked(request: WorkRequest) -> WorkRequest:
    return (
        WorkRequest.objects.select_for_update(of=("self",))
        .select_related("author")
        .get(pk=request.pk)
    )


def _request_url(request: WorkRequest) -> str:
    return reverse("marketplace:request_detail", args=[request.pk])


def _user_of(member: Member) -> list[User]:
    return [member.user] if member.user_id and member.user else []


def _closed_error(request: WorkRequest) -> ValidationError:
    return ValidationError(
        _("Cette demande est close (%(status)s) : plus rien ne peut y changer.")
        % {"status": request.get_status_display().lower()}
    )


def _field_label(name: str) -> str:
    return str(WorkRequest._meta.get_field(name).verbose_name)


@transaction.atomic
def request_update(
    *,
    actor: User | None,
    request: WorkRequest,
    skills: Sequence[tuple[Node, int]] | None = None,
    publish: bool = False,
    today: dt.date | None = None,
    **fields: Any,
) -> WorkRequest:
    """Change a request: a draft entirely (and publish it with `publish`); a published one
    only its description, dates and budget (fields given with their current value are not
    changes)."""
    today = today or timezone.localdate()
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not a field of a request: {', '.join(sorted(unknown))}")
    request = _locked(request)
    if request.is_closed:
        raise _closed_error(request)
    if fields.get("answer_deadline") == request.answer_deadline:
        fields.pop("answer_deadline")  # unchanged: not checked against today again
    cleaned = _clean_fields(fields, today=today)
    changed = {k: v for k, v in cleaned.items() if getattr(request, k) != v}
    needed = _clean_skills(skills) if skills is not None else None
    current_skills = {(s.node_id, s.min_level) for s in request.skills.all()}
    skills_changed = needed is not None and {(n.pk, lv) for n, lv in needed} != current_skills
    if request.status != RequestStatus.DRAFT:
        frozen = [k for k in changed if k not in OPEN_EDITABLE_FIELDS]
        if skills_changed:
            frozen.append("skills")
        if frozen:
            name = frozen[0]
            label = _("compétences recherchées") if name == "skills" else _field_label(name)
            raise ValidationError(
                {
                    name: _(
                        "Une demande publiée ne peut plus changer de « %(field)s » : seuls la "
                        "description, les dates et le budget peuvent encore changer. Annulez-la "
                        "et publiez-en une nouvelle si besoin."
                    )
                    % {"field": label}
                }
            )
    start = changed.get("start_date", request.start_date)
    end = changed.get("end_date", request.end_date)
    if start and end and end < start:
        raise ValidationError({"end_date": _("La fin est avant le début.")})
    before = {k: getattr(request, k) for k in changed}
    for name, value in changed.items():
        setattr(request, name, value)
    if changed:
        request.save(update_fields=[*changed, "updated_at"])
    if skills_changed and needed is not None:
        RequestSkill.objects.filter(request=request).delete()
        RequestSkill.objects.bulk_create(
            [RequestSkill(request=request, node=node, min_level=lv) for node, lv in needed]
        )
    if changed or skills_changed:
        data = {"skills": [f"{n.code} ≥ {lv}" for n, lv in needed]} if skills_changed else {}
        log_action(
            actor=actor,
            action="request.updated",
            target=request,
            subject=request.author,
            changes=diff(before, changed),
            data=data,
        )
    if publish:
        request_publish(actor=actor, request=request, today=today)
        request.refresh_from_db()
    return request


def _close(request: WorkRequest, status: str) -> None:
    request.status = status
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at", "updated_at"])


@transaction.atomic
def request_cancel(*, actor: User | None, request: WorkRequest) -> WorkRequest:
    """The author gives up the request; those who answered are told."""
    request = _locked(request)
    if request.is_closed:
        raise _closed_error(request)
    before = request.status
    _close(request, RequestStatus.CANCELLED)
    log_action(
        actor=actor,
        action="request.cancelled",
        target=request,
        subject=request.author,
        changes={"status": [before, request.status]},
    )
    responders = User.objects.filter(
        member__request_responses__request=request,
        member__request_responses__status__in=LIVE_RESPONSES,
    )
    notify(
        users=responders,
        kind="request.cancelled",
        title=_("Demande annulée : %(title)s") % {"title": request.title},
        body=_("%(author)s a annulé sa demande. Merci d'avoir pris le temps de répondre.")
        % {"author": request.author},
        url=_request_url(request),
    )
    return request


@transaction.atomic
def requests_expire(*, today: dt.date | None = None) -> int:
    """Close the open requests whose answer deadline has passed (run every night); their
    authors are told. Returns how many expired."""
    today = today or timezone.localdate()
    due = list(
        WorkRequest.objects.select_for_update(of=("self",))
        .select_related("author__user")
        .filter(status__in=LIVE_STATUSES, answer_deadline__lt=today)
        .order_by("pk")
    )
    for request in due:
        before = request.status
        _close(request, RequestStatus.EXPIRED)
        log_action(
            actor=None,
            action="request.expired",
            target=request,
            subject=request.author,
            changes={"status": [before, request.status]},
        )
        notify(
            users=_user_of(request.author),
            kind="request.expired",
            title=_("Votre demande a expiré : %(title)s") % {"title": request.title},
            body=_(
                "La date limite de réponse (%(date)s) est passée. Vous pouvez publier une "
                "nouvelle demande si le besoin demeure."
            )
            % {"date": request.answer_deadline.strftime("%d/%m/%Y")},
            url=_request_url(request),
        )
    return len(due)


# ---------------------------------------------------------------- responses


def _check_live(request: WorkRequest, today: dt.date) -> None:
    if request.status == RequestStatus.DRAFT:
        raise ValidationError(_("Cette demande n'est pas encore publiée."))
    if request.is_closed:
        raise _closed_error(request)
    if request.answer_deadline < today:
        raise ValidationError(
            _(
                "La date limite de réponse (%(d)s) est passée : cette demande n'accepte plus de "
                "réponse."
            )
            % {"d": request.answer_deadline.strftime("%d/%m/%Y")}
        )


@transaction.atomic
def response_submit(
    *,
    actor: User | None,
    request: WorkRequest,
    member: Member,
    message: str,
    availability: str = "",
    price: object = None,
    today: dt.date | None = None,
) -> RequestResponse:
    """A member of the cooperative answers an open request (matched or not: the matching only
    tells people, it does not choose who may answer). Its author is told."""
    today = today or timezone.localdate()
    request = _locked(request)
    _check_live(request, today)
    if member.pk == request.author_id:
        raise ValidationError(_("Vous ne pouvez pas répondre à votre propre demande."))
    if member.exit_date is not None:
        raise ValidationError(_("%(name)s a quitté la coopérative.") % {"name": member})
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Écrivez un message à l'auteur de la demande.")})
    availability = (availability or "").strip()
    if len(availability) > 255:
        raise ValidationError({"availability": _("255 caractères au plus.")})
    amount = clean_money(price, "price")
    response = RequestResponse.objects.filter(request=request, member=member).first()
    if response is not None and response.status != ResponseStatus.WITHDRAWN:
        raise ValidationError(
            _("Vous avez déjà répondu à cette demande : votre réponse est « %(status)s ».")
            % {"status": response.get_status_display().lower()}
        )
    if response is None:
        response = RequestResponse.objects.create(
            request=request,
            member=member,
            message=message,
            availability=availability,
            price=amount,
        )
    else:  # answering again after withdrawing: the same row, sent anew
        response.message, response.availability, response.price = message, availability, amount
        response.status, response.created_at, response.decided_at = (
            ResponseStatus.SENT,
            timezone.now(),
            None,
        )
        response.save()
    if request.status == RequestStatus.OPEN:
        request.status = RequestStatus.DISCUSSION
        request.save(update_fields=["status", "updated_at"])
    log_action(
        actor=actor,
        action="response.submitted",
        target=response,
        subject=member,
        data={"request": request.pk, "price": amount},
    )
    notify(
        users=_user_of(request.author),
        kind="response.received",
        title=_("Nouvelle réponse à votre demande : %(title)s") % {"title": request.title},
        body=_("%(member)s vous propose son aide.") % {"member": member},
        url=_request_url(request),
    )
    return response


def _reopen_if_unanswered(request: WorkRequest) -> None:
    """Back to "open" when no live response is left: "in discussion" would mislead."""
    if (
        request.status == RequestStatus.DISCUSSION
        and not request.responses.filter(status__in=LIVE_RESPONSES).exists()
    ):
        request.status = RequestStatus.OPEN
        request.save(update_fields=["status", "updated_at"])


def _locked_response(response: RequestResponse) -> tuple[RequestResponse, WorkRequest]:
    request = _locked(response.request)
    found = RequestResponse.objects.select_related("member__user").get(pk=response.pk)
    found.request = request
    return found, request


def _decide(response: RequestResponse, status: str, *, actor: User | None, action: str) -> None:
    before = response.status
    response.status = status
    response.decided_at = timezone.now()
    response.save(update_fields=["status", "decided_at"])
    log_action(
        actor=actor,
        action=action,
        target=response,
        subject=response.member,
        changes={"status": [before, status]},
    )


@transaction.atomic
def response_withdraw(*, actor: User | None, response: RequestResponse) -> RequestResponse:
    """The responder takes their answer back (while the request is still open)."""
    response, request = _locked_response(response)
    if request.is_closed:
        raise _closed_error(request)
    if response.status not in LIVE_RESPONSES:
        raise ValidationError(
            _("Cette réponse est « %(status)s » : elle ne peut plus être retirée.")
            % {"status": response.get_status_display().lower()}
        )
    _decide(response, ResponseStatus.WITHDRAWN, actor=actor, action="response.withdrawn")
    _reopen_if_unanswered(request)
    notify(
        users=_user_of(request.author),
        kind="response.withdrawn",
        title=_("Réponse retirée : %(title)s") % {"title": request.title},
        body=_("%(member)s a retiré sa réponse.") % {"member": response.member},
        url=_request_url(request),
    )
    return response


@transaction.atomic
def response_shortlist(*, actor: User | None, response: RequestResponse) -> RequestResponse:
    """The author keeps an answer for the next round; its author is told."""
    response, request = _locked_response(response)
    if request.is_closed:
        raise _closed_error(request)
    if response.status != ResponseStatus.SENT:
        raise ValidationError(
            _("Seule une réponse envoyée peut être retenue ; celle-ci est « %(status)s ».")
            % {"status": response.get_status_display().lower()}
        )
    _decide(response, ResponseStatus.SHORTLISTED, actor=actor, action="response.shortlisted")
    notify(
        users=_user_of(response.member),
        kind="response.shortlisted",
        title=_("Votre réponse est retenue pour la suite : %(title)s") % {"title": request.title},
        body=_("%(author)s reviendra vers vous pour en parler.") % {"author": request.author},
        url=_request_url(request),
    )
    return response


def _tell_declined(responses: Sequence[RequestResponse], request: WorkRequest) -> None:
    """The polite word to those who were not chosen."""
    notify(
        users=[u for r in responses for u in _user_of(r.member)],
        kind="response.declined",
        title=_("Merci pour votre réponse : %(title)s") % {"title": request.title},
        body=_(
            "%(author)s vous remercie d'avoir répondu à sa demande. Une autre proposition a "
            "été retenue cette fois-ci ; ce n'est pas un jugement sur votre travail, et "
            "d'autres demandes vous attendent sur la place de marché."
        )
        % {"author": request.author},
        url=_request_url(request),
    )


@transaction.atomic
def response_decline(*, actor: User | None, response: RequestResponse) -> RequestResponse:
    """One click: the answer is not retained, and its author receives a polite message."""
    response, request = _locked_response(response)
    if request.is_closed:
        raise _closed_error(request)
    if response.status not in LIVE_RESPONSES:
        raise ValidationError(
            _("Cette réponse est « %(status)s » : elle ne peut plus être déclinée.")
            % {"status": response.get_status_display().lower()}
        )
    _decide(response, ResponseStatus.DECLINED, actor=actor, action="response.declined")
    _reopen_if_unanswered(request)
    _tell_declined([response], request)
    return response


@transaction.atomic
def request_award(
    *, actor: User | None, request: WorkRequest, responses: Sequence[RequestResponse]
) -> Deal:
    """Award the request to one or several of those who answered: the deal is recorded, the
    chosen answers are awarded, the others declined with a polite message. All or nothing."""
    request = _locked(request)
    if request.is_closed:
        raise _closed_error(request)
    if request.status == RequestStatus.DRAFT:
        raise ValidationError(_("Cette demande n'est pas encore publiée."))
    if not responses:
        raise ValidationError(
            {"responses": _("Cochez au moins une réponse pour attribuer la demande.")}
        )
    ids = [r.pk for r in responses]
    if len(set(ids)) != len(ids):
        raise ValidationError({"responses": _("Une même réponse est choisie deux fois.")})
    chosen = list(
        RequestResponse.objects.select_for_update(of=("self",))
        .select_related("member__user")
        .filter(pk__in=ids)
        .order_by("created_at", "pk")
    )
    for response in chosen:
        if response.request_id != request.pk:
            raise ValidationError(
                {
                    "responses": _(
                        "%(name)s n'a pas répondu à cette demande : on ne l'attribue qu'à des "
                        "membres qui y ont répondu."
                    )
                    % {"name": response.member}
                }
            )
        if response.status == ResponseStatus.WITHDRAWN:
            raise ValidationError(
                {
                    "responses": _(
                        "%(name)s a retiré sa réponse : la demande ne peut pas lui être attribuée."
                    )
                    % {"name": response.member}
                }
            )
    # Imported here: the deals module reads this one's money helpers when it loads.
    from essaim.marketplace.services.deals import deal_from_request

    for response in chosen:
        response.request = request
    deal = deal_from_request(actor=actor, request=request, responses=chosen)
    for response in chosen:
        _decide(response, ResponseStatus.AWARDED, actor=actor, action="response.awarded")
    others = list(
        request.responses.select_for_update(of=("self",))
        .select_related("member__user")
        .filter(status__in=LIVE_RESPONSES)
        .exclude(pk__in=ids)
    )
    for response in others:
        _decide(response, ResponseStatus.DECLINED, actor=actor, action="response.declined")
    before = request.status
    _close(request, RequestStatus.AWARDED)
    log_action(
        actor=actor,
        action="request.awarded",
        target=request,
        subject=request.author,
        changes={"status": [before, request.status]},
        data={"deal": deal.pk, "to": [str(r.member) for r in chosen]},
    )
    _tell_declined(others, request)
    return deal


# ---------------------------------------------------------------- introductions


@transaction.atomic
def introduction_add(
    *, actor: User, request: WorkRequest, member: Member, reason: str
) -> RequestIntroduction:
    """An advisor points the request's author to a member (a *mise en relation*); both are
    told. The statistics compare these with the matches members find themselves."""
    request = _locked(request)
    if request.status == RequestStatus.DRAFT:
        raise ValidationError(_("Cette demande n'est pas encore publiée."))
    if request.is_closed:
        raise _closed_error(request)
    if member.pk == request.author_id:
        raise ValidationError(
            {"member": _("%(name)s est l'auteur de la demande.") % {"name": member}}
        )
    if member.exit_date is not None:
        raise ValidationError({"member": _("%(name)s a quitté la coopérative.") % {"name": member}})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Dites en quelques mots pourquoi vous présentez ce membre.")}
        )
    if RequestIntroduction.objects.filter(request=request, member=member).exists():
        raise ValidationError(
            {"member": _("%(name)s a déjà été présenté·e pour cette demande.") % {"name": member}}
        )
    introduction = RequestIntroduction.objects.create(
        request=request, member=member, advisor=actor, reason=reason
    )
    log_action(
        actor=actor,
        action="request.introduction_added",
        target=introduction,
        subject=request.author,
        data={"request": request.pk, "member": str(member)},
    )
    advisor = actor.get_full_name() or actor.email
    notify(
        users=_user_of(request.author),
        kind="request.introduction",
        title=_("%(advisor)s vous présente %(member)s pour votre demande « %(title)s »")
        % {"advisor": advisor, "member": member, "title": request.title},
        body=reason,
        url=_request_url(request),
    )
    notify(
        users=_user_of(member),
        kind="request.introduction",
        title=_("%(advisor)s vous signale la demande « %(title)s » de %(author)s")
        % {"advisor": advisor, "title": request.title, "author": request.author},
        body=reason,
        url=_request_url(request),
    )
    return introduction
