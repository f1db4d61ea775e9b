from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "essaim.groups"
    label = "groups"
    verbose_name = _("Groupes métier, projet et de marque")
