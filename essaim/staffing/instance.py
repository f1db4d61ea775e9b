"""The staffing instance: roles to fill, candidate members, trust pairs, budget and weights.

Pure Python (no Django): `parse_instance(data)` turns the JSON object of `docs/staffing.md` into
an `Instance` and checks it; `check_instance(instance)` checks one built in Python. Every
problem raises `InstanceError` (a `ValueError`) whose message, in French, names the field at
fault the way it is written in the JSON: `roles[2].skill`, `members[5].hourly_cost`,
`members[0].colour` (an unknown key), `pairs[3].b`...

Numbers may be `int`, `float` or `Decimal` (never `bool`, never a string). The solver reads a
float as the shortest decimal that denotes it (`45.1` is 45.1, not the binary double next to
it), so costs and scores are computed exactly from what was written.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Number = int | float | Decimal


class InstanceError(ValueError):
    """An invalid instance. `field` is the path of the faulty field (`roles[2].skill`)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field} : {message}" if field else message)


@dataclass(frozen=True, slots=True)
class Role:
    """A role of the opportunity: a skill at `min_level` or more, for `hours` hours."""

    id: str
    skill: str
    min_level: int
    hours: Number


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entry of `members`: a member who may be staffed."""

    id: str
    skills: Mapping[str, int]
    available_hours: Number
    hourly_cost: Number
    priority: Number = 0


@dataclass(frozen=True, slots=True)
class TrustPair:
    """`trust` between members `a` and `b`; several entries for one pair add up."""

    a: str
    b: str
    trust: Number


@dataclass(frozen=True, slots=True)
class Weights:
    trust: Number = 0
    priority: Number = 0


@dataclass(frozen=True, slots=True)
class Instance:
    roles: tuple[Role, ...]
    members: tuple[Candidate, ...]
    pairs: tuple[TrustPair, ...] = ()
    budget: Number | None = None
    max_team_size: int | None = None
    weights: Weights = field(default_factory=Weights)

    @classmethod
    def from_dict(cls, data: Any) -> Instance:
        return parse_instance(data)

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of this instance (absent budget and team size left out)."""
        data: dict[str, Any] = {
            "roles": [
                {"id": r.id, "skill": r.skill, "min_level": r.min_level, "hours": _plain(r.hours)}
                for r in self.roles
            ],
            "members": [
                {
                    "id": m.id,
                    "skills": dict(m.skills),
                    "available_hours": _plain(m.available_hours),
                    "hourly_cost": _plain(m.hourly_cost),
                    "priority": _plain(m.priority),
                }
                for m in self.members
            ],
            "pairs": [{"a": p.a, "b": p.b, "trust": _plain(p.trust)} for p in self.pairs],
            "weights": {
                "trust": _plain(self.weights.trust),
                "priority": _plain(self.weights.priority),
            },
        }
        if self.budget is not None:
            data["budget"] = _plain(self.budget)
        if self.max_team_size is not None:
            data["max_team_size"] = self.max_team_size
        return data


def _plain(value: Number) -> int | float:
    return float(value) if isinstance(value, Decimal) else value


# --- parsing ---------------------------------------------------------------------------------

TOP_KEYS = ("roles", "members", "pairs", "budget", "max_team_size", "weights")
ROLE_KEYS = ("id", "skill", "min_level", "hours")
MEMBER_KEYS = ("id", "skills", "available_hours", "hourly_cost", "priority")
PAIR_KEYS = ("a", "b", "trust")
WEIGHT_KEYS = ("trust", "priority")


def _type_name(value: Any) -> str:
    names = {dict: "un objet", list: "une liste", str: "une chaîne", bool: "un booléen"}
    if value is None:
        return "null"
    return names.get(type(value), type(value).__name__)


