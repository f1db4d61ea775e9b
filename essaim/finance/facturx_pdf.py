"""The visible part of a Factur-X invoice: a French A4 document drawn with ReportLab.

    pdf_bytes = render_pdf(page)   # page: an InvoicePage (essaim.finance.facturx builds it)

What PDF/A-3 asks of this part, and how it is met:
- every font embedded: the Bitstream Vera TrueType fonts that ship inside the `reportlab`
  package (subset and embedded by ReportLab); the canvas starts on Vera, so no standard
  (non-embedded) Helvetica is ever referenced. A character the font lacks is replaced by "?"
  rather than drawn with a missing glyph;
- an output intent with an ICC profile for the RGB and grey the page uses: the sRGB profile
  Pillow's LittleCMS builds (`ImageCms.createProfile("sRGB")`, ICC version 4, accepted by
  PDF/A-2 and -3), so no profile file is kept in the repository;
- no transparency, no encryption, no JavaScript, no external content.
The XML attachment, the XMP metadata and the PDF/A-3 identification are added afterwards by the
`factur-x` library (essaim.finance.facturx).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFStream,
    PDFString,
    PDFZCompress,
)
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from essaim.finance.amounts import fr_number

# Streams compressed with Flate only: the ASCII85 layer ReportLab adds by default makes the
# file bigger and costs time (PDF/A accepts both). The only ReportLab use in the project.
rl_config.useA85 = 0

FONT = "EssaimVera"
FONT_BOLD = "EssaimVera-Bold"
FONT_ITALIC = "EssaimVera-Italic"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
RULE = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#eef1f4")
REPLACEMENT = "?"


@dataclass(frozen=True)
class LineRow:
    """A line as printed (already formatted in French)."""

    label: str
    quantity: str
    unit: str
    unit_price: str
    discount: str
    vat_rate: str
    net: str


@dataclass(frozen=True)
class InvoicePage:
    """Everything printed on the document, formatted, in French."""

    title: str  # "Facture" / "Avoir"
    number: str
    facts: Sequence[tuple[str, str]]  # (label, value): issue date, due date, corrected invoice
    seller_name: str
    seller_lines: Sequence[str]  # legal form, address, identifiers
    activity: str  # the activity's mention (enseigne, member)
    buyer_title: str
    buyer_lines: Sequence[str]
    subject: str
    headers: Sequence[str]  # the lines table's column titles
    lines: Sequence[LineRow]
    vat_headers: Sequence[str]
    vat_rows: Sequence[Sequence[str]]
    totals: Sequence[tuple[str, str]]  # (label, amount); the last one stands out
    payment: Sequence[str]  # payment terms and means
    mentions: Sequence[str]  # the legal mentions, one paragraph each
    footer: str
    page_label: str = "Page %(n)s"  # translated by the caller
    metadata: dict[str, str] = field(default_factory=dict)  # title, author, subject


# ---------------------------------------------------------------------------------------------
# Fonts and colour profile (loaded once per process)


@functools.cache
def _fonts() -> frozenset[int]:
    """Register the Vera fonts shipped with ReportLab; the code points they can draw."""
    regular = TTFont(FONT, "Vera.ttf")
    for font in (
        regular,
        TTFont(FONT_BOLD, "VeraBd.ttf"),
        TTFont(FONT_ITALIC, "VeraIt.ttf"),
        TTFont(f"{FONT}-BoldItalic", "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=f"{FONT}-BoldItalic"
    )
    return frozenset(regular.face.charToGlyph)


@functools.cache
def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


_SPACES = {"\u202f": "\u00a0", "\u2009": " ", "\t": " "}


def drawable(text: str) -> str:
    """`text` with every character the embedded font lacks replaced by "?"."""
    glyphs = _fonts()
    chars = []
    for char in str(text):
        char = _SPACES.get(char, char)
        if char == "\n" or ord(char) in glyphs:
            chars.append(char)
        elif ord(char) >= 32:
            chars.append(REPLACEMENT)
    return "".join(chars)


def clean(text: str) -> str:
    """Text the embedded font can draw, escaped for ReportLab's paragraph markup."""
    return escape(drawable(text)).replace("\n", "<br/>")


