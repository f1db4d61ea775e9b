"""Import opportunities of the business watch from a CSV file.

The format is documented for staff in docs/opportunities-format.md. All or nothing: the whole
file is read and checked first, every problem listed with its line and column; the database
is written only when there is none, in one transaction. A `reference` already imported updates
its opportunity; only the new ones are told to the members who follow their skills.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.audit import audit_entry, log_actions
from essaim.core.models import User
from essaim.marketplace.models import Opportunity, OpportunityKind
from essaim.marketplace.services.watch import clean_opportunity, notify_subscribers
from essaim.members.text import fold
from essaim.skills.models import Node
from essaim.skills.selectors import node_by_code, nodes_by_label, resolve_node

COLUMNS = (
    "reference",
    "type",
    "titre",
    "description",
    "client",
    "competences",
    "date_limite",
    "lien",
    "departement",
    "budget",
)
REQUIRED_COLUMNS = ("reference", "type", "titre", "competences")
FIELD_COLUMNS = {
    "external_ref": "reference",
    "kind": "type",
    "title": "titre",
    "description": "description",
    "client": "client",
    "nodes": "competences",
    "deadline": "date_limite",
    "source_url": "lien",
    "zone": "departement",
    "budget": "budget",
}
KIND_WORDS = {
    "tender": OpportunityKind.TENDER,
    "appel d'offres": OpportunityKind.TENDER,
    "appel d offres": OpportunityKind.TENDER,
    "appel d'offre": OpportunityKind.TENDER,
    "ao": OpportunityKind.TENDER,
    "lead": OpportunityKind.LEAD,
    "piste": OpportunityKind.LEAD,
    "piste client": OpportunityKind.LEAD,
}
_ORDER = {name: i for i, name in enumerate(COLUMNS)}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
NODE_SEPARATOR = "|"
CHUNK = 900


@dataclass(frozen=True)
class ImportProblem:
    line: int
    column: str  # the CSV column in cause ("" for the whole line)
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("ligne %(line)d, colonne « %(column)s » : %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("ligne %(line)d : %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notified: int = 0  # people told of the new opportunities
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    line: int
    fields: dict[str, Any]
    nodes: list[Node]


def _column_name(raw: str) -> str:
    """ "Date limite" → "date_limite", "Compétences" → "competences"."""
    return "_".join(fold(raw).replace("-", " ").replace("'", " ").split())


def _text_lines(data: bytes | str, problems: list[ImportProblem]) -> list[str]:
    """The file's lines as text; a line that is not UTF-8 is named (and left out)."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff").splitlines(keepends=True)
    data = data.removeprefix(b"\xef\xbb\xbf")
    lines = []
    for number, raw in enumerate(data.splitlines(keepends=True), 1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            problems.append(
                ImportProblem(
                    number,
                    "",
                    _(
                        "caractère illisible à la position %(pos)d : le fichier n'est pas en "
                        "UTF-8 (dans un tableur, enregistrez-le en « CSV UTF-8 »)."
                    )
                    % {"pos": exc.start + 1},
                )
            )
            lines.append("\n")  # keeps the numbering of the lines below
    return lines


def _parse_date(text: str) -> dt.date:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Nodes:
    """Nomenclature codes or labels resolved once per import (a file repeats them)."""

    def __init__(self) -> None:
        self.found: dict[str, Node | str] = {}

    def resolve(self, item: str) -> Node | str:
        """The node, or the French message saying why there is none."""
        if item not in self.found:
            self.found[item] = self._resolve(item)
        return self.found[item]

    @staticmethod
    def _resolve(item: str) -> Node | str:
        node = node_by_code(item)
        if node is not None:
            return node
        if not nodes_by_label(item):
            return _(
                "« %(item)s » n'est ni un code ni un libellé de la nomenclature : vérifiez "
                "l'orthographe, ou donnez le code (page Nomenclature)."
            ) % {"item": item}
        try:
            return resolve_node(label=item)
        except ValidationError as exc:  # several nodes have this name
            return "; ".join(exc.messages)


def _read_row(
    line: int,
    cells: dict[str, str],
    nodes: _Nodes,
    problems: list[ImportProblem],
    today: dt.date,
) -> _Row | None:
    before = len(problems)

    def error(column: str, message: str) -> None:
        problems.append(ImportProblem(line, column, message))

    for column in REQUIRED_COLUMNS:
        if not cells.get(column):
            error(column, _("valeur obligatoire manquante."))
    kind = KIND_WORDS.get(fold(cells.get("type", "")).strip())
    if cells.get("type") and kind is None:
        error(
            "type",
            _("type inconnu « %(v)s » : écrivez « appel d'offres » ou « piste client ».")
            % {"v": cells["type"]},
        )
    deadline = None
    if cells.get("date_limite"):
        try:
            deadline = _parse_date(cells["date_limite"])
        except ValueError:
            error(
                "date_limite",
                _("« %(v)s » n'est pas une date : écrivez JJ/MM/AAAA ou AAAA-MM-JJ.")
                % {"v": cells["date_limite"]},
            )
    chosen: list[Node] = []
    for item in (cells.get("competences") or "").split(NODE_SEPARATOR):
        item = item.strip()
        if item:
            found = nodes.resolve(item)
            if isinstance(found, str):
                error("competences", found)
            else:
                chosen.append(found)
    budget = (cells.get("budget") or "").replace("\u00a0", "").replace("\u202f", "")
    raw = {
        "kind": kind or OpportunityKind.LEAD,
        "title": cells.get("titre", ""),
        "description": cells.get("description", ""),
        "client": cells.get("client", ""),
        "deadline": deadline,
        "source_url": cells.get("lien", ""),
        "zone": cells.get("departement", ""),
        "budget": budget,
        "external_ref": cells.get("reference", ""),
    }
    try:
        fields = clean_opportunity(raw, today=today)
    except ValidationError as exc:
        reported = {p.column for p in problems[before:]}
        for name, messages in exc.message_dict.items():
            column = FIELD_COLUMNS.get(name, name)
            if column not in reported:
                for message in messages:
                    error(column, message[:1].lower() + message[1:])
    if len(problems) > before:
        # The line's problems in the order of the columns.
        problems[before:] = sorted(problems[before:], key=lambda p: _ORDER.get(p.column, 99))
        return None
    return _Row(line, fields, list({n.pk: n for n in chosen}.values()))


def _read_csv(lines: list[str], problems: list[ImportProblem], today: dt.date) -> list[_Row]:
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        problems.append(
            ImportProblem(1, "", _("le fichier est vide : la première ligne nomme les colonnes."))
        )
        return []
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    rows: list[_Row] = []
    header: list[str] | None = None
    seen_refs: dict[str, int] = {}
    nodes = _Nodes()
    previous_end = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(
                ImportProblem(reader.line_num, "", _("ligne CSV illisible : %(e)s") % {"e": exc})
            )
            break
        line, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [_column_name(cell) for cell in row]
            if not _header_ok(header, line, problems):
                return []
            continue
        if len(row) > len(header):
            problems.append(
                ImportProblem(
                    line,
                    "",
                    _(
                        "%(n)d valeurs pour %(m)d colonnes : un séparateur en trop, ou un "
                        "guillemet non refermé ?"
                    )
                    % {"n": len(row), "m": len(header)},
                )
            )
            continue
        cells = {name: cell.strip() for name, cell in zip(header, row, strict=False)}
        ref = cells.get("reference", "")
        if ref and ref in seen_refs:
            problems.append(
                ImportProblem(
                    line,
                    "reference",
                    _("la référence « %(ref)s » figure déjà ligne %(first)d.")
                    % {"ref": ref, "first": seen_refs[ref]},
                )
            )
            continue
        if ref:
            seen_refs[ref] = line
        found = _read_row(line, cells, nodes, problems, today)
        if found is not None:
            rows.append(found)
    if header is None:
        problems.append(ImportProblem(1, "", _("la première ligne doit nommer les colonnes.")))
    elif not rows and not problems:
        problems.append(ImportProblem(1, "", _("aucune opportunité sous l'en-tête.")))
    return rows


def _header_ok(header: list[str], line: int, problems: list[ImportProblem]) -> bool:
    before = len(problems)
    expected = ", ".join(COLUMNS)
    for position, name in enumerate(header):
        if name not in COLUMNS:
            problems.append(
                ImportProblem(
                    line,
                    name or str(position + 1),
                    _("colonne inconnue ; les colonnes sont : %(cols)s.") % {"cols": expected},
                )
            )
        elif header.index(name) != position:
            problems.append(ImportProblem(line, name, _("colonne présente deux fois.")))
    for name in REQUIRED_COLUMNS:
        if name not in header:
            problems.append(
                ImportProblem(line, name, _("colonne obligatoire absente de l'en-tête."))
            )
    return len(problems) == before


def _read_all(file: Any) -> bytes | str:
    if isinstance(file, bytes | str):
        return file
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read()


@transaction.atomic
def opportunities_import(
    *, actor: User | None, file: Any, today: dt.date | None = None
) -> ImportReport:
    """Import opportunities from a CSV file (bytes, text, or a file open in binary mode):
    all or nothing. A `reference` already known updates its opportunity; only the new ones
    are told to the subscribers."""
    today = today or timezone.localdate()
    report = ImportReport()
    lines = _text_lines(_read_all(file), report.problems)
    rows = _read_csv(lines, report.problems, today)
    if report.problems:
        return report
    refs = [row.fields["external_ref"] for row in rows]
    existing: dict[str, Opportunity] = {}
    for start in range(0, len(refs), CHUNK):
        for opp in (
            Opportunity.objects.select_for_update()
            .filter(external_ref__in=refs[start : start + CHUNK])
            .order_by("pk")
        ):
            existing.setdefault(opp.external_ref, opp)
    current_nodes: dict[int, set[int]] = defaultdict(set)
    through = Opportunity.nodes.through.objects.filter(
        opportunity_id__in=[o.pk for o in existing.values()]
    )
    for opp_id, node_id in through.values_list("opportunity_id", "node_id"):
        current_nodes[opp_id].add(node_id)
    new: dict[Opportunity, list[Node]] = {}
    entries = []
    posted_by = actor if actor is not None and actor.pk else None
    for row in rows:
        opp = existing.get(row.fields["external_ref"])
        node_ids = {n.pk for n in row.nodes}
        if opp is None:
            opp = Opportunity.objects.create(posted_by=posted_by, **row.fields)
            opp.nodes.set(row.nodes)
            new[opp] = row.nodes
            entries.append(
                audit_entry(
                    actor=actor,
                    action="opportunity.imported",
                    target=opp,
                    data={**row.fields, "nodes": sorted(n.code for n in row.nodes)},
                )
            )
            report.created += 1
            continue
        changes = {
            name: [getattr(opp, name), value]
            for name, value in row.fields.items()
            if getattr(opp, name) != value
        }
        if node_ids != current_nodes[opp.pk]:
            changes["nodes"] = [sorted(current_nodes[opp.pk]), sorted(node_ids)]
        if not changes:
            report.unchanged += 1
            continue
        for name, value in row.fields.items():
            setattr(opp, name, value)
        opp.save()
        if "nodes" in changes:
            opp.nodes.set(row.nodes)
        entries.append(
            audit_entry(actor=actor, action="opportunity.updated", target=opp, changes=changes)
        )
        report.updated += 1
    log_actions(entries)
    report.notified = notify_subscribers(new)
    return report
