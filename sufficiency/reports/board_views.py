"""Pages of board progress reports: the list, drafts (commissioners and administrators only) and published
reports (every reader of the authority's aggregates, board members included).

Drafts render live from the register; published reports are served exactly as frozen (screen body, printable
HTML and PDF bytes). Another authority's report, or a draft to someone who may not edit, is a 404.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.views import View
from django.views.generic import FormView, TemplateView

from sufficiency.authorities.permissions import BOARD_EDIT_ROLES, DASHBOARD_ROLES
from sufficiency.core.downloads import TableDownloadMixin
from sufficiency.core.locking import VERSION_FIELD, OptimisticLockMixin, StaleEdit
from sufficiency.core.views import AuthorityMixin

from .board import downloads, selectors, services
from .board.forms import CommentaryForm, PublishForm, ReportForm
from .board.pdf import render_pdf, render_print_html, style_hashes
from .models import BoardReport, PublishedReport


class BoardReadMixin(AuthorityMixin):
    allowed_roles = DASHBOARD_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_edit"] = self.holds(BOARD_EDIT_ROLES)
        return context


class BoardEditMixin(AuthorityMixin):
    allowed_roles = BOARD_EDIT_ROLES

    def draft(self) -> BoardReport:
        if not hasattr(self, "_draft"):
            try:
                self._draft = selectors.draft_get(authority=self.authority, pk=self.kwargs["pk"])
            except BoardReport.DoesNotExist:
                raise Http404("No such draft") from None
        return self._draft

    def draft_url(self, report: BoardReport) -> str:
        return reverse("reports:board-draft", kwargs={"code": self.authority.dfe_code, "pk": report.pk})


def _published(view: AuthorityMixin, version: int) -> PublishedReport:
    try:
        return selectors.published_get(authority=view.authority, version=version)
    except PublishedReport.DoesNotExist:
        raise Http404("No such report") from None


def _printable(html: str) -> HttpResponse:
    """A standalone printable page, with CSP hashes for its inline stylesheet (no 'unsafe-inline')."""
    response = HttpResponse(html)
    response._csp_update = {"style-src": style_hashes(html)}
    return response


def _pdf(data: bytes, filename: str, request: Any) -> HttpResponse:
    """The PDF shown in the browser, or saved as `filename` when the link asks for `?download=1`; the name is
    the same either way (a browser saving a shown PDF uses it too)."""
    response = HttpResponse(bytes(data), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _filename(authority: Any, as_at: Any, suffix: str) -> str:
    """The PDF's file name, e.g. walsall-sufficiency-board-report-2026-03-31-v2.pdf: letters, digits and
    hyphens only, whatever the authority's name holds ("Bristol, City of" gives "bristol-city-of")."""
    return f"{slugify(authority.name)}-sufficiency-board-report-{as_at:%Y-%m-%d}-{suffix}.pdf"


# --- list and published reports -----------------------------------------------------------------------------
class BoardReportListView(BoardReadMixin, TemplateView):
    """Published reports (newest version first) and, for editors, the drafts in progress."""

    template_name = "reports/board/report_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["published"] = selectors.published_list(authority=self.authority)
        context["drafts"] = selectors.draft_list(authority=self.authority) if context["can_edit"] else []
        return context


class BoardTablesMixin(TableDownloadMixin):
    """The report's indicators, sufficiency gap and placement finding tables as CSV and XLSX, from the
    document the page shows (`board.downloads`)."""

    download_name = "board-report"

    def report_document(self) -> dict[str, Any]:
        raise NotImplementedError

    def download_keys(self) -> list[str]:
        return downloads.available(self.report_document())

    def table_for_download(self, context: dict[str, Any], key: str) -> tuple[str, Any, Any]:
        return downloads.board_table(context["document"], key)

    def download_filename(self, key: str, fmt: str) -> str:
        as_at = str(self.report_document().get("as_at", ""))[:10]
        return f"{self.authority.dfe_code}-board-report-{as_at}-{key}.{fmt}"


class PublishedReportView(BoardTablesMixin, BoardReadMixin, TemplateView):
    """A published report on screen, exactly as frozen."""

    template_name = "reports/board/report_detail.html"

    @cached_property
    def published(self) -> PublishedReport:
        return _published(self, self.kwargs["version"])

    def report_document(self) -> dict[str, Any]:
        return self.published.document

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        published = self.published
        context.update(
            published=published,
            document=published.document,
            body=SafeString(published.body_html),  # noqa: S308 - rendered by the service at publication
            draft=False,
            live_changes=selectors.published_changes(published=published),
        )
        return context


class PublishedPrintView(BoardReadMixin, View):
    def get(self, request: Any, **kwargs: Any) -> HttpResponse:
        return _printable(_published(self, kwargs["version"]).html)


class PublishedPdfView(BoardReadMixin, View):
    def get(self, request: Any, **kwargs: Any) -> HttpResponse:
        published = _published(self, kwargs["version"])
        return _pdf(
            published.pdf, _filename(self.authority, published.as_at, f"v{published.version}"), request
        )


# --- drafts -------------------------------------------------------------------------------------------------
class BoardReportCreateView(BoardEditMixin, FormView):
    template_name = "reports/board/report_form.html"
    form_class = ReportForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            page_title="Start a board report",
            back_url=reverse("reports:board-report-list", kwargs={"code": self.authority.dfe_code}),
        )
        return context

    def form_valid(self, form: ReportForm) -> Any:
        report = services.report_create(
            authority=self.authority, acting_user=self.request.user, request=self.request, **form.cleaned_data
        )
        messages.success(self.request, "Draft report started")
        return HttpResponseRedirect(self.draft_url(report))


