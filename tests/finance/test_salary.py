"""Salary simulation: a published CAE example, published official figures, a payslip worked by
hand, and the exactness of the inversions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from essaim.finance.contribution import PRESETS, MonthFigures
from essaim.finance.salary import (
    FULL_TIME_HOURS,
    EmployerSettings,
    from_gross,
    reduction_coefficient,
    simulate,
    what_if,
)
from essaim.finance.salary_params import PARAMS, params_for

D = Decimal


def gap(ours: Decimal, published: Decimal) -> Decimal:
    return abs(ours - published) / published * 100


# --- A published CAE example ------------------------------------------------------------------
#
# Documentation Optéos (the CAE's public wiki), page « Calcul salaire », section « Exemples de
# rémunération au 30/09/2024 », https://documentation.opteos.fr/wiki/Calcul_salaire:
#   net souhaité 1 365 € / 1 600 € / 2 000 €
#   brut         1 765 € / 2 055 € / 2 560 €   (cotisations salariales + mutuelle 29 €)
#   coût global  1 896 € / 2 420 € / 3 367 €   (cotisations patronales + mutuelle 29 €)
# Simulated with the 2024 parameters, a health cover of 29 € a month on each side, and our
# defaults for what the page does not say (50 employees or more, AT/MP 2.12 %).

OPTEOS = [
    (D("1365"), D("1765"), D("1896")),
    (D("1600"), D("2055"), D("2420")),
    (D("2000"), D("2560"), D("3367")),
]
OPTEOS_SETTINGS = EmployerSettings(health_employer=D("29"), health_employee=D("29"))


@pytest.mark.parametrize(("net", "gross", "cost"), OPTEOS)
def test_the_opteos_worked_example_within_3_percent(
    net: Decimal, gross: Decimal, cost: Decimal
) -> None:
    from_net = simulate(2024, net=net, settings=OPTEOS_SETTINGS)
    from_published_gross = simulate(2024, gross=gross, settings=OPTEOS_SETTINGS)
    gaps = {
        "brut depuis le net": gap(from_net.gross, gross),
        "coût depuis le net": gap(from_net.employer_cost, cost),
        "net depuis le brut": gap(from_published_gross.net, net),
        "coût depuis le brut": gap(from_published_gross.employer_cost, cost),
    }
    print(
        f"Optéos net {net} € : brut {from_net.gross} (publié {gross}), coût "
        f"{from_net.employer_cost} (publié {cost}) ; écarts "
        + ", ".join(f"{name} {value:.2f} %" for name, value in gaps.items())
    )
    assert all(value <= 3 for value in gaps.values()), gaps


# --- Published official figures ----------------------------------------------------------------


def test_rgdu_2026_examples_of_service_public() -> None:
    # service-public.fr, fiche F24542 « Réduction générale des cotisations patronales » (2026,
    # 50 salariés et plus: Tdelta 0.3821): at the SMIC (1,823.03 € a month, 21,876.40 € a
    # year) the coefficient is 0.4021 and the year's reduction 8,796.50 €.
    params = params_for(2026)
    assert reduction_coefficient(params, D("1823.03"), FULL_TIME_HOURS, 50) == D("0.4021")
    at_smic = simulate(2026, gross=D("1823.03")).general_reduction
    assert at_smic == D("733.04")  # 1,823.03 × 0.4021 = 733.0404
    # twelve rounded months against the published year: 8,796.48 for 8,796.50
    assert abs(at_smic * 12 - D("8796.50")) <= D("0.05")
    # 3,500 € a month (42,000 € a year): coefficient 0.0615. The page prints 2,583.70 € for the
    # year; 42,000 × 0.0615 = 2,583.00 (the page seems to have used the unrounded coefficient).
    assert reduction_coefficient(params, D("3500"), FULL_TIME_HOURS, 50) == D("0.0615")
    yearly = simulate(2026, gross=D("3500")).general_reduction * 12
    assert yearly == D("2583.00")
    assert gap(yearly, D("2583.70")) < D("0.03")
    # 3 SMIC and above: no reduction; fewer than 50 employees: Tmax 0.3981
    # (3 × 21,876.40 / 12 = 5,469.10 €)
    assert reduction_coefficient(params, D("5469.10"), FULL_TIME_HOURS, 50) == 0
    assert reduction_coefficient(params, D("5469.09"), FULL_TIME_HOURS, 50) == D("0.0200")
    assert reduction_coefficient(params, D("1823.03"), FULL_TIME_HOURS, 10) == D("0.3981")


def test_reduction_2025_at_the_smic_is_t() -> None:
    # décret n° 2025-318: T = 0.3233 (50 and more) from 1 May 2025; at the SMIC C = T
    params = params_for(2025)
    assert reduction_coefficient(params, D("1801.80"), FULL_TIME_HOURS, 50) == D("0.3233")
    # 1.6 SMIC = 2,882.88 €: nothing; just below, almost nothing
    assert reduction_coefficient(params, D("2882.88"), FULL_TIME_HOURS, 50) == 0
    assert reduction_coefficient(params, D("2882.00"), FULL_TIME_HOURS, 50) == D("0.0002")


@pytest.mark.parametrize(
    ("year", "gross", "published_net"),
    [
        # service-public.fr « Smic : montant »: 1,801.80 € gross → 1,426.30 € net (2025);
        # 1,823.03 € → 1,443.11 € (2026). The published figure rounds the total of the
        # contributions once; a payslip rounds each line, hence a cent or two.
        (2025, D("1801.80"), D("1426.30")),
        (2026, D("1823.03"), D("1443.11")),
    ],
)
def test_the_published_net_smic(year: int, gross: Decimal, published_net: Decimal) -> None:
    assert abs(simulate(year, gross=gross).net - published_net) <= D("0.05")


# --- A payslip worked by hand -----------------------------------------------------------------


def test_a_2026_payslip_by_hand() -> None:
    result = simulate(2026, gross=D("2000"))
    # Employer, 50 employees or more, AT/MP 2.12 %: on the whole gross maladie 13 + vieillesse
    # 2.11 + AF 5.25 + AT 2.12 + CSA 0.30 + FNAL 0.50 + chômage 4.00 + AGS 0.25 + formation
    # 1.00 + apprentissage 0.68 + dialogue social 0.016 = 29.226 %; on T1 (all of it, below
    # the 4,005 € PMSS) vieillesse 8.55 + Agirc-Arrco 4.72 + CEG 1.29 = 14.56 %; 43.786 % of
    # 2,000 = 875.72 (line by line: 260 + 42.20 + 105 + 42.40 + 6 + 10 + 80 + 5 + 20 + 13.60
    # + 0.32 + 171 + 94.40 + 25.80).
    # RGDU: ½ × (3 × 1,823.03 / 2,000 − 1) = 0.8672725; ^1.75 = 0.77941; × 0.3821 + 0.02 =
    # 0.31781 → 0.3178; 2,000 × 0.3178 = 635.60. Cost: 2,000 + 875.72 − 635.60 = 2,240.12.
    assert result.general_reduction == D("635.60")
    assert result.employer_contributions == D("240.12")
    assert result.employer_cost == D("2240.12")
    # Employee: vieillesse 6.90 + 0.40, Agirc-Arrco 3.15, CEG 0.86 = 11.31 % → 226.20; CSG and
    # CRDS on 98.25 % = 1,965.00: 133.62 + 47.16 + 9.825 → 9.83; total 416.81; net 1,583.19.
    assert result.employee_contributions == D("416.81")
    assert result.net == D("1583.19")
    # the lines add up to the totals
    assert sum(line.amount for line in result.employer_lines) == result.employer_contributions
    assert sum(line.amount for line in result.employee_lines) == result.employee_contributions
    assert result.lines == result.employer_lines + result.employee_lines


def test_above_the_ceiling_t2_and_cet_appear() -> None:
    result = simulate(2026, gross=D("5000"))
    labels = {line.label: line for line in result.lines}
    # T2 = 5,000 − 4,005 = 995; CET on T1 + T2 = 5,000
    assert labels["Retraite complémentaire T2 (salarié)"].base == D("995.00")
    assert labels["Retraite complémentaire T2 (salarié)"].amount == D("85.97")  # 995 × 8.64 %
    assert labels["CET (employeur)"].amount == D("10.50")  # 5,000 × 0.21 %
    assert labels["Vieillesse plafonnée (employeur)"].base == D("4005")
    # below 3 SMIC (5,469.10 €) the RGDU keeps at least Tmin: ½ × (3 × 1,823.0333 / 5,000 − 1)
    # = 0.0469; ^1.75 = 0.00473; × 0.3821 + 0.02 = 0.0218; 5,000 × 0.0218 = 109.00
    assert result.general_reduction == D("109.00")
    assert simulate(2026, gross=D("5469.10")).general_reduction == 0


def test_part_time_halves_the_smic_and_the_ceiling() -> None:
    half = D("75.835")
    result = simulate(2026, gross=D("911.52"), hours=half)
    # half the SMIC (911.515 €): the reduction's coefficient is at its maximum
    assert result.general_reduction == D("366.52")  # 911.52 × 0.4021
    plafonnee = next(
        line for line in result.lines if line.label == "Vieillesse plafonnée (salarié)"
    )
    assert plafonnee.base == D("911.52")
    high = simulate(2026, gross=D("2500"), hours=half)
    plafonnee = next(line for line in high.lines if line.label == "Vieillesse plafonnée (salarié)")
    assert plafonnee.base == D("2002.50")  # the 4,005 € ceiling halved


def test_the_2025_maladie_step_and_an_amount_in_its_jump() -> None:
    # 2.25 × 11.88 × 151.67 = 4,054.05 €: at it 7 %, a cent above 13 %
    at = from_gross(2025, D("4054.05"))
    above = from_gross(2025, D("4054.06"))
    assert at.lines[0].rate == D("7") and above.lines[0].rate == D("13")
    assert above.employer_cost - at.employer_cost > D("240")
    # an amount in the jump buys the gross just below it, and says what it really costs
    middle = (at.employer_cost + above.employer_cost) / 2
    result = simulate(2025, employer_cost=middle)
    assert result.gross == D("4054.05")
    assert result.employer_cost == at.employer_cost < middle


# --- Inversions, exact to the cent --------------------------------------------------------------

amounts = st.integers(min_value=50_000, max_value=900_000).map(lambda n: Decimal(n) / 100)
years = st.sampled_from(sorted(PARAMS))


@settings(max_examples=40, deadline=None)
@given(year=years, cost=amounts)
def test_from_an_employer_cost_the_highest_gross_it_pays(year: int, cost: Decimal) -> None:
    result = simulate(year, employer_cost=cost)
    assert result.employer_cost <= cost
    assert from_gross(year, result.gross + D("0.01")).employer_cost > cost
    assert result.employer_cost == result.gross + result.employer_contributions


@settings(max_examples=40, deadline=None)
@given(year=years, net=amounts)
def test_from_a_net_the_lowest_gross_that_pays_it(year: int, net: Decimal) -> None:
    result = simulate(year, net=net)
    assert result.net >= net
    assert from_gross(year, result.gross - D("0.01")).net < net
    assert result.net == result.gross - result.employee_contributions
    # the round trip costs the same and pays at least this gross (below the SMIC, where the
    # reduction takes T of every euro, two grosses a cent apart can cost the same cent)
    back = simulate(year, employer_cost=result.employer_cost)
    assert back.employer_cost == result.employer_cost
    assert result.gross <= back.gross <= result.gross + D("0.02")


def test_zero_and_bad_requests() -> None:
    assert simulate(2026, net=D("0")).gross == 0
    assert simulate(2026, employer_cost=D("0")).net == 0
    with pytest.raises(ValueError, match="indiquez exactement un montant"):
        simulate(2026, employer_cost=D("1"), net=D("1"))
    with pytest.raises(ValueError, match="indiquez exactement un montant"):
        simulate(2026)
    with pytest.raises(ValueError, match=r"paramètres de paie inconnus pour 2019 \(années connues"):
        simulate(2019, net=D("1500"))
    with pytest.raises(ValueError, match="montant -5 impossible"):
        simulate(2026, net=D("-5"))
    with pytest.raises(ValueError, match="nombre d'heures 0 impossible"):
        simulate(2026, net=D("1500"), hours=D("0"))


def test_as_dict_has_the_cli_fields() -> None:
    data = simulate(2026, net=D("1600")).as_dict()
    assert {"employer_cost", "gross", "net"} <= set(data)
    assert data["net"] == "1600.00"
    assert all(isinstance(line["amount"], str) for line in data["lines"])


# --- What if I invoice X this month --------------------------------------------------------


def test_what_if_with_the_coopaname_rule() -> None:
    figures = MonthFigures(turnover=D("3000"))
    result = what_if(2026, D("2000"), D("1500"), PRESETS["coopaname"], figures=figures)
    # contribution before 3,000 × 13.5 % + 30 = 435.00, after 4,500 × 13.5 % + 30 = 637.50:
    # 202.50 more; 1,500 − 202.50 = 1,297.50 more for the salary (employer cost)
    assert result.extra_contribution == D("202.50")
    assert result.extra_employer_cost == D("1297.50")
    assert result.before == simulate(2026, employer_cost=D("2000"))
    assert result.after == simulate(2026, employer_cost=D("3297.50"))
    assert result.extra_net == result.after.net - result.before.net > 0
    with pytest.raises(ValueError, match="chiffre d'affaires supplémentaire négatif"):
        what_if(2026, D("2000"), D("-1"), PRESETS["coopaname"])
