"""Template filters of the finance pages: amounts as French readers write them."""

from __future__ import annotations

from decimal import Decimal

from django import template

from essaim.finance.forms.invoicing import french
from essaim.finance.services.documents import format_eur

register = template.Library()


@register.filter
def eur(value: Decimal | int | None) -> str:
    """1234.5 → "1 234,50 €", no-break spaces (an empty value → "—")."""
    if value is None or value == "":
        return "—"
    return format_eur(Decimal(value)).replace(" €", "\u00a0€")


@register.filter
def number(value: Decimal | int | None) -> str:
    """A quantity or a rate without useless zeros: 3.000 → "3", 5.50 → "5,5"."""
    if value is None or value == "":
        return ""
    return french(Decimal(value))
