"""Forms of the requests board: they check the shape of the input and say in French what is
wrong; the services check the business rules again (amounts, dates, statuses) and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from essaim.marketplace.models import RequestKind, RequestStatus, WorkRequest
from essaim.marketplace.services.requests import OPEN_EDITABLE_FIELDS
from essaim.members.models import Member
from essaim.skills import profile_selectors, selectors
from essaim.skills.forms import CODE_MAX_LENGTH, DATE, LEVEL_ERROR, departements, node_label
from essaim.skills.models import Level, Node

MAX_SKILLS = 8  # rows of needed skills on the form
SHOWN_SKILL_ROWS = 3  # the others are folded until needed
DECIMAL = forms.TextInput(attrs={"inputmode": "decimal"})


def _zone_choices(empty: str) -> list[tuple[str, str]]:
    return [("", empty)] + [(d, d) for d in departements()]


# ---------------------------------------------------------------- the board


class BoardForm(forms.Form):
    q = forms.CharField(
        label=_("Mots"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": _("Un besoin, un métier…")}),
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Tous les types"))] + list(RequestKind.choices),
    )
    skill = forms.CharField(
        label=_("Métier ou domaine"), required=False, max_length=CODE_MAX_LENGTH
    )
    zone = forms.ChoiceField(label=_("Département"), required=False)
    status = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[("", _("Ouvertes aux réponses"))]
        + [(v, label) for v, label in RequestStatus.choices if v != RequestStatus.DRAFT],
    )
    mine = forms.BooleanField(label=_("Qui me correspondent"), required=False)

    def __init__(self, *args: Any, can_match: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_match:  # only an entrepreneur is matched by requests
            del self.fields["mine"]
        self.fields["zone"].choices = _zone_choices(str(_("Tous")))
        self.fields["zone"].help_text = _("Les demandes à distance possible sont aussi listées.")
        choices: list[Any] = [("", _("Tous les métiers"))]
        for domain, trades in profile_selectors.facet_nodes():
            group = [(domain.code, _("Tout le domaine « %(label)s »") % {"label": domain.label})]
            group += [(trade.code, trade.label) for trade in trades]
            choices.append((domain.label, group))
        chosen = self.data.get("skill", "") if self.is_bound else ""
        known = {code for _l, group in choices[1:] for code, _t in group}
        if chosen and chosen not in known and (node := selectors.node_by_code(chosen)):
            choices.insert(1, (chosen, node_label(node)))
        self.fields["skill"].widget = forms.Select(choices=choices)

    def clean_skill(self) -> Node | None:
        code = self.cleaned_data["skill"].strip()
        if not code:
            return None
        node = selectors.node_by_code(code)
        if node is None:
            raise ValidationError(
                _("Code de compétence inconnu « %(code)s » : choisissez un métier dans la liste."),
                params={"code": code},
            )
        return node

    def values(self) -> dict[str, Any]:
        """The valid criteria; an invalid one (an old bookmark) drops only itself."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data


# ---------------------------------------------------------------- writing a request


