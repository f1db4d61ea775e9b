"""Routes of the activity account's side (mounted under /finance/ in the "finance" namespace):
expenses, the account, the salary simulation, the advisors' follow-up, and management's pages.
"""

from django.urls import path

from essaim.finance.views import accounts, expenses, management

A = "enseignes/<int:activity>/"

urlpatterns = [
    # expenses
    path("depenses/", expenses.expense_list, name="expense_list"),
    path(f"{A}depenses/", expenses.expense_list, name="expense_list"),
    path("depenses/nouvelle/", expenses.expense_create, name="expense_create"),
    path(f"{A}depenses/nouvelle/", expenses.expense_create, name="expense_create"),
    path("depenses/<int:pk>/modifier/", expenses.expense_edit, name="expense_edit"),
    path("depenses/<int:pk>/supprimer/", expenses.expense_delete_view, name="expense_delete"),
    path("depenses/<int:pk>/justificatif/", expenses.expense_receipt, name="expense_receipt"),
    # the activity account and the salary
    path("compte/", accounts.account, name="account"),
    path(f"{A}compte/", accounts.account, name="account"),
    path("simulation/", accounts.simulation, name="simulation"),
    path(f"{A}simulation/", accounts.simulation, name="simulation"),
    path(f"{A}salaires/nouveau/", accounts.salary_create, name="salary_create"),
    # advisors and management
    path("suivi/", accounts.followed, name="followed"),
    path("tresorerie/", management.treasury, name="treasury"),
    path("contribution/", management.contribution, name="contribution"),
    path(
        "contribution/<int:pk>/supprimer/",
        management.contribution_delete,
        name="contribution_delete",
    ),
    path("cooperative/", management.cooperative, name="cooperative"),
    path("exports/", management.exports, name="exports"),
]
