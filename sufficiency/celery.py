"""The Celery application. Tasks take ids only, never personal data (see docs/architecture.md principle 4)."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sufficiency.settings.local")
# One BLAS thread per process: workers run one process per core, so threaded BLAS inside each would only
# oversubscribe the cores (set before numpy is first imported; a deployment may override it).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

app = Celery("sufficiency")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Installed apps' tasks modules, plus sufficiency.core (shared helpers, not an app).
app.autodiscover_tasks()
app.autodiscover_tasks(["sufficiency.core"])

# Periodic work (beat). With django_celery_beat's DatabaseScheduler these are synced into the database,
# where administrators can see and pause them.
app.conf.beat_schedule = {
    "forecasts-nightly": {"task": "forecasting.nightly_fanout", "schedule": crontab(hour=2, minute=0)},
    "forecasts-requeue": {"task": "forecasting.forecast_runs_requeue", "schedule": 300.0},
    "imports-requeue": {"task": "placements.import_jobs_requeue", "schedule": 300.0},
    "import-reports-expire": {
        "task": "placements.import_reports_expire",
        "schedule": crontab(hour=3, minute=30),
    },
    "dashboard-rollups-requeue": {"task": "dashboards.rollups_requeue", "schedule": 300.0},
}


@worker_process_init.connect
def _tune_worker_memory(**_: object) -> None:
    """Forecast workers allocate and free large arrays: keep glibc from returning them to the OS each time.
    Imports in this process may then be held to IMPORT_WORKER_MEMORY_MB (`sufficiency.core.memory`)."""
    from forecasting.engine.memory import tune_memory_allocator
    from sufficiency.core.memory import memory_limit_enable

    tune_memory_allocator()
    memory_limit_enable()
