"""Registrations, the waiting list, invitations, attendance, feedback and reminders.

The event's row is locked while seats are counted: two members registering at once cannot
both take the last seat. The waiting list is kept gapless (rank 1 gets the next seat); a
cancellation, or more seats, promote the first waiting members, who are told.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.audit import log_action
from essaim.core.models import User
from essaim.core.notifications import notify
from essaim.events.models import (
    Attendance,
    Event,
    EventStatus,
    Feedback,
    PeerInterest,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)
from essaim.events.services.common import event_url, when
from essaim.members.models import Member

WAITING = RegistrationStatus.WAITING
REGISTERED = RegistrationStatus.REGISTERED
INVITED = RegistrationStatus.INVITED
CANCELLED = RegistrationStatus.CANCELLED


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _check_upcoming(event: Event) -> None:
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(
            _("« %(title)s » est annulé : on ne s'y inscrit plus.") % {"title": event.title}
        )
    if event.has_started:
        raise ValidationError(
            _("« %(title)s » a commencé le %(when)s : les inscriptions sont closes.")
            % {"title": event.title, "when": when(event)}
        )


def _check_present(member: Member) -> None:
    if member.exit_date is not None and member.exit_date <= timezone.localdate():
        raise ValidationError(
            _("%(name)s a quitté la coopérative : ne peut plus s'inscrire aux événements.")
            % {"name": member}
        )


def _set(row: Registration, status: str, *, position: int | None = None) -> None:
    row.status = status
    row.position = position
    row.updated_at = timezone.now()
    if status != REGISTERED:
        row.attendance = ""


def _free_seats(event: Event) -> int | None:
    if event.capacity is None:
        return None
    taken = Registration.objects.filter(event=event, status=REGISTERED).count()
    return max(event.capacity - taken, 0)


def _last_position(event: Event) -> int:
    return Registration.objects.filter(event=event, status=WAITING).count()


def _close_gap(event: Event, position: int) -> None:
    """A waiting member left rank `position`: those behind move up one rank."""
    Registration.objects.filter(event=event, status=WAITING, position__gt=position).update(
        position=F("position") - 1
    )


def promote_waiting(*, actor: User | None, event: Event) -> list[Registration]:
    """Give the free seats to the first waiting members, in order, and tell them. The caller
    holds the event's lock."""
    free = _free_seats(event)
    waiting = Registration.objects.filter(event=event, status=WAITING).select_related(
        "member__user"
    )
    chosen = list(waiting.order_by("position", "id")[:free] if free is not None else waiting)
    if not chosen:
        return []
    for row in chosen:
        _set(row, REGISTERED)
        row.save(update_fields=["status", "position", "attendance", "updated_at"])
        log_action(
            actor=actor,
            action="events.registration_promoted",
            target=row,
            subject=event,
            changes={"status": [WAITING, REGISTERED]},
            data={"member": row.member},
        )
    # The ranks left are renumbered from 1.
    for rank, row in enumerate(
        Registration.objects.filter(event=event, status=WAITING).order_by("position", "id"),
        start=1,
    ):
        if row.position != rank:
            Registration.objects.filter(pk=row.pk).update(position=rank)
    notify(
        users=[row.member.user for row in chosen],
        kind="events.promoted",
        title=_("Une place s'est libérée : vous êtes inscrit·e à « %(title)s »")
        % {"title": event.title},
        body=_(
            "Rendez-vous le %(when)s — %(where)s. Si vous ne pouvez plus venir, désinscrivez-vous."
        )
        % {"when": when(event), "where": event.place or event.online_url},
        url=event_url(event),
    )
    return chosen


@transaction.atomic
def registration_register(*, actor: User | None, event: Event, member: Member) -> Registration:
    """Register `member`, or put them on the waiting list when the event is full (the returned
    row's status and position say which). An invited member accepts this way."""
    event = _locked(event)
    _check_upcoming(event)
    _check_present(member)
    row = Registration.objects.filter(event=event, member=member).first()
    if row is not None and row.status == REGISTERED:
        raise ValidationError(
            _("%(name)s est déjà inscrit·e à « %(title)s ».")
            % {"name": member, "title": event.title}
        )
    if row is not None and row.status == WAITING:
        raise ValidationError(
            _("%(name)s est déjà sur la liste d'attente de « %(title)s » (rang %(rank)d).")
            % {"name": member, "title": event.title, "rank": row.position}
        )
    invited = row is not None and row.status == INVITED
    if not invited and event.registration_mode == RegistrationMode.CLOSED:
        raise ValidationError(
            _("Les inscriptions à « %(title)s » sont fermées.") % {"title": event.title}
        )
    if not invited and event.registration_mode == RegistrationMode.INVITATION:
        raise ValidationError(
            _("« %(title)s » est sur invitation : seules les personnes invitées s'y inscrivent.")
            % {"title": event.title}
        )
    before = row.status if row is not None else ""
    if row is None:
        row = Registration(event=event, member=member, created_at=timezone.now())
    free = _free_seats(event)
    if free is None or free > 0:
        _set(row, REGISTERED)
    else:
        _set(row, WAITING, position=_last_position(event) + 1)
    row.save()
    log_action(
        actor=actor,
        action="events.registered" if row.status == REGISTERED else "events.waiting_listed",
        target=row,
        subject=event,
        changes={"status": [before, row.status]},
        data={"member": member, "position": row.position},
    )
    return row


