"""Contribution rules as dated records, and the salaries recorded for an activity."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from essaim.core.models import AuditEntry
from essaim.finance import salary
from essaim.finance.contribution import PRESETS, rule_for
from essaim.finance.models import ContributionRuleRecord, SalaryEntry
from essaim.finance.services.contribution import (
    DEFAULT_FROM,
    contribution_rule_delete,
    contribution_rule_set,
    rule_in_force,
    rules_in_force,
)
from essaim.finance.services.salaries import salary_delete, salary_record
from tests.finance import invoicing_fixtures as fx

alice_activity = fx.alice_activity
D = Decimal
DAY = dt.date(2026, 1, 1)


def test_without_records_the_coopaname_preset_applies(db) -> None:
    assert rules_in_force() == [dataclasses.replace(PRESETS["coopaname"], valid_from=DEFAULT_FROM)]
    assert rule_in_force(dt.date(2011, 5, 1)).rate == D("13.5")


def test_a_preset_recorded_from_a_date(claire) -> None:
    record = contribution_rule_set(actor=claire, valid_from=DAY, preset="mosaique")

    assert (record.preset, record.created_by, record.name) == (
        "mosaique",
        claire,
        PRESETS["mosaique"].name,
    )
    assert record.parameters == PRESETS["mosaique"].to_parameters()
    rules = rules_in_force()
    assert rule_for(rules, dt.date(2025, 12, 31)).name == PRESETS["coopaname"].name
    assert rule_for(rules, DAY) == dataclasses.replace(PRESETS["mosaique"], valid_from=DAY)
    entry = AuditEntry.objects.get(action="contribution_rule.created")
    assert (entry.actor, entry.data["preset"], entry.data["valid_from"]) == (
        claire,
        "mosaique",
        "2026-01-01",
    )


def test_a_preset_with_changed_parameters_and_a_rule_of_its_own(db) -> None:
    record = contribution_rule_set(
        actor=None, valid_from=DAY, preset="coopaname", parameters={"fixed_monthly": "20"}
    )
    assert rule_in_force(DAY).fixed_monthly == D("20")
    assert rule_in_force(DAY).rate == D("13.5")

    own = contribution_rule_set(
        actor=None,
        valid_from=dt.date(2026, 7, 1),
        parameters={"base": "turnover", "bands": [["0", "10"], ["50000", "8"]]},
        name="Règle maison",
    )
    assert own.name == "Règle maison" and own.preset == ""
    assert rule_in_force(dt.date(2026, 7, 1)).bands == ((D("0"), D("10")), (D("50000"), D("8")))
    assert record.pk != own.pk


def test_the_same_date_replaces_the_rule_and_logs_the_change(db) -> None:
    first = contribution_rule_set(actor=None, valid_from=DAY, preset="oxalis")
    second = contribution_rule_set(actor=None, valid_from=DAY, preset="opteos")
    assert first.pk == second.pk
    assert ContributionRuleRecord.objects.count() == 1
    entry = AuditEntry.objects.get(action="contribution_rule.updated")
    assert entry.changes["preset"] == ["oxalis", "opteos"]


@pytest.mark.parametrize(
    ("preset", "parameters", "message"),
    [
        ("inconnu", None, "Modèle de contribution inconnu : inconnu"),
        (None, None, "Choisissez un modèle de contribution"),
        (None, {"rate": "120"}, "taux de 120 % hors de 0 à 100 %"),
        (None, {"rate": "dix"}, "« dix » n'est pas un nombre"),
        ("coopaname", {"fixed_monthly": "-5"}, "part fixe mensuelle négatif"),
        (None, {"rate": "10", "colour": "blue"}, "Paramètres inconnus : colour"),
        (None, {"rate": "10", "bands": [["0", "10"]]}, "un taux fixe et des tranches"),
    ],
)
def test_a_bad_rule_is_refused_and_nothing_written(db, preset, parameters, message) -> None:
    with pytest.raises(ValidationError) as error:
        contribution_rule_set(actor=None, valid_from=DAY, preset=preset, parameters=parameters)
    assert message in " ".join(error.value.messages)
    assert not ContributionRuleRecord.objects.exists()
    assert not AuditEntry.objects.exists()


def test_deleting_a_rule_gives_back_the_previous_one(db) -> None:
    contribution_rule_set(actor=None, valid_from=DAY, preset="oxalis")
    later = contribution_rule_set(actor=None, valid_from=dt.date(2026, 6, 1), preset="opteos")
    contribution_rule_delete(actor=None, record=later)
    assert rule_in_force(dt.date(2026, 8, 1)).name == PRESETS["oxalis"].name
    assert AuditEntry.objects.filter(action="contribution_rule.deleted").count() == 1


# ---------------------------------------------------------------------------------------------
# Salaries


def test_a_salary_from_the_employer_cost(alice_activity, claire) -> None:
    entry = salary_record(
        actor=claire,
        activity=alice_activity,
        month=dt.date(2026, 3, 15),
        employer_cost="2500",
        hours="151.67",
    )
    expected = salary.simulate(2026, employer_cost=D("2500"))
    assert (entry.month, entry.employer_cost, entry.gross, entry.net, entry.hours) == (
        dt.date(2026, 3, 1),
        D("2500.00"),
        expected.gross,
        expected.net,
        D("151.67"),
    )
    assert AuditEntry.objects.get(action="salary.recorded").actor == claire


def test_a_salary_from_the_net_and_from_a_payslip(alice_activity) -> None:
    entry = salary_record(
        actor=None, activity=alice_activity, month=dt.date(2026, 4, 1), net="1200", hours="100"
    )
    expected = salary.simulate(2026, net=D("1200"), hours=D("100"))
    assert (entry.employer_cost, entry.gross, entry.net) == (
        expected.employer_cost,
        expected.gross,
        D("1200.00"),
    )
    # A real payslip: both kept, the gross simulated from the employer cost.
    entry = salary_record(
        actor=None,
        activity=alice_activity,
        month=dt.date(2026, 4, 1),
        employer_cost="2000",
        net="1290.50",
        hours="151.67",
    )
    assert (entry.employer_cost, entry.net) == (D("2000.00"), D("1290.50"))
    assert entry.gross == salary.simulate(2026, employer_cost=D("2000")).gross
    assert SalaryEntry.objects.count() == 1  # the month's entry was replaced
    assert AuditEntry.objects.get(action="salary.updated").changes["net"][1] == "1290.50"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Indiquez le coût employeur, le salaire net"),
        ({"employer_cost": "-1"}, "Coût employeur : montant impossible"),
        ({"employer_cost": "abc"}, "« abc » n'est pas un montant"),
        ({"net": "1000.001"}, "Salaire net : au centime près"),
        ({"net": "1000", "hours": "0"}, "de 0 à 400 heures"),
        ({"net": "1000", "month": dt.date(2001, 1, 1)}, "paramètres de paie inconnus pour 2001"),
    ],
)
def test_a_bad_salary_is_refused(alice_activity, fields, message) -> None:
    values = {"month": dt.date(2026, 3, 1), "hours": "151.67", **fields}
    with pytest.raises(ValidationError) as error:
        salary_record(actor=None, activity=alice_activity, **values)
    assert message in " ".join(error.value.messages)
    assert not SalaryEntry.objects.exists()


def test_deleting_a_salary(alice_activity) -> None:
    entry = salary_record(
        actor=None, activity=alice_activity, month=dt.date(2026, 3, 1), net="1000", hours="151.67"
    )
    salary_delete(actor=None, entry=entry)
    assert not SalaryEntry.objects.exists()
    assert AuditEntry.objects.filter(action="salary.deleted").count() == 1
