"""Collective life: /groups, /events and an event's /registrations.

Who sees and does what comes from the apps' rules (`essaim.groups.rules`,
`essaim.events.rules`), as on the pages:
- groups and events are for the people of the cooperative (entrepreneurs, advisors,
  management staff); any other account is refused (403);
- /groups lists the groups whose content the caller may read: every trade group (open to all),
  and the closed ones (project, brand) of which the caller is an active member — management
  staff read them all (moderation). A closed group the caller may not read answers 404, like an
  id that does not exist. (The pages also show a closed group's card, so that one may ask to
  join it; the API has no joining operation.)
- /events lists the events the caller may see: all but those on invitation, which only their
  guests, organiser, sponsor and management staff see; any other answers 404;
- an event's registrations are read in full by its organiser and management staff; anyone
  else reads their own row only. An entrepreneur registers (POST: a full event puts them on the
  waiting list, the answer says so) and cancels (DELETE: an invitation is declined the same
  way). What the events' services refuse (registrations closed, on invitation, event started
  or cancelled, already registered...) answers 422 with the French message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthorizationError, HttpError

from essaim.api.schemas import ErrorOut, ValidationErrorOut
from essaim.core.models import User
from essaim.events import rules as event_rules
from essaim.events import selectors as event_selectors
from essaim.events.models import Event, EventKind, Registration, RegistrationStatus
from essaim.events.services import registrations as registration_services
from essaim.groups import rules as group_rules
from essaim.groups import selectors as group_selectors
from essaim.groups.models import Group, GroupKind, Membership
from essaim.members.models import Member
from essaim.skills.selectors import node_by_code

router = Router(tags=["Vie collective"])

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


# ---------------------------------------------------------------- schemas


class NodeRefOut(Schema):
    code: str
    label: str


class MemberRefOut(Schema):
    id: int
    name: str


class PersonOut(Schema):
    """Une personne de la coopérative (compte Essaim)."""

    id: int
    name: str


class GroupOut(Schema):
    id: int
    kind: str = Field(description="trade (métier), project (projet) ou brand (marque)")
    kind_label: str
    name: str
    description: str
    status: str = Field(description="draft (en préparation), active ou closed")
    status_label: str
    is_open: bool = Field(description="Ouvert à tous les membres (groupes métier)")
    skills: list[NodeRefOut]
    member_count: int
    my_state: str | None = Field(
        description="Votre place dans le groupe : active, invited, requested ; null sinon"
    )
    created_at: dt.datetime


class GroupPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[GroupOut]


class GroupQuery(Schema):
    kind: GroupKind | None = Field(None, description="Type de groupe")
    skill: str = Field("", max_length=100, description="Code d'un nœud : son sous-arbre")
    mine: bool = Field(False, description="Seulement mes groupes")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class GroupMemberOut(Schema):
    member: MemberRefOut
    role: str
    role_label: str
    since: dt.date | None
    commitment_hours_per_month: int | None


class MilestoneOut(Schema):
    name: str
    due_date: dt.date
    reached_at: dt.date | None


class PhaseOut(Schema):
    name: str
    milestones: list[MilestoneOut]


class CharterOut(Schema):
    objective: str
    target_clients: str
    offer: str
    phases: list[PhaseOut]
    missing: list[str] = Field(description="Ce qui manque encore pour activer le groupe")


class TaskOut(Schema):
    id: int
    title: str
    owner: MemberRefOut | None
    due_date: dt.date | None
    status: str
    status_label: str
    done_at: dt.date | None


class HealthOut(Schema):
    """Le tableau de bord d'un groupe projet."""

    overdue_tasks: int
    milestones_reached: int
    milestones_total: int
    meetings_held: int
    members_below_commitment: list[MemberRefOut]
    last_progress: dt.date | None
    days_since_progress: int
    meetings_without_progress: int
    prompt: str = Field(
        description="La question posée quand les réunions s'enchaînent sans avancée"
    )


class CycleOut(Schema):
    kind: str
    kind_label: str
    title: str
    date: dt.date


