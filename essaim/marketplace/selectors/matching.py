"""The members a request matches, read from the database in one query (see matching.py for
the rule and the order)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from django.db import connection
from django.utils import timezone

from essaim.marketplace import matching
from essaim.marketplace.models import WorkRequest
from essaim.members.models import Member
from essaim.skills.models import MemberSkill, Profile
from essaim.skills.search_nodes import catalog


def needs_of(skills: Sequence[tuple[int, int]]) -> list[matching.Need]:
    """(node id, minimum level) pairs → needs with the node ids answering for each."""
    nodes = catalog()
    return [
        matching.Need(frozenset(nodes.expand([node_id])), min_level)
        for node_id, min_level in skills
    ]


def _zones(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return tuple(str(z) for z in value or ())


def candidates(
    needs: Sequence[matching.Need], *, exclude: Sequence[int] = ()
) -> list[matching.Candidate]:
    """Present members holding an answering skill at a needed level, with their profile."""
    node_ids = sorted(set().union(*(n.answering for n in needs))) if needs else []
    if not node_ids:
        return []
    lowest = min(n.min_level for n in needs)
    found: dict[int, matching.Candidate] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(node_ids), 900):
            chunk = node_ids[start : start + 900]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                "SELECT s.member_id, s.node_id, s.level, p.zones, p.remote, p.days_per_week, "
                "p.available_from, p.available_until "
                f"FROM {MemberSkill._meta.db_table} s "
                f"JOIN {Member._meta.db_table} m ON m.id = s.member_id "
                f"JOIN {Profile._meta.db_table} p ON p.member_id = s.member_id "
                f"WHERE s.node_id IN ({marks}) AND s.level >= %s AND m.exit_date IS NULL",
                [*chunk, lowest],
            )
            for member_id, node_id, level, zones, remote, days, since, until in cursor.fetchall():
                if member_id in exclude:
                    continue
                candidate = found.get(member_id)
                if candidate is None:
                    candidate = found[member_id] = matching.Candidate(
                        member_id=member_id,
                        zones=_zones(zones),
                        remote=bool(remote),
                        days_per_week=float(days or 0),
                        available_from=_date(since),
                        available_until=_date(until),
                    )
                candidate.skills[node_id] = level
    return list(found.values())


def _date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value  # type: ignore[return-value]
    return dt.date.fromisoformat(str(value))


def place_of(request: WorkRequest) -> matching.Place:
    return matching.Place(
        zone=request.zone, remote=request.remote, start=request.start_date, end=request.end_date
    )


def matching_members(request: WorkRequest, *, today: dt.date | None = None) -> list[matching.Match]:
    """The members the request matches today, in fair order (the author excluded)."""
    today = today or timezone.localdate()
    needs = needs_of([(s.node_id, s.min_level) for s in request.skills.all()])
    found = candidates(needs, exclude=[request.author_id])
    return matching.match(needs, place_of(request), found, today=today, key=f"request:{request.pk}")
