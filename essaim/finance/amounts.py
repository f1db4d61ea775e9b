"""Invoice arithmetic by the rules of EN 16931 (the European e-invoicing norm behind Factur-X).

    totals = compute_totals([Line(Decimal("3"), Decimal("450"), vat_rate=Decimal("20"))])
    totals.total_ht, totals.total_vat, totals.total_ttc, totals.amount_due

Pure Python, no Django: plain `Decimal` in, plain dataclasses out. Amounts are euros.

The rules, in the order they are applied
----------------------------------------
1. Line net amount (BT-131) = round(quantity × unit price) − round(quantity × unit price ×
   discount / 100), each rounded to the cent, half up. The discount is a percentage of the
   line (a line allowance, BT-136, of that amount); keeping both parts at the cent makes the
   written line reconcile: gross − allowance = net, exactly.
2. VAT breakdown (BG-23): one group per VAT category, rate and exemption reason. Taxable
   amount (BT-116) = Σ line nets of the group; VAT (BT-117) = round(taxable × rate / 100),
   rounded to the cent once per group, never per line (BR-S-08, BR-S-09, BR-E-08...).
3. Totals: sum of line nets (BT-106) = Σ line nets (BR-CO-10); total without VAT (BT-109) =
   BT-106, there being no document-level allowance or charge (BR-CO-13); total VAT (BT-110) =
   Σ group VAT (BR-CO-14); total with VAT (BT-112) = BT-109 + BT-110 (BR-CO-15); amount due
   (BT-115) = BT-112 − paid amount (BT-113) (BR-CO-16).

Credit notes are not negative invoices: a credit note (type code 381) carries positive
quantities and prices exactly like an invoice (type code 380); its document type says it is a
credit. A negative quantity or price is therefore always an error here.

Every error a user can cause is collected, not stopped at the first: `AmountError.errors` is
a list of `(line index, field, message)`, the index counting from 0 (None for the document
itself) while the French message counts lines from 1, as the user sees them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

# The French VAT rates an invoice may carry (CGI art. 278 to 281 nonies, 297).
ALLOWED_VAT_RATES: tuple[Decimal, ...] = (
    Decimal("20"),
    Decimal("10"),
    Decimal("5.5"),
    Decimal("2.1"),
    Decimal("0"),
)

# Decimals accepted on input, the same as the invoice lines stored by the finance app.
QUANTITY_DECIMALS = 3
UNIT_PRICE_DECIMALS = 4
DISCOUNT_DECIMALS = 2
MONEY_DECIMALS = 2

# EN 16931 VAT category codes (UNTDID 5305) used by a French invoice.
STANDARD = "S"  # any rate above 0
EXEMPT = "E"  # exempt (e.g. training, art. 261-4-4° a du CGI; franchise, art. 293 B du CGI)
REVERSE_CHARGE = "AE"  # autoliquidation
INTRA_COMMUNITY = "K"  # intra-EU supply
EXPORT = "G"  # export outside the EU
ZERO_RATE_CATEGORIES = (EXEMPT, REVERSE_CHARGE, INTRA_COMMUNITY, EXPORT)

# The type codes of UNTDID 1001 the finance app uses.
INVOICE_TYPE_CODE = "380"
CREDIT_NOTE_TYPE_CODE = "381"


class AmountError(ValueError):
    """Bad invoice input. `errors` lists `(line index or None, field, French message)`."""

    def __init__(self, errors: Sequence[tuple[int | None, str, str]]) -> None:
        self.errors = list(errors)
        super().__init__(" ; ".join(message for _, _, message in self.errors))


@dataclass(frozen=True)
class Line:
    """An invoice line: quantity, unit price excluding VAT, discount in %, VAT rate in %."""

    quantity: Decimal
    unit_price: Decimal
    discount: Decimal = ZERO
    vat_rate: Decimal = Decimal("20")
    exemption_reason: str = ""
    # EN 16931 category for a 0 % line: E (default), AE, K or G. Lines above 0 % are S.
    vat_category: str = ""


@dataclass(frozen=True)
class VatBreakdown:
    """One VAT group (BG-23): category, rate, taxable amount, VAT, exemption reason."""

    category: str
    rate: Decimal
    base: Decimal
    vat: Decimal
    exemption_reason: str = ""


@dataclass(frozen=True)
class Totals:
    """The document's totals; every amount is rounded to the cent."""

    line_nets: tuple[Decimal, ...]
    breakdown: tuple[VatBreakdown, ...]
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    paid: Decimal
    amount_due: Decimal
    type_code: str = INVOICE_TYPE_CODE
    line_allowances: tuple[Decimal, ...] = field(default=())

    @property
    def sum_of_line_nets(self) -> Decimal:
        """BT-106 (equal to BT-109 here: no document-level allowance or charge)."""
        return sum(self.line_nets, ZERO)


