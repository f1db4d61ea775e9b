"""Forms of the offers: browsing and searching, writing one. They check the input's shape and
say what is wrong in French; the services check the business rules again and write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from essaim.marketplace.models import Audience
from essaim.marketplace.services.requests import clean_money
from essaim.skills.forms import DirectoryForm
from essaim.skills.models import PriceUnit
from essaim.skills.node_picker import NodePickerForm


class OfferSearchForm(DirectoryForm):
    """The directory's search box and facets, for offers: words, a trade or domain, a
    département."""

    available = None  # type: ignore[assignment]
    min_level = None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Un service, un savoir-faire, un besoin…")


class ShowcaseSearchForm(OfferSearchForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["zone"]  # members' zones stay inside the cooperative


class OfferForm(NodePickerForm):
    picker_after = "description"
    nodes_label = _("Compétences concernées")

    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ce que vous proposez, pour qui, comment, dans quels délais."),
    )
    price = forms.CharField(
        label=_("Prix hors taxes (€)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "35,00"}),
        help_text=_("Laissez vide pour « sur devis »."),
    )
    price_unit = forms.ChoiceField(
        label=_("Unité du prix"),
        required=False,
        choices=[("", _("— sur devis —"))] + list(PriceUnit.choices),
    )
    audience = forms.ChoiceField(
        label=_("Qui voit cette offre"),
        choices=Audience.choices,
        initial=Audience.MEMBERS,
        widget=forms.RadioSelect,
        help_text=_(
            "La vitrine publique montre l'offre et le nom de votre activité, jamais vos "
            "coordonnées : on vous contacte par la coopérative."
        ),
    )
    active = forms.BooleanField(
        label=_("Offre publiée (décochez pour la mettre en pause)"), required=False, initial=True
    )

    def clean_price(self) -> Decimal | None:
        value = self.cleaned_data["price"]
        try:
            return clean_money(value, "price")
        except ValidationError:
            raise ValidationError(
                _(
                    "« %(value)s » n'est pas un prix : écrivez un montant positif avec au plus "
                    "deux décimales (ex. 35,00), ou laissez vide pour « sur devis »."
                ),
                params={"value": value},
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("price") is not None and not data.get("price_unit"):
            self.add_error(
                "price_unit", _("Indiquez l'unité du prix (l'heure, la journée, la prestation…).")
            )
        return data
