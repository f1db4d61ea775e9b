"""A group's working material: the project charter (phases, milestones, reviewers), tasks,
decisions, meeting notes and the time log; a trade group's yearly plan; a brand group's
turnover split rule.

Texts written by the group (charter, notes, decisions) stay out of the audit log, which only
records that they changed: a closed group's content is read by its members only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.audit import log_action
from essaim.core.models import User
from essaim.core.notifications import notify
from essaim.groups.health import first_of_month
from essaim.groups.models import (
    Charter,
    Cycle,
    CycleKind,
    Decision,
    Group,
    GroupKind,
    GroupStatus,
    MeetingNote,
    Membership,
    MembershipRole,
    MembershipState,
    Milestone,
    OutsideReviewer,
    Phase,
    SplitRule,
    Task,
    TaskStatus,
    TimeEntry,
)
from essaim.members.models import Member

TITLE_MAX = 200


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _check_open(group: Group) -> None:
    if group.status == GroupStatus.CLOSED:
        raise ValidationError(_("Le groupe « %(name)s » est clos.") % {"name": group.name})


def _check_project(group: Group) -> None:
    _check_open(group)
    if group.kind != GroupKind.PROJECT:
        raise ValidationError(_("Seul un groupe projet a une charte, des phases et des jalons."))


def _text(value: str, field: str, message: str, *, max_length: int | None = None) -> str:
    value = " ".join((value or "").split()) if max_length else (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if max_length and len(value) > max_length:
        raise ValidationError(
            {field: _("Trop long : %(max)d caractères au plus.") % {"max": max_length}}
        )
    return value


def _active_ids(group: Group) -> set[int]:
    return set(
        Membership.objects.filter(group=group, state=MembershipState.ACTIVE).values_list(
            "member_id", flat=True
        )
    )


def _check_member(group: Group, member: Member | None, field: str) -> None:
    if member is not None and member.pk not in _active_ids(group):
        raise ValidationError({field: _("%(name)s n'est pas membre du groupe.") % {"name": member}})


# ---------------------------------------------------------------- the charter


@transaction.atomic
def charter_save(
    *, actor: User | None, group: Group, objective: str, target_clients: str = "", offer: str = ""
) -> Charter:
    """Write or change a project's charter; its objective is required."""
    _check_project(group)
    objective = (objective or "").strip()
    if not objective:
        raise ValidationError(
            {
                "objective": _(
                    "Une charte sans objectif ne peut pas être enregistrée : écrivez en une ou "
                    "deux phrases ce que le groupe veut atteindre."
                )
            }
        )
    charter, created = Charter.objects.select_for_update().get_or_create(
        group=group, defaults={"objective": objective}
    )
    before = {f: getattr(charter, f) for f in ("objective", "target_clients", "offer")}
    charter.objective = objective
    charter.target_clients = (target_clients or "").strip()
    charter.offer = (offer or "").strip()
    charter.updated_at = timezone.now()
    charter.save()
    changed = sorted(f for f, v in before.items() if created or v != getattr(charter, f))
    if changed:
        log_action(
            actor=actor,
            action="group.charter_written" if created else "group.charter_changed",
            target=charter,
            subject=group,
            data={"fields": changed},
        )
    return charter


@transaction.atomic
def phase_add(*, actor: User | None, group: Group, name: str) -> Phase:
    _check_project(group)
    name = _text(name, "name", _("Nommez la phase."), max_length=TITLE_MAX)
    position = Phase.objects.filter(group=group).count() + 1
    phase = Phase.objects.create(group=group, name=name, position=position)
    log_action(actor=actor, action="group.phase_added", target=phase, subject=group)
    return phase


@transaction.atomic
def phase_delete(*, actor: User | None, phase: Phase) -> None:
    _check_project(phase.group)
    if phase.milestones.filter(reached_at__isnull=False).exists():
        raise ValidationError(
            _(
                "La phase « %(name)s » a des jalons atteints : elle fait partie de l'histoire du "
                "projet et reste."
            )
            % {"name": phase.name}
        )
    log_action(actor=actor, action="group.phase_deleted", target=phase, subject=phase.group)
    phase.delete()


