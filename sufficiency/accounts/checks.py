"""System checks for account security: a production signing key that cannot be guessed, and a list of
roles that must use two-factor authentication that names real roles.

Django's own `security.W009` only warns about a weak `SECRET_KEY`; for a system holding children's data a
guessable key (forged sessions and password-reset links) is an error. `check --deploy` runs this check, and
production settings run it at start-up (`SECRET_KEY_CHECK_AT_STARTUP`), so a weak key stops the app.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 10  # a 64-character hex key has 16; "aaaa…" or "abab…" has 1 or 2

# Every key written in this repository's examples, compose file, Dockerfile, scripts and non-production
# settings. A test keeps this list in step with the repository's files.
KNOWN_EXAMPLE_KEYS = frozenset(
    {
        "change-me-to-50-or-more-random-characters",
        "collectstatic-only-not-a-secret",
        "insecure-local-development-key-not-for-production",
        "insecure-test-key",
    }
)


def secret_key_problems(key: str) -> list[str]:
    """Why this signing key must not be used in production (empty when it is fit to use)."""
    problems = []
    if key.strip() in KNOWN_EXAMPLE_KEYS:
        problems.append("it is an example key published in this repository")
    if key.startswith("django-insecure"):
        problems.append("it is a development key made by startproject (starts with 'django-insecure')")
    if len(key) < SECRET_KEY_MIN_LENGTH:
        problems.append(f"it is shorter than {SECRET_KEY_MIN_LENGTH} characters")
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        problems.append(f"it has fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different characters")
    return problems


def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """E001: the signing key (and every fallback still accepted) must be long, random and unpublished."""
    errors: list[CheckMessage] = []
    keys = [("DJANGO_SECRET_KEY", settings.SECRET_KEY)]
    keys += [("SECRET_KEY_FALLBACKS", k) for k in getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    for name, key in keys:
        problems = secret_key_problems(str(key))
        if problems:
            errors.append(
                Error(
                    f"{name} is not safe for production: {'; '.join(problems)}.",
                    hint=(
                        "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))' "
                        "and give it as DJANGO_SECRET_KEY or DJANGO_SECRET_KEY_FILE."
                    ),
                    id="accounts.E001",
                )
            )
    return errors


def check_two_factor_roles(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """E002: every name in TWO_FACTOR_ROLES is a role (a typo must not silently drop two-factor)."""
    from sufficiency.authorities.choices import RoleChoices

    unknown = sorted(set(settings.TWO_FACTOR_ROLES) - set(RoleChoices.values))
    if not unknown:
        return []
    return [
        Error(
            f"TWO_FACTOR_ROLES names roles that do not exist: {', '.join(unknown)}.",
            hint=f"Use comma-separated role codes from: {', '.join(RoleChoices.values)}.",
            id="accounts.E002",
        )
    ]