class DraftUpdateView(OptimisticLockMixin, BoardEditMixin, FormView):
    """Change a draft's details; a form opened before someone else saved the draft is refused."""

    template_name = "reports/board/report_form.html"
    form_class = ReportForm

    def locked_object(self) -> Any:
        return self.draft()

    def get_initial(self) -> dict[str, Any]:
        d = self.draft()
        return {"title": d.title, "as_at": d.as_at, "author_name": d.author_name}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(page_title="Change the report's details", back_url=self.draft_url(self.draft()))
        return context

    def form_valid(self, form: ReportForm) -> Any:
        try:
            services.report_update(
                report=self.draft(), acting_user=self.request.user, request=self.request, **form.cleaned_data
            )
        except StaleEdit as exc:
            return self.stale(form, exc)
        messages.success(self.request, "Report details updated")
        return HttpResponseRedirect(self.draft_url(self.draft()))


class DraftDetailView(BoardTablesMixin, BoardEditMixin, TemplateView):
    """A draft rendered live from the register as at its date, with the change in every KPI since the last
    published report."""

    template_name = "reports/board/report_detail.html"

    @cached_property
    def rendered(self) -> dict[str, Any]:
        return services.draft_render(report=self.draft())

    def report_document(self) -> dict[str, Any]:
        return self.rendered["document"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = self.draft()
        rendered = self.rendered
        context.update(
            report=report,
            body=SafeString(rendered["body_html"]),
            document=rendered["document"],
            draft=True,
            can_edit=True,
            publish=services.report_publish_status(report=report),
        )
        return context


class DraftPrintView(BoardEditMixin, View):
    def get(self, request: Any, **kwargs: Any) -> HttpResponse:
        rendered = services.draft_render(report=self.draft())
        return _printable(render_print_html(rendered["document"], rendered["body_html"]))


class DraftPdfView(BoardEditMixin, View):
    """A preview PDF of the draft (marked DRAFT on every page); not stored."""

    def get(self, request: Any, **kwargs: Any) -> HttpResponse:
        report = self.draft()
        rendered = services.draft_render(report=report)
        pdf, _pages = render_pdf(render_print_html(rendered["document"], rendered["body_html"]))
        return _pdf(pdf, _filename(self.authority, report.as_at, "draft"), request)


class CommentaryView(OptimisticLockMixin, BoardEditMixin, FormView):
    """Write a draft's commentary; a form opened before another author saved theirs is refused, with
    their text shown beside this author's."""

    template_name = "reports/board/commentary_form.html"
    form_class = CommentaryForm

    def locked_object(self) -> Any:
        return self.draft()

    def current_values(self, current: Any) -> dict[str, Any]:
        saved = {s.section: s.commentary for s in current.sections.all()}
        return {name: saved.get(name, "") for name in self.form_field_names}

    def get_initial(self) -> dict[str, Any]:
        return {s.section: s.commentary for s in self.draft().sections.all()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(report=self.draft(), back_url=self.draft_url(self.draft()))
        return context

    def form_valid(self, form: CommentaryForm) -> Any:
        try:
            services.commentary_update(
                report=self.draft(),
                texts={k: v for k, v in form.cleaned_data.items() if k != VERSION_FIELD},
                acting_user=self.request.user,
                request=self.request,
                version=self.submitted_version(form),
            )
        except StaleEdit as exc:
            return self.stale(form, exc)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, "Commentary saved")
        return HttpResponseRedirect(self.draft_url(self.draft()))


class PublishView(BoardEditMixin, FormView):
    """Ask for the meeting, confirm, and publish: irreversible."""

    template_name = "reports/board/publish_form.html"
    form_class = PublishForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = self.draft()
        last = selectors.published_list(authority=self.authority).first()
        context.update(
            report=report, back_url=self.draft_url(report), next_version=(last.version if last else 0) + 1
        )
        return context

    def form_valid(self, form: PublishForm) -> Any:
        """Queue the publication (a worker draws the PDF) and show the draft with its progress; when the
        work has already finished (Celery eager, in local settings) go straight to the published report."""
        try:
            report = services.report_publish_request(
                report=self.draft(),
                meeting_name=form.cleaned_data["meeting_name"],
                meeting_date=form.cleaned_data["meeting_date"],
                acting_user=self.request.user,
                request=self.request,
            )
        except ValidationError as exc:
            for field, errors in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
            ):
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        report.refresh_from_db()
        if not report.is_draft:
            messages.success(self.request, f"Published as version {report.version}")
            return HttpResponseRedirect(_published_url(self.authority, report.version))
        return HttpResponseRedirect(self.draft_url(report))


def _published_url(authority: Any, version: int | None) -> str:
    return reverse("reports:board-published", kwargs={"code": authority.dfe_code, "version": version})


class PublishStatusView(BoardEditMixin, View):
    """JSON status of a request to publish, polled by the draft page (no personal data). Editors of the
    authority only: a board member, or anyone of another authority, gets a 404."""

    def get(self, request: Any, **kwargs: Any) -> JsonResponse:
        try:
            report = selectors.report_get(authority=self.authority, pk=kwargs["pk"])
        except BoardReport.DoesNotExist:
            raise Http404("No such report") from None
        status = services.report_publish_status(report=report)
        status["published_url"] = (
            _published_url(self.authority, report.version) if status["published"] else ""
        )
        return JsonResponse(status)
