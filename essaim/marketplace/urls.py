"""/marche/: the internal marketplace. Each area keeps its routes in its own module."""

from essaim.marketplace import (
    urls_conversations,
    urls_deals,
    urls_offers,
    urls_requests,
    urls_watch,
)

app_name = "marketplace"
urlpatterns = [
    *urls_requests.urlpatterns,
    *urls_offers.urlpatterns,
    *urls_deals.urlpatterns,
    *urls_watch.urlpatterns,
    *urls_conversations.urlpatterns,
]
