"""A member's audit entries as the member page shows them: labelled, in the reader's language.

The audit log stores stable codes (`member.updated`, `phone`, `cape`) so that it can be read by
programs; people read "Fiche modifiée", "téléphone", "CAPE" (or "Record updated", "phone"...):
the labels are lazy translations, resolved when the page renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from essaim.core.models import AuditEntry
from essaim.members.models import (
    AccompanimentMeeting,
    Activity,
    ExitReason,
    Member,
    PathStage,
    StageKind,
)

ACTION_LABELS: dict[str, Any] = {
    "member.created": _("Fiche créée"),
    "member.updated": _("Fiche modifiée"),
    "member.advisor_assigned": _("Changement d'accompagnement"),
    "member.exited": _("Sortie enregistrée"),
    "member.access_given": _("Accès au site ouvert"),
    "activity.created": _("Activité enregistrée"),
    "activity.updated": _("Activité modifiée"),
    "stage.added": _("Étape ajoutée"),
    "stage.updated": _("Étape modifiée"),
    "meeting.recorded": _("Rendez-vous noté"),
    "assignment.closed": _("Fin de l'accompagnement"),
    "member.imported": _("Fiche importée"),
}

# Later models win on a shared name: a stage's `kind` is its "étape", the member's `advisor`
# their "chargé·e d'accompagnement".
_FIELD_LABELS: dict[str, Any] = {
    field.name: field.verbose_name
    for model in (AccompanimentMeeting, Activity, PathStage, Member)
    for field in model._meta.get_fields()
    if isinstance(field, models.Field)
} | {
    # Keys of the import format, as `member.imported` entries record them.
    "activity": _("activité (enseigne)"),
    "stages": _("parcours"),
    "exit": _("sortie"),
    "reason": _("motif"),
}


def register_labels(
    *, actions: dict[str, Any] | None = None, fields: dict[str, Any] | None = None
) -> None:
    """Higher apps (skills...) name their own actions and fields in a member's history."""
    ACTION_LABELS.update(actions or {})
    _FIELD_LABELS.update(fields or {})


_VALUE_LABELS: dict[str, dict[str, Any]] = {
    "kind": dict(StageKind.choices),
    "exit_reason": dict(ExitReason.choices),
    "reason": dict(ExitReason.choices),
}
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


@dataclass(frozen=True)
class Change:
    field: Any
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryRow:
    entry: AuditEntry
    action: Any
    changes: list[Change]


def _value(field: str, value: Any) -> Any:
    """A recorded value as people read it: labels for codes, dates as 31/01/2025."""
    if isinstance(value, dict):
        # "%(field)s : %(value)s": French puts a space before the colon, English does not.
        pair = gettext("%(field)s : %(value)s")
        shown = (
            pair % {"field": _FIELD_LABELS.get(k, k), "value": _value(k, v)}
            for k, v in value.items()
            if v
        )
        return ", ".join(shown)
    if isinstance(value, list):
        return " ; ".join(str(_value(field, v)) for v in value)
    if isinstance(value, str):
        if value in _VALUE_LABELS.get(field, {}):
            return _VALUE_LABELS[field][value]
        if field == "stages":  # the import writes a stage as "cape 2024-02-01 → 2025-01-31"
            kind, _space, rest = value.partition(" ")
            value = f"{_VALUE_LABELS['kind'].get(kind, kind)} {rest}".strip()
        return _ISO_DATE.sub(lambda m: f"{m[3]}/{m[2]}/{m[1]}", value)
    return value


def _change(name: str, values: Any) -> Change:
    # Services write {field: [before, after]}; anything else is shown as the new value.
    before, after = values if isinstance(values, list) and len(values) == 2 else (None, values)
    return Change(_FIELD_LABELS.get(name, name), _value(name, before), _value(name, after))


def history_rows(entries: Iterable[AuditEntry]) -> list[HistoryRow]:
    """Each entry with its action and changed fields labelled; unknown codes are shown as is."""
    return [
        HistoryRow(
            entry=entry,
            action=ACTION_LABELS.get(entry.action, entry.action),
            # Sorted: PostgreSQL's jsonb does not keep the order the keys were written in.
            changes=[
                _change(name, values) for name, values in sorted((entry.changes or {}).items())
            ],
        )
        for entry in entries
    ]
