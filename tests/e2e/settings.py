"""Settings for the browser journeys' server: the test settings (DEBUG off, eager Celery), plus static
files served by WhiteNoise straight from the source folders (no collectstatic) and files on disk."""

import os

from sufficiency.settings.test import *  # noqa: F403

# WhiteNoise serves static/ through the finders, so a fresh clone needs no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
# One gunicorn process serves the journeys; generated files (reports, PDFs) live in the run's folder.
MEDIA_ROOT = os.environ.get("E2E_MEDIA_ROOT", "/tmp/sufficiency-e2e-media")  # noqa: S108
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
