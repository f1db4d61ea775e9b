"""Cross Industry Invoice (UN/CEFACT CII D16B) XML of an invoice or credit note, profile
EN 16931: the XML a Factur-X PDF carries.

    document = CiiDocument(number="2026-000001", type_code="380", ...)
    xml_bytes = build_xml(document)

Pure Python and lxml, no Django: the caller (essaim.finance.facturx) turns an issued invoice
into a `CiiDocument`; every amount comes from essaim.finance.amounts, the arithmetic is never
redone here.

What goes where (EN 16931 business terms, BT-n)
-----------------------------------------------
- Document: number (BT-1), type code 380 invoice / 381 credit note (BT-3), issue date (BT-2),
  notes with their UNTDID 4451 subject codes (BG-1: AAB discount terms, PMD late-payment
  penalties, PMT the recovery indemnity, TXD tax mentions, AAI general information).
- Seller: the cooperative (BT-27), its SIREN as legal registration (BT-30, scheme 0002), the
  activity's name as trading name (BT-28), its legal form and registration as additional legal
  information (BT-33), address (BG-5), e-mail (BT-34), VAT number (BT-31).
- Buyer: the customer (BT-44), SIRET as identifier (BT-46, scheme 0009), SIREN as legal
  registration (BT-47, scheme 0002), address (BG-8), e-mail (BT-49), VAT number (BT-48).
- Lines (BG-25): quantity and unit (BT-129, BT-130), net price (BT-146), the discount as a line
  allowance (BG-27), VAT category and rate (BT-151, BT-152), line net (BT-131).
- Settlement: payment reference (BT-83), currency EUR (BT-5), payment means (BG-16: 58, SEPA
  credit transfer, with the IBAN), VAT breakdown (BG-23), payment terms and due date (BT-20,
  BT-9), totals (BG-22), the corrected invoice of a credit note (BG-3).

A VAT breakdown holds exactly one group per category for the categories at 0 % (BR-E-01,
BR-AE-01, BR-K-01, BR-G-01): lines exempt for different reasons share one "E" group whose
reason lists them all (their VAT is 0, so merging changes no amount).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from essaim.finance import amounts

GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"
CURRENCY = "EUR"
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
SCHEME_SIREN = "0002"  # ISO 6523 ICD of the French SIREN
SCHEME_SIRET = "0009"  # ISO 6523 ICD of the French SIRET
SCHEME_EMAIL = "EM"  # electronic address scheme: e-mail
PAYMENT_SEPA_TRANSFER = "58"  # UNTDID 4461
DISCOUNT_REASON_CODE = "95"  # UNTDID 5189: discount


@dataclass(frozen=True)
class Party:
    """A seller or buyer: name, identifiers, address."""

    name: str
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FR"
    siren: str = ""  # legal registration (BT-30 / BT-47), scheme 0002
    siret: str = ""  # party identifier (BT-29 / BT-46), scheme 0009
    vat_number: str = ""  # BT-31 / BT-48
    email: str = ""  # electronic address (BT-34 / BT-49)
    trading_name: str = ""  # BT-28 (the seller's enseigne)
    legal_info: str = ""  # BT-33 (the seller's legal form, capital, RCS)


@dataclass(frozen=True)
class DocumentLine:
    """A line as stored: what the amounts module computes from, plus label and unit."""

    label: str
    quantity: Decimal
    unit: str  # UN/ECE Recommendation 20 code (HUR, DAY, C62...)
    unit_price: Decimal
    discount: Decimal = Decimal("0")
    vat_rate: Decimal = Decimal("20")
    exemption_reason: str = ""
    vat_category: str = ""  # for a 0 % line: E (default), AE, K, G

    def amount_line(self) -> amounts.Line:
        return amounts.Line(
            quantity=self.quantity,
            unit_price=self.unit_price,
            discount=self.discount,
            vat_rate=self.vat_rate,
            exemption_reason=self.exemption_reason,
            vat_category=self.vat_category,
        )


@dataclass(frozen=True)
class Note:
    subject_code: str  # UNTDID 4451
    text: str


@dataclass(frozen=True)
class CiiDocument:
    """Everything an EN 16931 invoice or credit note says, in plain data."""

    number: str
    type_code: str  # amounts.INVOICE_TYPE_CODE or amounts.CREDIT_NOTE_TYPE_CODE
    issue_date: dt.date
    seller: Party
    buyer: Party
    lines: tuple[DocumentLine, ...]
    payment_terms: str
    due_date: dt.date | None = None
    notes: tuple[Note, ...] = ()
    iban: str = ""
    bic: str = ""
    paid: Decimal = Decimal("0")  # BT-113, paid before the document was issued
    preceding_number: str = ""  # BT-25: the invoice a credit note corrects
    preceding_date: dt.date | None = None  # BT-26
    subject: str = ""

    def totals(self) -> amounts.Totals:
        """The document's amounts (raises amounts.AmountError on bad lines)."""
        return amounts.compute_totals(
            [line.amount_line() for line in self.lines], self.paid, type_code=self.type_code
        )


