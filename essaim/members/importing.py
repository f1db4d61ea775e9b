"""Import members from JSON Lines or CSV: all or nothing, and fast enough for 10,000 members.

Three steps, so that no query is made per line:

1. read: the file becomes records (essaim.members.import_schema), problems collected;
2. check: what the database already holds about the file's external ids, e-mails and advisors
   is loaded in a few chunked queries, and every cross-record rule is checked in memory
   (duplicates, unknown advisors and sectors, the path rules of `path.validate_path`, history
   that a re-import would erase);
3. write (essaim.members.import_write): only when there is no problem at all, with bulk
   inserts and updates inside the same transaction as the check.

Apps above `members` add keys of their own (skills, profile, prices) through
essaim.members.import_extensions; they take part in the same three steps.

The file format is documented for users in docs/import-format.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, NamedTuple

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from essaim.core.models import Role, User
from essaim.members import import_extensions, path
from essaim.members.import_extensions import Batch, BatchItem, ImportExtension
from essaim.members.import_schema import (
    MEMBER_KEYS,
    AdvisorRecord,
    Context,
    ImportProblem,
    MemberRecord,
    read_record,
)
from essaim.members.models import Activity, AdvisorAssignment, Member, PathStage, Sector

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "ImportProblem",
    "ImportReport",
    "members_import",
    "members_import_check",
]

FORMATS = ("jsonl", "csv")
CSV_COLUMNS = (
    "external_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "postal_code",
    "city",
    "activity_name",
    "activity_description",
    "activity_sector",
    "advisor_email",
)
CSV_REQUIRED = ("external_id", "first_name", "last_name", "email")
# A CSV row has no path: its stages and exit are left as they are.
CSV_MEMBER_KEYS = {k: v for k, v in MEMBER_KEYS.items() if k not in {"record", "stages", "exit"}}
# Members exported without an external id carry this one; a re-import finds them by it.
LEGACY_ID = re.compile(r"essaim-(\d+)")
# Rows per `IN (...)` lookup: below SQLite's historical limit of 999 parameters.
CHUNK = 900


@dataclass
class ImportReport:
    fmt: str
    source_name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    advisors_created: int = 0
    advisors_updated: int = 0
    errors: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"{self.created} membre(s) créé(s), {self.updated} mis à jour, "
            f"{self.unchanged} inchangé(s) ; chargé·es d'accompagnement : "
            f"{self.advisors_created} créé·e(s), {self.advisors_updated} mis·es à jour"
        )


@dataclass
class ParsedFile:
    fmt: str
    advisors: list[AdvisorRecord] = field(default_factory=list)
    members: list[MemberRecord] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    # Each import extension with the records that give its keys (filled by the check).
    batches: list[tuple[ImportExtension, Batch]] = field(default_factory=list)

    def field_name(self, name: str) -> str:
        return _csv_field(name) if self.fmt == "csv" else name


def _csv_field(name: str) -> str:
    return name.replace("activity.", "activity_", 1)


# -- 1. read ------------------------------------------------------------------------------------

Stream = IO[str] | IO[bytes] | Iterable[str] | Iterable[bytes]


def _decoded(stream: Stream, problems: list[ImportProblem]) -> Iterator[str]:
    """The file's lines as text; a line that is not UTF-8 is reported and ends the reading.

    Given bytes (a file opened in binary mode), the line of a bad byte is exact; given text,
    the decoder fails on a whole block, so the line is the first one not yet read.
    """
    lines = iter(stream)
    number = 0
    while True:
        try:
            line = next(lines)
            if isinstance(line, bytes):
                line = line.decode("utf-8")
        except StopIteration:
            return
        except UnicodeDecodeError:
            problems.append(
                ImportProblem(
                    number + 1,
                    "fichier",
                    "le fichier n'est pas encodé en UTF-8 : enregistrez-le en UTF-8 "
                    "(dans un tableur : « CSV UTF-8 »)",
                )
            )
            return
        number += 1
        yield line.removeprefix("\ufeff") if number == 1 else line


_JSON_MESSAGES = {
    "Expecting value": "valeur attendue",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendu",
    "Expecting property name enclosed in double quotes": (
        "nom de clé entre guillemets droits attendu"
    ),
    "Unterminated string starting at": "chaîne de caractères non terminée",
    "Invalid control character at": "caractère de contrôle dans une chaîne",
    "Invalid \\escape": "séquence d'échappement invalide",
    "Invalid \\uXXXX escape": "séquence \\uXXXX invalide",
    "Extra data": "texte en trop après l'objet (un seul objet par ligne)",
}


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _read_jsonl(lines: Iterable[str], parsed: ParsedFile) -> None:
    # The member's own keys, then those the other apps registered (import_extensions).
    keys = {**MEMBER_KEYS, **import_extensions.extension_keys()}
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")  # so that an error at the end of the line keeps its column
        if not line.strip():
            continue
        ctx = Context(number, parsed.problems)
        try:
            value = json.loads(line, object_pairs_hook=_no_duplicate_keys)
        except json.JSONDecodeError as exc:
            message = _JSON_MESSAGES.get(exc.msg, exc.msg)
            ctx.error("json", f"JSON mal formé à la colonne {exc.colno} : {message}")
            continue
        except _DuplicateKey as exc:
            ctx.error(str(exc), f"clé « {exc} » en double dans l'objet")
            continue
        _add(parsed, read_record(value, ctx, member_keys=keys))


def _read_csv(lines: Iterable[str], parsed: ParsedFile) -> None:
    lines = iter(lines)
    first = next(lines, None)
    if first is None or not first.strip():
        parsed.problems.append(
            ImportProblem(1, "en-tête", f"la première ligne doit nommer les colonnes : {_cols()}")
        )
        return
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
    rows = _csv_rows(reader, parsed.problems)
    header = [name.strip() for name in next(rows, [])]
    if not _header_ok(header, parsed.problems):
        return
    previous_end = reader.line_num
    for row in rows:
        number, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        ctx = Context(number, parsed.problems, rename=_csv_field)
        if len(row) > len(header):
            ctx.error(
                "csv",
                f"{len(row)} valeurs pour {len(header)} colonnes : "
                "un séparateur en trop, ou un guillemet non refermé ?",
            )
            continue
        cells = {
            name: cell.strip() for name, cell in zip(header, row, strict=False) if cell.strip()
        }
        _add(parsed, read_record(_csv_object(cells), ctx, member_keys=CSV_MEMBER_KEYS))


def _csv_rows(reader: Any, problems: list[ImportProblem]) -> Iterator[list[str]]:
    """The reader's rows; a line the CSV module cannot read is reported and ends the file."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = (
                f"une valeur dépasse {csv.field_size_limit()} caractères : "
                "un guillemet n'est sans doute pas refermé"
                if "field limit" in str(exc)
                else str(exc)
            )
            problems.append(
                ImportProblem(reader.line_num, "csv", f"ligne CSV illisible : {reason}")
            )
            return


