"""Changing and resetting passwords, on Django's own views (token checks, session handling) with GOV.UK
pages, audited, and without revealing who has an account."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy

from .forms import GovUKPasswordChangeForm, GovUKSetPasswordForm, PasswordResetRequestForm
from .services import password_changed_record, password_reset_completed_record, password_reset_request


class PasswordChangeView(auth_views.PasswordChangeView):
    """A signed-in person changes their own password (the session stays signed in)."""

    form_class = GovUKPasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not request.user.has_usable_password():
            messages.info(
                request,
                "You sign in with your council account: change its password with your council's IT service desk.",
            )
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: GovUKPasswordChangeForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            password_changed_record(user=form.user, request=self.request)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link. Every valid address gets the same answer and the same page."""

    form_class = PasswordResetRequestForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:
        password_reset_request(
            users=form.matching_users(),
            domain=self.request.get_host(),
            use_https=self.request.is_secure(),
            request=self.request,
        )
        return super(auth_views.PasswordResetView, self).form_valid(form)  # redirect; no synchronous email


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Follow the link: choose a new password (the link works once and expires, see PASSWORD_RESET_TIMEOUT)."""

    form_class = GovUKSetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: GovUKSetPasswordForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            password_reset_completed_record(user=form.user, request=self.request)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