@transaction.atomic
def registration_cancel(*, actor: User | None, registration: Registration) -> Registration:
    """The member will not come: their seat goes to the first waiting member (told so). A
    member registered to a peer training session waits again for another one."""
    event = _locked(registration.event)
    row = Registration.objects.select_for_update().get(pk=registration.pk)
    if row.status not in {REGISTERED, WAITING}:
        raise ValidationError(
            _("%(name)s n'est ni inscrit·e ni sur la liste d'attente de « %(title)s ».")
            % {"name": row.member, "title": event.title}
        )
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("« %(title)s » est annulé.") % {"title": event.title})
    if event.has_started:
        raise ValidationError(
            _("« %(title)s » a commencé : on ne s'en désinscrit plus.") % {"title": event.title}
        )
    before, position = row.status, row.position
    _set(row, CANCELLED)
    row.save(update_fields=["status", "position", "attendance", "updated_at"])
    log_action(
        actor=actor,
        action="events.registration_cancelled",
        target=row,
        subject=event,
        changes={"status": [before, CANCELLED]},
        data={"member": row.member},
    )
    PeerInterest.objects.filter(session=event, member_id=row.member_id).update(session=None)
    if before == WAITING and position is not None:
        _close_gap(event, position)
    else:
        promote_waiting(actor=actor, event=event)
    registration.refresh_from_db()
    return row


@transaction.atomic
def registration_decline(*, actor: User | None, registration: Registration) -> Registration:
    """An invited member says no."""
    row = Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    if row.status != INVITED:
        raise ValidationError(
            _("Aucune invitation en attente pour %(name)s à « %(title)s ».")
            % {"name": row.member, "title": row.event.title}
        )
    _set(row, CANCELLED)
    row.save(update_fields=["status", "position", "attendance", "updated_at"])
    log_action(
        actor=actor,
        action="events.invitation_declined",
        target=row,
        subject=row.event,
        changes={"status": [INVITED, CANCELLED]},
        data={"member": row.member},
    )
    return row


@transaction.atomic
def registrations_invite(
    *, actor: User | None, event: Event, members: Iterable[Member], message: str = ""
) -> list[Registration]:
    """Invite members (those already registered, waiting or invited are left as they are);
    they are told and accept by registering. Returns the new invitations."""
    event = _locked(event)
    _check_upcoming(event)
    members = list(members)
    for member in members:
        _check_present(member)
    existing = {
        r.member_id: r for r in Registration.objects.filter(event=event, member__in=members)
    }
    invited: list[Registration] = []
    now = timezone.now()
    for member in members:
        row = existing.get(member.pk)
        if row is not None and row.status != CANCELLED:
            continue
        if row is None:
            row = Registration(event=event, member=member, created_at=now)
        _set(row, INVITED)
        row.invited_by = actor
        row.save()
        invited.append(row)
        log_action(
            actor=actor,
            action="events.invited",
            target=row,
            subject=event,
            changes={"status": ["", INVITED]},
            data={"member": member},
        )
    guests = Member.objects.filter(pk__in=[r.member_id for r in invited]).select_related("user")
    notify(
        users=[m.user for m in guests] if invited else [],
        kind="events.invited",
        title=_("Vous êtes invité·e à « %(title)s » le %(when)s")
        % {"title": event.title, "when": when(event)},
        body=message.strip()
        or _("Répondez sur la page de l'événement : inscrivez-vous ou déclinez."),
        url=event_url(event),
    )
    return invited