def _cols() -> str:
    return ", ".join(CSV_COLUMNS)


def _header_ok(header: list[str], problems: list[ImportProblem]) -> bool:
    before = len(problems)
    for i, name in enumerate(header):
        if name not in CSV_COLUMNS:
            problems.append(
                ImportProblem(
                    1,
                    name or f"colonne {i + 1}",
                    f"colonne inconnue « {name} » (colonnes attendues : {_cols()})",
                )
            )
        elif name in header[:i]:
            problems.append(ImportProblem(1, name, f"colonne « {name} » en double"))
    for name in CSV_REQUIRED:
        if name not in header:
            problems.append(
                ImportProblem(1, name, f"colonne obligatoire « {name} » absente de l'en-tête")
            )
    return len(problems) == before


def _csv_object(cells: dict[str, str]) -> dict[str, Any]:
    """A CSV row as the member object of the JSON format (empty cells are absent keys)."""
    obj: dict[str, Any] = {k: v for k, v in cells.items() if not k.startswith("activity_")}
    activity = {k[len("activity_") :]: v for k, v in cells.items() if k.startswith("activity_")}
    if activity:
        obj["activity"] = activity
    return obj


def _add(parsed: ParsedFile, record: MemberRecord | AdvisorRecord | None) -> None:
    if isinstance(record, AdvisorRecord):
        parsed.advisors.append(record)
    elif isinstance(record, MemberRecord):
        parsed.members.append(record)


