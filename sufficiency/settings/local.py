"""Development and demo settings: `make run`. SQLite and eager Celery unless the environment says otherwise."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-local-development-key-not-for-production")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("USE_CELERY_EAGER", "true")
os.environ.setdefault("DEMO_DATA_ALLOWED", "true")
os.environ.setdefault("EMAIL_URL", "consolemail://")  # password reset links are printed by runserver

from .base import *  # noqa: E402,F403
