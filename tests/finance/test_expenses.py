"""Expenses and purchases: checked amounts and categories, receipts checked by content."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from essaim.core.models import AuditEntry
from essaim.finance.models import Expense
from essaim.finance.services.expenses import RECEIPT_MAX_BYTES, expense_delete, expense_save
from tests.finance import invoicing_fixtures as fx
from tests.finance.accounts_data import internal_sale

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
bob_activity = fx.bob_activity

DAY = dt.date(2026, 3, 5)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def picture(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format=kind)
    return buffer.getvalue()


def upload(content: bytes, name: str = "ticket.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def save(activity, **fields) -> Expense:
    values = {
        "date": DAY,
        "category": "travel",
        "supplier": "SNCF",
        "label": "Train Paris – Lyon",
        "amount_net": "80,00",
        "vat": "8",
    }
    values.update(fields)
    return expense_save(actor=None, activity=activity, **values)


def test_an_expense_with_a_pdf_receipt(alice_activity, claire, media) -> None:
    expense = expense_save(
        actor=claire,
        activity=alice_activity,
        date=DAY,
        category="supplies",
        supplier="  Papeterie   du Centre ",
        label="Ramettes",
        amount_net="1 200,50",
        vat="240.10",
        receipt=upload(PDF, "scan facture.pdf"),
    )
    expense.refresh_from_db()
    assert (expense.supplier, expense.amount_net, expense.vat, expense.category) == (
        "Papeterie du Centre",
        Decimal("1200.50"),
        Decimal("240.10"),
        "supplies",
    )
    assert expense.receipt.name.startswith("justificatifs/2026/justificatif-")
    assert expense.receipt.name.endswith(".pdf")
    assert (media / expense.receipt.name).read_bytes() == PDF
    entry = AuditEntry.objects.get(action="expense.created")
    assert (entry.actor, entry.data["amount_net"]) == (claire, "1200.50")


@pytest.mark.parametrize(("kind", "extension"), [("JPEG", "jpg"), ("PNG", "png")])
def test_photos_of_receipts(alice_activity, kind, extension) -> None:
    # The name says nothing: the content decides.
    expense = save(alice_activity, receipt=upload(picture(kind), "IMG_0001"))
    assert expense.receipt.name.endswith(f".{extension}")


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00 this is a program", "facture.pdf"),
        (b"%PDF-1.4 cut in the middle", "facture.pdf"),  # no %%EOF
        (b"\x89PNG\r\n\x1a\n" + b"not really a picture", "photo.png"),
        (picture("GIF"), "photo.gif"),
    ],
)
def test_a_file_that_is_no_receipt_is_refused(alice_activity, content, name) -> None:
    with pytest.raises(ValidationError) as error:
        save(alice_activity, receipt=upload(content, name))
    assert error.value.message_dict["receipt"] == [
        "Ce fichier n'est pas un justificatif lisible : envoyez un PDF, une photo JPEG ou une "
        "image PNG."
    ]
    assert not Expense.objects.exists()


def test_a_receipt_too_big_is_refused(alice_activity, media) -> None:
    content = PDF[:-6] + b" " * RECEIPT_MAX_BYTES + b"%%EOF\n"
    with pytest.raises(ValidationError) as error:
        save(alice_activity, receipt=upload(content))
    assert error.value.message_dict["receipt"] == ["Le justificatif pèse 10,0 Mo : 10 Mo au plus."]
    assert not Expense.objects.exists()
    assert not any(media.rglob("*.pdf"))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"category": "gifts"}, "category", "Catégorie de dépense inconnue : gifts."),
        ({"amount_net": "0"}, "amount_net", "Montant HT : le montant doit être positif."),
        ({"amount_net": "-3"}, "amount_net", "Montant HT : le montant doit être positif."),
        ({"amount_net": "douze"}, "amount_net", "Montant HT : « douze » n'est pas un montant."),
        ({"amount_net": "1.005"}, "amount_net", "Montant HT : au centime près."),
        ({"vat": "-1"}, "vat", "TVA : le montant ne peut pas être négatif."),
        (
            {"vat": "100"},
            "vat",
            "La TVA (100,00 €) dépasse le montant HT (80,00 €) : vérifiez que le montant HT "
            "est bien hors taxes.",
        ),
        ({"supplier": "  "}, "supplier", "Fournisseur : à renseigner."),
        ({"label": "x" * 256}, "label", "Libellé : 255 caractères au plus."),
        ({"date": dt.date(2099, 1, 1)}, "date", "La date de la dépense est dans le futur."),
        ({"date": None}, "date", "Indiquez la date de la dépense."),
    ],
)
def test_bad_input_is_refused_on_its_field(alice_activity, fields, field, message) -> None:
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        save(alice_activity, **fields)
    assert error.value.message_dict[field] == [message]
    assert not Expense.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_editing_replaces_the_receipt_after_the_commit(
    alice_activity, media, django_capture_on_commit_callbacks
) -> None:
    expense = save(alice_activity, receipt=upload(PDF))
    old = media / expense.receipt.name
    with django_capture_on_commit_callbacks(execute=True):
        changed = save(
            alice_activity,
            expense=expense,
            amount_net="90",
            receipt=upload(picture("PNG"), "photo.png"),
        )
    assert changed.pk == expense.pk and changed.amount_net == Decimal("90.00")
    assert not old.exists()
    assert (media / changed.receipt.name).exists()
    changes = AuditEntry.objects.get(action="expense.updated").changes
    assert changes["amount_net"] == ["80.00", "90.00"]
    assert set(changes) == {"amount_net", "receipt"}


def test_editing_keeps_the_receipt_when_none_is_given(alice_activity) -> None:
    expense = save(alice_activity, receipt=upload(PDF))
    name = expense.receipt.name
    assert save(alice_activity, expense=expense, label="Train retour").receipt.name == name


def test_an_expense_of_another_activity_is_not_edited_through_this_one(
    alice_activity, bob_activity
) -> None:
    expense = save(alice_activity)
    with pytest.raises(ValidationError, match="autre enseigne"):
        save(bob_activity, expense=expense)


def test_deleting_removes_the_row_and_the_file(
    alice_activity, media, django_capture_on_commit_callbacks
) -> None:
    expense = save(alice_activity, receipt=upload(PDF))
    stored = media / expense.receipt.name
    with django_capture_on_commit_callbacks(execute=True):
        expense_delete(actor=None, expense=expense)
    assert not Expense.objects.exists() and not stored.exists()
    assert AuditEntry.objects.get(action="expense.deleted").data["label"] == "Train Paris – Lyon"


def test_an_internal_purchase_follows_its_invoice(coop, alice_activity, bob_activity, bob) -> None:
    internal_sale(alice_activity, bob, dt.date(2026, 3, 3), "500")
    purchase = Expense.objects.get(activity=bob_activity)
    with pytest.raises(ValidationError, match="facture interne"):
        save(bob_activity, expense=purchase)
    with pytest.raises(ValidationError, match="facture interne"):
        expense_delete(actor=None, expense=purchase)
    purchase.refresh_from_db()
    assert purchase.amount_net == Decimal("500.00")