class GroupDetailOut(GroupOut):
    members: list[GroupMemberOut]
    cycles: list[CycleOut] | None = Field(description="Plan annuel (groupes métier)")
    charter: CharterOut | None = Field(description="Charte (groupes projet)")
    tasks: list[TaskOut] | None = Field(description="Tâches (groupes projet)")
    health: HealthOut | None = Field(description="Tableau de bord (groupes projet)")
    split_rule: str | None = Field(description="Règle de partage du chiffre d'affaires (marque)")
    split_problems: list[str] | None


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    description: str
    start: dt.datetime
    end: dt.datetime
    place: str
    online_url: str
    capacity: int | None = Field(description="null : places illimitées")
    registration_mode: str = Field(description="open, closed ou invitation")
    status: str = Field(description="scheduled ou cancelled")
    organiser: PersonOut
    sponsor: PersonOut | None
    registered_count: int
    waiting_count: int
    seats_left: int | None = Field(description="null : places illimitées")
    my_status: str | None = Field(
        description="Votre inscription : registered, waiting, invited, cancelled ; null sinon"
    )
    attendance_taken: bool


class EventPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[EventOut]


class EventQuery(Schema):
    kind: EventKind | None = Field(None, description="Type d'événement")
    mine: bool = Field(False, description="Mes inscriptions, listes d'attente et invitations")
    from_date: dt.date | None = Field(
        None, description="Événements qui finissent ce jour ou après (par défaut : aujourd'hui)"
    )
    to_date: dt.date | None = Field(None, description="Événements qui commencent ce jour au plus")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class RegistrationOut(Schema):
    id: int
    event: int
    member: MemberRefOut
    status: str = Field(description="registered, waiting, invited ou cancelled")
    status_label: str
    position: int | None = Field(description="Rang sur la liste d'attente (1 : le prochain)")
    attendance: str = Field(description="present, absent, excused ; vide : pas notée")
    created_at: dt.datetime


class RegistrationAnswerOut(RegistrationOut):
    message: str = Field(description="Ce qui s'est passé, en français")


# ---------------------------------------------------------------- helpers


def _member_ref(member: Member) -> MemberRefOut:
    return MemberRefOut(id=member.pk, name=str(member))


def _person(user: User | None) -> PersonOut | None:
    return None if user is None else PersonOut(id=user.pk, name=user.get_full_name())


def _invalid(pairs: list[tuple[list[str], str]]) -> JsonResponse:
    """A 422 shaped like ninja's own: a French summary and where each problem is."""
    items = [{"loc": loc, "msg": msg, "type": "value_error"} for loc, msg in pairs]
    summary = " ; ".join(msg for _loc, msg in pairs)
    return JsonResponse(
        {"detail": _("Requête invalide : %(message)s") % {"message": summary}, "errors": items},
        status=422,
        json_dumps_params={"ensure_ascii": False},
    )


