"""Keys that apps above `members` add to the member import and export.

The members app is low in the layering: it knows nothing of skills, profiles or prices. An app
higher up that wants its data in the member file registers an `ImportExtension` from its
`AppConfig.ready()`; the import then runs the extension inside its own three steps, so that the
whole file is still written all or nothing, in one transaction, without a query per line:

1. read (no database): each key of `ImportExtension.keys` is read by its `Key.read`, the same
   readers as the member's own keys (essaim.members.import_schema); problems carry the path of
   the value (`skills[1].level`), values land in `MemberRecord.extra`;
2. check (`ImportExtension.check(batch)`): the database lookups the keys need, done in bulk for
   the whole file (`Batch.item_chunks`), problems reported by `batch.error(line, field, msg)`;
3. write (`ImportExtension.write(batch, members, actor=...)`): once the members are written and
   have their primary keys, bulk writes; returns the changes per external id, which go into the
   member's `member.imported` audit entry (and make a member counted as updated).

`after_write(member_ids)` is then called with every member the import created or changed (by
any key), e.g. to refresh a search index; `export(members)` gives the keys an export writes.

JSON Lines only: the CSV format keeps its fixed columns.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

from essaim.members.import_schema import MEMBER_KEYS, ImportProblem, Key

if TYPE_CHECKING:
    from essaim.core.models import User
    from essaim.members.models import Member

__all__ = [
    "Batch",
    "BatchItem",
    "ImportExtension",
    "extension_keys",
    "extensions",
    "register",
    "unregister",
]

# Rows per `IN (...)` lookup: below SQLite's historical limit of 999 parameters.
CHUNK = 900

Changes = dict[str, list[Any]]


@dataclass
class BatchItem:
    """One member record that gives at least one key of the extension."""

    line: int
    external_id: str
    member_id: int | None  # the member already stored; None when the import creates it
    values: dict[str, Any]  # the extension's keys the record gives, as their readers return


@dataclass
class Batch:
    """What one extension sees of one import: its items, and where its problems go."""

    items: list[BatchItem]
    problems: list[ImportProblem]
    # The extension's own scratch space between check and write (resolved nodes, current
    # state of the matched members...): the extension object itself is shared by imports.
    state: dict[str, Any] = field(default_factory=dict)
    # Set by the import before `write`: what every audit entry of this import carries.
    data: dict[str, Any] = field(default_factory=dict)

    def error(self, line: int, name: str, message: str) -> None:
        self.problems.append(ImportProblem(line, name, message))

    def existing_ids(self) -> list[int]:
        """The stored members the batch updates, each once."""
        return sorted({i.member_id for i in self.items if i.member_id is not None})


def chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


class ImportExtension:
    """Base class of an extension: override what it needs (the defaults do nothing)."""

    name: str = ""
    # The keys, in the order an export writes them; each read as `MEMBER_KEYS` are.
    keys: Mapping[str, Key] = {}

    def check(self, batch: Batch) -> None:
        """Cross-record and database checks, in bulk; report with `batch.error`."""

    def write(
        self, batch: Batch, members: Mapping[str, Member], *, actor: User | None
    ) -> dict[str, Changes]:
        """Write the checked batch (`members`: every member of the file by external id, with
        its primary key); return {external_id: {key: [before, after]}} of what changed."""
        return {}

    def after_write(self, member_ids: list[int]) -> None:
        """Called once the import has written everything, with the members it created or
        changed; still inside the import's transaction."""

    def export(self, members: Sequence[Member], viewer: Any = None) -> dict[int, dict[str, Any]]:
        """{member pk: {key: value}} for the export; keys with an empty value left out; with a
        `viewer`, only what that person may see."""
        return {}


_registry: dict[str, ImportExtension] = {}


def register(extension: ImportExtension) -> None:
    """Add an extension (again under the same name: replaced, so `ready()` may run twice)."""
    if not extension.name:
        raise ImproperlyConfigured("an import extension needs a name")
    taken = dict.fromkeys(MEMBER_KEYS, "members")
    for other in _registry.values():
        if other.name != extension.name:
            taken.update(dict.fromkeys(other.keys, other.name))
    for key in extension.keys:
        if key in taken:
            raise ImproperlyConfigured(
                f"import extension {extension.name!r}: key {key!r} already belongs to "
                f"{taken[key]!r}"
            )
    _registry[extension.name] = extension


def unregister(name: str) -> ImportExtension | None:
    return _registry.pop(name, None)


def extensions() -> list[ImportExtension]:
    return list(_registry.values())


def extension_keys() -> dict[str, Key]:
    """Every key the extensions add, in registration order."""
    keys: dict[str, Key] = {}
    for extension in _registry.values():
        keys.update(extension.keys)
    return keys
