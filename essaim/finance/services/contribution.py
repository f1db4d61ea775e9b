"""The cooperative's contribution rules as stored records, dated (a rule applies from a date
until the next one). The arithmetic is essaim.finance.contribution; a record keeps the rule's
parameters as JSON (`ContributionRule.to_parameters`).

The default rule: when no record applies to a day (none recorded yet, or a day before the
first record), the "Coopaname today" preset applies — 13.5 % of the gross margin and a fixed
30 € a month (`DEFAULT_PRESET`). A cooperative records its own rule from the day it starts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from essaim.core.audit import diff, log_action
from essaim.core.models import User
from essaim.finance.contribution import PRESETS, ContributionRule, rule_for
from essaim.finance.models import ContributionRuleRecord

DEFAULT_PRESET = "coopaname"
# The default applies from the earliest day there is, so that every day has a rule.
DEFAULT_FROM = dt.date(1900, 1, 1)


def default_rule() -> ContributionRule:
    """The rule that applies where no record does (the Coopaname-today preset)."""
    return dataclasses.replace(PRESETS[DEFAULT_PRESET], valid_from=DEFAULT_FROM)


def record_to_rule(record: ContributionRuleRecord) -> ContributionRule:
    return ContributionRule.from_parameters(record.name, record.valid_from, record.parameters)


def rules_in_force() -> list[ContributionRule]:
    """Every rule, oldest first: the default, then the recorded ones (one query). Pass the
    list to essaim.finance.contribution.rule_for(rules, day) to find a day's rule."""
    records = ContributionRuleRecord.objects.order_by("valid_from")
    return [default_rule(), *(record_to_rule(record) for record in records)]


def rule_in_force(day: dt.date) -> ContributionRule:
    """The rule that applies on `day`."""
    return rule_for(rules_in_force(), day)


def _snapshot(record: ContributionRuleRecord) -> dict[str, Any]:
    return {"name": record.name, "preset": record.preset, "parameters": record.parameters}


@transaction.atomic
def contribution_rule_set(
    *,
    actor: User | None,
    valid_from: dt.date,
    preset: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    name: str = "",
) -> ContributionRuleRecord:
    """Record the rule that applies from `valid_from` (replacing the rule of that same date).

    `preset`: one of essaim.finance.contribution.PRESETS, whose parameters are taken;
    `parameters` (the keys of `ContributionRule.to_parameters`) then change some of them, or
    give the whole rule when there is no preset. The rule is checked before anything is
    written; a bad value raises ValidationError with a French message.
    """
    if not isinstance(valid_from, dt.date):
        raise ValidationError({"valid_from": _("Indiquez la date d'entrée en vigueur.")})
    base: dict[str, Any] = {}
    if preset:
        if preset not in PRESETS:
            raise ValidationError(
                {
                    "preset": _("Modèle de contribution inconnu : %(p)s (modèles : %(all)s).")
                    % {"p": preset, "all": ", ".join(sorted(PRESETS))}
                }
            )
        base = PRESETS[preset].to_parameters()
        name = name or PRESETS[preset].name
    elif not parameters:
        raise ValidationError(
            _("Choisissez un modèle de contribution ou indiquez les paramètres de la règle.")
        )
    unknown = sorted(set(parameters or {}) - set(default_rule().to_parameters()))
    if unknown:
        raise ValidationError(
            {"parameters": _("Paramètres inconnus : %(k)s.") % {"k": ", ".join(unknown)}}
        )
    base.update(parameters or {})
    name = " ".join((name or "").split()) or _("Règle du %(d)s") % {
        "d": valid_from.strftime("%d/%m/%Y")
    }
    if len(name) > 120:
        raise ValidationError({"name": _("Le nom de la règle tient en 120 caractères au plus.")})
    try:
        rule = ContributionRule.from_parameters(name, valid_from, base)
    except (ValueError, TypeError) as error:
        raise ValidationError({"parameters": str(error)}) from None
    stored = rule.to_parameters()
    record = (
        ContributionRuleRecord.objects.select_for_update().filter(valid_from=valid_from).first()
    )
    before = _snapshot(record) if record else {}
    if record is None:
        record = ContributionRuleRecord(valid_from=valid_from, created_by=actor)
    record.name = name
    record.preset = preset or ""
    record.parameters = stored
    record.save()
    log_action(
        actor=actor,
        action="contribution_rule.updated" if before else "contribution_rule.created",
        target=record,
        changes=diff(before, _snapshot(record)) if before else None,
        data={"valid_from": valid_from, "preset": preset or "", "parameters": stored},
    )
    return record


@transaction.atomic
def contribution_rule_delete(*, actor: User | None, record: ContributionRuleRecord) -> None:
    """Remove a dated rule: the rule before it (or the default) applies again from its date."""
    log_action(
        actor=actor,
        action="contribution_rule.deleted",
        target=record,
        data={
            "valid_from": record.valid_from,
            "name": record.name,
            "parameters": record.parameters,
        },
    )
    record.delete()
