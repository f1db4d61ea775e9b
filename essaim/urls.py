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
    path("api/v1/", include("essaim.api.urls")),
    path("admin/", admin.site.urls),
]
# Uploaded media are never served as public files, not even in development: portfolio images
# go through a view that checks who asks (essaim.skills.views_directory.portfolio_image).
