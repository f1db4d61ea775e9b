"""The rules of a member's path (essaim.members.path) and the month arithmetic under them."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from essaim.core.dates import add_months, add_years, months_between, period_end
from essaim.members import path
from essaim.members.path import Exit, PathError, Stage

D = dt.date
INFO, CAPE, CESA, ASSOC = path.INFORMATION, path.CAPE, path.CESA, path.ASSOCIATE


def test_vocabulary() -> None:
    assert path.STAGE_KINDS == ("information", "cape", "cesa", "associate")
    assert path.EXIT_REASONS == ("own_company", "salaried_job", "stopped", "other")


# --- valid paths --------------------------------------------------------------------------

VALID_PATHS: dict[str, tuple[list[Stage], Exit | None]] = {
    "empty": ([], None),
    "information only": ([Stage(INFO, D(2024, 1, 10))], None),
    "open CAPE": ([Stage(INFO, D(2024, 1, 10)), Stage(CAPE, D(2024, 2, 1))], None),
    "CAPE of exactly 12 months": ([Stage(CAPE, D(2024, 2, 1), D(2025, 1, 31))], None),
    "information the day of the first contract": (
        [Stage(INFO, D(2024, 2, 1)), Stage(CAPE, D(2024, 2, 1), D(2024, 7, 31))],
        None,
    ),
    "CAPE renewed twice, 36 months": (
        [
            Stage(CAPE, D(2024, 2, 1), D(2025, 1, 31)),
            Stage(CAPE, D(2025, 2, 1), D(2026, 1, 31)),
            Stage(CAPE, D(2026, 2, 1), D(2027, 1, 31)),
        ],
        None,
    ),
    # Three 12-month periods; the gap puts a 29 February inside the last one. Counted in days
    # against the 36 months after the first start, this path used to be refused.
    "three 12-month CAPE periods with a gap": (
        [
            Stage(CAPE, D(2024, 2, 1), D(2025, 1, 31)),
            Stage(CAPE, D(2025, 2, 1), D(2026, 1, 31)),
            Stage(CAPE, D(2027, 3, 1), D(2028, 2, 29)),
        ],
        None,
    ),
    # 12 months from 29 February end on 28 February, the month's last day.
    "CAPE from 29 February": ([Stage(CAPE, D(2024, 2, 29), D(2025, 2, 28))], None),
    "CAPE then CESA the next day, no trial": (
        [Stage(CAPE, D(2024, 2, 1), D(2025, 1, 31)), Stage(CESA, D(2025, 2, 1))],
        None,
    ),
    "CESA with the longest trial, no CAPE": (
        [Stage(CESA, D(2025, 1, 15), trial_end=D(2025, 9, 14))],
        None,
    ),
    "CESA with the longest trial after 3 months of CAPE": (
        [
            Stage(CAPE, D(2024, 2, 1), D(2024, 4, 30)),
            Stage(CESA, D(2024, 5, 1), None, D(2024, 10, 2)),
        ],
        None,
    ),
    "associate the day the CESA starts": (
        [Stage(CESA, D(2025, 1, 1)), Stage(ASSOC, D(2025, 1, 1))],
        None,
    ),
    "associate the day the CESA ends": (
        [Stage(CESA, D(2025, 1, 1), D(2026, 6, 30)), Stage(ASSOC, D(2026, 6, 30))],
        None,
    ),
    "full path and exit": (
        [
            Stage(INFO, D(2024, 1, 10)),
            Stage(CAPE, D(2024, 2, 1), D(2024, 6, 30)),
            Stage(CESA, D(2024, 7, 1), D(2027, 3, 31), D(2024, 9, 1)),
            Stage(ASSOC, D(2026, 1, 15)),
        ],
        Exit(D(2027, 3, 31), "own_company"),
    ),
    "exit during an open CAPE": (
        [Stage(CAPE, D(2024, 2, 1))],
        Exit(D(2024, 5, 31), "stopped"),
    ),
}


@pytest.mark.parametrize("name", list(VALID_PATHS))
def test_valid_paths(name: str) -> None:
    stages, exit = VALID_PATHS[name]
    assert path.validate_path(stages, exit) == []


@pytest.mark.parametrize("reason", path.EXIT_REASONS)
def test_every_exit_reason_is_valid(reason: str) -> None:
    stages = [Stage(CAPE, D(2024, 2, 1), D(2024, 12, 31))]
    assert path.validate_path(stages, Exit(D(2025, 1, 15), reason)) == []


# --- invalid paths: every rule, with its field and its French message ------------------------

INVALID_PATHS: dict[str, tuple[list[Stage], Exit | None, list[PathError]]] = {
    "CAPE of 40 months": (
        [Stage(CAPE, D(2024, 2, 1), D(2027, 5, 31))],
        None,
        [
            PathError(
                "stages[0].end",
                "une période de CAPE dure au plus 12 mois : celle du 01/02/2024 au 31/05/2027 "
                "dure 40 mois (fin au plus tard le 31/01/2025) ; au-delà, enregistrez un "
                "renouvellement",
            ),
            PathError(
                "stages[0].end",
                "le CAPE dure au plus 36 mois en tout, renouvellements compris "
                "(40 mois enregistrés)",
            ),
        ],
    ),
    "CAPE of 12 months and a half": (
        [Stage(CAPE, D(2024, 1, 1), D(2025, 1, 16))],
        None,
        [
            PathError(
                "stages[0].end",
                "une période de CAPE dure au plus 12 mois : celle du 01/01/2024 au 16/01/2025 "
                "dure 12 mois et 16 jours (fin au plus tard le 31/12/2024) ; au-delà, "
                "enregistrez un "
                "renouvellement",
            )
        ],
    ),
    "CAPE from 29 February one day too long": (
        [Stage(CAPE, D(2024, 2, 29), D(2025, 3, 1))],
        None,
        [
            PathError(
                "stages[0].end",
                "une période de CAPE dure au plus 12 mois : celle du 29/02/2024 au 01/03/2025 "
                "dure 12 mois et 1 jour (fin au plus tard le 28/02/2025) ; au-delà, "
                "enregistrez un "
                "renouvellement",
            )
        ],
    ),
    "4 CAPE periods": (
        [
            Stage(CAPE, D(2024, 1, 1), D(2024, 3, 31)),
            Stage(CAPE, D(2024, 4, 1), D(2024, 6, 30)),
            Stage(CAPE, D(2024, 7, 1), D(2024, 9, 30)),
            Stage(CAPE, D(2024, 10, 1), D(2024, 12, 31)),
        ],
        None,
        [
            PathError(
                "stages[3].kind",
                "le CAPE se renouvelle au plus deux fois : 4 périodes de CAPE (au plus 3)",
            )
        ],
    ),
    "overlapping CAPE periods": (
        [
            Stage(CAPE, D(2024, 1, 1), D(2024, 12, 31)),
            Stage(CAPE, D(2024, 12, 1), D(2025, 3, 31)),
        ],
        None,
        [
            PathError(
                "stages[1].start",
                "la période de CAPE du 01/12/2024 chevauche celle du 01/01/2024 "
                "(jusqu'au 31/12/2024)",
            )
        ],
    ),
    "a renewal inside an open CAPE (listed first)": (
        [Stage(CAPE, D(2024, 6, 1)), Stage(CAPE, D(2024, 1, 1))],
        None,
        [
            PathError(
                "stages[0].start",
                "la période de CAPE du 01/06/2024 chevauche celle du 01/01/2024 "
                "(jusqu'au 31/12/2024)",
            )
        ],
    ),
    "CAPE overlapping the CESA": (
        [Stage(CAPE, D(2024, 1, 1), D(2024, 6, 30)), Stage(CESA, D(2024, 6, 15))],
        None,
        [
            PathError(
                "stages[0].end",
                "le CAPE du 01/01/2024 au 30/06/2024 chevauche le CESA qui commence le "
                "15/06/2024 : CAPE et CESA ne se chevauchent pas",
            )
        ],
    ),
    "open CAPE still running when the CESA starts": (
        [Stage(CAPE, D(2024, 1, 1)), Stage(CESA, D(2024, 7, 1))],
        None,
        [
            PathError(
                "stages[0].end",
                "le CAPE du 01/01/2024 au 31/12/2024 chevauche le CESA qui commence le "
                "01/07/2024 : CAPE et CESA ne se chevauchent pas",
            )
        ],
    ),
    "CAPE after the CESA": (
        [Stage(CESA, D(2024, 1, 1)), Stage(CAPE, D(2024, 3, 1), D(2024, 8, 31))],
        None,
        [PathError("stages[1].start", "le CAPE (01/03/2024) doit précéder le CESA (01/01/2024)")],
    ),
    "trial end too late without CAPE": (
        [Stage(CESA, D(2025, 1, 15), trial_end=D(2025, 9, 15))],
        None,
        [
            PathError(
                "stages[0].trial_end",
                "la période d'essai dure au plus 8 mois moins le temps de CAPE : fin au plus "
                "tard le 14/09/2025, pas le 15/09/2025",
            )
        ],
    ),
    "trial end too late after 3 months of CAPE": (
        [
            Stage(CAPE, D(2024, 2, 1), D(2024, 4, 30)),
            Stage(CESA, D(2024, 5, 1), None, D(2024, 10, 3)),
        ],
        None,
        [
            PathError(
                "stages[1].trial_end",
                "la période d'essai dure au plus 8 mois moins le temps de CAPE : fin au plus "
                "tard le 02/10/2024, pas le 03/10/2024",
            )
        ],
    ),
    "no trial possible after 8 months of CAPE": (
        [
            Stage(CAPE, D(2024, 2, 1), D(2024, 9, 30)),
            Stage(CESA, D(2024, 10, 1), None, D(2024, 10, 15)),
        ],
        None,
        [
            PathError(
                "stages[1].trial_end",
                "pas de période d'essai possible : le temps passé en CAPE (243 jours) atteint "
                "déjà 8 mois",
            )
        ],
    ),
    "trial ending before the CESA starts": (
        [Stage(CESA, D(2025, 1, 15), trial_end=D(2025, 1, 14))],
        None,
        [PathError("stages[0].trial_end", "la période d'essai finit avant le début du CESA")],
    ),
    "trial period on a CAPE": (
        [Stage(CAPE, D(2024, 1, 1), D(2024, 6, 30), D(2024, 2, 1))],
        None,
        [PathError("stages[0].trial_end", "seul un CESA a une période d'essai")],
    ),
    "associate before the CESA": (
        [Stage(CESA, D(2025, 1, 1)), Stage(ASSOC, D(2024, 12, 31))],
        None,
        [
            PathError(
                "stages[1].start",
                "on devient associé·e pendant le CESA : le 31/12/2024 n'est pas dans le CESA "
                "(en cours depuis le 01/01/2025)",
            )
        ],
    ),
    "associate after the CESA end": (
        [Stage(CESA, D(2025, 1, 1), D(2025, 6, 30)), Stage(ASSOC, D(2025, 7, 1))],
        None,
        [
            PathError(
                "stages[1].start",
                "on devient associé·e pendant le CESA : le 01/07/2025 n'est pas dans le CESA "
                "(du 01/01/2025 au 30/06/2025)",
            )
        ],
    ),
    "associate without CESA": (
        [Stage(CAPE, D(2024, 1, 1), D(2024, 6, 30)), Stage(ASSOC, D(2024, 3, 1))],
        None,
        [
            PathError(
                "stages[1].start",
                "on devient associé·e pendant un CESA, et ce parcours n'a pas de CESA",
            )
        ],
    ),
    "a stage starting after the exit": (
        [Stage(CAPE, D(2024, 1, 1), D(2024, 6, 30)), Stage(CESA, D(2024, 9, 1))],
        Exit(D(2024, 7, 15), "salaried_job"),
        [
            PathError(
                "stages[1].start",
                "CESA commence le 01/09/2024, après la sortie du 15/07/2024 : rien ne commence "
                "après la sortie",
            )
        ],
    ),
    "a stage ending after the exit": (
        [Stage(CAPE, D(2024, 1, 1), D(2024, 12, 31))],
        Exit(D(2024, 6, 30), "stopped"),
        [
            PathError(
                "stages[0].end", "CAPE se termine le 31/12/2024, après la sortie du 30/06/2024"
            )
        ],
    ),
    "end before start": (
        [Stage(CAPE, D(2024, 5, 1), D(2024, 4, 30))],
        None,
        [PathError("stages[0].end", "la fin (30/04/2024) précède le début (01/05/2024) de CAPE")],
    ),
    "CESA ending before it starts": (
        [Stage(CESA, D(2024, 5, 1), D(2024, 4, 1))],
        None,
        [PathError("stages[0].end", "la fin (01/04/2024) précède le début (01/05/2024) de CESA")],
    ),
    "information after the first contract": (
        [Stage(INFO, D(2024, 3, 1)), Stage(CAPE, D(2024, 2, 1), D(2024, 12, 31))],
        None,
        [
            PathError(
                "stages[0].start",
                "la réunion d'information (01/03/2024) doit précéder le premier contrat "
                "(01/02/2024)",
            )
        ],
    ),
    "information with an end": (
        [Stage(INFO, D(2024, 3, 1), D(2024, 3, 2))],
        None,
        [PathError("stages[0].end", "l'étape « réunion d'information » est une date, sans fin")],
    ),
    "associate with an end": (
        [Stage(CESA, D(2024, 3, 1)), Stage(ASSOC, D(2024, 9, 1), D(2024, 9, 2))],
        None,
        [PathError("stages[1].end", "l'étape « associé·e » est une date, sans fin")],
    ),
    "duplicate CESA": (
        [Stage(CESA, D(2024, 1, 1)), Stage(CESA, D(2025, 1, 1))],
        None,
        [PathError("stages[1].kind", "un parcours compte au plus une étape « CESA »")],
    ),
    "duplicate information": (
        [Stage(INFO, D(2024, 1, 1)), Stage(INFO, D(2024, 1, 8))],
        None,
        [
            PathError(
                "stages[1].kind", "un parcours compte au plus une étape « réunion d'information »"
            )
        ],
    ),
    "unknown kind": (
        [Stage("stage", D(2024, 1, 1))],
        None,
        [
            PathError(
                "stages[0].kind",
                "étape inconnue « stage » (attendu : information, cape, cesa, associate)",
            )
        ],
    ),
    "unknown exit reason": (
        [Stage(CAPE, D(2024, 1, 1), D(2024, 6, 30))],
        Exit(D(2024, 6, 30), "démission"),
        [
            PathError(
                "exit.reason",
                "motif de sortie inconnu « démission » (attendu : own_company, salaried_job, "
                "stopped, other)",
            )
        ],
    ),
    "exit without any stage": (
        [],
        Exit(D(2024, 6, 30), "other"),
        [PathError("exit.date", "une sortie suppose au moins une étape de parcours")],
    ),
}


@pytest.mark.parametrize("name", list(INVALID_PATHS))
def test_invalid_paths(name: str) -> None:
    stages, exit, expected = INVALID_PATHS[name]
    assert path.validate_path(stages, exit) == expected


def test_several_broken_rules_are_all_reported() -> None:
    stages = [
        Stage(CAPE, D(2024, 5, 1), D(2024, 4, 30)),
        Stage(ASSOC, D(2024, 6, 1)),
        Stage("formation", D(2024, 7, 1)),
    ]
    assert [e.field for e in path.validate_path(stages)] == [
        "stages[0].end",
        "stages[2].kind",
        "stages[1].start",
    ]


def test_path_error_reads_field_then_message() -> None:
    error = PathError("stages[1].kind", "un parcours compte au plus une étape « CESA »")
    assert str(error) == "stages[1].kind: un parcours compte au plus une étape « CESA »"


# --- worked examples of the derived dates ------------------------------------------------------

ALICE = [
    Stage(INFO, D(2024, 1, 10)),
    Stage(CAPE, D(2024, 2, 1), D(2025, 1, 31)),
    Stage(CESA, D(2025, 2, 1)),
]


def test_cape_days_counts_every_period_inclusively() -> None:
    assert path.cape_days(ALICE) == 366  # 2024 is a leap year
    assert path.cape_days([Stage(CAPE, D(2025, 2, 1))]) == 365  # open: its planned 12 months
    assert path.cape_days([Stage(CESA, D(2025, 2, 1))]) == 0


def test_associate_deadline_worked_example() -> None:
    # CESA start + 3 years = 01/02/2028, minus the 366 days of CAPE.
    assert path.associate_deadline(ALICE) == D(2027, 1, 31)


def test_associate_deadline_without_cape_and_without_cesa() -> None:
    assert path.associate_deadline([Stage(CESA, D(2025, 2, 1))]) == D(2028, 2, 1)
    assert path.associate_deadline([Stage(CESA, D(2024, 2, 29))]) == D(2027, 2, 28)
    assert path.associate_deadline([Stage(CAPE, D(2025, 2, 1))]) is None


def test_associate_deadline_counts_every_cape_period() -> None:
    stages = [
        Stage(CAPE, D(2023, 1, 1), D(2023, 12, 31)),  # 365 days
        Stage(CAPE, D(2024, 1, 1), D(2024, 3, 31)),  # 91 days
        Stage(CESA, D(2024, 4, 1)),
    ]
    assert path.associate_deadline(stages) == D(2027, 4, 1) - dt.timedelta(days=456)
    assert path.associate_deadline(stages) == D(2025, 12, 31)


def test_trial_max_end_worked_examples() -> None:
    assert path.trial_max_end([Stage(CESA, D(2025, 1, 15))]) == D(2025, 9, 14)
    assert path.trial_max_end([Stage(CESA, D(2025, 1, 1))]) == D(2025, 8, 31)
    # Eight months from 30 June end on the last day of February, not the day before.
    assert path.trial_max_end([Stage(CESA, D(2024, 6, 30))]) == D(2025, 2, 28)
    three_months = [Stage(CAPE, D(2024, 2, 1), D(2024, 4, 30)), Stage(CESA, D(2024, 5, 1))]
    assert path.trial_max_end(three_months) == D(2024, 10, 2)  # 31/12/2024 − 90 days
    seven_months = [Stage(CAPE, D(2024, 2, 1), D(2024, 8, 31)), Stage(CESA, D(2024, 9, 1))]
    assert path.trial_max_end(seven_months) == D(2024, 9, 29)  # 30/04/2025 − 213 days


def test_no_trial_possible_after_eight_months_of_cape_or_without_cesa() -> None:
    eight_months = [Stage(CAPE, D(2024, 2, 1), D(2024, 9, 30)), Stage(CESA, D(2024, 10, 1))]
    assert path.trial_max_end(eight_months) is None
    assert path.trial_max_end(ALICE) is None
    assert path.trial_max_end([Stage(CAPE, D(2024, 2, 1))]) is None


def test_cape_planned_end() -> None:
    assert path.cape_planned_end(Stage(CAPE, D(2024, 2, 1))) == D(2025, 1, 31)
    assert path.cape_planned_end(Stage(CAPE, D(2024, 1, 31))) == D(2025, 1, 30)
    assert path.cape_planned_end(Stage(CAPE, D(2024, 2, 29))) == D(2025, 2, 28)
    assert path.cape_planned_end(Stage(CAPE, D(2023, 3, 1))) == D(2024, 2, 29)
    assert path.cape_planned_end(Stage(CAPE, D(2024, 2, 1), D(2024, 5, 15))) == D(2024, 5, 15)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2024, 1, 9), "none"),
        (D(2024, 1, 10), "information"),
        (D(2024, 1, 31), "information"),
        (D(2024, 2, 1), "cape"),
        (D(2025, 1, 31), "cape"),
        (D(2025, 2, 1), "cesa"),
        (D(2026, 3, 1), "associate"),
        (D(2026, 6, 29), "associate"),
        (D(2026, 6, 30), "exited"),
        (D(2030, 1, 1), "exited"),
    ],
)
def test_current_stage(today: dt.date, expected: str) -> None:
    stages = [*ALICE, Stage(ASSOC, D(2026, 3, 1))]
    assert path.current_stage(stages, Exit(D(2026, 6, 30), "own_company"), today) == expected


def test_current_stage_edge_cases() -> None:
    assert path.current_stage([], None, D(2025, 1, 1)) == "none"
    # An exit recorded for a later day does not count yet.
    assert path.current_stage(ALICE, Exit(D(2026, 1, 1), "other"), D(2025, 6, 1)) == "cesa"
    # Two stages on the same day: the later one in the path wins, whatever the order given.
    same_day = [Stage(CAPE, D(2024, 2, 1)), Stage(INFO, D(2024, 2, 1))]
    assert path.current_stage(same_day, None, D(2024, 2, 1)) == "cape"
    joined = [Stage(ASSOC, D(2025, 2, 1)), Stage(CESA, D(2025, 2, 1))]
    assert path.current_stage(joined, None, D(2025, 2, 1)) == "associate"


def test_cohort_year() -> None:
    assert path.cohort_year(ALICE) == 2024
    late = [Stage(INFO, D(2023, 12, 12)), Stage(CAPE, D(2024, 2, 1))]
    assert path.cohort_year(late) == 2024  # the first contract, not the information meeting
    assert path.cohort_year([Stage(INFO, D(2023, 12, 12))]) == 2023
    assert path.cohort_year([Stage(CESA, D(2025, 3, 1)), Stage(INFO, D(2024, 11, 5))]) == 2025
    assert path.cohort_year([]) is None


def test_french_date() -> None:
    assert path.fr(D(2024, 2, 1)) == "01/02/2024"
    assert path.fr(None) == "—"


# --- month arithmetic (essaim.core.dates) --------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 3, 31), 1, D(2024, 4, 30)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 11, 15), 2, D(2025, 1, 15)),
        (D(2024, 1, 15), -1, D(2023, 12, 15)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 5, 10), 0, D(2024, 5, 10)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


def test_add_years() -> None:
    assert add_years(D(2024, 2, 29), 3) == D(2027, 2, 28)
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert add_years(D(2025, 2, 1), 3) == D(2028, 2, 1)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2024, 2, 1), 12, D(2025, 1, 31)),
        (D(2024, 1, 31), 12, D(2025, 1, 30)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2023, 3, 1), 12, D(2024, 2, 29)),
        (D(2024, 6, 30), 8, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 1, 15), 1, D(2024, 2, 14)),
    ],
)
def test_period_end(start: dt.date, months: int, expected: dt.date) -> None:
    assert period_end(start, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2024, 2, 1), D(2025, 1, 31), 12.0),
        (D(2024, 2, 29), D(2025, 2, 28), 12.0),
        (D(2024, 2, 1), D(2027, 5, 31), 40.0),
        (D(2024, 1, 1), D(2024, 1, 16), 16 / 31),
        (D(2024, 1, 1), D(2025, 1, 16), 12 + 16 / 31),
    ],
)
def test_months_between(start: dt.date, end: dt.date, expected: float) -> None:
    assert months_between(start, end) == pytest.approx(expected)


days = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))
month_counts = st.integers(min_value=-240, max_value=240)


@given(day=days, months=month_counts)
def test_add_months_clamps_to_the_month_end(day: dt.date, months: int) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)


@given(day=days.filter(lambda d: d.day <= 28), months=month_counts, more=month_counts)
def test_add_months_round_trips_below_the_29th(day: dt.date, months: int, more: int) -> None:
    assert add_months(add_months(day, months), -months) == day
    assert add_months(add_months(day, months), more) == add_months(day, months + more)


@given(day=days, months=month_counts)
def test_add_months_back_and_forth_never_moves_later(day: dt.date, months: int) -> None:
    back = add_months(add_months(day, months), -months)
    assert back.year == day.year and back.month == day.month and back.day <= day.day


@given(start=days, months=st.integers(min_value=1, max_value=60))
def test_period_end_is_the_eve_of_the_same_day_months_later(start: dt.date, months: int) -> None:
    end = period_end(start, months)
    assert start <= end < period_end(start, months + 1)
    assert months_between(start, end) == months
    # The day after the period: the same day of the month `months` later, or, when that month
    # is too short, the first day of the next month.
    index = start.year * 12 + start.month - 1 + months
    year, month = index // 12, index % 12 + 1
    if start.day <= calendar.monthrange(year, month)[1]:
        assert end + dt.timedelta(days=1) == D(year, month, start.day)
    else:
        assert end == D(year, month, calendar.monthrange(year, month)[1])


@given(start=days, length=st.integers(min_value=0, max_value=2000))
def test_months_between_grows_with_the_end(start: dt.date, length: int) -> None:
    end = start + dt.timedelta(days=length)
    here, next_day = months_between(start, end), months_between(start, end + dt.timedelta(days=1))
    assert 0 < here < next_day
    assert int(here) == max(n for n in range(0, 70) if n == 0 or period_end(start, n) <= end)


# --- property: every path built by the rules is valid ----------------------------------------


@st.composite
def valid_paths(draw: st.DrawFn) -> tuple[list[Stage], Exit | None]:
    """A path built by following every rule; shuffled, since order must not matter."""
    stages: list[Stage] = []
    day = draw(st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31)))
    if draw(st.booleans()):
        stages.append(Stage(INFO, day))
        day += dt.timedelta(days=draw(st.integers(0, 120)))
    with_cesa = draw(st.booleans())
    n_capes = draw(st.integers(0, path.CAPE_MAX_PERIODS))
    for number in range(n_capes):
        months = draw(st.integers(1, path.CAPE_MAX_MONTHS))
        end = period_end(day, months) - dt.timedelta(days=draw(st.integers(0, 20)))
        end = max(end, day)
        last = number == n_capes - 1
        if last and not with_cesa and draw(st.booleans()):
            stages.append(Stage(CAPE, day))  # open: runs its planned 12 months
            end = path.cape_planned_end(stages[-1])
        else:
            stages.append(Stage(CAPE, day, end))
        day = end + dt.timedelta(days=draw(st.integers(1, 400)))
    if with_cesa:
        cesa_start = day
        cesa_end = None
        if draw(st.booleans()):
            cesa_end = cesa_start + dt.timedelta(days=draw(st.integers(0, 2000)))
        trial_end = None
        longest = path.trial_max_end([*stages, Stage(CESA, cesa_start)])
        if longest is not None and draw(st.booleans()):
            trial_end = cesa_start + dt.timedelta(
                days=draw(st.integers(0, (longest - cesa_start).days))
            )
        stages.append(Stage(CESA, cesa_start, cesa_end, trial_end))
        if draw(st.booleans()):
            span = (cesa_end - cesa_start).days if cesa_end else 2000
            stages.append(Stage(ASSOC, cesa_start + dt.timedelta(days=draw(st.integers(0, span)))))
    exit = None
    if stages and draw(st.booleans()):
        latest = max(max(s.start, s.end or s.start) for s in stages)
        exit_day = latest + dt.timedelta(days=draw(st.integers(0, 400)))
        exit = Exit(exit_day, draw(st.sampled_from(path.EXIT_REASONS)))
    return draw(st.permutations(stages)), exit


@settings(max_examples=300)
@given(valid_paths())
def test_paths_built_by_the_rules_are_valid(generated: tuple[list[Stage], Exit | None]) -> None:
    stages, exit = generated
    assert path.validate_path(stages, exit) == []
    if exit is not None:
        assert path.current_stage(stages, exit, exit.date) == "exited"
    contracts = [s.start for s in stages if s.kind in (CAPE, CESA)]
    if contracts:
        assert path.cohort_year(stages) == min(contracts).year


@given(valid_paths(), st.integers(1, 400))
def test_a_stage_after_the_exit_is_always_refused(
    generated: tuple[list[Stage], Exit | None], delay: int
) -> None:
    stages, exit = generated
    if exit is None:
        return
    late = Stage(INFO, exit.date + dt.timedelta(days=delay))
    errors = path.validate_path([*stages, late], exit)
    assert (
        PathError(
            f"stages[{len(stages)}].start",
            f"réunion d'information commence le {path.fr(late.start)}, après la sortie du "
            f"{path.fr(exit.date)} : rien ne commence après la sortie",
        )
        in errors
    )


@given(valid_paths(), st.integers(1, 400))
def test_stretching_a_cape_past_twelve_months_is_always_refused(
    generated: tuple[list[Stage], Exit | None], extra: int
) -> None:
    stages, _ = generated
    capes = [i for i, s in enumerate(stages) if s.kind == CAPE]
    if not capes:
        return
    i = capes[0]
    limit = period_end(stages[i].start, path.CAPE_MAX_MONTHS)
    stretched = list(stages)
    stretched[i] = Stage(CAPE, stages[i].start, limit + dt.timedelta(days=extra))
    messages = [e.message for e in path.validate_path(stretched) if e.field == f"stages[{i}].end"]
    assert any(m.startswith("une période de CAPE dure au plus 12 mois") for m in messages)
