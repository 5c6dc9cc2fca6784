"""Load-test settings: production settings, except that the session and CSRF cookies may travel over plain
HTTP, because the load test talks to gunicorn on loopback without TLS. Never deploy with these."""

from sufficiency.settings.production import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
