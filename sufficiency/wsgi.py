"""WSGI entry point (gunicorn sufficiency.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sufficiency.settings.production")
application = get_wsgi_application()
