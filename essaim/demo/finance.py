"""The demo cooperative's money: customers, estimates, invoices and credit notes, payments,
expenses, internal invoices of the marketplace's deals, and salaries, since 1 January of last
year (the day the demo cooperative started keeping its accounts in Essaim).

A step of `essaim.demo.generator.STEPS`, after the marketplace (internal invoices follow its
done deals), with its own random stream (`finance`), written in bulk like the rest of the demo.

Consistent with each member's path (essaim.demo.finance_people): a member invoices, quotes
and spends only while under contract (a CAPE period, the CESA, associate), never before their
entry nor after their exit (their customers may pay after it); salaries are paid for the
months of CESA (and associate) only. Each member has a level of
activity drawn around their sector's (essaim.demo.finance_catalog), lower in their first CAPE
months; a few present members see their turnover drop in the last months (the advisors'
alerts show them).

Amounts are computed by essaim.finance.amounts (EN 16931) and salaries by
essaim.finance.salary, as the services do. Issued documents are numbered in bulk in one
chronological series without gaps, with the cooperative's numbering pattern (what
services.numbering would have given issuing them one by one in date order). No PDF is rendered
here: the invoice page renders it on first download.

Contribution rules: the "Coopaname 2010" rule (10 % of the turnover, no fixed part) until the
window starts, then the Coopaname rule of today (13.5 % of the gross margin + 30 € a month), so
that months before the accounts were kept in Essaim weigh nothing on the activity accounts.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from essaim.core.dates import add_months
from essaim.demo.finance_catalog import (
    CREDIT_REASONS,
    ESTIMATE_NOTES,
    EXPENSES,
    PURCHASE_LABELS,
    Sale,
)
from essaim.demo.finance_people import Person, read_people
from essaim.demo.finance_rows import Keys, insert, reset_sequences
from essaim.finance import amounts, identifiers, salary
from essaim.finance.contribution import PRESETS, MonthFigures, contribution_for_month, month_base
from essaim.finance.models import (
    ContributionRuleRecord,
    Cooperative,
    Customer,
    CustomerKind,
    DocumentLine,
    Estimate,
    EstimateStatus,
    Expense,
    ExpenseCategory,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    NumberSequence,
    Payment,
    PaymentMethod,
    SalaryEntry,
)
from essaim.finance.services.numbering import format_number, sequence_key
from essaim.marketplace.models import DealKind, DealProvider, DealStatus

if TYPE_CHECKING:
    from essaim.demo.generator import DemoContext

ZERO = Decimal("0")
CENT = Decimal("0.01")
DEMO_SIREN = "303265045"  # a SIREN whose Luhn key holds; the demo cooperative's own
# How many invoices a member issues in a month, and how likely.
INVOICES_A_MONTH = ((0, 25), (1, 60), (2, 15))  # the month's turnover shared out
ESTIMATED_SHARE = 0.15  # invoices that follow an estimate
CREDITED_SHARE = 0.02  # invoices corrected by a credit note
UNPAID_SHARE = 0.05  # invoices paid late, or not yet
PARTLY_PAID_SHARE = 0.04
STILL_UNPAID = 0.15  # of the late ones: never paid so far
DRAFT_SHARE = 0.03  # present members with a draft invoice
OPEN_ESTIMATES = 0.3  # open estimates per present member
EXPENSES_A_MONTH = 0.3
SALARY_SHARE = Decimal("0.75")  # of what the account holds, paid as salary (employer cost)
SALARY_LEVELS = tuple(
    Decimal(c) for c in (300, 500, 800, 1100, 1400, 1800, 2200, 2700, 3200, 3800, 4500)
)
CONTRIBUTION_PRESET = "coopaname"
NICE_QUANTITIES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60)
PRICE_LEVELS = 5  # each sale is priced at one of a few levels between its low and high
TRANSFERS_MOSTLY = (PaymentMethod.TRANSFER,) * 4 + (PaymentMethod.CHEQUE, PaymentMethod.CARD)


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))


@functools.lru_cache(maxsize=4096)
def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _month_end(first: dt.date) -> dt.date:
    return add_months(first, 1) - dt.timedelta(days=1)


def _luhn_key(digits: str) -> int:
    """The digit that makes `digits` + it pass the Luhn check."""
    for key in range(10):
        if identifiers.luhn_valid(digits + str(key)):
            return key
    raise AssertionError("unreachable")


def _siret(rng: random.Random) -> str:
    head = f"{rng.randint(30_000_000, 99_999_999):08d}"
    siren = head + str(_luhn_key(head))
    if siren.startswith(identifiers.LA_POSTE_SIREN):  # La Poste numbers its own way
        return _siret(rng)
    nic = siren + f"{rng.randint(1, 999):04d}"
    return nic + str(_luhn_key(nic))


# ---------------------------------------------------------------- the book of documents


@dataclass
class Doc:
    """An invoice or credit note being built: its row, its lines' rows, its totals."""

    row: dict[str, Any]
    lines: list[dict[str, Any]]
    totals: amounts.Totals
    order: int

    @property
    def day(self) -> dt.date:
        return self.row["issue_date"]


