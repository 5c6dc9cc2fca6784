"""People who sign in, and the identity provider groups that grant them roles. Roles are held per
authority in `authorities.Membership`, not on the user."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower

from sufficiency.authorities.choices import RoleChoices


class UserManager(BaseUserManager["User"]):
    """Users are identified by their work email address."""

    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        """Sign-in, password reset and `createsuperuser` find people by email whatever its case."""
        return self.get(email__iexact=(username or "").strip())

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A council officer, board member or regional analyst who signs in with their work email."""

    username = None
    email = models.EmailField("email address", unique=True)
    # A platform role, held by no authority: the steward imports national reference data (the Ofsted
    # register) directly and reviews what authorities propose. Granted by an administrator in the admin.
    is_data_steward = models.BooleanField(
        "platform data steward",
        default=False,
        help_text="May publish national reference data and review authorities' proposed changes to it.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            # Emails are stored lower-case; this also refuses "A@x" beside "a@x" if a row bypasses that.
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    @classmethod
    def normalize_username(cls, username: str) -> str:
        """Email addresses are stored lower-case (forms and the admin call this through `clean()`)."""
        return super().normalize_username(username).strip().lower()

    def clean(self) -> None:
        super().clean()  # AbstractUser lower-cases only the domain: the whole address is lower-cased
        self.email = self.normalize_username(self.email)

    def __str__(self) -> str:
        return self.email


class SingleSignOnGroup(models.Model):
    """A group in the council's identity provider that grants a role in an authority.

    At each single sign-on, a person's memberships are made to match their groups: a role is granted for
    every mapped group they are in, and removed when they leave the group (or the mapping is deleted).
    People in no mapped group cannot sign in with single sign-on. Administrators edit these in the admin.
    """

    group = models.CharField(
        "provider group",
        max_length=255,
        help_text=(
            "The group exactly as the identity provider sends it in the groups claim "
            "(for Microsoft Entra ID, the group's object id)."
        ),
    )
    description = models.CharField(
        max_length=255, blank=True, help_text="The group's name, to recognise it (not used for matching)."
    )
    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="single_sign_on_groups"
    )
    role = models.CharField(max_length=32, choices=RoleChoices.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["authority__name", "role", "group"]
        verbose_name = "single sign-on group"
        constraints = [
            models.UniqueConstraint(fields=["group", "authority", "role"], name="uniq_sso_group_role"),
        ]

    def __str__(self) -> str:
        return f"{self.description or self.group} → {self.get_role_display()} – {self.authority}"
