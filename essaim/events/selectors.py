"""Reads of events, registrations, feedback and peer trainings, for the pages, the API and the
collective participation figures."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from essaim.core import roles
from essaim.events.models import (
    Attendance,
    CalendarFeed,
    Event,
    EventKind,
    EventStatus,
    Feedback,
    PeerInterest,
    PeerTraining,
    PeerTrainingStatus,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)
from essaim.members.models import Member
from essaim.skills.models import MemberSkill, Node

ACTIVE = [RegistrationStatus.REGISTERED, RegistrationStatus.WAITING]
PENDING = [*ACTIVE, RegistrationStatus.INVITED]


def _uid(user: Any) -> int | None:
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def member_of(user: Any) -> Member | None:
    """The member record of an entrepreneur's account (None for anyone else)."""
    if not roles.is_entrepreneur(user):
        return None
    return Member.objects.filter(user=user).first()


def local_day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `first` to the start of the day after `last`, in the cooperative's
    time zone."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


# -- events --------------------------------------------------------------------------------


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Every event but those on invitation, which only their guests, organiser, sponsor and
    management staff see (rules.can_see_event, as a query)."""
    events = Event.objects.all()
    if roles.is_management(user):
        return events
    uid = _uid(user)
    if uid is None:
        return events.none()
    guest = Registration.objects.filter(event=OuterRef("pk"), member__user_id=uid).exclude(
        status=RegistrationStatus.CANCELLED
    )
    return events.filter(
        ~Q(registration_mode=RegistrationMode.INVITATION)
        | Q(organiser_id=uid)
        | Q(sponsor_id=uid)
        | Exists(guest)
    )


def with_counts(events: QuerySet[Event], user: Any) -> QuerySet[Event]:
    """Events with their organiser and sponsor, `registered_count`, `waiting_count`, and the
    viewer's own registration state `my_status` ("" when none): one query for a whole list."""
    uid = _uid(user)
    mine = Registration.objects.filter(event=OuterRef("pk"), member__user_id=uid or 0)
    return events.select_related("organiser", "sponsor").annotate(
        registered_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
        ),
        waiting_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
        ),
        my_status=Subquery(mine.values("status")[:1]),
    )


@dataclass(frozen=True)
class CalendarFilters:
    kind: str = ""
    mine: bool = False  # "mes inscriptions": registered, waiting or invited


def _filtered(user: Any, filters: CalendarFilters) -> QuerySet[Event]:
    events = events_visible_to(user)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.mine:
        uid = _uid(user) or 0
        events = events.filter(
            Exists(
                Registration.objects.filter(
                    event=OuterRef("pk"), member__user_id=uid, status__in=PENDING
                )
            )
        )
    return events


def calendar_month(
    *, user: Any, year: int, month: int, filters: CalendarFilters | None = None
) -> list[Event]:
    """The events of a month (those that overlap it), in order, with their counts."""
    last_day = calendar.monthrange(year, month)[1]
    start, end = local_day_bounds(dt.date(year, month, 1), dt.date(year, month, last_day))
    events = _filtered(user, filters or CalendarFilters()).filter(start__lt=end, end__gt=start)
    return list(with_counts(events, user).order_by("start", "id"))


def upcoming_events(
    *, user: Any, filters: CalendarFilters | None = None, limit: int = 10
) -> list[Event]:
    """The next events not over yet (cancelled ones included: one must know)."""
    events = _filtered(user, filters or CalendarFilters()).filter(end__gt=timezone.now())
    return list(with_counts(events, user).order_by("start", "id")[:limit])


def event_for(pk: int) -> Event:
    return Event.objects.select_related("organiser", "sponsor", "peer_training").get(pk=pk)


def registration_of(user: Any, event: Event) -> Registration | None:
    """The user's row for the event (any state), or None."""
    uid = _uid(user)
    if uid is None or not roles.is_entrepreneur(user):
        return None
    return (
        Registration.objects.select_related("member")
        .filter(event=event, member__user_id=uid)
        .first()
    )


def registered_count(event: Event) -> int:
    return event.registrations.filter(status=RegistrationStatus.REGISTERED).count()


def seats_left(event: Event) -> int | None:
    """Free seats, or None when the event is unlimited."""
    if event.capacity is None:
        return None
    return max(event.capacity - registered_count(event), 0)


def waiting_rank(registration: Registration) -> int | None:
    return registration.position if registration.status == RegistrationStatus.WAITING else None


