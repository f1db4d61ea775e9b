"""Reads of collective tutoring that views and other apps reuse.

Every read of a case's content goes through `cases_visible_to` / `case_visible` (rules.py
says who). `participation_rows` and `stats` carry no content: dates, member ids and counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from essaim.core import roles
from essaim.members.models import Member
from essaim.skills.models import MemberSkill, Node
from essaim.skills.search import MAX_LIMIT, DirectoryQuery, directory_search
from essaim.tutoring import rules
from essaim.tutoring.models import (
    ActionItem,
    CaseStatus,
    Consent,
    FollowUp,
    Session,
    TutoringCase,
    Volunteer,
    VolunteerStatus,
)

SUGGESTIONS_PER_SKILL = 15


def member_of(user: Any) -> Member | None:
    """The entrepreneur's own member record (None for other roles or without one)."""
    if not roles.is_entrepreneur(user):
        return None
    return Member.objects.filter(user=user).first()


def _with_counts(qs: QuerySet[TutoringCase]) -> QuerySet[TutoringCase]:
    return qs.select_related("member").annotate(
        accepted_count=Count(
            "volunteers", filter=Q(volunteers__status=VolunteerStatus.ACCEPTED), distinct=True
        ),
        invited_count=Count("volunteers", distinct=True),
    )


def cases_visible_to(user: Any) -> QuerySet[TutoringCase]:
    return TutoringCase.objects.filter(rules.cases_visible_to(user))


def volunteer_of(user: Any, case: TutoringCase) -> Volunteer | None:
    """The viewer's own invitation to the case, if any."""
    if not roles.is_entrepreneur(user):
        return None
    return (
        Volunteer.objects.select_related("member")
        .filter(case=case, member__user_id=user.pk)
        .first()
    )


