"""Who may see and do what with events and peer trainings: views, templates and the API all
ask here.

- Every person of the cooperative (entrepreneurs, advisors, management staff) sees the
  calendar. An event "on invitation" is seen only by the people invited to it (and registered),
  its organiser, its sponsor and management staff.
- Who creates which kind of event:
  - management staff: every kind;
  - advisors: workshops (*ateliers*) and *TP commerciaux*;
  - entrepreneurs: peer trainings (*formations mutuelles*) and thematic forums, which they
    organise themselves (a forum also needs its sponsor).
  The organiser and management staff change or cancel an event, invite members, take the
  attendance and read the feedback.
- Only entrepreneurs with a member record register (advisors and staff have none).
- Feedback: an attendee marked present gives it once the event has ended; its comments and
  ratings one by one are read by the event's organiser and by management staff only; everyone
  who sees the event sees the counts.
- Peer trainings: every entrepreneur offers one on skills of their own profile; the others say
  they are interested; the offerer or management staff schedule a session once the minimum of
  interested members is reached.
"""

from __future__ import annotations

from typing import Any

from essaim.core import roles
from essaim.events.models import (
    Attendance,
    Event,
    EventKind,
    PeerTraining,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)

STAFF_KINDS = list(EventKind.values)
ADVISOR_KINDS = [EventKind.WORKSHOP.value, EventKind.SALES_PRACTICE.value]
ENTREPRENEUR_KINDS = [EventKind.PEER_TRAINING.value, EventKind.FORUM.value]


def _uid(user: Any) -> int | None:
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def can_use_events(user: Any) -> bool:
    return roles.is_entrepreneur(user) or roles.is_advisor(user) or roles.is_management(user)


def kinds_for(user: Any) -> list[str]:
    """The kinds of event this person may create."""
    if roles.is_management(user):
        return STAFF_KINDS
    if roles.is_advisor(user):
        return ADVISOR_KINDS
    if roles.is_entrepreneur(user):
        return ENTREPRENEUR_KINDS
    return []


def can_create_event(user: Any) -> bool:
    return bool(kinds_for(user))


def is_organiser(user: Any, event: Event) -> bool:
    uid = _uid(user)
    return uid is not None and can_use_events(user) and event.organiser_id == uid


def can_manage_event(user: Any, event: Event) -> bool:
    """Change, cancel, invite, take attendance, read the feedback."""
    return roles.is_management(user) or is_organiser(user, event)


def can_edit_event(user: Any, event: Event) -> bool:
    return can_manage_event(user, event) and not event.is_cancelled


def can_see_event(user: Any, event: Event, mine: Registration | None) -> bool:
    """`mine`: the user's registration row for the event (selectors.registration_of)."""
    if not can_use_events(user):
        return False
    if event.registration_mode != RegistrationMode.INVITATION or can_manage_event(user, event):
        return True
    uid = _uid(user)
    return (event.sponsor_id is not None and event.sponsor_id == uid) or (
        mine is not None and mine.status != RegistrationStatus.CANCELLED
    )


def can_register(user: Any, event: Event, mine: Registration | None) -> bool:
    """Register (or join the waiting list): an entrepreneur, before the event starts, when
    registrations are open or they are invited."""
    if not roles.is_entrepreneur(user) or event.is_cancelled or event.has_started:
        return False
    if mine is not None and mine.status == RegistrationStatus.INVITED:
        return True
    if mine is not None and mine.is_active:
        return False
    return event.registration_mode == RegistrationMode.OPEN


def can_unregister(user: Any, event: Event, mine: Registration | None) -> bool:
    return (
        roles.is_entrepreneur(user)
        and mine is not None
        and mine.is_active
        and not event.is_cancelled
        and not event.has_started
    )


def can_decline(user: Any, event: Event, mine: Registration | None) -> bool:
    return (
        roles.is_entrepreneur(user)
        and mine is not None
        and mine.status == RegistrationStatus.INVITED
        and not event.is_cancelled
        and not event.has_started
    )


def can_take_attendance(user: Any, event: Event) -> bool:
    return can_manage_event(user, event)


def can_see_feedback(user: Any, event: Event) -> bool:
    """Read the comments and ratings one by one."""
    return can_manage_event(user, event)


def can_give_feedback(user: Any, event: Event, mine: Registration | None) -> bool:
    return (
        roles.is_entrepreneur(user)
        and mine is not None
        and mine.status == RegistrationStatus.REGISTERED
        and mine.attendance == Attendance.PRESENT
        and not event.is_cancelled
        and event.has_ended
    )


def can_have_feed(user: Any) -> bool:
    """A calendar feed is a member's: their registrations."""
    return roles.is_entrepreneur(user)


# -- peer trainings -----------------------------------------------------------------------


def can_offer_training(user: Any) -> bool:
    return roles.is_entrepreneur(user)


def is_offerer(user: Any, training: PeerTraining) -> bool:
    uid = _uid(user)
    return uid is not None and roles.is_entrepreneur(user) and training.offerer.user_id == uid


def can_manage_training(user: Any, training: PeerTraining) -> bool:
    """Change, close, schedule a session."""
    return roles.is_management(user) or is_offerer(user, training)


def can_express_interest(user: Any, training: PeerTraining, interested: bool) -> bool:
    """`interested`: whether the user already said so."""
    return (
        roles.is_entrepreneur(user)
        and training.is_open
        and not interested
        and not is_offerer(user, training)
    )


def can_withdraw_interest(user: Any, training: PeerTraining, interested: bool) -> bool:
    return roles.is_entrepreneur(user) and interested
