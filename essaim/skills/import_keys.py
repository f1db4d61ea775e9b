"""The member file's skills, profile and prices: the skills app's extension of the member import.

Registered in `SkillsConfig.ready()` (essaim.members.import_extensions explains the steps). Keys,
as docs/import-format.md documents them for users:

    "skills": [{"code": "D1202", "level": 3, "years": 12}, {"label": "Coloration végétale",
               "level": 2}],
    "presentation": "...", "zones": ["75", "93"], "remote": true, "languages": ["fr", "en"],
    "availability": {"days_per_week": 2, "from": "2026-01-05", "until": null},
    "prices": [{"label": "Coupe à domicile", "amount": "35.00", "unit": "prestation",
                "visibility": "members"}]

A key the record gives replaces what is stored (skills and prices are current state, not
history: the file's list becomes the member's list); a key it leaves out leaves it as it is.
Nodes are found by code (ROME codes in any case) or by exact label or alias, in a few queries
for the whole file.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from essaim.core.models import User
from essaim.members.import_extensions import Batch, Changes, ImportExtension, chunks
from essaim.members.import_schema import (
    INVALID,
    Context,
    Key,
    date,
    join,
    kind_of,
    list_of,
    nested,
    read_object,
    text,
)
from essaim.members.models import Member
from essaim.members.path import fr
from essaim.members.text import fold
from essaim.skills import geo
from essaim.skills.models import (
    Alias,
    MemberSkill,
    Node,
    Price,
    PriceUnit,
    PriceVisibility,
    Profile,
)
from essaim.skills.rules import price_visibility_filter
from essaim.skills.services import LANGUAGE_CODES, clean_amount, clean_level
from essaim.skills.signals import profile_changed

BATCH = 1000
MAX_AMOUNT = decimal.Decimal("99999999.99")  # Price.amount: 10 digits, 2 of them decimals
MAX_YEARS = 70
TENTH = decimal.Decimal("0.1")
# What the audit log records instead of an amount the people who read a member's history
# (management, the member's advisor) may not see: only prices shown to all members show.
HIDDEN = "masqué"


# -- 1. read: plain values, no database -----------------------------------------------------------


@dataclass(frozen=True)
class SkillWanted:
    code: str | None
    label: str | None
    level: int
    years: int | None


@dataclass(frozen=True)
class Availability:
    days_per_week: decimal.Decimal | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class PriceWanted:
    label: str
    amount: decimal.Decimal
    unit: str
    visibility: str


def _message(exc: ValidationError) -> str:
    return "; ".join(m for messages in exc.message_dict.values() for m in messages)


def _level(value: Any, name: str, ctx: Context) -> Any:
    try:
        return clean_level(value)
    except ValidationError as exc:
        return ctx.error(name, _message(exc))


def _years(value: Any, name: str, ctx: Context) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        return ctx.error(name, f"un nombre entier d'années est attendu, pas {kind_of(value)}")
    if not 0 <= value <= MAX_YEARS:
        return ctx.error(name, f"{value} années de pratique : entre 0 et {MAX_YEARS}")
    return value


SKILL_KEYS: dict[str, Key] = {
    "code": Key(text(Node._meta.get_field("code").max_length, blank=False)),
    "label": Key(text(255, blank=False)),
    "level": Key(_level, required=True),
    "years": Key(_years),
}


def _skill(value: Any, name: str, ctx: Context) -> Any:
    before = len(ctx.problems)
    parsed = read_object(value, name, ctx, SKILL_KEYS)
    if parsed is INVALID:
        return INVALID
    assert isinstance(parsed, dict) and isinstance(value, dict)
    given = [k for k in ("code", "label") if value.get(k) is not None]
    if not given:
        ctx.error(name, "donnez le code (« code ») ou le libellé (« label ») de la compétence")
    elif len(given) == 2:
        ctx.error(name, "donnez le code ou le libellé de la compétence, pas les deux")
    if len(ctx.problems) > before:
        return INVALID
    return SkillWanted(
        parsed.get("code"), parsed.get("label"), parsed["level"], parsed.get("years")
    )


def _skills(value: Any, name: str, ctx: Context) -> Any:
    """The list, a wrong item as None: the check still resolves the others' codes, so that one
    reading reports every problem (nothing is written while there is one)."""
    if not isinstance(value, list):
        return ctx.error(name, f"une liste est attendue, pas {kind_of(value)}")
    items = [_skill(v, f"{name}[{i}]", ctx) for i, v in enumerate(value)]
    return [None if item is INVALID else item for item in items]


def _zone(value: Any, name: str, ctx: Context) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ctx.error(
            name, f"un numéro de département est attendu (ex. « 93 »), pas {kind_of(value)}"
        )
    zone = geo.normalise_zone(value)
    if zone is None:
        return ctx.error(
            name, f"« {value} » n'est pas un département français (ex. 75, 93, 2A, 974)"
        )
    return zone


def _zones(value: Any, name: str, ctx: Context) -> Any:
    zones = list_of(_zone)(value, name, ctx)
    return zones if zones is INVALID else sorted(set(zones))


def _language(value: Any, name: str, ctx: Context) -> Any:
    if not isinstance(value, str):
        return ctx.error(name, f"un code de langue est attendu (ex. « fr »), pas {kind_of(value)}")
    code = value.strip().lower()
    if code not in LANGUAGE_CODES:
        return ctx.error(
            name, f"« {value} » n'est pas un code de langue connu (ex. fr, en, es, ar, wo)"
        )
    return code


def _languages(value: Any, name: str, ctx: Context) -> Any:
    codes = list_of(_language)(value, name, ctx)
    return codes if codes is INVALID else list(dict.fromkeys(codes))


def _boolean(value: Any, name: str, ctx: Context) -> Any:
    if not isinstance(value, bool):
        return ctx.error(name, f"true ou false est attendu, pas {kind_of(value)}")
    return value


def _days(value: Any, name: str, ctx: Context) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ctx.error(name, f"un nombre de jours est attendu (ex. 2.5), pas {kind_of(value)}")
    days = decimal.Decimal(str(value))
    if not 0 <= days <= 7:
        return ctx.error(name, f"{value} jours par semaine : entre 0 et 7")
    if days != days.quantize(TENTH):
        return ctx.error(name, f"{value} : une décimale au plus (ex. 2.5 jours par semaine)")
    return days.quantize(TENTH)


AVAILABILITY_KEYS: dict[str, Key] = {
    "days_per_week": Key(_days),
    "from": Key(date),
    "until": Key(date),
}


def _availability(value: Any, name: str, ctx: Context) -> Any:
    before = len(ctx.problems)
    parsed = read_object(value, name, ctx, AVAILABILITY_KEYS)
    if parsed is INVALID or len(ctx.problems) > before:
        return INVALID
    assert isinstance(parsed, dict)
    start, end = parsed.get("from"), parsed.get("until")
    if start and end and end < start:
        return ctx.error(
            join(name, "until"),
            f"la fin de disponibilité ({fr(end)}) précède son début ({fr(start)})",
        )
    return Availability(parsed.get("days_per_week"), start, end)


def _amount(value: Any, name: str, ctx: Context) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ctx.error(name, f"un montant est attendu (ex. « 35.00 »), pas {kind_of(value)}")
    try:
        amount = clean_amount(value)
    except ValidationError as exc:
        return ctx.error(name, _message(exc))
    if amount > MAX_AMOUNT:
        return ctx.error(name, f"« {value} » : montant trop grand (au plus {MAX_AMOUNT})")
    return amount


def _choice(values: Sequence[str], what: str) -> Any:
    def read(value: Any, name: str, ctx: Context) -> Any:
        if value not in values:
            shown = f"« {value} »" if isinstance(value, str) else kind_of(value)
            return ctx.error(name, f"{what} {shown} inconnue (attendu : {', '.join(values)})")
        return value

    return read


PRICE_KEYS: dict[str, Key] = {
    "label": Key(text(200, blank=False), required=True),
    "amount": Key(_amount, required=True),
    "unit": Key(_choice(PriceUnit.values, "unité"), required=True),
    "visibility": Key(_choice(PriceVisibility.values, "visibilité")),
}


def _price(d: dict[str, Any]) -> PriceWanted:
    # Not said: only the member sees it (prices are theirs to show).
    return PriceWanted(d["label"], d["amount"], d["unit"], d.get("visibility", PriceVisibility.ME))


# In the order an export writes them.
KEYS: dict[str, Key] = {
    "skills": Key(_skills),
    "presentation": Key(text()),
    "zones": Key(_zones),
    "remote": Key(_boolean),
    "languages": Key(_languages),
    "availability": Key(_availability),
    "prices": Key(list_of(nested(PRICE_KEYS, _price))),
}
PROFILE_KEYS = ("presentation", "zones", "remote", "languages", "availability")


# -- 2. check: nodes and current state, in bulk -------------------------------------------------


@dataclass(frozen=True)
class NodeRow:
    pk: int
    code: str
    label: str
    obsolete: bool

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"


@dataclass(frozen=True)
class SkillRow:
    pk: int
    node_id: int
    code: str
    level: int
    years: int | None


def _node_rows(query: Q) -> Iterable[NodeRow]:
    for row in Node.objects.filter(query).values_list("pk", "code", "label", "obsolete"):
        yield NodeRow(*row)


def nodes_by_codes(codes: Iterable[str]) -> dict[str, NodeRow]:
    """Each code → its node; as `selectors.node_by_code`, a ROME code in any case."""
    codes = set(codes)
    wanted = sorted(codes | {c.upper() for c in codes})
    found: dict[str, NodeRow] = {}
    for chunk in chunks(wanted):
        found.update((n.code, n) for n in _node_rows(Q(code__in=chunk)))
    return {c: node for c in codes if (node := found.get(c) or found.get(c.upper()))}


def nodes_by_labels(folded: Iterable[str]) -> dict[str, list[NodeRow]]:
    """Each folded label → the nodes whose label or an alias it is exactly (as
    `selectors.nodes_by_label`), ordered by code."""
    ids: dict[str, set[int]] = defaultdict(set)
    wanted = sorted(set(folded))
    for chunk in chunks(wanted):
        for label, pk in Node.objects.filter(search_label__in=chunk).values_list(
            "search_label", "pk"
        ):
            ids[label].add(pk)
        for label, pk in Alias.objects.filter(folded__in=chunk).values_list("folded", "node_id"):
            ids[label].add(pk)
    nodes: dict[int, NodeRow] = {}
    for chunk in chunks(sorted({pk for pks in ids.values() for pk in pks})):
        nodes.update((n.pk, n) for n in _node_rows(Q(pk__in=chunk)))
    return {
        label: sorted((nodes[pk] for pk in pks), key=lambda n: n.code) for label, pks in ids.items()
    }


@dataclass
class Current:
    """What is stored for the members a file updates."""

    profiles: dict[int, Profile]
    skills: dict[int, dict[int, SkillRow]]  # member pk → node pk → skill
    prices: dict[int, list[PriceWanted]]  # in their order of creation

    @classmethod
    def load(cls, member_ids: list[int]) -> Current:
        current = cls({}, defaultdict(dict), defaultdict(list))
        for chunk in chunks(member_ids):
            current.profiles.update(
                (p.member_id, p) for p in Profile.objects.filter(member_id__in=chunk)
            )
            skills = MemberSkill.objects.filter(member_id__in=chunk).order_by("id")
            for member_id, *values in skills.values_list(
                "member_id", "pk", "node_id", "node__code", "level", "years"
            ):
                row = SkillRow(*values)
                current.skills[member_id][row.node_id] = row
            prices = Price.objects.filter(member_id__in=chunk).order_by("id")
            for member_id, *values in prices.values_list(
                "member_id", "label", "amount", "unit", "visibility"
            ):
                current.prices[member_id].append(PriceWanted(*values))
        return current


def _resolve(
    wanted: SkillWanted,
    by_code: Mapping[str, NodeRow],
    by_label: Mapping[str, list[NodeRow]],
) -> tuple[NodeRow | None, str, str]:
    """(node, field, problem) of one skill of the file: a node and "" when it resolves."""
    if wanted.code is not None:
        node = by_code.get(wanted.code)
        if node is None:
            return (
                None,
                "code",
                f"code de compétence inconnu « {wanted.code} » dans la nomenclature",
            )
        return node, "code", ""
    assert wanted.label is not None
    found = by_label.get(fold(wanted.label), [])
    if not found:
        return (
            None,
            "label",
            f"aucune compétence ne s'appelle « {wanted.label} » dans la nomenclature : donnez "
            "son code, ou faites ajouter ce nom comme synonyme",
        )
    live = [n for n in found if not n.obsolete] or found
    if len(live) > 1:
        codes = ", ".join(str(n) for n in live[:8])
        return (
            None,
            "label",
            f"« {wanted.label} » est ambigu : donnez plutôt le code, parmi {codes}",
        )
    return live[0], "label", ""


# -- 3. write -----------------------------------------------------------------------------------


def _availability_of(profile: Profile) -> Availability:
    return Availability(profile.days_per_week, profile.available_from, profile.available_until)


def _days_out(days: decimal.Decimal) -> int | float:
    return int(days) if days == days.to_integral_value() else float(days)


def availability_record(value: Availability) -> dict[str, Any] | None:
    """As the file writes it; None when nothing is said."""
    if value == Availability():
        return None
    out: dict[str, Any] = {}
    if value.days_per_week is not None:
        out["days_per_week"] = _days_out(value.days_per_week)
    if value.start is not None:
        out["from"] = value.start.isoformat()
    if value.end is not None:
        out["until"] = value.end.isoformat()
    return out


def _profile_view(profile: Profile) -> dict[str, Any]:
    return {
        "presentation": profile.presentation,
        "zones": list(profile.zones or []),
        "remote": profile.remote,
        "languages": list(profile.languages or []),
        "availability": _availability_of(profile),
    }


def _audit_value(key: str, value: Any) -> Any:
    return availability_record(value) if key == "availability" else value


def _skills_audit(rows: Iterable[tuple[str, int, int | None]]) -> list[dict[str, Any]]:
    return [
        {"code": code, "level": level} | ({"years": years} if years is not None else {})
        for code, level, years in sorted(rows)
    ]


def _prices_audit(prices: Iterable[PriceWanted]) -> list[dict[str, Any]]:
    return [
        {
            "label": p.label,
            "amount": str(p.amount) if p.visibility == PriceVisibility.MEMBERS else HIDDEN,
            "unit": p.unit,
            "visibility": p.visibility,
        }
        for p in prices
    ]


def _price_key(p: PriceWanted) -> tuple[str, decimal.Decimal, str, str]:
    return (p.label, p.amount, p.unit, p.visibility)


@dataclass
class _Writes:
    new_profiles: list[Profile]
    updated_profiles: list[Profile]
    profile_fields: set[str]
    new_skills: list[MemberSkill]
    updated_skills: list[MemberSkill]
    deleted_skills: list[int]
    cleared_prices: list[int]  # members whose stored prices go
    new_prices: list[Price]

    def flush(self) -> None:
        Profile.objects.bulk_create(self.new_profiles, batch_size=BATCH)
        if self.updated_profiles:
            Profile.objects.bulk_update(
                self.updated_profiles,
                sorted(self.profile_fields | {"updated_at"}),
                batch_size=BATCH,
            )
        for chunk in chunks(self.deleted_skills):
            MemberSkill.objects.filter(pk__in=chunk).delete()
        if self.updated_skills:
            MemberSkill.objects.bulk_update(
                self.updated_skills, ["level", "years"], batch_size=BATCH
            )
        MemberSkill.objects.bulk_create(self.new_skills, batch_size=BATCH)
        for chunk in chunks(self.cleared_prices):
            Price.objects.filter(member_id__in=chunk).delete()
        Price.objects.bulk_create(self.new_prices, batch_size=BATCH)


_MODEL_FIELDS = {
    "presentation": ("presentation",),
    "zones": ("zones",),
    "remote": ("remote",),
    "languages": ("languages",),
    "availability": ("days_per_week", "available_from", "available_until"),
}


class SkillsImport(ImportExtension):
    name = "skills"
    keys = KEYS

    # -- check

    def check(self, batch: Batch) -> None:
        current = Current.load(batch.existing_ids())
        codes: set[str] = set()
        labels: set[str] = set()
        for item in batch.items:
            for wanted in item.values.get("skills", ()):
                if wanted is None:
                    continue
                if wanted.code is not None:
                    codes.add(wanted.code)
                else:
                    labels.add(fold(wanted.label))
        by_code, by_label = nodes_by_codes(codes), nodes_by_labels(labels)
        resolved: dict[str, list[tuple[NodeRow, SkillWanted]]] = {}
        for item in batch.items:
            if "skills" not in item.values:
                continue
            held = current.skills.get(item.member_id, {}) if item.member_id else {}
            seen: dict[int, int] = {}
            rows = []
            for i, wanted in enumerate(item.values["skills"]):
                if wanted is None:  # already reported by the reading
                    continue
                node, key, problem = _resolve(wanted, by_code, by_label)
                name = f"skills[{i}].{key}"
                if node is None:
                    batch.error(item.line, name, problem)
                elif node.pk in seen:
                    batch.error(item.line, name, f"{node} figure déjà en skills[{seen[node.pk]}]")
                elif node.obsolete and node.pk not in held:
                    # A member keeps an obsolete skill they hold; nobody takes a new one.
                    batch.error(
                        item.line,
                        name,
                        f"{node} est obsolète dans la nomenclature : choisissez un autre nœud",
                    )
                else:
                    seen[node.pk] = i
                    rows.append((node, wanted))
            resolved[item.external_id] = rows
        batch.state.update(current=current, resolved=resolved)

    # -- write

    def write(
        self, batch: Batch, members: Mapping[str, Member], *, actor: User | None
    ) -> dict[str, Changes]:
        current: Current = batch.state["current"]
        resolved: dict[str, list[tuple[NodeRow, SkillWanted]]] = batch.state["resolved"]
        now = timezone.now()
        w = _Writes([], [], set(), [], [], [], [], [])
        changes: dict[str, Changes] = {}
        for item in batch.items:
            member = members[item.external_id]
            found: Changes = {}
            if any(k in item.values for k in PROFILE_KEYS):
                found |= self._profile(item.values, member, current, w, now)
            if "skills" in item.values:
                found |= self._skills(resolved[item.external_id], member, current, w)
            if "prices" in item.values:
                found |= self._prices(item.values["prices"], member, current, w)
            if found:
                changes[item.external_id] = found
        w.flush()
        return changes

    def _profile(
        self,
        values: dict[str, Any],
        member: Member,
        current: Current,
        w: _Writes,
        now: dt.datetime,
    ) -> Changes:
        profile = current.profiles.get(member.pk)
        new = profile is None
        if profile is None:
            profile = Profile(member=member)
        before = _profile_view(profile)
        changed = [k for k in PROFILE_KEYS if k in values and values[k] != before[k]]
        if not changed:
            return {}
        for key in changed:
            value = values[key]
            if key == "availability":
                profile.days_per_week = value.days_per_week
                profile.available_from, profile.available_until = value.start, value.end
            else:
                setattr(profile, key, value)
            w.profile_fields.update(_MODEL_FIELDS[key])
        profile.updated_at = now
        (w.new_profiles if new else w.updated_profiles).append(profile)
        return {k: [_audit_value(k, before[k]), _audit_value(k, values[k])] for k in changed}

    def _skills(
        self,
        wanted: list[tuple[NodeRow, SkillWanted]],
        member: Member,
        current: Current,
        w: _Writes,
    ) -> Changes:
        held = current.skills.get(member.pk, {})
        kept: set[int] = set()
        for node, skill in wanted:
            row = held.get(node.pk)
            if row is None:
                w.new_skills.append(
                    MemberSkill(
                        member=member, node_id=node.pk, level=skill.level, years=skill.years
                    )
                )
                continue
            kept.add(node.pk)
            if (row.level, row.years) != (skill.level, skill.years):
                w.updated_skills.append(
                    MemberSkill(pk=row.pk, level=skill.level, years=skill.years)
                )
        w.deleted_skills.extend(row.pk for node_id, row in held.items() if node_id not in kept)
        before = _skills_audit((r.code, r.level, r.years) for r in held.values())
        after = _skills_audit((n.code, s.level, s.years) for n, s in wanted)
        return {"skills": [before, after]} if before != after else {}

    def _prices(
        self, wanted: list[PriceWanted], member: Member, current: Current, w: _Writes
    ) -> Changes:
        stored = current.prices.get(member.pk, [])
        if sorted(map(_price_key, stored)) == sorted(map(_price_key, wanted)):
            return {}
        if stored:
            w.cleared_prices.append(member.pk)
        w.new_prices.extend(
            Price(
                member=member,
                label=p.label,
                amount=p.amount,
                unit=p.unit,
                visibility=p.visibility,
            )
            for p in wanted
        )
        return {"prices": [_prices_audit(stored), _prices_audit(wanted)]}

    def after_write(self, member_ids: list[int]) -> None:
        # The directory's index (and embeddings) follow the members' names, activities and
        # profiles: one signal for the whole import.
        profile_changed.send(sender=Profile, member_ids=member_ids)

    # -- export

    def export(self, members: Sequence[Member], viewer: Any = None) -> dict[int, dict[str, Any]]:
        """Everything the import reads back; with a viewer, only the prices that person may
        see (prices are the member's to show, in exports too)."""
        found: dict[int, dict[str, Any]] = defaultdict(dict)
        ids = sorted(m.pk for m in members)
        for chunk in chunks(ids):
            skills = MemberSkill.objects.filter(member_id__in=chunk).order_by("member_id", "id")
            for member_id, code, level, years in skills.values_list(
                "member_id", "node__code", "level", "years"
            ):
                skill = {"code": code, "level": level}
                if years is not None:
                    skill["years"] = years
                found[member_id].setdefault("skills", []).append(skill)
            for profile in Profile.objects.filter(member_id__in=chunk):
                found[profile.member_id].update(profile_record(profile))
            prices = Price.objects.filter(member_id__in=chunk).order_by("member_id", "id")
            if viewer is not None:
                prices = prices.filter(price_visibility_filter(viewer))
            for member_id, label, amount, unit, visibility in prices.values_list(
                "member_id", "label", "amount", "unit", "visibility"
            ):
                found[member_id].setdefault("prices", []).append(
                    {"label": label, "amount": str(amount), "unit": unit, "visibility": visibility}
                )
        return dict(found)


def profile_record(profile: Profile) -> dict[str, Any]:
    """A profile's keys as the file writes them, empty ones left out."""
    out: dict[str, Any] = {}
    if profile.presentation:
        out["presentation"] = profile.presentation
    if profile.zones:
        out["zones"] = list(profile.zones)
    if profile.remote:
        out["remote"] = True
    if profile.languages:
        out["languages"] = list(profile.languages)
    if (availability := availability_record(_availability_of(profile))) is not None:
        out["availability"] = availability
    return out


EXTENSION = SkillsImport()
