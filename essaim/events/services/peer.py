"""Peer trainings (*formations mutuelles*): a member offers to train others on skills they
hold, members say they are interested, and once enough are, a session is scheduled: an event
of kind "peer training" to which the interested members are registered (and told).

The rule on skills: every skill a training is about must be on its offerer's profile (the
directory's skills) when the training is offered or changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.audit import log_action
from essaim.core.models import User
from essaim.core.notifications import notify
from essaim.events.models import (
    Event,
    EventKind,
    PeerInterest,
    PeerTraining,
    PeerTrainingStatus,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)
from essaim.events.services.common import event_url, training_url, when
from essaim.events.services.events import EventData, event_create
from essaim.members.models import Member
from essaim.skills.models import MemberSkill, Node

TITLE_MAX = PeerTraining._meta.get_field("title").max_length


def _clean(
    *, offerer: Member, title: str, description: str, nodes: Sequence[Node], min_interested: int
) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        errors["title"] = [_("Donnez un titre à la formation.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Le titre dépasse %(max)d caractères.") % {"max": TITLE_MAX}]
    if not description:
        errors["description"] = [
            _("Décrivez la formation : ce que l'on y apprend, pour qui, combien de temps.")
        ]
    if not nodes:
        errors["nodes"] = [_("Choisissez au moins une compétence de votre profil.")]
    else:
        held = set(
            MemberSkill.objects.filter(member=offerer, node__in=nodes).values_list(
                "node_id", flat=True
            )
        )
        missing = [n.label for n in nodes if n.pk not in held]
        if missing:
            errors["nodes"] = [
                _(
                    "%(name)s ne déclare pas sur son profil : %(skills)s. Une formation mutuelle "
                    "porte sur des compétences que l'on a : ajoutez-les d'abord à votre profil."
                )
                % {"name": offerer, "skills": ", ".join(f"« {m} »" for m in missing)}
            ]
    if not isinstance(min_interested, int) or not 1 <= min_interested <= 50:
        errors["min_interested"] = [_("Le nombre minimum d'intéressé·es va de 1 à 50.")]
    if errors:
        raise ValidationError(errors)
    return title, description


@transaction.atomic
def peer_training_offer(
    *,
    actor: User | None,
    offerer: Member,
    title: str,
    description: str,
    nodes: Sequence[Node],
    min_interested: int = 4,
) -> PeerTraining:
    if offerer.exit_date is not None and offerer.exit_date <= timezone.localdate():
        raise ValidationError(
            _("%(name)s a quitté la coopérative : ne peut plus proposer de formation.")
            % {"name": offerer}
        )
    title, description = _clean(
        offerer=offerer,
        title=title,
        description=description,
        nodes=nodes,
        min_interested=min_interested,
    )
    training = PeerTraining.objects.create(
        offerer=offerer, title=title, description=description, min_interested=min_interested
    )
    training.nodes.set(nodes)
    log_action(
        actor=actor,
        action="events.peer_training_offered",
        target=training,
        data={
            "offerer": offerer,
            "title": title,
            "nodes": [n.code for n in nodes],
            "min_interested": min_interested,
        },
    )
    return training


@transaction.atomic
def peer_training_update(
    *,
    actor: User | None,
    training: PeerTraining,
    title: str,
    description: str,
    nodes: Sequence[Node],
    min_interested: int,
) -> PeerTraining:
    if not training.is_open:
        raise ValidationError(
            _("« %(title)s » est close : on ne la modifie plus.") % {"title": training.title}
        )
    title, description = _clean(
        offerer=training.offerer,
        title=title,
        description=description,
        nodes=nodes,
        min_interested=min_interested,
    )
    before = {
        "title": training.title,
        "description": training.description,
        "min_interested": training.min_interested,
        "nodes": sorted(training.nodes.values_list("code", flat=True)),
    }
    after = {
        "title": title,
        "description": description,
        "min_interested": min_interested,
        "nodes": sorted(n.code for n in nodes),
    }
    training.title, training.description = title, description
    training.min_interested = min_interested
    training.save()
    training.nodes.set(nodes)
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        log_action(
            actor=actor, action="events.peer_training_updated", target=training, changes=changes
        )
    return training


@transaction.atomic
def peer_training_close(*, actor: User | None, training: PeerTraining) -> PeerTraining:
    """No more interest taken nor session scheduled; the sessions held stay."""
    training = PeerTraining.objects.select_for_update().get(pk=training.pk)
    if not training.is_open:
        raise ValidationError(_("« %(title)s » est déjà close.") % {"title": training.title})
    training.status = PeerTrainingStatus.CLOSED
    training.save(update_fields=["status", "updated_at"])
    log_action(
        actor=actor,
        action="events.peer_training_closed",
        target=training,
        changes={"status": [PeerTrainingStatus.OPEN, PeerTrainingStatus.CLOSED]},
    )
    return training


def _pending_count(training: PeerTraining) -> int:
    return PeerInterest.objects.filter(training=training, session__isnull=True).count()


@transaction.atomic
def peer_interest_add(
    *, actor: User | None, training: PeerTraining, member: Member
) -> PeerInterest:
    """The member would follow the training. The offerer is told when the minimum is reached."""
    training = (
        PeerTraining.objects.select_for_update(of=("self",))
        .select_related("offerer__user")
        .get(pk=training.pk)
    )
    if not training.is_open:
        raise ValidationError(
            _("« %(title)s » est close : elle ne prend plus d'intéressé·es.")
            % {"title": training.title}
        )
    if member.pk == training.offerer_id:
        raise ValidationError(_("On ne s'inscrit pas à sa propre formation."))
    if member.exit_date is not None and member.exit_date <= timezone.localdate():
        raise ValidationError(_("%(name)s a quitté la coopérative.") % {"name": member})
    if PeerInterest.objects.filter(training=training, member=member).exists():
        raise ValidationError(
            _("%(name)s est déjà intéressé·e par « %(title)s ».")
            % {"name": member, "title": training.title}
        )
    interest = PeerInterest.objects.create(training=training, member=member)
    log_action(
        actor=actor,
        action="events.peer_interested",
        target=interest,
        subject=training,
        data={"member": member},
    )
    count = _pending_count(training)
    if count == training.min_interested:
        notify(
            users=[training.offerer.user],
            kind="events.peer_ready",
            title=_("« %(title)s » : %(count)d membres intéressés, programmez une session")
            % {"title": training.title, "count": count},
            body=_("Le minimum que vous aviez fixé est atteint."),
            url=training_url(training),
        )
    return interest


@transaction.atomic
def peer_interest_withdraw(*, actor: User | None, interest: PeerInterest) -> None:
    """No longer interested (while waiting for a session: once registered to one, one
    unregisters from the session instead)."""
    interest = PeerInterest.objects.select_related("training", "member", "session").get(
        pk=interest.pk
    )
    if interest.session_id is not None:
        raise ValidationError(
            _(
                "%(name)s est inscrit·e à la session du %(when)s : désinscrivez-vous de la "
                "session plutôt."
            )
            % {"name": interest.member, "when": when(interest.session)}  # type: ignore[arg-type]
        )
    log_action(
        actor=actor,
        action="events.peer_interest_withdrawn",
        target=interest,
        subject=interest.training,
        data={"member": interest.member},
    )
    interest.delete()


def _waiting_interests(training: PeerTraining) -> list[PeerInterest]:
    """Those interested who wait for a session and are still in the cooperative, first come
    first, locked."""
    interests = (
        PeerInterest.objects.select_for_update(of=("self",))
        .filter(training=training, session__isnull=True)
        .select_related("member__user")
        .order_by("created_at", "id")
    )
    today = timezone.localdate()
    return [i for i in interests if i.member.exit_date is None or i.member.exit_date > today]


def _register_interested(event: Event, interests: list[PeerInterest]) -> None:
    """Register them to the session in their order; beyond its seats, on its waiting list."""
    now = timezone.now()
    seats = event.capacity
    rows: list[Registration] = []
    for index, interest in enumerate(interests):
        rank = index - seats + 1 if seats is not None and index >= seats else None
        rows.append(
            Registration(
                event=event,
                member=interest.member,
                status=RegistrationStatus.REGISTERED
                if rank is None
                else RegistrationStatus.WAITING,
                position=rank,
                created_at=now,
                updated_at=now,
            )
        )
        interest.session = event
    Registration.objects.bulk_create(rows)
    PeerInterest.objects.bulk_update(interests, ["session"])


@transaction.atomic
def peer_session_schedule(*, actor: User | None, training: PeerTraining, data: EventData) -> Event:
    """Schedule a session once enough members are interested: an event of kind peer training
    organised by the offerer, open to registration, to which the interested members waiting
    for a session are registered first come first (beyond its seats, on its waiting list)."""
    training = (
        PeerTraining.objects.select_for_update(of=("self",))
        .select_related("offerer__user")
        .get(pk=training.pk)
    )
    if not training.is_open:
        raise ValidationError(
            _("« %(title)s » est close : plus de session à programmer.") % {"title": training.title}
        )
    interests = _waiting_interests(training)
    if len(interests) < training.min_interested:
        raise ValidationError(
            _(
                "« %(title)s » compte %(count)d intéressé·es en attente d'une session sur les "
                "%(min)d fixé·es : une session se programme quand le minimum est atteint."
            )
            % {"title": training.title, "count": len(interests), "min": training.min_interested}
        )
    organiser = training.offerer.user
    if organiser is None or not organiser.is_active:
        raise ValidationError(
            _("%(name)s n'a pas de compte Essaim actif : impossible d'organiser la session.")
            % {"name": training.offerer}
        )
    if data.start is not None and data.start <= timezone.now():
        raise ValidationError({"start": _("Une session se programme dans le futur.")})
    data.kind = EventKind.PEER_TRAINING
    data.registration_mode = RegistrationMode.OPEN
    data.sponsor = None
    event = event_create(actor=actor, data=data, organiser=organiser, peer_training=training)
    _register_interested(event, interests)
    log_action(
        actor=actor,
        action="events.peer_session_scheduled",
        target=event,
        subject=training,
        data={"members": [i.member for i in interests]},
    )
    notify(
        users=[i.member.user for i in interests],
        kind="events.peer_scheduled",
        title=_("Session programmée : « %(title)s » le %(when)s")
        % {"title": event.title, "when": when(event)},
        body=_(
            "Vous vous étiez dit·e intéressé·e : vous y êtes inscrit·e (ou sur la liste "
            "d'attente s'il n'y a plus de place). Si vous ne pouvez pas venir, désinscrivez-vous."
        ),
        url=event_url(event),
    )
    return event
