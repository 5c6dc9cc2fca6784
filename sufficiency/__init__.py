"""Sufficiency: placement sufficiency planning for English local authorities.

This is the project package, on two floors (docs/architecture.md, "The layers"):

- the kernel, which every app may use: `core` (base models and querysets, the base view mixin and API
  viewsets, audit, suppression, jobs, hooks), `authorities` (authorities, regions, roles, the audit trail),
  `accounts` (people and sign-in), and the settings;
- the surfaces, which read the register (`placements`) and the forecasts (`forecasting`), through their
  selectors or their models and querysets (reads only: they change them only through their services), and
  are used by nothing but the URL map and the demo: `dashboards` (precomputed rollups and
  their pages), `reports` (the KPI catalogue, strategies, board reports) and `api` (the partner API).
  Surfaces do not import each other.

`demo` (the synthetic demo region) sits above everything and is installed only where demo data is allowed.
`make lint` checks the direction of every import.
"""

from typing import Any

__all__ = ("celery_app",)


def __getattr__(name: str) -> Any:
    """The Celery application, imported on first use rather than with the package, so the pure modules
    under this package (e.g. `core.safe_csv`) load without Celery or Django. Django loads it at start-up
    (`authorities.apps`), so shared tasks bind to it; `celery -A sufficiency` finds `sufficiency.celery`."""
    if name == "celery_app":
        from .celery import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
