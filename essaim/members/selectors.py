"""Reads of members that views, the API and other apps reuse."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core import roles
from essaim.core.audit import history_of
from essaim.core.models import AuditEntry, Role, User
from essaim.members import path
from essaim.members.models import (
    AccompanimentMeeting,
    AdvisorAssignment,
    CurrentStage,
    ExitReason,
    Member,
    PathStage,
    Sector,
)
from essaim.members.text import fold


def members_visible_to(user: Any) -> QuerySet[Member]:
    """Staff see every member, an advisor their own entrepreneurs, an entrepreneur themself."""
    qs = Member.objects.all()
    if roles.is_management(user):
        return qs
    if roles.is_advisor(user):
        return qs.filter(advisor=user)
    if roles.is_entrepreneur(user):
        return qs.filter(user=user)
    return qs.none()


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    stage: str = ""
    advisor: int | None = None
    cohort: int | None = None
    sector: str = ""
    present_only: bool = False  # leave out members who have exited


def member_list(*, user: Any, filters: MemberFilters | None = None) -> QuerySet[Member]:
    """The member list a user may see, filtered; rows carry their advisor and activity."""
    filters = filters or MemberFilters()
    qs = members_visible_to(user).select_related("advisor", "activity__sector")
    if filters.q:
        for word in fold(filters.q).split():
            qs = qs.filter(Q(search_name__contains=word) | Q(email__icontains=word))
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    elif filters.present_only:
        qs = qs.exclude(stage=CurrentStage.EXITED)
    if filters.advisor:
        qs = qs.filter(advisor_id=filters.advisor)
    if filters.cohort:
        qs = qs.filter(cohort_year=filters.cohort)
    if filters.sector:
        qs = qs.filter(activity__sector__code=filters.sector)
    return qs.order_by("last_name", "first_name", "id")


def advisors() -> QuerySet[User]:
    return User.objects.filter(role=Role.ADVISOR, is_active=True).order_by(
        "last_name", "first_name"
    )


def sectors() -> QuerySet[Sector]:
    return Sector.objects.order_by("label")


def cohort_years() -> list[int]:
    return list(
        Member.objects.exclude(cohort_year__isnull=True)
        .order_by("-cohort_year")
        .values_list("cohort_year", flat=True)
        .distinct()
    )


def member_detail(*, user: Any, pk: int) -> Member:
    """One member the user may see, with everything its page shows (raises DoesNotExist)."""
    return (
        members_visible_to(user)
        .select_related("advisor", "activity__sector", "user")
        .prefetch_related(
            Prefetch("stages", queryset=PathStage.objects.order_by("start", "id")),
            Prefetch(
                "assignments",
                queryset=AdvisorAssignment.objects.select_related("advisor").order_by("start"),
            ),
            Prefetch(
                "meetings",
                queryset=AccompanimentMeeting.objects.select_related("advisor").order_by(
                    "-date", "-id"
                ),
            ),
        )
        .get(pk=pk)
    )


def member_of_user(user: Any) -> Member | None:
    if not roles.is_entrepreneur(user):
        return None
    return (
        Member.objects.select_related("advisor", "activity__sector")
        .prefetch_related("stages", "assignments__advisor")
        .filter(user=user)
        .first()
    )


def member_history(member: Member) -> QuerySet[AuditEntry]:
    return history_of(member)


def _exit_detail(reason: str) -> str:
    """The exit reason as the timeline's detail: its label, in lower case after a dash."""
    label = str(dict(ExitReason.choices).get(reason, reason))
    return label[:1].lower() + label[1:]


@dataclass
class TimelineEvent:
    date: dt.date
    kind: str
    title: str
    detail: str = ""
    future: bool = False


