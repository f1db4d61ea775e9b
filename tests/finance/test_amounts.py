"""Invoice arithmetic: worked examples, French errors, and EN 16931 rules on random invoices.

The property tests judge `essaim.finance.amounts` with a small checker written here from the
norm's business rules alone: integers of cents and of 10⁻⁷ €, no code shared with the module.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from essaim.finance.amounts import (
    CREDIT_NOTE_TYPE_CODE,
    AmountError,
    Line,
    Totals,
    VatBreakdown,
    compute_totals,
    fr_number,
    line_allowance,
    line_net,
)

D = Decimal
EXEMPTION = "Exonération de TVA, article 261-4-4° a du CGI"


# --- Worked examples ------------------------------------------------------------------------


def test_a_three_line_invoice_by_hand() -> None:
    lines = [
        # 3 days × 450 € = 1,350.00 € at 20 %
        Line(D("3"), D("450"), vat_rate=D("20")),
        # 1.5 × 99.99 = 149.985 → 149.99; discount 10 % = 14.9985 → 15.00; net 134.99 at 5.5 %
        Line(D("1.5"), D("99.99"), discount=D("10"), vat_rate=D("5.5")),
        # a training day, exempt: 700.00 € at 0 %
        Line(D("1"), D("700"), vat_rate=D("0"), exemption_reason=EXEMPTION),
        # 2 × 12.5 = 25.00 € at 20 %, with the first line's group
        Line(D("2"), D("12.5"), vat_rate=D("20")),
    ]
    totals = compute_totals(lines, paid=D("500"))
    assert totals.line_nets == (D("1350.00"), D("134.99"), D("700.00"), D("25.00"))
    assert totals.line_allowances == (D("0.00"), D("15.00"), D("0.00"), D("0.00"))
    assert totals.breakdown == (
        # 1,375.00 × 20 % = 275.00
        VatBreakdown("S", D("20"), D("1375.00"), D("275.00")),
        # 134.99 × 5.5 % = 7.42445 → 7.42
        VatBreakdown("S", D("5.5"), D("134.99"), D("7.42")),
        VatBreakdown("E", D("0"), D("700.00"), D("0.00"), EXEMPTION),
    )
    # HT 1,350 + 134.99 + 700 + 25 = 2,209.99; VAT 282.42; TTC 2,492.41; due 1,992.41
    assert (totals.total_ht, totals.total_vat, totals.total_ttc, totals.amount_due) == (
        D("2209.99"),
        D("282.42"),
        D("2492.41"),
        D("1992.41"),
    )


def test_vat_is_rounded_once_per_rate_not_per_line() -> None:
    # Three lines of 0.05 € at 10 %: per line 0.005 → 0.01 each (0.03 in all); per rate the
    # base 0.15 × 10 % = 0.015 → 0.02. EN 16931 (BR-S-09) rounds per rate.
    totals = compute_totals([Line(D("1"), D("0.05"), vat_rate=D("10"))] * 3)
    assert totals.total_vat == D("0.02")


def test_half_cents_round_up() -> None:
    # 1 × 0.125 = 0.125 → 0.13; a 50 % discount on 0.25 is 0.125 → 0.13, net 0.12
    assert line_net(Line(D("1"), D("0.125"))) == D("0.13")
    assert line_allowance(Line(D("1"), D("0.25"), discount=D("50"))) == D("0.13")
    assert line_net(Line(D("1"), D("0.25"), discount=D("50"))) == D("0.12")


def test_a_credit_note_carries_positive_amounts_and_its_type_code() -> None:
    totals = compute_totals(
        [Line(D("1"), D("100"), vat_rate=D("20"))], type_code=CREDIT_NOTE_TYPE_CODE
    )
    assert (totals.type_code, totals.total_ttc) == ("381", D("120.00"))


def test_fr_number() -> None:
    assert [fr_number(D(x)) for x in ("5.5", "20.00", "7", "1E+1", "-1.50")] == [
        "5,5",
        "20",
        "7",
        "10",
        "-1,5",
    ]


# --- Errors ---------------------------------------------------------------------------------


def errors_of(lines: list[Line], **kwargs: object) -> list[tuple[int | None, str, str]]:
    with pytest.raises(AmountError) as caught:
        compute_totals(lines, **kwargs)  # type: ignore[arg-type]
    return caught.value.errors


def test_a_rate_not_allowed_names_the_line_and_the_rates() -> None:
    errors = errors_of([Line(D("1"), D("10")), Line(D("1"), D("10"), vat_rate=D("7"))])
    assert errors == [
        (1, "vat_rate", "ligne 2 : taux de TVA 7 % non autorisé (20, 10, 5,5, 2,1 ou 0)")
    ]


def test_zero_rate_needs_an_exemption_reason() -> None:
    assert errors_of([Line(D("1"), D("10"), vat_rate=D("0"))]) == [
        (
            0,
            "exemption_reason",
            "ligne 1 : taux de TVA 0 % sans motif d'exonération : indiquez la mention légale "
            "(par exemple « Exonération de TVA, article 261-4-4° a du CGI »)",
        )
    ]


def test_an_exemption_reason_on_a_taxed_line_is_refused() -> None:
    assert errors_of([Line(D("1"), D("10"), exemption_reason="art. 293 B")]) == [
        (
            0,
            "exemption_reason",
            "ligne 1 : motif d'exonération donné alors que le taux de TVA est de 20 % : "
            "retirez le motif ou passez la ligne à 0 %",
        )
    ]


def test_negative_quantity_explains_credit_notes() -> None:
    assert errors_of([Line(D("-2"), D("10"))]) == [
        (
            0,
            "quantity",
            "ligne 1 : quantité négative (-2) ; un avoir se saisit avec des quantités et des "
            "prix positifs, c'est son type (avoir) qui le rend négatif",
        )
    ]


def test_too_many_decimals_and_other_errors_are_all_reported() -> None:
    errors = errors_of(
        [
            Line(D("1.2345"), D("10.12345"), discount=D("5.555")),
            Line(D("1"), D("-3"), discount=D("120")),
            Line(1.5, D("1")),  # type: ignore[arg-type]
        ],
        paid=D("-1"),
    )
    assert errors == [
        (None, "paid", "montant déjà payé -1 € : positif et au centime"),
        (0, "quantity", "ligne 1 : quantité 1,2345 : 4 décimales, 3 au plus"),
        (0, "unit_price", "ligne 1 : prix unitaire 10,12345 € : 5 décimales, 4 au plus"),
        (0, "discount", "ligne 1 : remise 5,555 % : 3 décimales, 2 au plus"),
        (
            1,
            "unit_price",
            "ligne 2 : prix unitaire négatif (-3 €) ; une réduction se saisit dans la remise, "
            "un avoir avec des montants positifs",
        ),
        (1, "discount", "ligne 2 : remise de 120 % impossible (entre 0 et 100 %)"),
        (2, "quantity", "ligne 3 : quantité « 1.5 » n'est pas un nombre"),
    ]


def test_an_invoice_without_lines_and_an_overpayment() -> None:
    assert errors_of([]) == [
        (None, "lines", "le document n'a aucune ligne : ajoutez-en au moins une")
    ]
    assert errors_of([Line(D("1"), D("10"))], paid=D("12.01")) == [
        (None, "paid", "montant déjà payé 12,01 € supérieur au total TTC (12 €)")
    ]


def test_categories_for_zero_rate() -> None:
    reverse = Line(D("1"), D("10"), vat_rate=D("0"), exemption_reason="Autoliquidation")
    totals = compute_totals(
        [Line(D("1"), D("10"), vat_rate=D("0"), exemption_reason="x")]
        + [
            Line(D("1"), D("5"), vat_rate=D("0"), exemption_reason="x", vat_category="K"),
            Line(
                D("2"),
                D("1"),
                vat_rate=D("0"),
                exemption_reason="Autoliquidation",
                vat_category="AE",
            ),
        ]
    )
    assert [(g.category, g.base) for g in totals.breakdown] == [
        ("AE", D("2.00")),
        ("E", D("10.00")),
        ("K", D("5.00")),
    ]
    assert errors_of([Line(D("1"), D("10"), vat_category="E")]) == [
        (0, "vat_category", "ligne 1 : la catégorie de TVA « E » exige un taux de 0 %")
    ]
    assert (
        errors_of([Line(D("1"), D("10"), vat_rate=D("0"), exemption_reason="x", vat_category="Z")])[
            0
        ][1]
        == "vat_category"
    )
    assert compute_totals([reverse]).breakdown[0].category == "E"


def test_the_message_of_the_exception_joins_every_error() -> None:
    with pytest.raises(AmountError, match="ligne 1 : .* ; ligne 2 : "):
        compute_totals([Line(D("-1"), D("1")), Line(D("1"), D("1"), vat_rate=D("3"))])


# --- EN 16931 business rules on random invoices, judged independently ----------------------

RATE_TENTHS = {D("20"): 200, D("10"): 100, D("5.5"): 55, D("2.1"): 21, D("0"): 0}


def to_units(value: Decimal, decimals: int) -> int:
    """An exact integer of 10^-decimals units (the value has at most that many decimals)."""
    scaled = value.scaleb(decimals)
    assert scaled == scaled.to_integral_value()
    return int(scaled)


def round_half_up_div(numerator: int, denominator: int) -> int:
    """round(numerator / denominator) half away from zero, numerator ≥ 0, in integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def check_en16931(lines: list[Line], paid: Decimal, totals: Totals) -> None:
    """Recompute everything in integer cents and check the norm's rules on `totals`."""
    cents_of = {}
    nets = []
    for index, line in enumerate(lines):
        # quantity in 10^-3, price in 10^-4: their product is in 10^-7 €; a cent is 10^5 units
        product = to_units(line.quantity, 3) * to_units(line.unit_price, 4)
        gross = round_half_up_div(product, 10**5)
        # discount in 10^-2 %: allowance = product × discount / 100 / 100 in 10^-7 €
        allowance = round_half_up_div(product * to_units(line.discount, 2), 10**9)
        nets.append(gross - allowance)
        cents_of[index] = gross - allowance
    assert [to_units(net, 2) for net in totals.line_nets] == nets
    # BR-CO-10: sum of line net amounts = Σ line net amounts
    assert to_units(totals.sum_of_line_nets, 2) == sum(nets)
    # BR-CO-13: total without VAT = Σ line nets − document allowances (0) + charges (0)
    assert to_units(totals.total_ht, 2) == sum(nets)
    groups = {}
    for index, line in enumerate(lines):
        category = "S" if line.vat_rate else (line.vat_category or "E")
        reason = line.exemption_reason.strip() if not line.vat_rate else ""
        key = (category, RATE_TENTHS[line.vat_rate], reason)
        groups[key] = groups.get(key, 0) + cents_of[index]
    breakdown = totals.breakdown
    # BR-CO-18: at least one VAT breakdown; one per (category, rate, reason) present
    assert breakdown
    assert {(g.category, to_units(g.rate, 1), g.exemption_reason) for g in breakdown} == set(groups)
    for group in breakdown:
        base = groups[(group.category, to_units(group.rate, 1), group.exemption_reason)]
        # BR-S-08 / BR-E-08 / BR-AE-08...: taxable amount = Σ line nets of the group
        assert to_units(group.base, 2) == base
        if group.category == "S":
            # BR-S-09: VAT = taxable amount × rate / 100, rounded to 2 decimals
            assert to_units(group.vat, 2) == round_half_up_div(base * to_units(group.rate, 1), 1000)
            # BR-S-10: no exemption reason on a standard-rated breakdown
            assert group.exemption_reason == ""
        else:
            # BR-E-09 (and AE, K, G): no VAT; BR-E-10: an exemption reason
            assert group.vat == 0
            assert group.exemption_reason
    vat = sum(to_units(g.vat, 2) for g in breakdown)
    # BR-CO-14: total VAT = Σ VAT category tax amounts
    assert to_units(totals.total_vat, 2) == vat
    # BR-CO-15: total with VAT = total without VAT + total VAT
    assert to_units(totals.total_ttc, 2) == sum(nets) + vat
    # BR-CO-16: amount due = total with VAT − paid amount (+ rounding amount, 0 here)
    assert to_units(totals.amount_due, 2) == sum(nets) + vat - to_units(paid, 2)
    # BR-DEC-*: every amount of the document has at most 2 decimals
    for amount in (
        totals.total_ht,
        totals.total_vat,
        totals.total_ttc,
        totals.amount_due,
        *totals.line_nets,
        *(g.base for g in breakdown),
        *(g.vat for g in breakdown),
    ):
        assert -amount.as_tuple().exponent <= 2


