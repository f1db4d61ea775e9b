"""The cooperative's identity printed on every document (one row): name, legal form, SIREN,
VAT number, address, bank details, payment terms, late-payment rate, numbering pattern."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from essaim.core.audit import diff, log_action
from essaim.core.models import User
from essaim.finance import identifiers
from essaim.finance.models import Cooperative
from essaim.finance.services.numbering import numbering_pattern_errors

IDENTITY_FIELDS = (
    "name",
    "legal_form",
    "siren",
    "siret",
    "vat_number",
    "rcs",
    "address",
    "postal_code",
    "city",
    "country",
    "email",
    "iban",
    "bic",
    "payment_terms_days",
    "late_payment_rate",
    "numbering_pattern",
)
REQUIRED = ("name", "siren", "address", "postal_code", "city")


def _check(field: str, check: Any, value: str) -> str:
    try:
        return check(value)
    except identifiers.IdentifierError as error:
        raise ValidationError({field: str(error)}) from error


def _iban(value: str) -> str:
    """A compact IBAN whose ISO 13616 key holds (mod 97 = 1)."""
    iban = identifiers.compact(value)
    if not iban:
        return ""
    if not (15 <= len(iban) <= 34 and iban[:2].isalpha() and iban[2:4].isdigit()):
        raise ValidationError(
            {"iban": _("L'IBAN « %(v)s » n'a pas la forme d'un IBAN (FR76 …).") % {"v": value}}
        )
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    if not iban.isalnum() or int(digits) % 97 != 1:
        raise ValidationError(
            {"iban": _("L'IBAN %(v)s est invalide : sa clé ne correspond pas.") % {"v": iban}}
        )
    return iban


@transaction.atomic
def cooperative_save(*, actor: User | None, **values: Any) -> Cooperative:
    """Create or update the cooperative's identity (the fields of IDENTITY_FIELDS)."""
    unknown = sorted(set(values) - set(IDENTITY_FIELDS))
    if unknown:
        raise ValidationError(_("Champs inconnus : %(f)s.") % {"f": ", ".join(unknown)})
    cleaned = {
        name: " ".join(str(value).split()) if isinstance(value, str) else value
        for name, value in values.items()
    }
    for name in REQUIRED:
        if not cleaned.get(name):
            label = Cooperative._meta.get_field(name).verbose_name
            raise ValidationError(
                {name: _("%(f)s : à renseigner.") % {"f": str(label).capitalize()}}
            )
    cleaned["siren"] = _check("siren", identifiers.check_siren, cleaned["siren"])
    if cleaned.get("siret"):
        cleaned["siret"] = _check("siret", identifiers.check_siret, cleaned["siret"])
        if cleaned["siret"][:9] != cleaned["siren"]:
            raise ValidationError(
                {"siret": _("Le SIRET du siège doit commencer par le SIREN %(s)s.")
                 % {"s": cleaned["siren"]}}
            )  # fmt: skip
    if cleaned.get("vat_number"):
        cleaned["vat_number"] = _check(
            "vat_number", identifiers.check_vat_number, cleaned["vat_number"]
        )
    if "iban" in cleaned:
        cleaned["iban"] = _iban(cleaned["iban"] or "")
    if "bic" in cleaned:
        cleaned["bic"] = identifiers.compact(cleaned["bic"] or "")
    if "country" in cleaned:
        cleaned["country"] = (cleaned["country"] or "FR").upper()
    if "numbering_pattern" in cleaned:
        errors = numbering_pattern_errors(cleaned["numbering_pattern"] or "")
        if errors:
            raise ValidationError({"numbering_pattern": errors})
    cooperative = Cooperative.objects.select_for_update().order_by("pk").first()
    before = {}
    if cooperative is None:
        cooperative = Cooperative()
    else:
        before = {name: getattr(cooperative, name) for name in IDENTITY_FIELDS}
    for name, value in cleaned.items():
        setattr(cooperative, name, value)
    cooperative.save()
    after = {name: getattr(cooperative, name) for name in IDENTITY_FIELDS}
    log_action(
        actor=actor,
        action="cooperative.updated" if before else "cooperative.created",
        target=cooperative,
        changes=diff(before, after),
    )
    return cooperative
