"""Forms of the conversations: starting one ("Contacter"), answering in one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.marketplace.models import Conversation
from essaim.marketplace.selectors.conversations import contact_target

BODY_ERRORS = {"required": _("Écrivez votre message : il est vide.")}


def _body_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=BODY_ERRORS,
    )


class MessageForm(forms.Form):
    body = _body_field(_("Votre réponse"))


class ConversationStartForm(forms.Form):
    """Who to write to (`avec`, `demande`) travels in hidden fields from the "Contacter" link;
    what is wrong with them is shown above the form."""

    avec = forms.CharField(widget=forms.HiddenInput, required=False)
    demande = forms.CharField(widget=forms.HiddenInput, required=False)
    subject = forms.CharField(
        label=_("Objet"),
        max_length=Conversation._meta.get_field("subject").max_length,
        required=False,
        help_text=_("Sur une demande, son titre si vous le laissez vide."),
        error_messages={
            "max_length": _("L'objet est trop long : %(limit_value)d caractères au plus.")
        },
    )
    body = _body_field(_("Votre message"))

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        target = contact_target(
            viewer=self.viewer, avec=data.get("avec"), demande=data.get("demande")
        )
        for problem in target.problems:
            self.add_error(None, problem)
        data["member"], data["request"] = target.member, target.request
        return data
