"""The form of the notification settings page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from essaim.core.models import EmailFrequency


class NotificationSettingsForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label=_("Recevoir mes notifications par e-mail"),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_("Les notifications restent toujours visibles dans Essaim."),
        error_messages={
            "required": _("Choisissez à quelle fréquence recevoir les e-mails."),
            "invalid_choice": _("Choisissez une des fréquences proposées."),
        },
    )