def registrations_of(event: Event, *, states: list[str] | None = None) -> list[Registration]:
    """The event's rows (all but cancelled unless `states` says), registered first by name,
    then the waiting list in order, then the invitations."""
    rows = Registration.objects.filter(event=event).select_related("member")
    rows = (
        rows.filter(status__in=states)
        if states
        else rows.exclude(status=RegistrationStatus.CANCELLED)
    )
    order = {
        RegistrationStatus.REGISTERED: 0,
        RegistrationStatus.WAITING: 1,
        RegistrationStatus.INVITED: 2,
        RegistrationStatus.CANCELLED: 3,
    }
    return sorted(
        rows,
        key=lambda r: (
            order[RegistrationStatus(r.status)],
            r.position or 0,
            r.member.last_name,
            r.member.first_name,
            r.pk,
        ),
    )


def registered_of(event: Event) -> list[Registration]:
    return registrations_of(event, states=[RegistrationStatus.REGISTERED])


def invitable_members(event: Event) -> QuerySet[Member]:
    """Members who may be invited: present in the cooperative, with an account, not already
    registered, waiting or invited."""
    taken = Registration.objects.filter(event=event, status__in=PENDING).values("member_id")
    return (
        Member.objects.filter(exit_date__isnull=True, user__isnull=False, user__is_active=True)
        .exclude(pk__in=taken)
        .order_by("last_name", "first_name", "id")
    )


def my_registrations(member: Member, *, past: bool = False) -> QuerySet[Registration]:
    """A member's registrations, waiting places and invitations: upcoming ones (soonest
    first), or past ones (latest first)."""
    now = timezone.now()
    rows = (
        Registration.objects.filter(member=member, status__in=PENDING)
        .select_related("event", "event__organiser")
        .annotate(
            feedback_given=Exists(
                Feedback.objects.filter(event=OuterRef("event"), member=OuterRef("member"))
            )
        )
    )
    if past:
        return rows.filter(event__end__lte=now).order_by("-event__start", "-id")
    return rows.filter(event__end__gt=now).order_by("event__start", "id")


def feed_registrations(member: Member, *, since: dt.datetime) -> list[Registration]:
    """What a member's calendar feed shows: the events they are registered to or waiting for,
    ending after `since`, cancelled events included (so calendars mark them cancelled)."""
    return list(
        Registration.objects.filter(member=member, status__in=ACTIVE, event__end__gt=since)
        .select_related("event")
        .order_by("event__start", "event_id")
    )


def feed_of(member: Member) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(member=member).first()


@dataclass(frozen=True)
class FeedbackSummary:
    count: int
    average: float | None
    by_rating: dict[int, int]  # 5 → how many gave 5, ... (every rating present)


