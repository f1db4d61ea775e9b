"""Conversations, included by urls.py into the "marketplace" namespace (under /marche/)."""

from django.urls import path

from essaim.marketplace.views import conversations as views

urlpatterns = [
    path("conversations/", views.conversation_list, name="conversation_list"),
    path("conversations/nouvelle/", views.conversation_start, name="conversation_start"),
    path("conversations/<int:pk>/", views.conversation_detail, name="conversation_detail"),
    path("conversations/<int:pk>/repondre/", views.message_post, name="message_post"),
]