def round_cent(value: Decimal) -> Decimal:
    """To the cent, half up: 0.125 → 0.13, −0.125 → −0.13."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fr_number(value: Decimal) -> str:
    """A decimal as a French reader writes it: 5.5 → "5,5", 20.00 → "20", 1234.5 → "1234,5"."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def _as_decimal(value: object) -> Decimal | None:
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return None  # floats and strings are refused: the caller parses, money is never a float


def line_gross(line: Line) -> Decimal:
    """Quantity × unit price, rounded to the cent."""
    return round_cent(line.quantity * line.unit_price)


def line_allowance(line: Line) -> Decimal:
    """The discount's amount (BT-136): quantity × unit price × discount / 100, to the cent."""
    return round_cent(line.quantity * line.unit_price * line.discount / HUNDRED)


def line_net(line: Line) -> Decimal:
    """The line net amount (BT-131): gross − discount, both to the cent."""
    return line_gross(line) - line_allowance(line)


def vat_category(line: Line) -> str:
    """S above 0 %; at 0 % the category given on the line, E (exempt) by default."""
    if line.vat_rate != ZERO:
        return STANDARD
    return line.vat_category or EXEMPT


def _check_number(
    errors: list[tuple[int | None, str, str]],
    index: int,
    name: str,
    label: str,
    value: object,
    decimals: int,
    unit: str = "",
) -> Decimal | None:
    where = f"ligne {index + 1} : "
    number = _as_decimal(value)
    if number is None:
        errors.append((index, name, f"{where}{label} « {value} » n'est pas un nombre"))
        return None
    if _decimals(number) > decimals:
        errors.append(
            (
                index,
                name,
                f"{where}{label} {fr_number(number)}{unit} : {_decimals(number)} décimales, "
                f"{decimals} au plus",
            )
        )
    return number


def validate_line(index: int, line: Line) -> list[tuple[int | None, str, str]]:
    """Every error of one line (index counted from 0), in French, naming line and field."""
    errors: list[tuple[int | None, str, str]] = []
    where = f"ligne {index + 1} : "
    quantity = _check_number(
        errors, index, "quantity", "quantité", line.quantity, QUANTITY_DECIMALS
    )
    if quantity is not None and quantity < 0:
        errors.append(
            (
                index,
                "quantity",
                f"{where}quantité négative ({fr_number(quantity)}) ; un avoir se saisit avec "
                "des quantités et des prix positifs, c'est son type (avoir) qui le rend négatif",
            )
        )
    price = _check_number(
        errors, index, "unit_price", "prix unitaire", line.unit_price, UNIT_PRICE_DECIMALS, " €"
    )
    if price is not None and price < 0:
        errors.append(
            (
                index,
                "unit_price",
                f"{where}prix unitaire négatif ({fr_number(price)} €) ; une réduction se saisit "
                "dans la remise, un avoir avec des montants positifs",
            )
        )
    discount = _check_number(
        errors, index, "discount", "remise", line.discount, DISCOUNT_DECIMALS, " %"
    )
    if discount is not None and not ZERO <= discount <= HUNDRED:
        errors.append(
            (
                index,
                "discount",
                f"{where}remise de {fr_number(discount)} % impossible (entre 0 et 100 %)",
            )
        )
    rate = _as_decimal(line.vat_rate)
    allowed = ", ".join(fr_number(r) for r in ALLOWED_VAT_RATES[:-1])
    if rate is None or rate not in ALLOWED_VAT_RATES:
        shown = fr_number(rate) if rate is not None else str(line.vat_rate)
        errors.append(
            (
                index,
                "vat_rate",
                f"{where}taux de TVA {shown} % non autorisé ({allowed} ou 0)",
            )
        )
    elif rate == ZERO:
        if not line.exemption_reason.strip():
            errors.append(
                (
                    index,
                    "exemption_reason",
                    f"{where}taux de TVA 0 % sans motif d'exonération : indiquez la mention "
                    "légale (par exemple « Exonération de TVA, article 261-4-4° a du CGI »)",
                )
            )
        if line.vat_category and line.vat_category not in ZERO_RATE_CATEGORIES:
            errors.append(
                (
                    index,
                    "vat_category",
                    f"{where}catégorie de TVA « {line.vat_category} » inconnue pour un taux de "
                    "0 % (E exonération, AE autoliquidation, K livraison intracommunautaire, "
                    "G exportation)",
                )
            )
    else:
        if line.exemption_reason.strip():
            errors.append(
                (
                    index,
                    "exemption_reason",
                    f"{where}motif d'exonération donné alors que le taux de TVA est de "
                    f"{fr_number(rate)} % : retirez le motif ou passez la ligne à 0 %",
                )
            )
        if line.vat_category not in ("", STANDARD):
            errors.append(
                (
                    index,
                    "vat_category",
                    f"{where}la catégorie de TVA « {line.vat_category} » exige un taux de 0 %",
                )
            )
    return errors