def _object(value: Any, path: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InstanceError(path, f"doit être un objet JSON (reçu : {_type_name(value)}).")
    for key in value:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            raise InstanceError(where, f"clé inconnue (clés permises : {', '.join(allowed)}).")
    return value


def _required(data: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in data:
        raise InstanceError(_join(path, key), "champ obligatoire manquant.")
    return data[key]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _optional(data: Mapping[str, Any], key: str, default: Any) -> Any:
    """data[key], or `default` when the key is absent or null."""
    value = data.get(key)
    return default if value is None else value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise InstanceError(path, f"doit être une liste (reçu : {_type_name(value)}).")
    return list(value)


def parse_instance(data: Any) -> Instance:
    """The `Instance` of a JSON object (a dict), checked; `InstanceError` when invalid."""
    if not isinstance(data, Mapping):
        raise InstanceError("", f"L'instance doit être un objet JSON (reçu : {_type_name(data)}).")
    _object(data, "", TOP_KEYS)
    roles = [
        _entry(Role, raw, f"roles[{i}]", ROLE_KEYS, {})
        for i, raw in enumerate(_list(_required(data, "roles", ""), "roles"))
    ]
    members = []
    for i, raw in enumerate(_list(_required(data, "members", ""), "members")):
        # The fast path of a well-formed member (there may be 50,000 of them).
        if type(raw) is dict and len(raw) == 4 + ("priority" in raw):
            try:
                members.append(
                    Candidate(
                        raw["id"],
                        raw["skills"],
                        raw["available_hours"],
                        raw["hourly_cost"],
                        raw.get("priority", 0),
                    )
                )
                continue
            except KeyError:
                pass
        members.append(_entry(Candidate, raw, f"members[{i}]", MEMBER_KEYS, {"priority": 0}))
    pairs = [
        _entry(TrustPair, raw, f"pairs[{i}]", PAIR_KEYS, {})
        for i, raw in enumerate(_list(_optional(data, "pairs", []), "pairs"))
    ]
    raw_weights = data.get("weights")
    weights = Weights()
    if raw_weights is not None:
        weights = _entry(Weights, raw_weights, "weights", WEIGHT_KEYS, {"trust": 0, "priority": 0})
    instance = Instance(
        roles=tuple(roles),
        members=tuple(members),
        pairs=tuple(pairs),
        budget=data.get("budget"),
        max_team_size=data.get("max_team_size"),
        weights=weights,
    )
    check_instance(instance)
    return instance


def _entry(kind: Any, raw: Any, path: str, keys: tuple[str, ...], defaults: dict[str, Any]) -> Any:
    raw = _object(raw, path, keys)
    values = {key: raw[key] if key in raw else defaults.get(key, _MISSING) for key in keys}
    for key, value in values.items():
        if value is _MISSING:
            raise InstanceError(_join(path, key), "champ obligatoire manquant.")
    return kind(**values)


_MISSING = object()


# --- checking --------------------------------------------------------------------------------


def _number(value: Any, path: str, *, non_negative: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InstanceError(path, f"doit être un nombre (reçu : {_type_name(value)}).")
    if isinstance(value, float) and not math.isfinite(value):
        raise InstanceError(path, f"doit être un nombre fini (reçu : {value}).")
    if isinstance(value, Decimal) and not value.is_finite():
        raise InstanceError(path, f"doit être un nombre fini (reçu : {value}).")
    if non_negative and value < 0:
        raise InstanceError(path, f"doit être positif ou nul (reçu : {value}).")


def _plain_number(value: Any, non_negative: bool) -> bool:
    """A fast yes for the usual finite float or int; False sends to `_number`'s message."""
    kind = type(value)
    if kind is float:
        return (0 <= value if non_negative else -math.inf < value) and value < math.inf
    return kind is int and (not non_negative or value >= 0)


def _integer(value: Any, path: str, *, minimum: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstanceError(path, f"{what} doit être un entier (reçu : {_type_name(value)}).")
    if value < minimum:
        raise InstanceError(path, f"{what} doit être un entier ≥ {minimum} (reçu : {value}).")


def _identifier(value: Any, path: str, seen: dict[str, str]) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InstanceError(path, "l'identifiant doit être une chaîne non vide.")
    if value in seen:
        raise InstanceError(
            path, f"identifiant « {value} » en double (déjà pris par {seen[value]})."
        )
    seen[value] = path.removesuffix(".id")


def check_instance(instance: Instance) -> None:
    """Raise `InstanceError` naming the first faulty field of `instance`, if any."""
    if not instance.roles:
        raise InstanceError("roles", "il faut au moins un rôle à pourvoir.")
    role_ids: dict[str, str] = {}
    for i, role in enumerate(instance.roles):
        path = f"roles[{i}]"
        _identifier(role.id, f"{path}.id", role_ids)
        if not isinstance(role.skill, str) or not role.skill.strip():
            raise InstanceError(
                f"{path}.skill", "le rôle doit nommer une compétence (code non vide)."
            )
        _integer(role.min_level, f"{path}.min_level", minimum=0, what="le niveau minimal")
        _number(role.hours, f"{path}.hours", non_negative=True)
    member_ids: dict[str, int] = {}
    for i, member in enumerate(instance.members):
        member_id, skills = member.id, member.skills
        if (
            type(member_id) is str
            and member_id not in member_ids
            and member_id.strip()
            and type(skills) is dict
            and all(
                type(code) is str and type(level) is int and level >= 1 and code.strip()
                for code, level in skills.items()
            )
            and _plain_number(member.available_hours, True)
            and _plain_number(member.hourly_cost, True)
            and _plain_number(member.priority, False)
        ):
            member_ids[member_id] = i
        else:
            _check_member(member, i, member_ids)
    _check_pairs(instance, member_ids)
    if instance.budget is not None:
        _number(instance.budget, "budget", non_negative=True)
    if instance.max_team_size is not None:
        _integer(instance.max_team_size, "max_team_size", minimum=1, what="la taille maximale")
    if not isinstance(instance.weights, Weights):
        raise InstanceError("weights", "doit être un objet {trust, priority}.")
    _number(instance.weights.trust, "weights.trust")
    _number(instance.weights.priority, "weights.priority")


def _check_member(member: Candidate, i: int, member_ids: dict[str, int]) -> None:
    """The slow check of one member, with the message naming what is wrong."""
    path = f"members[{i}]"
    if not isinstance(member.id, str) or not member.id.strip():
        raise InstanceError(f"{path}.id", "l'identifiant doit être une chaîne non vide.")
    if member.id in member_ids:
        raise InstanceError(
            f"{path}.id",
            f"identifiant « {member.id} » en double (déjà pris par "
            f"members[{member_ids[member.id]}]).",
        )
    if not isinstance(member.skills, Mapping):
        raise InstanceError(
            f"{path}.skills",
            "doit être un objet {code de compétence: niveau} "
            f"(reçu : {_type_name(member.skills)}).",
        )
    for code, level in member.skills.items():
        if not isinstance(code, str) or not code.strip():
            raise InstanceError(f"{path}.skills", "un code de compétence est vide.")
        _integer(level, f"{path}.skills.{code}", minimum=1, what="le niveau")
    _number(member.available_hours, f"{path}.available_hours", non_negative=True)
    _number(member.hourly_cost, f"{path}.hourly_cost", non_negative=True)
    _number(member.priority, f"{path}.priority")
    member_ids[member.id] = i


def _check_pairs(instance: Instance, member_ids: dict[str, int]) -> None:
    for i, pair in enumerate(instance.pairs):
        path = f"pairs[{i}]"
        for key in ("a", "b"):
            value = getattr(pair, key)
            if not isinstance(value, str) or value not in member_ids:
                shown = value if isinstance(value, str) else _type_name(value)
                raise InstanceError(
                    f"{path}.{key}", f"membre inconnu « {shown} » (absent de members)."
                )
        if pair.a == pair.b:
            raise InstanceError(
                f"{path}.b", f"un membre ne peut pas être apparié à lui-même (« {pair.a} »)."
            )
        _number(pair.trust, f"{path}.trust")
