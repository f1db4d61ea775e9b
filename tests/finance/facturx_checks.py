"""Independent checks of Factur-X output, for the tests.

- `en16931_errors(xml)`: a small checker of the EN 16931 business rules on totals and VAT,
  written from the norm's rule texts and reading nothing but the XML (not the application's
  arithmetic): BR-CO-10, -13, -14, -15, -16, -17, BR-S-08/-09, BR-E-01/-05/-08/-09/-10,
  BR-Z-01/-05/-08/-09/-10, and that each line net is quantity × net price − its allowances.
- `schematron_errors(xml)`: the official Factur-X EN 16931 schematron (shipped, compiled to
  XSLT 2.0, inside the `factur-x` package), run by SaxonC-HE.
- `pdfa_report(pdf)`: the PDF/A-3 facts a validator looks at first (output intent, embedded
  fonts, XMP identification, information dictionary matching the XMP, the attachment).
"""

from __future__ import annotations

import functools
import importlib.resources
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import Any

from lxml import etree

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
CENT = Decimal("0.01")
SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
SUMS = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _dec(node: Any, path: str) -> Decimal:
    found = node.find(path, NS)
    assert found is not None, f"élément absent : {path}"
    return Decimal(found.text)


def _opt(node: Any, path: str) -> Decimal:
    found = node.find(path, NS)
    return Decimal(found.text) if found is not None else Decimal(0)


