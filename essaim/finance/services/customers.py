"""Customers of an activity: companies (SIREN/SIRET and VAT number checked), individuals, and
other members of the cooperative (internal customers)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from essaim.core.audit import diff, log_action
from essaim.core.models import User
from essaim.finance import identifiers
from essaim.finance.models import Customer, CustomerKind
from essaim.members.models import Activity, CurrentStage, Member

CUSTOMER_FIELDS = (
    "kind",
    "name",
    "siren",
    "siret",
    "vat_number",
    "address",
    "postal_code",
    "city",
    "country",
    "email",
    "member_id",
)


def _snapshot(customer: Customer) -> dict[str, Any]:
    return {field: getattr(customer, field) for field in CUSTOMER_FIELDS}


def _text(value: object, field: str, label: str, max_length: int) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > max_length:
        raise ValidationError(
            {
                field: _("%(label)s : %(n)s caractères au plus (%(len)s saisis).")
                % {"label": label, "n": max_length, "len": len(text)}
            }
        )
    return text


def _company_identifiers(siren: str, siret: str, vat_number: str) -> tuple[str, str, str]:
    """Checked and compact SIREN, SIRET and VAT number; the SIREN is the SIRET's first 9
    digits when both are given (or only the SIRET)."""
    try:
        siret = identifiers.check_siret(siret) if siret.strip() else ""
    except identifiers.IdentifierError as error:
        raise ValidationError({"siret": str(error)}) from error
    try:
        siren = identifiers.check_siren(siren) if siren.strip() else ""
    except identifiers.IdentifierError as error:
        raise ValidationError({"siren": str(error)}) from error
    if siret and siren and siret[:9] != siren:
        raise ValidationError(
            {
                "siret": _(
                    "Le SIRET %(siret)s n'est pas un établissement du SIREN %(siren)s : ses 9 "
                    "premiers chiffres devraient être %(siren)s."
                )
                % {"siret": siret, "siren": siren}
            }
        )
    siren = siren or siret[:9]
    try:
        vat_number = identifiers.check_vat_number(vat_number) if vat_number.strip() else ""
    except identifiers.IdentifierError as error:
        raise ValidationError({"vat_number": str(error)}) from error
    vat_siren = identifiers.vat_number_siren(vat_number)
    if vat_siren and siren and vat_siren != siren and vat_number[2:4].isdigit():
        raise ValidationError(
            {
                "vat_number": _(
                    "Le n° de TVA %(vat)s est celui du SIREN %(other)s, pas du SIREN %(siren)s "
                    "de ce client (son n° serait %(expected)s)."
                )
                % {
                    "vat": vat_number,
                    "other": vat_siren,
                    "siren": siren,
                    "expected": identifiers.french_vat_number(siren),
                }
            }
        )
    return siren, siret, vat_number


def _check_internal_customer(
    *, activity: Activity, member: Member | None, customer: Customer | None
) -> Member:
    """Another present member of the cooperative with an activity, not a customer twice."""
    if member is None:
        raise ValidationError({"member": _("Choisissez le membre de la coopérative client.")})
    member = Member.objects.select_related("activity").get(pk=member.pk)
    if member.pk == activity.member_id:
        raise ValidationError(
            {"member": _("On ne se facture pas soi-même : choisissez un autre membre.")}
        )
    if member.stage == CurrentStage.EXITED or member.exit_date is not None:
        raise ValidationError(
            {
                "member": _("%(name)s a quitté la coopérative : ce n'est plus un client interne.")
                % {"name": member}
            }
        )
    if not hasattr(member, "activity"):
        raise ValidationError(
            {
                "member": _(
                    "%(name)s n'a pas d'enseigne dans la coopérative : un client interne doit "
                    "en avoir une pour enregistrer son achat."
                )
                % {"name": member}
            }
        )
    twins = Customer.objects.filter(activity=activity, member=member)
    if customer is not None:
        twins = twins.exclude(pk=customer.pk)
    if twins.exists():
        raise ValidationError(
            {"member": _("%(name)s est déjà l'un de vos clients.") % {"name": member}}
        )
    return member


@transaction.atomic
def customer_save(
    *,
    actor: User | None,
    activity: Activity,
    customer: Customer | None = None,
    kind: str,
    name: str = "",
    siren: str = "",
    siret: str = "",
    vat_number: str = "",
    address: str = "",
    postal_code: str = "",
    city: str = "",
    country: str = "FR",
    email: str = "",
    member: Member | None = None,
) -> Customer:
    """Create (customer=None) or update a customer of `activity`."""
    if kind not in CustomerKind.values:
        raise ValidationError({"kind": _("Type de client inconnu : %(v)s.") % {"v": kind}})
    if customer is not None:
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.activity_id != activity.pk:
            raise ValidationError(_("Ce client appartient à une autre enseigne."))
    name = _text(name, "name", _("Nom"), 200)
    country = (country or "FR").strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise ValidationError(
            {
                "country": _("Pays « %(v)s » : donnez son code à deux lettres (FR, BE, DE...).")
                % {"v": country}
            }
        )
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError(
                {"email": _("L'adresse e-mail « %(v)s » n'est pas valide.") % {"v": email}}
            ) from error
    if kind == CustomerKind.COMPANY:
        siren, siret, vat_number = _company_identifiers(siren or "", siret or "", vat_number or "")
        member = None
    elif kind == CustomerKind.INDIVIDUAL:
        siren = siret = vat_number = ""
        member = None
    else:
        member = _check_internal_customer(activity=activity, member=member, customer=customer)
        siren = siret = vat_number = ""
        name = name or f"{member.activity.name} ({member})"
        email = email or member.email
        postal_code = postal_code or member.postal_code
        city = city or member.city
    if not name:
        raise ValidationError({"name": _("Donnez le nom du client.")})
    values = {
        "kind": kind,
        "name": name,
        "siren": siren,
        "siret": siret,
        "vat_number": vat_number,
        "address": _text(address, "address", _("Adresse"), 255),
        "postal_code": _text(postal_code, "postal_code", _("Code postal"), 10),
        "city": _text(city, "city", _("Ville"), 120),
        "country": country,
        "email": email,
        "member": member,
    }
    if customer is None:
        customer = Customer.objects.create(activity=activity, **values)
        log_action(
            actor=actor,
            action="customer.created",
            target=customer,
            data={**_snapshot(customer), "activity": activity},
        )
        return customer
    before = _snapshot(customer)
    for field, value in values.items():
        setattr(customer, field, value)
    changes = diff(before, _snapshot(customer))
    if changes:
        customer.save()
        log_action(actor=actor, action="customer.updated", target=customer, changes=changes)
    return customer


def internal_customer_for(*, actor: User | None, activity: Activity, member: Member) -> Customer:
    """The customer of `activity` that is the member `member`, created when absent."""
    existing = Customer.objects.filter(activity=activity, member=member).first()
    if existing is not None:
        return existing
    return customer_save(actor=actor, activity=activity, kind=CustomerKind.MEMBER, member=member)
