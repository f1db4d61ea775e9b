"""Offers, included by urls.py into the "marketplace" namespace (under /marche/)."""

from django.urls import path

from essaim.marketplace.views import offers as views

urlpatterns = [
    path("offres/", views.offer_list, name="offer_list"),
    path("offres/nouvelle/", views.offer_create, name="offer_create"),
    path("offres/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offres/<int:pk>/modifier/", views.offer_edit, name="offer_edit"),
    path("offres/<int:pk>/supprimer/", views.offer_delete, name="offer_delete"),
]
