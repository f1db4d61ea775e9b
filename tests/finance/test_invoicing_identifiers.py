"""SIREN, SIRET (Luhn, La Poste's exception) and intra-EU VAT numbers (the French key)."""

from __future__ import annotations

import pytest

from essaim.finance.identifiers import (
    IdentifierError,
    check_siren,
    check_siret,
    check_vat_number,
    compact,
    french_vat_key,
    french_vat_number,
    luhn_valid,
    vat_number_siren,
)


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("732829320", True),
        ("303265045", True),
        ("356000000", True),  # La Poste's SIREN follows Luhn
        ("732829321", False),
        ("73282932000074", True),
        ("73282932000075", False),
        ("79927398713", True),  # the textbook example of the Luhn algorithm
        ("79927398710", False),
        ("12a", False),
    ],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


def test_siren_is_compacted_and_checked() -> None:
    assert check_siren("732 829 320") == "732829320"
    assert check_siren("732.829.320") == "732829320"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "732829321",
            "Le SIREN 732829321 est invalide : sa clé de contrôle ne correspond pas",
        ),
        ("73282932", "Le SIREN « 73282932 » a 8 chiffres ; il en faut 9."),
        ("7328293A0", "Le SIREN « 7328293A0 » ne doit contenir que des chiffres."),
    ],
)
def test_invalid_siren_says_why_in_french(value: str, message: str) -> None:
    with pytest.raises(IdentifierError) as error:
        check_siren(value)
    assert str(error.value).startswith(message)


def test_siret_is_checked_with_luhn() -> None:
    assert check_siret("732 829 320 00074") == "73282932000074"
    with pytest.raises(IdentifierError, match="Le SIRET 73282932000075 est invalide"):
        check_siret("73282932000075")
    with pytest.raises(IdentifierError, match="a 13 chiffres ; il en faut 14"):
        check_siret("7328293200007")


def test_siret_whose_siren_part_fails_luhn_is_refused() -> None:
    # 14 digits passing Luhn, but the first nine (a SIREN) do not.
    number = next(
        f"100000000{k:05d}"
        for k in range(100_000)
        if luhn_valid(f"100000000{k:05d}") and not luhn_valid("100000000")
    )
    with pytest.raises(IdentifierError):
        check_siret(number)


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        # La Poste's establishments: the sum of the digits is a multiple of 5, Luhn or not.
        ("35600000049837", True),  # 3+5+6+4+9+8+3+7 = 45
        ("35600000000001", True),  # sum 15; fails Luhn
        ("35600000049838", False),  # sum 46
        ("35600000000014", False),  # passes Luhn, but sum 19
        # Its head office follows Luhn (sum 26).
        ("35600000000048", True),
    ],
)
def test_la_poste_exception(siret: str, valid: bool) -> None:
    if valid:
        assert check_siret(siret) == siret
    else:
        with pytest.raises(IdentifierError):
            check_siret(siret)


@pytest.mark.parametrize(
    ("siren", "key"),
    [
        ("303265045", "40"),  # FR 40 303 265 045
        ("334175221", "23"),  # FR 23 334 175 221
        # 732829320 mod 97 = 43; (12 + 3 × 43) mod 97 = 141 mod 97 = 44
        ("732829320", "44"),
    ],
)
def test_french_vat_key(siren: str, key: str) -> None:
    assert french_vat_key(siren) == key
    assert (12 + 3 * (int(siren) % 97)) % 97 == int(key)
    assert french_vat_number(siren) == f"FR{key}{siren}"


def test_french_vat_key_is_zero_padded() -> None:
    # A SIREN whose key is below 10 keeps two characters.
    siren = next(
        f"{n:09d}"
        for n in range(100_000_000, 100_100_000)
        if luhn_valid(f"{n:09d}") and (12 + 3 * (n % 97)) % 97 < 10
    )
    assert len(french_vat_key(siren)) == 2
    assert french_vat_key(siren).startswith("0")


def test_french_vat_number_checks_its_key_and_siren() -> None:
    assert check_vat_number("fr 40 303 265 045") == "FR40303265045"
    with pytest.raises(IdentifierError) as error:
        check_vat_number("FR41303265045")
    assert str(error.value) == (
        "Le n° de TVA intracommunautaire FR41303265045 est invalide : pour le SIREN "
        "303265045, la clé est 40 (FR40303265045)."
    )
    with pytest.raises(IdentifierError, match="le SIREN 303265046 qu'il contient"):
        check_vat_number("FR40303265046")


def test_old_french_vat_number_with_a_letter_key_is_checked_on_format() -> None:
    assert check_vat_number("FRK7399859412") == "FRK7399859412"
    with pytest.raises(IdentifierError, match="n'a pas le format du pays FR"):
        check_vat_number("FRIO399859412")  # I and O are never used


@pytest.mark.parametrize(
    "value", ["DE123456789", "BE0123456789", "EL123456789", "NL123456789B01", "ATU12345678"]
)
def test_other_eu_formats(value: str) -> None:
    assert check_vat_number(value) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("DE12345", "n'a pas le format du pays DE"),
        ("GR123456789", "doit commencer par le code d'un pays de l'Union européenne"),
        ("US123456789", "doit commencer par le code d'un pays de l'Union européenne"),
        ("", "doit commencer par le code d'un pays"),
    ],
)
def test_bad_vat_numbers(value: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        check_vat_number(value)


def test_compact_and_the_siren_inside_a_vat_number() -> None:
    assert compact(" fr-40.303/265 045 ") == "FR40303265045"
    assert vat_number_siren("FR40303265045") == "303265045"
    assert vat_number_siren("DE123456789") == ""
