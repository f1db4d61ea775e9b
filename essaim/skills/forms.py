"""Forms of the directory and the profile editor: they check input shape and say what is
wrong in French; the services check the business rules again and write."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from essaim.members.models import Member
from essaim.skills import geo, profile_selectors, selectors, services
from essaim.skills.models import (
    AliasKind,
    ClientKind,
    Level,
    Node,
    NodeKind,
    PriceUnit,
    PriceVisibility,
)

CODE_MAX_LENGTH = Node._meta.get_field("code").max_length  # a node code, everywhere

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SEPARATORS = re.compile(r"[\s,;]+")
LEVEL_ERROR = _(
    "Niveau « %(value)s » inconnu : choisissez 1 (débutant·e), 2 (confirmé·e) ou 3 (expert·e)."
)


def split_list(text: str) -> list[str]:
    """ "75, 93 ;2A" → ["75", "93", "2A"]."""
    return [part for part in SEPARATORS.split(text or "") if part]


def departements() -> list[str]:
    """Metropolitan départements in number order, Corsica in its place, then overseas."""
    return sorted(geo.DEPARTEMENTS, key=lambda d: (len(d) > 2, d.replace("2A", "20A")))


def node_label(node: Node) -> str:
    return f"{node.label} ({node.code})"


# ---------------------------------------------------------------- the directory


class DirectoryForm(forms.Form):
    q = forms.CharField(
        label=_("Que cherchez-vous ?"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(
            attrs={"placeholder": _("Un métier, un savoir-faire, un besoin…")}
        ),
    )
    skill = forms.CharField(
        label=_("Métier ou domaine"), required=False, max_length=CODE_MAX_LENGTH
    )
    zone = forms.ChoiceField(label=_("Département"), required=False)
    available = forms.BooleanField(label=_("Disponible maintenant"), required=False)
    min_level = forms.TypedChoiceField(
        label=_("Niveau minimum"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tous"))] + [(v, label) for v, label in Level.choices],
        error_messages={"invalid_choice": LEVEL_ERROR},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [("", _("Tous"))] + [(d, d) for d in departements()]
        self.fields["zone"].error_messages["invalid_choice"] = _(
            "« %(value)s » n'est pas un département français (ex. 75, 93, 2A, 974)."
        )
        choices: list[Any] = [("", _("Tous les métiers"))]
        for domain, trades in profile_selectors.facet_nodes():
            group = [(domain.code, _("Tout le domaine « %(label)s »") % {"label": domain.label})]
            group += [(trade.code, trade.label) for trade in trades]
            choices.append((domain.label, group))
        # A node chosen from a suggestion or given by its code (a ROME occupation, a skill)
        # is not among the trades listed: it is shown as an extra choice, selected.
        chosen = self.data.get("skill", "") if self.is_bound else ""
        known = {code for _l, group in choices[1:] for code, _t in group}
        if chosen and chosen not in known and (node := selectors.node_by_code(chosen)):
            choices.insert(1, (chosen, node_label(node)))
        self.fields["skill"].widget = forms.Select(choices=choices)

    def clean_skill(self) -> str:
        code = self.cleaned_data["skill"].strip()
        if not code:
            return ""
        node = selectors.node_by_code(code)
        if node is None:
            raise ValidationError(
                _("Code de compétence inconnu « %(code)s » : choisissez un métier dans la liste."),
                params={"code": code},
            )
        return node.code

    def values(self) -> dict[str, Any]:
        """The valid criteria; an invalid one (an old bookmark) drops only itself."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data


# ---------------------------------------------------------------- the profile editor