@dataclass(frozen=True)
class TaxGroup:
    """One VAT breakdown group (BG-23) as written: one per rate for S, one per category at
    0 %, the reasons of that category joined."""

    category: str
    rate: Decimal
    base: Decimal
    vat: Decimal
    exemption_reason: str = ""
    reasons: tuple[str, ...] = field(default=())


def tax_groups(totals: amounts.Totals) -> tuple[TaxGroup, ...]:
    """The breakdown of `totals` with the groups at 0 % of one category merged (BR-E-01)."""
    merged: dict[tuple[str, Decimal], list[amounts.VatBreakdown]] = {}
    for group in totals.breakdown:
        key = (group.category, group.rate if group.category == amounts.STANDARD else Decimal(0))
        merged.setdefault(key, []).append(group)
    result = []
    for (category, rate), groups in merged.items():
        reasons = tuple(dict.fromkeys(g.exemption_reason for g in groups if g.exemption_reason))
        result.append(
            TaxGroup(
                category=category,
                rate=rate,
                base=sum((g.base for g in groups), amounts.ZERO),
                # The groups' VAT as amounts rounded it: several groups only at 0 % (VAT 0).
                vat=sum((g.vat for g in groups), amounts.ZERO),
                exemption_reason=" ; ".join(reasons),
                reasons=reasons,
            )
        )
    return tuple(result)


# ---------------------------------------------------------------------------------------------
# Writing


def _amount(value: Decimal) -> str:
    """An amount to the cent: 1350 → "1350.00" (BR-DEC: 2 decimals at most)."""
    return f"{amounts.round_cent(value):.2f}"


def _number(value: Decimal, minimum_decimals: int = 0) -> str:
    """A quantity or price without useless zeros: 3.000 → "3", 12.3400 → "12.34"."""
    text = format(value.normalize(), "f")
    whole, _, decimals = text.partition(".")
    decimals = decimals.ljust(minimum_decimals, "0")
    return f"{whole}.{decimals}" if decimals else whole