def en16931_errors(xml: bytes) -> list[str]:
    """The EN 16931 rules on amounts and VAT that `xml` breaks (empty: none)."""
    root = etree.fromstring(xml)
    errors: list[str] = []
    lines = root.findall(".//ram:IncludedSupplyChainTradeLineItem", NS)
    line_nets = Decimal(0)
    by_category: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    for line in lines:
        settlement = line.find("ram:SpecifiedLineTradeSettlement", NS)
        net = _dec(
            settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"
        )
        line_nets += net
        quantity = _dec(line, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
        price = _dec(
            line, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount"
        )
        allowances = sum(
            (
                Decimal(charge.findtext("ram:ActualAmount", namespaces=NS))
                * (
                    1
                    if charge.findtext("ram:ChargeIndicator/udt:Indicator", namespaces=NS) == "true"
                    else -1
                )
                for charge in settlement.findall("ram:SpecifiedTradeAllowanceCharge", NS)
            ),
            Decimal(0),
        )
        if abs(quantity * price + allowances - net) > Decimal("0.005"):
            errors.append(f"ligne : {quantity} × {price} {allowances:+} ≠ {net}")
        category = settlement.findtext("ram:ApplicableTradeTax/ram:CategoryCode", namespaces=NS)
        rate = _dec(settlement, "ram:ApplicableTradeTax/ram:RateApplicablePercent")
        if category in ("E", "Z") and rate != 0:
            errors.append(f"BR-{category}-05 : ligne {category} au taux {rate}")
        by_category[(category, rate)] += net

    sums = root.find(SUMS, NS)
    line_total = _dec(sums, "ram:LineTotalAmount")
    allowance_total = _opt(sums, "ram:AllowanceTotalAmount")
    charge_total = _opt(sums, "ram:ChargeTotalAmount")
    basis_total = _dec(sums, "ram:TaxBasisTotalAmount")
    tax_nodes = sums.findall("ram:TaxTotalAmount", NS)
    tax_total = Decimal(tax_nodes[0].text) if tax_nodes else Decimal(0)
    grand_total = _dec(sums, "ram:GrandTotalAmount")
    prepaid = _opt(sums, "ram:TotalPrepaidAmount")
    rounding = _opt(sums, "ram:RoundingAmount")
    due = _dec(sums, "ram:DuePayableAmount")
    currency = root.findtext(f"{SETTLEMENT}/ram:InvoiceCurrencyCode", namespaces=NS)
    if not tax_nodes or tax_nodes[0].get("currencyID") != currency:
        errors.append("BR-53 : TaxTotalAmount sans currencyID égal à la devise de la facture")

    if line_total != line_nets:
        errors.append(f"BR-CO-10 : LineTotalAmount {line_total} ≠ Σ lignes {line_nets}")
    if basis_total != line_total - allowance_total + charge_total:
        errors.append(
            f"BR-CO-13 : TaxBasisTotalAmount {basis_total} ≠ {line_total} − remises + frais"
        )
    groups = root.findall(f"{SETTLEMENT}/ram:ApplicableTradeTax", NS)
    group_vat = sum((_dec(g, "ram:CalculatedAmount") for g in groups), Decimal(0))
    if tax_total != group_vat:
        errors.append(f"BR-CO-14 : TaxTotalAmount {tax_total} ≠ Σ TVA par taux {group_vat}")
    if grand_total != basis_total + tax_total:
        errors.append(f"BR-CO-15 : GrandTotalAmount {grand_total} ≠ {basis_total} + {tax_total}")
    if due != grand_total - prepaid + rounding:
        errors.append(f"BR-CO-16 : DuePayableAmount {due} ≠ {grand_total} − {prepaid}")

    seen: dict[str, int] = defaultdict(int)
    for group in groups:
        category = group.findtext("ram:CategoryCode", namespaces=NS)
        rate = _dec(group, "ram:RateApplicablePercent")
        base = _dec(group, "ram:BasisAmount")
        vat = _dec(group, "ram:CalculatedAmount")
        reason = (group.findtext("ram:ExemptionReason", namespaces=NS) or "").strip()
        reason_code = (group.findtext("ram:ExemptionReasonCode", namespaces=NS) or "").strip()
        seen[category] += 1
        if vat != _round(base * rate / 100):
            errors.append(f"BR-CO-17 : TVA {vat} ≠ {base} × {rate} %")
        expected = by_category.get((category, rate), Decimal(0))
        if category == "S":
            if base != expected:
                errors.append(f"BR-S-08 : base à {rate} % {base} ≠ Σ lignes {expected}")
            if vat != _round(base * rate / 100):
                errors.append(f"BR-S-09 : TVA à {rate} % {vat} ≠ {base} × {rate} %")
            if reason or reason_code:
                errors.append("BR-S-10 : motif d'exonération sur un groupe S")
        elif category in ("E", "Z"):
            if base != expected:
                errors.append(f"BR-{category}-08 : base {category} {base} ≠ Σ lignes {expected}")
            if vat != 0:
                errors.append(f"BR-{category}-09 : TVA {category} non nulle ({vat})")
            if category == "E" and not (reason or reason_code):
                errors.append("BR-E-10 : groupe E sans motif d'exonération")
            if category == "Z" and (reason or reason_code):
                errors.append("BR-Z-10 : motif d'exonération sur un groupe Z")
    for category in ("E", "Z"):
        has_lines = any(c == category for c, _r in by_category)
        if has_lines and seen[category] != 1:
            errors.append(
                f"BR-{category}-01 : {seen[category]} groupes {category} (un seul attendu)"
            )
    for category, rate in by_category:
        if category == "S" and not any(
            g.findtext("ram:CategoryCode", namespaces=NS) == "S"
            and _dec(g, "ram:RateApplicablePercent") == rate
            for g in groups
        ):
            errors.append(f"BR-S-01 : pas de groupe de TVA pour le taux {rate} %")
    return errors


# ---------------------------------------------------------------------------------------------
# The official schematron


@functools.cache
def _schematron() -> Any:
    from saxonche import PySaxonProcessor

    base = importlib.resources.files("facturx") / "xsd_and_schematron" / "facturx-en16931"
    processor = PySaxonProcessor(license=False)
    compiler = processor.new_xslt30_processor()
    executable = compiler.compile_stylesheet(stylesheet_file=str(base / "FACTUR-X_EN16931.xslt"))
    return processor, executable


def schematron_errors(xml: bytes) -> list[str]:
    """The failed fatal assertions of the official EN 16931 schematron ("id: text")."""
    processor, executable = _schematron()
    document = processor.parse_xml(xml_text=xml.decode("utf-8"))
    report = executable.transform_to_string(xdm_node=document)
    svrl = etree.fromstring(report.encode("utf-8"))
    failures = []
    for failed in svrl.iter("{http://purl.oclc.org/dsdl/svrl}failed-assert"):
        if failed.get("flag", "fatal") != "fatal":
            continue
        text = " ".join("".join(failed.itertext()).split())
        failures.append(f"{failed.get('id')}: {text}")
    return failures


# ---------------------------------------------------------------------------------------------
# PDF/A-3


def pdfa_report(pdf: bytes) -> dict[str, Any]:
    """What a PDF/A validator checks first, read back with pypdf."""
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    root = reader.trailer["/Root"]
    intents = root.get("/OutputIntents") or []
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page["/Resources"]
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            fonts[str(font["/BaseFont"])] = embedded
    xmp = etree.fromstring(root["/Metadata"].get_object().get_data())
    xmp_values = {
        etree.QName(node).localname: (node.text or "").strip()
        for node in xmp.iter()
        if isinstance(node.tag, str)
    }
    literals = {}
    for name in ("title", "creator", "description"):
        holder = next(
            (n for n in xmp.iter() if isinstance(n.tag, str) and etree.QName(n).localname == name),
            None,
        )
        if holder is not None:
            literals[name] = " ".join(t.strip() for t in holder.itertext() if t.strip())
    info = {str(k): str(v) for k, v in (reader.metadata or {}).items()}
    intent = intents[0].get_object() if intents else {}
    return {
        "header": pdf[:8],
        "binary_comment": pdf.split(b"\n", 2)[1][:5],
        "id": reader.trailer.get("/ID") is not None,
        "encrypted": reader.is_encrypted,
        "output_intent": str(intent.get("/S", "")),
        "profile_components": intent["/DestOutputProfile"].get_object()["/N"] if intent else None,
        "fonts": fonts,
        "pdfa_part": xmp_values.get("part"),
        "pdfa_conformance": xmp_values.get("conformance"),
        "fx_level": xmp_values.get("ConformanceLevel"),
        "fx_filename": xmp_values.get("DocumentFileName"),
        "xmp": {
            "title": literals.get("title"),
            "author": literals.get("creator"),
            "subject": literals.get("description"),
            "producer": xmp_values.get("Producer"),
            "creator_tool": xmp_values.get("CreatorTool"),
            "create_date": xmp_values.get("CreateDate"),
        },
        "info": info,
        "attachments": {name: list(content) for name, content in reader.attachments.items()},
        "af_relationship": [
            str(spec.get_object().get("/AFRelationship")) for spec in root.get("/AF") or []
        ],
        "lang": str(root.get("/Lang", "")),
        "text": "\n".join(page.extract_text() for page in reader.pages),
    }