def _unprocessable(exc: DjangoValidationError) -> JsonResponse:
    """A service's refusal (its French messages, by field when it names them)."""
    if hasattr(exc, "error_dict"):
        return _invalid(
            [
                (["body"] if field == "__all__" else ["body", field], str(message))
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        )
    return _invalid([(["body"], str(message)) for message in exc.messages])


def _page(items: list[Any], limit: int, offset: int) -> list[Any]:
    return items[offset : offset + limit]


# ---------------------------------------------------------------- groups


def _require_groups(user: Any) -> None:
    if not group_rules.can_use_groups(user):
        raise AuthorizationError(
            message=_("Les groupes sont réservés aux personnes de la coopérative.")
        )


def _my_rows(user: Any) -> dict[int, Membership]:
    """The caller's current rows by group id, their member record attached (the rules read
    it): two queries for a whole list."""
    rows = group_selectors.my_memberships(user)
    if rows:
        me = group_selectors.member_of(user)
        for row in rows.values():
            row.member = me  # type: ignore[assignment]
    return rows


def group_out(
    group: Group, mine: Membership | None, schema: type[GroupOut] = GroupOut, **extra: Any
) -> Any:
    """A group; its nodes are expected prefetched and `member_count` annotated (or given)."""
    return schema(
        id=group.pk,
        kind=group.kind,
        kind_label=group.get_kind_display(),
        name=group.name,
        description=group.description,
        status=group.status,
        status_label=group.get_status_display(),
        is_open=group.is_open,
        skills=[NodeRefOut(code=n.code, label=n.label) for n in group.nodes.all()],
        member_count=extra.pop("member_count", getattr(group, "member_count", 0)),
        my_state=mine.state if mine is not None else None,
        created_at=group.created_at,
        **extra,
    )


@router.get(
    "/groups",
    response={200: GroupPageOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Groupes",
)
def group_list(request: HttpRequest, params: Query[GroupQuery]) -> Any:
    """Les groupes dont vous pouvez lire le contenu : tous les groupes métier ; les groupes
    projet et de marque dont vous êtes membre (tous pour l'équipe de gestion). Les groupes
    clos en dernier, puis par nom."""
    user = request.auth  # type: ignore[attr-defined]
    _require_groups(user)
    if params.skill.strip() and node_by_code(params.skill) is None:
        return _invalid(
            [
                (
                    ["query", "skill"],
                    _("paramètre « skill » : code de compétence inconnu « %(code)s »")
                    % {"code": params.skill},
                )
            ]
        )
    groups = group_selectors.group_list(
        user=user,
        filters=group_selectors.GroupFilters(
            kind=params.kind.value if params.kind else "", node=params.skill, mine=params.mine
        ),
    )
    mine = _my_rows(user)
    visible = [g for g in groups if group_rules.can_see_content(user, g, mine.get(g.pk))]
    return GroupPageOut(
        count=len(visible),
        limit=params.limit,
        offset=params.offset,
        items=[group_out(g, mine.get(g.pk)) for g in _page(visible, params.limit, params.offset)],
    )


def _charter(group: Group) -> CharterOut:
    charter = getattr(group, "charter", None)
    return CharterOut(
        objective=charter.objective if charter else "",
        target_clients=charter.target_clients if charter else "",
        offer=charter.offer if charter else "",
        phases=[
            PhaseOut(
                name=phase.name,
                milestones=[
                    MilestoneOut(name=m.name, due_date=m.due_date, reached_at=m.reached_at)
                    for m in phase.milestones.all()
                ],
            )
            for phase in group_selectors.phases_of(group)
        ],
        missing=group_selectors.charter_missing(group) if group.status == "draft" else [],
    )


def _health(group: Group, members: dict[int, Member]) -> HealthOut:
    panel = group_selectors.health_of(group)
    return HealthOut(
        overdue_tasks=len(panel.overdue_tasks),
        milestones_reached=panel.milestones_reached,
        milestones_total=panel.milestones_total,
        meetings_held=panel.meetings_held,
        members_below_commitment=[
            _member_ref(members[pk]) for pk in panel.below_commitment if pk in members
        ],
        last_progress=panel.last_progress,
        days_since_progress=panel.days_since_progress,
        meetings_without_progress=panel.meetings_without_progress,
        prompt=group_selectors.stall_prompt(panel),
    )


def _content(group: Group) -> dict[str, Any]:
    """What a group holds, by kind (null where the kind has none)."""
    rows = group_selectors.members_of(group)
    members = {row.member_id: row.member for row in rows}
    extra: dict[str, Any] = {
        "member_count": len(rows),
        "members": [
            GroupMemberOut(
                member=_member_ref(row.member),
                role=row.role,
                role_label=row.get_role_display(),
                since=row.start,
                commitment_hours_per_month=row.commitment_hours_per_month,
            )
            for row in rows
        ],
        "cycles": None,
        "charter": None,
        "tasks": None,
        "health": None,
        "split_rule": None,
        "split_problems": None,
    }
    if group.is_trade:
        extra["cycles"] = [
            CycleOut(kind=c.kind, kind_label=c.get_kind_display(), title=c.title, date=c.date)
            for c in group_selectors.cycles_of(group)
        ]
    if group.is_project:
        extra["charter"] = _charter(group)
        extra["tasks"] = [
            TaskOut(
                id=t.pk,
                title=t.title,
                owner=_member_ref(t.owner) if t.owner else None,
                due_date=t.due_date,
                status=t.status,
                status_label=t.get_status_display(),
                done_at=t.done_at,
            )
            for t in group_selectors.tasks_of(group)
        ]
        extra["health"] = _health(group, members)
    if group.is_brand:
        extra["split_rule"] = group.split_rule
        extra["split_problems"] = group_selectors.split_problems(group)
    return extra


@router.get(
    "/groups/{group_id}",
    response={200: GroupDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Un groupe",
)
def group_detail(request: HttpRequest, group_id: int) -> Any:
    """Un groupe et son contenu : ses membres ; le plan annuel d'un groupe métier ; la charte,
    les tâches et le tableau de bord d'un groupe projet ; la règle de partage d'un groupe de
    marque. Un groupe fermé dont vous n'êtes pas membre répond 404."""
    user = request.auth  # type: ignore[attr-defined]
    _require_groups(user)
    missing = HttpError(
        404, _("Aucun groupe n° %(id)s parmi ceux que vous pouvez voir.") % {"id": group_id}
    )
    try:
        group = group_selectors.group_for(group_id)
    except Group.DoesNotExist:
        raise missing from None
    mine = group_selectors.membership_of(user, group)
    if not group_rules.can_see_content(user, group, mine):
        raise missing
    return group_out(group, mine, GroupDetailOut, **_content(group))


# ---------------------------------------------------------------- events


def _require_events(user: Any) -> None:
    if not event_rules.can_use_events(user):
        raise AuthorizationError(
            message=_("Les événements sont réservés aux personnes de la coopérative.")
        )


def event_out(event: Event) -> EventOut:
    """An event annotated by `events.selectors.with_counts` (organiser and sponsor loaded)."""
    registered = event.registered_count  # type: ignore[attr-defined]
    return EventOut(
        id=event.pk,
        kind=event.kind,
        kind_label=event.get_kind_display(),
        title=event.title,
        description=event.description,
        start=timezone.localtime(event.start),
        end=timezone.localtime(event.end),
        place=event.place,
        online_url=event.online_url,
        capacity=event.capacity,
        registration_mode=event.registration_mode,
        status=event.status,
        organiser=_person(event.organiser),  # type: ignore[arg-type]
        sponsor=_person(event.sponsor),
        registered_count=registered,
        waiting_count=event.waiting_count,  # type: ignore[attr-defined]
        seats_left=None if event.capacity is None else max(event.capacity - registered, 0),
        my_status=event.my_status or None,  # type: ignore[attr-defined]
        attendance_taken=event.attendance_taken_at is not None,
    )


@router.get(
    "/events",
    response={200: EventPageOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Événements",
)
def event_list(request: HttpRequest, params: Query[EventQuery]) -> Any:
    """Les événements que vous pouvez voir, dans l'ordre du calendrier : par défaut ceux qui ne
    sont pas terminés (les annulés compris : il faut le savoir). `from_date` et `to_date`
    choisissent une autre période, `kind` un type, `mine` vos inscriptions."""
    user = request.auth  # type: ignore[attr-defined]
    _require_events(user)
    first = params.from_date or timezone.localdate()
    if params.to_date is not None and params.to_date < first:
        return _invalid(
            [
                (
                    ["query", "to_date"],
                    _("paramètre « to_date » (%(to)s) avant « from_date » (%(from)s)")
                    % {"to": params.to_date.isoformat(), "from": first.isoformat()},
                )
            ]
        )
    start, _end = event_selectors.local_day_bounds(first, first)
    events = event_selectors.events_visible_to(user).filter(end__gt=start)
    if params.to_date is not None:
        _start, end = event_selectors.local_day_bounds(params.to_date, params.to_date)
        events = events.filter(start__lt=end)
    if params.kind:
        events = events.filter(kind=params.kind.value)
    if params.mine:
        # "Mes inscriptions", as the calendar says it: registered, waiting or invited.
        events = events.filter(
            pk__in=Registration.objects.filter(
                member__user_id=user.pk, status__in=event_selectors.PENDING
            ).values("event_id")
        )
    events = event_selectors.with_counts(events, user).order_by("start", "id")
    page = list(events[params.offset : params.offset + params.limit])
    count = len(page) if params.offset == 0 and len(page) < params.limit else events.count()
    return EventPageOut(
        count=count,
        limit=params.limit,
        offset=params.offset,
        items=[event_out(e) for e in page],
    )


def _visible_event(user: Any, event_id: int) -> tuple[Event, Registration | None]:
    """The event and the caller's row, if the caller may see the event (404 otherwise)."""
    _require_events(user)
    try:
        event = event_selectors.event_for(event_id)
    except Event.DoesNotExist:
        event = None
    mine = event_selectors.registration_of(user, event) if event is not None else None
    if event is None or not event_rules.can_see_event(user, event, mine):
        raise HttpError(
            404, _("Aucun événement n° %(id)s parmi ceux que vous pouvez voir.") % {"id": event_id}
        )
    return event, mine


@router.get(
    "/events/{event_id}",
    response={200: EventOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Un événement",
)
def event_detail(request: HttpRequest, event_id: int) -> Any:
    """Un événement que vous pouvez voir (sur invitation : les invité·es, l'organisation, le
    parrain ou la marraine et l'équipe de gestion ; 404 pour les autres)."""
    user = request.auth  # type: ignore[attr-defined]
    event, _mine = _visible_event(user, event_id)
    counted = event_selectors.with_counts(Event.objects.filter(pk=event.pk), user).get()
    return event_out(counted)


def registration_out(
    row: Registration, schema: type[RegistrationOut] = RegistrationOut, **extra: Any
) -> Any:
    """A registration; its member is expected loaded."""
    return schema(
        id=row.pk,
        event=row.event_id,
        member=_member_ref(row.member),
        status=row.status,
        status_label=row.get_status_display(),
        position=row.position,
        attendance=row.attendance,
        created_at=row.created_at,
        **extra,
    )


@router.get(
    "/events/{event_id}/registrations",
    response={200: list[RegistrationOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Inscriptions à un événement",
)
def registration_list(request: HttpRequest, event_id: int) -> Any:
    """Pour l'organisation de l'événement et l'équipe de gestion : les inscrit·es (par nom),
    puis la liste d'attente dans l'ordre, puis les invitations, avec les présences. Pour
    toute autre personne : sa propre inscription seulement (liste vide sans inscription)."""
    user = request.auth  # type: ignore[attr-defined]
    event, mine = _visible_event(user, event_id)
    if event_rules.can_manage_event(user, event):
        return [registration_out(r) for r in event_selectors.registrations_of(event)]
    return [registration_out(mine)] if mine is not None else []


def _registered_message(row: Registration, event: Event) -> str:
    if row.status == RegistrationStatus.WAITING:
        return _(
            "« %(title)s » est complet : vous êtes sur la liste d'attente, au rang %(rank)d. "
            "Vous serez prévenu·e si une place se libère."
        ) % {"title": event.title, "rank": row.position}
    return _("Vous êtes inscrit·e à « %(title)s ».") % {"title": event.title}


def _own_member(user: Any) -> Member:
    member = event_selectors.member_of(user)
    if member is None:
        raise AuthorizationError(
            message=_(
                "Seul·es les entrepreneur·es membres de la coopérative s'inscrivent aux "
                "événements : aucune fiche de membre n'est rattachée à votre compte."
            )
        )
    return member


@router.post(
    "/events/{event_id}/registrations",
    response={
        201: RegistrationAnswerOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="M'inscrire à un événement",
)
def registration_create(request: HttpRequest, event_id: int) -> Any:
    """Vous inscrire (une invitation s'accepte ainsi). Un événement complet vous met sur la
    liste d'attente : `status` vaut alors `waiting`, `position` donne votre rang et `message`
    le dit. Inscriptions fermées, sur invitation, événement commencé ou annulé, déjà
    inscrit·e : 422 avec la raison."""
    user = request.auth  # type: ignore[attr-defined]
    event, _mine = _visible_event(user, event_id)
    member = _own_member(user)
    try:
        row = registration_services.registration_register(actor=user, event=event, member=member)
    except DjangoValidationError as exc:
        return _unprocessable(exc)
    row.member = member
    return Status(
        201,
        registration_out(row, RegistrationAnswerOut, message=_registered_message(row, event)),
    )


@router.delete(
    "/events/{event_id}/registrations",
    response={
        200: RegistrationAnswerOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="Annuler mon inscription",
)
def registration_delete(request: HttpRequest, event_id: int) -> Any:
    """Annuler votre inscription ou votre place sur la liste d'attente (la place libérée va
    au premier de la liste d'attente, prévenu·e), ou décliner une invitation. Sans inscription,
    ou l'événement commencé ou annulé : 422 avec la raison."""
    user = request.auth  # type: ignore[attr-defined]
    event, mine = _visible_event(user, event_id)
    member = _own_member(user)
    try:
        if mine is not None and mine.status == RegistrationStatus.INVITED:
            row = registration_services.registration_decline(actor=user, registration=mine)
            message = _("Invitation à « %(title)s » déclinée.") % {"title": event.title}
        elif mine is not None and mine.is_active:
            row = registration_services.registration_cancel(actor=user, registration=mine)
            message = _("Vous êtes désinscrit·e de « %(title)s ».") % {"title": event.title}
        else:
            raise DjangoValidationError(
                _("Vous n'êtes ni inscrit·e ni sur la liste d'attente de « %(title)s ».")
                % {"title": event.title}
            )
    except DjangoValidationError as exc:
        return _unprocessable(exc)
    row.member = member
    return registration_out(row, RegistrationAnswerOut, message=message)
