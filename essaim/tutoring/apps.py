from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoringConfig(AppConfig):
    name = "essaim.tutoring"
    label = "tutoring"
    verbose_name = _("Tutorat collectif")
