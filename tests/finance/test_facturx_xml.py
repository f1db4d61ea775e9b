"""The CII XML of issued invoices and credit notes: official schema, EN 16931 rules, content."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import facturx
import pytest
from lxml import etree

from essaim.finance import amounts, cii
from essaim.finance.facturx import FacturXError, build_cii_xml
from essaim.finance.models import DocumentLine, Invoice
from essaim.finance.services.documents import credit_note_create, invoice_issue
from tests.finance import invoicing_fixtures as fx
from tests.finance.facturx_checks import NS, en16931_errors, schematron_errors
from tests.finance.invoicing_fixtures import draft, issued, line

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
acme = fx.acme

EXEMPT = "Exonération de TVA, article 261-4-4° a du CGI"
FRANCHISE = "TVA non applicable, art. 293 B du CGI"


def text(xml: bytes, path: str) -> list[str]:
    return [node.text for node in etree.fromstring(xml).findall(path, NS)]


def attr(xml: bytes, path: str, name: str) -> list[str | None]:
    return [node.get(name) for node in etree.fromstring(xml).findall(path, NS)]


def assert_valid(xml: bytes) -> None:
    """Official XSD, the independent checker and the official schematron all accept it."""
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert en16931_errors(xml) == []
    assert schematron_errors(xml) == []


@pytest.fixture
def mixed(coop, alice_activity, acme) -> Invoice:
    """Lines at 20 %, 10 % (with a discount), 5.5 % and two exempt lines (two reasons)."""
    lines = [
        line(label="Journée de formation", quantity="3", unit="DAY", unit_price="450"),
        line(label="Heures de conseil", quantity="2.5", unit="HUR", unit_price="66.6666"),
        line(
            label="Repas",
            quantity="7",
            unit="C62",
            unit_price="13.37",
            discount="12.5",
            vat_rate="10",
        ),
        line(label="Livre", quantity="1", unit="C62", unit_price="21.99", vat_rate="5.5"),
        line(
            label="Formation professionnelle",
            quantity="1",
            unit="XPK",
            unit_price="800",
            vat_rate="0",
            exemption_reason=EXEMPT,
        ),
        line(
            label="Atelier",
            quantity="1",
            unit="XPK",
            unit_price="120",
            vat_rate="0",
            exemption_reason=FRANCHISE,
        ),
    ]
    return issued(alice_activity, acme, lines=lines)


def test_invoice_is_valid_en16931(mixed) -> None:
    xml = build_cii_xml(mixed)
    assert_valid(xml)
    assert text(
        xml, "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
    ) == ["urn:cen.eu:en16931:2017"]
    assert text(xml, "rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert text(xml, "rsm:ExchangedDocument/ram:ID") == [mixed.number]
    assert text(xml, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString") == ["20260302"]


def test_totals_are_the_frozen_ones(mixed) -> None:
    xml = build_cii_xml(mixed)
    sums = ".//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    assert text(xml, sums + "TaxBasisTotalAmount") == [f"{mixed.total_net:.2f}"]
    assert text(xml, sums + "TaxTotalAmount") == [f"{mixed.total_vat:.2f}"]
    assert attr(xml, sums + "TaxTotalAmount", "currencyID") == ["EUR"]
    assert text(xml, sums + "GrandTotalAmount") == [f"{mixed.total_gross:.2f}"]
    assert text(xml, sums + "TotalPrepaidAmount") == ["0.00"]
    assert text(xml, sums + "DuePayableAmount") == [f"{mixed.total_gross:.2f}"]
    nets = text(xml, ".//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount")
    assert nets == [f"{line.net:.2f}" for line in mixed.lines.all()]
    # Worked by hand: 1350 + 166.67 + (93.59 − 11.70) + 21.99 + 800 + 120.
    assert nets == ["1350.00", "166.67", "81.89", "21.99", "800.00", "120.00"]


def test_one_vat_group_per_rate_and_one_exempt_group(mixed) -> None:
    xml = build_cii_xml(mixed)
    tax = ".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:"
    assert text(xml, tax + "CategoryCode") == ["S", "S", "S", "E"]
    assert text(xml, tax + "RateApplicablePercent") == ["20.00", "10.00", "5.50", "0.00"]
    assert text(xml, tax + "BasisAmount") == ["1516.67", "81.89", "21.99", "920.00"]
    assert text(xml, tax + "CalculatedAmount") == ["303.33", "8.19", "1.21", "0.00"]
    assert text(xml, tax + "ExemptionReason") == [f"{EXEMPT} ; {FRANCHISE}"]


def test_lines_carry_quantity_unit_price_category_and_discount(mixed) -> None:
    xml = build_cii_xml(mixed)
    item = ".//ram:IncludedSupplyChainTradeLineItem/"
    assert text(xml, item + "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity") == [
        "3",
        "2.5",
        "7",
        "1",
        "1",
        "1",
    ]
    assert attr(xml, item + "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", "unitCode") == [
        "DAY",
        "HUR",
        "C62",
        "C62",
        "XPK",
        "XPK",
    ]
    assert text(
        xml, item + "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount"
    ) == ["450.00", "66.6666", "13.37", "21.99", "800.00", "120.00"]
    assert text(
        xml, item + "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode"
    ) == ["S", "S", "S", "S", "E", "E"]
    allowance = item + "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:"
    assert text(xml, allowance + "CalculationPercent") == ["12.50"]
    assert text(xml, allowance + "BasisAmount") == ["93.59"]
    assert text(xml, allowance + "ActualAmount") == ["11.70"]
    assert text(xml, allowance + "Reason") == ["Remise"]


def test_seller_is_the_cooperative_with_the_activity_as_trading_name(mixed, coop) -> None:
    coop.rcs = "Bobigny"
    coop.iban = "FR76 3000 6000 0112 3456 7890 189"
    coop.bic = "AGRIFRPP"
    coop.email = "factures@essaim.example"
    coop.save()
    xml = build_cii_xml(mixed)
    assert_valid(xml)
    seller = ".//ram:SellerTradeParty/"
    assert text(xml, seller + "ram:Name") == ["Coopérative Essaim"]
    assert text(xml, seller + "ram:Description") == ["SCOP SA à capital variable, RCS Bobigny"]
    assert text(xml, seller + "ram:SpecifiedLegalOrganization/ram:ID") == ["303265045"]
    assert attr(xml, seller + "ram:SpecifiedLegalOrganization/ram:ID", "schemeID") == ["0002"]
    assert text(xml, seller + "ram:SpecifiedLegalOrganization/ram:TradingBusinessName") == [
        "Atelier Alice"
    ]
    assert text(xml, seller + "ram:SpecifiedTaxRegistration/ram:ID") == ["FR40303265045"]
    assert text(xml, seller + "ram:PostalTradeAddress/ram:CityName") == ["Montreuil"]
    assert text(xml, seller + "ram:URIUniversalCommunication/ram:URIID") == [
        "factures@essaim.example"
    ]
    means = ".//ram:SpecifiedTradeSettlementPaymentMeans/"
    assert text(xml, means + "ram:TypeCode") == ["58"]
    assert text(xml, means + "ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == [
        "FR7630006000011234567890189"
    ]
    assert text(xml, means + "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID") == [
        "AGRIFRPP"
    ]


def test_no_payment_means_without_an_iban(mixed) -> None:
    xml = build_cii_xml(mixed)
    assert text(xml, ".//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == []


def test_buyer_identifiers(coop, alice_activity) -> None:
    customer = fx.company(alice_activity, vat_number="FR44732829320", siret=fx.SIRET)
    xml = build_cii_xml(issued(alice_activity, customer))
    assert_valid(xml)
    buyer = ".//ram:BuyerTradeParty/"
    assert text(xml, buyer + "ram:Name") == ["ACME SAS"]
    assert text(xml, buyer + "ram:GlobalID") == [fx.SIRET]
    assert attr(xml, buyer + "ram:GlobalID", "schemeID") == ["0009"]
    assert text(xml, buyer + "ram:SpecifiedLegalOrganization/ram:ID") == [fx.SIRET[:9]]
    assert text(xml, buyer + "ram:SpecifiedTaxRegistration/ram:ID") == ["FR44732829320"]
    assert text(xml, buyer + "ram:PostalTradeAddress/ram:PostcodeCode") == ["75010"]


def test_payment_terms_due_date_and_legal_notes(mixed) -> None:
    xml = build_cii_xml(mixed)
    terms = ".//ram:SpecifiedTradePaymentTerms/"
    assert text(xml, terms + "ram:DueDateDateTime/udt:DateTimeString") == ["20260401"]
    assert text(xml, terms + "ram:Description") == [
        "Paiement à 30 jours, au plus tard le 01/04/2026."
    ]
    notes = dict(
        zip(
            text(xml, ".//ram:IncludedNote/ram:SubjectCode"),
            text(xml, ".//ram:IncludedNote/ram:Content"),
            strict=True,
        )
    )
    assert "Atelier Alice" in notes["AAI"] and "Coopérative Essaim" in notes["AAI"]
    assert notes["AAB"] == "Pas d'escompte pour paiement anticipé."
    assert "trois fois le taux d'intérêt légal" in notes["PMD"]
    assert "L441-10" in notes["PMD"]
    assert "de 40 € (articles" in notes["PMT"] and "D441-5" in notes["PMT"]
    assert text(xml, ".//ram:IncludedNote[ram:SubjectCode='TXD']/ram:Content") == [
        f"{EXEMPT} ; {FRANCHISE}"
    ]


def test_no_recovery_indemnity_for_an_individual(coop, alice_activity) -> None:
    person = fx.company(alice_activity, kind="individual", name="Jeanne Client", siret="")
    xml = build_cii_xml(issued(alice_activity, person))
    assert_valid(xml)
    codes = text(xml, ".//ram:IncludedNote/ram:SubjectCode")
    assert "PMT" not in codes
    assert {"AAB", "PMD"} <= set(codes)


def test_exempt_only_invoice(coop, alice_activity, acme) -> None:
    lines = [line(vat_rate="0", exemption_reason=FRANCHISE)]
    xml = build_cii_xml(issued(alice_activity, acme, lines=lines))
    assert_valid(xml)
    tax = ".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:"
    assert text(xml, tax + "CategoryCode") == ["E"]
    assert text(xml, tax + "ExemptionReason") == [FRANCHISE]
    assert text(xml, ".//ram:TaxTotalAmount") == ["0.00"]


def test_credit_note_references_the_invoice(mixed) -> None:
    note = credit_note_create(
        actor=None,
        invoice=mixed,
        lines=[line(label="Journée annulée", quantity="1", unit_price="450")],
        reason="Une journée annulée",
    )
    note = invoice_issue(actor=None, invoice=note, issue_date=dt.date(2026, 3, 9), render_pdf=False)
    xml = build_cii_xml(note)
    assert_valid(xml)
    assert text(xml, "rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    reference = ".//ram:InvoiceReferencedDocument/"
    assert text(xml, reference + "ram:IssuerAssignedID") == [mixed.number]
    assert text(xml, reference + "ram:FormattedIssueDateTime/qdt:DateTimeString") == ["20260302"]
    # Positive amounts: the type code makes it a credit.
    assert text(xml, ".//ram:GrandTotalAmount") == ["540.00"]
    assert text(xml, ".//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime") == []
    assert "2026-000001" in text(xml, ".//ram:SpecifiedTradePaymentTerms/ram:Description")[0]
    contents = text(xml, ".//ram:IncludedNote/ram:Content")
    assert "Motif : Une journée annulée" in contents
    assert "PMT" not in text(xml, ".//ram:IncludedNote/ram:SubjectCode")


def test_draft_is_refused(coop, alice_activity, acme) -> None:
    with pytest.raises(FacturXError, match="brouillon"):
        build_cii_xml(draft(alice_activity, acme))


def test_totals_changed_after_issue_are_refused(mixed) -> None:
    DocumentLine.objects.filter(invoice=mixed, position=1).update(quantity=Decimal("4"))
    mixed.refresh_from_db()
    with pytest.raises(FacturXError, match="ne correspondent pas à ses lignes"):
        build_cii_xml(mixed)


def test_incomplete_cooperative_is_refused(coop, alice_activity, acme) -> None:
    invoice = issued(alice_activity, acme)
    coop.vat_number = ""
    coop.save()
    with pytest.raises(FacturXError, match="n° de TVA intracommunautaire"):
        build_cii_xml(invoice)


def test_missing_cooperative_is_refused(db, alice_activity, acme) -> None:
    invoice = issued(alice_activity, acme)
    with pytest.raises(FacturXError, match="identité de la coopérative"):
        build_cii_xml(invoice)


# ---------------------------------------------------------------------------------------------
# The checkers themselves can fail


@pytest.mark.parametrize(
    ("path", "value", "rule"),
    [
        (
            ".//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:LineTotalAmount",
            "1.00",
            "BR-CO-10",
        ),
        (".//ram:TaxBasisTotalAmount", "1.00", "BR-CO-13"),
        (".//ram:TaxTotalAmount", "1.00", "BR-CO-14"),
        (".//ram:GrandTotalAmount", "1.00", "BR-CO-15"),
        (".//ram:DuePayableAmount", "1.00", "BR-CO-16"),
        (
            ".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:BasisAmount",
            "1.00",
            "BR-S-08",
        ),
        (
            ".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:ExemptionReason",
            None,
            "BR-E-10",
        ),
    ],
)
def test_checkers_catch_a_broken_total(mixed, path, value, rule) -> None:
    root = etree.fromstring(build_cii_xml(mixed))
    node = root.findall(path, NS)[0]
    if value is None:
        node.getparent().remove(node)
    else:
        node.text = value
    broken = etree.tostring(root)
    assert any(error.startswith(rule) for error in en16931_errors(broken)), rule
    assert any(rule in error for error in schematron_errors(broken)), rule


def test_checker_knows_zero_rated_groups() -> None:
    """France has no zero rate (0 % lines are exemptions, category E), so the application
    never writes a Z group; the checker still applies BR-Z-* to one built by hand."""
    document = cii.CiiDocument(
        number="T-1",
        type_code=amounts.INVOICE_TYPE_CODE,
        issue_date=dt.date(2026, 3, 2),
        seller=cii.Party(name="S", siren="303265045", vat_number="FR40303265045"),
        buyer=cii.Party(name="B"),
        lines=(
            cii.DocumentLine(
                "x", Decimal("1"), "C62", Decimal("10"), vat_rate=Decimal("0"), exemption_reason="r"
            ),
        ),
        payment_terms="30 jours",
    )
    root = etree.fromstring(cii.build_xml(document))
    for node in root.iter(f"{{{NS['ram']}}}CategoryCode"):
        node.text = "Z"
    assert "BR-Z-10 : motif d'exonération sur un groupe Z" in en16931_errors(etree.tostring(root))
    reason = root.find(
        ".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:ExemptionReason", NS
    )
    reason.getparent().remove(reason)
    assert en16931_errors(etree.tostring(root)) == []
    root.find(
        ".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CalculatedAmount", NS
    ).text = "1.00"
    assert any(e.startswith("BR-Z-09") for e in en16931_errors(etree.tostring(root)))