class NeededSkillForm(forms.Form):
    """A row of needed skills: a code or a name typed, or a suggestion picked (`choice`)."""

    skill = forms.CharField(
        label=_("Compétence ou métier"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    choice = forms.CharField(required=False, max_length=CODE_MAX_LENGTH)
    min_level = forms.TypedChoiceField(
        label=_("Niveau minimum"),
        coerce=int,
        choices=Level.choices,
        initial=Level.BEGINNER,
        required=False,  # a row left out of the POST is an empty row, not an error
        empty_value=Level.BEGINNER,
        error_messages={"invalid_choice": LEVEL_ERROR},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code = (self["choice"].value() or "").strip()
        self.chosen = selectors.node_by_code(code) if code else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        code = (data.get("choice") or "").strip()
        text = (data.get("skill") or "").strip()
        if code:
            node = selectors.node_by_code(code)
            if node is None:
                self.add_error(
                    "skill", _("Code de compétence inconnu « %(code)s ».") % {"code": code}
                )
                return data
        elif text:
            node = selectors.node_by_code(text)
            if node is None:
                found = [n for n in selectors.nodes_by_label(text) if not n.obsolete]
                if len(found) > 1:
                    codes = ", ".join(node_label(n) for n in found[:6])
                    self.add_error(
                        "skill",
                        _("« %(text)s » désigne plusieurs compétences : précisez parmi %(codes)s.")
                        % {"text": text, "codes": codes},
                    )
                    return data
                if not found:
                    self.add_error(
                        "skill",
                        _(
                            "« %(text)s » n'est ni un code ni un nom de compétence connu : "
                            "choisissez parmi les suggestions."
                        )
                        % {"text": text},
                    )
                    return data
                node = found[0]
        else:
            return data  # an empty row
        data["node"] = node
        return data


NeededSkillFormSet = forms.formset_factory(
    NeededSkillForm, extra=MAX_SKILLS, max_num=MAX_SKILLS, absolute_max=MAX_SKILLS
)


def skill_initial(request: WorkRequest) -> list[dict[str, Any]]:
    return [
        {"skill": s.node.label, "choice": s.node.code, "min_level": s.min_level}
        for s in request.skills.all()
    ]


class RequestForm(forms.Form):
    """A request; with `skills` (a draft) its needed skills below, as rows."""

    kind = forms.ChoiceField(label=_("Type de demande"), choices=RequestKind.choices)
    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        help_text=_("En quelques mots : « Site vitrine pour un salon de coiffure »."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Le besoin, le client s'il y en a un, ce qui est attendu."),
    )
    start_date = forms.DateField(label=_("Début souhaité"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("Fin"), required=False, widget=DATE)
    estimated_hours = forms.CharField(
        label=_("Heures estimées"), required=False, max_length=12, widget=DECIMAL
    )
    estimated_days = forms.CharField(
        label=_("Jours estimés"), required=False, max_length=12, widget=DECIMAL
    )
    budget = forms.CharField(
        label=_("Budget hors taxes (€)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "1200,00"}),
    )
    zone = forms.ChoiceField(label=_("Département du lieu de travail"), required=False)
    remote = forms.BooleanField(label=_("Le travail peut se faire à distance"), required=False)
    answer_deadline = forms.DateField(label=_("Répondre avant le"), widget=DATE)
    publish = forms.BooleanField(
        label=_("Publier dès maintenant (sinon la demande reste un brouillon)"),
        required=False,
        help_text=_("Les membres qui correspondent en sont alors prévenus."),
    )

    def __init__(
        self,
        *args: Any,
        skills: bool = True,
        published: bool = False,
        skill_rows: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = _zone_choices(str(_("Aucun lieu précis")))
        if published:  # once published, only a few things may change
            for name in list(self.fields):
                if name not in OPEN_EDITABLE_FIELDS:
                    del self.fields[name]
        elif not skills:
            del self.fields["publish"]
        self.skills = (
            NeededSkillFormSet(
                self.data if self.is_bound else None, prefix="skills", initial=skill_rows
            )
            if skills and not published
            else None
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.skills is not None:
            if not self.skills.is_valid():
                raise ValidationError(_("Vérifiez les compétences recherchées ci-dessous."))
            data["skills"] = [
                (row.cleaned_data["node"], row.cleaned_data["min_level"])
                for row in self.skills
                if row.cleaned_data.get("node") is not None
            ]
        return data

    def skill_rows(self) -> list[tuple[int, NeededSkillForm, bool]]:
        """(number, row, shown): rows beyond the first ones are folded unless filled."""
        if self.skills is None:
            return []
        return [
            (i + 1, row, i < SHOWN_SKILL_ROWS or bool(row["skill"].value() or row.chosen))
            for i, row in enumerate(self.skills)
        ]


# ---------------------------------------------------------------- answers and introductions


class ResponseForm(forms.Form):
    message = forms.CharField(
        label=_("Votre message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce que vous proposez, votre expérience de ce type de travail."),
    )
    availability = forms.CharField(
        label=_("Vos disponibilités"),
        required=False,
        max_length=255,
        help_text=_("Par exemple : deux jours par semaine à partir du 3 mars."),
    )
    price = forms.CharField(
        label=_("Prix proposé hors taxes (€)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "800,00"}),
        help_text=_("Laissez vide pour en discuter d'abord."),
    )


class RequestIntroductionForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("Membre à présenter"),
        queryset=Member.objects.none(),
        empty_label=_("— choisissez —"),
    )
    reason = forms.CharField(
        label=_("Pourquoi ce membre"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, author: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = profile_selectors.introduction_candidates(author)
