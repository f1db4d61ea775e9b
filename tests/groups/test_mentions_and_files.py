"""Mentions and file types, on plain data."""

from __future__ import annotations

import io
import zipfile

import pytest

from essaim.groups import files
from essaim.groups.mentions import Person, find_mentions

PEOPLE = [
    Person(1, "Bérénice", "Accompagne", "berenice@example.org"),
    Person(2, "Marie", "Dupont", "marie@example.org"),
    Person(3, "Marie", "Dupontel", "mdupontel@example.org"),
]


def test_mentions_by_name_ignore_case_and_accents_in_order_of_appearance():
    text = "Merci @marie dupontel et @BERENICE accompagne !"

    assert find_mentions(text, PEOPLE) == [3, 1]


def test_a_name_is_matched_as_a_whole_word_only():
    assert find_mentions("Voir avec @Marie Dupont, merci.", PEOPLE) == [2]
    assert find_mentions("Voir avec @Marie Dupontel.", PEOPLE) == [3]


def test_mentions_by_email():
    assert find_mentions("cc @Marie@Example.org", PEOPLE) == [2]


def test_no_mention_without_the_at_sign_or_for_strangers():
    assert find_mentions("Marie Dupont et @Jean Valjean, @inconnu@example.org", PEOPLE) == []


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ODT = zipped({"mimetype": files.ODT.encode(), "content.xml": b"<x/>"})
DOCX = zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})
XLSX = zipped({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("devis.pdf", b"%PDF-1.7\n...", files.PDF),
        ("photo.PNG", b"\x89PNG\r\n\x1a\n....", files.PNG),
        ("photo.jpeg", b"\xff\xd8\xff\xe0....", files.JPEG),
        ("compte-rendu.odt", ODT, files.ODT),
        ("charte.docx", DOCX, files.DOCX),
        ("budget.xlsx", XLSX, files.XLSX),
        ("notes.txt", "Réunion du 3 mars".encode(), files.TXT),
    ],
)
def test_accepted_files_are_recognised_by_their_contents(name, data, expected):
    handle = io.BytesIO(data)

    assert files.sniff(name, handle) == expected
    assert handle.tell() == 0


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("script.exe", b"MZ...."),
        ("faux.pdf", b"<html>not a pdf</html>"),
        ("faux.png", b"%PDF-1.7"),
        ("tableur.xlsx", DOCX),  # a Word file named .xlsx
        ("archive.docx", zipped({"a.txt": b"x"})),
        ("binaire.txt", b"abc\x00def"),
        ("latin1.txt", "café".encode("latin-1")),
        ("sans-extension", b"%PDF-1.7"),
    ],
)
def test_other_files_and_mismatched_contents_are_refused(name, data):
    assert files.sniff(name, io.BytesIO(data)) is None
