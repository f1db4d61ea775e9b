"""Every write to members: one transaction per action, an audit entry per change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from essaim.core import roles
from essaim.core.audit import diff, log_action
from essaim.core.models import Role, User
from essaim.members import path
from essaim.members.models import (
    AccompanimentMeeting,
    Activity,
    AdvisorAssignment,
    MeetingKind,
    Member,
    PathStage,
    Sector,
)

CONTACT_FIELDS = ("email", "phone", "postal_code", "city")
IDENTITY_FIELDS = ("first_name", "last_name", *CONTACT_FIELDS, "external_id")


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def path_errors_as_validation(errors: Sequence[path.PathError]) -> ValidationError:
    return ValidationError([e.message for e in errors])


def member_path_state(
    stages: Sequence[path.Stage], exit: path.Exit | None, today: dt.date | None = None
) -> dict[str, Any]:
    """The derived columns of a member: current stage and entry cohort."""
    today = today or timezone.localdate()
    return {
        "stage": path.current_stage(stages, exit, today),
        "cohort_year": path.cohort_year(stages),
    }


def member_refresh_path(*, member: Member, today: dt.date | None = None) -> Member:
    """Recompute the stored current stage and cohort from the stages and the exit."""
    state = member_path_state([s.as_path() for s in member.stages.all()], member.path_exit(), today)
    if any(getattr(member, k) != v for k, v in state.items()):
        Member.objects.filter(pk=member.pk).update(**state)
        for key, value in state.items():
            setattr(member, key, value)
    return member


def _check_email_free(email: str, *, member: Member | None = None) -> None:
    clash = Member.objects.filter(email__iexact=email)
    users = User.objects.filter(email__iexact=email)
    if member is not None:
        clash = clash.exclude(pk=member.pk)
        if member.user_id:
            users = users.exclude(pk=member.user_id)
    if clash.exists() or users.exists():
        raise ValidationError(
            {"email": f"l'adresse {email} est déjà celle d'une autre personne de la coopérative"}
        )


def _check_external_id_free(external_id: str | None, *, member: Member | None = None) -> None:
    if not external_id:
        return
    clash = Member.objects.filter(external_id=external_id)
    if member is not None:
        clash = clash.exclude(pk=member.pk)
    other = clash.first()
    if other is not None:
        raise ValidationError(
            {"external_id": f"l'identifiant externe {external_id} est déjà celui de {other}"}
        )


@transaction.atomic
def member_create(
    *,
    actor: User | None,
    first_name: str,
    last_name: str,
    email: str,
    phone: str = "",
    postal_code: str = "",
    city: str = "",
    external_id: str | None = None,
    advisor: User | None = None,
    with_account: bool = True,
) -> Member:
    email = email.strip().lower()
    _check_email_free(email)
    _check_external_id_free(external_id)
    user = None
    if with_account:
        user = User.objects.create_user(
            email, first_name=first_name, last_name=last_name, role=Role.ENTREPRENEUR
        )
    member = Member.objects.create(
        external_id=external_id or None,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        postal_code=postal_code,
        city=city,
        user=user,
    )
    log_action(
        actor=actor,
        action="member.created",
        target=member,
        changes={f: [None, v] for f, v in _snapshot(member, IDENTITY_FIELDS).items() if v},
    )
    if advisor is not None:
        advisor_assign(actor=actor, member=member, advisor=advisor)
        member.refresh_from_db(fields=["advisor", "updated_at"])
    return member


@transaction.atomic
def member_update(*, actor: User | None, member: Member, **fields: Any) -> Member:
    """Change identity or contact fields; the login e-mail follows the member's e-mail."""
    unknown = set(fields) - set(IDENTITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown member fields: {sorted(unknown)}")
    member = Member.objects.select_for_update().get(pk=member.pk)
    if "email" in fields:
        fields["email"] = fields["email"].strip().lower()
        if fields["email"] != member.email:
            _check_email_free(fields["email"], member=member)
    if "external_id" in fields:
        # Blank means none: the column is unique, and two blanks would clash.
        fields["external_id"] = (fields["external_id"] or "").strip() or None
        _check_external_id_free(fields["external_id"], member=member)
    before = _snapshot(member, fields)
    for key, value in fields.items():
        setattr(member, key, value)
    changes = diff(before, _snapshot(member, fields))
    if not changes:
        return member
    member.save()
    if member.user_id and {"email", "first_name", "last_name"} & set(changes):
        User.objects.filter(pk=member.user_id).update(
            email=member.email, first_name=member.first_name, last_name=member.last_name
        )
    log_action(actor=actor, action="member.updated", target=member, changes=changes)
    return member


@transaction.atomic
def activity_set(
    *, actor: User | None, member: Member, name: str, description: str = "", sector: Sector | None
) -> Activity:
    activity = Activity.objects.filter(member=member).first()
    after = {"name": name, "description": description, "sector": sector}
    if activity is None:
        activity = Activity.objects.create(member=member, **after)
        log_action(
            actor=actor,
            action="activity.created",
            target=activity,
            subject=member,
            changes=diff({}, after),
        )
        return activity
    before = _snapshot(activity, after)
    changes = diff(before, after)
    if changes:
        for key, value in after.items():
            setattr(activity, key, value)
        activity.save()
        log_action(
            actor=actor, action="activity.updated", target=activity, subject=member, changes=changes
        )
    return activity


@transaction.atomic
def advisor_assign(
    *, actor: User | None, member: Member, advisor: User | None, start: dt.date | None = None
) -> AdvisorAssignment | None:
    """Hand the member to another advisor (or to none); the previous assignment is closed."""
    if advisor is not None and not roles.is_advisor(advisor):
        # roles.is_advisor also refuses a deactivated advisor.
        raise ValidationError({"advisor": f"{advisor} n'est pas chargé·e d'accompagnement"})
    start = start or timezone.localdate()
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.advisor_id == (advisor.pk if advisor else None):
        return None
    current = member.assignments.filter(end__isnull=True).first()
    if current is not None:
        if start < current.start:
            raise ValidationError(
                {
                    "start": f"le suivi actuel a commencé le {path.fr(current.start)} : "
                    "le nouveau ne peut commencer avant"
                }
            )
        current.end = start
        current.save(update_fields=["end"])
    assignment = None
    if advisor is not None:
        assignment = AdvisorAssignment.objects.create(member=member, advisor=advisor, start=start)
    previous = member.advisor
    member.advisor = advisor
    member.save(update_fields=["advisor", "updated_at"])
    log_action(
        actor=actor,
        action="member.advisor_assigned",
        target=assignment or member,
        subject=member,
        changes={
            "advisor": [str(previous) if previous else None, str(advisor) if advisor else None]
        },
        data={"start": start},
    )
    return assignment


def _validate(member: Member, stages: list[path.Stage], exit: path.Exit | None) -> None:
    errors = path.validate_path(stages, exit)
    if errors:
        raise path_errors_as_validation(errors)


@transaction.atomic
def stage_add(
    *,
    actor: User | None,
    member: Member,
    kind: str,
    start: dt.date,
    end: dt.date | None = None,
    trial_end: dt.date | None = None,
) -> PathStage:
    """Add a stage to the path; the whole path must stay valid."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    existing = [s.as_path() for s in member.stages.all()]
    new = path.Stage(kind, start, end, trial_end)
    _validate(member, [*existing, new], member.path_exit())
    stage = PathStage.objects.create(
        member=member, kind=kind, start=start, end=end, trial_end=trial_end
    )
    log_action(
        actor=actor,
        action="stage.added",
        target=stage,
        subject=member,
        changes=diff({}, {"kind": kind, "start": start, "end": end, "trial_end": trial_end}),
    )
    member_refresh_path(member=member)
    return stage


@transaction.atomic
def stage_update(
    *, actor: User | None, stage: PathStage, end: dt.date | None, trial_end: dt.date | None
) -> PathStage:
    """Set a stage's end or trial end; the start and kind of a stage are history."""
    member = Member.objects.select_for_update().get(pk=stage.member_id)
    stage = PathStage.objects.get(pk=stage.pk)
    stages = [
        path.Stage(s.kind, s.start, end, trial_end) if s.pk == stage.pk else s.as_path()
        for s in member.stages.all()
    ]
    _validate(member, stages, member.path_exit())
    before = _snapshot(stage, ("end", "trial_end"))
    stage.end, stage.trial_end = end, trial_end
    changes = diff(before, _snapshot(stage, ("end", "trial_end")))
    if changes:
        stage.save(update_fields=["end", "trial_end"])
        log_action(
            actor=actor, action="stage.updated", target=stage, subject=member, changes=changes
        )
        member_refresh_path(member=member)
    return stage


def _ends_after(stage: PathStage, date: dt.date) -> bool:
    """Whether a contract still runs after `date`: a CAPE recorded without an end ran its
    12 months, and one whose 12 months are over before the exit is not cut at the exit."""
    end = path.cape_planned_end(stage.as_path()) if stage.kind == path.CAPE else stage.end
    return end is None or end > date


@transaction.atomic
def member_exit(*, actor: User | None, member: Member, date: dt.date, reason: str) -> Member:
    """Record the exit; contracts running on the exit date (open, or with a planned end after
    it) end on the exit date."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.exit_date is not None:
        raise ValidationError(
            {"date": f"la sortie est déjà enregistrée au {path.fr(member.exit_date)}"}
        )
    rows = list(member.stages.all())
    closing = [
        s
        for s in rows
        if s.kind in (path.CAPE, path.CESA) and s.start <= date and _ends_after(s, date)
    ]
    stages = [
        path.Stage(s.kind, s.start, date, s.trial_end) if s in closing else s.as_path()
        for s in rows
    ]
    errors = path.validate_path(stages, path.Exit(date, reason))
    if errors:
        raise path_errors_as_validation(errors)
    for stage in closing:
        previous_end = stage.end
        stage.end = date
        stage.save(update_fields=["end"])
        log_action(
            actor=actor,
            action="stage.updated",
            target=stage,
            subject=member,
            changes={"end": [previous_end, date]},
        )
    member.exit_date, member.exit_reason = date, reason
    member.save(update_fields=["exit_date", "exit_reason", "updated_at"])
    log_action(
        actor=actor,
        action="member.exited",
        target=member,
        changes={"exit_date": [None, date], "exit_reason": [None, reason]},
    )
    # The follow-up ends with the exit; the advisor stays on the record so that they keep
    # seeing their former entrepreneur's history.
    for assignment in member.assignments.filter(end__isnull=True):
        assignment.end = date
        assignment.save(update_fields=["end"])
        log_action(
            actor=actor,
            action="assignment.closed",
            target=assignment,
            subject=member,
            changes={"end": [None, date]},
        )
    return member_refresh_path(member=member)


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    members: Sequence[Member],
    date: dt.date,
    kind: str,
    subject: str,
    notes: str = "",
) -> AccompanimentMeeting:
    """An advisor records an accompaniment meeting with their own entrepreneurs."""
    if not roles.is_advisor(actor):
        # As rules.can_record_meeting says: the meeting's advisor is the one who records it.
        raise ValidationError(
            {"advisor": "seul·e un·e chargé·e d'accompagnement enregistre ses rendez-vous"}
        )
    if kind not in MeetingKind.values:
        raise ValidationError(
            {"kind": f"type de rendez-vous inconnu « {kind} » (attendu : individual, collective)"}
        )
    if not members:
        raise ValidationError({"members": "choisissez au moins un·e entrepreneur·e"})
    foreign = [m for m in members if m.advisor_id != actor.pk]
    if foreign:
        raise ValidationError(
            {"members": "vous ne suivez pas " + ", ".join(str(m) for m in foreign)}
        )
    if kind == "individual" and len(members) > 1:
        raise ValidationError({"kind": "un rendez-vous individuel concerne une seule personne"})
    meeting = AccompanimentMeeting.objects.create(
        advisor=actor, date=date, kind=kind, subject=subject, notes=notes
    )
    meeting.members.set(members)
    for member in members:
        log_action(
            actor=actor,
            action="meeting.recorded",
            target=meeting,
            subject=member,
            data={"date": date, "kind": kind, "subject": subject},
        )
    return meeting


def export_record(*, actor: User, fmt: str) -> None:
    """Exports carry personal data: who took one, and when, goes in the audit log."""
    log_action(actor=actor, action="members.exported", target=actor, data={"format": fmt})


def members_refresh_stages(*, today: dt.date | None = None, batch_size: int = 2000) -> int:
    """Recompute every member's current stage and cohort (daily: stages start in the future).

    Returns how many members changed. Reads the stages in one query per batch of members.
    """
    today = today or timezone.localdate()
    changed = 0
    ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    for offset in range(0, len(ids), batch_size):
        chunk = ids[offset : offset + batch_size]
        stages: dict[int, list[path.Stage]] = {pk: [] for pk in chunk}
        for row in PathStage.objects.filter(member_id__in=chunk).order_by("start", "id"):
            stages[row.member_id].append(row.as_path())
        updates = []
        for member in Member.objects.filter(pk__in=chunk).only(
            "pk", "stage", "cohort_year", "exit_date", "exit_reason"
        ):
            state = member_path_state(stages[member.pk], member.path_exit(), today)
            if member.stage != state["stage"] or member.cohort_year != state["cohort_year"]:
                member.stage, member.cohort_year = state["stage"], state["cohort_year"]
                updates.append(member)
        with transaction.atomic():
            Member.objects.bulk_update(updates, ["stage", "cohort_year"])
        changed += len(updates)
    return changed
