"""Account routes: single sign-on, passwords, two-factor authentication and the audit trail."""

from django.urls import path

from . import oidc, password_views, views

app_name = "accounts"
urlpatterns = [
    path("account/two-factor/setup/", views.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("account/two-factor/verify/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("account/password/", password_views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "account/password/changed/",
        password_views.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
    path("sign-in/reset/", password_views.PasswordResetView.as_view(), name="password-reset"),
    path("sign-in/reset/sent/", password_views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "sign-in/reset/<uidb64>/<token>/",
        password_views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "sign-in/reset/complete/",
        password_views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("sign-in/sso/", oidc.SingleSignOnStartView.as_view(), name="sso-start"),
    path("sign-in/sso/callback/", oidc.SingleSignOnCallbackView.as_view(), name="sso-callback"),
    path("authorities/<str:code>/audit/", views.AuditEventListView.as_view(), name="audit-list"),
]
