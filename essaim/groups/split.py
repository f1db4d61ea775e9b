"""Sharing a brand group's turnover between its members: plain data in, plain data out.

Invoicing calls `split_turnover` with the group's stored rule (`selectors.split_rule_of`)
when it books a brand group's invoice. Three rules (docs/groups.md, "Le partage du chiffre
d'affaires"):

- `equal`: equal shares between the members given;
- `hours`: pro rata of the hours each member gave (`hours_by_member`);
- `fixed`: a fixed percentage per member, the percentages summing to 100.

Shares are exact to the cent and always sum to the amount: each member first gets their
share rounded down to the cent; the cents left over go one by one to the largest rounded-off
fractions, ties going to the member who sorts first (smallest id), so the same input always
gives the same split. A negative amount (a credit note) is split like its opposite, then
negated.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import TypeVar

EQUAL = "equal"
HOURS = "hours"
FIXED = "fixed"
RULES = (EQUAL, HOURS, FIXED)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)

K = TypeVar("K", bound=Hashable)


class SplitError(ValueError):
    """The rule or the figures given cannot be applied (a programming error of the caller:
    the rule is checked when it is stored)."""


@dataclass(frozen=True)
class Rule:
    kind: str
    percents: Mapping[Hashable, Decimal] = field(default_factory=dict)  # for `fixed`


def _ordered(keys: list[K]) -> list[K]:
    try:
        return sorted(keys)  # type: ignore[type-var]
    except TypeError:  # keys that do not compare: the order given
        return keys


def _weights(rule: Rule, hours_by_member: Mapping[K, Decimal | int]) -> dict[K, Decimal]:
    if rule.kind == EQUAL:
        if not hours_by_member:
            raise SplitError("equal shares need at least one member")
        return {k: Decimal(1) for k in hours_by_member}
    if rule.kind == HOURS:
        weights = {k: Decimal(v or 0) for k, v in hours_by_member.items()}
        if any(w < 0 for w in weights.values()):
            raise SplitError("hours cannot be negative")
        if not weights or sum(weights.values()) == 0:
            raise SplitError("a split by hours needs hours")
        return weights
    if rule.kind == FIXED:
        percents = {k: Decimal(v) for k, v in rule.percents.items()}  # type: ignore[misc]
        if not percents or any(p < 0 for p in percents.values()):
            raise SplitError("fixed percentages must be given and not negative")
        if sum(percents.values()) != HUNDRED:
            raise SplitError("fixed percentages must sum to 100")
        return percents  # type: ignore[return-value]
    raise SplitError(f"unknown split rule {rule.kind!r}")


def split_turnover(
    rule: Rule, amount: Decimal, hours_by_member: Mapping[K, Decimal | int]
) -> dict[K, Decimal]:
    """Each member's share of `amount` (euros, at most two decimals) under `rule`.

    `hours_by_member` names the members to share between (equal shares) and their hours (pro
    rata of hours); with fixed percentages, the members are those of the rule."""
    amount = Decimal(amount)
    if amount != amount.quantize(CENT):
        raise SplitError("the amount must be in cents")
    if amount < 0:
        return {k: -v for k, v in split_turnover(rule, -amount, hours_by_member).items()}
    weights = _weights(rule, hours_by_member)
    total = sum(weights.values())
    keys = _ordered(list(weights))
    exact = {k: amount * weights[k] / total for k in keys}
    shares = {k: exact[k].quantize(CENT, rounding=ROUND_DOWN) for k in keys}
    left = int((amount - sum(shares.values())) / CENT)
    position = {k: i for i, k in enumerate(keys)}
    rank = sorted(keys, key=lambda k: (-(exact[k] - shares[k]), position[k]))
    for k in rank[:left]:
        shares[k] += CENT
    return shares
