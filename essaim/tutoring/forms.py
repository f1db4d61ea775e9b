"""Forms of the tutoring pages. They check the shape of what is typed; the services check the
rules and give the French refusals (a case for someone else, a volunteer who did not
accept...)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from essaim.core.models import User
from essaim.members.models import Member
from essaim.skills.node_picker import NodePickerForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 6})


class CaseForm(NodePickerForm):
    """An entrepreneur asks for a case review of their own situation."""

    nodes_label = _("Compétences recherchées chez les bénévoles")
    picker_after = "situation"

    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        help_text=_("Quelques mots : « Trouver mes premiers clients », « Fixer mes prix »…"),
    )
    situation = forms.CharField(
        label=_("Votre situation"),
        widget=TEXT,
        help_text=_(
            "Ce que vivez, ce qui bloque, ce que vous avez déjà essayé. Seul·es votre "
            "chargé·e d'accompagnement et les bénévoles que vous inviterez le liront."
        ),
    )


class ProposeForm(CaseForm):
    """An advisor proposes a case review to a member they follow."""

    member = forms.ModelChoiceField(
        label=_("Membre"),
        queryset=Member.objects.none(),
        empty_label=_("— choisissez —"),
        help_text=_("Les entrepreneur·es que vous suivez. Le cas attendra son accord."),
    )

    field_order = ["member", "title", "situation"]

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members
        field.error_messages["invalid_choice"] = _(
            "Choisissez un·e des entrepreneur·es que vous suivez : vous ne pouvez proposer un "
            "tutorat qu'à elles et eux."
        )
        self.fields["situation"].label = _("La situation du membre")
        self.fields["situation"].help_text = _(
            "Telle que vous la comprenez ; le membre la lira avant de donner son accord, et "
            "seul·es les bénévoles invité·es la liront ensuite."
        )


class InviteForm(forms.Form):
    """The suggested volunteers to invite: checkboxes named `members`."""

    members = forms.MultipleChoiceField(
        label=_("Bénévoles à inviter"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une personne à inviter.")},
    )

    def __init__(self, *args: Any, choices: Sequence[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(m.pk), str(m)) for m in choices]
        field.error_messages["invalid_choice"] = _(
            "Cette personne n'est pas (ou plus) parmi les bénévoles suggéré·es : rechargez la page."
        )


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date de la séance"), widget=DATE)
    member_present = forms.BooleanField(
        label=_("Le membre était présent·e"), required=False, initial=True
    )
    advisor_present = forms.BooleanField(
        label=_("La ou le chargé·e d'accompagnement était présent·e"), required=False
    )
    volunteers = forms.MultipleChoiceField(
        label=_("Bénévoles présent·es"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un·e bénévole présent·e.")},
    )
    situation = forms.CharField(
        label=_("La situation telle que présentée"),
        widget=TEXT,
        help_text=_("Ce que le membre a exposé au groupe, avec ses mots."),
    )
    diagnosis = forms.CharField(
        label=_("Le diagnostic partagé"),
        widget=TEXT,
        help_text=_("Ce que le groupe a compris ensemble : les causes, les points d'appui."),
    )

    def __init__(
        self, *args: Any, accepted: Sequence[Member], has_advisor: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["volunteers"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(m.pk), str(m)) for m in accepted]
        field.error_messages["invalid_choice"] = _(
            "Seul·es les bénévoles qui ont accepté l'invitation peuvent être présent·es."
        )
        if not has_advisor:
            del self.fields["advisor_present"]


class ActionForm(forms.Form):
    action = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ChoiceField(label=_("Qui s'en charge"))
    due_date = forms.DateField(label=_("Échéance"), widget=DATE)

    def __init__(
        self, *args: Any, owners: Sequence[tuple[str, Member | User, str]], **kwargs: Any
    ) -> None:
        """`owners`: (value, person, label) for each possible owner."""
        super().__init__(*args, **kwargs)
        self.owners = {value: person for value, person, _label in owners}
        field = self.fields["owner"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— choisissez —"))] + [(v, label) for v, _p, label in owners]
        field.error_messages["invalid_choice"] = _(
            "Choisissez le membre, un·e bénévole qui a accepté ou la ou le chargé·e "
            "d'accompagnement."
        )

    def clean_owner(self) -> Member | User:
        return self.owners[self.cleaned_data["owner"]]


class FollowUpForm(forms.Form):
    date = forms.DateField(label=_("Date du suivi"), widget=DATE)
    notes = forms.CharField(
        label=_("Où en est le membre"),
        widget=TEXT,
        help_text=_("Ce qui a été fait du plan d'action, ce qui a changé."),
    )
    next_step = forms.CharField(label=_("Prochaine étape"), max_length=300, required=False)
