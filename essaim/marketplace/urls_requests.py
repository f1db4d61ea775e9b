"""/marche/: the requests board (the marketplace's first page), requests and their answers."""

from django.urls import path

from essaim.marketplace.views import requests as views

urlpatterns = [
    path("", views.request_board, name="request_board"),
    path("mes-demandes/", views.request_mine, name="request_mine"),
    path("demandes/nouvelle/", views.request_create, name="request_create"),
    path(
        "demandes/competences/suggestions/",
        views.request_skill_suggestions,
        name="request_skill_suggestions",
    ),
    path("demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path("demandes/<int:pk>/modifier/", views.request_edit, name="request_edit"),
    path("demandes/<int:pk>/publier/", views.request_publish, name="request_publish"),
    path("demandes/<int:pk>/annuler/", views.request_cancel, name="request_cancel"),
    path("demandes/<int:pk>/attribuer/", views.request_award, name="request_award"),
    path("demandes/<int:pk>/repondre/", views.response_submit, name="response_submit"),
    path(
        "demandes/<int:pk>/mises-en-relation/",
        views.introduction_add,
        name="request_introduction_add",
    ),
    path("reponses/<int:pk>/retirer/", views.response_withdraw, name="response_withdraw"),
    path("reponses/<int:pk>/retenir/", views.response_shortlist, name="response_shortlist"),
    path("reponses/<int:pk>/decliner/", views.response_decline, name="response_decline"),
]