class _PdfACanvas(canvas.Canvas):
    """A canvas whose document declares the sRGB output intent PDF/A requires."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        document = self._doc
        profile = PDFStream(PDFDictionary({"N": 3}), _srgb_profile(), filters=[PDFZCompress])
        intent = PDFDictionary(
            {
                "Type": PDFName("OutputIntent"),
                "S": PDFName("GTS_PDFA1"),
                "OutputConditionIdentifier": PDFString(OUTPUT_CONDITION),
                "Info": PDFString(OUTPUT_CONDITION),
                "DestOutputProfile": document.Reference(profile),
            }
        )
        catalog = document.Catalog
        catalog.OutputIntents = PDFArray([intent])
        # PDFCatalog writes only the keys it lists; this catalog lists one more.
        catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "OutputIntents"]


# ---------------------------------------------------------------------------------------------
# Layout


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=11.5, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "seller": ParagraphStyle(
            "seller", parent=base, fontName=FONT_BOLD, fontSize=13, leading=16
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=18, leading=22, alignment=TA_RIGHT
        ),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "number": ParagraphStyle(
            "number", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10),
        "head_right": ParagraphStyle(
            "head_right",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=8,
            leading=10,
            alignment=TA_RIGHT,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "cell_right": ParagraphStyle(
            "cell_right", parent=base, fontSize=8.5, leading=10.5, alignment=TA_RIGHT
        ),
        "strong_right": ParagraphStyle(
            "strong_right", parent=base, fontName=FONT_BOLD, fontSize=10, alignment=TA_RIGHT
        ),
        "footer": ParagraphStyle(
            "footer", parent=base, fontSize=7, leading=8.5, textColor=MUTED, alignment=TA_CENTER
        ),
        "section": ParagraphStyle(
            "section", parent=base, fontName=FONT_BOLD, fontSize=9.5, spaceBefore=4, spaceAfter=2
        ),
    }


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(clean(text), _styles()[style])


def _header(page: InvoicePage, width: float) -> Table:
    left = [_p(page.seller_name, "seller"), *[_p(line, "small") for line in page.seller_lines]]
    right = [_p(page.title, "title"), _p(f"N° {page.number}", "number"), Spacer(1, 2 * mm)]
    right += [_p(f"{label} : {value}", "right") for label, value in page.facts]
    table = Table([[left, right]], colWidths=[width * 0.55, width * 0.45])
    table.setStyle(TableStyle([*_font(), ("VALIGN", (0, 0), (-1, -1), "TOP"), *_no_padding()]))
    return table


def _parties(page: InvoicePage, width: float) -> Table:
    activity = [_p(page.activity, "base")]
    buyer = [_p(page.buyer_title, "head")] + [_p(line, "base") for line in page.buyer_lines]
    table = Table([[activity, buyer]], colWidths=[width * 0.5, width * 0.5])
    table.setStyle(
        TableStyle(
            [
                *_font(),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (1, 0), (1, 0), 0.6, RULE),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 6 * mm),
                ("LEFTPADDING", (1, 0), (1, 0), 3 * mm),
                ("TOPPADDING", (1, 0), (1, 0), 2 * mm),
                ("BOTTOMPADDING", (1, 0), (1, 0), 2 * mm),
            ]
        )
    )
    return table


def _font() -> list[tuple[Any, ...]]:
    """Every table names the embedded font (its default would be the standard Helvetica,
    which PDF/A refuses because it is not embedded)."""
    return [("FONTNAME", (0, 0), (-1, -1), FONT)]


def _no_padding() -> list[tuple[Any, ...]]:
    return [
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]


def _grid(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    text_columns: Sequence[int] = (0,),
) -> Table:
    """A table of wrapped text columns (`text_columns`) and short values, right-aligned (drawn
    as plain strings: a paragraph per cell would cost more than the rest of the page)."""

    def cell(index: int, value: str, header: bool) -> Any:
        if index in text_columns:
            return _p(value, "head" if header else "cell")
        return drawable(value)

    data = [
        [cell(i, h, True) for i, h in enumerate(headers)],
        *[[cell(i, c, False) for i, c in enumerate(row)] for row in rows],
    ]
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *_font(),
                ("FONTNAME", (1, 0), (-1, 0), FONT_BOLD),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("FONTSIZE", (1, 0), (-1, 0), 8),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
                ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _totals(page: InvoicePage, width: float) -> Table:
    rows = []
    for index, (label, amount) in enumerate(page.totals):
        style = "strong_right" if index == len(page.totals) - 1 else "right"
        rows.append([_p(label, style), _p(amount, style)])
    table = Table(rows, colWidths=[width * 0.25, width * 0.17], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                *_font(),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def render_pdf(page: InvoicePage) -> bytes:
    """The document as a PDF (not yet Factur-X: no XML, no PDF/A metadata)."""
    _fonts()
    buffer = BytesIO()
    margin = 16 * mm
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=22 * mm,
        title=page.metadata.get("title", ""),
        author=page.metadata.get("author", ""),
        subject=page.metadata.get("subject", ""),
        producer=page.metadata.get("producer", ""),
        initialFontName=FONT,
        lang="fr-FR",
        invariant=True,
    )
    width = document.width - 12  # the frame's own padding, 6 points each side
    story: list[Any] = [
        _header(page, width),
        Spacer(1, 7 * mm),
        _parties(page, width),
        Spacer(1, 6 * mm),
    ]
    if page.subject:
        story += [_p(page.subject, "base"), Spacer(1, 3 * mm)]
    line_rows = [
        (r.label, r.quantity, r.unit, r.unit_price, r.discount, r.vat_rate, r.net)
        for r in page.lines
    ]
    fractions = (0.35, 0.07, 0.10, 0.13, 0.09, 0.09, 0.17)
    story += [_grid(page.headers, line_rows, [width * f for f in fractions]), Spacer(1, 4 * mm)]
    vat = _grid(
        page.vat_headers,
        page.vat_rows,
        [width * 0.2, width * 0.15, width * 0.15, width * 0.5],
        text_columns=(0, 3),
    )
    story += [KeepTogether([vat, Spacer(1, 3 * mm), _totals(page, width)]), Spacer(1, 5 * mm)]
    if page.payment:
        story += [_p(line, "base") for line in page.payment]
        story.append(Spacer(1, 3 * mm))
    story += [_p(mention, "small") for mention in page.mentions]

    def footer(canv: canvas.Canvas, doc: Any) -> None:
        canv.saveState()
        note = Paragraph(clean(page.footer), _styles()["footer"])
        _w, height = note.wrapOn(canv, width, 20 * mm)
        note.drawOn(canv, margin, 10 * mm + (10 * mm - height))
        canv.setFont(FONT, 7)
        canv.setFillColor(MUTED)
        canv.drawRightString(A4[0] - margin, 6 * mm, drawable(page.page_label % {"n": doc.page}))
        canv.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer, canvasmaker=_PdfACanvas)
    return buffer.getvalue()


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def format_rate(value: Decimal) -> str:
    return f"{fr_number(Decimal(value))}\u00a0%"