@transaction.atomic
def milestone_add(*, actor: User | None, phase: Phase, name: str, due_date: dt.date) -> Milestone:
    _check_project(phase.group)
    name = _text(name, "name", _("Nommez le jalon."), max_length=TITLE_MAX)
    if due_date is None:
        raise ValidationError({"due_date": _("Donnez l'échéance du jalon.")})
    milestone = Milestone.objects.create(phase=phase, name=name, due_date=due_date)
    log_action(
        actor=actor,
        action="group.milestone_added",
        target=milestone,
        subject=phase.group,
        data={"due_date": due_date},
    )
    return milestone


@transaction.atomic
def milestone_reach(
    *, actor: User | None, milestone: Milestone, on: dt.date | None = None
) -> Milestone:
    """The milestone is reached (on `on`, today by default)."""
    group = milestone.phase.group
    _check_project(group)
    on = _today(on)
    if on > timezone.localdate():
        raise ValidationError({"reached_at": _("Un jalon ne peut pas être atteint dans le futur.")})
    if milestone.reached_at is not None:
        raise ValidationError(
            _("Le jalon « %(name)s » est déjà atteint (le %(date)s).")
            % {"name": milestone.name, "date": milestone.reached_at.strftime("%d/%m/%Y")}
        )
    milestone.reached_at = on
    milestone.save(update_fields=["reached_at"])
    log_action(
        actor=actor,
        action="group.milestone_reached",
        target=milestone,
        subject=group,
        changes={"reached_at": [None, on]},
    )
    return milestone


@transaction.atomic
def milestone_delete(*, actor: User | None, milestone: Milestone) -> None:
    group = milestone.phase.group
    _check_project(group)
    if milestone.reached_at is not None:
        raise ValidationError(
            _("Le jalon « %(name)s » est atteint : il reste dans l'histoire du projet.")
            % {"name": milestone.name}
        )
    log_action(actor=actor, action="group.milestone_deleted", target=milestone, subject=group)
    milestone.delete()


def _send_reviewer_email(*, to: str, group: Group, lead: Member | None) -> None:
    contact = f"{lead} <{lead.email}>" if lead is not None else ""
    body = _(
        "Bonjour,\n\nLe groupe projet « %(group)s » vous invite à challenger son projet : "
        "relire sa charte, poser les questions qui dérangent, dire ce qui vous semble fragile."
        "\n\nPour en parler : %(contact)s\n"
    ) % {"group": group.name, "contact": contact or _("les membres du groupe")}
    message = EmailMessage(
        subject=_("Invitation à relire le projet « %(group)s »") % {"group": group.name},
        body=body,
        to=[to],
        reply_to=[lead.email] if lead is not None else None,
    )
    get_connection().send_messages([message])


