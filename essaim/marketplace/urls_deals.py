"""Routes of the deals area (mounted under /marche/ in the "marketplace" namespace)."""

from django.urls import path

from essaim.marketplace.views import deals as views

urlpatterns = [
    path("affaires/", views.deal_list, name="deal_list"),
    path("affaires/nouvelle/", views.deal_create, name="deal_create"),
    path("affaires/membres/", views.deal_member_suggestions, name="deal_member_suggestions"),
    path("affaires/<int:pk>/", views.deal_detail, name="deal_detail"),
    path("affaires/<int:pk>/etat/", views.deal_status, name="deal_status"),
    path("affaires/<int:pk>/retour/", views.feedback_leave, name="feedback_leave"),
    path("mon-espace/", views.my_space, name="my_space"),
    path("statistiques/", views.stats, name="stats"),
]
