"""Import France Travail's ROME 4.0 open-data release (the "unix utf8" CSV files).

The release becomes nodes of source `rome`: the major domains ("A", kind domain), the
professional domains ("A11", subdomain), the occupations ("A1101", trade) with their job titles
(appellations) as aliases, and the skills ("OGR100023", skill; a skill sits under its
macro-skill) linked to the occupations that call for them (`Node.related_skills`).

A later release is imported the same way: codes keep their rows, labels are updated, a code the
release no longer has is marked obsolete — never deleted, members' skills may point to it. All
or nothing: the files are read and checked before anything is written, in one transaction.
"""

from __future__ import annotations

import csv
import functools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction
from tqdm import tqdm

from essaim.core.audit import audit_entry
from essaim.members.text import fold
from essaim.skills.models import Alias, Node
from essaim.skills.nomenclature_sync import (
    BATCH,
    AliasSpec,
    NodeSpec,
    SyncReport,
    chunks,
    refresh_search_index,
    sync_nodes,
)
from essaim.skills.titles import gender_forms

SOURCE = "rome"
SKILL_PREFIX = "OGR"
MAX_ERRORS = 20


@dataclass(frozen=True)
class RomeFile:
    pattern: str
    columns: tuple[str, ...]


FILES = {
    "domains": RomeFile(
        "unix_grand_domaine_v*_utf8.csv", ("code_grand_domaine", "libelle_grand_domaine")
    ),
    "subdomains": RomeFile(
        "unix_domaine_professionnel_v*_utf8.csv",
        ("code_domaine_professionnel", "libelle_domaine_professionnel"),
    ),
    "occupations": RomeFile(
        "unix_referentiel_code_rome_v*_utf8.csv", ("code_rome", "libelle_rome")
    ),
    "titles": RomeFile(
        "unix_referentiel_appellation_v*_utf8.csv",
        ("code_ogr", "libelle_appellation_long", "code_rome"),
    ),
    "skills": RomeFile(
        "unix_referentiel_competence_v*_utf8.csv", ("code_ogr", "libelle_competence", "cat_comp")
    ),
    "links": RomeFile("unix_liens_rome_referentiels_v*_utf8.csv", ("code_rome", "code_ogr")),
}
CODE_PATTERNS = {
    "domains": re.compile(r"[A-Z]"),
    "subdomains": re.compile(r"[A-Z][0-9]{2}"),
    "occupations": re.compile(r"[A-Z][0-9]{4}"),
    "ogr": re.compile(r"[0-9]+"),
}
KIND_NAMES = {
    "domain": "grands domaines",
    "subdomain": "domaines professionnels",
    "trade": "métiers",
    "skill": "compétences",
}


class RomeImportError(Exception):
    """The release cannot be imported; the message names the file, line or column (French)."""


@dataclass(frozen=True)
class RomeSkill:
    label: str
    description: str
    is_social: bool
    macro: str | None


@dataclass
class RomeRelease:
    version: str = ""
    domains: dict[str, str] = field(default_factory=dict)
    subdomains: dict[str, str] = field(default_factory=dict)
    occupations: dict[str, str] = field(default_factory=dict)
    # code_rome → the full job titles ("Abatteur / Abatteuse de carrière"), file order.
    titles: dict[str, list[str]] = field(default_factory=dict)
    title_count: int = 0
    skills: dict[str, RomeSkill] = field(default_factory=dict)
    links: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class RomeImportReport:
    release: RomeRelease
    nodes: SyncReport
    links_created: int = 0
    links_deleted: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.nodes.as_dict(),
            "links_created": self.links_created,
            "links_deleted": self.links_deleted,
            "version": self.release.version,
        }


# ---------------------------------------------------------------- reading