def decimals(places: int, maximum: int) -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=0, max_value=maximum * 10**places).map(
        lambda n: Decimal(n).scaleb(-places)
    )


@st.composite
def lines_strategy(draw: st.DrawFn) -> Line:
    rate = draw(st.sampled_from(sorted(RATE_TENTHS)))
    reason = ""
    category = ""
    if rate == 0:
        reason = draw(st.sampled_from([EXEMPTION, "TVA non applicable, art. 293 B du CGI"]))
        category = draw(st.sampled_from(["", "E", "AE", "K", "G"]))
    return Line(
        quantity=draw(st.one_of(decimals(3, 1000), decimals(0, 50))),
        unit_price=draw(st.one_of(decimals(4, 5000), decimals(2, 100000))),
        discount=draw(st.one_of(st.just(D("0")), decimals(2, 100))),
        vat_rate=rate,
        exemption_reason=reason,
        vat_category=category,
    )


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(lines_strategy(), min_size=1, max_size=12),
    paid_percent=st.integers(min_value=0, max_value=100),
)
def test_totals_always_reconcile(lines: list[Line], paid_percent: int) -> None:
    ttc = compute_totals(lines).total_ttc
    paid = (ttc * paid_percent / 100).quantize(D("0.01"), rounding=ROUND_DOWN)
    totals = compute_totals(lines, paid=paid)
    check_en16931(lines, paid, totals)
    # Σ per-rate bases = HT; HT + VAT = TTC
    assert sum((g.base for g in totals.breakdown), D(0)) == totals.total_ht
    assert totals.total_ht + totals.total_vat == totals.total_ttc


@settings(max_examples=40, deadline=None)
@given(lines=st.lists(lines_strategy(), min_size=1, max_size=6))
def test_the_order_of_lines_does_not_change_the_totals(lines: list[Line]) -> None:
    forward = compute_totals(lines)
    backward = compute_totals(list(reversed(lines)))
    assert (forward.total_ht, forward.total_vat, forward.breakdown) == (
        backward.total_ht,
        backward.total_vat,
        backward.breakdown,
    )
