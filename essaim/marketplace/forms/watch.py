"""Forms of the business watch: the feed's filters, posting an opportunity, importing a CSV
file, one's subscriptions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from essaim.marketplace.models import OpportunityKind
from essaim.marketplace.services.requests import clean_money
from essaim.skills import geo
from essaim.skills.forms import DATE, DirectoryForm
from essaim.skills.node_picker import NodePickerForm

IMPORT_MAX_BYTES = 5 * 1024 * 1024


class WatchFilterForm(DirectoryForm):
    """The feed's filters: a kind, a trade or domain (and what lies below), my subscriptions."""

    q = None  # type: ignore[assignment]
    available = None  # type: ignore[assignment]
    min_level = None  # type: ignore[assignment]
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous"))] + list(OpportunityKind.choices)
    )
    abonnements = forms.BooleanField(label=_("Selon mes abonnements"), required=False)

    field_order = ["kind", "skill", "abonnements"]

    def __init__(self, *args: Any, subscriber: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["zone"]
        if not subscriber:
            del self.fields["abonnements"]


class OpportunityForm(NodePickerForm):
    picker_after = "client"
    nodes_label = _("Compétences recherchées")

    kind = forms.ChoiceField(label=_("Type"), choices=OpportunityKind.choices)
    title = forms.CharField(label=_("Titre"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    client = forms.CharField(label=_("Client ou acheteur"), required=False, max_length=200)
    deadline = forms.DateField(label=_("Date limite de réponse"), required=False, widget=DATE)
    source_url = forms.CharField(
        label=_("Lien vers la source"),
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    zone = forms.CharField(
        label=_("Département"),
        required=False,
        max_length=3,
        help_text=_("Par exemple : 75, 93, 2A, 974. Laissez vide si le lieu est indifférent."),
    )
    budget = forms.CharField(
        label=_("Budget estimé hors taxes (€)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def clean_zone(self) -> str:
        value = self.cleaned_data["zone"].strip()
        if value and geo.normalise_zone(value) is None:
            raise ValidationError(
                _("« %(value)s » n'est pas un département français (ex. 75, 93, 2A, 974)."),
                params={"value": value},
            )
        return geo.normalise_zone(value) or "" if value else ""

    def clean_budget(self) -> Decimal | None:
        value = self.cleaned_data["budget"]
        try:
            return clean_money(value, "budget")
        except ValidationError:
            raise ValidationError(
                _(
                    "« %(value)s » n'est pas un montant : écrivez un nombre positif avec au plus "
                    "deux décimales, par exemple 15000,00."
                ),
                params={"value": value},
            ) from None


class OpportunityImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Colonnes reference;type;titre;description;client;competences;date_limite;lien;"
            "departement;budget — en UTF-8, séparateur « ; » ou « , »."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError(
                _("Le fichier doit se terminer par .csv (reçu : %(name)s)."),
                params={"name": upload.name},
            )
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("Le fichier pèse %(size)s Mo : 5 Mo au plus."),
                params={"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")},
            )
        return upload


class SubscriptionForm(NodePickerForm):
    nodes_required = False
    nodes_label = _("Compétences suivies")
