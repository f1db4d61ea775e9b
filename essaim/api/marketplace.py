"""The marketplace: /offers, /requests (with their responses, publication and award) and
/deals (with their status).

Who sees and does what comes from `essaim.marketplace.rules`, as on the pages:
- the people of the cooperative (entrepreneurs, advisors, staff) browse offers, published
  requests and the deals they may see; the entrepreneurs publish offers and requests, answer
  and record deals (a member only as a party); any other account is refused (403);
- a draft is seen by its author only, and any request, offer or deal the caller may not see
  answers 404 like an id that does not exist;
- a request's responses are read by its author and the advisors only (403 for the others),
  and the author alone publishes and awards it;
- a deal is seen by its parties, the advisors and management staff, and moved along by its
  parties and management staff.

Writes go through the marketplace's services; what they refuse (a negative amount, a past
deadline, an award to someone who did not answer…) answers 422 with the French message and the
field at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import AuthorizationError, HttpError

from essaim.api.marketplace_schemas import (
    AwardIn,
    DealDetailOut,
    DealIn,
    DealOut,
    DealPageOut,
    DealQuery,
    DealStatusIn,
    FeedbackOut,
    MatchOut,
    MemberRefOut,
    NodeRefOut,
    OfferIn,
    OfferOut,
    OfferPageOut,
    OfferQuery,
    PartyOut,
    ProviderOut,
    RequestDetailOut,
    RequestIn,
    RequestOut,
    RequestPageOut,
    RequestQuery,
    RequestSkillOut,
    ResponseIn,
    ResponseOut,
)
from essaim.api.schemas import ErrorOut, ValidationErrorOut
from essaim.core import roles
from essaim.marketplace import rules
from essaim.marketplace.models import (
    Deal,
    DealOrigin,
    Offer,
    RequestResponse,
    WorkRequest,
)
from essaim.marketplace.selectors import deals as deal_selectors
from essaim.marketplace.selectors import offers as offer_selectors
from essaim.marketplace.selectors import requests as request_selectors
from essaim.marketplace.services import deals as deal_services
from essaim.marketplace.services import offers as offer_services
from essaim.marketplace.services import requests as request_services
from essaim.members.models import Activity, Member
from essaim.members.selectors import member_of_user
from essaim.skills import geo
from essaim.skills.models import Node
from essaim.skills.selectors import node_by_code

router = Router(tags=["Place de marché"])


# ---------------------------------------------------------------- helpers


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _activity(member: Member) -> str | None:
    try:
        activity: Activity = member.activity
    except Activity.DoesNotExist:
        return None
    return activity.name


def _member_ref(member: Member) -> MemberRefOut:
    return MemberRefOut(id=member.pk, name=str(member), activity=_activity(member))


def _party(member: Member) -> PartyOut:
    return PartyOut(id=member.pk, name=str(member))


def _unprocessable(errors: dict[str, list[str]], where: str = "body") -> JsonResponse:
    """A 422 shaped like ninja's own: a French summary and the fields at fault."""
    items = [
        {
            "loc": [where] if field == "__all__" else [where, field],
            "msg": msg,
            "type": "value_error",
        }
        for field, messages in errors.items()
        for msg in messages
    ]
    summary = " ; ".join(str(item["msg"]) for item in items)
    return JsonResponse(
        {"detail": _("Requête invalide : %(message)s") % {"message": summary}, "errors": items},
        status=422,
        json_dumps_params={"ensure_ascii": False},
    )


def _refused(exc: DjangoValidationError) -> JsonResponse:
    if hasattr(exc, "error_dict"):
        return _unprocessable({f: [str(m) for m in msgs] for f, msgs in exc.message_dict.items()})
    return _unprocessable({"__all__": [str(m) for m in exc.messages]})


def _page(qs: Any, limit: int, offset: int) -> tuple[list[Any], int]:
    page = list(qs[offset : offset + limit])
    # Skip the COUNT when the page shows that nothing lies beyond it.
    count = len(page) if offset == 0 and len(page) < limit else qs.count()
    return page, count


