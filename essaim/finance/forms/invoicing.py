"""Forms of invoicing: customers, estimates and invoices with their lines, payments, credit
notes, and the list filters.

They check the shape of what is typed; the services check the substance (SIRET keys, VAT
rates, amounts) and say in French what is wrong, which the pages show on the field or the line
concerned. Amounts are typed as text ("1 200,50") and parsed by the services.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.finance.models import (
    Customer,
    CustomerKind,
    EstimateStatus,
    InvoiceKind,
    InvoiceStatus,
    PaymentMethod,
    Unit,
    VatRate,
)
from essaim.members.models import Member

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A document's lines: the rows already there, then this many empty ones to fill (no script
# needed to add a line); a longer document is saved and edited again for more.
EXTRA_LINES = 10
SHOWN_EMPTY_LINES = 2
MAX_LINES = 200
LINES_PREFIX = "lignes"


def amount_input(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs})


class CustomerForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type de client"),
        choices=CustomerKind.choices,
        initial=CustomerKind.COMPANY,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Nom"),
        required=False,
        max_length=200,
        help_text=_("Raison sociale, ou prénom et nom d'un particulier."),
    )
    siret = forms.CharField(
        label=_("SIRET"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("14 chiffres, pour une entreprise (le SIREN en est déduit)."),
    )
    siren = forms.CharField(
        label=_("SIREN"),
        required=False,
        max_length=15,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("9 chiffres, si vous n'avez pas le SIRET."),
    )
    vat_number = forms.CharField(
        label=_("N° de TVA intracommunautaire"),
        required=False,
        max_length=20,
        help_text=_("Par exemple FR40303265045."),
    )
    member = forms.ModelChoiceField(
        label=_("Membre de la coopérative"),
        required=False,
        queryset=Member.objects.none(),
        help_text=_("Pour un client interne : un autre membre qui a une enseigne."),
    )
    address = forms.CharField(
        label=_("Adresse"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.CharField(
        label=_("Code postal"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    city = forms.CharField(
        label=_("Ville"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    country = forms.CharField(
        label=_("Pays (code à deux lettres)"), initial="FR", max_length=2, required=False
    )
    email = forms.CharField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members

    @staticmethod
    def initial_of(customer: Customer) -> dict[str, Any]:
        fields = ("kind", "name", "siret", "siren", "vat_number", "address", "postal_code")
        values = {name: getattr(customer, name) for name in fields}
        return values | {
            "city": customer.city,
            "country": customer.country,
            "email": customer.email,
            "member": customer.member_id,
        }


# ---------------------------------------------------------------------------------------------
# Documents and their lines


class DocumentForm(forms.Form):
    """The head of an invoice or an estimate (the lines are a formset beside it)."""

    customer = forms.ModelChoiceField(
        label=_("Client"),
        queryset=Customer.objects.none(),
        empty_label=_("— choisissez un client —"),
        error_messages={"required": _("Choisissez le client.")},
    )
    subject = forms.CharField(label=_("Objet"), max_length=255, required=False)
    notes = forms.CharField(
        label=_("Mentions particulières"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Conditions, références de commande… imprimées sur le document."),
    )

    def __init__(self, *args: Any, customers: QuerySet[Customer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["customer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = customers


class InternalInvoiceForm(forms.Form):
    """The head of an invoice to another member for a marketplace deal (the customer is the
    deal's buyer)."""

    subject = forms.CharField(label=_("Objet"), max_length=255, required=False)
    notes = forms.CharField(
        label=_("Mentions particulières"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EstimateForm(DocumentForm):
    date = forms.DateField(label=_("Date du devis"), widget=DATE, initial=timezone.localdate)
    valid_until = forms.DateField(label=_("Valable jusqu'au"), required=False, widget=DATE)

    field_order = ["customer", "subject", "date", "valid_until", "notes"]


class LineForm(forms.Form):
    label = forms.CharField(label=_("Désignation"), required=False, max_length=255)
    quantity = forms.CharField(
        label=_("Quantité"), required=False, max_length=20, widget=amount_input(size=6)
    )
    unit = forms.ChoiceField(label=_("Unité"), choices=Unit.choices, initial=Unit.DAY)
    unit_price = forms.CharField(
        label=_("Prix unitaire HT (€)"), required=False, max_length=20, widget=amount_input(size=8)
    )
    discount = forms.CharField(
        label=_("Remise (%)"), required=False, max_length=10, widget=amount_input(size=4)
    )
    vat_rate = forms.ChoiceField(
        label=_("TVA"), choices=VatRate.choices, initial=VatRate.NORMAL.value
    )
    exemption_reason = forms.CharField(
        label=_("Motif d'exonération (TVA 0 %)"), required=False, max_length=255
    )

    TYPED = ("label", "quantity", "unit_price", "discount", "exemption_reason")

    def is_blank(self) -> bool:
        """Nothing typed in the row (the unit and rate have defaults and do not count)."""
        data = getattr(self, "cleaned_data", {})
        return not any(str(data.get(name) or "").strip() for name in self.TYPED)

    def line(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name, "") for name in self.base_fields}


class BaseLineFormSet(forms.BaseFormSet):
    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        # Every row is read as it was posted, an unchanged pre-filled row included (Django
        # would skip an "extra" row equal to its initial values); a blank row is just blank.
        form = super()._construct_form(i, **kwargs)
        form.empty_permitted = False
        return form

    def kept(self) -> list[LineForm]:
        """The rows that are lines: filled and not removed, in the order of the page."""
        return [
            form
            for form in self.forms
            if not form.is_blank() and not self._should_delete_form(form)
        ]

    def lines(self) -> list[dict[str, Any]]:
        return [form.line() for form in self.kept()]

    def show_errors(self, line_errors: Sequence[tuple[int | None, str, str]]) -> list[str]:
        """Put a service's line errors on their rows (index = rank among the kept rows);
        return those that concern no row, for the page's head."""
        kept = self.kept()
        general = []
        for index, field, message in line_errors:
            if index is None or index >= len(kept):
                general.append(message)
                continue
            form = kept[index]
            form.add_error(field if field in form.fields else None, message)
        return general

    def shown(self) -> int:
        """How many rows are open at first; the other empty ones wait in a fold."""
        filled = sum(1 for form in self.forms if not _row_blank(form))
        return min(len(self.forms), filled + SHOWN_EMPTY_LINES)


def _row_blank(form: LineForm) -> bool:
    if form.is_bound:
        return not any(
            str(form.data.get(form.add_prefix(name)) or "").strip() for name in LineForm.TYPED
        )
    return not any(form.initial.get(name) for name in LineForm.TYPED)


def line_formset(
    data: Any = None, *, initial: Sequence[dict[str, Any]] | None = None
) -> BaseLineFormSet:
    """The lines of a document: its rows, then EXTRA_LINES empty ones."""
    factory = forms.formset_factory(
        LineForm,
        formset=BaseLineFormSet,
        extra=EXTRA_LINES,
        max_num=MAX_LINES,
        absolute_max=MAX_LINES,
        validate_max=True,
        can_delete=True,
    )
    formset = factory(data, initial=list(initial or []), prefix=LINES_PREFIX)
    formset.error_messages = {
        **formset.error_messages,
        "too_many_forms": _("%(num)d lignes au plus par document.") % {"num": MAX_LINES},
    }
    for form in formset.forms:
        form.fields["DELETE"].label = _("Retirer cette ligne")
    return formset


def line_initial(lines: Any) -> list[dict[str, Any]]:
    """Stored lines as the formset's rows (amounts written the French way)."""
    return [
        {
            "label": line.label,
            "quantity": french(line.quantity),
            "unit": line.unit,
            "unit_price": french(line.unit_price),
            "discount": french(line.discount) if line.discount else "",
            "vat_rate": line.vat_rate,
            "exemption_reason": line.exemption_reason,
        }
        for line in lines
    ]


def french(value: Any) -> str:
    """1200.5000 → "1200,5" (no useless zeros, a decimal comma)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def amount_text(value: Any) -> str:
    """An amount as typed in a field: 1620.6 → "1620,60"."""
    return f"{value:.2f}".replace(".", ",")


# ---------------------------------------------------------------------------------------------
# Payments and credit notes


class PaymentForm(forms.Form):
    date = forms.DateField(label=_("Date de réception"), widget=DATE, initial=timezone.localdate)
    amount = forms.CharField(label=_("Montant reçu (€)"), max_length=20, widget=amount_input())
    method = forms.ChoiceField(
        label=_("Moyen de paiement"), choices=PaymentMethod.choices, initial=PaymentMethod.TRANSFER
    )
    reference = forms.CharField(
        label=_("Référence"),
        required=False,
        max_length=100,
        help_text=_("N° de chèque, libellé du virement…"),
    )


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'avoir"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Par exemple : erreur de quantité, prestation annulée."),
    )


class EstimateStatusForm(forms.Form):
    status = forms.ChoiceField(choices=EstimateStatus.choices)


# ---------------------------------------------------------------------------------------------
# List filters


def _year_choices(years: Sequence[int]) -> list[tuple[str, str]]:
    return [("", _("Toutes"))] + [(str(year), str(year)) for year in years]


class InvoiceFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous")), *InvoiceKind.choices]
    )
    status = forms.ChoiceField(
        label=_("État"), required=False, choices=[("", _("Tous")), *InvoiceStatus.choices]
    )
    year = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _year_choices(years)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"status": "", "kind": "", "year": None}
        data = self.cleaned_data
        return {"status": data["status"], "kind": data["kind"], "year": data["year"]}


class EstimateFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("État"), required=False, choices=[("", _("Tous")), *EstimateStatus.choices]
    )

    def filters(self) -> dict[str, Any]:
        return {"status": self.cleaned_data["status"] if self.is_valid() else ""}