def read_file(stream: Stream, fmt: str) -> ParsedFile:
    """Read the whole file into records; no database access."""
    if fmt not in FORMATS:
        raise ValueError(f"format d'import inconnu : {fmt!r} (attendu : {', '.join(FORMATS)})")
    parsed = ParsedFile(fmt)
    lines = _decoded(stream, parsed.problems)
    (_read_csv if fmt == "csv" else _read_jsonl)(lines, parsed)
    return parsed


# -- 2. check -----------------------------------------------------------------------------------


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    values = list(values)
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


class Account(NamedTuple):
    """An existing login, as far as the import needs it."""

    pk: int
    email: str
    role: str
    first_name: str
    last_name: str

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


class KnownMember(NamedTuple):
    """An existing member that has one of the file's e-mail addresses."""

    pk: int
    external_id: str | None
    first_name: str
    last_name: str
    user_id: int | None

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class StageRow:
    """A stored stage: its key for bulk updates and the values a re-import compares."""

    pk: int
    kind: str
    start: dt.date
    end: dt.date | None
    trial_end: dt.date | None

    def as_path(self) -> path.Stage:
        return path.Stage(self.kind, self.start, self.end, self.trial_end)


@dataclass
class Existing:
    """What the database holds about the people a file names, loaded in a few queries.

    Model instances only for the members the file updates; plain tuples for the rest, which
    the check reads and the write updates by primary key.
    """

    by_external_id: dict[str, Member] = field(default_factory=dict)
    members_by_email: dict[str, KnownMember] = field(default_factory=dict)
    users_by_email: dict[str, Account] = field(default_factory=dict)
    advisor_emails: dict[int, str] = field(default_factory=dict)  # of the matched members
    stages: dict[int, list[StageRow]] = field(default_factory=dict)
    # member pk → (assignment pk, start) of the assignment still open
    open_assignments: dict[int, tuple[int, dt.date]] = field(default_factory=dict)
    sectors: dict[str, Sector] = field(default_factory=dict)
    sector_codes: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, parsed: ParsedFile) -> Existing:
        sectors = list(Sector.objects.all())
        ex = cls(sectors={s.code: s for s in sectors}, sector_codes={s.pk: s.code for s in sectors})
        ex.load_members({r.external_id for r in parsed.members if r.external_id})
        emails = {r.email for r in parsed.members if r.email}
        emails |= {a.email for a in parsed.advisors if a.email}
        emails |= {r.advisor_email for r in parsed.members if r.advisor_email}
        ex.load_people(emails)
        ex.load_history([m.pk for m in ex.by_external_id.values()])
        return ex

    def load_members(self, ids: set[str]) -> None:
        """The members the file names by external id (or by `essaim-<pk>`), locked."""
        rows = (
            Member.objects.select_related("activity")
            .defer("created_at", "updated_at")
            .select_for_update(of=("self",))
            .order_by()
        )
        for chunk in _chunks(ids):
            for m in rows.filter(external_id__in=chunk):
                self.by_external_id[m.external_id] = m  # type: ignore[index]
        legacy = {
            int(match[1]): i
            for i in ids - set(self.by_external_id)
            if (match := LEGACY_ID.fullmatch(i))
        }
        for chunk in _chunks(legacy):
            for m in rows.filter(pk__in=chunk, external_id__isnull=True):
                self.by_external_id[legacy[m.pk]] = m

    def load_people(self, emails: set[str]) -> None:
        """Members and accounts that already have one of the file's e-mail addresses."""
        members = Member.objects.annotate(email_lower=Lower("email"))
        users = User.objects.annotate(email_lower=Lower("email"))
        for chunk in _chunks(emails):
            found = members.filter(email_lower__in=chunk).values_list(
                "email_lower", "pk", "external_id", "first_name", "last_name", "user_id"
            )
            self.members_by_email.update((row[0], KnownMember(*row[1:])) for row in found)
            accounts = users.filter(email_lower__in=chunk).values_list(
                "email_lower", "pk", "email", "role", "first_name", "last_name"
            )
            self.users_by_email.update((row[0], Account(*row[1:])) for row in accounts)

    def load_history(self, matched: list[int]) -> None:
        """Stages, open assignment and advisor of the members the file updates."""
        for chunk in _chunks(matched):
            stages = PathStage.objects.filter(member_id__in=chunk).order_by("start", "id")
            for member_id, *values in stages.values_list(
                "member_id", "pk", "kind", "start", "end", "trial_end"
            ):
                self.stages.setdefault(member_id, []).append(StageRow(*values))
            open_ = AdvisorAssignment.objects.filter(member_id__in=chunk, end__isnull=True)
            self.open_assignments.update(
                (member_id, (pk, start))
                for member_id, pk, start in open_.values_list("member_id", "pk", "start")
            )
        advisor_ids = {m.advisor_id for m in self.by_external_id.values() if m.advisor_id}
        for chunk in _chunks(advisor_ids):
            self.advisor_emails.update(User.objects.filter(pk__in=chunk).values_list("pk", "email"))