@transaction.atomic
def reviewer_add(
    *,
    actor: User | None,
    group: Group,
    member: Member | None = None,
    name: str = "",
    email: str = "",
) -> OutsideReviewer:
    """Invite someone to challenge the project: a member of the cooperative (told in
    Essaim), or an outside expert (name and e-mail; told by e-mail)."""
    _check_project(group)
    name = " ".join((name or "").split())
    email = (email or "").strip().lower()
    if member is None and not (name and email):
        raise ValidationError(
            _(
                "Choisissez un membre de la coopérative, ou donnez le nom et l'adresse e-mail "
                "de l'expert·e extérieur·e."
            )
        )
    if member is not None and (name or email):
        raise ValidationError(
            _("Choisissez un membre ou décrivez un·e expert·e extérieur·e, pas les deux.")
        )
    if member is not None and member.pk in _active_ids(group):
        raise ValidationError(
            {
                "member": _(
                    "%(name)s est membre du groupe : un·e relecteur·rice regarde le projet de "
                    "l'extérieur."
                )
                % {"name": member}
            }
        )
    duplicate = OutsideReviewer.objects.filter(group=group)
    duplicate = duplicate.filter(member=member) if member else duplicate.filter(email=email)
    if duplicate.exists():
        raise ValidationError(_("Cette personne est déjà relectrice du projet."))
    reviewer = OutsideReviewer.objects.create(group=group, member=member, name=name, email=email)
    log_action(
        actor=actor,
        action="group.reviewer_added",
        target=reviewer,
        subject=group,
        data={"member": member.pk if member else None, "email": email},
    )
    if member is not None:
        notify(
            users=[member.user],
            kind="group.reviewer",
            title=_("Le groupe projet « %(group)s » vous invite à challenger son projet")
            % {"group": group},
            url=reverse("groups:charter", args=[group.pk]),
        )
    else:
        lead = (
            Membership.objects.filter(
                group=group, state=MembershipState.ACTIVE, role=MembershipRole.LEAD
            )
            .select_related("member")
            .first()
        )
        transaction.on_commit(
            lambda: _send_reviewer_email(to=email, group=group, lead=lead.member if lead else None),
            robust=True,
        )
    return reviewer


@transaction.atomic
def reviewer_remove(*, actor: User | None, reviewer: OutsideReviewer) -> None:
    _check_project(reviewer.group)
    log_action(
        actor=actor, action="group.reviewer_removed", target=reviewer, subject=reviewer.group
    )
    reviewer.delete()


# ---------------------------------------------------------------- tasks


def _check_due(due_date: dt.date | None) -> None:
    if due_date is not None and due_date.year < 2000:
        raise ValidationError({"due_date": _("Échéance invalide.")})


@transaction.atomic
def task_add(
    *,
    actor: User | None,
    group: Group,
    title: str,
    owner: Member | None = None,
    due_date: dt.date | None = None,
) -> Task:
    _check_open(group)
    title = _text(title, "title", _("Décrivez la tâche en quelques mots."), max_length=TITLE_MAX)
    _check_member(group, owner, "owner")
    _check_due(due_date)
    task = Task.objects.create(group=group, title=title, owner=owner, due_date=due_date)
    log_action(
        actor=actor,
        action="group.task_added",
        target=task,
        subject=group,
        data={"owner": owner.pk if owner else None, "due_date": due_date},
    )
    if owner is not None and owner.user_id and owner.user_id != getattr(actor, "pk", None):
        notify(
            users=[owner.user],
            kind="group.task",
            title=_("Nouvelle tâche pour vous dans « %(group)s » : %(title)s")
            % {"group": group, "title": title},
            url=reverse("groups:tasks", args=[group.pk]),
        )
    return task


@transaction.atomic
def task_update(
    *,
    actor: User | None,
    task: Task,
    title: str,
    owner: Member | None,
    due_date: dt.date | None,
) -> Task:
    _check_open(task.group)
    title = _text(title, "title", _("Décrivez la tâche en quelques mots."), max_length=TITLE_MAX)
    _check_member(task.group, owner, "owner")
    _check_due(due_date)
    before = {"title": task.title, "owner": task.owner_id, "due_date": task.due_date}
    task.title, task.owner, task.due_date = title, owner, due_date
    task.save(update_fields=["title", "owner", "due_date"])
    after = {"title": task.title, "owner": task.owner_id, "due_date": task.due_date}
    changes = {k: [v, after[k]] for k, v in before.items() if v != after[k]}
    if changes:
        log_action(
            actor=actor,
            action="group.task_changed",
            target=task,
            subject=task.group,
            changes=changes,
        )
    return task


