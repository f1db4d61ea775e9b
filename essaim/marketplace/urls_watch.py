"""The business watch, included by urls.py into the "marketplace" namespace (under /marche/)."""

from django.urls import path

from essaim.marketplace.views import watch as views

urlpatterns = [
    path("veille/", views.watch_list, name="watch_list"),
    path("veille/nouvelle/", views.watch_create, name="watch_create"),
    path("veille/import/", views.watch_import, name="watch_import"),
    path("veille/abonnements/", views.watch_subscriptions, name="watch_subscriptions"),
    path("veille/<int:pk>/", views.watch_detail, name="watch_detail"),
    path(
        "veille/<int:pk>/repondre-a-plusieurs/",
        views.watch_to_request,
        name="watch_to_request",
    ),
]
