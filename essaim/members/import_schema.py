"""The records of a member import file, read into dataclasses without touching the database.

A file holds JSON objects (one a line in JSON Lines; a CSV row is turned into the same object).
Each record kind (`member`, `advisor`) has a registry of the keys it accepts: a `Key` says
whether the key is required and how its value is read. To accept a new key, add it to the
registry of its kind (`MEMBER_KEYS`, `ACTIVITY_KEYS`...); its parsed value arrives in
`MemberRecord.extra` until the write step (essaim.members.importing) learns to store it.

Every problem becomes an `ImportProblem(line, field, message)`, the field being a path like
`stages[2].end` and the message in French. Readers return `INVALID` after reporting.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from essaim.members import path


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = _Invalid()


@dataclass(frozen=True)
class ImportProblem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass
class Context:
    """Where the reader stands (the line) and where its problems go."""

    line: int
    problems: list[ImportProblem]
    # CSV names a field by its column (`activity_sector`), JSON by its path (`activity.sector`).
    rename: Callable[[str], str] | None = None

    def error(self, name: str, message: str) -> _Invalid:
        name = self.rename(name) if self.rename else name
        self.problems.append(ImportProblem(self.line, name, message))
        return INVALID


Reader = Callable[[Any, str, Context], Any]


@dataclass(frozen=True)
class Key:
    read: Reader
    required: bool = False


# -- value readers ------------------------------------------------------------------------------


def kind_of(value: Any) -> str:
    """The JSON type of a value, in French, with the value when short."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"un booléen ({'true' if value else 'false'})"
    if isinstance(value, int | float):
        return f"un nombre ({value})"
    if isinstance(value, str):
        return f"une chaîne de caractères (« {value[:40]} »)"
    if isinstance(value, list):
        return "une liste"
    return "un objet"


def text(max_length: int | None = None, *, blank: bool = True) -> Reader:
    """A string, stripped; `blank=False` refuses the empty string."""

    def read(value: Any, name: str, ctx: Context) -> Any:
        if not isinstance(value, str):
            return ctx.error(name, f"une chaîne de caractères est attendue, pas {kind_of(value)}")
        value = value.strip()
        if not value and not blank:
            return ctx.error(name, "ce champ ne peut pas être vide")
        if max_length is not None and len(value) > max_length:
            return ctx.error(name, f"trop long : {len(value)} caractères, {max_length} au plus")
        return value

    return read


def email(value: Any, name: str, ctx: Context) -> Any:
    """An e-mail address, stored in lower case as everywhere in Essaim."""
    value = text(254, blank=False)(value, name, ctx)
    if value is INVALID:
        return INVALID
    try:
        validate_email(value)
    except ValidationError:
        return ctx.error(name, f"adresse e-mail invalide « {value} »")
    return value.lower()


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def date(value: Any, name: str, ctx: Context) -> Any:
    if not isinstance(value, str):
        return ctx.error(name, f"une date AAAA-MM-JJ est attendue, pas {kind_of(value)}")
    if not _ISO_DATE.fullmatch(value.strip()):
        return ctx.error(name, f"date attendue au format AAAA-MM-JJ, pas « {value[:40]} »")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return ctx.error(name, f"date impossible « {value.strip()} »")


def join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def read_object(
    value: Any, name: str, ctx: Context, keys: Mapping[str, Key]
) -> dict[str, Any] | _Invalid:
    """The keys of a JSON object that read well, or INVALID when it is not an object.

    Unknown keys, missing required keys and bad values are reported; a key given as `null`
    counts as absent. The caller learns whether anything failed by counting ctx.problems.
    """
    if not isinstance(value, dict):
        return ctx.error(name or "record", f"un objet JSON est attendu, pas {kind_of(value)}")
    for key in value:
        if key not in keys:
            ctx.error(
                join(name, str(key)),
                f"clé inconnue « {key} » (clés possibles : {', '.join(keys)})",
            )
    out: dict[str, Any] = {}
    for key, spec in keys.items():
        raw = value.get(key)
        if raw is None:
            if spec.required:
                ctx.error(join(name, key), "champ obligatoire manquant")
            continue
        parsed = spec.read(raw, join(name, key), ctx)
        if parsed is not INVALID:
            out[key] = parsed
    return out


def nested(keys: Mapping[str, Key], build: Callable[[dict[str, Any]], Any]) -> Reader:
    """A sub-object read with its own registry; INVALID when anything in it is wrong."""

    def read(value: Any, name: str, ctx: Context) -> Any:
        before = len(ctx.problems)
        parsed = read_object(value, name, ctx, keys)
        if parsed is INVALID or len(ctx.problems) > before:
            return INVALID
        return build(parsed)  # type: ignore[arg-type]

    return read


def list_of(item: Reader) -> Reader:
    """A JSON list; INVALID when the list or any of its items is wrong."""

    def read(value: Any, name: str, ctx: Context) -> Any:
        if not isinstance(value, list):
            return ctx.error(name, f"une liste est attendue, pas {kind_of(value)}")
        before = len(ctx.problems)
        items = [item(v, f"{name}[{i}]", ctx) for i, v in enumerate(value)]
        return INVALID if len(ctx.problems) > before else items

    return read


