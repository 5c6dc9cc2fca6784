"""Hooks between apps of the same floor, which must not import each other.

`figures_computed` is sent by the dashboards' rollup after it has recomputed an authority's figures and its
sufficiency gap for the month end `as_at` (the register's data running to `data_date`), in the worker that
runs the rollup. Receivers store figures of their own from the same data, in the same job: the reports app
precomputes the KPI page's figures (`sufficiency.reports.kpi_snapshots`). A receiver's exception fails the
rollup, as it would if the rollup called it directly.
"""

from __future__ import annotations

from django.dispatch import Signal

# Keyword arguments: authority (LocalAuthority), as_at (date), data_date (date or None).
figures_computed = Signal()
