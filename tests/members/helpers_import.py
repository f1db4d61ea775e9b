"""Shared helpers of the import/export tests: records, files, counts of what is stored."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from essaim.core.models import AuditEntry, User
from essaim.members.importing import ImportReport, members_import
from essaim.members.models import Activity, AdvisorAssignment, Member, PathStage

TODAY = dt.date(2026, 1, 15)
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"

ADVISOR = {
    "record": "advisor",
    "email": "conseil1@coop.example",
    "first_name": "Nadia",
    "last_name": "Benali",
}
# The record of the format's documentation.
MEMBER: dict[str, Any] = {
    "record": "member",
    "external_id": "M-0001",
    "first_name": "Fatou",
    "last_name": "Diallo",
    "email": "m0001@example.org",
    "phone": "+33 6 12 34 56 78",
    "postal_code": "93100",
    "city": "Montreuil",
    "activity": {
        "name": "Coiffure à domicile",
        "description": "Coupes et couleurs à domicile.",
        "sector": "coiffure",
    },
    "advisor_email": "conseil1@coop.example",
    "stages": [
        {"kind": "information", "start": "2007-09-10"},
        {"kind": "cape", "start": "2007-10-01", "end": "2008-09-30"},
        {"kind": "cesa", "start": "2008-10-01"},
        {"kind": "associate", "start": "2010-06-15"},
    ],
    "exit": {"date": "2012-03-31", "reason": "own_company"},
}


def member(**changes: Any) -> dict[str, Any]:
    """The documented member, with some keys changed (None removes a key)."""
    record = copy.deepcopy(MEMBER)
    for key, value in changes.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    return record


def jsonl(*records: Any) -> str:
    return "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
    )


def run(
    text: str | bytes, fmt: str = "jsonl", *, actor: User | None = None, **kwargs: Any
) -> ImportReport:
    stream: Any = io.BytesIO(text) if isinstance(text, bytes) else io.StringIO(text)
    return members_import(
        actor=actor, stream=stream, fmt=fmt, source_name=f"test.{fmt}", today=TODAY, **kwargs
    )


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Member, User, PathStage, Activity, AdvisorAssignment, AuditEntry)
    }


def rejected(text: str | bytes, fmt: str = "jsonl") -> list[str]:
    """The errors of a file that must be refused, after checking that nothing was written."""
    before = counts()
    report = run(text, fmt)
    assert not report.ok
    assert (report.created, report.updated, report.advisors_created) == (0, 0, 0)
    assert counts() == before
    return [str(e) for e in report.errors]


def parsed_lines(text: str) -> list[Any]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