@transaction.atomic
def task_set_status(
    *, actor: User | None, task: Task, status: str, on: dt.date | None = None
) -> Task:
    """Move a task to do / doing / done; done records the day (`on`, today by default)."""
    _check_open(task.group)
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("État inconnu : %(status)s.") % {"status": status}})
    before = task.status
    if before == status:
        return task
    task.status = status
    task.done_at = _today(on) if status == TaskStatus.DONE else None
    task.save(update_fields=["status", "done_at"])
    log_action(
        actor=actor,
        action="group.task_status",
        target=task,
        subject=task.group,
        changes={"status": [before, status]},
    )
    return task


# ---------------------------------------------------------------- decisions and meetings


@transaction.atomic
def decision_add(
    *,
    actor: User | None,
    group: Group,
    date: dt.date,
    text: str,
    decided_by: str,
    recorded_by: Member | None = None,
) -> Decision:
    _check_open(group)
    text = _text(text, "text", _("Écrivez la décision prise."))
    decided_by = _text(
        decided_by,
        "decided_by",
        _("Dites qui a décidé : le groupe, la porteuse du projet, un vote…"),
        max_length=200,
    )
    if date is None:
        raise ValidationError({"date": _("Donnez la date de la décision.")})
    decision = Decision.objects.create(
        group=group, date=date, text=text, decided_by=decided_by, recorded_by=recorded_by
    )
    log_action(
        actor=actor,
        action="group.decision_recorded",
        target=decision,
        subject=group,
        data={"date": date},
    )
    return decision


@transaction.atomic
def note_add(
    *,
    actor: User | None,
    group: Group,
    date: dt.date,
    attendees: Iterable[Member],
    notes: str = "",
    progress: str = "",
    recorded_by: Member | None = None,
) -> MeetingNote:
    """The notes of a meeting held (not a future one); its attendees are members of the
    group. `progress`: what moved forward (empty: nothing did)."""
    _check_open(group)
    if date is None:
        raise ValidationError({"date": _("Donnez la date de la réunion.")})
    if date > timezone.localdate():
        raise ValidationError(
            {"date": _("Un compte rendu porte sur une réunion qui a eu lieu : la date est future.")}
        )
    attendees = list({m.pk: m for m in attendees}.values())
    if not attendees:
        raise ValidationError({"attendees": _("Cochez les membres présents à la réunion.")})
    members = set(
        Membership.objects.filter(group=group, start__lte=date)
        .exclude(end__lt=date)
        .exclude(state__in=[MembershipState.INVITED, MembershipState.REQUESTED])
        .values_list("member_id", flat=True)
    )
    strangers = [str(m) for m in attendees if m.pk not in members]
    if strangers:
        raise ValidationError(
            {
                "attendees": _("Pas membre du groupe à cette date : %(names)s.")
                % {"names": ", ".join(strangers)}
            }
        )
    note = MeetingNote.objects.create(
        group=group,
        date=date,
        notes=(notes or "").strip(),
        progress=(progress or "").strip(),
        recorded_by=recorded_by,
    )
    note.attendees.set(attendees)
    log_action(
        actor=actor,
        action="group.meeting_noted",
        target=note,
        subject=group,
        data={"date": date, "attendees": sorted(m.pk for m in attendees)},
    )
    return note


@transaction.atomic
def time_declare(
    *,
    actor: User | None,
    group: Group,
    member: Member,
    month: dt.date,
    hours: Decimal,
) -> TimeEntry:
    """The hours `member` gave the group in `month` (any day of it); declaring again
    replaces the figure."""
    _check_open(group)
    _check_member(group, member, "member")
    if month is None:
        raise ValidationError({"month": _("Choisissez le mois.")})
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate()):
        raise ValidationError({"month": _("On déclare le temps d'un mois commencé, pas à venir.")})
    try:
        hours = Decimal(hours)
    except (InvalidOperation, TypeError):
        raise ValidationError({"hours": _("Indiquez un nombre d'heures.")}) from None
    if not Decimal(0) <= hours <= Decimal(744):
        raise ValidationError({"hours": _("Un mois compte de 0 à 744 heures.")})
    entry, created = TimeEntry.objects.update_or_create(
        group=group,
        member=member,
        month=month,
        defaults={"hours": hours.quantize(Decimal("0.01")), "declared_at": timezone.now()},
    )
    log_action(
        actor=actor,
        action="group.time_declared",
        target=entry,
        subject=group,
        data={"member": member.pk, "month": month, "hours": entry.hours},
    )
    return entry