def _require_marketplace(user: Any) -> None:
    if not rules.can_use_marketplace(user):
        raise AuthorizationError(
            message=_("La place de marché est réservée aux personnes de la coopérative.")
        )


def _own_member(user: Any) -> Member:
    """The caller's member record: writing offers and requests is for entrepreneurs."""
    member = member_of_user(user) if rules.can_take_part(user) else None
    if member is None or member.exit_date is not None:
        raise AuthorizationError(
            message=_(
                "Seul·es les entrepreneur·es présent·es dans la coopérative publient des offres "
                "et des demandes et y répondent."
            )
        )
    return member


def _node(code: str) -> Node | None:
    return node_by_code(code) if code.strip() else None


def _unknown_node(code: str, field: str, where: str = "query") -> JsonResponse:
    return _unprocessable(
        {field: [_("code de compétence inconnu « %(code)s ».") % {"code": code}]}, where
    )


def _bad_zone(zone: str, where: str = "query") -> JsonResponse:
    return _unprocessable(
        {
            "zone": [
                _("« %(zone)s » n'est pas un département français (ex. 75, 93, 2A, 974).")
                % {"zone": zone}
            ]
        },
        where,
    )


# ---------------------------------------------------------------- offers


def offer_out(offer: Offer) -> OfferOut:
    """An offer; its member's activity and its nodes are expected loaded."""
    return OfferOut(
        id=offer.pk,
        title=offer.title,
        description=offer.description,
        member=_member_ref(offer.member),
        skills=[NodeRefOut(code=n.code, label=n.label) for n in offer.nodes.all()],
        price=_money(offer.price),
        price_unit=offer.price_unit,
        price_unit_label=offer.get_price_unit_display() if offer.price_unit else "",
        audience=offer.audience,
        active=offer.active,
        created_at=offer.created_at,
    )