# -- registries ---------------------------------------------------------------------------------

RECORD_KINDS = ("member", "advisor")


def record_kind(value: Any, name: str, ctx: Context) -> Any:
    if value not in RECORD_KINDS:
        shown = f"« {value} »" if isinstance(value, str) else kind_of(value)
        return ctx.error(
            name, f"type d'enregistrement inconnu : {shown} (attendu : {', '.join(RECORD_KINDS)})"
        )
    return value


@dataclass(frozen=True)
class ActivityData:
    name: str
    description: str = ""
    sector: str | None = None  # a Sector code, checked against the table by the importer


ACTIVITY_KEYS: dict[str, Key] = {
    "name": Key(text(200, blank=False), required=True),
    "description": Key(text()),
    "sector": Key(text(40, blank=False)),
}

STAGE_KEYS: dict[str, Key] = {
    # An unknown kind is reported by path.validate_path, with the list of kinds.
    "kind": Key(text(20, blank=False), required=True),
    "start": Key(date, required=True),
    "end": Key(date),
    "trial_end": Key(date),
}

EXIT_KEYS: dict[str, Key] = {
    "date": Key(date, required=True),
    # An unknown reason is reported by path.validate_path, with the list of reasons.
    "reason": Key(text(20, blank=False), required=True),
}

MEMBER_KEYS: dict[str, Key] = {
    "record": Key(record_kind),
    "external_id": Key(text(64, blank=False), required=True),
    "first_name": Key(text(150, blank=False), required=True),
    "last_name": Key(text(150, blank=False), required=True),
    "email": Key(email, required=True),
    "phone": Key(text(32)),
    "postal_code": Key(text(10)),
    "city": Key(text(120)),
    "activity": Key(nested(ACTIVITY_KEYS, lambda d: ActivityData(**d))),
    "advisor_email": Key(email),
    "stages": Key(list_of(nested(STAGE_KEYS, lambda d: path.Stage(**d))), required=True),
    "exit": Key(nested(EXIT_KEYS, lambda d: path.Exit(**d))),
}

ADVISOR_KEYS: dict[str, Key] = {
    "record": Key(record_kind),
    "email": Key(email, required=True),
    # Required, but an account may have no name: the export writes "" and must read back.
    "first_name": Key(text(150), required=True),
    "last_name": Key(text(150), required=True),
}

# The member keys the importer itself stores; any other registered key goes to `extra`.
CORE_MEMBER_KEYS = frozenset(
    {
        "record",
        "external_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "postal_code",
        "city",
        "activity",
        "advisor_email",
        "stages",
        "exit",
    }
)


# -- records ------------------------------------------------------------------------------------


@dataclass
class AdvisorRecord:
    line: int
    email: str | None
    first_name: str = ""
    last_name: str = ""
    complete: bool = True


@dataclass
class MemberRecord:
    """One member as the file gives it. A key the record does not give is None and listed out of
    `given`: on re-import, what the file does not say is left as it is."""

    line: int
    external_id: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None = None
    postal_code: str | None = None
    city: str | None = None
    activity: ActivityData | None = None
    advisor_email: str | None = None
    stages: list[path.Stage] | None = None
    exit: path.Exit | None = None
    given: frozenset[str] = frozenset()
    # Keys that were present but wrong: whatever depends on them is not checked further.
    broken: frozenset[str] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)
    complete: bool = True  # no problem at all on this line


def read_record(
    value: Any, ctx: Context, *, member_keys: Mapping[str, Key] = MEMBER_KEYS
) -> MemberRecord | AdvisorRecord | None:
    """One line's object as a member or an advisor record (None when it is not an object or
    its record kind is unknown: nothing more can be said about it)."""
    if not isinstance(value, dict):
        ctx.error("record", f"un objet JSON est attendu, pas {kind_of(value)}")
        return None
    kind = value.get("record", "member")
    if record_kind(kind, "record", ctx) is INVALID:
        return None
    before = len(ctx.problems)
    keys = ADVISOR_KEYS if kind == "advisor" else member_keys
    parsed = read_object(value, "", ctx, keys)
    assert not isinstance(parsed, _Invalid)  # value is a dict
    complete = len(ctx.problems) == before
    if kind == "advisor":
        return AdvisorRecord(
            line=ctx.line,
            email=parsed.get("email"),
            first_name=parsed.get("first_name", ""),
            last_name=parsed.get("last_name", ""),
            complete=complete,
        )
    given = frozenset(k for k in value if value.get(k) is not None and k in keys)
    return MemberRecord(
        line=ctx.line,
        external_id=parsed.get("external_id"),
        first_name=parsed.get("first_name"),
        last_name=parsed.get("last_name"),
        email=parsed.get("email"),
        phone=parsed.get("phone"),
        postal_code=parsed.get("postal_code"),
        city=parsed.get("city"),
        activity=parsed.get("activity"),
        advisor_email=parsed.get("advisor_email"),
        stages=parsed.get("stages"),
        exit=parsed.get("exit"),
        given=given,
        broken=frozenset(k for k in given if k not in parsed),
        complete=complete,
        extra={k: v for k, v in parsed.items() if k not in CORE_MEMBER_KEYS},
    )
