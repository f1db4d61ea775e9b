from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from essaim.core import roles
from essaim.core.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands where its daily work is."""
    if roles.is_management(request.user):
        return redirect("members:list")
    if roles.is_advisor(request.user):
        return redirect("members:deadlines")
    return redirect("members:my_space")