def _percent(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _date(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


class _Writer:
    """Small helpers over lxml's SubElement with the CII namespaces."""

    def __init__(self) -> None:
        self.root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)

    @staticmethod
    def el(
        parent: etree._Element, tag: str, text: str | None = None, **attributes: str
    ) -> etree._Element:
        prefix, name = tag.split(":")
        node = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", attributes)
        if text is not None:
            node.text = text
        return node

    def date(self, parent: etree._Element, tag: str, value: dt.date, kind: str = "udt") -> None:
        holder = self.el(parent, tag)
        self.el(holder, f"{kind}:DateTimeString", _date(value), format="102")


def _party(w: _Writer, parent: etree._Element, tag: str, party: Party) -> None:
    node = w.el(parent, tag)
    if party.siret:
        w.el(node, "ram:GlobalID", party.siret, schemeID=SCHEME_SIRET)
    w.el(node, "ram:Name", party.name)
    if party.legal_info:
        w.el(node, "ram:Description", party.legal_info)
    if party.siren or party.trading_name:
        legal = w.el(node, "ram:SpecifiedLegalOrganization")
        if party.siren:
            w.el(legal, "ram:ID", party.siren, schemeID=SCHEME_SIREN)
        if party.trading_name:
            w.el(legal, "ram:TradingBusinessName", party.trading_name)
    address = w.el(node, "ram:PostalTradeAddress")
    if party.postal_code:
        w.el(address, "ram:PostcodeCode", party.postal_code)
    if party.address:
        w.el(address, "ram:LineOne", party.address)
    if party.city:
        w.el(address, "ram:CityName", party.city)
    w.el(address, "ram:CountryID", party.country or "FR")
    if party.email:
        uri = w.el(node, "ram:URIUniversalCommunication")
        w.el(uri, "ram:URIID", party.email, schemeID=SCHEME_EMAIL)
    if party.vat_number:
        registration = w.el(node, "ram:SpecifiedTaxRegistration")
        w.el(registration, "ram:ID", party.vat_number, schemeID="VA")


def _line(
    w: _Writer, parent: etree._Element, index: int, line: DocumentLine, totals: amounts.Totals
) -> None:
    amount_line = line.amount_line()
    item = w.el(parent, "ram:IncludedSupplyChainTradeLineItem")
    document = w.el(item, "ram:AssociatedDocumentLineDocument")
    w.el(document, "ram:LineID", str(index + 1))
    product = w.el(item, "ram:SpecifiedTradeProduct")
    w.el(product, "ram:Name", line.label)
    agreement = w.el(item, "ram:SpecifiedLineTradeAgreement")
    price = w.el(agreement, "ram:NetPriceProductTradePrice")
    w.el(price, "ram:ChargeAmount", _number(line.unit_price, 2))
    delivery = w.el(item, "ram:SpecifiedLineTradeDelivery")
    w.el(delivery, "ram:BilledQuantity", _number(line.quantity), unitCode=line.unit)
    settlement = w.el(item, "ram:SpecifiedLineTradeSettlement")
    tax = w.el(settlement, "ram:ApplicableTradeTax")
    w.el(tax, "ram:TypeCode", "VAT")
    w.el(tax, "ram:CategoryCode", amounts.vat_category(amount_line))
    w.el(tax, "ram:RateApplicablePercent", _percent(line.vat_rate))
    allowance = totals.line_allowances[index] if totals.line_allowances else amounts.ZERO
    if allowance:
        charge = w.el(settlement, "ram:SpecifiedTradeAllowanceCharge")
        indicator = w.el(charge, "ram:ChargeIndicator")
        w.el(indicator, "udt:Indicator", "false")
        w.el(charge, "ram:CalculationPercent", _percent(line.discount))
        w.el(charge, "ram:BasisAmount", _amount(amounts.line_gross(amount_line)))
        w.el(charge, "ram:ActualAmount", _amount(allowance))
        w.el(charge, "ram:ReasonCode", DISCOUNT_REASON_CODE)
        w.el(charge, "ram:Reason", "Remise")
    summation = w.el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    w.el(summation, "ram:LineTotalAmount", _amount(totals.line_nets[index]))


def _settlement(
    w: _Writer, parent: etree._Element, doc: CiiDocument, totals: amounts.Totals
) -> None:
    node = w.el(parent, "ram:ApplicableHeaderTradeSettlement")
    w.el(node, "ram:PaymentReference", doc.number)
    w.el(node, "ram:InvoiceCurrencyCode", CURRENCY)
    if doc.iban:
        means = w.el(node, "ram:SpecifiedTradeSettlementPaymentMeans")
        w.el(means, "ram:TypeCode", PAYMENT_SEPA_TRANSFER)
        w.el(means, "ram:Information", "Virement SEPA")
        account = w.el(means, "ram:PayeePartyCreditorFinancialAccount")
        w.el(account, "ram:IBANID", doc.iban)
        if doc.bic:
            bank = w.el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
            w.el(bank, "ram:BICID", doc.bic)
    for group in tax_groups(totals):
        tax = w.el(node, "ram:ApplicableTradeTax")
        w.el(tax, "ram:CalculatedAmount", _amount(group.vat))
        w.el(tax, "ram:TypeCode", "VAT")
        if group.category != amounts.STANDARD:
            w.el(tax, "ram:ExemptionReason", group.exemption_reason)
        w.el(tax, "ram:BasisAmount", _amount(group.base))
        w.el(tax, "ram:CategoryCode", group.category)
        w.el(tax, "ram:RateApplicablePercent", _percent(group.rate))
    terms = w.el(node, "ram:SpecifiedTradePaymentTerms")
    w.el(terms, "ram:Description", doc.payment_terms)
    if doc.due_date is not None:
        w.date(terms, "ram:DueDateDateTime", doc.due_date)
    sums = w.el(node, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    w.el(sums, "ram:LineTotalAmount", _amount(totals.sum_of_line_nets))
    # No document-level allowance or charge: the total without VAT is the lines' sum.
    w.el(sums, "ram:TaxBasisTotalAmount", _amount(totals.total_ht))
    w.el(sums, "ram:TaxTotalAmount", _amount(totals.total_vat), currencyID=CURRENCY)
    w.el(sums, "ram:GrandTotalAmount", _amount(totals.total_ttc))
    w.el(sums, "ram:TotalPrepaidAmount", _amount(totals.paid))
    w.el(sums, "ram:DuePayableAmount", _amount(totals.amount_due))
    if doc.preceding_number:
        reference = w.el(node, "ram:InvoiceReferencedDocument")
        w.el(reference, "ram:IssuerAssignedID", doc.preceding_number)
        if doc.preceding_date is not None:
            w.date(reference, "ram:FormattedIssueDateTime", doc.preceding_date, kind="qdt")


def build_xml(doc: CiiDocument, totals: amounts.Totals | None = None) -> bytes:
    """The CII XML (UTF-8, with its declaration) of `doc`; `totals`: doc.totals() when given
    already (the caller checked them)."""
    if totals is None:
        totals = doc.totals()
    if doc.type_code == amounts.CREDIT_NOTE_TYPE_CODE and not doc.preceding_number:
        raise ValueError("un avoir (381) cite la facture qu'il corrige")
    w = _Writer()
    context = w.el(w.root, "rsm:ExchangedDocumentContext")
    guideline = w.el(context, "ram:GuidelineSpecifiedDocumentContextParameter")
    w.el(guideline, "ram:ID", GUIDELINE_EN16931)

    header = w.el(w.root, "rsm:ExchangedDocument")
    w.el(header, "ram:ID", doc.number)
    w.el(header, "ram:TypeCode", doc.type_code)
    w.date(header, "ram:IssueDateTime", doc.issue_date)
    for note in doc.notes:
        included = w.el(header, "ram:IncludedNote")
        w.el(included, "ram:Content", note.text)
        w.el(included, "ram:SubjectCode", note.subject_code)

    transaction = w.el(w.root, "rsm:SupplyChainTradeTransaction")
    for index, line in enumerate(doc.lines):
        _line(w, transaction, index, line, totals)
    agreement = w.el(transaction, "ram:ApplicableHeaderTradeAgreement")
    _party(w, agreement, "ram:SellerTradeParty", doc.seller)
    _party(w, agreement, "ram:BuyerTradeParty", doc.buyer)
    w.el(transaction, "ram:ApplicableHeaderTradeDelivery")
    _settlement(w, transaction, doc, totals)
    return etree.tostring(w.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
