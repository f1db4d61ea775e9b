"""Forms of staffing: an opportunity with its roles (a formset of up to 8), and the policy.
They check the input's shape and say in French what is wrong; the services check again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.skills import selectors as skill_selectors
from essaim.skills.forms import CODE_MAX_LENGTH, DATE, LEVEL_ERROR, departements, node_label
from essaim.skills.models import Level, Node
from essaim.staffing.models import MAX_ROLES, MAX_TEAM_SIZE
from essaim.staffing.policy import DEFAULT_POLICY
from essaim.staffing.services import RoleSpec


def _decimal(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        localize=True,  # "2,5" as French people write it
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        **kwargs,
    )


class OpportunityForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Le client, le besoin, ce qui est attendu de l'équipe."),
    )
    start_date = forms.DateField(label=_("Début"), widget=DATE)
    end_date = forms.DateField(label=_("Fin"), widget=DATE)
    zone = forms.ChoiceField(label=_("Département du lieu"), required=False)
    remote = forms.BooleanField(label=_("Le travail peut se faire à distance"), required=False)
    budget = _decimal(
        _("Budget hors taxes (€)"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        help_text=_("Laissez vide s'il n'y a pas de budget fixé."),
    )
    max_team_size = forms.IntegerField(
        label=_("Taille maximale de l'équipe"),
        min_value=1,
        max_value=MAX_TEAM_SIZE,
        initial=5,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = self.fields["zone"]
        assert isinstance(zone, forms.ChoiceField)
        zone.choices = [("", _("Aucun (partout)"))] + [(d, d) for d in departements()]
        zone.error_messages["invalid_choice"] = _(
            "« %(value)s » n'est pas un département français (ex. 75, 93, 2A, 974)."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La fin est avant le début : corrigez les dates."))
        return data


class RoleForm(forms.Form):
    """A role: a skill typed (code or exact name) or picked among the suggestions (`choice`),
    the minimum level and the hours."""

    label = forms.CharField(
        label=_("Intitulé du rôle (facultatif)"),
        required=False,
        max_length=120,
        help_text=_("Par exemple : cheffe de projet, graphiste…"),
    )
    skill = forms.CharField(
        label=_("Compétence ou métier"),
        max_length=255,
        required=False,
        help_text=_("Tapez un mot, un métier ou un code (ex. D1202), puis choisissez."),
    )
    choice = forms.CharField(required=False, max_length=CODE_MAX_LENGTH)
    min_level = forms.TypedChoiceField(
        label=_("Niveau minimum"),
        coerce=int,
        choices=Level.choices,
        initial=Level.CONFIRMED,
        error_messages={"invalid_choice": LEVEL_ERROR},
    )
    hours = _decimal(
        _("Heures"),
        min_value=Decimal("0.5"),
        max_value=Decimal("9999"),
        max_digits=6,
        decimal_places=1,
        error_messages={"required": _("Indiquez le nombre d'heures de ce rôle.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code = self.data.get(self.add_prefix("choice")) if self.is_bound else None
        code = code or (self.initial or {}).get("choice")
        self.chosen: Node | None = skill_selectors.node_by_code(code) if code else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        code = (data.get("choice") or "").strip()
        text = (data.get("skill") or "").strip()
        node = None
        if code:
            node = skill_selectors.node_by_code(code)
            if node is None:
                self.add_error(
                    "skill", _("Code de compétence inconnu « %(code)s ».") % {"code": code}
                )
        elif text:
            node = skill_selectors.node_by_code(text)
            if node is None:
                found = [n for n in skill_selectors.nodes_by_label(text) if not n.obsolete]
                if len(found) > 1:
                    codes = ", ".join(node_label(n) for n in found[:6])
                    self.add_error(
                        "skill",
                        _("« %(text)s » désigne plusieurs compétences : précisez parmi %(codes)s.")
                        % {"text": text, "codes": codes},
                    )
                elif not found:
                    self.add_error(
                        "skill",
                        _(
                            "« %(text)s » n'est ni un code ni un nom de compétence connu : "
                            "choisissez parmi les suggestions."
                        )
                        % {"text": text},
                    )
                else:
                    node = found[0]
        else:
            self.add_error("skill", _("Choisissez la compétence de ce rôle."))
        data["node"] = node
        self.chosen = node or self.chosen
        return data

    def spec(self) -> RoleSpec:
        data = self.cleaned_data
        return RoleSpec(
            node=data["node"], min_level=data["min_level"], hours=data["hours"], label=data["label"]
        )


class BaseRoleFormSet(forms.BaseFormSet):
    def _kept(self) -> list[RoleForm]:
        """The rows that are roles: existing ones and filled ones, removed ones aside."""
        return [
            form
            for i, form in enumerate(self.forms)
            if (i < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
        ]

    def clean(self) -> None:
        super().clean()
        if not any(form.errors for form in self.forms) and not self._kept():
            raise ValidationError(
                _("Décrivez au moins un rôle : une compétence, un niveau, des heures.")
            )

    def specs(self) -> list[RoleSpec]:
        """The roles kept, in the order of the page."""
        return [form.spec() for form in self._kept()]


RoleFormSet = forms.formset_factory(
    RoleForm,
    formset=BaseRoleFormSet,
    extra=MAX_ROLES,  # as many rows as roles may be: no script needed to add one
    max_num=MAX_ROLES,
    absolute_max=MAX_ROLES,
    validate_max=True,
    can_delete=True,
)
ROLES_PREFIX = "roles"


def role_formset(data: Any = None, *, initial: list[dict[str, Any]] | None = None) -> Any:
    formset = RoleFormSet(data, initial=initial, prefix=ROLES_PREFIX)
    formset.error_messages = {
        **formset.error_messages,
        "too_many_forms": _("%(num)d rôles au plus.") % {"num": MAX_ROLES},
    }
    for form in formset.forms:
        form.fields["DELETE"].label = _("Retirer ce rôle")
    return formset


def role_initial(role: Any) -> dict[str, Any]:
    return {
        "label": role.label,
        "skill": role.node.label,
        "choice": role.node.code,
        "min_level": role.min_level,
        "hours": role.hours,
    }


class PolicyForm(forms.Form):
    valid_from = forms.DateField(
        label=_("Applicable à partir du"), widget=DATE, initial=timezone.localdate
    )
    trust_weight = _decimal(
        _("Poids de la confiance (€ par unité de confiance)"),
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        initial=DEFAULT_POLICY.trust_weight,
        help_text=_("Ce que vaut, face au coût, d'avoir déjà bien travaillé ensemble."),
    )
    priority_weight = _decimal(
        _("Poids de la priorité (€ par point de priorité)"),
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        initial=DEFAULT_POLICY.priority_weight,
    )
    default_hourly_cost = _decimal(
        _("Coût horaire par défaut (€)"),
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        initial=DEFAULT_POLICY.default_hourly_cost,
        help_text=_("Pour les membres sans tarif à l'heure ou à la journée visible des membres."),
    )
    low_activity_months = forms.IntegerField(
        label=_("Activité faible : aucune affaire terminée depuis (mois)"),
        min_value=1,
        max_value=120,
        initial=DEFAULT_POLICY.low_activity_months,
    )
    low_activity_bonus = _decimal(
        _("Points de priorité pour une activité faible"),
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=2,
        initial=DEFAULT_POLICY.low_activity_bonus,
    )
    cape_first_bonus = _decimal(
        _("Points de priorité pour une première expérience en CAPE"),
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=2,
        initial=DEFAULT_POLICY.cape_first_bonus,
    )

    def clean_valid_from(self) -> dt.date:
        day = self.cleaned_data["valid_from"]
        if day < timezone.localdate():
            raise ValidationError(
                _("Une politique ne change pas le passé : choisissez aujourd'hui ou plus tard.")
            )
        return day