def feedback_summary(event: Event) -> FeedbackSummary:
    counts = dict(
        Feedback.objects.filter(event=event)
        .order_by()
        .values("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    total = sum(counts.values())
    average = round(sum(rating * n for rating, n in counts.items()) / total, 1) if total else None
    return FeedbackSummary(
        count=total, average=average, by_rating={r: counts.get(r, 0) for r in range(5, 0, -1)}
    )


def feedback_of(event: Event) -> QuerySet[Feedback]:
    """The feedback one by one (private: rules.can_see_feedback)."""
    return Feedback.objects.filter(event=event).select_related("member").order_by("-created_at")


def feedback_by(event: Event, member: Member) -> Feedback | None:
    return Feedback.objects.filter(event=event, member=member).first()


# -- peer trainings -------------------------------------------------------------------------


def pending_interests(training: PeerTraining) -> QuerySet[PeerInterest]:
    """Those interested who wait for a session, first come first."""
    return (
        PeerInterest.objects.filter(training=training, session__isnull=True)
        .select_related("member")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class PeerFilters:
    status: str = PeerTrainingStatus.OPEN  # "" for all
    mine: bool = False  # offered by me or I am interested


def peer_training_list(*, user: Any, filters: PeerFilters | None = None) -> QuerySet[PeerTraining]:
    """Peer trainings with `pending_count` (interested, waiting for a session),
    `session_count`, `interested` (the viewer is) and their skills, in one query plus one
    for the skills."""
    filters = filters or PeerFilters()
    uid = _uid(user) or 0
    trainings = PeerTraining.objects.all()
    if filters.status:
        trainings = trainings.filter(status=filters.status)
    mine = PeerInterest.objects.filter(training=OuterRef("pk"), member__user_id=uid)
    if filters.mine:
        trainings = trainings.filter(Q(offerer__user_id=uid) | Exists(mine))
    return (
        trainings.select_related("offerer")
        .prefetch_related(Prefetch("nodes", queryset=Node.objects.order_by("label")))
        .annotate(
            pending_count=Count(
                "interests", filter=Q(interests__session__isnull=True), distinct=True
            ),
            session_count=Count("sessions", distinct=True),
            interested=Exists(mine),
        )
        .order_by("-created_at", "-id")
    )


def peer_training_for(pk: int) -> PeerTraining:
    return (
        PeerTraining.objects.select_related("offerer")
        .prefetch_related(Prefetch("nodes", queryset=Node.objects.order_by("label")))
        .get(pk=pk)
    )


def interest_of(user: Any, training: PeerTraining) -> PeerInterest | None:
    uid = _uid(user)
    if uid is None:
        return None
    return PeerInterest.objects.filter(training=training, member__user_id=uid).first()


def sessions_of(training: PeerTraining) -> QuerySet[Event]:
    return training.sessions.order_by("-start", "-id")


def skills_of(member: Member) -> list[Node]:
    """The nodes a member declares on their profile (a peer training is about them)."""
    return [
        s.node
        for s in MemberSkill.objects.filter(member=member)
        .select_related("node")
        .order_by("node__label")
    ]


# -- participation and figures ------------------------------------------------------------

ATTENDANCE_KINDS = {
    Attendance.PRESENT: "event.attended",
    Attendance.ABSENT: "event.absent",
    Attendance.EXCUSED: "event.excused",
}


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def participation_rows(*, start: dt.date, end: dt.date) -> list[tuple[int, dt.date, str]]:
    """Participation in events and peer trainings between `start` and `end` (included), one
    row each, dated by the event's (local) start date unless said otherwise:

    - "event.registered": registered to an event that took place (not cancelled);
    - "event.waiting": still on its waiting list;
    - "event.attended" / "event.absent" / "event.excused": the attendance the organiser took;
    - "event.organised": a member organised it (peer trainings, forums);
    - "peer.offered": a member offered a peer training, on the day they offered it;
    - "peer.interested": a member said they were interested in one, on that day.
    """
    first, last = local_day_bounds(start, end)
    rows: list[tuple[int, dt.date, str]] = []
    registrations = Registration.objects.filter(
        event__status=EventStatus.SCHEDULED,
        event__start__gte=first,
        event__start__lt=last,
        status__in=ACTIVE,
    ).values_list("member_id", "event__start", "status", "attendance")
    for member_id, moment, status, attendance in registrations:
        day = _local_date(moment)
        if status == RegistrationStatus.WAITING:
            rows.append((member_id, day, "event.waiting"))
            continue
        rows.append((member_id, day, "event.registered"))
        if attendance:
            rows.append((member_id, day, ATTENDANCE_KINDS[Attendance(attendance)]))
    organised = Event.objects.filter(
        status=EventStatus.SCHEDULED,
        start__gte=first,
        start__lt=last,
        organiser__member__isnull=False,
    ).values_list("organiser__member__id", "start")
    rows += [(member_id, _local_date(moment), "event.organised") for member_id, moment in organised]
    offered = PeerTraining.objects.filter(created_at__gte=first, created_at__lt=last).values_list(
        "offerer_id", "created_at"
    )
    rows += [(member_id, _local_date(moment), "peer.offered") for member_id, moment in offered]
    interested = PeerInterest.objects.filter(
        created_at__gte=first, created_at__lt=last
    ).values_list("member_id", "created_at")
    rows += [
        (member_id, _local_date(moment), "peer.interested") for member_id, moment in interested
    ]
    rows.sort(key=lambda r: (r[1], r[0], r[2]))
    return rows


def stats(*, year: int | None = None) -> dict[str, Any]:
    """`events_by_kind`: the events that took place (not cancelled) of each kind, every kind
    present (0 included), in `year` or ever; `attendance_rate`: present / (present + absent +
    excused) over those events whose attendance was taken, rounded to 3 decimals (None when
    no attendance was taken)."""
    events = Event.objects.filter(status=EventStatus.SCHEDULED)
    if year is not None:
        first, last = local_day_bounds(dt.date(year, 1, 1), dt.date(year, 12, 31))
        events = events.filter(start__gte=first, start__lt=last)
    counts: dict[str, int] = defaultdict(int)
    for kind, n in (
        events.order_by().values("kind").annotate(n=Count("id")).values_list("kind", "n")
    ):
        counts[kind] = n
    marks: dict[str, int] = defaultdict(int)
    for attendance, n in (
        Registration.objects.filter(
            event__in=events.filter(attendance_taken_at__isnull=False),
            status=RegistrationStatus.REGISTERED,
        )
        .exclude(attendance="")
        .order_by()
        .values("attendance")
        .annotate(n=Count("id"))
        .values_list("attendance", "n")
    ):
        marks[attendance] = n
    taken = sum(marks.values())
    rate = round(marks[Attendance.PRESENT] / taken, 3) if taken else None
    return {
        "events_by_kind": {kind: counts[kind] for kind in EventKind.values},
        "attendance_rate": rate,
    }
