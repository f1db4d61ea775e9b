"""The audit log: every business state change writes an entry."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from essaim.core.models import AuditEntry, User

SECRET_KEYS = {"password", "token", "secret", "digest", "key"}


def is_secret_key(key: object) -> bool:
    """`password`, but also `new_password`, `password2`, `api_token`, `secret_key`..."""
    return _is_secret_name(str(key))


@functools.lru_cache(maxsize=1024)
def _is_secret_name(key: str) -> bool:
    # Cached: bulk imports ask about the same few field names tens of thousands of times.
    return any(part in SECRET_KEYS for part in re.split(r"[^a-z]+", key.lower()))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Mapping):
        return {k: ("***" if is_secret_key(k) else _plain(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _label(obj: models.Model | None) -> str:
    return obj._meta.label_lower if obj is not None else ""


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [before, after]}."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def audit_entry(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    subject: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """An unsaved entry, for bulk writes."""
    subject = subject if subject is not None else target
    return AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        target_type=_label(target),
        target_id=str(target.pk or ""),
        target_repr=str(target)[:255],
        subject_type=_label(subject),
        subject_id=str(subject.pk or ""),
        changes=_plain(dict(changes or {})),
        data=_plain(dict(data or {})),
    )


def log_action(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    subject: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> AuditEntry:
    entry = audit_entry(
        actor=actor, action=action, target=target, subject=subject, changes=changes, data=data
    )
    entry.save()
    return entry


def log_actions(entries: Iterable[AuditEntry]) -> None:
    AuditEntry.objects.bulk_create(list(entries), batch_size=1000)


def history_of(subject: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        subject_type=_label(subject), subject_id=str(subject.pk)
    ).select_related("actor")
