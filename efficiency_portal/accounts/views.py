from __future__ import annotations

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from . import services
from .forms import LoginForm, PortalPasswordChangeForm, ProfileForm, RegistrationForm

LOGIN_BACKEND = "efficiency_portal.accounts.backends.UsernamePhoneOrEmailBackend"


def landing_url(user) -> str:
    """Where ``user`` goes after signing in without a ``?next=``: the ``LOGIN_LANDING`` rule of the project."""
    return import_string(settings.LOGIN_LANDING)(user)


class PortalLoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        # A safe ``?next=`` still wins (LoginView.get_success_url asks for it first).
        return landing_url(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(failure_limit=settings.AXES_FAILURE_LIMIT, **kwargs)

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The page django-axes shows instead of the sign-in form while a login is locked (AXES_LOCKOUT_CALLABLE)."""
    cooloff = get_cool_off(request)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": math.ceil(cooloff.total_seconds() / 60) if cooloff else None,
    }
    return render(request, "accounts/locked_out.html", context, status=429)


class PortalLogoutView(auth_views.LogoutView):
    """POST only (Django's own rule since 5.0): a link or an image cannot sign anyone out."""


@sensitive_post_parameters("password1", "password2")
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(landing_url(request.user))
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.register_user(
                services.Registration(
                    kind=data["kind"],
                    display_name=data["display_name"],
                    password=data["password1"],
                    phone=data["phone"],
                    email=data["email"],
                    enterprise_name=data["enterprise_name"],
                    credit_code=data["credit_code"],
                )
            )
        except services.RegistrationConflict:
            form.add_error(None, _("This phone number or e-mail address has just been registered. Please sign in."))
        else:
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(request, _("Welcome! Your account is ready and you are signed in."))
            return redirect(landing_url(user))
    return render(request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.update_profile(
                request.user, display_name=data["display_name"], phone=data["phone"], email=data["email"]
            )
        except services.ProfileConflict:
            form.add_error(None, _("This phone number or e-mail address has just been taken. Please try another."))
        else:
            messages.success(request, _("Your profile is saved.") if changed else _("Nothing was changed."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


class PortalPasswordChangeView(auth_views.PasswordChangeView):
    form_class = PortalPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: PortalPasswordChangeForm) -> HttpResponse:
        services.change_password(form.user, form.cleaned_data["new_password1"])
        # Keep this session signed in; the password change ends every other session.
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password is changed."))
        return redirect(self.get_success_url())

    def form_invalid(self, form: PortalPasswordChangeForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)
