"""Reads of members: who sees whom, the list filters, the timeline and the deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from essaim.core.models import User
from essaim.members import selectors, services
from essaim.members.models import Member
from essaim.members.selectors import Deadline, MemberFilters, TimelineEvent
from tests.factories import (
    ActivityFactory,
    MemberFactory,
    SectorFactory,
    StaffFactory,
    UserFactory,
)

D = dt.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Every persona hashes a password; the production hasher takes half a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def names(members: Iterable[Member]) -> list[str]:
    return [str(m) for m in members]


def new_member(
    first: str,
    last: str,
    advisor: User | None = None,
    stages: Sequence[tuple[Any, ...]] = (),
    exit: tuple[dt.date, str] | None = None,
) -> Member:
    """A member built through the services, as the application builds them."""
    member = MemberFactory(first_name=first, last_name=last)
    if advisor is not None:
        services.advisor_assign(actor=None, member=member, advisor=advisor, start=D(2020, 1, 1))
    for kind, start, *rest in stages:
        end = rest[0] if rest else None
        trial_end = rest[1] if len(rest) > 1 else None
        services.stage_add(
            actor=None, member=member, kind=kind, start=start, end=end, trial_end=trial_end
        )
    if exit is not None:
        services.member_exit(actor=None, member=member, date=exit[0], reason=exit[1])
    member.refresh_from_db()
    return member


# --- members_visible_to ------------------------------------------------------------------------


def test_members_visible_to_each_persona(claire, antoine, berenice, alice, bob) -> None:
    admin = UserFactory(role="admin")
    assert names(selectors.members_visible_to(claire)) == ["Bob Durand", "Alice Martin"]
    assert names(selectors.members_visible_to(admin)) == ["Bob Durand", "Alice Martin"]
    assert names(selectors.members_visible_to(antoine)) == ["Alice Martin"]
    assert names(selectors.members_visible_to(berenice)) == ["Bob Durand"]
    assert names(selectors.members_visible_to(alice.user)) == ["Alice Martin"]
    assert names(selectors.members_visible_to(bob.user)) == ["Bob Durand"]


def test_members_visible_to_nobody_else(alice, bob) -> None:
    assert names(selectors.members_visible_to(AnonymousUser())) == []
    assert names(selectors.members_visible_to(None)) == []
    assert names(selectors.members_visible_to(StaffFactory(is_active=False))) == []
    # An entrepreneur account without a member record sees no one.
    assert names(selectors.members_visible_to(UserFactory())) == []


# --- member_list -------------------------------------------------------------------------------


@pytest.fixture
def listed(claire, antoine, berenice, alice, bob) -> dict[str, Member]:
    """alice (antoine, cesa, 2024, coiffure), bob (berenice, cape, 2026, web) and Bérénice
    Lemaître (antoine, no stage, no activity)."""
    ActivityFactory(member=alice, name="Coupes Alice")
    ActivityFactory(member=bob, name="Sites Bob", sector=SectorFactory(code="web"))
    homonym = new_member("Bérénice", "Lemaître", advisor=antoine)
    return {"alice": alice, "bob": bob, "berenice": homonym}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("berenice", ["Bérénice Lemaître"]),
        ("BÉRÉNICE", ["Bérénice Lemaître"]),
        ("  lemaitre   Bere ", ["Bérénice Lemaître"]),
        ("MARTIN alice", ["Alice Martin"]),
        ("bob@example", ["Bob Durand"]),
        ("example.org", ["Bob Durand", "Bérénice Lemaître", "Alice Martin"]),
        ("martine", []),
    ],
)
def test_member_list_search_ignores_case_and_accents(
    claire, listed, q: str, expected: list[str]
) -> None:
    assert names(selectors.member_list(user=claire, filters=MemberFilters(q=q))) == expected


def test_member_list_search_stays_within_what_the_user_sees(berenice, listed) -> None:
    assert names(selectors.member_list(user=berenice, filters=MemberFilters(q="berenice"))) == []
    assert names(selectors.member_list(user=berenice)) == ["Bob Durand"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (MemberFilters(), ["Bob Durand", "Bérénice Lemaître", "Alice Martin"]),
        (MemberFilters(stage="cesa"), ["Alice Martin"]),
        (MemberFilters(stage="cape"), ["Bob Durand"]),
        (MemberFilters(stage="none"), ["Bérénice Lemaître"]),
        (MemberFilters(stage="exited"), []),
        (MemberFilters(cohort=2024), ["Alice Martin"]),
        (MemberFilters(cohort=2026), ["Bob Durand"]),
        (MemberFilters(sector="coiffure"), ["Alice Martin"]),
        (MemberFilters(sector="web"), ["Bob Durand"]),
        (MemberFilters(q="martin", stage="cape"), []),
    ],
)
def test_member_list_filters(claire, listed, filters: MemberFilters, expected: list[str]) -> None:
    assert names(selectors.member_list(user=claire, filters=filters)) == expected


def test_member_list_filters_on_the_advisor(claire, antoine, berenice, listed) -> None:
    by_antoine = selectors.member_list(user=claire, filters=MemberFilters(advisor=antoine.pk))
    assert names(by_antoine) == ["Bérénice Lemaître", "Alice Martin"]
    by_berenice = selectors.member_list(user=claire, filters=MemberFilters(advisor=berenice.pk))
    assert names(by_berenice) == ["Bob Durand"]


def test_member_list_reads_advisors_and_activities_in_one_query(
    claire, listed, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        rows = [
            (str(m), str(m.advisor), getattr(getattr(m, "activity", None), "sector", None))
            for m in selectors.member_list(user=claire)
        ]
    assert [(name, advisor, str(sector)) for name, advisor, sector in rows] == [
        ("Bob Durand", "Bérénice Accompagne", "Web, informatique et numérique"),
        ("Bérénice Lemaître", "Antoine Conseil", "None"),
        ("Alice Martin", "Antoine Conseil", "Coiffure et esthétique"),
    ]


# --- member_timeline ---------------------------------------------------------------------------


def test_timeline_numbers_the_cape_renewals() -> None:
    member = new_member(
        "Inès",
        "Roy",
        stages=[
            ("information", D(2024, 1, 10)),
            ("cape", D(2024, 2, 1), D(2024, 7, 31)),
            ("cape", D(2024, 8, 1), D(2025, 1, 31)),
            ("cape", D(2025, 2, 1)),
        ],
    )
    assert selectors.member_timeline(member, today=D(2024, 9, 1)) == [
        TimelineEvent(D(2024, 1, 10), "information", "Réunion d'information"),
        TimelineEvent(D(2024, 2, 1), "cape", "Début du CAPE", "jusqu'au 31/07/2024"),
        TimelineEvent(D(2024, 8, 1), "cape", "Renouvellement n° 1 du CAPE", "jusqu'au 31/01/2025"),
        TimelineEvent(
            D(2025, 2, 1),
            "cape",
            "Renouvellement n° 2 du CAPE",
            "jusqu'au 31/01/2026 (fin prévue)",
            future=True,
        ),
    ]


def test_timeline_shows_the_trial_end_and_the_associate_deadline() -> None:
    member = new_member(
        "Jules",
        "Vidal",
        stages=[
            ("cape", D(2024, 2, 1), D(2024, 4, 30)),
            ("cesa", D(2024, 5, 1), None, D(2024, 10, 2)),
        ],
    )
    assert selectors.member_timeline(member, today=D(2024, 9, 1)) == [
        TimelineEvent(D(2024, 2, 1), "cape", "Début du CAPE", "jusqu'au 30/04/2024"),
        TimelineEvent(D(2024, 5, 1), "cesa", "Signature du CESA", "en cours"),
        TimelineEvent(D(2024, 10, 2), "trial", "Fin de la période d'essai", future=True),
        # 01/05/2027 − the 90 days of CAPE
        TimelineEvent(
            D(2027, 1, 31),
            "deadline",
            "Échéance pour devenir associé·e",
            "CESA + 3 ans − temps de CAPE",
            future=True,
        ),
    ]


def test_timeline_of_the_alice_persona(alice) -> None:
    events = selectors.member_timeline(alice, today=D(2026, 1, 1))
    assert [(e.date, e.kind, e.future) for e in events] == [
        (D(2024, 1, 10), "information", False),
        (D(2024, 2, 1), "cape", False),
        (D(2025, 2, 1), "cesa", False),
        (D(2027, 1, 31), "deadline", True),
    ]


def test_timeline_drops_the_deadline_once_associate_and_shows_the_exit(alice) -> None:
    services.stage_add(actor=None, member=alice, kind="associate", start=D(2026, 3, 1))
    services.member_exit(actor=None, member=alice, date=D(2026, 6, 30), reason="own_company")
    alice.refresh_from_db()
    assert selectors.member_timeline(alice, today=D(2026, 7, 1)) == [
        TimelineEvent(D(2024, 1, 10), "information", "Réunion d'information"),
        TimelineEvent(D(2024, 2, 1), "cape", "Début du CAPE", "jusqu'au 31/01/2025"),
        TimelineEvent(D(2025, 2, 1), "cesa", "Signature du CESA", "jusqu'au 30/06/2026"),
        TimelineEvent(D(2026, 3, 1), "associate", "Devient associé·e"),
        TimelineEvent(D(2026, 6, 30), "exit", "Sortie", "création de sa propre entreprise"),
    ]


def test_timeline_hides_the_deadline_after_an_exit(alice) -> None:
    services.member_exit(actor=None, member=alice, date=D(2026, 6, 30), reason="salaried_job")
    alice.refresh_from_db()
    assert [(e.kind, e.detail) for e in selectors.member_timeline(alice, today=D(2026, 7, 1))][
        -1:
    ] == [("exit", "retour à l'emploi salarié")]
    assert "deadline" not in {e.kind for e in selectors.member_timeline(alice)}


# --- deadlines_for ------------------------------------------------------------------------------

TODAY = D(2026, 3, 1)


@pytest.fixture
def followed(antoine, berenice) -> dict[str, Member]:
    """Entrepreneurs with deadlines around TODAY (01/03/2026), just inside and outside each
    window."""
    made = {
        # CAPE ending in 30 days, and exactly at / just past the 60-day window
        "arnaud": new_member("Anne", "Arnaud", antoine, [("cape", D(2025, 4, 1))]),
        "besson": new_member("Basile", "Besson", antoine, [("cape", D(2025, 5, 1))]),
        "bidault": new_member("Bruno", "Bidault", antoine, [("cape", D(2025, 5, 2))]),
        # CAPE ended yesterday: no longer a deadline
        "carre": new_member("Cyril", "Carré", antoine, [("cape", D(2025, 3, 1), D(2026, 2, 28))]),
        # third and last CAPE period ending in 44 days
        "dumas": new_member(
            "Diane",
            "Dumas",
            antoine,
            [
                ("cape", D(2023, 4, 15), D(2024, 4, 14)),
                ("cape", D(2024, 4, 15), D(2025, 4, 14)),
                ("cape", D(2025, 4, 15)),
            ],
        ),
        # trial period ending in 30 days / in 31 days
        "etienne": new_member(
            "Émile", "Étienne", antoine, [("cesa", D(2025, 10, 1), None, D(2026, 3, 31))]
        ),
        "fabre": new_member(
            "Fanny", "Fabre", antoine, [("cesa", D(2025, 10, 1), None, D(2026, 4, 1))]
        ),
        # associate deadline in 90 days / in 91 days / overdue / already associate
        "garnier": new_member("Gaël", "Garnier", antoine, [("cesa", D(2023, 5, 30))]),
        "hamon": new_member("Hélène", "Hamon", antoine, [("cesa", D(2023, 5, 31))]),
        "izard": new_member("Ivan", "Izard", antoine, [("cesa", D(2022, 1, 10))]),
        "joly": new_member(
            "Jade", "Joly", antoine, [("cesa", D(2022, 1, 10)), ("associate", D(2024, 1, 1))]
        ),
        # exit recorded (for a later day): out of the deadlines although its CAPE ends soon
        "klein": new_member(
            "Karim", "Klein", antoine, [("cape", D(2025, 4, 1))], exit=(D(2026, 3, 20), "other")
        ),
        # someone else's entrepreneur
        "moreau": new_member("Marc", "Moreau", berenice, [("cape", D(2025, 4, 5))]),
    }
    # A CAPE entered before it started: the stored stage still reads 'none'.
    made["lemoine"] = new_member("Léa", "Lemoine", antoine, [("cape", D(2025, 4, 10))])
    services.member_refresh_path(member=made["lemoine"], today=D(2025, 1, 1))
    assert Member.objects.get(pk=made["lemoine"].pk).stage == "none"
    return made


def summary(deadlines: list[Deadline]) -> list[tuple[str, str, str, dt.date, int]]:
    return [(d.member.last_name, d.kind, d.label, d.date, d.days_left) for d in deadlines]


ANTOINE_DEADLINES = [
    ("Izard", "associate_deadline", "Échéance associé·e dépassée", D(2025, 1, 10), -415),
    ("Arnaud", "cape_end", "Fin du CAPE (2 renouvellement(s) possible(s))", D(2026, 3, 31), 30),
    ("Étienne", "trial_end", "Fin de la période d'essai du CESA", D(2026, 3, 31), 30),
    ("Lemoine", "cape_end", "Fin du CAPE (2 renouvellement(s) possible(s))", D(2026, 4, 9), 39),
    ("Dumas", "cape_end", "Fin du CAPE (dernier renouvellement)", D(2026, 4, 14), 44),
    ("Besson", "cape_end", "Fin du CAPE (2 renouvellement(s) possible(s))", D(2026, 4, 30), 60),
    ("Garnier", "associate_deadline", "Échéance pour devenir associé·e", D(2026, 5, 30), 90),
]
BERENICE_DEADLINES = [
    ("Moreau", "cape_end", "Fin du CAPE (2 renouvellement(s) possible(s))", D(2026, 4, 4), 34),
]


def test_deadlines_of_an_advisor(antoine, followed) -> None:
    deadlines = selectors.deadlines_for(user=antoine, today=TODAY)
    assert summary(deadlines) == ANTOINE_DEADLINES
    assert [d.overdue for d in deadlines] == [True, False, False, False, False, False, False]


def test_an_advisor_gets_only_their_own_entrepreneurs(berenice, followed) -> None:
    assert summary(selectors.deadlines_for(user=berenice, today=TODAY)) == BERENICE_DEADLINES


def test_staff_get_every_deadline(claire, followed) -> None:
    expected = sorted(ANTOINE_DEADLINES + BERENICE_DEADLINES, key=lambda row: (row[3], row[0]))
    assert summary(selectors.deadlines_for(user=claire, today=TODAY)) == expected


def test_deadlines_cost_two_queries(claire, followed, django_assert_num_queries) -> None:
    with django_assert_num_queries(2):
        selectors.deadlines_for(user=claire, today=TODAY)


def test_deadlines_move_with_the_day(antoine, followed) -> None:
    # A day later, Bidault's CAPE end, Hamon's deadline and Fabre's trial end come in.
    later = summary(selectors.deadlines_for(user=antoine, today=D(2026, 3, 2)))
    assert ("Bidault", "cape_end") in [(row[0], row[1]) for row in later]
    assert ("Hamon", "associate_deadline") in [(row[0], row[1]) for row in later]
    assert ("Fabre", "trial_end") in [(row[0], row[1]) for row in later]
    # Much later, every CAPE and trial deadline is past; only the associate ones remain.
    much_later = summary(selectors.deadlines_for(user=antoine, today=D(2026, 12, 1)))
    assert [(row[0], row[1]) for row in much_later] == [
        ("Izard", "associate_deadline"),
        ("Garnier", "associate_deadline"),
        ("Hamon", "associate_deadline"),
    ]
