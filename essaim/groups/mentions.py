"""Mentions in a group's messages: `@Prénom Nom` or `@adresse@e-mail`, resolved against the
group's members. Plain data in and out.

Names match whatever the case and the accents (`@berenice accompagne` finds Bérénice
Accompagne), and only as whole words (`@Marie Dupont` does not find Marie Dupontel).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

EMAIL_MENTION = re.compile(r"@([\w.%+-]+@[\w-]+(?:\.[\w-]+)+)")


@dataclass(frozen=True)
class Person:
    id: Hashable
    first_name: str
    last_name: str
    email: str


def fold(text: str) -> str:
    """Lower case, accents dropped, runs of spaces made one."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def find_mentions(text: str, people: Iterable[Person]) -> list[Hashable]:
    """The ids of the people mentioned in `text`, in the order of their first mention."""
    folded = fold(text)
    emails = {m.casefold() for m in EMAIL_MENTION.findall(text)}
    found: list[tuple[int, Hashable]] = []
    for person in people:
        positions = []
        if person.email and person.email.casefold() in emails:
            positions.append(folded.find("@" + person.email.casefold()))
        name = fold(f"{person.first_name} {person.last_name}")
        if name:
            hit = re.search("@" + re.escape(name) + r"(?![\w-])", folded)
            if hit:
                positions.append(hit.start())
        positions = [p for p in positions if p >= 0]
        if positions:
            found.append((min(positions), person.id))
    return [pid for _, pid in sorted(found, key=lambda f: f[0])]
