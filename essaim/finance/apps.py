from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "essaim.finance"
    label = "finance"
    verbose_name = _("Services mutualisés : facturation et comptes d'activité")