@router.get(
    "/offers",
    response={200: OfferPageOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Offres des membres",
)
def offer_list(request: HttpRequest, params: Query[OfferQuery]) -> Any:
    """Les offres publiées des membres présents, comme la page Offres : les plus pertinentes
    d'abord, à égalité dans l'ordre équitable du jour. Réservé aux personnes de la coopérative."""
    _require_marketplace(request.auth)  # type: ignore[attr-defined]
    node = _node(params.skill)
    if params.skill.strip() and node is None:
        return _unknown_node(params.skill, "skill")
    zone = None
    if params.zone.strip():
        zone = geo.normalise_zone(params.zone)
        if zone is None:
            return _bad_zone(params.zone)
    qs = offer_selectors.offers_search(
        query=offer_selectors.OfferQuery(
            text=params.q, node_code=node.code if node else None, zone=zone
        )
    )
    page, count = _page(qs, params.limit, params.offset)
    return OfferPageOut(
        count=count,
        limit=params.limit,
        offset=params.offset,
        items=[offer_out(o) for o in page],
    )


@router.get(
    "/offers/{offer_id}",
    response={200: OfferOut, 401: ErrorOut, 404: ErrorOut},
    summary="Une offre",
)
def offer_detail(request: HttpRequest, offer_id: int) -> OfferOut:
    """Une offre que vous pouvez voir (publiée ; en pause : son auteur·e seulement)."""
    try:
        offer = offer_selectors.offer_for_members(offer_id)
    except Offer.DoesNotExist:
        offer = None
    if offer is None or not rules.can_see_offer(request.auth, offer):  # type: ignore[attr-defined]
        raise HttpError(
            404, _("Aucune offre n° %(id)s parmi celles que vous pouvez voir.") % {"id": offer_id}
        )
    return offer_out(offer)


@router.post(
    "/offers",
    response={201: OfferOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Publier une offre",
)
def offer_create(request: HttpRequest, body: OfferIn) -> Any:
    """Une entrepreneure publie une offre de service ou de produit (prix vide : sur devis)."""
    user = request.auth  # type: ignore[attr-defined]
    member = _own_member(user)
    nodes = []
    for code in body.skills:
        node = node_by_code(code)
        if node is None:
            return _unknown_node(code, "skills", "body")
        nodes.append(node)
    try:
        offer = offer_services.offer_save(
            actor=user,
            member=member,
            title=body.title,
            description=body.description,
            nodes=nodes,
            price=body.price,
            price_unit=body.price_unit,
            audience=body.audience,
            active=body.active,
        )
    except DjangoValidationError as exc:
        return _refused(exc)
    return Status(201, offer_out(offer_selectors.offer_for_members(offer.pk)))


# ---------------------------------------------------------------- requests


def request_out(work: WorkRequest, schema: type[RequestOut] = RequestOut, **extra: Any) -> Any:
    """A request; its author's activity and its skills' nodes are expected loaded."""
    return schema(
        id=work.pk,
        kind=work.kind,
        kind_label=work.get_kind_display(),
        title=work.title,
        description=work.description,
        author=_member_ref(work.author),
        status=work.status,
        status_label=work.get_status_display(),
        skills=[
            RequestSkillOut(code=s.node.code, label=s.node.label, min_level=s.min_level)
            for s in work.skills.all()
        ],
        start_date=work.start_date,
        end_date=work.end_date,
        estimated_hours=_number(work.estimated_hours),
        estimated_days=_number(work.estimated_days),
        budget=_money(work.budget),
        zone=work.zone,
        remote=work.remote,
        answer_deadline=work.answer_deadline,
        published_at=work.published_at,
        closed_at=work.closed_at,
        created_at=work.created_at,
        **extra,
    )


def _visible_request(user: Any, request_id: int) -> WorkRequest:
    """A request the caller may see, else 404 (a draft of someone else is not there)."""
    try:
        work = request_selectors.request_detail(request_id)
    except WorkRequest.DoesNotExist:
        work = None
    if work is None or not rules.can_see_request(user, work):
        raise HttpError(
            404,
            _("Aucune demande n° %(id)s parmi celles que vous pouvez voir.") % {"id": request_id},
        )
    return work


@router.get(
    "/requests",
    response={200: RequestPageOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Demandes publiées",
)
def request_list(request: HttpRequest, params: Query[RequestQuery]) -> Any:
    """Le tableau des demandes : les demandes ouvertes aux réponses, les plus récentes d'abord
    (un autre état avec `status`) ; avec `mine`, les vôtres, brouillons compris."""
    user = request.auth  # type: ignore[attr-defined]
    _require_marketplace(user)
    member = _own_member(user) if params.mine or params.matching_me else None
    if member is not None and params.mine:
        qs: Any = request_selectors.requests_of(member).select_related("author__activity")
        if params.status:
            qs = qs.filter(status=params.status.value)
    else:
        node = _node(params.skill)
        if params.skill.strip() and node is None:
            return _unknown_node(params.skill, "skill")
        zone = ""
        if params.zone.strip():
            zone = geo.normalise_zone(params.zone) or ""
            if not zone:
                return _bad_zone(params.zone)
        qs = request_selectors.request_board(
            user=user,
            filters=request_selectors.BoardFilters(
                text=params.q,
                kind=params.kind.value if params.kind else "",
                node=node,
                zone=zone,
                status=params.status.value if params.status else "",
                matching=member if params.matching_me else None,
            ),
        )
    page, count = _page(qs, params.limit, params.offset)
    return RequestPageOut(
        count=count,
        limit=params.limit,
        offset=params.offset,
        items=[request_out(r) for r in page],
    )


@router.get(
    "/requests/{request_id}",
    response={200: RequestDetailOut, 401: ErrorOut, 404: ErrorOut},
    summary="Une demande",
)
def request_detail(request: HttpRequest, request_id: int) -> Any:
    """Une demande publiée (un brouillon : son auteur·e seulement), avec, pour son auteur·e et
    l'accompagnement, la liste entière des membres correspondants dans l'ordre équitable."""
    user = request.auth  # type: ignore[attr-defined]
    work = _visible_request(user, request_id)
    matches = None
    if rules.can_see_matches(user, work):
        matches = [
            MatchOut(rank=row.match.rank, member=_member_ref(row.member), covered=row.match.covered)
            for row in request_selectors.request_matches(work)
        ]
    return request_out(work, RequestDetailOut, matches=matches)


@router.post(
    "/requests",
    response={201: RequestDetailOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Écrire une demande",
)
def request_create(request: HttpRequest, body: RequestIn) -> Any:
    """Une entrepreneure écrit une demande (brouillon, ou publiée tout de suite avec
    `publish` : les membres correspondants sont alors calculés et prévenus)."""
    user = request.auth  # type: ignore[attr-defined]
    member = _own_member(user)
    skills = []
    for skill in body.skills:
        node = node_by_code(skill.code)
        if node is None:
            return _unknown_node(skill.code, "skills", "body")
        skills.append((node, skill.min_level))
    try:
        work = request_services.request_create(
            actor=user,
            author=member,
            kind=body.kind,
            title=body.title,
            description=body.description,
            answer_deadline=body.answer_deadline,
            skills=skills,
            start_date=body.start_date,
            end_date=body.end_date,
            estimated_hours=body.estimated_hours,
            estimated_days=body.estimated_days,
            budget=body.budget,
            zone=body.zone,
            remote=body.remote,
            publish=body.publish,
        )
    except DjangoValidationError as exc:
        return _refused(exc)
    return Status(201, request_detail(request, work.pk))


@router.post(
    "/requests/{request_id}/publish",
    response={
        200: RequestDetailOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="Publier une demande",
)
def request_publish(request: HttpRequest, request_id: int) -> Any:
    """Son auteur·e publie un brouillon : les membres correspondants sont calculés, rangés
    dans l'ordre équitable et prévenus."""
    user = request.auth  # type: ignore[attr-defined]
    work = _visible_request(user, request_id)
    if not rules.can_edit_request(user, work):
        raise AuthorizationError(message=_("Seul·e l'auteur·e d'une demande peut la publier."))
    try:
        request_services.request_publish(actor=user, request=work)
    except DjangoValidationError as exc:
        return _refused(exc)
    return request_detail(request, work.pk)


def response_out(response: RequestResponse) -> ResponseOut:
    return ResponseOut(
        id=response.pk,
        request=response.request_id,
        member=_member_ref(response.member),
        message=response.message,
        availability=response.availability,
        price=_money(response.price),
        status=response.status,
        status_label=response.get_status_display(),
        created_at=response.created_at,
        decided_at=response.decided_at,
    )


@router.get(
    "/requests/{request_id}/responses",
    response={200: list[ResponseOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Réponses à une demande",
)
def response_list(request: HttpRequest, request_id: int) -> Any:
    """Les réponses à une demande : pour son auteur·e et les chargé·es d'accompagnement
    seulement (403 pour les autres, 404 si la demande n'est pas visible)."""
    user = request.auth  # type: ignore[attr-defined]
    work = _visible_request(user, request_id)
    if not rules.can_see_responses(user, work):
        raise AuthorizationError(
            message=_(
                "Les réponses à une demande ne sont lues que par son auteur·e et les chargé·es "
                "d'accompagnement."
            )
        )
    return [response_out(r) for r in request_selectors.request_responses(user=user, request=work)]


@router.post(
    "/requests/{request_id}/responses",
    response={
        201: ResponseOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="Répondre à une demande",
)
def response_create(request: HttpRequest, request_id: int, body: ResponseIn) -> Any:
    """Une entrepreneure répond à une demande ouverte : un message, ses disponibilités et un
    prix ; l'auteur·e est prévenu·e."""
    user = request.auth  # type: ignore[attr-defined]
    work = _visible_request(user, request_id)
    member = _own_member(user)
    try:
        response = request_services.response_submit(
            actor=user,
            request=work,
            member=member,
            message=body.message,
            availability=body.availability,
            price=body.price,
        )
    except DjangoValidationError as exc:
        return _refused(exc)
    response.member = member
    return Status(201, response_out(response))


@router.post(
    "/requests/{request_id}/award",
    response={
        200: DealDetailOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="Attribuer une demande",
)
def request_award(request: HttpRequest, request_id: int, body: AwardIn) -> Any:
    """Son auteur·e attribue la demande à une ou plusieurs réponses : l'affaire est
    enregistrée, les autres réponses déclinées avec un message courtois."""
    user = request.auth  # type: ignore[attr-defined]
    work = _visible_request(user, request_id)
    if not rules.can_edit_request(user, work):
        raise AuthorizationError(message=_("Seul·e l'auteur·e d'une demande peut l'attribuer."))
    chosen = {r.pk: r for r in RequestResponse.objects.filter(pk__in=body.responses, request=work)}
    strangers = [pk for pk in body.responses if pk not in chosen]
    if strangers:
        return _unprocessable(
            {
                "responses": [
                    _(
                        "La réponse n° %(id)s n'est pas une réponse à cette demande : on "
                        "n'attribue une demande qu'à des membres qui y ont répondu."
                    )
                    % {"id": pk}
                    for pk in strangers
                ]
            }
        )
    try:
        deal = request_services.request_award(
            actor=user, request=work, responses=[chosen[pk] for pk in body.responses]
        )
    except DjangoValidationError as exc:
        return _refused(exc)
    return deal_detail(request, deal.pk)


# ---------------------------------------------------------------- deals


def deal_out(deal: Deal, schema: type[DealOut] = DealOut, **extra: Any) -> Any:
    """A deal; its buyer and providers are expected loaded."""
    return schema(
        id=deal.pk,
        kind=deal.kind,
        kind_label=deal.get_kind_display(),
        title=deal.title,
        buyer=_party(deal.buyer),
        providers=[
            ProviderOut(
                member=_party(link.member), amount=_money(link.amount), hours=_number(link.hours)
            )
            for link in deal.provider_links.all()
        ],
        amount=_money(deal.amount),
        hours=_number(deal.hours),
        start_date=deal.start_date,
        end_date=deal.end_date,
        status=deal.status,
        status_label=deal.get_status_display(),
        origin=deal.origin,
        origin_label=deal.get_origin_display(),
        request=deal.request_id,
        created_at=deal.created_at,
        done_at=deal.done_at,
        **extra,
    )


def _visible_deal(user: Any, deal_id: int) -> Deal:
    try:
        return deal_selectors.deal_detail(user=user, pk=deal_id)
    except Deal.DoesNotExist:
        raise HttpError(
            404, _("Aucune affaire n° %(id)s parmi celles que vous pouvez voir.") % {"id": deal_id}
        ) from None


@router.get(
    "/deals",
    response={200: DealPageOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Affaires entre membres",
)
def deal_list(request: HttpRequest, params: Query[DealQuery]) -> Any:
    """Les affaires que vous pouvez voir, les plus récentes d'abord : les vôtres pour une
    entrepreneure ; toutes pour l'accompagnement et l'équipe de gestion."""
    user = request.auth  # type: ignore[attr-defined]
    _require_marketplace(user)
    qs = deal_selectors.deals_visible_to(
        user=user,
        filters=deal_selectors.DealFilters(
            kind=params.kind.value if params.kind else "",
            status=params.status.value if params.status else "",
            year=params.year,
        ),
    )
    page, count = _page(qs, params.limit, params.offset)
    return DealPageOut(
        count=count, limit=params.limit, offset=params.offset, items=[deal_out(d) for d in page]
    )


@router.get(
    "/deals/{deal_id}",
    response={200: DealDetailOut, 401: ErrorOut, 404: ErrorOut},
    summary="Une affaire",
)
def deal_detail(request: HttpRequest, deal_id: int) -> Any:
    """Une affaire dont vous êtes partie (ou toute affaire pour l'accompagnement et l'équipe de
    gestion), avec les retours que vous pouvez lire : les retours sont privés."""
    user = request.auth  # type: ignore[attr-defined]
    deal = _visible_deal(user, deal_id)
    feedback = [
        FeedbackOut(
            author=_party(f.author),
            about=_party(f.about),
            would_work_again=f.would_work_again,
            quality=f.quality,
            deadlines=f.deadlines,
            communication=f.communication,
            comment=f.comment,
            created_at=f.created_at,
        )
        for f in deal_selectors.feedback_visible_to(user=user, deal=deal)
    ]
    return deal_out(
        deal,
        DealDetailOut,
        feedback=feedback,
        feedback_count=deal_selectors.feedback_count(deal),
    )


def _members(ids: Sequence[int]) -> dict[int, Member]:
    return Member.objects.filter(pk__in=ids, exit_date__isnull=True).in_bulk()


@router.post(
    "/deals",
    response={201: DealDetailOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Enregistrer une affaire",
)
def deal_create(request: HttpRequest, body: DealIn) -> Any:
    """Enregistrer à la main une affaire entre membres : une entrepreneure pour une affaire
    dont elle est partie (donneuse d'ordre ou prestataire), l'équipe de gestion pour toute
    affaire."""
    user = request.auth  # type: ignore[attr-defined]
    if not rules.can_record_deal(user):
        raise AuthorizationError(
            message=_(
                "Seul·es les entrepreneur·es et l'équipe de gestion enregistrent des affaires."
            )
        )
    me = _own_member(user) if roles.is_entrepreneur(user) else None
    buyer_id = body.buyer if body.buyer is not None else (me.pk if me else None)
    if buyer_id is None:
        return _unprocessable({"buyer": [_("Indiquez le membre donneur d'ordre.")]})
    wanted = [buyer_id, *(p.member for p in body.providers)]
    found = _members(wanted)
    missing = [pk for pk in dict.fromkeys(wanted) if pk not in found]
    if missing:
        field = "buyer" if missing[0] == buyer_id else "providers"
        return _unprocessable(
            {
                field: [
                    _("Aucun membre n° %(id)s présent dans la coopérative.") % {"id": pk}
                    for pk in missing
                ]
            }
        )
    if me is not None and me.pk not in wanted:
        raise AuthorizationError(
            message=_(
                "Vous ne pouvez enregistrer qu'une affaire dont vous êtes partie (donneur "
                "d'ordre ou prestataire)."
            )
        )
    try:
        deal = deal_services.deal_create(
            actor=user,
            kind=body.kind,
            title=body.title,
            buyer=found[buyer_id],
            providers=[
                deal_services.ProviderShare(member=found[p.member], amount=p.amount, hours=p.hours)
                for p in body.providers
            ],
            amount=body.amount,
            hours=body.hours,
            start_date=body.start_date,
            end_date=body.end_date,
            status=body.status,
            origin=DealOrigin.DIRECT,
            done_at=body.done_at,
        )
    except DjangoValidationError as exc:
        return _refused(exc)
    return Status(201, deal_detail(request, deal.pk))


@router.post(
    "/deals/{deal_id}/status",
    response={
        200: DealDetailOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="Changer l'état d'une affaire",
)
def deal_status(request: HttpRequest, deal_id: int, body: DealStatusIn) -> Any:
    """Faire avancer une affaire (prévue → en cours → terminée, ou annulée) : ses parties et
    l'équipe de gestion."""
    user = request.auth  # type: ignore[attr-defined]
    deal = _visible_deal(user, deal_id)
    if not rules.can_edit_deal(user, deal):
        raise AuthorizationError(
            message=_("Seules les parties d'une affaire et l'équipe de gestion en changent l'état.")
        )
    try:
        deal_services.deal_set_status(
            actor=user, deal=deal, status=body.status, done_at=body.done_at
        )
    except DjangoValidationError as exc:
        return _refused(exc)
    return deal_detail(request, deal.pk)