def activity_of(member: Member) -> Activity | None:
    try:
        return member.activity
    except Activity.DoesNotExist:
        return None


def shown_id(member: Member | KnownMember) -> str:
    return member.external_id or f"essaim-{member.pk}"


class Checker:
    """Every rule that needs the whole file or the database; problems go to `parsed`."""

    def __init__(self, parsed: ParsedFile, existing: Existing) -> None:
        self.parsed = parsed
        self.ex = existing
        self.declared: dict[str, AdvisorRecord] = {}

    def error(self, line: int, name: str, message: str) -> None:
        self.parsed.problems.append(ImportProblem(line, self.parsed.field_name(name), message))

    def run(self) -> list[tuple[MemberRecord, Member | None]]:
        for advisor in self.parsed.advisors:
            self.check_advisor_record(advisor)
        seen_ids: dict[str, int] = {}
        seen_emails: dict[str, int] = {}
        pairs = []
        for rec in self.parsed.members:
            member = self.ex.by_external_id.get(rec.external_id) if rec.external_id else None
            if rec.external_id in seen_ids:
                self.error(
                    rec.line,
                    "external_id",
                    f"l'identifiant externe « {rec.external_id} » figure déjà ligne "
                    f"{seen_ids[rec.external_id]} : une seule ligne par membre",
                )
            elif rec.external_id:
                seen_ids[rec.external_id] = rec.line
            if rec.email:
                self.check_email(rec, member, seen_emails)
            self.check_activity(rec)
            self.check_advisor(rec)
            self.check_path(rec, member)
            pairs.append((rec, member))
        return pairs

    def check_advisor_record(self, advisor: AdvisorRecord) -> None:
        if advisor.email is None:
            return
        if advisor.email in self.declared:
            first = self.declared[advisor.email].line
            self.error(
                advisor.line,
                "email",
                f"le·la chargé·e d'accompagnement {advisor.email} est déjà déclaré·e ligne {first}",
            )
            return
        self.declared[advisor.email] = advisor
        user = self.ex.users_by_email.get(advisor.email)
        member = self.ex.members_by_email.get(advisor.email)
        if user is not None and user.role != Role.ADVISOR:
            self.error(
                advisor.line,
                "email",
                f"l'adresse {advisor.email} est celle d'un compte « {user.role_label} », "
                "pas d'un·e chargé·e d'accompagnement",
            )
        elif user is None and member is not None:
            self.error(
                advisor.line,
                "email",
                f"l'adresse {advisor.email} est celle du membre {member} "
                f"(identifiant externe {shown_id(member)})",
            )

    def check_email(self, rec: MemberRecord, member: Member | None, seen: dict[str, int]) -> None:
        email = rec.email
        assert email is not None
        other = self.ex.members_by_email.get(email)
        user = self.ex.users_by_email.get(email)
        if email in seen:
            message = (
                f"l'adresse {email} figure déjà ligne {seen[email]} : chaque membre a la sienne"
            )
        elif email in self.declared:
            message = (
                f"l'adresse {email} est celle du·de la chargé·e d'accompagnement déclaré·e "
                f"ligne {self.declared[email].line}"
            )
        elif other is not None and (member is None or other.pk != member.pk):
            message = (
                f"l'adresse {email} est déjà celle d'un autre membre : {other} "
                f"(identifiant externe {shown_id(other)})"
            )
        elif user is not None and (member is None or member.user_id != user.pk):
            message = (
                f"l'adresse {email} est déjà celle du compte de {user} ({user.role_label.lower()})"
            )
        else:
            seen[email] = rec.line
            return
        seen.setdefault(email, rec.line)
        self.error(rec.line, "email", message)

    def check_activity(self, rec: MemberRecord) -> None:
        sector = rec.activity.sector if rec.activity else None
        if sector is not None and sector not in self.ex.sectors:
            self.error(
                rec.line,
                "activity.sector",
                f"secteur inconnu « {sector} » "
                f"(codes valides : {', '.join(sorted(self.ex.sectors))})",
            )

    def check_advisor(self, rec: MemberRecord) -> None:
        email = rec.advisor_email
        if email is None or email in self.declared:
            return
        user = self.ex.users_by_email.get(email)
        if user is None:
            self.error(
                rec.line,
                "advisor_email",
                f"chargé·e d'accompagnement inconnu·e « {email} » : créez son compte, ou "
                'déclarez-le·la dans le fichier JSON Lines par une ligne {"record": "advisor", '
                f'"email": "{email}", "first_name": ..., "last_name": ...}}',
            )
        elif user.role != Role.ADVISOR:
            self.error(
                rec.line,
                "advisor_email",
                f"{email} n'est pas chargé·e d'accompagnement (compte « {user.role_label} »)",
            )

    def check_path(self, rec: MemberRecord, member: Member | None) -> None:
        if rec.stages is None or {"stages", "exit"} & rec.broken:
            return
        exit = rec.exit if "exit" in rec.given else (member.path_exit() if member else None)
        for problem in path.validate_path(rec.stages, exit):
            self.error(rec.line, problem.field, problem.message)
        if member is None:
            return
        in_file = {(s.kind, s.start) for s in rec.stages}
        for row in self.ex.stages.get(member.pk, []):
            if (row.kind, row.start) not in in_file:
                label = path.STAGE_LABELS.get(row.kind, row.kind)
                self.error(
                    rec.line,
                    "stages",
                    f"l'historique ne s'efface pas : l'étape {label} du {path.fr(row.start)} "
                    "enregistrée n'est pas dans le fichier",
                )