class _Reader:
    """Reads the files of a release, collecting every error before giving up."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.errors: list[str] = []
        self.paths: dict[str, Path] = {}

    def error(self, message: str) -> None:
        self.errors.append(message)

    def locate(self) -> None:
        if not self.directory.is_dir():
            raise RomeImportError(f"le dossier « {self.directory} » n'existe pas")
        for key, spec in FILES.items():
            found = sorted(self.directory.glob(spec.pattern))
            if not found:
                self.error(f"fichier manquant dans « {self.directory} » : {spec.pattern}")
            elif len(found) > 1:
                names = ", ".join(path.name for path in found)
                self.error(f"plusieurs fichiers pour {spec.pattern} : {names} — gardez-en un")
            else:
                self.paths[key] = found[0]
        self.raise_if_any()

    def rows(self, key: str) -> Iterator[tuple[int, dict[str, str]]]:
        path = self.paths[key]
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                reader = csv.DictReader(stream)
                header = reader.fieldnames or []
                missing = [c for c in FILES[key].columns if c not in header]
                if missing:
                    self.error(f"{path.name} : colonne « {missing[0]} » absente de l'en-tête")
                    return
                for number, row in enumerate(reader, start=2):
                    yield number, {k: (v or "").strip() for k, v in row.items() if k}
        except UnicodeDecodeError as exc:
            self.error(f"{path.name} : le fichier n'est pas en UTF-8 (octet {exc.start})")
        except csv.Error as exc:
            self.error(f"{path.name} : CSV illisible ({exc})")

    def coded(self, key: str, code_column: str, label_column: str) -> dict[str, str]:
        values: dict[str, str] = {}
        name = self.paths[key].name
        for number, row in self.rows(key):
            code, label = row[code_column], row[label_column]
            if not CODE_PATTERNS[key].fullmatch(code):
                self.error(f"{name}, ligne {number} : code « {code} » invalide")
            elif not label:
                self.error(f"{name}, ligne {number} : libellé vide pour {code}")
            elif code in values:
                self.error(f"{name}, ligne {number} : code {code} en double")
            else:
                values[code] = label
        return values

    def raise_if_any(self) -> None:
        if self.errors:
            shown = self.errors[:MAX_ERRORS]
            more = len(self.errors) - len(shown)
            if more:
                shown.append(f"… et {more} autre(s) erreur(s)")
            raise RomeImportError("\n".join(shown))


def _check_parents(
    reader: _Reader, key: str, children: dict[str, str], parents: dict[str, str], size: int
) -> None:
    parent_file = reader.paths["domains" if key == "subdomains" else "subdomains"].name
    for code in children:
        if code[:size] not in parents:
            reader.error(
                f"{reader.paths[key].name} : {code} n'a pas de domaine « {code[:size]} » "
                f"dans {parent_file}"
            )


def _read_titles(reader: _Reader, release: RomeRelease) -> None:
    name = reader.paths["titles"].name
    for number, row in reader.rows("titles"):
        code, label = row["code_rome"], row["libelle_appellation_long"]
        if code not in release.occupations:
            reader.error(f"{name}, ligne {number} : code ROME « {code} » inconnu")
        elif not label:
            reader.error(f"{name}, ligne {number} : intitulé vide")
        else:
            release.titles.setdefault(code, []).append(label)
            release.title_count += 1


@functools.lru_cache(maxsize=64)
def _is_social(category: str) -> bool:
    # "Savoir-être professionnel": the social skills the study values.
    return fold(category).startswith("savoir-etre")


def _read_skills(reader: _Reader, release: RomeRelease) -> None:
    name = reader.paths["skills"].name
    macros: dict[str, str] = {}
    for number, row in reader.rows("skills"):
        code, label = row["code_ogr"], row["libelle_competence"]
        if not CODE_PATTERNS["ogr"].fullmatch(code):
            reader.error(f"{name}, ligne {number} : code_ogr « {code} » invalide")
        elif not label:
            reader.error(f"{name}, ligne {number} : libellé vide pour {code}")
        elif code in release.skills:
            reader.error(f"{name}, ligne {number} : code_ogr {code} en double")
        else:
            release.skills[code] = RomeSkill(
                label=label,
                description=row.get("definition", ""),
                is_social=_is_social(row["cat_comp"]),
                macro=None,
            )
            macros[code] = row.get("code_ogr_macro_comp", "")
    for code, macro in macros.items():
        # Two levels only: a skill under a macro-skill that is itself at the top.
        if macro and macro != code and macro in release.skills and not macros.get(macro):
            skill = release.skills[code]
            release.skills[code] = RomeSkill(skill.label, skill.description, skill.is_social, macro)


def _read_links(reader: _Reader, release: RomeRelease) -> None:
    name = reader.paths["links"].name
    for number, row in reader.rows("links"):
        code, ogr = row["code_rome"], row["code_ogr"]
        if code not in release.occupations:
            reader.error(f"{name}, ligne {number} : code ROME « {code} » inconnu")
        elif ogr in release.skills:
            # The file also links knowledge, work contexts and job titles: skills only.
            release.links.add((code, ogr))


def read_release(directory: Path) -> RomeRelease:
    """Every file of the release, checked; RomeImportError lists what is wrong."""
    reader = _Reader(directory)
    reader.locate()
    release = RomeRelease()
    release.domains = reader.coded("domains", "code_grand_domaine", "libelle_grand_domaine")
    release.subdomains = reader.coded(
        "subdomains", "code_domaine_professionnel", "libelle_domaine_professionnel"
    )
    release.occupations = reader.coded("occupations", "code_rome", "libelle_rome")
    reader.raise_if_any()
    _check_parents(reader, "subdomains", release.subdomains, release.domains, 1)
    _check_parents(reader, "occupations", release.occupations, release.subdomains, 3)
    _read_titles(reader, release)
    _read_skills(reader, release)
    reader.raise_if_any()
    _read_links(reader, release)
    reader.raise_if_any()
    version = directory / "version.txt"
    if version.is_file():
        match = re.search(r"version\s*:\s*(\S+)", version.read_text("utf-8", "replace"), re.I)
        release.version = match.group(1) if match else ""
    return release


# ---------------------------------------------------------------- writing


def release_specs(release: RomeRelease) -> tuple[list[NodeSpec], dict[str, list[AliasSpec]]]:
    """The release as nodes (parents first) and the occupations' job titles as aliases."""
    specs = [NodeSpec(code, "domain", label) for code, label in release.domains.items()]
    specs += [
        NodeSpec(code, "subdomain", label, parent_code=code[:1])
        for code, label in release.subdomains.items()
    ]
    specs += [
        NodeSpec(code, "trade", label, parent_code=code[:3])
        for code, label in release.occupations.items()
    ]
    tops = [(c, s) for c, s in release.skills.items() if s.macro is None]
    unders = [(c, s) for c, s in release.skills.items() if s.macro is not None]
    specs += [
        NodeSpec(
            f"{SKILL_PREFIX}{code}",
            "skill",
            skill.label,
            parent_code=f"{SKILL_PREFIX}{skill.macro}" if skill.macro else None,
            description=skill.description,
            is_social=skill.is_social,
        )
        for code, skill in tops + unders
    ]
    aliases: dict[str, list[AliasSpec]] = {}
    for code, titles in release.titles.items():
        # The full title as published, then each of its masculine and feminine forms.
        aliases[code] = [
            AliasSpec(name, "title") for title in titles for name in [title, *gender_forms(title)]
        ]
    return specs, aliases


