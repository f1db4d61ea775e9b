"""Forms of the activity account's side: expenses (with their receipt), the salary simulation,
salaries paid, and management's forms (contribution rule, the cooperative's identity, the FEC
export). Amounts are typed as text ("1 200,50") and parsed by the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from essaim.finance.contribution import PRESETS
from essaim.finance.forms.invoicing import DATE, amount_input
from essaim.finance.models import Cooperative, ExpenseCategory
from essaim.finance.services.expenses import RECEIPT_MAX_BYTES


class ExpenseForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    category = forms.ChoiceField(label=_("Catégorie"), choices=ExpenseCategory.choices)
    supplier = forms.CharField(label=_("Fournisseur"), max_length=200, required=False)
    label = forms.CharField(label=_("Libellé"), max_length=255, required=False)
    amount_net = forms.CharField(
        label=_("Montant HT (€)"), max_length=20, required=False, widget=amount_input()
    )
    vat = forms.CharField(label=_("TVA (€)"), max_length=20, required=False, widget=amount_input())
    receipt = forms.FileField(
        label=_("Justificatif"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        help_text=format_lazy(
            _("PDF, photo JPEG ou image PNG, {mb} Mo au plus."), mb=RECEIPT_MAX_BYTES // 2**20
        ),
    )


def _decimal_text(value: str, label: Any) -> Decimal:
    text = (value or "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(
            _("%(f)s : « %(v)s » n'est pas un montant.") % {"f": label, "v": value}
        ) from None
    if not number.is_finite() or number < 0:
        raise forms.ValidationError(_("%(f)s : un montant positif.") % {"f": label})
    return number


class SimulationForm(forms.Form):
    """Which salary an amount pays, or what a wanted net costs (a calculator: GET)."""

    EMPLOYER_COST = "cout"
    NET = "net"

    year = forms.TypedChoiceField(label=_("Année"), coerce=int)
    mode = forms.ChoiceField(
        label=_("Je connais"),
        choices=[
            (EMPLOYER_COST, _("le montant disponible (coût employeur)")),
            (NET, _("le salaire net que je souhaite")),
        ],
        initial=EMPLOYER_COST,
        widget=forms.RadioSelect,
    )
    amount = forms.CharField(label=_("Montant mensuel (€)"), max_length=20, widget=amount_input())
    hours = forms.CharField(
        label=_("Heures payées dans le mois"),
        max_length=10,
        initial="151,67",
        widget=amount_input(),
        help_text=_("151,67 h pour un temps plein."),
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(year), str(year)) for year in years]

    def clean_amount(self) -> Decimal:
        return _decimal_text(self.cleaned_data["amount"], _("Montant"))

    def clean_hours(self) -> Decimal:
        hours = _decimal_text(self.cleaned_data["hours"], _("Heures"))
        if not Decimal(0) < hours <= Decimal(400):
            raise forms.ValidationError(_("Entre 0 et 400 heures dans le mois."))
        return hours


class WhatIfForm(forms.Form):
    """ "What if I invoice X this month?" (a calculator: GET)."""

    extra = forms.CharField(
        label=_("Si je facture en plus ce mois-ci (€ HT)"),
        max_length=20,
        widget=amount_input(),
    )

    def clean_extra(self) -> Decimal:
        return _decimal_text(self.cleaned_data["extra"], _("Montant"))


class SalaryForm(forms.Form):
    month = forms.DateField(
        label=_("Mois"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d", "%m/%Y", "%d/%m/%Y"],
        help_text=_("Le mois du salaire."),
    )
    employer_cost = forms.CharField(
        label=_("Coût employeur (€)"), max_length=20, required=False, widget=amount_input()
    )
    net = forms.CharField(
        label=_("Salaire net (€)"), max_length=20, required=False, widget=amount_input()
    )
    hours = forms.CharField(
        label=_("Heures payées"), max_length=10, initial="151,67", widget=amount_input()
    )


# ---------------------------------------------------------------------------------------------
# Management


def preset_choices() -> list[tuple[str, str]]:
    return [(key, rule.name) for key, rule in PRESETS.items()]


class ContributionRuleForm(forms.Form):
    preset = forms.ChoiceField(
        label=_("Modèle de contribution"),
        choices=preset_choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez un modèle de contribution.")},
    )
    valid_from = forms.DateField(
        label=_("En vigueur à partir du"), widget=DATE, initial=timezone.localdate
    )
    name = forms.CharField(
        label=_("Nom de la règle"),
        max_length=120,
        required=False,
        help_text=_("Laissez vide pour garder le nom du modèle."),
    )


def _identity_field(name: str, **overrides: Any) -> Any:
    return Cooperative._meta.get_field(name).formfield(**overrides)


class CooperativeForm(forms.Form):
    """The cooperative's identity; identifiers may be typed with spaces (the service compacts
    and checks them)."""

    name = _identity_field("name")
    legal_form = _identity_field("legal_form")
    siren = _identity_field("siren", max_length=15)
    siret = _identity_field("siret", max_length=20)
    vat_number = _identity_field("vat_number", max_length=25)
    rcs = _identity_field("rcs")
    address = _identity_field("address")
    postal_code = _identity_field("postal_code")
    city = _identity_field("city")
    country = _identity_field("country")
    email = _identity_field("email")
    iban = _identity_field("iban", max_length=50)
    bic = _identity_field("bic", max_length=15)
    payment_terms_days = _identity_field("payment_terms_days")
    late_payment_rate = _identity_field("late_payment_rate")
    numbering_pattern = _identity_field("numbering_pattern")


class FecForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Exercice (année civile)"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        field = self.fields["year"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(y), str(y)) for y in range(this_year, this_year - 11, -1)]
        field.initial = str(
            this_year - 1 if timezone.localdate() < dt.date(this_year, 4, 1) else this_year
        )