class ProfileForm(forms.Form):
    presentation = forms.CharField(
        label=_("Présentation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ce que vous faites, pour qui, ce qui vous distingue."),
    )
    zones = forms.CharField(
        label=_("Départements où vous intervenez"),
        required=False,
        help_text=_("Séparés par des virgules, par exemple : 75, 93, 2A, 974."),
    )
    remote = forms.BooleanField(label=_("Je peux travailler à distance"), required=False)
    languages = forms.CharField(
        label=_("Langues de travail"),
        required=False,
        help_text=_("Codes séparés par des virgules, par exemple : fr, en, ar."),
    )
    days_per_week = forms.DecimalField(
        label=_("Jours disponibles par semaine"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(7),
        max_digits=2,
        decimal_places=1,
        localize=True,  # "2,5" as French people write it
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    available_from = forms.DateField(label=_("Disponible à partir du"), required=False, widget=DATE)
    available_until = forms.DateField(label=_("Disponible jusqu'au"), required=False, widget=DATE)

    def clean_zones(self) -> list[str]:
        zones = []
        for value in split_list(self.cleaned_data["zones"]):
            zone = geo.normalise_zone(value)
            if zone is None:
                raise ValidationError(
                    _("« %(value)s » n'est pas un département français (ex. 75, 93, 2A, 974)."),
                    params={"value": value},
                )
            zones.append(zone)
        return zones

    def clean_languages(self) -> list[str]:
        codes = [c.lower() for c in split_list(self.cleaned_data["languages"])]
        for code in codes:
            if code not in services.LANGUAGE_CODES:
                raise ValidationError(
                    _("« %(value)s » n'est pas un code de langue connu (ex. fr, en, ar)."),
                    params={"value": code},
                )
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error(
                "available_until", _("La fin de disponibilité précède son début : corrigez-la.")
            )
        return data


class SkillForm(forms.Form):
    """A skill to declare: a code or an exact name typed, or a suggestion picked (`choice`)."""

    skill = forms.CharField(
        label=_("Compétence ou métier"),
        max_length=255,
        required=False,
        help_text=_("Tapez un mot, un métier ou un code (ex. D1202), puis choisissez."),
    )
    choice = forms.CharField(required=False, max_length=CODE_MAX_LENGTH)
    level = forms.TypedChoiceField(
        label=_("Niveau"),
        coerce=int,
        choices=Level.choices,
        initial=Level.CONFIRMED,
        error_messages={"invalid_choice": LEVEL_ERROR},
    )
    years = forms.IntegerField(
        label=_("Années de pratique"),
        required=False,
        min_value=0,
        max_value=70,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

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
            self.add_error("skill", _("Choisissez une compétence."))
            return data
        data["node"] = node
        return data


class PortfolioItemForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    year = forms.IntegerField(
        label=_("Année"),
        required=False,
        min_value=1950,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    client_kind = forms.ChoiceField(
        label=_("Type de client"),
        required=False,
        choices=[("", _("Non précisé"))] + list(ClientKind.choices),
    )
    link = forms.CharField(
        label=_("Lien"),
        required=False,
        max_length=200,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )


class PortfolioImageForm(forms.Form):
    image = forms.ImageField(
        label=_("Image"),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
        help_text=_("JPEG, PNG, GIF ou WebP, 5 Mo au plus."),
        error_messages={
            "invalid_image": _(
                "Ce fichier n'est pas une image lisible : envoyez une photo JPEG, PNG, GIF ou WebP."
            )
        },
    )
    alt = forms.CharField(
        label=_("Description de l'image"),
        max_length=200,
        help_text=_("Ce qu'elle montre, pour les personnes qui ne la voient pas."),
    )

    def clean_image(self) -> Any:
        image = self.cleaned_data["image"]
        if image.size > services.PORTFOLIO_IMAGE_MAX_BYTES:
            raise ValidationError(
                _("L'image pèse %(size)s Mo : 5 Mo au plus."),
                params={"size": f"{image.size / 1024 / 1024:.1f}".replace(".", ",")},
            )
        return image


class PriceForm(forms.Form):
    label = forms.CharField(label=_("Prestation"), max_length=200)
    amount = forms.CharField(
        label=_("Montant HT (€)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "35,00"}),
    )
    unit = forms.ChoiceField(label=_("Unité"), choices=PriceUnit.choices)
    visibility = forms.ChoiceField(
        label=_("Qui voit ce tarif"),
        choices=PriceVisibility.choices,
        initial=PriceVisibility.ME,
        widget=forms.RadioSelect,
    )

    def clean_amount(self) -> Decimal:
        value = self.cleaned_data["amount"]
        try:
            return services.clean_amount(value)
        except ValidationError:
            raise ValidationError(
                _(
                    "« %(value)s » n'est pas un montant : écrivez un nombre positif avec au plus "
                    "deux décimales, par exemple 35,00."
                ),
                params={"value": value},
            ) from None


# ---------------------------------------------------------------- introductions


class IntroductionForm(forms.Form):
    to_member = forms.ModelChoiceField(
        label=_("À un membre de la coopérative"),
        required=False,
        queryset=Member.objects.none(),
        empty_label=_("— personne —"),
    )
    to_other = forms.CharField(
        label=_("Ou à une personne extérieure"),
        required=False,
        max_length=200,
        help_text=_("Son nom et sa structure, par exemple : Mme Diallo, mairie de Montreuil."),
    )
    reason = forms.CharField(
        label=_("Pourquoi"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    date = forms.DateField(label=_("Date"), widget=DATE)

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = profile_selectors.introduction_candidates(member)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "to_member" in self.errors:  # a member that is no choice: said on the field
            return data
        if not data.get("to_member") and not (data.get("to_other") or "").strip():
            raise ValidationError(
                _(
                    "Choisissez à qui vous présentez ce membre : un membre, "
                    "ou une personne extérieure."
                )
            )
        if data.get("to_member") and (data.get("to_other") or "").strip():
            raise ValidationError(
                _("Choisissez soit un membre, soit une personne extérieure, pas les deux.")
            )
        return data


# ---------------------------------------------------------------- nomenclature


CHILD_KIND = {
    NodeKind.DOMAIN: NodeKind.TRADE,
    NodeKind.SUBDOMAIN: NodeKind.TRADE,
    NodeKind.TRADE: NodeKind.SKILL,
    NodeKind.SKILL: NodeKind.SKILL,
}


class NodeForm(forms.Form):
    label = forms.CharField(label=_("Libellé"), max_length=255)
    kind = forms.ChoiceField(label=_("Niveau"), choices=NodeKind.choices)
    code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=CODE_MAX_LENGTH,
        help_text=_("Laissez vide : un code COOP-… est créé à partir du libellé."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_social = forms.BooleanField(
        label=_("Compétence sociale ou transversale"),
        required=False,
        help_text=_("Animer, former, médier, vendre… plutôt qu'un savoir-faire de métier."),
    )


class AliasForm(forms.Form):
    label = forms.CharField(label=_("Synonyme"), max_length=255)
    kind = forms.ChoiceField(label=_("Type"), choices=AliasKind.choices, initial=AliasKind.SYNONYM)


class NodeSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Chercher dans la nomenclature"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": _("Libellé, synonyme ou code")}),
    )
