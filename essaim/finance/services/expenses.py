"""Expenses and purchases of an activity, with their receipt (a PDF, JPEG or PNG file).

A receipt is checked by its content, not by its name: a PDF starts with `%PDF-` and ends with
`%%EOF`, an image must open as a JPEG or PNG picture; 10 MB at most. The buyer's side of an
internal invoice (services.internal) is an expense too, but it follows its invoice: it is
neither edited nor deleted here (a credit note corrects it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image as PILImage

from essaim.core.audit import diff, log_action
from essaim.core.models import User
from essaim.finance.models import Expense, ExpenseCategory
from essaim.finance.services.documents import format_eur, parse_decimal
from essaim.members.models import Activity

RECEIPT_MAX_BYTES = 10 * 1024 * 1024
MAX_AMOUNT = Decimal("1e10")  # what the columns hold (models.MONEY)
PDF_MAGIC = b"%PDF-"
PDF_END = b"%%EOF"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

EXPENSE_FIELDS = ("date", "category", "supplier", "label", "amount_net", "vat", "receipt")


def _money(value: object, field: str, label: str, *, positive: bool) -> Decimal:
    number = parse_decimal(value)
    if not isinstance(number, Decimal):
        raise ValidationError(
            {field: _("%(f)s : « %(v)s » n'est pas un montant.") % {"f": label, "v": value}}
        )
    if number < 0 or (positive and number == 0):
        raise ValidationError(
            {field: _("%(f)s : le montant doit être positif.") % {"f": label}}
            if positive
            else {field: _("%(f)s : le montant ne peut pas être négatif.") % {"f": label}}
        )
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: _("%(f)s : au centime près.") % {"f": label}})
    if number >= MAX_AMOUNT:
        raise ValidationError({field: _("%(f)s : montant trop grand.") % {"f": label}})
    return number.quantize(Decimal("0.01"))


def _text(value: object, field: str, label: str, max_length: int) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ValidationError({field: _("%(f)s : à renseigner.") % {"f": label}})
    if len(text) > max_length:
        raise ValidationError(
            {field: _("%(f)s : %(n)s caractères au plus.") % {"f": label, "n": max_length}}
        )
    return text


def receipt_kind(receipt: File) -> str:
    """The receipt's type read from its content ("pdf", "jpg" or "png"); ValidationError
    (French) when it is too big or none of them."""
    size = receipt.size
    if size is not None and size > RECEIPT_MAX_BYTES:
        raise ValidationError(
            {
                "receipt": _("Le justificatif pèse %(size)s Mo : 10 Mo au plus.")
                % {"size": f"{size / 1024 / 1024:.1f}".replace(".", ",")}
            }
        )
    not_readable = ValidationError(
        {
            "receipt": _(
                "Ce fichier n'est pas un justificatif lisible : envoyez un PDF, une photo JPEG "
                "ou une image PNG."
            )
        }
    )
    try:
        receipt.seek(0)
        head = receipt.read(16)
        if head.startswith(PDF_MAGIC):
            receipt.seek(max((size or 0) - 1024, 0))
            if PDF_END not in receipt.read():
                raise not_readable
            return "pdf"
        if head.startswith((JPEG_MAGIC, PNG_MAGIC)):
            receipt.seek(0)
            try:
                with PILImage.open(receipt) as picture:
                    kind = picture.format
                    picture.verify()
            except Exception:  # Pillow raises many kinds of errors for a broken picture
                raise not_readable from None
            if kind == "JPEG":
                return "jpg"
            if kind == "PNG":
                return "png"
        raise not_readable
    finally:
        receipt.seek(0)


def _clean(
    *,
    activity: Activity,
    date: object,
    category: object,
    supplier: object,
    label: object,
    amount_net: object,
    vat: object,
) -> dict[str, Any]:
    if not isinstance(date, dt.date):
        raise ValidationError({"date": _("Indiquez la date de la dépense.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("La date de la dépense est dans le futur.")})
    if category not in ExpenseCategory.values:
        raise ValidationError(
            {"category": _("Catégorie de dépense inconnue : %(v)s.") % {"v": category}}
        )
    net = _money(amount_net, "amount_net", _("Montant HT"), positive=True)
    tax = _money(vat if vat not in (None, "") else "0", "vat", _("TVA"), positive=False)
    if tax > net:
        raise ValidationError(
            {
                "vat": _(
                    "La TVA (%(vat)s) dépasse le montant HT (%(net)s) : vérifiez que le "
                    "montant HT est bien hors taxes."
                )
                % {"vat": format_eur(tax), "net": format_eur(net)}
            }
        )
    return {
        "activity": activity,
        "date": date,
        "category": category,
        "supplier": _text(supplier, "supplier", _("Fournisseur"), 200),
        "label": _text(label, "label", _("Libellé"), 255),
        "amount_net": net,
        "vat": tax,
    }


def _snapshot(expense: Expense) -> dict[str, Any]:
    values = {name: getattr(expense, name) for name in EXPENSE_FIELDS if name != "receipt"}
    values["receipt"] = expense.receipt.name or ""
    return values


def _delete_file_after_commit(name: str) -> None:
    """The stored file goes only once the row's change is committed (a rollback keeps it)."""
    if not name:
        return
    storage = Expense._meta.get_field("receipt").storage
    transaction.on_commit(lambda: storage.delete(name))


