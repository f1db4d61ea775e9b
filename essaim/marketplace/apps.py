from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "essaim.marketplace"
    label = "marketplace"
    verbose_name = _("Place de marché interne")
