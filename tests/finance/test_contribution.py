"""The cooperative's contribution: presets on worked numbers, bands, caps, internal rate."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from essaim.finance.contribution import (
    GROSS_MARGIN,
    PRESETS,
    TURNOVER,
    ContributionRule,
    MonthFigures,
    banded_amount,
    contribution_for_month,
    contributions_for_year,
    month_base,
    rule_for,
)

D = Decimal


# --- The presets of mission.md, each on numbers worked by hand ------------------------------


def test_coopaname_2010_takes_10_percent_of_turnover() -> None:
    rule = PRESETS["coopaname_2010"]
    # turnover 5,000 € (costs do not count on turnover): 5,000 × 10 % = 500.00
    figures = MonthFigures(turnover=D("5000"), resold_goods=D("1200"))
    assert contribution_for_month(rule, figures) == D("500.00")


def test_coopaname_today_takes_13_5_percent_of_margin_plus_30() -> None:
    rule = PRESETS["coopaname"]
    figures = MonthFigures(
        turnover=D("6000"), resold_goods=D("1000"), subcontracting=D("500"), mission_costs=D("200")
    )
    # margin 6,000 − 1,000 − 500 − 200 = 4,300; 4,300 × 13.5 % = 580.50; + 30 = 610.50
    assert figures.gross_margin == D("4300")
    assert contribution_for_month(rule, figures) == D("610.50")
    # a month without sales still owes the fixed 30 €
    assert contribution_for_month(rule, MonthFigures(turnover=D("0"))) == D("30.00")


def test_oxalis_takes_15_percent_of_margin() -> None:
    figures = MonthFigures(turnover=D("4000"), subcontracting=D("1000.10"))
    # margin 2,999.90 × 15 % = 449.985 → 449.99 (half up)
    assert contribution_for_month(PRESETS["oxalis"], figures) == D("449.99")


def test_mosaique_minimum_and_cap() -> None:
    rule = PRESETS["mosaique"]
    assert rule.base == TURNOVER
    # 200 € of turnover: 12 % = 24 €, below the 40 € minimum → 40.00
    assert contribution_for_month(rule, MonthFigures(turnover=D("200"))) == D("40.00")
    # 5,000 € of turnover: 600.00; after 8,000 € already paid this year only 400.00 is left
    assert contribution_for_month(rule, MonthFigures(turnover=D("5000"))) == D("600.00")
    assert contribution_for_month(rule, MonthFigures(turnover=D("5000")), D("8000")) == D("400.00")
    # a year of 6,000 € a month: 720 € a month, 11 × 720 = 7,920, the 12th month 480 → 8,400
    year = contributions_for_year(rule, [MonthFigures(turnover=D("6000"))] * 12)
    assert year == [D("720.00")] * 11 + [D("480.00")]
    assert sum(year) == D("8400.00")


def test_opteos_bands_work_across_the_year() -> None:
    rule = PRESETS["opteos"]
    figures = MonthFigures(turnover=D("12000"), resold_goods=D("2000"))  # margin 10,000
    # from 25,000 to 35,000 € of margin this year: 5,000 × 11.5 % = 575 + 5,000 × 9.5 % = 475
    assert contribution_for_month(rule, figures, year_to_date_base=D("25000")) == D("1050.00")
    # from 55,000 to 65,000: 5,000 × 9.5 % = 475 + 5,000 × 7.5 % = 375 → 850.00
    assert contribution_for_month(rule, figures, year_to_date_base=D("55000")) == D("850.00")
    # a year of 10,000 € of margin a month: 30,000 × 11.5 % + 30,000 × 9.5 % + 60,000 × 7.5 %
    # = 3,450 + 2,850 + 4,500 = 10,800
    year = contributions_for_year(rule, [figures] * 12)
    assert year[:3] == [D("1150.00")] * 3
    assert year[3:6] == [D("950.00")] * 3
    assert year[6:] == [D("750.00")] * 6
    assert sum(year) == D("10800.00")


def test_every_preset_is_a_valid_rule_with_a_note() -> None:
    assert set(PRESETS) == {"coopaname_2010", "coopaname", "oxalis", "mosaique", "opteos"}
    for rule in PRESETS.values():
        assert rule.note
        assert (
            ContributionRule.from_parameters(rule.name, rule.valid_from, rule.to_parameters())
            == rule
        )


# --- The mechanics ----------------------------------------------------------------------------


def test_internal_invoices_pay_the_reduced_rate_on_their_share_of_the_margin() -> None:
    rule = dataclasses.replace(PRESETS["coopaname"], internal_rate=D("5"))
    figures = MonthFigures(turnover=D("6000"), internal_turnover=D("2000"), resold_goods=D("1700"))
    # margin 4,300; internal share 2,000 / 6,000 → 1,433.33…; normal 2,866.66…
    # 2,866.66… × 13.5 % = 387.00 + 1,433.33… × 5 % = 71.666… + 30 → 488.666… → 488.67
    base = month_base(rule, figures)
    assert base.total == D("4300")
    assert contribution_for_month(rule, figures) == D("488.67")


def test_internal_rate_on_turnover_takes_the_internal_turnover() -> None:
    rule = ContributionRule(
        "interne", dt.date(2026, 1, 1), base=TURNOVER, rate=D("10"), internal_rate=D("4")
    )
    figures = MonthFigures(turnover=D("3000"), internal_turnover=D("1000"))
    # 2,000 × 10 % + 1,000 × 4 % = 200 + 40 = 240.00
    assert contribution_for_month(rule, figures) == D("240.00")


def test_without_internal_rate_internal_turnover_pays_the_normal_rate() -> None:
    figures = MonthFigures(turnover=D("3000"), internal_turnover=D("1000"))
    assert contribution_for_month(PRESETS["coopaname_2010"], figures) == D("300.00")


def test_a_negative_margin_owes_no_variable_part_and_does_not_move_the_bands() -> None:
    figures = MonthFigures(turnover=D("1000"), resold_goods=D("3000"))
    assert month_base(PRESETS["opteos"], figures).total == 0
    assert contribution_for_month(PRESETS["coopaname"], figures) == D("30.00")


def test_banded_amount_on_slices() -> None:
    bands = [(D("0"), D("10")), (D("100"), D("5"))]
    assert banded_amount(bands, D("0"), D("100")) == D("10")
    assert banded_amount(bands, D("50"), D("150")) == D("7.5")
    assert banded_amount(bands, D("200"), D("200")) == D("0")


def test_rule_for_picks_the_rule_in_force() -> None:
    rules = [PRESETS["coopaname"], PRESETS["coopaname_2010"]]
    assert rule_for(rules, dt.date(2011, 12, 31)) is PRESETS["coopaname_2010"]
    assert rule_for(rules, dt.date(2012, 1, 1)) is PRESETS["coopaname"]
    assert rule_for(rules, dt.date(2030, 6, 1)) is PRESETS["coopaname"]
    with pytest.raises(LookupError, match="aucune règle de contribution en vigueur le 31/12/2009"):
        rule_for(rules, dt.date(2009, 12, 31))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"base": "profit", "rate": D("10")}, "assiette « profit » inconnue"),
        ({"rate": D("10"), "bands": [(D("0"), D("10"))]}, "un taux fixe et des tranches"),
        ({"rate": D("120")}, "taux de 120 % hors de 0 à 100 %"),
        ({"bands": [(D("10"), D("5"))]}, "la première tranche doit commencer à 0 €"),
        (
            {"bands": [(D("0"), D("5")), (D("0"), D("4"))]},
            "les seuils des tranches doivent être croissants",
        ),
        ({"rate": D("10"), "monthly_minimum": D("-1")}, "minimum mensuel négatif"),
        ({"rate": D("10"), "internal_rate": D("-2")}, "taux interne de -2 %"),
    ],
)
def test_bad_rules_are_refused_in_french(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ContributionRule("essai", dt.date(2026, 1, 1), **kwargs)  # type: ignore[arg-type]


def test_parameters_round_trip_and_bad_values() -> None:
    rule = ContributionRule(
        "essai",
        dt.date(2026, 1, 1),
        base=GROSS_MARGIN,
        bands=[(D("0"), D("12")), (D("40000"), D("8"))],  # type: ignore[arg-type]
        monthly_minimum=D("25"),
        annual_cap=D("9000"),
        fixed_monthly=D("10"),
        internal_rate=D("6"),
    )
    parameters = rule.to_parameters()
    assert parameters["bands"] == [["0", "12"], ["40000", "8"]]
    assert ContributionRule.from_parameters("essai", dt.date(2026, 1, 1), parameters) == rule
    with pytest.raises(ValueError, match="taux : « dix » n'est pas un nombre"):
        ContributionRule.from_parameters("essai", dt.date(2026, 1, 1), {"rate": "dix"})


money = st.integers(min_value=0, max_value=5_000_000).map(lambda n: Decimal(n) / 100)


@settings(max_examples=60, deadline=None)
@given(months=st.lists(money, min_size=12, max_size=12), preset=st.sampled_from(sorted(PRESETS)))
def test_a_year_never_passes_its_cap_and_banded_years_match_the_whole_year(
    months: list[Decimal], preset: str
) -> None:
    rule = PRESETS[preset]
    year = contributions_for_year(rule, [MonthFigures(turnover=m) for m in months])
    if rule.annual_cap is not None:
        assert sum(year) <= rule.annual_cap
    if rule.bands is not None:
        # month by month along the bands = the bands on the year's total, to a cent a month
        assert abs(sum(year) - banded_amount(rule.bands, D(0), sum(months, D(0)))) <= D("0.06")
