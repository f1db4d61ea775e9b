"""Forms of the groups pages. They check the shape of what is typed; the services check the
rules and give the French refusals (a charter without objective, an 11th member...)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from essaim.groups.models import (
    CycleKind,
    GroupKind,
    Membership,
    MembershipRole,
    Phase,
    SplitRule,
    TaskStatus,
)
from essaim.members.models import Member
from essaim.skills.node_picker import NodePickerForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 4})


class GroupFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous"))] + GroupKind.choices
    )
    node = forms.CharField(
        label=_("Compétence (code)"),
        required=False,
        max_length=100,
        help_text=_("Par exemple D1202 : les groupes sur ce métier ou en dessous."),
    )
    mine = forms.BooleanField(label=_("Mes groupes seulement"), required=False)

    def values(self) -> dict[str, Any]:
        """The valid criteria (an invalid one is shown in error and not applied)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}


class GroupForm(NodePickerForm):
    nodes_required = False
    nodes_label = _("Compétences et métiers du groupe")
    picker_after = "description"

    kind = forms.ChoiceField(label=_("Type de groupe"), widget=forms.RadioSelect)
    name = forms.CharField(label=_("Nom"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=TEXT,
        help_text=_("Pour un groupe de marque : l'offre collective vendue sous la marque."),
    )

    def __init__(self, *args: Any, kinds: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds:
            field = self.fields["kind"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(k, label) for k, label in GroupKind.choices if k in kinds]
            if len(kinds) == 1:
                self.initial.setdefault("kind", kinds[0])
        else:
            del self.fields["kind"]


class CharterForm(forms.Form):
    # Not required here: the service refuses a charter without objective in its own words.
    objective = forms.CharField(
        label=_("Objectif"),
        required=False,
        widget=TEXT,
        help_text=_("Ce que le groupe veut avoir atteint, et pour quand."),
    )
    target_clients = forms.CharField(label=_("Clients visés"), required=False, widget=TEXT)
    offer = forms.CharField(label=_("Offre"), required=False, widget=TEXT)


class PhaseForm(forms.Form):
    name = forms.CharField(label=_("Nouvelle phase"), max_length=200)


class MilestoneForm(forms.Form):
    phase = forms.ModelChoiceField(label=_("Phase"), queryset=Phase.objects.none())
    name = forms.CharField(label=_("Jalon"), max_length=200)
    due_date = forms.DateField(label=_("Échéance"), widget=DATE)

    def __init__(self, *args: Any, phases: QuerySet[Phase], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["phase"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = phases


class ReviewerForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("Un membre de la coopérative"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("— ou un·e expert·e extérieur·e ci-dessous —"),
    )
    name = forms.CharField(label=_("Nom de l'expert·e"), required=False, max_length=200)
    email = forms.EmailField(label=_("Son adresse e-mail"), required=False)

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members


class InviteForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Membre à inviter"), queryset=Member.objects.none())
    role = forms.ChoiceField(
        label=_("Rôle"), choices=MembershipRole.choices, initial=MembershipRole.MEMBER
    )
    message = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members


class RequestForm(forms.Form):
    message = forms.CharField(
        label=_("Pourquoi voulez-vous rejoindre ce groupe ?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=MembershipRole.choices)
    commitment_hours_per_month = forms.IntegerField(
        label=_("Engagement minimum (heures par mois)"),
        required=False,
        min_value=0,
        max_value=200,
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Tâche"), max_length=200)
    owner = forms.ModelChoiceField(
        label=_("Responsable"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("— personne pour l'instant —"),
    )
    due_date = forms.DateField(label=_("Échéance"), required=False, widget=DATE)

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("État"), choices=TaskStatus.choices)


class DecisionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    text = forms.CharField(label=_("Décision"), widget=TEXT)
    decided_by = forms.CharField(
        label=_("Décidé par"),
        max_length=200,
        help_text=_("Le groupe, la porteuse du projet, un vote à la majorité…"),
    )


class NoteForm(forms.Form):
    date = forms.DateField(label=_("Date de la réunion"), widget=DATE)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Présent·es"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez les membres présents à la réunion.")},
    )
    notes = forms.CharField(label=_("Compte rendu"), required=False, widget=TEXT)
    progress = forms.CharField(
        label=_("Avancée obtenue"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ce qui a avancé grâce à cette réunion ; laissez vide si rien n'a avancé."),
    )

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = members
        field.label_from_instance = lambda m: f"{m.first_name} {m.last_name}"  # type: ignore[method-assign]


class TimeForm(forms.Form):
    month = forms.TypedChoiceField(label=_("Mois"), coerce=dt.date.fromisoformat)
    hours = forms.DecimalField(
        label=_("Heures données au groupe"),
        min_value=0,
        max_value=744,
        decimal_places=2,
        localize=True,  # "4,5" as French people write it
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, months: Sequence[dt.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["month"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (m.isoformat(), formats.date_format(m, "F Y")) for m in reversed(list(months))
        ]


class CycleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=CycleKind.choices)
    title = forms.CharField(label=_("Titre"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DATE)


class SplitRuleForm(forms.Form):
    """The rule, and with fixed percentages one field per active member (`pct_<member id>`)."""

    rule = forms.ChoiceField(
        label=_("Règle de partage"), choices=SplitRule.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, memberships: Sequence[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = list(memberships)
        for m in self.memberships:
            self.fields[f"pct_{m.member_id}"] = forms.DecimalField(
                label=_("Part de %(name)s (%%)") % {"name": m.member},
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=2,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                initial=m.split_percent,
            )

    def percents(self) -> dict[int, Any]:
        return {m.member_id: self.cleaned_data.get(f"pct_{m.member_id}") for m in self.memberships}


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Sujet"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Mentionnez un membre du groupe avec @Prénom Nom ou @son adresse e-mail."),
        error_messages={"required": _("Écrivez votre message : il est vide.")},
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Votre réponse"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Mentionnez un membre du groupe avec @Prénom Nom ou @son adresse e-mail."),
        error_messages={"required": _("Écrivez votre message : il est vide.")},
    )


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("PDF, PNG, JPEG, ODT, DOCX, XLSX ou TXT ; 10 Mo au plus."),
        error_messages={"required": _("Choisissez le fichier à partager.")},
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=300)
