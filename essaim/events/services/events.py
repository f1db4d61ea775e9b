"""Events: create, change, cancel.

Every change writes an audit entry whose subject is the event. Who may create which kind is
said in rules.py; the services check it too when an actor is given (None: the system, the
demo). A changed date or place, and a cancellation, are told to the people registered,
waiting or invited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from essaim.core import roles
from essaim.core.audit import log_action
from essaim.core.models import User
from essaim.core.notifications import notify
from essaim.events import rules
from essaim.events.models import (
    Event,
    EventKind,
    EventStatus,
    PeerInterest,
    PeerTraining,
    RegistrationMode,
    RegistrationStatus,
)
from essaim.events.selectors import PENDING
from essaim.events.services.common import event_url, people_of, when
from essaim.events.services.registrations import promote_waiting
from essaim.members.models import Member

TITLE_MAX = Event._meta.get_field("title").max_length
# What changes the event for those who come: told to them, and raises the iCalendar SEQUENCE.
PRACTICAL = ("start", "end", "place", "online_url")


@dataclass
class EventData:
    """What a form (or the API) gives to create or change an event."""

    kind: str
    title: str
    start: dt.datetime
    end: dt.datetime
    description: str = ""
    place: str = ""
    online_url: str = ""
    capacity: int | None = None
    registration_mode: str = RegistrationMode.OPEN
    sponsor: User | None = None


def _sponsor_error(sponsor: User) -> str | None:
    if not sponsor.is_active:
        return _("%(name)s n'a plus de compte actif : choisissez un autre parrain ou marraine.") % {
            "name": sponsor
        }
    if roles.is_management(sponsor) or roles.is_advisor(sponsor):
        return None
    if roles.is_entrepreneur(sponsor):
        member = Member.objects.filter(user=sponsor).first()
        if member is not None and member.exit_date is None:
            return None
    return _(
        "%(name)s ne peut pas parrainer un forum : choisissez un membre de la coopérative ou "
        "une personne de l'équipe."
    ) % {"name": sponsor}


Errors = dict[str, list[str]]


def _short(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _kind_errors(data: EventData, actor: User | None, event: Event | None) -> Errors:
    if data.kind not in EventKind.values:
        return {"kind": [_("Type d'événement inconnu : %(kind)s.") % {"kind": data.kind}]}
    if event is not None and event.peer_training_id and data.kind != EventKind.PEER_TRAINING:
        return {"kind": [_("Une session de formation mutuelle reste une formation mutuelle.")]}
    kept = event is not None and event.kind == data.kind  # an organiser keeps their event's
    if actor is not None and not kept and data.kind not in rules.kinds_for(actor):
        label = EventKind(data.kind).label
        return {
            "kind": [
                _("Votre rôle ne permet pas de créer un événement de type « %(kind)s ».")
                % {"kind": label}
            ]
        }
    return {}


def _practical_errors(data: EventData) -> Errors:
    """Title, dates, place, seats, registration mode."""
    errors: Errors = {}
    if not data.title:
        errors["title"] = [_("Donnez un titre à l'événement.")]
    elif len(data.title) > TITLE_MAX:
        errors["title"] = [_("Le titre dépasse %(max)d caractères.") % {"max": TITLE_MAX}]
    if data.start is None:
        errors["start"] = [_("Indiquez la date et l'heure de début.")]
    if data.end is None:
        errors["end"] = [_("Indiquez la date et l'heure de fin.")]
    elif data.start is not None and data.end <= data.start:
        errors["end"] = [
            _("La fin (%(end)s) doit venir après le début (%(start)s).")
            % {"end": _short(data.end), "start": _short(data.start)}
        ]
    if not data.place and not data.online_url:
        errors["place"] = [_("Indiquez un lieu ou un lien de connexion (l'un des deux au moins).")]
    if data.capacity is not None and data.capacity < 1:
        errors["capacity"] = [
            _("Le nombre de places est d'au moins 1 (laissez vide pour un nombre illimité).")
        ]
    if data.registration_mode not in RegistrationMode.values:
        errors["registration_mode"] = [_("Mode d'inscription inconnu.")]
    return errors


def _sponsor_errors(data: EventData) -> Errors:
    if data.kind != EventKind.FORUM:
        data.sponsor = None  # only forums have a sponsor
        return {}
    if data.sponsor is None:
        return {
            "sponsor": [
                _("Un forum thématique a un parrain ou une marraine : choisissez-le ou la.")
            ]
        }
    problem = _sponsor_error(data.sponsor)
    return {"sponsor": [problem]} if problem else {}


def _clean(data: EventData, *, actor: User | None, event: Event | None = None) -> EventData:
    """The data, trimmed; every problem at once, by field, in French."""
    data.title = (data.title or "").strip()
    data.description = (data.description or "").strip()
    data.place = (data.place or "").strip()
    data.online_url = (data.online_url or "").strip()
    errors = {
        **_kind_errors(data, actor, event),
        **_practical_errors(data),
        **_sponsor_errors(data),
    }
    if errors:
        raise ValidationError(errors)
    return data


def _fields(data: EventData) -> dict[str, object]:
    return {
        "kind": data.kind,
        "title": data.title,
        "description": data.description,
        "start": data.start,
        "end": data.end,
        "place": data.place,
        "online_url": data.online_url,
        "capacity": data.capacity,
        "registration_mode": data.registration_mode,
        "sponsor": data.sponsor,
    }


@transaction.atomic
def event_create(
    *,
    actor: User | None,
    data: EventData,
    organiser: User | None = None,
    peer_training: PeerTraining | None = None,
) -> Event:
    """A new event, organised by `organiser` (the actor by default)."""
    organiser = organiser or actor
    if organiser is None:
        raise ValidationError(_("Un événement a une organisatrice ou un organisateur."))
    data = _clean(data, actor=actor)
    event = Event.objects.create(organiser=organiser, peer_training=peer_training, **_fields(data))
    log_action(
        actor=actor,
        action="events.event_created",
        target=event,
        data={**_fields(data), "organiser": organiser},
    )
    return event


@transaction.atomic
def event_update(*, actor: User | None, event: Event, data: EventData) -> Event:
    """Change an event. Fewer seats than registered members is refused; more seats give them
    to the waiting list, in order. A new date or place is told to those who come."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise ValidationError(
            _("« %(title)s » est annulé : on ne le modifie plus.") % {"title": event.title}
        )
    data = _clean(data, actor=actor, event=event)
    registered = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    if data.capacity is not None and data.capacity < registered:
        raise ValidationError(
            {
                "capacity": _(
                    "%(count)d membres sont déjà inscrit·es : le nombre de places ne peut pas "
                    "descendre à %(capacity)d. Désinscrivez d'abord des membres, ou gardez au "
                    "moins %(count)d places."
                )
                % {"count": registered, "capacity": data.capacity}
            }
        )
    before = {name: getattr(event, name) for name in _fields(data)}
    after = _fields(data)
    changed = {name for name in after if before[name] != after[name]}
    if not changed:
        return event
    for name in changed:
        setattr(event, name, after[name])
    practical = changed & set(PRACTICAL)
    if practical:
        event.sequence += 1
    event.save()
    log_action(
        actor=actor,
        action="events.event_updated",
        target=event,
        changes={name: [before[name], after[name]] for name in sorted(changed)},
    )
    promote_waiting(actor=actor, event=event)
    if practical:
        notify(
            users=people_of(event, PENDING),
            kind="events.changed",
            title=_("« %(title)s » change de date ou de lieu") % {"title": event.title},
            body=_("Désormais le %(when)s — %(where)s.")
            % {"when": when(event), "where": event.place or event.online_url},
            url=event_url(event),
        )
    return event


@transaction.atomic
def event_cancel(*, actor: User | None, event: Event, reason: str = "") -> Event:
    """Cancel an event: it stays in the calendar, marked cancelled; those registered, waiting
    or invited are told; members interested in a peer training wait for another session."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise ValidationError(_("« %(title)s » est déjà annulé.") % {"title": event.title})
    if event.has_ended:
        raise ValidationError(
            _("« %(title)s » a déjà eu lieu : on n'annule pas un événement passé.")
            % {"title": event.title}
        )
    event.status = EventStatus.CANCELLED
    event.sequence += 1
    event.save(update_fields=["status", "sequence", "updated_at"])
    PeerInterest.objects.filter(session=event).update(session=None)
    log_action(
        actor=actor,
        action="events.event_cancelled",
        target=event,
        changes={"status": [EventStatus.SCHEDULED, EventStatus.CANCELLED]},
        data={"reason": reason.strip()},
    )
    notify(
        users=people_of(event, PENDING),
        kind="events.cancelled",
        title=_("« %(title)s » du %(when)s est annulé")
        % {"title": event.title, "when": when(event)},
        body=reason.strip(),
        url=event_url(event),
    )
    return event
