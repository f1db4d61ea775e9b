"""Export members in the import's formats: what an import reads, an export writes back.

JSON Lines: the advisors the exported members refer to (by e-mail), then the members ordered by
external id, keys in a fixed order, optional keys left out when empty, then the keys of the
import extensions (skills, profile, prices: essaim.members.import_extensions). CSV: one row per
member, without path nor extension keys. See docs/import-format.md.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

from django.db.models import Prefetch, QuerySet

from essaim.core.models import User
from essaim.members import import_extensions
from essaim.members.importing import CSV_COLUMNS, activity_of, shown_id
from essaim.members.models import Member, PathStage


def _members(queryset: QuerySet[Member] | None) -> Iterator[Member]:
    """Members with what an export writes, ordered by (exported) external id."""
    qs = (queryset if queryset is not None else Member.objects.all()).select_related(
        "advisor", "activity__sector"
    )
    stages = Prefetch("stages", queryset=PathStage.objects.order_by("start", "id"))
    # Prefetched chunk by chunk: SQLite caps the parameters of one `IN (...)`.
    members = list(qs.prefetch_related(stages).iterator(chunk_size=900))
    # Sorted here rather than by the database, whose collation differs from one to another.
    return iter(sorted(members, key=shown_id))


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def member_record(member: Member) -> dict[str, Any]:
    """One member as an import record; keys in the documented order."""
    record: dict[str, Any] = {
        "record": "member",
        "external_id": shown_id(member),
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
    }
    for key in ("phone", "postal_code", "city"):
        if value := getattr(member, key):
            record[key] = value
    if (activity := activity_of(member)) is not None:
        record["activity"] = {"name": activity.name}
        if activity.description:
            record["activity"]["description"] = activity.description
        if activity.sector is not None:
            record["activity"]["sector"] = activity.sector.code
    if member.advisor is not None:
        record["advisor_email"] = member.advisor.email
    record["stages"] = [_stage(stage) for stage in member.stages.all()]
    if member.exit_date:
        record["exit"] = {"date": _date(member.exit_date), "reason": member.exit_reason}
    return record


def _stage(stage: PathStage) -> dict[str, Any]:
    out = {"kind": stage.kind, "start": _date(stage.start)}
    if stage.end:
        out["end"] = _date(stage.end)
    if stage.trial_end:
        out["trial_end"] = _date(stage.trial_end)
    return out


def advisor_record(user: User) -> dict[str, Any]:
    return {
        "record": "advisor",
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def extension_records(members: list[Member], viewer: Any = None) -> dict[int, dict[str, Any]]:
    """The keys the import extensions add to each member, in their registered order."""
    found: dict[int, dict[str, Any]] = {}
    for extension in import_extensions.extensions():
        for pk, values in extension.export(members, viewer=viewer).items():
            found.setdefault(pk, {}).update(
                (key, values[key]) for key in extension.keys if key in values
            )
    return found


def members_export(
    *, stream: TextIO, queryset: QuerySet[Member] | None = None, viewer: Any = None
) -> int:
    """Write the members (all by default) as JSON Lines; returns how many members.

    With a `viewer` (a person exporting from a page), what that person may not see stays out
    (prices a member keeps to themself or their advisor). Without one (the `export-members`
    command, run by the server's operator for a backup or a move), everything the import reads
    is written, so that import → export gives back the same records (docs/import-format.md).
    """
    members = list(_members(queryset))
    advisors = {m.advisor.email: m.advisor for m in members if m.advisor is not None}
    extra = extension_records(members, viewer)
    for email in sorted(advisors):
        stream.write(_line(advisor_record(advisors[email])))
    for member in members:
        stream.write(_line(member_record(member) | extra.get(member.pk, {})))
    return len(members)


def members_export_csv(
    *, stream: TextIO, queryset: QuerySet[Member] | None = None, delimiter: str = ","
) -> int:
    """Write the members as CSV (one row each, no path); returns how many members."""
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for member in _members(queryset):
        activity = activity_of(member)
        sector = activity.sector if activity is not None else None
        writer.writerow(
            [
                shown_id(member),
                member.first_name,
                member.last_name,
                member.email,
                member.phone,
                member.postal_code,
                member.city,
                activity.name if activity else "",
                activity.description if activity else "",
                sector.code if sector else "",
                member.advisor.email if member.advisor else "",
            ]
        )
        count += 1
    return count