def _check_marks(event: Event, rows: Mapping[int, Registration], marks: Mapping[int, str]) -> None:
    """Every mark for a registered member (`rows`, by member id), with a known value."""
    outsiders = [member_id for member_id in marks if member_id not in rows]
    if outsiders:
        names = ", ".join(str(m) for m in Member.objects.filter(pk__in=outsiders)) or ", ".join(
            str(pk) for pk in outsiders
        )
        raise ValidationError(
            _(
                "Présence notée pour quelqu'un qui n'est pas inscrit·e à « %(title)s » : "
                "%(names)s. On ne note la présence que des membres inscrits."
            )
            % {"title": event.title, "names": names}
        )
    bad = sorted({value for value in marks.values() if value not in Attendance.values})
    if bad:
        raise ValidationError(
            _("Présence inconnue : %(values)s (présent·e, absent·e ou excusé·e).")
            % {"values": ", ".join(bad)}
        )


@transaction.atomic
def attendance_take(
    *, actor: User | None, event: Event, marks: Mapping[int, str]
) -> list[Registration]:
    """Note who came: `marks` maps member ids to present / absent / excused. Only members
    registered to the event get a mark; the whole sheet is refused otherwise."""
    event = _locked(event)
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(
            _("« %(title)s » est annulé : pas de présences à noter.") % {"title": event.title}
        )
    if not event.has_started:
        raise ValidationError(
            _("Les présences se notent une fois l'événement commencé (le %(when)s).")
            % {"when": when(event)}
        )
    rows = {
        r.member_id: r
        for r in Registration.objects.select_for_update()
        .filter(event=event, status=REGISTERED)
        .select_related("member")
    }
    _check_marks(event, rows, marks)
    changes: dict[str, list[str]] = {}
    changed: list[Registration] = []
    for member_id, value in marks.items():
        row = rows[member_id]
        if row.attendance != value:
            changes[str(row.member)] = [row.attendance, value]
            row.attendance = value
            changed.append(row)
    Registration.objects.bulk_update(changed, ["attendance"])
    event.attendance_taken_at = timezone.now()
    event.save(update_fields=["attendance_taken_at", "updated_at"])
    log_action(actor=actor, action="events.attendance_taken", target=event, changes=changes)
    return list(rows.values())


@transaction.atomic
def feedback_give(
    *, actor: User | None, event: Event, member: Member, rating: int, comment: str = ""
) -> Feedback:
    """An attendee's feedback (given again, it replaces the previous one)."""
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("« %(title)s » a été annulé.") % {"title": event.title})
    if not event.has_ended:
        raise ValidationError(
            _("Les avis se donnent une fois « %(title)s » terminé.") % {"title": event.title}
        )
    present = Registration.objects.filter(
        event=event, member=member, status=REGISTERED, attendance=Attendance.PRESENT
    ).exists()
    if not present:
        raise ValidationError(
            _(
                "Seules les personnes notées présentes à « %(title)s » donnent leur avis ; "
                "%(name)s ne l'est pas."
            )
            % {"title": event.title, "name": member}
        )
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("La note va de 1 à 5.")})
    feedback, created = Feedback.objects.update_or_create(
        event=event, member=member, defaults={"rating": rating, "comment": comment.strip()}
    )
    log_action(
        actor=actor,
        action="events.feedback_given" if created else "events.feedback_changed",
        target=feedback,
        subject=event,
        data={"rating": rating},
    )
    return feedback


def _tomorrow_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    tomorrow = timezone.localtime(now, zone).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(tomorrow + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


@transaction.atomic
def events_remind(*, now: dt.datetime | None = None) -> int:
    """Remind the members registered to tomorrow's events (run once a day; running it again
    reminds nobody twice: each registration keeps when it was reminded). Returns how many
    registrations were reminded."""
    now = now or timezone.now()
    start, end = _tomorrow_bounds(now)
    rows = list(
        Registration.objects.select_for_update(of=("self",))
        .filter(
            status=REGISTERED,
            reminded_at__isnull=True,
            event__status=EventStatus.SCHEDULED,
            event__start__gte=start,
            event__start__lt=end,
        )
        .select_related("event", "member__user")
        .order_by("event__start", "event_id", "id")
    )
    by_event: dict[int, list[Registration]] = defaultdict(list)
    for row in rows:
        by_event[row.event_id].append(row)
    for group in by_event.values():
        event = group[0].event
        notify(
            users=[row.member.user for row in group],
            kind="events.reminder",
            title=_("Rappel : « %(title)s » demain, %(when)s")
            % {"title": event.title, "when": when(event)},
            body=_("Lieu : %(where)s. Si vous ne pouvez plus venir, désinscrivez-vous.")
            % {"where": event.place or event.online_url},
            url=event_url(event),
        )
    Registration.objects.filter(pk__in=[row.pk for row in rows]).update(reminded_at=now)
    return len(rows)