def _refuse_internal(expense: Expense) -> None:
    if expense.internal_invoice_id is not None:
        raise ValidationError(
            _(
                "Cet achat vient d'une facture interne : il suit sa facture. Pour le corriger, "
                "le fournisseur fait un avoir."
            )
        )


@transaction.atomic
def expense_save(
    *,
    actor: User | None,
    activity: Activity,
    date: dt.date,
    category: str,
    supplier: str,
    label: str,
    amount_net: object,
    vat: object,
    receipt: File | None = None,
    expense: Expense | None = None,
) -> Expense:
    """Record an expense (expense=None) or change one; `receipt` adds or replaces its receipt
    file (checked by content, see the module doc). Amounts are excluding VAT, VAT apart."""
    values = _clean(
        activity=activity,
        date=date,
        category=category,
        supplier=supplier,
        label=label,
        amount_net=amount_net,
        vat=vat,
    )
    kind = receipt_kind(receipt) if receipt is not None else None
    if expense is not None:
        expense = Expense.objects.select_for_update().get(pk=expense.pk)
        if expense.activity_id != activity.pk:
            raise ValidationError(_("Cette dépense appartient à une autre enseigne."))
        _refuse_internal(expense)
        before = _snapshot(expense)
    else:
        expense = Expense()
        before = {}
    for name, value in values.items():
        setattr(expense, name, value)
    replaced = ""
    if receipt is not None:
        replaced = expense.receipt.name or ""
        expense.receipt.save(f"justificatif-{activity.pk}.{kind}", receipt, save=False)
    try:
        expense.save()
    except Exception:
        if receipt is not None:
            expense.receipt.storage.delete(expense.receipt.name)
        raise
    _delete_file_after_commit(replaced)
    after = _snapshot(expense)
    log_action(
        actor=actor,
        action="expense.updated" if before else "expense.created",
        target=expense,
        subject=activity,
        changes=diff(before, after) if before else None,
        data=None if before else after,
    )
    return expense


@transaction.atomic
def expense_delete(*, actor: User | None, expense: Expense) -> None:
    """Delete an expense recorded by mistake, and its receipt file (after the commit)."""
    expense = (
        Expense.objects.select_for_update(of=("self",))
        .select_related("activity")
        .get(pk=expense.pk)
    )
    _refuse_internal(expense)
    log_action(
        actor=actor,
        action="expense.deleted",
        target=expense,
        subject=expense.activity,
        data=_snapshot(expense),
    )
    name = expense.receipt.name or ""
    expense.delete()
    _delete_file_after_commit(name)
