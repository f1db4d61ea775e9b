"""Choosing several nodes of the nomenclature in one form: every app's picker (offers,
opportunities, watch subscriptions, groups, tutoring cases) is this one.

The chosen nodes are checkboxes named `nodes` (unchecking one removes it). A node is added by
typing its code or exact name in `skill`, or by picking one of the suggestions the directory's
autocomplete lists for the typed words (a radio button named `choice`). With htmx, picking a
suggestion moves it at once among the chosen nodes (`skills:node_pick`), so that several
can be added before saving; without it, the typed or picked node is added on saving.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.skills.forms import CODE_MAX_LENGTH, node_label
from essaim.skills.models import Node
from essaim.skills.selectors import node_by_code, nodes_by_label

PICKER_FIELDS = ("nodes", "skill", "choice")


def chosen_nodes(codes: Iterable[str]) -> list[Node]:
    """The nodes of these codes, in the order given (unknown codes left out), one query."""
    codes = [c for c in dict.fromkeys(codes) if c]
    found = {n.code: n for n in Node.objects.filter(code__in=codes)} if codes else {}
    return [found[c] for c in codes if c in found]


def values_of(data: Any, name: str) -> list[str]:
    """Every value of a field in a QueryDict, or in a plain dict (one value or a list)."""
    if hasattr(data, "getlist"):
        return list(data.getlist(name))
    value = data.get(name) or []
    return [value] if isinstance(value, str) else list(value)


class NodePickerForm(forms.Form):
    """A form with nodes to choose; its `clean()` leaves the chosen Node objects in
    `cleaned_data["nodes"]`. Subclasses say where the picker goes (`picker_after`: the name of
    the field it follows) and whether a node is required."""

    nodes_required = True
    nodes_label = _("Compétences")
    nodes_help = _("Tapez un mot, un métier ou un code (ex. D1202), puis choisissez.")
    picker_after = ""

    nodes = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    skill = forms.CharField(label=_("Ajouter une compétence"), required=False, max_length=255)
    choice = forms.CharField(required=False, max_length=CODE_MAX_LENGTH)

    def __init__(self, *args: Any, initial_nodes: Sequence[Node] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.chosen = chosen_nodes(values_of(self.data, "nodes"))
        else:
            self.chosen = list(initial_nodes)
            self.initial["nodes"] = [n.code for n in self.chosen]
        field = self.fields["nodes"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(n.code, node_label(n)) for n in self.chosen]
        field.label = self.nodes_label
        field.error_messages["invalid_choice"] = _(
            "Code de compétence inconnu « %(value)s » : choisissez parmi les suggestions."
        )

    def other_fields(self) -> tuple[list[forms.BoundField], list[forms.BoundField]]:
        """The visible fields shown before the picker, and those after it."""
        before: list[forms.BoundField] = []
        after: list[forms.BoundField] = []
        target = before
        for bound in self.visible_fields():
            if bound.name in PICKER_FIELDS:
                continue
            target.append(bound)
            if bound.name == self.picker_after:
                target = after
        return before, after

    def _typed_node(self, text: str) -> Node | None:
        node = node_by_code(text)
        if node is not None:
            return node
        found = [n for n in nodes_by_label(text) if not n.obsolete]
        if len(found) > 1:
            codes = ", ".join(node_label(n) for n in found[:6])
            self.add_error(
                "skill",
                _("« %(text)s » désigne plusieurs compétences : précisez parmi %(codes)s.")
                % {"text": text, "codes": codes},
            )
            return None
        if not found:
            self.add_error(
                "skill",
                _(
                    "« %(text)s » n'est ni un code ni un nom de compétence connu : "
                    "choisissez parmi les suggestions."
                )
                % {"text": text},
            )
            return None
        return found[0]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        nodes = list(self.chosen)
        code = (data.get("choice") or "").strip()
        if code:
            node = node_by_code(code)
            if node is None:
                self.add_error(
                    "skill", _("Code de compétence inconnu « %(code)s ».") % {"code": code}
                )
            else:
                nodes.append(node)
        text = (data.get("skill") or "").strip()
        if text and not code:
            node = self._typed_node(text)
            if node is not None:
                nodes.append(node)
        nodes = list({n.pk: n for n in nodes}.values())
        self.chosen = nodes  # shown again, the added one among them, if the form is refused
        refused = "skill" in self.errors or "nodes" in self.errors
        if not nodes and self.nodes_required and not refused:
            self.add_error("nodes", _("Choisissez au moins une compétence."))
        data["nodes"] = nodes
        return data
