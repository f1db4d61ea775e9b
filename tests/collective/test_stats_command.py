"""`essaim collective stats`: the figures of the worked history, as JSON and as a table."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from essaim.collective.selectors import collective_stats

NO_GROUPS = {"trade": 0, "project": 0, "brand": 0}
NO_EVENTS = {
    "monthly": 0,
    "autumn_university": 0,
    "general_assembly": 0,
    "workshop": 0,
    "peer_training": 0,
    "sales_practice": 0,
    "forum": 0,
}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("collective", "stats", *args, stdout=out)
    return out.getvalue()


def test_2025_as_json(history):
    assert json.loads(run("--year", "2025", "--json")) == {
        "year": 2025,
        "groups_by_kind": NO_GROUPS | {"trade": 1},
        "events_by_kind": NO_EVENTS | {"monthly": 1},  # the cancelled workshop does not count
        "attendance_rate": 0.5,  # alice present, bob excused; carole was waiting
        "tutoring_cases": 1,
    }


def test_2024_as_json(history):
    assert json.loads(run("--year", "2024", "--json")) == {
        "year": 2024,
        "groups_by_kind": NO_GROUPS | {"brand": 1},  # closed in December, it lived in 2024
        "events_by_kind": NO_EVENTS | {"monthly": 1},
        "attendance_rate": None,  # nobody took the attendance of 2024's mensuelle
        "tutoring_cases": 0,
    }


def test_since_the_beginning(history):
    assert collective_stats() == {
        "year": None,
        "groups_by_kind": NO_GROUPS | {"trade": 1},  # the brand group is closed today
        "events_by_kind": NO_EVENTS | {"monthly": 2},
        "attendance_rate": 0.5,
        "tutoring_cases": 1,
    }


def test_an_empty_cooperative(db):
    assert json.loads(run("--json")) == {
        "year": None,
        "groups_by_kind": NO_GROUPS,
        "events_by_kind": NO_EVENTS,
        "attendance_rate": None,
        "tutoring_cases": 0,
    }


def test_the_french_table(history):
    text = run("--year", "2025")

    assert text.splitlines()[:2] == ["Vie collective — année 2025", "=" * 27]
    assert "Groupes par type (1) :" in text
    assert "  Groupe métier                         1" in text
    assert "Événements par type (1, hors annulés) :" in text
    assert "  Mensuelle                             1" in text
    assert "Taux de présence : 50,0 %" in text
    assert "Cas de tutorat collectif : 1" in text


def test_the_table_without_attendance(db):
    text = run()

    assert text.startswith("Vie collective — depuis le début\n")
    assert "Taux de présence : aucune présence notée" in text


def test_a_bad_year_is_refused(db):
    with pytest.raises(CommandError, match="Année invalide : 12"):
        run("--year", "12")
