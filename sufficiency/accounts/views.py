"""Account pages: signing in, two-factor enrolment and verification, and the audit trail for administrators."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, ListView

from sufficiency.authorities.models import AuditEvent
from sufficiency.authorities.permissions import AUDIT_READ_ROLES
from sufficiency.core.views import AuthorityMixin

from .forms import AuditFilterForm, TwoFactorCodeForm
from .oidc import provider_name, sso_enabled
from .security import (
    totp_device_pending,
    totp_qr_data_uri,
    totp_secret_base32,
    two_factor_enrol,
    two_factor_required,
    two_factor_verify,
)


class SignInView(auth_views.LoginView):
    """Email and password, and "Sign in with <provider>" when single sign-on is configured."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            sso_enabled=sso_enabled(),
            sso_provider_name=provider_name(),
            sso_failed=self.request.GET.get("sso") == "failed",
        )
        return context


class NextUrlMixin:
    """Return to the page the person was sent from, if it is on this site."""

    def next_url(self) -> str:
        request = self.request  # type: ignore[attr-defined]  # a mixin: the view class it is combined with provides this
        target = request.POST.get("next") or request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return "/"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]  # a mixin: the view class it is combined with provides this
        context["next"] = self.next_url()
        return context


class TwoFactorSetupView(LoginRequiredMixin, NextUrlMixin, FormView):
    """Set up an authenticator app: scan the QR code (or type the key), then enter a code to confirm."""

    template_name = "accounts/two_factor_setup.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and two_factor_required(request.user, request=request) == "verify":
            target = reverse("accounts:two-factor-verify")
            return redirect(f"{target}?{urlencode({'next': self.next_url()})}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        device = totp_device_pending(user=self.request.user)
        context.update(qr_data_uri=totp_qr_data_uri(device), secret=totp_secret_base32(device))
        return context

    def form_valid(self, form: TwoFactorCodeForm) -> HttpResponse:
        device = totp_device_pending(user=self.request.user)
        if not two_factor_enrol(request=self.request, device=device, token=form.cleaned_data["token"]):
            form.add_error("token", "The code is not correct: check your app and try again")
            return self.form_invalid(form)
        return redirect(self.next_url())


class TwoFactorVerifyView(LoginRequiredMixin, NextUrlMixin, FormView):
    """The second step of signing in: a code from the person's authenticator app."""

    template_name = "accounts/two_factor_verify.html"
    form_class = TwoFactorCodeForm

    def form_valid(self, form: TwoFactorCodeForm) -> HttpResponse:
        if not two_factor_verify(request=self.request, token=form.cleaned_data["token"]):
            form.add_error("token", "The code is not correct: check your app and try again")
            return self.form_invalid(form)
        return redirect(self.next_url())


class AuditEventListView(AuthorityMixin, ListView):
    """The authority's audit trail (who did what, when, from where), for its administrators only."""

    allowed_roles = AUDIT_READ_ROLES
    template_name = "accounts/audit_list.html"
    paginate_by = 50
    context_object_name = "events"

    def get_filter_form(self) -> AuditFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = AuditFilterForm(self.request.GET or None, authority=self.authority)
        return self._filter_form

    def get_queryset(self) -> Any:
        events = AuditEvent.objects.filter(authority=self.authority).select_related("actor")
        form = self.get_filter_form()
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            if data["action"]:
                events = events.filter(action=data["action"])
            tz = timezone.get_current_timezone()
            if data["start"]:
                events = events.filter(created_at__gte=dt.datetime.combine(data["start"], dt.time.min, tz))
            if data["end"]:
                events = events.filter(
                    created_at__lt=dt.datetime.combine(data["end"] + dt.timedelta(days=1), dt.time.min, tz)
                )
        return events.order_by("-created_at", "-id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=self.get_filter_form(),
            query=query.urlencode(),
            headers=["When", "Who", "Action", "Record", "From"],
            rows=[
                [
                    timezone.localtime(e.created_at).strftime("%d %b %Y %H:%M:%S"),
                    str(e.actor)
                    if e.actor
                    else (f"{e.actor_label} (account deleted)" if e.actor_label else "System"),
                    e.action,
                    f"{e.object_type} {e.object_id}".strip(),
                    e.ip_address or "",
                ]
                for e in context["events"]
            ],
        )
        return context