def member_timeline(member: Member, today: dt.date | None = None) -> list[TimelineEvent]:
    """The path as dated events: stages, renewals, trial end, deadlines, exit.

    Titles and details are translated when called, in the language of the request."""
    today = today or timezone.localdate()
    stages = list(member.stages.all())
    plain = [s.as_path() for s in stages]
    events: list[TimelineEvent] = []
    cape_number = 0
    for stage in stages:
        if stage.kind == path.INFORMATION:
            events.append(TimelineEvent(stage.start, "information", _("Réunion d'information")))
        elif stage.kind == path.CAPE:
            cape_number += 1
            title = (
                _("Début du CAPE")
                if cape_number == 1
                else _("Renouvellement n° %(n)s du CAPE") % {"n": cape_number - 1}
            )
            end = path.cape_planned_end(stage.as_path())
            detail = (
                _("jusqu'au %(date)s") if stage.end else _("jusqu'au %(date)s (fin prévue)")
            ) % {"date": path.fr(end)}
            events.append(TimelineEvent(stage.start, "cape", title, detail))
        elif stage.kind == path.CESA:
            detail = (
                _("jusqu'au %(date)s") % {"date": path.fr(stage.end)}
                if stage.end
                else _("en cours")
            )
            events.append(TimelineEvent(stage.start, "cesa", _("Signature du CESA"), detail))
            if stage.trial_end:
                events.append(
                    TimelineEvent(stage.trial_end, "trial", _("Fin de la période d'essai"))
                )
        elif stage.kind == path.ASSOCIATE:
            events.append(TimelineEvent(stage.start, "associate", _("Devient associé·e")))
    has_associate = any(s.kind == path.ASSOCIATE for s in stages)
    deadline = path.associate_deadline(plain)
    if deadline and not has_associate and member.exit_date is None:
        events.append(
            TimelineEvent(
                deadline,
                "deadline",
                _("Échéance pour devenir associé·e"),
                _("CESA + 3 ans − temps de CAPE"),
            )
        )
    if member.exit_date:
        events.append(
            TimelineEvent(member.exit_date, "exit", _("Sortie"), _exit_detail(member.exit_reason))
        )
    for event in events:
        event.future = event.date > today
    return sorted(events, key=lambda e: e.date)


@dataclass
class Deadline:
    member: Member
    kind: str
    label: str
    date: dt.date
    days_left: int = field(default=0)

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)


CAPE_WINDOW_DAYS = 60
TRIAL_WINDOW_DAYS = 30
ASSOCIATE_WINDOW_DAYS = 90


def deadlines_for(*, user: Any, today: dt.date | None = None) -> list[Deadline]:
    """Deadlines of the entrepreneurs a user follows (all members for staff), soonest first:
    CAPE ending within 60 days, CESA trial periods ending within 30 days, and the associate
    deadline within 90 days or overdue. Labels are translated when called."""
    today = today or timezone.localdate()
    # Not filtered on the stored stage (other than associates): it is computed on the day of
    # the last write, so a CAPE entered before it starts still reads 'none' when it ends.
    members = list(
        members_visible_to(user)
        .filter(exit_date__isnull=True)
        .exclude(stage=path.ASSOCIATE)
        .select_related("advisor")
    )
    by_member: dict[int, list[PathStage]] = defaultdict(list)
    for stage in PathStage.objects.filter(member__in=[m.pk for m in members]).order_by("start"):
        by_member[stage.member_id].append(stage)
    found: list[Deadline] = []

    def add(member: Member, kind: str, label: str, date: dt.date) -> None:
        found.append(Deadline(member, kind, label, date, (date - today).days))

    for member in members:
        stages = by_member[member.pk]
        plain = [s.as_path() for s in stages]
        kinds = {s.kind for s in stages}
        capes = [s for s in plain if s.kind == path.CAPE]
        if capes and path.CESA not in kinds:
            last = max(capes, key=lambda s: s.start)
            end = path.cape_planned_end(last)
            if 0 <= (end - today).days <= CAPE_WINDOW_DAYS:
                renewals_left = path.CAPE_MAX_PERIODS - len(capes)
                # "(s)" rather than ngettext: the French label is a contract of the tests
                # and the page, and n is 1 or 2 only.
                label = (
                    _("Fin du CAPE (%(n)s renouvellement(s) possible(s))") % {"n": renewals_left}
                    if renewals_left
                    else _("Fin du CAPE (dernier renouvellement)")
                )
                add(member, "cape_end", label, end)
        cesa = next((s for s in plain if s.kind == path.CESA), None)
        if (
            cesa is not None
            and cesa.trial_end
            and 0 <= (cesa.trial_end - today).days <= TRIAL_WINDOW_DAYS
        ):
            add(member, "trial_end", _("Fin de la période d'essai du CESA"), cesa.trial_end)
        if cesa is not None and path.ASSOCIATE not in kinds:
            deadline = path.associate_deadline(plain)
            if deadline and (deadline - today).days <= ASSOCIATE_WINDOW_DAYS:
                label = (
                    _("Échéance associé·e dépassée")
                    if deadline < today
                    else _("Échéance pour devenir associé·e")
                )
                add(member, "associate_deadline", label, deadline)
    return sorted(found, key=lambda d: (d.date, d.member.last_name))


def meetings_of(*, member: Member) -> QuerySet[AccompanimentMeeting]:
    return member.meetings.select_related("advisor").order_by("-date", "-id")
