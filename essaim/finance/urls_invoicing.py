"""Routes of invoicing (mounted under /finance/ in the "finance" namespace).

A list or a "new" page exists twice: for the entrepreneur's own activity (`factures/`) and for
any activity the user may see (`enseignes/<activity>/factures/`); `{% url %}` picks the one its
arguments fit.
"""

from django.urls import path

from essaim.finance.views import customers, estimates, home, invoices

A = "enseignes/<int:activity>/"

urlpatterns = [
    path("", home.home, name="home"),
    # customers
    path("clients/", customers.customer_list, name="customer_list"),
    path(f"{A}clients/", customers.customer_list, name="customer_list"),
    path("clients/nouveau/", customers.customer_create, name="customer_create"),
    path(f"{A}clients/nouveau/", customers.customer_create, name="customer_create"),
    path("clients/<int:pk>/modifier/", customers.customer_edit, name="customer_edit"),
    # estimates
    path("devis/", estimates.estimate_list, name="estimate_list"),
    path(f"{A}devis/", estimates.estimate_list, name="estimate_list"),
    path("devis/nouveau/", estimates.estimate_create, name="estimate_create"),
    path(f"{A}devis/nouveau/", estimates.estimate_create, name="estimate_create"),
    path("devis/<int:pk>/", estimates.estimate_detail, name="estimate_detail"),
    path("devis/<int:pk>/modifier/", estimates.estimate_edit, name="estimate_edit"),
    path("devis/<int:pk>/etat/", estimates.estimate_status, name="estimate_status"),
    path("devis/<int:pk>/facturer/", estimates.estimate_invoice, name="estimate_invoice"),
    # invoices and credit notes
    path("factures/", invoices.invoice_list, name="invoice_list"),
    path(f"{A}factures/", invoices.invoice_list, name="invoice_list"),
    path("factures/nouvelle/", invoices.invoice_create, name="invoice_create"),
    path(f"{A}factures/nouvelle/", invoices.invoice_create, name="invoice_create"),
    path("factures/affaire/<int:deal>/", invoices.deal_invoice_create, name="deal_invoice_create"),
    path("factures/<int:pk>/", invoices.invoice_detail, name="invoice_detail"),
    path("factures/<int:pk>/modifier/", invoices.invoice_edit, name="invoice_edit"),
    path("factures/<int:pk>/emettre/", invoices.invoice_issue_view, name="invoice_issue"),
    path("factures/<int:pk>/supprimer/", invoices.invoice_delete_view, name="invoice_delete"),
    path("factures/<int:pk>/pdf/", invoices.invoice_pdf, name="invoice_pdf"),
    path("factures/<int:pk>/paiement/", invoices.payment_create, name="payment_create"),
    path(
        "factures/<int:pk>/paiements/<int:payment>/supprimer/",
        invoices.payment_delete_view,
        name="payment_delete",
    ),
    path("factures/<int:pk>/avoir/", invoices.credit_note_create_view, name="credit_note_create"),
    path("factures/<int:pk>/relancer/", invoices.invoice_remind_view, name="invoice_remind"),
]
