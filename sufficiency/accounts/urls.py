"""Account security routes: two-factor authentication and the audit trail."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("account/two-factor/setup/", views.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("account/two-factor/verify/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("authorities/<str:code>/audit/", views.AuditEventListView.as_view(), name="audit-list"),
]
