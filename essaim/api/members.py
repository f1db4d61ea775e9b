"""Members and advisors: /members, /members/me, /members/{id}, /advisors.

Who sees what (from `essaim.members.rules` and `members_visible_to`):
- the list: management staff see every member, an advisor their own entrepreneurs, an
  entrepreneur is refused (403);
- one member: anyone may read the members they may see (staff: all, advisor: their own,
  entrepreneur: themself); any other id answers 404 exactly like an id that does not exist,
  so the API never reveals who else is in the cooperative;
- /members/me: the caller's own record, 404 when no member record is attached to the account.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthorizationError, HttpError

from essaim.api.schemas import ErrorOut, ValidationErrorOut
from essaim.core.models import User
from essaim.members import path, rules, selectors
from essaim.members.models import (
    Activity,
    AdvisorAssignment,
    CurrentStage,
    Member,
    PathStage,
    Sector,
)

router = Router(tags=["Membres"])

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


class SectorOut(Schema):
    code: str
    label: str


class ActivityOut(Schema):
    name: str
    description: str
    sector: SectorOut | None


class PersonOut(Schema):
    """Un·e chargé·e d'accompagnement."""

    id: int
    first_name: str
    last_name: str
    full_name: str
    email: str


class AssignmentOut(Schema):
    advisor: PersonOut
    start: dt.date
    end: dt.date | None


class StageOut(Schema):
    id: int
    kind: str = Field(description="information, cape, cesa ou associate")
    kind_label: str
    start: dt.date
    end: dt.date | None
    planned_end: dt.date | None = Field(
        description="Fin enregistrée ; pour un CAPE sans fin, début + 12 mois − 1 jour"
    )
    trial_end: dt.date | None


class DeadlinesOut(Schema):
    """Les échéances que les règles du parcours déduisent des étapes."""

    cape_days: int = Field(description="Jours passés (ou contractés) en CAPE")
    cape_renewals_left: int | None = Field(description="Renouvellements de CAPE encore possibles")
    cape_end: dt.date | None = Field(description="Fin prévue de la dernière période de CAPE")
    trial_max_end: dt.date | None = Field(
        description="Dernier jour possible de la période d'essai du CESA (8 mois − CAPE)"
    )
    associate_deadline: dt.date | None = Field(
        description="Date limite pour devenir associé·e (début du CESA + 3 ans − CAPE)"
    )


class ExitOut(Schema):
    date: dt.date
    reason: str
    reason_label: str


class MemberSummaryOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    city: str
    stage: str
    stage_label: str
    cohort_year: int | None
    advisor: PersonOut | None
    activity: ActivityOut | None
    exit_date: dt.date | None


class MemberOut(Schema):
    id: int
    external_id: str | None
    first_name: str
    last_name: str
    email: str
    phone: str
    postal_code: str
    city: str
    activity: ActivityOut | None
    advisor: PersonOut | None
    advisor_history: list[AssignmentOut]
    stage: str
    stage_label: str
    cohort_year: int | None
    stages: list[StageOut]
    deadlines: DeadlinesOut
    exit: ExitOut | None


class MemberPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[MemberSummaryOut]


class MemberListQuery(Schema):
    q: str = Field("", max_length=200, description="Nom, prénom ou e-mail (sans accents ni casse)")
    stage: CurrentStage | None = Field(None, description="Étape actuelle")
    advisor: int | None = Field(None, description="Identifiant du ou de la chargé·e")
    cohort: int | None = Field(None, description="Année de la cohorte d'entrée")
    sector: str = Field("", max_length=40, description="Code du secteur d'activité")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def _person(user: User | None) -> PersonOut | None:
    if user is None:
        return None
    return PersonOut(
        id=user.pk,
        first_name=user.first_name,
        last_name=user.last_name,
        full_name=user.get_full_name() or user.email,
        email=user.email,
    )


def _activity(member: Member) -> ActivityOut | None:
    try:
        activity: Activity = member.activity
    except Activity.DoesNotExist:
        return None
    sector: Sector | None = activity.sector
    return ActivityOut(
        name=activity.name,
        description=activity.description,
        sector=SectorOut(code=sector.code, label=sector.label) if sector else None,
    )


def _stage(stage: PathStage) -> StageOut:
    plain = stage.as_path()
    return StageOut(
        id=stage.pk,
        kind=stage.kind,
        kind_label=stage.get_kind_display(),
        start=stage.start,
        end=stage.end,
        planned_end=path.cape_planned_end(plain) if stage.kind == path.CAPE else stage.end,
        trial_end=stage.trial_end,
    )


def _deadlines(stages: list[PathStage]) -> DeadlinesOut:
    plain = [s.as_path() for s in stages]
    capes = [s for s in plain if s.kind == path.CAPE]
    last_cape = max(capes, key=lambda s: s.start) if capes else None
    return DeadlinesOut(
        cape_days=path.cape_days(plain),
        cape_renewals_left=max(path.CAPE_MAX_PERIODS - len(capes), 0) if capes else None,
        cape_end=path.cape_planned_end(last_cape) if last_cape else None,
        trial_max_end=path.trial_max_end(plain),
        associate_deadline=path.associate_deadline(plain),
    )


