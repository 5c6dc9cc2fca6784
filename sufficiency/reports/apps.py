from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sufficiency.reports"
    label = "reports"
    verbose_name = "Strategy and KPIs"

    def ready(self) -> None:
        # Store the KPI page's figures whenever the dashboards' rollup has recomputed an authority's figures
        # (a hook in the kernel, so that neither app imports the other).
        from sufficiency.core.signals import figures_computed

        from .kpi_snapshots import kpi_snapshots_after_rollup

        figures_computed.connect(kpi_snapshots_after_rollup, dispatch_uid="reports.kpi_snapshots")
