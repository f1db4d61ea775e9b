"""The turnover split of brand groups, on plain data: exact to the cent, deterministic."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from essaim.groups.split import Rule, SplitError, split_turnover

D = Decimal


def test_equal_shares_give_the_leftover_cents_to_the_first_members():
    shares = split_turnover(Rule("equal"), D("100.00"), {3: 0, 1: 0, 2: 0})

    assert shares == {1: D("33.34"), 2: D("33.33"), 3: D("33.33")}


def test_the_same_input_in_another_order_gives_the_same_split():
    first = split_turnover(Rule("equal"), D("10.00"), {1: 0, 2: 0, 3: 0})
    second = split_turnover(Rule("equal"), D("10.00"), {3: 0, 2: 0, 1: 0})

    assert first == second == {1: D("3.34"), 2: D("3.33"), 3: D("3.33")}


def test_pro_rata_of_hours_gives_cents_to_the_largest_remainders():
    # 1000 € for 10 h, 20 h and 3 h: 303.0303…, 606.0606…, 90.9090…
    shares = split_turnover(Rule("hours"), D("1000.00"), {1: 10, 2: 20, 3: 3})

    assert shares == {1: D("303.03"), 2: D("606.06"), 3: D("90.91")}
    assert sum(shares.values()) == D("1000.00")


def test_fixed_percentages():
    rule = Rule("fixed", percents={1: D("50"), 2: D("33.33"), 3: D("16.67")})

    # 49.995, 33.326667, 16.668333: the two cents left go to the largest remainders (3, 2).
    assert split_turnover(rule, D("99.99"), {}) == {1: D("49.99"), 2: D("33.33"), 3: D("16.67")}


def test_a_credit_note_is_split_like_its_opposite():
    shares = split_turnover(Rule("equal"), D("-100.00"), {1: 0, 2: 0, 3: 0})

    assert shares == {1: D("-33.34"), 2: D("-33.33"), 3: D("-33.33")}


@pytest.mark.parametrize(
    ("rule", "amount", "hours", "message"),
    [
        (Rule("fixed", {1: D("60"), 2: D("30")}), "10", {}, "sum to 100"),
        (Rule("hours"), "10", {1: 0, 2: 0}, "needs hours"),
        (Rule("hours"), "10", {1: -1, 2: 3}, "negative"),
        (Rule("equal"), "10", {}, "at least one member"),
        (Rule("equal"), "10.005", {1: 0}, "in cents"),
        (Rule("thirds"), "10", {1: 0}, "unknown split rule"),
    ],
)
def test_figures_that_cannot_be_split_are_refused(rule, amount, hours, message):
    with pytest.raises(SplitError, match=message):
        split_turnover(rule, D(amount), hours)


amounts = st.decimals(min_value=D("-100000"), max_value=D("100000"), places=2)
hours_maps = st.dictionaries(
    st.integers(min_value=1, max_value=50), st.integers(min_value=0, max_value=200), min_size=1
)


@given(amount=amounts, hours=hours_maps)
def test_shares_always_sum_to_the_amount_and_differ_by_less_than_a_cent_from_exact(amount, hours):
    if sum(hours.values()) == 0:
        hours = {**hours, max(hours) + 1: 1}
    for rule in (Rule("equal"), Rule("hours")):
        shares = split_turnover(rule, amount, hours)
        assert sum(shares.values()) == amount
        assert set(shares) == set(hours)
        weights = {k: (1 if rule.kind == "equal" else v) for k, v in hours.items()}
        total = sum(weights.values())
        for key, share in shares.items():
            assert abs(share - amount * weights[key] / total) < D("0.01")