def check_extensions(parsed: ParsedFile, pairs: list[tuple[MemberRecord, Member | None]]) -> None:
    """Give each import extension the records that carry its keys, and let it check them."""
    parsed.batches = []
    for extension in import_extensions.extensions():
        items = []
        for rec, member in pairs:
            values = {k: rec.extra[k] for k in extension.keys if k in rec.extra}
            if values and rec.external_id:
                items.append(
                    BatchItem(rec.line, rec.external_id, member.pk if member else None, values)
                )
        batch = Batch(items, parsed.problems)
        if items:
            extension.check(batch)
        parsed.batches.append((extension, batch))


# -- entry points -------------------------------------------------------------------------------


def _report(parsed: ParsedFile, source_name: str) -> ImportReport:
    errors = sorted(parsed.problems, key=lambda p: p.line)  # stable: file order within a line
    return ImportReport(parsed.fmt, source_name, errors=errors)


def members_import_check(*, stream: Stream, fmt: str, source_name: str = "") -> ImportReport:
    """Read and check a file without writing: `errors` as an import would give them, `created`
    the members the file would add and `updated` those it names that already exist."""
    parsed = read_file(stream, fmt)
    with transaction.atomic():
        pairs = Checker(parsed, Existing.load(parsed)).run()
        check_extensions(parsed, pairs)
    report = _report(parsed, source_name)
    if report.ok:
        report.created = sum(1 for _, member in pairs if member is None)
        report.updated = len(pairs) - report.created
    return report


def members_import(
    *,
    actor: User | None,
    stream: Stream,
    fmt: str,
    source_name: str,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportReport:
    """Import a JSON Lines or CSV file of members: everything, or nothing when any error.

    Re-importing an external id updates that member. `dry_run` does the whole import and then
    rolls it back, so the report's counts are exact. `today` dates the advisor changes and
    derives each member's current stage (default: today in the cooperative's time zone).
    """
    from essaim.members.import_write import write

    parsed = read_file(stream, fmt)
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            existing = Existing.load(parsed)
            pairs = Checker(parsed, existing).run()
            check_extensions(parsed, pairs)
            report = _report(parsed, source_name)
            if report.ok:
                write(report, parsed, existing, pairs, actor=actor, today=today)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as exc:
        # Another writer got in between the check and the write (or a rule was missed).
        report = ImportReport(fmt, source_name)
        report.errors.append(
            ImportProblem(
                0,
                "base",
                f"la base a refusé l'écriture, rien n'a été importé ({exc}) ; "
                "si un autre import tournait en même temps, relancez celui-ci",
            )
        )
    return report
