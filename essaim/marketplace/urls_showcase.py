"""/vitrine/: the cooperative's public showcase of offers (no login)."""

from django.urls import path

from essaim.marketplace.views import showcase as views

app_name = "showcase"
urlpatterns = [
    path("", views.showcase_list, name="list"),
    path("<int:pk>/", views.showcase_detail, name="detail"),
]
