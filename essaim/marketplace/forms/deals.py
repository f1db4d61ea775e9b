"""Forms of the deals area: filters of the list, a deal recorded by hand, a status change,
feedback on another party."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.marketplace.models import DealKind, DealOrigin, DealStatus
from essaim.marketplace.selectors.deals import DealFilters, members_by_ids

BUYER, PROVIDER = "buyer", "provider"
RATING_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]
# A deal recorded by hand may already be under way, or over.
RATING_ERRORS = {
    "required": _("Donnez une note de 1 à 5."),
    "invalid_choice": _("Donnez une note de 1 à 5."),
}
RECORD_STATUSES = [
    (DealStatus.PLANNED, DealStatus.PLANNED.label),
    (DealStatus.IN_PROGRESS, DealStatus.IN_PROGRESS.label),
    (DealStatus.DONE, DealStatus.DONE.label),
]


class DealFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous"))] + DealKind.choices
    )
    status = forms.ChoiceField(
        label=_("État"), required=False, choices=[("", _("Tous"))] + DealStatus.choices
    )
    year = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Toutes"))] + [(y, str(y)) for y in years]

    def filters(self) -> DealFilters:
        if not self.is_bound or not self.is_valid():
            return DealFilters()
        data = self.cleaned_data
        return DealFilters(kind=data["kind"], status=data["status"], year=data["year"])


class DealForm(forms.Form):
    """A deal an entrepreneur records by hand, as buyer or as provider."""

    role = forms.ChoiceField(
        label=_("Dans cette affaire, je suis"),
        choices=[
            (BUYER, _("donneur d'ordre (j'achète, ou je mène la réponse commune)")),
            (PROVIDER, _("prestataire (je travaille pour un autre membre)")),
        ],
        widget=forms.RadioSelect,
        initial=BUYER,
    )
    member_search = forms.CharField(
        label=_("Chercher un membre"),
        required=False,
        max_length=100,
        help_text=_("Tapez un nom, puis cochez le ou les membres concernés."),
    )
    members = forms.TypedMultipleChoiceField(
        label=_("Membres choisis"),
        required=False,
        coerce=int,
        choices=[],
        error_messages={
            "invalid_choice": _(
                "Vous ne pouvez choisir ni vous-même, ni un membre qui a quitté la coopérative."
            )
        },
    )
    kind = forms.ChoiceField(label=_("Type d'affaire"), choices=DealKind.choices)
    title = forms.CharField(label=_("Objet"), max_length=200)
    amount = forms.CharField(
        label=_("Montant hors taxes (€)"),
        required=False,
        max_length=20,
        help_text=_("Laissez vide pour un échange de services sans argent."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    hours = forms.CharField(
        label=_("Heures"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    start_date = forms.DateField(
        label=_("Début"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("Fin"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("État"), choices=RECORD_STATUSES, initial=DealStatus.PLANNED)
    origin = forms.ChoiceField(
        label=_("Comment vous êtes-vous trouvés ?"),
        choices=[
            (DealOrigin.DIRECT, DealOrigin.DIRECT.label),
            (DealOrigin.INTRODUCTION, DealOrigin.INTRODUCTION.label),
        ],
        initial=DealOrigin.DIRECT,
    )

    def __init__(self, *args: Any, me: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.me = me
        wanted = self._wanted_ids()
        # Only present members may be chosen; never oneself.
        self.chosen = [m for m in members_by_ids(wanted) if m.pk != me] if wanted else []
        self.fields["members"].choices = [(m.pk, str(m)) for m in self.chosen]

    def _wanted_ids(self) -> list[int]:
        if not self.is_bound:
            return []
        ids = []
        for value in self.data.getlist(self.add_prefix("members")):
            try:
                ids.append(int(value))
            except ValueError:
                continue
        return ids

    def clean_members(self) -> list[int]:
        members = self.cleaned_data["members"]
        if not members:
            raise forms.ValidationError(
                _("Choisissez au moins un autre membre : tapez son nom, puis cochez-le.")
            )
        return members

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        members = data.get("members") or []
        if data.get("role") == PROVIDER and len(members) > 1:
            self.add_error(
                "members",
                _(
                    "Quand vous êtes prestataire, choisissez un seul membre : votre donneur "
                    "d'ordre. Pour une réponse commune, c'est le membre qui la mène qui "
                    "enregistre l'affaire."
                ),
            )
        return data

    def chosen_members(self) -> list[Any]:
        ids = set(self.cleaned_data.get("members") or [])
        return [m for m in self.chosen if m.pk in ids]


class DealStatusForm(forms.Form):
    status = forms.ChoiceField(choices=DealStatus.choices)
    done_at = forms.DateField(
        label=_("Terminée le"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class FeedbackForm(forms.Form):
    """Feedback on one other party of a done deal (`about` is that member's id)."""

    about = forms.IntegerField(widget=forms.HiddenInput)
    would_work_again = forms.TypedChoiceField(
        label=_("Retravailleriez-vous avec cette personne ?"),
        choices=[("oui", _("Oui")), ("non", _("Non"))],
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": _("Répondez par oui ou par non.")},
    )
    quality = forms.TypedChoiceField(
        label=_("Qualité du travail (1 à 5)"),
        choices=RATING_CHOICES,
        coerce=int,
        error_messages=RATING_ERRORS,
    )
    deadlines = forms.TypedChoiceField(
        label=_("Respect des délais (1 à 5)"),
        choices=RATING_CHOICES,
        coerce=int,
        error_messages=RATING_ERRORS,
    )
    communication = forms.TypedChoiceField(
        label=_("Communication (1 à 5)"),
        choices=RATING_CHOICES,
        coerce=int,
        error_messages=RATING_ERRORS,
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Privé : lu par cette personne et par l'accompagnement seulement."),
    )