def _sync_links(release: RomeRelease, ids: dict[str, int], progress: Any) -> tuple[int, int]:
    """Make the occupations' skill links those of the release; returns (created, deleted)."""
    through = Node.related_skills.through
    occupations = {ids[code] for code in release.occupations}
    wanted = {(ids[code], ids[f"{SKILL_PREFIX}{ogr}"]) for code, ogr in release.links}
    present: set[tuple[int, int]] = set()
    stale: list[int] = []
    rows = through.objects.filter(from_node__source=SOURCE).values_list(
        "pk", "from_node_id", "to_node_id"
    )
    for pk, from_id, to_id in rows.iterator(chunk_size=5000):
        if from_id not in occupations:
            continue  # an obsolete occupation keeps its links
        if (from_id, to_id) in wanted:
            present.add((from_id, to_id))
        else:
            stale.append(pk)
    for part in chunks(stale):
        through.objects.filter(pk__in=part).delete()
    new = [through(from_node_id=a, to_node_id=b) for a, b in sorted(wanted - present)]
    for part in chunks(new, BATCH):
        through.objects.bulk_create(part)
        progress(len(part))
    progress(len(present))
    return len(new), len(stale)


def import_rome(
    directory: Path, *, actor: Any = None, progress_file: TextIO | None = None
) -> RomeImportReport:
    """Import (or update to) the release in `directory`; one transaction, one audit entry."""
    started = time.perf_counter()
    release = read_release(Path(directory))
    specs, aliases = release_specs(release)
    total = len(specs) + sum(len(a) for a in aliases.values()) + len(release.links)
    with (
        tqdm(
            total=total,
            file=progress_file,
            disable=progress_file is None,
            desc="Import ROME",
            unit=" élément",
            mininterval=0.2,
        ) as bar,
        transaction.atomic(),
    ):
        nodes = sync_nodes(
            Node, Alias, source=SOURCE, specs=specs, aliases=aliases, progress=bar.update
        )
        refresh_search_index(nodes.changed_ids)
        report = RomeImportReport(release=release, nodes=nodes)
        report.links_created, report.links_deleted = _sync_links(release, nodes.ids, bar.update)
        report.seconds = time.perf_counter() - started
        entry = audit_entry(
            actor=actor,
            action="nomenclature.rome_imported",
            target=Node(),
            data={**report.as_dict(), "directory": Path(directory).name},
        )
        entry.target_repr = f"ROME 4.0 version {release.version or '?'}"[:255]
        entry.save()
    return report


def describe(report: RomeImportReport) -> list[str]:
    """The French lines the command prints."""
    nodes = report.nodes
    release = report.release
    created = ", ".join(
        f"{nodes.created_by_kind[kind]} {name}" for kind, name in KIND_NAMES.items()
    )
    return [
        f"Import ROME 4.0 (version {release.version or 'inconnue'}) terminé en "
        + f"{report.seconds:.1f} s".replace(".", ","),
        f"Fichiers : {len(release.domains)} grands domaines, {len(release.subdomains)} domaines "
        f"professionnels, {len(release.occupations)} métiers, {release.title_count} "
        f"appellations, {len(release.skills)} compétences, {len(release.links)} liens",
        f"Nœuds : {nodes.created} créés ({created}), {nodes.updated} mis à jour, "
        f"{nodes.obsoleted} marqués obsolètes",
        f"Intitulés : {nodes.aliases_created} créés, {nodes.aliases_updated} modifiés, "
        f"{nodes.aliases_deleted} supprimés",
        f"Liens métier → compétence : {report.links_created} créés, "
        f"{report.links_deleted} supprimés",
    ]
