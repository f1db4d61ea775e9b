"""The rules of a member's path through the cooperative, as pure functions.

information meeting → CAPE (12 months, renewable twice, 36 months at most) → CESA (trial period
of at most 8 months minus the CAPE time) → associate (during the CESA, due within 3 years of the
CESA start minus the CAPE time) → exit. No Django here: the import, the forms and the services
all validate through `validate_path`, so a rule is written once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from essaim.core.dates import add_years, months_between, period_end

INFORMATION, CAPE, CESA, ASSOCIATE = "information", "cape", "cesa", "associate"
STAGE_KINDS = (INFORMATION, CAPE, CESA, ASSOCIATE)
EXIT_REASONS = ("own_company", "salaried_job", "stopped", "other")
STAGE_LABELS = {
    INFORMATION: "réunion d'information",
    CAPE: "CAPE",
    CESA: "CESA",
    ASSOCIATE: "associé·e",
}
EXIT_LABELS = {
    "own_company": "création de sa propre entreprise",
    "salaried_job": "retour à l'emploi salarié",
    "stopped": "arrêt de l'activité",
    "other": "autre motif",
}
CAPE_MAX_MONTHS = 12
CAPE_MAX_PERIODS = 3  # the first period and two renewals
CAPE_MAX_TOTAL_MONTHS = 36
TRIAL_MAX_MONTHS = 8
ASSOCIATE_WITHIN_YEARS = 3


@dataclass(frozen=True)
class Stage:
    kind: str
    start: dt.date
    end: dt.date | None = None
    trial_end: dt.date | None = None


@dataclass(frozen=True)
class Exit:
    date: dt.date
    reason: str


@dataclass(frozen=True)
class PathError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def fr(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def cape_planned_end(stage: Stage) -> dt.date:
    """The end of a CAPE period: its recorded end, or the last day of its 12 months."""
    return stage.end or period_end(stage.start, CAPE_MAX_MONTHS)


def cape_days(stages: Sequence[Stage]) -> int:
    """Days spent (or contracted) in CAPE, every period counted from start to end inclusive."""
    return sum((cape_planned_end(s) - s.start).days + 1 for s in stages if s.kind == CAPE)


def _only(stages: Sequence[Stage], kind: str) -> Stage | None:
    return next((s for s in stages if s.kind == kind), None)


def trial_max_end(stages: Sequence[Stage]) -> dt.date | None:
    """Last possible day of the CESA trial period, or None when no trial period is possible."""
    cesa = _only(stages, CESA)
    if cesa is None:
        return None
    last = period_end(cesa.start, TRIAL_MAX_MONTHS) - dt.timedelta(days=cape_days(stages))
    return last if last >= cesa.start else None


def associate_deadline(stages: Sequence[Stage]) -> dt.date | None:
    """CESA start + 3 years − the time spent in CAPE."""
    cesa = _only(stages, CESA)
    if cesa is None:
        return None
    return add_years(cesa.start, ASSOCIATE_WITHIN_YEARS) - dt.timedelta(days=cape_days(stages))


def current_stage(stages: Sequence[Stage], exit: Exit | None, today: dt.date) -> str:
    """The stage a member is in on `today`: a stage kind, 'exited' or 'none'."""
    if exit is not None and exit.date <= today:
        return "exited"
    started = [s for s in stages if s.start <= today]
    if not started:
        return "none"
    rank = {kind: i for i, kind in enumerate(STAGE_KINDS)}
    return max(started, key=lambda s: (s.start, rank[s.kind])).kind


def cohort_year(stages: Sequence[Stage]) -> int | None:
    """Entry cohort: the year of the first contract (CAPE or CESA), else of the first stage."""
    contracts = [s.start for s in stages if s.kind in (CAPE, CESA)]
    starts = contracts or [s.start for s in stages]
    return min(starts).year if starts else None


def _fr_months(months: float) -> str:
    return f"{months:.1f}".replace(".0", "").replace(".", ",")


def _months(start: dt.date, end: dt.date) -> str:
    """Length of [start, end] in words: "40 mois", "12 mois et 1 jour"."""
    whole = int(months_between(start, end))
    rest = (end - (period_end(start, whole) if whole else start - dt.timedelta(days=1))).days
    if not rest:
        return f"{whole} mois"
    return f"{whole} mois et {rest} jour{'s' if rest > 1 else ''}"


def validate_path(stages: Sequence[Stage], exit: Exit | None = None) -> list[PathError]:
    """Every rule broken by this path, each with a French message; [] when the path is valid.

    Fields are named `stages[i].start` etc. after the stage's position in `stages`.
    """
    errors: list[PathError] = []

    def err(field: str, message: str) -> None:
        errors.append(PathError(field, message))

    for i, s in enumerate(stages):
        name = f"stages[{i}]"
        if s.kind not in STAGE_KINDS:
            err(f"{name}.kind", f"étape inconnue « {s.kind} » (attendu : {', '.join(STAGE_KINDS)})")
            continue
        label = STAGE_LABELS[s.kind]
        if s.end is not None and s.end < s.start:
            err(f"{name}.end", f"la fin ({fr(s.end)}) précède le début ({fr(s.start)}) de {label}")
        if s.kind in (INFORMATION, ASSOCIATE) and s.end is not None:
            err(f"{name}.end", f"l'étape « {label} » est une date, sans fin")
        if s.trial_end is not None and s.kind != CESA:
            err(f"{name}.trial_end", "seul un CESA a une période d'essai")
        if s.kind == CAPE and s.end is not None and s.end >= s.start:
            limit = period_end(s.start, CAPE_MAX_MONTHS)
            if s.end > limit:
                err(
                    f"{name}.end",
                    f"une période de CAPE dure au plus {CAPE_MAX_MONTHS} mois : celle du "
                    f"{fr(s.start)} au {fr(s.end)} dure {_months(s.start, s.end)} "
                    f"(fin au plus tard le {fr(limit)}) ; au-delà, enregistrez un renouvellement",
                )
        if exit is not None:
            if s.start > exit.date:
                err(
                    f"{name}.start",
                    f"{label} commence le {fr(s.start)}, après la sortie du {fr(exit.date)} : "
                    "rien ne commence après la sortie",
                )
            elif s.end is not None and s.end > exit.date:
                err(
                    f"{name}.end",
                    f"{label} se termine le {fr(s.end)}, après la sortie du {fr(exit.date)}",
                )

    for kind in (INFORMATION, CESA, ASSOCIATE):
        indexes = [i for i, s in enumerate(stages) if s.kind == kind]
        for i in indexes[1:]:
            err(
                f"stages[{i}].kind",
                f"un parcours compte au plus une étape « {STAGE_LABELS[kind]} »",
            )

    capes = sorted(
        ((i, s) for i, s in enumerate(stages) if s.kind == CAPE), key=lambda p: p[1].start
    )
    if len(capes) > CAPE_MAX_PERIODS:
        err(
            f"stages[{capes[CAPE_MAX_PERIODS][0]}].kind",
            f"le CAPE se renouvelle au plus deux fois : {len(capes)} périodes de CAPE "
            f"(au plus {CAPE_MAX_PERIODS})",
        )
    # Counted in months, period by period: a day count against the 36 months after the first
    # start would reject three 12-month periods separated by a gap across a 29 February.
    total = sum(
        months_between(s.start, cape_planned_end(s))
        for _, s in capes
        if cape_planned_end(s) >= s.start
    )
    if total > CAPE_MAX_TOTAL_MONTHS + 1e-9:
        err(
            f"stages[{capes[-1][0]}].end",
            f"le CAPE dure au plus {CAPE_MAX_TOTAL_MONTHS} mois en tout, renouvellements compris "
            f"({_fr_months(total)} mois enregistrés)",
        )
    for (_, a), (j, b) in zip(capes, capes[1:], strict=False):
        if b.start <= cape_planned_end(a):
            err(
                f"stages[{j}].start",
                f"la période de CAPE du {fr(b.start)} chevauche celle du {fr(a.start)} "
                f"(jusqu'au {fr(cape_planned_end(a))})",
            )

    cesa_i = next((i for i, s in enumerate(stages) if s.kind == CESA), None)
    cesa = stages[cesa_i] if cesa_i is not None else None
    information_i = next((i for i, s in enumerate(stages) if s.kind == INFORMATION), None)
    if information_i is not None:
        info = stages[information_i]
        contracts = [s.start for s in stages if s.kind in (CAPE, CESA)]
        if contracts and info.start > min(contracts):
            err(
                f"stages[{information_i}].start",
                f"la réunion d'information ({fr(info.start)}) doit précéder le premier contrat "
                f"({fr(min(contracts))})",
            )

    if cesa is not None:
        for i, cape in capes:
            if cape.start >= cesa.start:
                err(
                    f"stages[{i}].start",
                    f"le CAPE ({fr(cape.start)}) doit précéder le CESA ({fr(cesa.start)})",
                )
            elif cape_planned_end(cape) >= cesa.start:
                err(
                    f"stages[{i}].end",
                    f"le CAPE du {fr(cape.start)} au {fr(cape_planned_end(cape))} chevauche le "
                    f"CESA qui commence le {fr(cesa.start)} : CAPE et CESA ne se chevauchent pas",
                )
        if cesa.trial_end is not None:
            last = trial_max_end(stages)
            if cesa.trial_end < cesa.start:
                err(
                    f"stages[{cesa_i}].trial_end", "la période d'essai finit avant le début du CESA"
                )
            elif last is None:
                err(
                    f"stages[{cesa_i}].trial_end",
                    f"pas de période d'essai possible : le temps passé en CAPE "
                    f"({cape_days(stages)} jours) atteint déjà {TRIAL_MAX_MONTHS} mois",
                )
            elif cesa.trial_end > last:
                err(
                    f"stages[{cesa_i}].trial_end",
                    f"la période d'essai dure au plus {TRIAL_MAX_MONTHS} mois moins le temps de "
                    f"CAPE : fin au plus tard le {fr(last)}, pas le {fr(cesa.trial_end)}",
                )

    assoc_i = next((i for i, s in enumerate(stages) if s.kind == ASSOCIATE), None)
    if assoc_i is not None:
        assoc = stages[assoc_i]
        if cesa is None:
            err(
                f"stages[{assoc_i}].start",
                "on devient associé·e pendant un CESA, et ce parcours n'a pas de CESA",
            )
        elif assoc.start < cesa.start or (cesa.end is not None and assoc.start > cesa.end):
            span = (
                f"du {fr(cesa.start)} au {fr(cesa.end)}"
                if cesa.end
                else f"en cours depuis le {fr(cesa.start)}"
            )
            err(
                f"stages[{assoc_i}].start",
                f"on devient associé·e pendant le CESA : le {fr(assoc.start)} n'est pas dans le "
                f"CESA ({span})",
            )

    if exit is not None:
        if exit.reason not in EXIT_REASONS:
            err(
                "exit.reason",
                f"motif de sortie inconnu « {exit.reason} » (attendu : {', '.join(EXIT_REASONS)})",
            )
        if not stages:
            err("exit.date", "une sortie suppose au moins une étape de parcours")
    return errors
