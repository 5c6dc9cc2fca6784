"""URLs of the KPI catalogue, strategies and board reports. Included at the site root (one include, one namespace)."""

from django.urls import path

from . import board_views, recruitment_views, views
from .statement import views as statement_views

app_name = "reports"
_S = "authorities/<str:code>/strategy/"
_B = "authorities/<str:code>/board-reports/"
_ST = "authorities/<str:code>/sufficiency-statements/"
urlpatterns = [
    path("kpis/definitions/", views.KpiDefinitionsView.as_view(), name="kpi-definitions"),
    path("authorities/<str:code>/kpis/", views.KpiListView.as_view(), name="kpi-list"),
    path(
        "authorities/<str:code>/kpis/benchmarking/", views.BenchmarkingView.as_view(), name="kpi-benchmarking"
    ),
    path(
        "authorities/<str:code>/kpis/benchmarking/groups/new/",
        views.ComparatorGroupView.as_view(),
        name="comparator-group-create",
    ),
    path(
        "authorities/<str:code>/kpis/benchmarking/groups/<int:pk>/",
        views.ComparatorGroupView.as_view(),
        name="comparator-group-update",
    ),
    path(
        "authorities/<str:code>/fostering-recruitment/",
        recruitment_views.FosteringRecruitmentView.as_view(),
        name="fostering-recruitment",
    ),
    path(_S, views.StrategyListView.as_view(), name="strategy-list"),
    path(f"{_S}new/", views.StrategyCreateView.as_view(), name="strategy-create"),
    path(f"{_S}<int:pk>/", views.StrategyDetailView.as_view(), name="strategy-detail"),
    path(f"{_S}<int:pk>/edit/", views.StrategyUpdateView.as_view(), name="strategy-update"),
    path(f"{_S}<int:pk>/history/", views.StrategyHistoryView.as_view(), name="strategy-history"),
    path(f"{_S}<int:pk>/objectives/new/", views.ObjectiveCreateView.as_view(), name="objective-create"),
    path(
        f"{_S}<int:pk>/objectives/<int:item>/edit/",
        views.ObjectiveUpdateView.as_view(),
        name="objective-update",
    ),
    path(
        f"{_S}<int:pk>/objectives/<int:item>/measures/new/",
        views.MeasureCreateView.as_view(),
        name="measure-create",
    ),
    path(f"{_S}<int:pk>/measures/<int:item>/edit/", views.MeasureUpdateView.as_view(), name="measure-update"),
    path(f"{_S}<int:pk>/actions/new/", views.ActionCreateView.as_view(), name="action-create"),
    path(f"{_S}<int:pk>/actions/<int:item>/edit/", views.ActionUpdateView.as_view(), name="action-update"),
    # Board progress reports: published ones by version, drafts by id (editors only).
    path(_B, board_views.BoardReportListView.as_view(), name="board-report-list"),
    path(f"{_B}new/", board_views.BoardReportCreateView.as_view(), name="board-report-create"),
    path(f"{_B}<int:version>/", board_views.PublishedReportView.as_view(), name="board-published"),
    path(f"{_B}<int:version>/print/", board_views.PublishedPrintView.as_view(), name="board-published-print"),
    path(f"{_B}<int:version>/pdf/", board_views.PublishedPdfView.as_view(), name="board-published-pdf"),
    path(f"{_B}drafts/<int:pk>/", board_views.DraftDetailView.as_view(), name="board-draft"),
    path(f"{_B}drafts/<int:pk>/edit/", board_views.DraftUpdateView.as_view(), name="board-draft-update"),
    path(
        f"{_B}drafts/<int:pk>/commentary/",
        board_views.CommentaryView.as_view(),
        name="board-draft-commentary",
    ),
    path(f"{_B}drafts/<int:pk>/publish/", board_views.PublishView.as_view(), name="board-draft-publish"),
    path(
        f"{_B}drafts/<int:pk>/publish/status/",
        board_views.PublishStatusView.as_view(),
        name="board-draft-publish-status",
    ),
    path(f"{_B}drafts/<int:pk>/print/", board_views.DraftPrintView.as_view(), name="board-draft-print"),
    path(f"{_B}drafts/<int:pk>/pdf/", board_views.DraftPdfView.as_view(), name="board-draft-pdf"),
    # Sufficiency statements (an authority's, or a regional one it drafts).
    path(_ST, statement_views.StatementListView.as_view(), name="statement-list"),
    path(f"{_ST}new/", statement_views.StatementCreateView.as_view(), name="statement-create"),
    path(f"{_ST}<int:pk>/", statement_views.StatementDetailView.as_view(), name="statement-detail"),
    path(f"{_ST}<int:pk>/edit/", statement_views.StatementUpdateView.as_view(), name="statement-update"),
    path(f"{_ST}<int:pk>/narrative/", statement_views.NarrativeView.as_view(), name="statement-narrative"),
    path(f"{_ST}<int:pk>/docx/", statement_views.StatementDocxView.as_view(), name="statement-docx"),
    path(f"{_ST}<int:pk>/pdf/", statement_views.StatementPdfView.as_view(), name="statement-pdf"),
    *[
        path(f"{_ST}<int:pk>/{step}/", statement_views.StepView.as_view(step=step), name=f"statement-{step}")
        for step in ("submit", "approve", "return", "publish")
    ],
]