def validate_lines(lines: Sequence[Line]) -> None:
    """Raise `AmountError` with every error of the lines; nothing when they are all right."""
    errors: list[tuple[int | None, str, str]] = []
    if not lines:
        errors.append((None, "lines", "le document n'a aucune ligne : ajoutez-en au moins une"))
    for index, line in enumerate(lines):
        errors.extend(validate_line(index, line))
    if errors:
        raise AmountError(errors)


def breakdown(lines: Iterable[Line]) -> tuple[VatBreakdown, ...]:
    """The VAT groups of valid lines, highest rate first, then category and reason."""
    bases: dict[tuple[str, Decimal, str], Decimal] = {}
    for line in lines:
        reason = line.exemption_reason.strip() if line.vat_rate == ZERO else ""
        key = (vat_category(line), Decimal(line.vat_rate), reason)
        bases[key] = bases.get(key, ZERO) + line_net(line)
    groups = [
        VatBreakdown(
            category=category,
            rate=rate,
            base=base,
            vat=round_cent(base * rate / HUNDRED),
            exemption_reason=reason,
        )
        for (category, rate, reason), base in bases.items()
    ]
    groups.sort(key=lambda group: (-group.rate, group.category, group.exemption_reason))
    return tuple(groups)


def compute_totals(
    lines: Sequence[Line], paid: Decimal = ZERO, *, type_code: str = INVOICE_TYPE_CODE
) -> Totals:
    """The totals of an invoice (380) or credit note (381); raises `AmountError` on bad input.

    `paid` is what was already paid (BT-113): 0 or more, at most the total with VAT.
    """
    errors: list[tuple[int | None, str, str]] = []
    if type_code not in (INVOICE_TYPE_CODE, CREDIT_NOTE_TYPE_CODE):
        errors.append((None, "type_code", f"type de document « {type_code} » inconnu (380 ou 381)"))
    paid_amount = _as_decimal(paid)
    if paid_amount is None:
        errors.append((None, "paid", f"montant déjà payé « {paid} » n'est pas un nombre"))
    elif paid_amount < 0 or _decimals(paid_amount) > MONEY_DECIMALS:
        errors.append(
            (
                None,
                "paid",
                f"montant déjà payé {fr_number(paid_amount)} € : positif et au centime",
            )
        )
    try:
        validate_lines(lines)
    except AmountError as error:
        errors.extend(error.errors)
    if errors:
        raise AmountError(errors)
    assert paid_amount is not None
    nets = tuple(line_net(line) for line in lines)
    groups = breakdown(lines)
    total_ht = sum(nets, ZERO)
    total_vat = sum((group.vat for group in groups), ZERO)
    total_ttc = total_ht + total_vat
    if paid_amount > total_ttc:
        raise AmountError(
            [
                (
                    None,
                    "paid",
                    f"montant déjà payé {fr_number(paid_amount)} € supérieur au total TTC "
                    f"({fr_number(total_ttc)} €)",
                )
            ]
        )
    return Totals(
        line_nets=nets,
        breakdown=groups,
        total_ht=total_ht,
        total_vat=total_vat,
        total_ttc=total_ttc,
        paid=paid_amount,
        amount_due=total_ttc - paid_amount,
        type_code=type_code,
        line_allowances=tuple(line_allowance(line) for line in lines),
    )
