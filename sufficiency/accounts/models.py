"""People who sign in. Roles are held per authority in `authorities.Membership`, not on the user."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower


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

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

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
