"""/notifications/: each person's notifications and their e-mail settings."""

from django.urls import path

from essaim.core import views_notifications as views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("tout-lu/", views.notification_mark_all_read, name="mark_all_read"),
    path("<int:pk>/ouvrir/", views.notification_open, name="open"),
    path("reglages/", views.notification_settings, name="settings"),
]
