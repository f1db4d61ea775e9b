"""Activity alerts on worked numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from essaim.finance.alerts import (
    INCOME_BELOW_RSA,
    INCOME_BELOW_SMIC,
    SUDDEN_DROP,
    fr_money,
    income_below,
    sudden_drop,
)

D = Decimal
NBSP = "\u00a0"
TODAY = dt.date(2026, 2, 10)  # last 3 full months: 11/2025, 12/2025, 01/2026


def months(start: dt.date, amounts: list[str]) -> list[tuple[dt.date, Decimal]]:
    result = []
    year, month = start.year, start.month
    for amount in amounts:
        result.append((dt.date(year, month, 1), D(amount)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def test_fr_money() -> None:
    assert fr_money(D("1234.5")) == f"1{NBSP}234,50{NBSP}€"
    assert fr_money(D("0.005")) == f"0,01{NBSP}€"
    assert fr_money(D("-1234567")) == f"-1{NBSP}234{NBSP}567,00{NBSP}€"


def test_a_sudden_and_durable_drop() -> None:
    # 11/2024 to 10/2025: 4,000 € a month (average 4,000); then 1,000, 500, 1,500: average
    # 3,000 / 3 = 1,000 < 4,000 / 2 = 2,000 → alert, a drop of 75 %
    history = months(dt.date(2024, 11, 1), ["4000"] * 12 + ["1000", "500", "1500"])
    alert = sudden_drop(history, TODAY)
    assert alert is not None
    assert alert.kind == SUDDEN_DROP
    assert alert.message == (
        f"Chiffre d'affaires en forte baisse : 1{NBSP}000,00{NBSP}€ par mois en moyenne de "
        f"11/2025 à 01/2026, contre 4{NBSP}000,00{NBSP}€ par mois sur les 12 mois précédents "
        "(−75 %)."
    )
    assert alert.next_step.startswith("Proposer un rendez-vous d'accompagnement")
    assert alert.figures == {"recent_average": D("1000.00"), "reference_average": D("4000.00")}


def test_no_alert_at_exactly_half_nor_for_one_bad_month() -> None:
    # recent average 2,000 = half of 4,000: not below half
    history = months(dt.date(2024, 11, 1), ["4000"] * 12 + ["2000"] * 3)
    assert sudden_drop(history, TODAY) is None
    # one empty month among two normal ones: average 2,666.67 > 2,000
    history = months(dt.date(2024, 11, 1), ["4000"] * 12 + ["0", "4000", "4000"])
    assert sudden_drop(history, TODAY) is None


def test_the_current_month_does_not_count_and_missing_months_are_zero() -> None:
    # the February 2026 invoices (current month) are ignored; 12/2025 is missing → 0
    history = months(dt.date(2024, 11, 1), ["3000"] * 12) + [
        (dt.date(2025, 11, 20), D("900")),
        (dt.date(2025, 11, 25), D("300")),  # two invoices in November: 1,200 in all
        (dt.date(2026, 1, 5), D("600")),
        (dt.date(2026, 2, 3), D("50000")),
    ]
    alert = sudden_drop(history, TODAY)
    assert alert is not None
    # (1,200 + 0 + 600) / 3 = 600 < 1,500
    assert alert.figures["recent_average"] == D("600.00")


def test_a_short_history_compares_with_the_months_it_has() -> None:
    # activity since 08/2025: reference 08–10/2025 (3 months of 3,000), recent 300 a month
    history = months(dt.date(2025, 8, 1), ["3000"] * 3 + ["300"] * 3)
    alert = sudden_drop(history, TODAY)
    assert alert is not None
    assert "sur les 3 mois précédents" in alert.message
    # since 09/2025: only 2 reference months → too early
    assert sudden_drop(months(dt.date(2025, 9, 1), ["3000"] * 2 + ["0"] * 3), TODAY) is None
    assert sudden_drop([], TODAY) is None
    # nothing to drop from
    assert sudden_drop(months(dt.date(2024, 11, 1), ["0"] * 15), TODAY) is None


def test_income_below_the_rsa() -> None:
    # 2025: RSA 646.52 € (from 1 April 2025), SMIC net 1,426.30 €
    alert = income_below(D("500"), 2025)
    assert alert is not None
    assert alert.kind == INCOME_BELOW_RSA
    assert alert.message == (
        f"Revenu net de 500,00{NBSP}€ par mois, sous le RSA d'une personne seule (646,52{NBSP}€)."
    )
    assert "prime d'activité" in alert.next_step
    assert alert.figures == {
        "net_monthly": D("500"),
        "rsa": D("646.52"),
        "smic_net": D("1426.30"),
    }


def test_income_below_the_smic_of_the_period() -> None:
    # 1,430 € in 2026 is below the 2026 net SMIC (1,443.11) but above 2025's (1,426.30)
    alert = income_below(D("1430"), dt.date(2026, 3, 1))
    assert alert is not None
    assert alert.kind == INCOME_BELOW_SMIC
    assert alert.message == (
        f"Revenu net de 1{NBSP}430,00{NBSP}€ par mois, sous le SMIC net à temps plein "
        f"(1{NBSP}443,11{NBSP}€)."
    )
    assert income_below(D("1430"), dt.date(2025, 6, 1)) is None
    # in March 2025 the RSA was still 635.71 €: 640 € is above it, below the SMIC
    march = income_below(D("640"), dt.date(2025, 3, 15))
    assert march is not None and march.kind == INCOME_BELOW_SMIC
    assert income_below(D("640"), dt.date(2025, 4, 1)).kind == INCOME_BELOW_RSA  # type: ignore[union-attr]
    # 2010, from mission.md: RSA 460.09 €
    assert income_below(D("460"), 2010).kind == INCOME_BELOW_RSA  # type: ignore[union-attr]


def test_income_for_a_period_without_reference_says_so() -> None:
    with pytest.raises(LookupError, match="montant du RSA inconnu pour le 31/12/2015"):
        income_below(D("1000"), 2015)