def case_access(*, user: Any, pk: int) -> tuple[TutoringCase, Volunteer | None] | None:
    """The case and the viewer's own invitation to it, if the user may see the case (None
    otherwise, whether it exists or not)."""
    case = (
        cases_visible_to(user)
        .select_related("member__user", "member__advisor", "opened_by")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        return None
    row = volunteer_of(user, case)
    # The Q and the predicate say the same; asking both keeps them honest.
    return (case, row) if rules.can_see_case(user, case, row) else None


def case_visible(*, user: Any, pk: int) -> TutoringCase | None:
    """The case if the user may see it (None otherwise, whether it exists or not)."""
    found = case_access(user=user, pk=pk)
    return found[0] if found is not None else None


@dataclass
class MyCases:
    """What "Mes cas" lists for the person: as the member, as a volunteer, as the advisor."""

    own: list[TutoringCase] = field(default_factory=list)
    awaiting_consent: list[TutoringCase] = field(default_factory=list)
    invitations: list[Volunteer] = field(default_factory=list)
    followed: list[TutoringCase] = field(default_factory=list)


def my_cases(user: Any) -> MyCases:
    found = MyCases()
    uid = getattr(user, "pk", None)
    if roles.is_advisor(user):
        found.followed = list(
            _with_counts(TutoringCase.objects.filter(member__advisor_id=uid)).order_by(
                "status", "-created_at", "-id"
            )
        )
    elif roles.is_entrepreneur(user):
        own = list(
            _with_counts(TutoringCase.objects.filter(member__user_id=uid)).order_by(
                "-created_at", "-id"
            )
        )
        found.awaiting_consent = [
            c for c in own if c.consent == Consent.PENDING and not c.is_closed
        ]
        found.own = [c for c in own if c not in found.awaiting_consent]
        found.invitations = list(
            Volunteer.objects.filter(
                member__user_id=uid,
                status__in=rules.SEEING,
                case__consent=Consent.GIVEN,
            )
            .select_related("case__member")
            .order_by("-invited_at", "-id")
        )
    return found


def pending_consents(user: Any) -> QuerySet[TutoringCase]:
    """Proposals waiting for this entrepreneur's consent (for their space)."""
    if not roles.is_entrepreneur(user):
        return TutoringCase.objects.none()
    return TutoringCase.objects.filter(member__user_id=user.pk, consent=Consent.PENDING).exclude(
        status=CaseStatus.CLOSED
    )


def volunteers_of(case: TutoringCase) -> list[Volunteer]:
    return list(case.volunteers.select_related("member").order_by("invited_at", "id"))


def session_of(case: TutoringCase) -> Session | None:
    return (
        Session.objects.filter(case=case)
        .select_related("advisor")
        .prefetch_related(Prefetch("volunteers", queryset=Member.objects.order_by("last_name")))
        .first()
    )


def actions_of(case: TutoringCase) -> list[ActionItem]:
    return list(
        ActionItem.objects.filter(case=case)
        .select_related("owner_member", "owner_advisor")
        .order_by("due_date", "id")
    )


def follow_ups_of(case: TutoringCase) -> list[FollowUp]:
    return list(FollowUp.objects.filter(case=case).select_related("recorded_by"))


def needed_skills_of(case: TutoringCase) -> list[Node]:
    return list(case.needed_skills.order_by("label"))


@dataclass
class Suggestion:
    member: Member
    skills: list[MemberSkill]


def suggested_volunteers(
    case: TutoringCase, *, per_skill: int = SUGGESTIONS_PER_SKILL
) -> list[Suggestion]:
    """Members holding the needed skills (or a skill below them), found through the
    directory; the member themself, people already invited and people without an account
    (they could not answer) left out. Members answering several needed skills come first."""
    excluded = {case.member_id, *case.volunteers.values_list("member_id", flat=True)}
    found: dict[int, Suggestion] = {}
    order: dict[int, int] = {}
    for node in needed_skills_of(case):
        result = directory_search(
            viewer=None,
            query=DirectoryQuery(
                node_code=node.code,
                limit=min(per_skill + len(excluded), MAX_LIMIT),
                semantic=False,
            ),
            record_exposure=False,
        )
        for hit in result.hits:
            member = hit.member
            if member.pk in excluded or member.user_id is None:
                continue
            if member.pk not in found:
                found[member.pk] = Suggestion(member, [])
                order[member.pk] = len(order)
            known = {s.pk for s in found[member.pk].skills}
            found[member.pk].skills += [s for s in hit.matched_skills if s.pk not in known]
    return sorted(found.values(), key=lambda s: (-len(s.skills), order[s.member.pk]))


# ---------------------------------------------------------------- for the collective app


def _local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in the cooperative's time zone."""
    zone = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return first, last


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def participation_rows(*, start: dt.date, end: dt.date) -> list[tuple[int, dt.date, str]]:
    """Participation in collective tutoring between `start` and `end` (included), one row
    each, with no word of the cases' content:

    - "tutoring.case": the member whose case it is, on the day the case opened with their
      consent (the day they asked, or the day they accepted their advisor's proposal);
    - "tutoring.volunteer": a volunteer, on the day they accepted the invitation;
    - "tutoring.session": each member who attended a session (the member and the volunteers
      present), on the session's date.
    """
    first, last = _local_bounds(start, end)
    rows: list[tuple[int, dt.date, str]] = [
        (member_id, _day(moment), "tutoring.case")
        for member_id, moment in TutoringCase.objects.filter(
            consent=Consent.GIVEN, consent_at__gte=first, consent_at__lt=last
        ).values_list("member_id", "consent_at")
    ]
    rows += [
        (member_id, _day(moment), "tutoring.volunteer")
        for member_id, moment in Volunteer.objects.filter(
            status=VolunteerStatus.ACCEPTED, answered_at__gte=first, answered_at__lt=last
        ).values_list("member_id", "answered_at")
    ]
    sessions = Session.objects.filter(date__gte=start, date__lte=end)
    rows += [
        (member_id, day, "tutoring.session")
        for member_id, day in sessions.filter(member_present=True).values_list(
            "case__member_id", "date"
        )
    ]
    rows += [
        (member_id, day, "tutoring.session")
        for member_id, day in Session.volunteers.through.objects.filter(
            session__in=sessions
        ).values_list("member_id", "session__date")
    ]
    rows.sort(key=lambda r: (r[1], r[0], r[2]))
    return rows


def stats(*, year: int | None = None) -> dict[str, Any]:
    """`tutoring_cases`: the cases opened (with the member's consent) in `year`, or ever.
    A proposal still waiting, refused or withdrawn is not a case. A count, never a name."""
    qs = TutoringCase.objects.filter(consent=Consent.GIVEN)
    if year is not None:
        first, last = _local_bounds(dt.date(year, 1, 1), dt.date(year, 12, 31))
        qs = qs.filter(consent_at__gte=first, consent_at__lt=last)
    return {"tutoring_cases": qs.count()}
