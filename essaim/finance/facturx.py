"""Factur-X: every issued invoice and credit note as a PDF/A-3 carrying its CII XML (EN 16931).

    xml_bytes = build_cii_xml(invoice)    # the EN 16931 XML, checked against the official XSD
    pdf_bytes = render_invoice(invoice)   # the Factur-X PDF, also stored in invoice.pdf

The document is what was issued, never more: its amounts are computed again from its lines by
essaim.finance.amounts and must agree to the cent with the totals frozen at issue (else
`FacturXError`); payments received after the issue are not part of it (paid amount 0), so the
PDF rendered again later is the same document.

Steps of `render_invoice`: the French page (essaim.finance.facturx_pdf, ReportLab, embedded
Vera fonts, sRGB output intent) → the `factur-x` library checks the XML against the EN 16931
XSD, embeds it as `factur-x.xml` (AFRelationship Data) and writes the PDF/A-3 and Factur-X XMP
metadata, with the same title, author and subject in the document information dictionary →
stored under `factures/<year>/`.

The legal mentions (Code de commerce L441-9 and L441-10, CGI 242 nonies A) are written once,
in `legal_notes`, and go both into the XML (notes with their subject codes) and on the page.
"""

from __future__ import annotations

import re
from decimal import Decimal

import facturx as facturx_lib
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext as _

from essaim.finance import amounts, cii
from essaim.finance.facturx_pdf import (
    InvoicePage,
    LineRow,
    format_date,
    format_rate,
    render_pdf,
)
from essaim.finance.models import (
    Cooperative,
    Customer,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Unit,
)
from essaim.finance.models import DocumentLine as StoredLine
from essaim.finance.services.documents import format_eur

FLAVOR = "factur-x"
LEVEL = "en16931"
RECOVERY_INDEMNITY = Decimal("40")
NBSP = "\u00a0"
LIBRARY_METADATA = ("title", "author", "subject", "keywords")


class FacturXError(ValueError):
    """An invoice that cannot be rendered as Factur-X; the message (French) says why."""


# ---------------------------------------------------------------------------------------------
# Formatting


def format_siren(value: str) -> str:
    """303265045 → "303 265 045"; a SIRET keeps its 5 last digits together."""
    if len(value) == 9:
        return f"{value[:3]} {value[3:6]} {value[6:]}"
    if len(value) == 14:
        return f"{value[:3]} {value[3:6]} {value[6:9]} {value[9:]}"
    return value