# ---------------------------------------------------------------- trade groups: the plan


@transaction.atomic
def cycle_add(*, actor: User | None, group: Group, kind: str, title: str, date: dt.date) -> Cycle:
    _check_open(group)
    if group.kind != GroupKind.TRADE:
        raise ValidationError(_("Le plan annuel de cycles est celui d'un groupe métier."))
    if kind not in CycleKind.values:
        raise ValidationError({"kind": _("Type de cycle inconnu : %(kind)s.") % {"kind": kind}})
    title = _text(title, "title", _("Donnez un titre au cycle."), max_length=TITLE_MAX)
    if date is None:
        raise ValidationError({"date": _("Donnez la date du cycle.")})
    cycle = Cycle.objects.create(group=group, kind=kind, title=title, date=date)
    log_action(
        actor=actor,
        action="group.cycle_added",
        target=cycle,
        subject=group,
        data={"kind": kind, "date": date},
    )
    return cycle


@transaction.atomic
def cycle_delete(*, actor: User | None, cycle: Cycle) -> None:
    _check_open(cycle.group)
    log_action(actor=actor, action="group.cycle_deleted", target=cycle, subject=cycle.group)
    cycle.delete()


# ---------------------------------------------------------------- brand groups: the split


@transaction.atomic
def split_rule_set(
    *,
    actor: User | None,
    group: Group,
    rule: str,
    percents: Mapping[int, Decimal | None] | None = None,
) -> Group:
    """Store a brand group's turnover split rule. With fixed percentages, every active member
    gets one (`percents`: member id → %), summing to exactly 100 %."""
    _check_open(group)
    if group.kind != GroupKind.BRAND:
        raise ValidationError(_("Seul un groupe de marque partage son chiffre d'affaires."))
    if rule not in SplitRule.values:
        raise ValidationError({"rule": _("Règle inconnue : %(rule)s.") % {"rule": rule}})
    memberships = list(
        Membership.objects.select_for_update()
        .filter(group=group, state=MembershipState.ACTIVE)
        .select_related("member")
    )
    percents = dict(percents or {})
    values: dict[int, Decimal] = {}
    if rule == SplitRule.FIXED:
        missing = [str(m.member) for m in memberships if percents.get(m.member_id) is None]
        if missing:
            raise ValidationError(
                _("Donnez un pourcentage à chaque membre : il manque %(names)s.")
                % {"names": ", ".join(missing)}
            )
        values = {m.member_id: Decimal(percents[m.member_id]) for m in memberships}
        if any(v < 0 or v > 100 or v != v.quantize(Decimal("0.01")) for v in values.values()):
            raise ValidationError(
                _("Chaque pourcentage va de 0 à 100, avec deux décimales au plus.")
            )
        total = sum(values.values(), Decimal(0))
        if total != 100:
            raise ValidationError(
                _("Les pourcentages font %(total)s %% : ils doivent faire 100 %% exactement.")
                % {"total": f"{total:.2f}".replace(".", ",")}
            )
    before = group.split_rule
    group.split_rule = rule
    group.save(update_fields=["split_rule"])
    for m in memberships:
        m.split_percent = values[m.member_id] if rule == SplitRule.FIXED else None
    Membership.objects.bulk_update(memberships, ["split_percent"])
    log_action(
        actor=actor,
        action="group.split_rule_set",
        target=group,
        changes={"split_rule": [before, rule]} if before != rule else {},
        data={
            "percents": {str(m.member_id): m.split_percent for m in memberships}
            if rule == SplitRule.FIXED
            else {}
        },
    )
    return group