def _assignment(assignment: AdvisorAssignment) -> AssignmentOut:
    advisor = _person(assignment.advisor)
    assert advisor is not None
    return AssignmentOut(advisor=advisor, start=assignment.start, end=assignment.end)


def member_out(member: Member) -> MemberOut:
    """A member's whole record; stages and assignments are expected prefetched."""
    stages = sorted(member.stages.all(), key=lambda s: (s.start, s.pk))
    exit_ = None
    if member.exit_date is not None:
        exit_ = ExitOut(
            date=member.exit_date,
            reason=member.exit_reason,
            reason_label=member.get_exit_reason_display(),
        )
    return MemberOut(
        id=member.pk,
        external_id=member.external_id,
        first_name=member.first_name,
        last_name=member.last_name,
        email=member.email,
        phone=member.phone,
        postal_code=member.postal_code,
        city=member.city,
        activity=_activity(member),
        advisor=_person(member.advisor),
        advisor_history=[_assignment(a) for a in member.assignments.all()],
        stage=member.stage,
        stage_label=member.get_stage_display(),
        cohort_year=member.cohort_year,
        stages=[_stage(s) for s in stages],
        deadlines=_deadlines(stages),
        exit=exit_,
    )


def member_summary_out(member: Member) -> MemberSummaryOut:
    return MemberSummaryOut(
        id=member.pk,
        first_name=member.first_name,
        last_name=member.last_name,
        email=member.email,
        city=member.city,
        stage=member.stage,
        stage_label=member.get_stage_display(),
        cohort_year=member.cohort_year,
        advisor=_person(member.advisor),
        activity=_activity(member),
        exit_date=member.exit_date,
    )


@router.get(
    "/members",
    response={200: MemberPageOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Liste des membres",
)
def member_list(request: HttpRequest, filters: Query[MemberListQuery]) -> MemberPageOut:
    """Équipe de gestion : tous les membres ; chargé·e d'accompagnement : ses
    entrepreneur·es ; entrepreneur·e : refusé (403)."""
    user = request.auth  # type: ignore[attr-defined]
    if not rules.can_list_members(user):
        raise AuthorizationError(
            message="La liste des membres est réservée à l'équipe de gestion et aux "
            "chargé·es d'accompagnement ; consultez votre fiche avec /api/v1/members/me."
        )
    qs = selectors.member_list(
        user=user,
        filters=selectors.MemberFilters(
            q=filters.q,
            stage=filters.stage.value if filters.stage else "",
            advisor=filters.advisor,
            cohort=filters.cohort,
            sector=filters.sector,
        ),
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    # Skip the COUNT when the page shows that nothing lies beyond it.
    if filters.offset == 0 and len(page) < filters.limit:
        count = len(page)
    else:
        count = qs.count()
    return MemberPageOut(
        count=count,
        limit=filters.limit,
        offset=filters.offset,
        items=[member_summary_out(m) for m in page],
    )


@router.get(
    "/members/me",
    response={200: MemberOut, 401: ErrorOut, 404: ErrorOut},
    summary="Ma fiche de membre",
)
def member_me(request: HttpRequest) -> MemberOut:
    """La fiche de l'entrepreneur·e connecté·e ; 404 si aucune fiche n'est rattachée au compte."""
    user = request.auth  # type: ignore[attr-defined]
    member = selectors.member_of_user(user)
    if member is None:
        raise HttpError(
            404,
            f"Aucune fiche de membre n'est rattachée au compte {user.email} : "
            "/api/v1/members/me est réservé aux entrepreneur·es de la coopérative.",
        )
    return member_out(member)


@router.get(
    "/members/{member_id}",
    response={200: MemberOut, 401: ErrorOut, 404: ErrorOut},
    summary="Fiche d'un membre",
)
def member_detail(request: HttpRequest, member_id: int) -> MemberOut:
    """Un membre que vous pouvez consulter (équipe de gestion : tous ; chargé·e : ses
    entrepreneur·es ; entrepreneur·e : soi-même). Tout autre identifiant répond 404, comme un
    identifiant inexistant."""
    user = request.auth  # type: ignore[attr-defined]
    try:
        member = selectors.member_detail(user=user, pk=member_id)
    except Member.DoesNotExist:
        raise HttpError(
            404, f"Aucun membre n° {member_id} parmi les fiches que vous pouvez consulter."
        ) from None
    return member_out(member)


@router.get(
    "/advisors",
    response={200: list[PersonOut], 401: ErrorOut, 403: ErrorOut},
    summary="Chargé·es d'accompagnement",
    tags=["Accompagnement"],
)
def advisor_list(request: HttpRequest) -> list[PersonOut]:
    """Les chargé·es d'accompagnement actifs (pour le filtre `advisor` de la liste des
    membres) ; même public que cette liste."""
    if not rules.can_list_members(request.auth):  # type: ignore[attr-defined]
        raise AuthorizationError(
            message="La liste des chargé·es d'accompagnement est réservée à l'équipe de "
            "gestion et aux chargé·es d'accompagnement."
        )
    return [p for p in map(_person, selectors.advisors()) if p is not None]
