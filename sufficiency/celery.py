"""The Celery application. Tasks take ids only, never personal data (see STYLE.md principle 4)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sufficiency.settings.local")

app = Celery("sufficiency")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Installed apps' tasks modules, plus sufficiency.core (shared helpers, not an app).
app.autodiscover_tasks()
app.autodiscover_tasks(["sufficiency.core"])
