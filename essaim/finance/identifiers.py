"""Company identifiers printed on invoices: SIREN, SIRET and intra-EU VAT numbers.

Pure Python, no Django. Each `check_*` function takes what a person typed (spaces, dots and
dashes allowed), returns the compact form, or raises `IdentifierError` with a French message
that says what is wrong.

- SIREN (9 digits) and SIRET (14 digits: SIREN + establishment number) end with a Luhn key.
  One exception: La Poste (SIREN 356 000 000) numbers its establishments so that the sum of
  the SIRET's digits is a multiple of 5; only its head office (356 000 000 00048) follows Luhn.
- Intra-EU VAT number: a two-letter country prefix (EL for Greece, XI for Northern Ireland)
  then the national format. A French one is FR + a 2-character key + the SIREN; when the key
  is numeric it is (12 + 3 × (SIREN mod 97)) mod 97.
"""

from __future__ import annotations

import re

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"

# The national part of each EU member state's VAT number (VIES formats, simplified to the
# characters and lengths; only the French key is checked arithmetically).
EU_VAT_FORMATS: dict[str, str] = {
    "AT": r"U\d{8}",
    "BE": r"[01]\d{9}",
    "BG": r"\d{9,10}",
    "CY": r"\d{8}[A-Z]",
    "CZ": r"\d{8,10}",
    "DE": r"\d{9}",
    "DK": r"\d{8}",
    "EE": r"\d{9}",
    "EL": r"\d{9}",
    "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}",
    "FR": r"[0-9A-HJ-NP-Z]{2}\d{9}",
    "HR": r"\d{11}",
    "HU": r"\d{8}",
    "IE": r"\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W]",
    "IT": r"\d{11}",
    "LT": r"\d{9}|\d{12}",
    "LU": r"\d{8}",
    "LV": r"\d{11}",
    "MT": r"\d{8}",
    "NL": r"\d{9}B\d{2}",
    "PL": r"\d{10}",
    "PT": r"\d{9}",
    "RO": r"[1-9]\d{1,9}",
    "SE": r"\d{10}01",
    "SI": r"\d{8}",
    "SK": r"\d{10}",
    "XI": r"\d{9}|\d{12}|GD\d{3}|HA\d{3}",
}

_SEPARATORS = re.compile(r"[\s.\-/]+")


class IdentifierError(ValueError):
    """A SIREN, SIRET or VAT number that cannot be right; the message is French."""


def compact(value: str) -> str:
    """Without spaces, dots, dashes or slashes, in capitals: "fr 40 303 265 045" →
    "FR40303265045"."""
    return _SEPARATORS.sub("", value or "").upper()


def luhn_valid(digits: str) -> bool:
    """The Luhn check: from the right, every second digit doubled (minus 9 above 9)."""
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _digits(value: str, length: int, name: str) -> str:
    number = compact(value)
    if not number.isdigit():
        raise IdentifierError(f"Le {name} « {value} » ne doit contenir que des chiffres.")
    if len(number) != length:
        raise IdentifierError(
            f"Le {name} « {value} » a {len(number)} chiffres ; il en faut {length}."
        )
    return number


def check_siren(value: str) -> str:
    """The 9-digit SIREN, or `IdentifierError`."""
    number = _digits(value, 9, "SIREN")
    if not luhn_valid(number):
        raise IdentifierError(
            f"Le SIREN {number} est invalide : sa clé de contrôle ne correspond pas "
            "(vérifiez chaque chiffre, par exemple sur un extrait Kbis ou l'avis de situation "
            "INSEE)."
        )
    return number


def siret_key_valid(number: str) -> bool:
    """The key of a 14-digit SIRET: Luhn, or La Poste's sum of digits multiple of 5."""
    if number.startswith(LA_POSTE_SIREN) and number != LA_POSTE_HEAD_OFFICE:
        return sum(int(char) for char in number) % 5 == 0
    return luhn_valid(number)


def check_siret(value: str) -> str:
    """The 14-digit SIRET, or `IdentifierError`."""
    number = _digits(value, 14, "SIRET")
    if not siret_key_valid(number) or not luhn_valid(number[:9]):
        raise IdentifierError(
            f"Le SIRET {number} est invalide : sa clé de contrôle ne correspond pas "
            "(vérifiez chaque chiffre, par exemple sur un extrait Kbis ou l'avis de situation "
            "INSEE)."
        )
    return number


def french_vat_key(siren: str) -> str:
    """The 2-digit key of a French VAT number: (12 + 3 × (SIREN mod 97)) mod 97."""
    return f"{(12 + 3 * (int(siren) % 97)) % 97:02d}"


def french_vat_number(siren: str) -> str:
    """FR + key + SIREN: the VAT number the tax office gives a French company."""
    number = check_siren(siren)
    return f"FR{french_vat_key(number)}{number}"


def check_vat_number(value: str) -> str:
    """A compact intra-EU VAT number (country prefix + national part), or `IdentifierError`."""
    number = compact(value)
    country, national = number[:2], number[2:]
    if country not in EU_VAT_FORMATS:
        raise IdentifierError(
            f"Le n° de TVA intracommunautaire « {value} » doit commencer par le code d'un pays "
            "de l'Union européenne (FR, DE, BE, EL pour la Grèce...)."
        )
    if not re.fullmatch(EU_VAT_FORMATS[country], national):
        raise IdentifierError(
            f"Le n° de TVA intracommunautaire « {value} » n'a pas le format du pays {country}."
        )
    if country == "FR":
        key, siren = national[:2], national[2:]
        if key.isdigit():
            if not luhn_valid(siren):
                raise IdentifierError(
                    f"Le n° de TVA intracommunautaire {number} est invalide : le SIREN {siren} "
                    "qu'il contient n'a pas une clé de contrôle correcte."
                )
            expected = french_vat_key(siren)
            if key != expected:
                raise IdentifierError(
                    f"Le n° de TVA intracommunautaire {number} est invalide : pour le SIREN "
                    f"{siren}, la clé est {expected} (FR{expected}{siren})."
                )
    return number


def vat_number_siren(number: str) -> str:
    """The SIREN inside a compact French VAT number, "" for another country."""
    return number[4:] if number.startswith("FR") and len(number) == 13 else ""
