"""/finance/: invoicing, expenses, the activity account, salary and treasury."""

from essaim.finance import urls_accounts, urls_invoicing

app_name = "finance"
urlpatterns = [
    *urls_invoicing.urlpatterns,
    *urls_accounts.urlpatterns,
]
