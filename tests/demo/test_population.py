"""The demo population as plain data: valid paths for any seed, size and day; the growth curve."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from essaim.demo.identity import IdentityMaker, email_part, french
from essaim.demo.population import (
    EARLIEST_TODAY,
    FOUNDED,
    REFERENCE_ACTIVE,
    growth_target,
    months,
    plan_population,
)
from essaim.members import path


@pytest.mark.parametrize(
    ("seed", "active", "today"),
    [
        (1, 10, dt.date(2026, 11, 26)),
        (2, 120, dt.date(2024, 2, 29)),
        (3, 300, dt.date(2031, 1, 31)),
        (4, 50, dt.date(2004, 1, 1)),
        (5, 120, dt.date(2010, 12, 31)),
    ],
)
def test_every_path_is_valid_and_the_active_count_is_exact(seed, active, today):
    population = plan_population(rng=random.Random(seed), active=active, today=today)
    assert population.check() == []
    present = [p for p in population.people if p.fate != "prospect" and p.exit_at(today) is None]
    assert len(present) == active
    for person in population.people:
        stages = person.stages_at(today)
        assert all(s.start <= today for s in stages)
        assert stages[0].kind == path.INFORMATION and stages[0].start >= FOUNDED
        exit = person.exit_at(today)
        assert exit is None or exit.date <= today
        if person.fate == "prospect":
            assert stages == [path.Stage(path.INFORMATION, person.information)]
            assert person.assignments == []


def test_the_same_seed_plans_the_same_history():
    today = dt.date(2026, 11, 26)
    first = plan_population(rng=random.Random("x"), active=80, today=today)
    second = plan_population(rng=random.Random("x"), active=80, today=today)
    other = plan_population(rng=random.Random("y"), active=80, today=today)
    assert first.people == second.people and first.advisors == second.advisors
    assert first.people != other.people


def test_growth_follows_the_reference_curve_scaled():
    today = dt.date(2026, 11, 26)
    assert growth_target(today, today=today, active=850) == REFERENCE_ACTIVE
    assert growth_target(dt.date(2010, 12, 31), today=today, active=850) == 400
    assert growth_target(dt.date(2010, 12, 31), today=today, active=425) == 200
    targets = [growth_target(last, today=today, active=850) for _, last in months(FOUNDED, today)]
    assert targets == sorted(targets)
    assert targets[-1] == 850


def test_months_cover_every_day_once():
    today = dt.date(2024, 3, 5)
    spans = list(months(dt.date(2024, 1, 15), today))
    assert spans == [
        (dt.date(2024, 1, 15), dt.date(2024, 1, 31)),
        (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        (dt.date(2024, 3, 1), dt.date(2024, 3, 5)),
    ]


def test_a_day_before_the_founding_is_refused_in_french():
    with pytest.raises(ValueError, match="fondée en 2003"):
        plan_population(
            rng=random.Random(1), active=10, today=EARLIEST_TODAY - dt.timedelta(days=1)
        )


def test_french_elision_and_email_parts():
    assert french("Les Ciseaux de Éléonore") == "Les Ciseaux d'Éléonore"
    assert french("La Toile de Hugo") == "La Toile d'Hugo"
    assert french("Le Tapis de Marie") == "Le Tapis de Marie"
    assert french("à Le Pré-Saint-Gervais et de Les Lilas") == "au Pré-Saint-Gervais et des Lilas"
    assert email_part("Jean-Éric") == "jean-eric"
    assert email_part("N'Diaye") == "n-diaye"


def test_identities_have_unique_emails_and_ile_de_france_addresses():
    from faker import Faker

    faker = Faker("fr_FR")
    faker.seed_instance(1)
    maker = IdentityMaker(random.Random(1), faker)
    people = [maker.person() for _ in range(500)]
    assert len({p.email for p in people}) == 500
    departements = {p.postal_code[:2] for p in people}
    assert departements <= {"75", "77", "78", "91", "92", "93", "94", "95"}
    assert {"75", "93"} <= departements
    assert all(p.phone.startswith("+33 6 39 98 ") and len(p.phone) == 17 for p in people)
    assert all(p.enseigne and p.description for p in people)


def test_every_trade_belongs_to_a_default_sector_and_every_sector_has_a_trade():
    from essaim.demo.catalog import TRADES
    from essaim.members.sectors import DEFAULT_SECTORS

    assert {t.sector for t in TRADES} == {code for code, _ in DEFAULT_SECTORS}
