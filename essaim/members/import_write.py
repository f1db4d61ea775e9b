"""The write step of a member import: bulk inserts and updates, audit entries.

Called by `essaim.members.importing.members_import` inside its transaction, once the whole file
has been checked; the keys of the import extensions (essaim.members.import_extensions) are
written last, when the members have their primary keys. Bulk writes bypass `Member.save()`, so
the derived columns (`stage`, `cohort_year`, `search_name`) are computed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from essaim.core.audit import audit_entry, diff, log_actions
from essaim.core.models import AuditEntry, Role, User
from essaim.members import path
from essaim.members.import_schema import AdvisorRecord, MemberRecord
from essaim.members.models import Activity, AdvisorAssignment, Member, PathStage
from essaim.members.services import member_path_state
from essaim.members.text import fold

if TYPE_CHECKING:
    from essaim.members.importing import Existing, ImportReport, ParsedFile, StageRow

BATCH = 1000
MEMBER_FIELDS = ("first_name", "last_name", "email", "phone", "postal_code", "city")
DERIVED_FIELDS = ("stage", "cohort_year", "search_name", "updated_at")
_RANK = {kind: i for i, kind in enumerate(path.STAGE_KINDS)}


def stage_text(stage: PathStage | StageRow) -> str:
    """A stage in one short line of the audit log: `cape 2007-10-01 → 2008-09-30`."""
    text = f"{stage.kind} {stage.start.isoformat()}"
    if stage.end:
        text += f" → {stage.end.isoformat()}"
    if stage.trial_end:
        text += f" (essai → {stage.trial_end.isoformat()})"
    return text


def snapshot(
    member: Member,
    activity: Activity | None,
    stages: Sequence[PathStage | StageRow],
    advisor_email: str | None,
    sector_codes: dict[int, str],
) -> dict[str, Any]:
    """A member as the audit log records it: the keys of the import format, plain values."""
    ordered = sorted(stages, key=lambda s: (s.start, _RANK.get(s.kind, 9)))
    return {
        "external_id": member.external_id,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "phone": member.phone or None,
        "postal_code": member.postal_code or None,
        "city": member.city or None,
        "activity": {
            "name": activity.name,
            "description": activity.description,
            "sector": sector_codes.get(activity.sector_id) if activity.sector_id else None,
        }
        if activity
        else None,
        "advisor": advisor_email,
        "stages": [stage_text(s) for s in ordered] or None,
        "exit": {"date": member.exit_date.isoformat(), "reason": member.exit_reason}
        if member.exit_date
        else None,
    }


@dataclass
class Writes:
    """Rows to insert and update, gathered over the whole file, then written in bulk."""

    new_users: list[User] = field(default_factory=list)
    new_members: list[Member] = field(default_factory=list)
    updated_users: list[User] = field(default_factory=list)
    updated_members: list[Member] = field(default_factory=list)
    member_fields: set[str] = field(default_factory=lambda: set(DERIVED_FIELDS))
    new_activities: list[Activity] = field(default_factory=list)
    updated_activities: list[Activity] = field(default_factory=list)
    new_stages: list[PathStage] = field(default_factory=list)
    updated_stages: list[PathStage] = field(default_factory=list)
    new_assignments: list[AdvisorAssignment] = field(default_factory=list)
    closed_assignments: list[AdvisorAssignment] = field(default_factory=list)
    # (member, changes, line) for the audit log, once the members have their primary keys.
    audit: list[tuple[Member, dict[str, Any], int, bool]] = field(default_factory=list)

    def flush(self) -> None:
        User.objects.bulk_create(self.new_users, batch_size=BATCH)
        Member.objects.bulk_create(self.new_members, batch_size=BATCH)
        if self.updated_users:
            User.objects.bulk_update(
                self.updated_users, ["email", "first_name", "last_name"], batch_size=BATCH
            )
        if self.updated_members:
            Member.objects.bulk_update(
                self.updated_members, sorted(self.member_fields), batch_size=BATCH
            )
        # Closed before the new ones open: one open assignment per member at most.
        AdvisorAssignment.objects.bulk_update(self.closed_assignments, ["end"], batch_size=BATCH)
        AdvisorAssignment.objects.bulk_create(self.new_assignments, batch_size=BATCH)
        Activity.objects.bulk_create(self.new_activities, batch_size=BATCH)
        if self.updated_activities:
            Activity.objects.bulk_update(
                self.updated_activities, ["name", "description", "sector"], batch_size=BATCH
            )
        PathStage.objects.bulk_create(self.new_stages, batch_size=BATCH)
        if self.updated_stages:
            PathStage.objects.bulk_update(
                self.updated_stages, ["end", "trial_end"], batch_size=BATCH
            )


class Writer:
    def __init__(
        self, existing: Existing, *, today: dt.date, actor: User | None, data: dict[str, Any]
    ) -> None:
        self.ex = existing
        self.today = today
        self.actor = actor
        self.data = data  # what every audit entry of this import carries
        self.now = timezone.now()
        # One unusable hash for every new account: hashing per row would cost for nothing.
        self.unusable = make_password(None)
        # E-mail → primary key of every advisor the file may name.
        self.advisors: dict[str, int] = {
            email: a.pk for email, a in existing.users_by_email.items() if a.role == Role.ADVISOR
        }
        self.w = Writes()

    def advisors_write(
        self, records: list[AdvisorRecord], report: ImportReport, audit: list[AuditEntry]
    ) -> None:
        """Create the advisors the file declares, or follow their names; before the members."""
        created: list[User] = []
        updated: list[tuple[User, dict[str, Any]]] = []
        for rec in records:
            assert rec.email is not None
            known = self.ex.users_by_email.get(rec.email)
            names = {"first_name": rec.first_name, "last_name": rec.last_name}
            user = User(email=rec.email, role=Role.ADVISOR, **names)
            if known is None:
                user.password = self.unusable
                created.append(user)
            elif (known.first_name, known.last_name) != (rec.first_name, rec.last_name):
                user.pk = known.pk
                before = {"first_name": known.first_name, "last_name": known.last_name}
                updated.append((user, diff(before, names)))
        User.objects.bulk_create(created, batch_size=BATCH)
        User.objects.bulk_update([u for u, _ in updated], ["first_name", "last_name"])
        self.advisors.update((u.email, u.pk) for u in created)
        for user in created:
            changes = diff(
                {},
                {
                    "email": user.email,
                    "first_name": user.first_name,
                    "last_name": user.last_name,
                    "role": user.role,
                },
            )
            audit.append(self.entry("advisor.imported", user, changes, created=True))
        for user, changes in updated:
            audit.append(self.entry("advisor.imported", user, changes, created=False))
        report.advisors_created, report.advisors_updated = len(created), len(updated)

    def entry(self, action: str, target: Any, changes: dict[str, Any], **data: Any) -> AuditEntry:
        return audit_entry(
            actor=self.actor,
            action=action,
            target=target,
            changes=changes,
            data={**self.data, **data},
        )

    def member_create(self, rec: MemberRecord) -> None:
        assert rec.email and rec.first_name and rec.last_name
        user = User(
            email=rec.email,
            first_name=rec.first_name,
            last_name=rec.last_name,
            role=Role.ENTREPRENEUR,
            password=self.unusable,
        )
        advisor_id = self.advisors[rec.advisor_email] if rec.advisor_email else None
        stages = rec.stages or []
        member = Member(
            external_id=rec.external_id,
            first_name=rec.first_name,
            last_name=rec.last_name,
            email=rec.email,
            phone=rec.phone or "",
            postal_code=rec.postal_code or "",
            city=rec.city or "",
            user=user,
            advisor_id=advisor_id,
            exit_date=rec.exit.date if rec.exit else None,
            exit_reason=rec.exit.reason if rec.exit else "",
            search_name=fold(f"{rec.last_name} {rec.first_name}"),
            created_at=self.now,
            **member_path_state(stages, rec.exit, self.today),
        )
        rows = [
            PathStage(
                member=member,
                kind=s.kind,
                start=s.start,
                end=s.end,
                trial_end=s.trial_end,
                created_at=self.now,
            )
            for s in stages
        ]
        activity = self.activity_new(member, rec) if rec.activity else None
        if advisor_id is not None:
            # The file tells who follows the member: from the first stage (else from today)
            # until the exit, if any.
            start = min((s.start for s in stages), default=self.today)
            end = rec.exit.date if rec.exit else None
            self.w.new_assignments.append(
                AdvisorAssignment(member=member, advisor_id=advisor_id, start=start, end=end)
            )
        self.w.new_users.append(user)
        self.w.new_members.append(member)
        self.w.new_stages.extend(rows)
        if activity is not None:
            self.w.new_activities.append(activity)
        after = snapshot(member, activity, rows, rec.advisor_email, self.ex.sector_codes)
        # Plain values already: no need for diff() to walk them (the audit entry will).
        changes = {key: [None, value] for key, value in after.items() if value is not None}
        self.w.audit.append((member, changes, rec.line, True))

    def activity_new(self, member: Member, rec: MemberRecord) -> Activity:
        assert rec.activity is not None
        sector = self.ex.sectors[rec.activity.sector] if rec.activity.sector else None
        return Activity(
            member=member,
            name=rec.activity.name,
            description=rec.activity.description,
            sector=sector,
        )

    def member_update(self, rec: MemberRecord, member: Member) -> bool:
        """Apply the record to a member already known; False when nothing changes."""
        from essaim.members.importing import activity_of

        activity = activity_of(member)
        rows = list(self.ex.stages.get(member.pk, []))
        codes = self.ex.sector_codes
        before = snapshot(
            member, activity, rows, self.ex.advisor_emails.get(member.advisor_id or 0), codes
        )
        changed_fields = {
            name
            for name in MEMBER_FIELDS
            if name in rec.given and getattr(member, name) != (getattr(rec, name) or "")
        }
        for name in changed_fields:
            setattr(member, name, getattr(rec, name) or "")
        activity = self.activity_apply(rec, member, activity)
        new_rows, updated_rows = self.stages_apply(rec, member, rows)
        if rec.exit is not None and (member.exit_date, member.exit_reason) != (
            rec.exit.date,
            rec.exit.reason,
        ):
            member.exit_date, member.exit_reason = rec.exit.date, rec.exit.reason
            changed_fields |= {"exit_date", "exit_reason"}
        advisor_email = self.ex.advisor_emails.get(member.advisor_id or 0)
        if self.advisor_apply(rec, member):
            changed_fields.add("advisor")
            advisor_email = rec.advisor_email
        elif "exit_date" in changed_fields and member.pk in self.ex.open_assignments:
            # As services.member_exit does: the follow-up ends with the exit.
            pk, start = self.ex.open_assignments[member.pk]
            assert member.exit_date is not None
            self.w.closed_assignments.append(
                AdvisorAssignment(pk=pk, end=max(member.exit_date, start))
            )
        after = snapshot(member, activity, rows + new_rows, advisor_email, codes)
        changes = diff(before, after)
        if not changes:
            return False
        self.w.new_stages.extend(new_rows)
        self.w.updated_stages.extend(updated_rows)
        if changed_fields:
            self.w.member_fields |= changed_fields
        state = member_path_state(
            [s.as_path() for s in rows + new_rows], member.path_exit(), self.today
        )
        member.stage, member.cohort_year = state["stage"], state["cohort_year"]
        member.search_name = fold(f"{member.last_name} {member.first_name}")
        member.updated_at = self.now
        self.w.updated_members.append(member)
        if member.user_id is not None and {"email", "first_name", "last_name"} & changed_fields:
            # The account follows; bulk_update needs only its key and the new values.
            self.w.updated_users.append(
                User(
                    pk=member.user_id,
                    email=member.email,
                    first_name=member.first_name,
                    last_name=member.last_name,
                )
            )
        self.w.audit.append((member, changes, rec.line, False))
        return True

    def activity_apply(
        self, rec: MemberRecord, member: Member, activity: Activity | None
    ) -> Activity | None:
        if rec.activity is None:
            return activity
        wanted = self.activity_new(member, rec)
        if activity is None:
            self.w.new_activities.append(wanted)
            return wanted
        if (activity.name, activity.description, activity.sector_id) != (
            wanted.name,
            wanted.description,
            wanted.sector_id,
        ):
            activity.name, activity.description = wanted.name, wanted.description
            activity.sector = wanted.sector
            self.w.updated_activities.append(activity)
        return activity

    def stages_apply(
        self, rec: MemberRecord, member: Member, rows: list[StageRow]
    ) -> tuple[list[PathStage], list[PathStage]]:
        """Stages matched by (kind, start): new ones added, changed ends updated."""
        if rec.stages is None:
            return [], []
        known = {(row.kind, row.start): row for row in rows}
        new, updated = [], []
        for s in rec.stages:
            row = known.get((s.kind, s.start))
            if row is None:
                new.append(
                    PathStage(
                        member=member,
                        kind=s.kind,
                        start=s.start,
                        end=s.end,
                        trial_end=s.trial_end,
                        created_at=self.now,
                    )
                )
            elif (row.end, row.trial_end) != (s.end, s.trial_end):
                row.end, row.trial_end = s.end, s.trial_end
                updated.append(PathStage(pk=row.pk, end=s.end, trial_end=s.trial_end))
        return new, updated

    def extensions_write(
        self,
        parsed: ParsedFile,
        pairs: list[tuple[MemberRecord, Member | None]],
        report: ImportReport,
    ) -> None:
        """The keys of the import extensions, once every member has its primary key.

        Their changes join the member's audit entry; a member whose only change is there is
        counted as updated. Then every extension learns which members were created or changed.
        """
        members = {m.external_id: m for m in self.w.new_members if m.external_id}
        lines: dict[str, int] = {}
        for rec, member in pairs:
            assert rec.external_id is not None
            lines[rec.external_id] = rec.line
            if member is not None:
                members[rec.external_id] = member
        at = {member.pk: i for i, (member, *_) in enumerate(self.w.audit)}
        for extension, batch in parsed.batches:
            if not batch.items:
                continue
            batch.data = dict(self.data)
            for external_id, changes in extension.write(batch, members, actor=self.actor).items():
                if not changes:
                    continue
                member = members[external_id]
                if member.pk in at:
                    self.w.audit[at[member.pk]][1].update(changes)
                else:
                    at[member.pk] = len(self.w.audit)
                    self.w.audit.append((member, dict(changes), lines[external_id], False))
                    report.unchanged -= 1
                    report.updated += 1
        changed = [member.pk for member, *_ in self.w.audit]
        if changed:
            for extension, _batch in parsed.batches:
                extension.after_write(changed)

    def advisor_apply(self, rec: MemberRecord, member: Member) -> bool:
        """Another advisor: the current assignment ends today and the new one starts today."""
        if rec.advisor_email is None:
            return False
        advisor_id = self.advisors[rec.advisor_email]
        if member.advisor_id == advisor_id:
            return False
        start = self.today
        if (current := self.ex.open_assignments.get(member.pk)) is not None:
            pk, current_start = current
            start = max(self.today, current_start)
            self.w.closed_assignments.append(AdvisorAssignment(pk=pk, end=start))
        exited = member.exit_date is not None and member.exit_date <= start
        self.w.new_assignments.append(
            AdvisorAssignment(
                member=member, advisor_id=advisor_id, start=start, end=start if exited else None
            )
        )
        member.advisor_id = advisor_id
        return True


def write(
    report: ImportReport,
    parsed: ParsedFile,
    existing: Existing,
    pairs: list[tuple[MemberRecord, Member | None]],
    *,
    actor: User | None,
    today: dt.date,
) -> None:
    """Write a checked file; fills the report's counts."""
    writer = Writer(
        existing,
        today=today,
        actor=actor,
        data={"source": report.source_name, "format": report.fmt},
    )
    audit: list[AuditEntry] = []
    writer.advisors_write(parsed.advisors, report, audit)
    for rec, member in pairs:
        if member is None:
            writer.member_create(rec)
            report.created += 1
        elif writer.member_update(rec, member):
            report.updated += 1
        else:
            report.unchanged += 1
    writer.w.flush()
    writer.extensions_write(parsed, pairs, report)
    for member, changes, line, created in writer.w.audit:
        audit.append(writer.entry("member.imported", member, changes, line=line, created=created))
    summary = audit_entry(
        actor=actor,
        action="members.imported",
        # The import concerns the member table as a whole: no row, the file's name instead.
        target=Member(),
        data={
            **writer.data,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "advisors_created": report.advisors_created,
            "advisors_updated": report.advisors_updated,
        },
    )
    summary.target_repr = f"Import « {report.source_name} »"[:255]
    audit.append(summary)
    log_actions(audit)