def format_iban(value: str) -> str:
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def _compact(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


# ---------------------------------------------------------------------------------------------
# From the invoice to plain data


def _cooperative() -> Cooperative:
    coop = Cooperative.objects.order_by("pk").first()
    if coop is None:
        raise FacturXError(
            _(
                "L'identité de la coopérative n'est pas renseignée (raison sociale, SIREN, "
                "adresse, n° de TVA) : elle figure sur chaque facture. L'équipe de gestion la "
                "renseigne dans Finances, page « Identité de la coopérative »."
            )
        )
    missing = [
        label
        for label, value in (
            (_("raison sociale"), coop.name),
            (_("SIREN"), coop.siren),
            (_("adresse"), coop.address),
            (_("code postal"), coop.postal_code),
            (_("ville"), coop.city),
            (_("n° de TVA intracommunautaire"), coop.vat_number),
        )
        if not (value or "").strip()
    ]
    if missing:
        raise FacturXError(
            _(
                "Identité de la coopérative incomplète pour produire une facture : %(m)s à "
                "renseigner (Finances, page « Identité de la coopérative »)."
            )
            % {"m": ", ".join(str(m) for m in missing)}
        )
    return coop


def _legal_info(coop: Cooperative) -> str:
    """BT-33: legal form and registration (« SCOP SA à capital variable, RCS Bobigny »)."""
    parts = [coop.legal_form.strip()]
    rcs = coop.rcs.strip()
    if rcs:
        parts.append(rcs if rcs.upper().startswith("RCS") else f"RCS {rcs}")
    return ", ".join(p for p in parts if p)


def _seller(coop: Cooperative, invoice: Invoice) -> cii.Party:
    return cii.Party(
        name=coop.name,
        address=coop.address,
        postal_code=coop.postal_code,
        city=coop.city,
        country=coop.country or "FR",
        siren=_compact(coop.siren),
        siret=_compact(coop.siret),
        vat_number=_compact(coop.vat_number),
        email=coop.email,
        trading_name=invoice.activity.name,
        legal_info=_legal_info(coop),
    )


def _buyer(customer: Customer) -> cii.Party:
    siret = _compact(customer.siret)
    siren = _compact(customer.siren) or siret[:9]
    return cii.Party(
        name=customer.name,
        address=customer.address,
        postal_code=customer.postal_code,
        city=customer.city,
        country=customer.country or "FR",
        siren=siren,
        siret=siret,
        vat_number=_compact(customer.vat_number),
        email=customer.email,
    )


def _member_name(invoice: Invoice) -> str:
    member = invoice.activity.member
    return f"{member.first_name} {member.last_name}".strip()


def payment_terms(invoice: Invoice, coop: Cooperative) -> str:
    """BT-20: how and when the document is paid (a credit note: how it is settled)."""
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        corrected = invoice.corrects
        return _(
            "Avoir sur la facture n° %(n)s du %(d)s : son montant est déduit de ce que le "
            "client doit à la coopérative, ou lui est remboursé."
        ) % {"n": corrected.number, "d": format_date(corrected.issue_date)}
    assert invoice.issue_date is not None and invoice.due_date is not None
    days = (invoice.due_date - invoice.issue_date).days
    if days > 0:
        text = _("Paiement à %(days)s jours, au plus tard le %(due)s.") % {
            "days": days,
            "due": format_date(invoice.due_date),
        }
    else:
        text = _("Paiement à réception de la facture.")
    if _compact(coop.iban):
        text += " " + _(
            "Par virement sur le compte IBAN %(iban)s%(bic)s, en rappelant le n° %(n)s."
        ) % {
            "iban": format_iban(_compact(coop.iban)),
            "bic": f" (BIC {_compact(coop.bic)})" if coop.bic.strip() else "",
            "n": invoice.number,
        }
    return text


def legal_notes(
    invoice: Invoice, coop: Cooperative, exemption_reasons: tuple[str, ...]
) -> tuple[cii.Note, ...]:
    """The French legal mentions, with their UNTDID 4451 subject codes."""
    notes = [
        cii.Note(
            "AAI",
            _(
                "Activité « %(activity)s » de %(member)s, entrepreneur·e au sein de la "
                "coopérative d'activité et d'emploi %(coop)s, qui émet ce document."
            )
            % {
                "activity": invoice.activity.name,
                "member": _member_name(invoice),
                "coop": coop.name,
            },
        )
    ]
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        # The corrected invoice is named by the payment terms and the referenced document.
        if invoice.notes.strip():
            notes.append(cii.Note("AAI", _("Motif : %(r)s") % {"r": invoice.notes.strip()}))
    elif invoice.notes.strip():
        notes.append(cii.Note("AAI", invoice.notes.strip()))
    if invoice.internal:
        notes.append(cii.Note("AAI", _("Facture interne entre deux activités de la coopérative.")))
    if exemption_reasons:
        # One tax mention note (the French CTC rules allow a single TXD note).
        notes.append(cii.Note("TXD", " ; ".join(exemption_reasons)))
    if invoice.kind == InvoiceKind.INVOICE:
        notes.append(cii.Note("AAB", _("Pas d'escompte pour paiement anticipé.")))
        notes.append(
            cii.Note(
                "PMD",
                _(
                    "En cas de retard de paiement, des pénalités sont exigibles dès le "
                    "lendemain de l'échéance, au taux de %(rate)s (article L441-10 du Code de "
                    "commerce)."
                )
                % {"rate": coop.late_payment_rate.strip()},
            )
        )
        if invoice.customer.is_professional:
            notes.append(
                cii.Note(
                    "PMT",
                    _(
                        "Tout retard de paiement rend de plus exigible une indemnité "
                        "forfaitaire pour frais de recouvrement de %(amount)s (articles L441-10 "
                        "et D441-5 du Code de commerce)."
                    )
                    % {"amount": f"{amounts.fr_number(RECOVERY_INDEMNITY)} €"},
                )
            )
    return tuple(notes)


def _lines(stored: list[StoredLine]) -> tuple[cii.DocumentLine, ...]:
    return tuple(
        cii.DocumentLine(
            label=line.label,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            discount=line.discount,
            vat_rate=Decimal(line.vat_rate),
            exemption_reason=line.exemption_reason,
        )
        for line in stored
    )


def _check_frozen(invoice: Invoice, stored_lines: list[StoredLine], totals: amounts.Totals) -> None:
    """The totals frozen at issue and the stored line nets agree with the lines, to the cent."""
    stored = (invoice.total_net, invoice.total_vat, invoice.total_gross)
    computed = (totals.total_ht, totals.total_vat, totals.total_ttc)
    nets = [line.net for line in stored_lines]
    if stored != computed or nets != list(totals.line_nets):
        raise FacturXError(
            _(
                "Les totaux enregistrés du document %(n)s (HT %(ht)s, TVA %(tva)s, TTC "
                "%(ttc)s) ne correspondent pas à ses lignes (HT %(cht)s, TVA %(ctva)s, TTC "
                "%(cttc)s) : le document a été modifié après son émission. Corrigez-le par un "
                "avoir plutôt que de le modifier."
            )
            % {
                "n": invoice.number,
                "ht": format_eur(stored[0]),
                "tva": format_eur(stored[1]),
                "ttc": format_eur(stored[2]),
                "cht": format_eur(computed[0]),
                "ctva": format_eur(computed[1]),
                "cttc": format_eur(computed[2]),
            }
        )


def document_of(invoice: Invoice) -> tuple[cii.CiiDocument, amounts.Totals, Cooperative]:
    """The issued document as plain data, its amounts (checked against the frozen ones) and
    the cooperative's identity."""
    if invoice.status == InvoiceStatus.DRAFT or not invoice.number or not invoice.issue_date:
        raise FacturXError(
            _("« %(s)s » est un brouillon : seul un document émis a un PDF Factur-X.")
            % {"s": invoice.subject}
        )
    coop = _cooperative()
    credit_note = invoice.kind == InvoiceKind.CREDIT_NOTE
    type_code = amounts.CREDIT_NOTE_TYPE_CODE if credit_note else amounts.INVOICE_TYPE_CODE
    stored_lines = list(invoice.lines.all())
    lines = _lines(stored_lines)
    try:
        totals = amounts.compute_totals([line.amount_line() for line in lines], type_code=type_code)
    except amounts.AmountError as error:
        raise FacturXError(
            _("Le document %(n)s a des lignes invalides : %(e)s")
            % {"n": invoice.number, "e": error}
        ) from error
    _check_frozen(invoice, stored_lines, totals)
    reasons = tuple(
        dict.fromkeys(g.exemption_reason for g in totals.breakdown if g.exemption_reason)
    )
    corrected = invoice.corrects if credit_note else None
    document = cii.CiiDocument(
        number=invoice.number,
        type_code=type_code,
        issue_date=invoice.issue_date,
        seller=_seller(coop, invoice),
        buyer=_buyer(invoice.customer),
        lines=lines,
        payment_terms=payment_terms(invoice, coop),
        due_date=None if credit_note else invoice.due_date,
        notes=legal_notes(invoice, coop, reasons),
        iban="" if credit_note else _compact(coop.iban),
        bic="" if credit_note else _compact(coop.bic),
        preceding_number=corrected.number if corrected else "",
        preceding_date=corrected.issue_date if corrected else None,
        subject=invoice.subject,
    )
    return document, totals, coop


def build_cii_xml(invoice: Invoice) -> bytes:
    """The CII XML (EN 16931) of an issued invoice or credit note."""
    with translation.override("fr"):
        document, totals, _coop = document_of(invoice)
        return cii.build_xml(document, totals)


# ---------------------------------------------------------------------------------------------
# The page


def _party_lines(party: cii.Party, *, professional: bool = True) -> list[str]:
    lines = [party.address, f"{party.postal_code} {party.city}".strip()]
    if party.country and party.country != "FR":
        lines.append(party.country)
    if party.siret:
        lines.append(_("SIRET %(s)s") % {"s": format_siren(party.siret)})
    elif party.siren and professional:
        lines.append(_("SIREN %(s)s") % {"s": format_siren(party.siren)})
    if party.vat_number:
        lines.append(_("N° de TVA intracommunautaire %(v)s") % {"v": party.vat_number})
    return [line for line in lines if line]


def page_of(
    invoice: Invoice, document: cii.CiiDocument, totals: amounts.Totals, coop: Cooperative
) -> InvoicePage:
    """What the PDF prints, in French."""
    credit_note = document.type_code == amounts.CREDIT_NOTE_TYPE_CODE
    title = _("Avoir") if credit_note else _("Facture")
    facts = [(_("Date d'émission"), format_date(document.issue_date))]
    if credit_note:
        facts.append(
            (
                _("Facture corrigée"),
                _("%(n)s du %(d)s")
                % {"n": document.preceding_number, "d": format_date(document.preceding_date)},
            )
        )
    elif document.due_date:
        facts.append((_("Échéance"), format_date(document.due_date)))
    seller = document.seller
    seller_lines = [
        seller.legal_info,
        seller.address,
        f"{seller.postal_code} {seller.city}",
        _("SIREN %(s)s") % {"s": format_siren(seller.siren)}
        + (f" — SIRET {format_siren(seller.siret)}" if seller.siret else ""),
        _("N° de TVA intracommunautaire %(v)s") % {"v": seller.vat_number},
    ]
    if seller.email:
        seller_lines.append(seller.email)
    units = dict(Unit.choices)
    rows = []
    for line, net in zip(document.lines, totals.line_nets, strict=True):
        rows.append(
            LineRow(
                label=line.label,
                quantity=amounts.fr_number(line.quantity),
                unit=str(units.get(line.unit, line.unit)),
                unit_price=format_eur(line.unit_price)
                if line.unit_price == amounts.round_cent(line.unit_price)
                else f"{amounts.fr_number(line.unit_price)}{NBSP}€",
                discount=format_rate(line.discount) if line.discount else "",
                vat_rate=format_rate(line.vat_rate),
                net=format_eur(net),
            )
        )
    vat_rows = [
        [
            _("TVA %(r)s") % {"r": format_rate(group.rate)}
            if group.category == amounts.STANDARD
            else _("Exonéré (0 %)"),
            format_eur(group.base),
            format_eur(group.vat),
            group.exemption_reason,
        ]
        for group in cii.tax_groups(totals)
    ]
    total_rows = [
        (_("Total HT"), format_eur(totals.total_ht)),
        (_("Total TVA"), format_eur(totals.total_vat)),
    ]
    if credit_note:
        total_rows.append((_("Total de l'avoir TTC"), format_eur(totals.total_ttc)))
    else:
        total_rows.append((_("Net à payer TTC"), format_eur(totals.amount_due)))
    mentions = [note.text for note in document.notes if note.subject_code != "AAI"]
    info = [note.text for note in document.notes if note.subject_code == "AAI"]
    activity_text = info[0]
    payment = [document.payment_terms]
    professional = invoice.customer.is_professional
    footer = " — ".join(
        part
        for part in (
            seller.name,
            seller.legal_info,
            _("SIREN %(s)s") % {"s": format_siren(seller.siren)},
            _("TVA %(v)s") % {"v": seller.vat_number},
        )
        if part
    )
    return InvoicePage(
        title=title,
        number=document.number,
        facts=facts,
        seller_name=seller.name,
        seller_lines=[line for line in seller_lines if line.strip()],
        activity=activity_text,
        buyer_title=_("Client"),
        buyer_lines=[document.buyer.name, *_party_lines(document.buyer, professional=professional)],
        subject=_("Objet : %(s)s") % {"s": document.subject} if document.subject else "",
        headers=[
            _("Désignation"),
            _("Qté"),
            _("Unité"),
            _("PU HT"),
            _("Remise"),
            _("TVA"),
            _("Montant HT"),
        ],
        lines=rows,
        vat_headers=[_("TVA"), _("Base HT"), _("Montant TVA"), _("Mention")],
        vat_rows=vat_rows,
        totals=total_rows,
        payment=payment,
        mentions=[*info[1:], *mentions],
        footer=footer,
        page_label=_("Page %(n)s"),
        metadata=pdf_metadata(document),
    )


def pdf_metadata(document: cii.CiiDocument) -> dict[str, str]:
    """Title, author, subject and keywords of the PDF (document information and XMP)."""
    credit_note = document.type_code == amounts.CREDIT_NOTE_TYPE_CODE
    kind = _("Avoir") if credit_note else _("Facture")
    return {
        "title": f"{document.seller.name} : {kind} {document.number}",
        "author": document.seller.name,
        "subject": _("%(kind)s %(n)s du %(d)s, de %(s)s à %(b)s")
        % {
            "kind": kind,
            "n": document.number,
            "d": format_date(document.issue_date),
            "s": document.seller.name,
            "b": document.buyer.name,
        },
        "keywords": f"{kind}, Factur-X",
        # The factur-x library writes pdf:Producer "pypdf" in the XMP; the information
        # dictionary, written by ReportLab first, must say the same.
        "producer": "pypdf",
    }


# ---------------------------------------------------------------------------------------------
# The Factur-X PDF


def render_facturx(invoice: Invoice) -> tuple[bytes, bytes]:
    """The Factur-X PDF and its XML, without storing anything."""
    with translation.override("fr"):
        document, totals, coop = document_of(invoice)
        xml = cii.build_xml(document, totals)
        page = page_of(invoice, document, totals, coop)
        pdf = render_pdf(page)
        metadata = {k: v for k, v in page.metadata.items() if k in LIBRARY_METADATA}
    try:
        facturx_pdf = facturx_lib.generate_from_binary(
            pdf,
            xml,
            flavor=FLAVOR,
            level=LEVEL,
            check_xsd=True,
            pdf_metadata=metadata,
            lang="fr-FR",
        )
    except Exception as error:  # the library raises a bare Exception (an invalid XML...)
        raise FacturXError(
            _("Le PDF Factur-X du document %(n)s n'a pas pu être produit : %(e)s")
            % {"n": invoice.number, "e": error}
        ) from error
    return facturx_pdf, xml


def pdf_filename(invoice: Invoice) -> str:
    """facture-2026-000001.pdf / avoir-2026-000002.pdf (characters safe in a file name)."""
    prefix = "avoir" if invoice.kind == InvoiceKind.CREDIT_NOTE else "facture"
    number = re.sub(r"[^A-Za-z0-9._-]+", "-", invoice.number).strip("-.") or str(invoice.pk)
    return f"{prefix}-{number}.pdf"


def render_invoice(invoice: Invoice) -> bytes:
    """Render the Factur-X PDF of an issued document and store it in `invoice.pdf` (replacing
    a previous file); returns the PDF."""
    pdf, _xml = render_facturx(invoice)
    storage = invoice.pdf.storage
    old = invoice.pdf.name
    assert invoice.issue_date is not None  # document_of refused a draft
    target = f"factures/{invoice.issue_date.year}/{pdf_filename(invoice)}"
    if old == target:
        storage.delete(old)  # the same name again, not a name with a random suffix
    name = storage.save(target, ContentFile(pdf))
    Invoice.objects.filter(pk=invoice.pk).update(pdf=name)
    invoice.pdf.name = name
    if old and old != name:
        storage.delete(old)
    return pdf
