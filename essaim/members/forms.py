"""Forms of the members area: they check input shape; the services check business rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.members import selectors
from essaim.members.models import CurrentStage, ExitReason, MeetingKind, Member, StageKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher un nom"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Nom, prénom ou e-mail")}),
    )
    # By default the list shows the people in the cooperative today; leavers on request.
    ALL = "all"
    stage = forms.ChoiceField(
        label=_("Étape"),
        required=False,
        choices=[("", _("Présent·es (hors sorti·es)")), (ALL, _("Tous, sorti·es compris"))]
        + CurrentStage.choices,
    )
    advisor = forms.TypedChoiceField(
        label=_("Chargé·e d'accompagnement"), required=False, coerce=int, empty_value=None
    )
    cohort = forms.TypedChoiceField(
        label=_("Cohorte d'entrée"), required=False, coerce=int, empty_value=None
    )
    sector = forms.ChoiceField(label=_("Secteur"), required=False)

    def __init__(self, *args: Any, show_advisor: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if show_advisor:
            self.fields["advisor"].choices = [("", _("Tous"))] + [
                (a.pk, str(a)) for a in selectors.advisors()
            ]
        else:
            del self.fields["advisor"]
        self.fields["cohort"].choices = [("", _("Toutes"))] + [
            (y, str(y)) for y in selectors.cohort_years()
        ]
        self.fields["sector"].choices = [("", _("Tous"))] + [
            (s.code, s.label) for s in selectors.sectors()
        ]

    def filters(self) -> selectors.MemberFilters:
        # A value that is no longer a choice (a cohort or advisor from an old bookmark) drops
        # that one filter; the valid ones, kept in cleaned_data, still apply.
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # fills cleaned_data with the fields that are valid
            data = self.cleaned_data
        stage = data.get("stage") or ""
        return selectors.MemberFilters(
            q=data.get("q") or "",
            stage="" if stage == self.ALL else stage,
            present_only=stage == "",
            advisor=data.get("advisor"),
            cohort=data.get("cohort"),
            sector=data.get("sector") or "",
        )


class ContactForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["email", "phone", "postal_code", "city"]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "postal_code": forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric"}
            ),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }
        # Django's own "Un objet Membre avec ce champ … existe déjà" says neither who nor why.
        error_messages = {
            "email": {
                "unique": _(
                    "Cette adresse e-mail est déjà celle d'une autre personne de la coopérative."
                )
            },
            "external_id": {
                "unique": _("Cet identifiant externe est déjà celui d'un autre membre.")
            },
        }

    def clean_email(self) -> str:
        # Addresses are stored in lower case: compare them so, a clash in capitals included.
        return self.cleaned_data["email"].strip().lower()

    def clean_postal_code(self) -> str:
        value = self.cleaned_data["postal_code"].strip()
        if value and not (value.isdigit() and len(value) == 5):
            raise forms.ValidationError(_("Un code postal compte 5 chiffres, par exemple 93100."))
        return value


class MemberForm(ContactForm):
    activity_name = forms.CharField(label=_("Nom de l'enseigne"), required=False, max_length=200)
    activity_description = forms.CharField(
        label=_("Description de l'activité"), required=False, widget=forms.Textarea
    )
    activity_sector = forms.ModelChoiceField(
        label=_("Secteur"), required=False, queryset=selectors.sectors()
    )

    class Meta(ContactForm.Meta):
        fields = ["first_name", "last_name", "external_id", *ContactForm.Meta.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("activity_description") or data.get("activity_sector")) and not data.get(
            "activity_name"
        ):
            self.add_error("activity_name", _("Donnez un nom à l'enseigne."))
        return data


class StageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Étape"), choices=StageKind.choices)
    start = forms.DateField(label=_("Début"), widget=DATE)
    end = forms.DateField(
        label=_("Fin"),
        required=False,
        widget=DATE,
        help_text=_("Pour un CAPE : fin du contrat (12 mois au plus). Vide si en cours."),
    )
    trial_end = forms.DateField(
        label=_("Fin de la période d'essai"),
        required=False,
        widget=DATE,
        help_text=_("CESA seulement : 8 mois au plus, moins le temps passé en CAPE."),
    )


class StageEditForm(forms.Form):
    end = forms.DateField(label=_("Fin"), required=False, widget=DATE)
    trial_end = forms.DateField(label=_("Fin de la période d'essai"), required=False, widget=DATE)


class ExitForm(forms.Form):
    date = forms.DateField(label=_("Date de sortie"), widget=DATE)
    reason = forms.ChoiceField(label=_("Motif"), choices=ExitReason.choices)


class AdvisorChangeForm(forms.Form):
    advisor = forms.ModelChoiceField(
        label=_("Chargé·e d'accompagnement"),
        queryset=selectors.advisors(),
        required=False,
        empty_label=_("Aucun·e"),
    )
    start = forms.DateField(label=_("À partir du"), widget=DATE)


class MeetingForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Entrepreneur·es"),
        queryset=Member.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Une personne pour un rendez-vous individuel, plusieurs pour un collectif."),
        error_messages={
            "invalid_choice": _(
                "Vous ne suivez pas (ou plus) l'une des personnes choisies : choisissez parmi "
                "les entrepreneur·es que vous accompagnez."
            )
        },
    )
    date = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Type"), choices=MeetingKind.choices)
    subject = forms.CharField(label=_("Objet"), max_length=200)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, advisor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = selectors.members_visible_to(advisor).filter(
            exit_date__isnull=True
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier à importer"),
        help_text=_("JSON Lines (.jsonl), parcours compris, ou CSV (.csv) sans parcours."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".jsonl") or name.endswith(".csv")):
            raise forms.ValidationError(
                _("Le fichier doit se terminer par .jsonl ou .csv (reçu : %(name)s).")
                % {"name": upload.name}
            )
        return upload