Chosen = list[tuple[Sale, Decimal, Decimal]]  # (what, quantity, unit price) of each line


class Pools:
    """Names and addresses drawn once from Faker, then reused (Faker is slow)."""

    SIZE = 400

    def __init__(self, faker: Any) -> None:
        self.companies = [faker.company() for _ in range(self.SIZE)]
        self.people = [faker.name() for _ in range(self.SIZE)]
        self.addresses = [
            (faker.street_address(), faker.postcode(), faker.city()) for _ in range(self.SIZE)
        ]
        self.domains = [faker.domain_name() for _ in range(self.SIZE // 4)]


class Book:
    def __init__(self, ctx: DemoContext, rng: random.Random, faker: Any, start: dt.date) -> None:
        self.rng = rng
        self.pools = Pools(faker)
        self.start = start
        self.today = ctx.today
        self.coop = Cooperative.objects.order_by("pk").first() or Cooperative()
        self.keys = Keys()
        # The window's months: (first day, last day up to today).
        self.months: list[tuple[dt.date, dt.date]] = []
        month = start
        while month <= self.today:
            self.months.append((month, min(_month_end(month), self.today)))
            month = add_months(month, 1)
        self.customers: list[dict[str, Any]] = []
        self.estimates: list[dict[str, Any]] = []
        self.estimate_lines: list[dict[str, Any]] = []
        self.docs: list[Doc] = []
        self.drafts: list[Doc] = []
        self.payments: list[dict[str, Any]] = []
        self.expenses: list[dict[str, Any]] = []
        self.internal_purchases: list[tuple[dict[str, Any], Doc]] = []
        self.salaries: list[dict[str, Any]] = []
        self.credited: dict[int, Decimal] = defaultdict(lambda: ZERO)
        # The credit notes of the member being built: (day, total excluding VAT).
        self.credit_notes_of: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
        self._totals: dict[tuple[Any, ...], amounts.Totals] = {}
        self._simulated: dict[tuple[int, Decimal, Decimal], salary.SalaryResult | None] = {}

    # -- customers

    def customer(self, person: Person) -> dict[str, Any]:
        rng = self.rng
        if person.customers and (len(person.customers) >= 6 or rng.random() < 0.8):
            weights = [1 / (i + 1) for i in range(len(person.customers))]
            return rng.choices(person.customers, weights)[0]
        address, postal_code, city = rng.choice(self.pools.addresses)
        row: dict[str, Any] = {
            "id": self.keys.take(Customer),
            "activity_id": person.activity_id,
            "address": address,
            "postal_code": postal_code,
            "city": city,
            "country": "FR",
            "member_id": None,
            "created_at": _moment(self.start),
        }
        if rng.random() < person.trade.individuals:
            row |= {"kind": CustomerKind.INDIVIDUAL, "name": rng.choice(self.pools.people)}
        else:
            siret = _siret(rng)
            row |= {
                "kind": CustomerKind.COMPANY,
                "name": rng.choice(self.pools.companies),
                "siren": siret[:9],
                "siret": siret,
                "vat_number": (
                    identifiers.french_vat_number(siret[:9]) if rng.random() < 0.6 else ""
                ),
                "email": f"compta@{rng.choice(self.pools.domains)}",
            }
        person.customers.append(row)
        self.customers.append(row)
        return row

    # -- lines and documents

    def lines_for(self, person: Person, target: float) -> Chosen:
        """1 to 3 lines (sale, quantity, unit price) worth about `target` euros."""
        rng = self.rng
        count = rng.choices((1, 2, 3), (70, 22, 8))[0]
        chosen = []
        for _ in range(count):
            sale = rng.choice(person.trade.sales)
            level = rng.randrange(PRICE_LEVELS) / (PRICE_LEVELS - 1)
            price = Decimal(5 * round((sale.low + level * (sale.high - sale.low)) / 5) or sale.low)
            quantity = 1
            if sale.unit != "XPK":
                wanted = target / count / float(price)
                index = min(bisect.bisect_left(NICE_QUANTITIES, wanted), len(NICE_QUANTITIES) - 1)
                quantity = NICE_QUANTITIES[index]
            chosen.append((sale, Decimal(quantity), price))
        return chosen

    def totals(self, chosen: Chosen, kind: str = InvoiceKind.INVOICE) -> amounts.Totals:
        key = (kind, *((s.vat, s.exemption, q, p) for s, q, p in chosen))
        if key not in self._totals:
            code = (
                amounts.CREDIT_NOTE_TYPE_CODE
                if kind == InvoiceKind.CREDIT_NOTE
                else amounts.INVOICE_TYPE_CODE
            )
            lines = [
                amounts.Line(
                    quantity=q,
                    unit_price=p,
                    vat_rate=Decimal(s.vat),
                    exemption_reason=s.exemption,
                )
                for s, q, p in chosen
            ]
            self._totals[key] = amounts.compute_totals(lines, type_code=code)
        return self._totals[key]

    def line_rows(self, chosen: Chosen, totals: amounts.Totals, **document: Any) -> list[dict]:
        return [
            {
                "id": self.keys.take(DocumentLine),
                "estimate_id": None,
                "invoice_id": None,
                **document,
                "position": i + 1,
                "label": sale.label,
                "quantity": quantity,
                "unit": sale.unit,
                "unit_price": price,
                "discount": ZERO,
                "vat_rate": sale.vat,
                "exemption_reason": sale.exemption,
                "net": net,
            }
            for i, ((sale, quantity, price), net) in enumerate(
                zip(chosen, totals.line_nets, strict=True)
            )
        ]

    def document(
        self,
        *,
        activity_id: int,
        customer: dict[str, Any],
        subject: str,
        chosen: Chosen,
        day: dt.date | None,
        kind: str = InvoiceKind.INVOICE,
        corrects: Doc | None = None,
        internal: bool = False,
        deal_id: int | None = None,
        notes: str = "",
    ) -> Doc:
        totals = self.totals(chosen, kind)
        issued = day is not None
        key = self.keys.take(Invoice)
        row = {
            "id": key,
            "kind": kind,
            "activity_id": activity_id,
            "customer_id": customer["id"],
            "estimate_id": None,
            "corrects_id": corrects.row["id"] if corrects else None,
            "deal_id": deal_id,
            "internal": internal,
            "number": "",
            "subject": subject[:255],
            "issue_date": day,
            "due_date": (
                day + dt.timedelta(days=self.coop.payment_terms_days)
                if issued and kind == InvoiceKind.INVOICE
                else None
            ),
            "status": InvoiceStatus.ISSUED if issued else InvoiceStatus.DRAFT,
            "notes": notes,
            "total_net": totals.total_ht,
            "total_vat": totals.total_vat,
            "total_gross": totals.total_ttc,
            "paid": ZERO,
            "pdf": "",
            "created_at": _moment(day or self.today),
            "issued_at": _moment(day) if issued else None,
        }
        doc = Doc(row, self.line_rows(chosen, totals, invoice_id=key), totals, len(self.docs))
        (self.docs if issued else self.drafts).append(doc)
        return doc

    # -- one member's history

    def month_target(self, person: Person, first: dt.date) -> float:
        months_in = (first.year - person.entry.year) * 12 + first.month - person.entry.month
        ramp = min(1.0, 0.3 + 0.12 * max(months_in, 0))
        season = self.rng.uniform(0.6, 1.4)
        drop = 0.15 if person.drop_from is not None and first >= person.drop_from else 1.0
        return person.level * ramp * season * drop

    def person(self, person: Person) -> None:
        rng = self.rng
        counts, weights = zip(*INVOICES_A_MONTH, strict=True)
        results: dict[dt.date, tuple[Decimal, Decimal, Decimal]] = {}
        for month, last in self.months:
            spans = person.days_in(month, last)
            if not spans:
                continue
            target = self.month_target(person, month)
            count = rng.choices(counts, weights)[0]
            invoiced = sum(
                self.invoice(person, _day(rng, *rng.choice(spans)), target / count)
                for _ in range(count)
            )
            other, purchases = self.month_expenses(person, spans, invoiced)
            results[month] = (Decimal(str(round(invoiced, 2))), purchases, other)
        if person.demo:
            self.demo_shows_everything(person)
        for day, credited in self.credit_notes_of.pop(person.activity_id, []):
            month = day.replace(day=1)
            turnover, purchases, other = results[month]
            results[month] = (turnover - credited, purchases, other)
        self.salary(person, results)

    def invoice(self, person: Person, day: dt.date, target: float) -> float:
        rng = self.rng
        chosen = self.lines_for(person, target * rng.uniform(0.8, 1.2))
        doc = self.document(
            activity_id=person.activity_id,
            customer=self.customer(person),
            subject=chosen[0][0].label,
            chosen=chosen,
            day=day,
        )
        if rng.random() < ESTIMATED_SHARE:
            date = max(day - dt.timedelta(days=rng.randint(3, 25)), person.interval_start(day))
            estimate = self.estimate(person, doc.row["customer_id"], chosen, date, "invoiced")
            doc.row["estimate_id"] = estimate["id"]
        self.settle(doc, person)
        return float(doc.totals.total_ht)

    def estimate(
        self, person: Person, customer_id: int, chosen: Chosen, date: dt.date, status: str
    ) -> dict[str, Any]:
        totals = self.totals(chosen)
        key = self.keys.take(Estimate)
        row = {
            "id": key,
            "activity_id": person.activity_id,
            "customer_id": customer_id,
            "number": "",
            "subject": chosen[0][0].label,
            "date": date,
            "valid_until": date + dt.timedelta(days=30),
            "status": status,
            "notes": self.rng.choice(ESTIMATE_NOTES),
            "created_at": _moment(date),
        }
        self.estimates.append(row)
        self.estimate_lines.extend(self.line_rows(chosen, totals, estimate_id=key))
        return row

    def settle(self, doc: Doc, person: Person) -> None:
        """Payments (and now and then a credit note) of an issued invoice: most are paid
        within two months; a few late, in parts, or not yet (mostly the recent ones: the old
        ones end up paid, late)."""
        rng = self.rng
        row = doc.row
        age = (self.today - doc.day).days
        draw = rng.random()
        if draw < CREDITED_SHARE and age > 10:
            self.credit(doc, person)
            return
        late = draw < CREDITED_SHARE + UNPAID_SHARE + PARTLY_PAID_SHARE
        if late and rng.random() < STILL_UNPAID:
            return  # unpaid: overdue once past its due date
        delay = rng.randint(60, 200) if late else rng.randint(3, 55)
        paid_on = doc.day + dt.timedelta(days=delay)
        if age < 5 or paid_on > self.today:
            return
        if late and draw >= CREDITED_SHARE + UNPAID_SHARE:  # in two parts
            first = (row["total_gross"] * Decimal(rng.uniform(0.3, 0.7))).quantize(CENT)
            self.pay(row, doc.day + dt.timedelta(days=rng.randint(20, 50)), first)
            self.pay(row, paid_on, row["total_gross"] - first)
            return
        self.pay(row, paid_on, row["total_gross"])

    def pay(
        self, row: dict[str, Any], day: dt.date, amount: Decimal, internal: bool = False
    ) -> None:
        rng = self.rng
        method = PaymentMethod.INTERNAL if internal else rng.choice(TRANSFERS_MOSTLY)
        self.payments.append(
            {
                "id": self.keys.take(Payment),
                "invoice_id": row["id"],
                "date": day,
                "amount": amount,
                "method": method,
                "reference": f"VIR {day:%d%m}" if method == PaymentMethod.TRANSFER else "",
                "created_at": _moment(day),
            }
        )
        row["paid"] += amount
        if row["paid"] + self.credited[row["id"]] >= row["total_gross"]:
            row["status"] = InvoiceStatus.PAID

    def credit(self, doc: Doc, person: Person) -> None:
        """A credit note 5 to 30 days after the invoice: the whole of it, or its first line
        halved; the rest is then paid."""
        rng = self.rng
        row = doc.row
        day = min(doc.day + dt.timedelta(days=rng.randint(5, 30)), self.today)
        if not person.in_contract(day):
            return
        chosen = [
            (Sale(line["label"], line["unit"], 0, 0, line["vat_rate"], line["exemption_reason"]),
             line["quantity"], line["unit_price"])
            for line in doc.lines
        ]  # fmt: skip
        if rng.random() < 0.5:  # a part only
            sale, quantity, price = chosen[0]
            chosen = [(sale, max(Decimal(1), (quantity / 2).to_integral_value()), price)]
        note = self.document(
            activity_id=row["activity_id"],
            customer={"id": row["customer_id"]},
            subject=f"Avoir : {row['subject']}",
            chosen=chosen,
            day=day,
            kind=InvoiceKind.CREDIT_NOTE,
            corrects=doc,
            internal=row["internal"],
            notes=rng.choice(CREDIT_REASONS),
        )
        self.credited[row["id"]] += note.row["total_gross"]
        self.credit_notes_of[row["activity_id"]].append((day, note.row["total_net"]))
        left = row["total_gross"] - note.row["total_gross"]
        if left <= 0:
            row["status"] = InvoiceStatus.PAID  # settled by the credit note
            return
        paid_on = day + dt.timedelta(days=rng.randint(3, 30))
        if paid_on <= self.today:
            self.pay(row, paid_on, left)

    # -- expenses and salaries

    def month_expenses(
        self, person: Person, spans: list[tuple[dt.date, dt.date]], invoiced: float
    ) -> tuple[Decimal, Decimal]:
        """The month's everyday expenses and purchases; returns their amounts (other
        expenses, purchases of the gross margin)."""
        rng = self.rng
        other = purchases = ZERO
        if rng.random() < EXPENSES_A_MONTH:
            category, label, supplier, low, high = rng.choice(EXPENSES)
            amount = self.expense(person, spans, category, label, supplier, rng.randint(low, high))
            if category == ExpenseCategory.MISSION:
                purchases += amount
            else:
                other += amount
        if invoiced and person.trade.purchases >= 0.1:
            category = person.trade.purchase_category
            label, supplier = PURCHASE_LABELS[category]
            amount = invoiced * person.trade.purchases * rng.uniform(0.6, 1.4)
            if amount >= 5:
                purchases += self.expense(
                    person, spans, category, label, supplier, round(amount, 2)
                )
        return other, purchases

    def expense(
        self,
        person: Person,
        spans: list[tuple[dt.date, dt.date]],
        category: str,
        label: str,
        supplier: str,
        amount: float,
    ) -> Decimal:
        a, b = self.rng.choice(spans)
        day = _day(self.rng, a, b)
        net = Decimal(str(amount)).quantize(CENT)
        self.expenses.append(
            {
                "id": self.keys.take(Expense),
                "activity_id": person.activity_id,
                "date": day,
                "category": category,
                "supplier": supplier,
                "label": label,
                "amount_net": net,
                "vat": (net * Decimal("0.2")).quantize(CENT),
                "receipt": "",
                "internal_invoice_id": None,
                "created_at": _moment(day),
            }
        )
        return net

    def simulated(self, year: int, cost: Decimal, hours: Decimal) -> salary.SalaryResult | None:
        key = (year, cost, hours)
        if key not in self._simulated:
            try:
                self._simulated[key] = salary.simulate(year, employer_cost=cost, hours=hours)
            except ValueError:  # a year without payroll parameters
                self._simulated[key] = None
        return self._simulated[key]

    def salary(
        self, person: Person, results: dict[dt.date, tuple[Decimal, Decimal, Decimal]]
    ) -> None:
        """A salary for each month of CESA (or associate) before the current month: about
        what the activity's account holds once the contribution and costs are paid (the
        Coopaname rule, as the demo's accounts apply it), at one of a few levels."""
        rule = PRESETS[CONTRIBUTION_PRESET]
        running = paid = base = ZERO
        for month, last in self.months[:-1]:  # the current month is not paid yet
            if month.month == 1:
                paid = base = ZERO
            if month not in results:
                continue
            turnover, purchases, costs = results[month]
            margin = MonthFigures(turnover=turnover, resold_goods=purchases)
            contribution = contribution_for_month(rule, margin, paid, base)
            paid += contribution
            base += month_base(rule, margin).normal
            running += margin.gross_margin - contribution - costs
            if not any(a <= last and b >= month for a, b in person.salaried):
                continue
            level = max((c for c in SALARY_LEVELS if c <= running * SALARY_SHARE), default=None)
            if level is None:
                continue
            # Part time below a full-time cost of about 2,600 € (a quarter at least).
            hours = (salary.FULL_TIME_HOURS * min(4, max(1, round(level / 650))) / 4).quantize(CENT)
            result = self.simulated(month.year, level, hours)
            if result is None:
                continue
            running -= result.employer_cost
            self.salaries.append(
                {
                    "id": self.keys.take(SalaryEntry),
                    "activity_id": person.activity_id,
                    "month": month,
                    "employer_cost": result.employer_cost,
                    "gross": result.gross,
                    "net": result.net,
                    "hours": hours,
                    "created_at": _moment(last),
                }
            )

    # -- what is still open today

    def open_documents(self, person: Person) -> None:
        """Open estimates and now and then a draft invoice of a present member."""
        rng = self.rng
        if not person.present:
            return
        recent = max(self.today - dt.timedelta(days=60), person.contract[-1][0])
        count = int(OPEN_ESTIMATES + rng.random()) + (3 if person.demo else 0)
        statuses = (EstimateStatus.SENT, EstimateStatus.ACCEPTED, EstimateStatus.REFUSED)
        for index in range(count):
            status = statuses[index % 3] if person.demo else rng.choice(statuses)
            chosen = self.lines_for(person, person.level * rng.uniform(0.5, 1.5))
            day = _day(rng, recent, self.today)
            self.estimate(person, self.customer(person)["id"], chosen, day, status)
        if person.demo or rng.random() < DRAFT_SHARE:
            chosen = self.lines_for(person, person.level * 0.6)
            self.document(
                activity_id=person.activity_id,
                customer=self.customer(person),
                subject=chosen[0][0].label,
                chosen=chosen,
                day=None,
            )

    def demo_shows_everything(self, person: Person) -> None:
        """The demo login's activity shows an overdue invoice and a credit note."""
        mine = [
            d
            for d in self.docs
            if d.row["activity_id"] == person.activity_id and d.row["kind"] == InvoiceKind.INVOICE
        ]
        credited = {d.row["corrects_id"] for d in self.docs if d.row["corrects_id"]}
        plain = [d for d in mine if d.row["id"] not in credited]
        due = [d for d in plain if d.row["due_date"] < self.today]
        if due and not any(d.row["status"] == InvoiceStatus.ISSUED for d in due):
            self.unpay(due[-1].row)
        if not any(d.row["id"] in credited for d in mine):
            old = [d for d in plain if (self.today - d.day).days > 60]
            if old:
                self.unpay(old[0].row)
                self.credit(old[0], person)

    def unpay(self, row: dict[str, Any]) -> None:
        self.payments = [p for p in self.payments if p["invoice_id"] != row["id"]]
        row["paid"], row["status"] = ZERO, InvoiceStatus.ISSUED

    # -- internal invoices of the marketplace's deals

    def internal(self, people: list[Person]) -> None:
        """The provider's invoice to the buyer member of each done sub-contracting or internal
        purchase deal, issued on its end, and the buyer's purchase linked to it."""
        by_member = {p.member.pk: p for p in people}
        links = (
            DealProvider.objects.filter(
                deal__status=DealStatus.DONE,
                deal__kind__in=(DealKind.SUBCONTRACTING, DealKind.PURCHASE),
                deal__end_date__gte=self.start,
                deal__end_date__lte=self.today,
                amount__gt=0,
            )
            .order_by("deal_id", "member_id")
            .values_list(
                "deal_id", "deal__kind", "deal__title", "deal__buyer_id", "deal__end_date",
                "member_id", "amount",
            )
        )  # fmt: skip
        customers: dict[tuple[int, int], dict[str, Any]] = {}
        for deal_id, kind, title, buyer_id, day, member_id, amount in links:
            provider, buyer = by_member.get(member_id), by_member.get(buyer_id)
            if provider is None or buyer is None or provider is buyer:
                continue
            if not (provider.in_contract(day) and buyer.in_contract(day)):
                continue
            customer = customers.get((provider.activity_id, buyer_id))
            if customer is None:
                customer = {
                    "id": self.keys.take(Customer),
                    "activity_id": provider.activity_id,
                    "kind": CustomerKind.MEMBER,
                    "member_id": buyer_id,
                    "name": f"{buyer.activity_name} ({buyer.member})"[:200],
                    "postal_code": buyer.member.postal_code,
                    "city": buyer.member.city,
                    "country": "FR",
                    "email": buyer.member.email,
                    "created_at": _moment(day),
                }
                customers[(provider.activity_id, buyer_id)] = customer
                self.customers.append(customer)
            doc = self.document(
                activity_id=provider.activity_id,
                customer=customer,
                subject=title,
                chosen=[(Sale(title[:255], "XPK", 0, 0), Decimal(1), amount)],
                day=day,
                internal=True,
                deal_id=deal_id,
            )
            purchase = {
                "id": self.keys.take(Expense),
                "activity_id": buyer.activity_id,
                "date": day,
                "category": (
                    ExpenseCategory.SUBCONTRACTING
                    if kind == DealKind.SUBCONTRACTING
                    else ExpenseCategory.SERVICES
                ),
                "supplier": f"{provider.activity_name} ({provider.member})"[:200],
                "label": "",  # the invoice's number, once numbered
                "amount_net": doc.row["total_net"],
                "vat": doc.row["total_vat"],
                "receipt": "",
                "internal_invoice_id": doc.row["id"],
                "created_at": _moment(day),
            }
            self.expenses.append(purchase)
            self.internal_purchases.append((purchase, doc))
            paid_on = day + dt.timedelta(days=self.rng.randint(5, 20))
            if paid_on <= self.today:
                self.pay(doc.row, paid_on, doc.row["total_gross"], internal=True)

    # -- numbers and writing

    def number(self) -> dict[str, int]:
        """One chronological series without gaps: by issue date, then in the order built."""
        pattern = self.coop.numbering_pattern
        last: dict[str, int] = defaultdict(int)
        for doc in sorted(self.docs, key=lambda d: (d.day, d.order)):
            key = sequence_key(pattern, doc.day)
            last[key] += 1
            doc.row["number"] = format_number(pattern, day=doc.day, seq=last[key])
        for purchase, doc in self.internal_purchases:
            purchase["label"] = f"Facture interne {doc.row['number']} : {doc.row['subject']}"[:255]
        return dict(last)

    def estimate_numbers(self) -> None:
        """D-2026-0007: the activity's 7th estimate of the year, in date order."""
        rank: dict[tuple[int, int], int] = defaultdict(int)
        for row in sorted(self.estimates, key=lambda e: (e["activity_id"], e["date"], e["id"])):
            key = (row["activity_id"], row["date"].year)
            rank[key] += 1
            row["number"] = f"D-{key[1]}-{rank[key]:04d}"

    def write(self) -> None:
        sequences = self.number()
        self.estimate_numbers()
        documents = self.docs + self.drafts
        # Invoices before the credit notes that point at them.
        documents.sort(key=lambda d: d.row["kind"] == InvoiceKind.CREDIT_NOTE)
        insert(Customer, self.customers)
        insert(Estimate, self.estimates)
        insert(Invoice, [d.row for d in documents])
        insert(DocumentLine, self.estimate_lines + [line for d in documents for line in d.lines])
        insert(Payment, self.payments)
        insert(Expense, self.expenses)
        insert(SalaryEntry, self.salaries)
        reset_sequences([Customer, Estimate, Invoice, DocumentLine, Payment, Expense, SalaryEntry])
        for key, value in sequences.items():
            NumberSequence.objects.update_or_create(key=key, defaults={"last": value})


# ---------------------------------------------------------------- the step


def _cooperative(ctx: DemoContext) -> None:
    """The demo cooperative's identity, unless one is recorded already."""
    from django.conf import settings

    if Cooperative.objects.exists():
        return
    Cooperative.objects.create(
        name=settings.ESSAIM_COOPERATIVE_NAME,
        siren=DEMO_SIREN,
        siret=DEMO_SIREN + "00013",
        vat_number=identifiers.french_vat_number(DEMO_SIREN),
        rcs=f"RCS Bobigny {DEMO_SIREN}",
        address="12 rue des Abeilles",
        postal_code="93100",
        city="Montreuil",
        email="compta@demo.essaim.coop",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )


def _rules(start: dt.date) -> None:
    records = []
    for preset, valid_from in (
        ("coopaname_2010", dt.date(2003, 1, 1)),
        (CONTRIBUTION_PRESET, start),
    ):
        rule = PRESETS[preset]
        records.append(
            ContributionRuleRecord(
                name=rule.name,
                valid_from=valid_from,
                preset=preset,
                parameters=rule.to_parameters(),
            )
        )
    ContributionRuleRecord.objects.bulk_create(records)


def build_finance(ctx: DemoContext) -> None:
    if not ctx.members:
        return
    rng = ctx.stream("finance")
    start = dt.date(ctx.today.year - 1, 1, 1)
    _cooperative(ctx)
    _rules(start)
    people = read_people(ctx, rng, start)
    book = Book(ctx, rng, ctx.faker("finance"), start)
    for person in people:
        book.person(person)
    book.internal(people)
    for person in people:
        book.open_documents(person)
    book.write()
    ctx.extra_counts.update(
        customers=len(book.customers),
        invoices=sum(1 for d in book.docs if d.row["kind"] == InvoiceKind.INVOICE),
        credit_notes=sum(1 for d in book.docs if d.row["kind"] == InvoiceKind.CREDIT_NOTE),
        payments=len(book.payments),
        expenses=len(book.expenses),
        salaries=len(book.salaries),
    )


def reset_finance() -> None:
    """What the finance app holds (deleted before the marketplace and the members): documents
    and their lines, payments, expenses, salaries, customers, the number series and the
    contribution rules. The cooperative's identity stays."""
    Payment.objects.all().delete()
    Expense.objects.all().delete()
    DocumentLine.objects.all().delete()
    Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).delete()
    Invoice.objects.all().delete()
    Estimate.objects.all().delete()
    Customer.objects.all().delete()
    SalaryEntry.objects.all().delete()
    NumberSequence.objects.all().delete()
    ContributionRuleRecord.objects.all().delete()
