from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from essaim.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("connexion/", core_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("membres/", include("essaim.members.urls")),
    path("annuaire/", include("essaim.skills.urls")),
    path("marche/", include("essaim.marketplace.urls")),
    path("finance/", include("essaim.finance.urls")),
    path("staffing/", include("essaim.staffing.urls")),
    path("groupes/", include("essaim.groups.urls")),
    path("evenements/", include("essaim.events.urls")),
    path("tutorat/", include("essaim.tutoring.urls")),
    path("vitrine/", include("essaim.marketplace.urls_showcase")),
    path("notifications/", include("essaim.core.urls_notifications")),
    path("api/v1/", include("essaim.api.urls")),
    path("admin/", admin.site.urls),
]
# Uploaded media are never served as public files, not even in development: portfolio images
# go through a view that checks who asks (essaim.skills.views_directory.portfolio_image).
