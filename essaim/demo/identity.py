"""Who the demo people are: French names, Île-de-France addresses, phones, trades."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from faker import Faker

from essaim.demo.catalog import EMAIL_DOMAINS, PHONE_PREFIX, PLACES, TRADES, Trade
from essaim.members.text import fold

_NOT_IN_EMAIL = re.compile(r"[^a-z0-9]+")
# French elision and contraction once names are put in: « de Éléonore » → « d'Éléonore »,
# « à Le Pré-Saint-Gervais » → « au Pré-Saint-Gervais », « de Les Lilas » → « des Lilas ».
_ELISION = re.compile(r"\bde ([AEIOUYHÀÂÉÈÊËÎÏÔÛÙ])")
_CONTRACTIONS = (("à Le ", "au "), ("à Les ", "aux "), ("de Le ", "du "), ("de Les ", "des "))


@dataclass(frozen=True)
class Identity:
    first_name: str
    last_name: str
    email: str
    phone: str
    postal_code: str
    city: str
    trade: Trade
    enseigne: str
    description: str


def french(text: str) -> str:
    text = _ELISION.sub(r"d'\1", text)
    for before, after in _CONTRACTIONS:
        text = text.replace(before, after)
    return text


def email_part(text: str) -> str:
    """'Jean-Éric' → 'jean-eric', "N'Diaye" → 'n-diaye': what people put before the @."""
    return _NOT_IN_EMAIL.sub("-", fold(text)).strip("-") or "x"


class IdentityMaker:
    """Deterministic identities from one random stream and one seeded French Faker."""

    def __init__(self, rng: random.Random, faker: Faker) -> None:
        self.rng = rng
        self.faker = faker
        self.taken: set[str] = set()
        self._departements = list(PLACES)
        self._departement_weights = [PLACES[d][0] for d in self._departements]
        self._trade_weights = [t.weight for t in TRADES]

    def name(self) -> tuple[str, str]:
        # Most entrepreneurs of CAEs are women.
        if self.rng.random() < 0.58:
            return self.faker.first_name_female(), self.faker.last_name()
        return self.faker.first_name_male(), self.faker.last_name()

    def email(self, first_name: str, last_name: str, domain: str | None = None) -> str:
        domain = domain or self.rng.choice(EMAIL_DOMAINS)
        local = f"{email_part(first_name)}.{email_part(last_name)}"
        email, n = f"{local}@{domain}", 1
        while email in self.taken:
            n += 1
            email = f"{local}{n}@{domain}"
        self.taken.add(email)
        return email

    def phone(self) -> str:
        return f"{PHONE_PREFIX} {self.rng.randint(0, 99):02d} {self.rng.randint(0, 99):02d}"

    def place(self) -> tuple[str, str]:
        departement = self.rng.choices(self._departements, self._departement_weights)[0]
        return self.rng.choice(PLACES[departement][1])

    def person(self) -> Identity:
        first_name, last_name = self.name()
        postal_code, city = self.place()
        trade = self.rng.choices(TRADES, self._trade_weights)[0]
        fields = {"first": first_name, "last": last_name, "city": city}
        return Identity(
            first_name=first_name,
            last_name=last_name,
            email=self.email(first_name, last_name),
            phone=self.phone(),
            postal_code=postal_code,
            city=city,
            trade=trade,
            enseigne=french(self.rng.choice(trade.names).format(**fields))[:200],
            description=french(self.rng.choice(trade.descriptions).format(**fields)),
        )
