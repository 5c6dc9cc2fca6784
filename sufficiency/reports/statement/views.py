"""Pages of sufficiency statements: the list, one statement (live while unpublished, frozen once
published), its narrative, the review steps and its Word, PDF and HTML downloads.

Roles follow the board report: commissioners and administrators write, review, approve and publish;
every other reader of the authority's aggregates sees published statements only. Another authority's
statement, or an unpublished one to a reader, is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views import View
from django.views.generic import FormView, TemplateView

from sufficiency.authorities.permissions import DASHBOARD_ROLES, STATEMENT_EDIT_ROLES
from sufficiency.core.views import AuthorityMixin

from ..models import Statement
from . import selectors, services
from .choices import StatementStatusChoices
from .forms import NarrativeForm, StatementDetailsForm, StatementForm
from .render import render_body_html, render_docx, render_pdf_bytes, render_print_html

#: The review step each button asks for: URL name -> (target status, message).
STEPS = {
    "submit": (StatementStatusChoices.IN_REVIEW, "Sent for review"),
    "approve": (StatementStatusChoices.APPROVED, "Approved"),
    "return": (StatementStatusChoices.DRAFT, "Returned to draft"),
}


class StatementMixin(AuthorityMixin):
    allowed_roles = DASHBOARD_ROLES

    @property
    def can_edit(self) -> bool:
        return self.holds(STATEMENT_EDIT_ROLES)

    def statement(self) -> Statement:
        if not hasattr(self, "_statement"):
            try:
                self._statement = selectors.statement_get(
                    authority=self.authority, pk=self.kwargs["pk"], include_unpublished=self.can_edit
                )
            except Statement.DoesNotExist:
                raise Http404("No such statement") from None
        return self._statement

    def statement_url(self, statement: Statement) -> str:
        return reverse(
            "reports:statement-detail", kwargs={"code": self.authority.dfe_code, "pk": statement.pk}
        )


class StatementEditMixin(StatementMixin):
    allowed_roles = STATEMENT_EDIT_ROLES


def _filename(statement: Statement, extension: str) -> str:
    scope = statement.region.name if statement.region_id else statement.authority.name
    suffix = (
        f"v{statement.published.version}" if statement.status == StatementStatusChoices.PUBLISHED else "draft"
    )
    return f"{scope.lower().replace(' ', '-')}-sufficiency-statement-{statement.as_at:%Y-%m-%d}-{suffix}.{extension}"


class StatementListView(StatementMixin, TemplateView):
    template_name = "reports/statement/statement_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            can_edit=self.can_edit,
            statements=selectors.statement_list(authority=self.authority, include_unpublished=self.can_edit),
        )
        return context


class StatementCreateView(StatementEditMixin, FormView):
    template_name = "reports/statement/statement_form.html"
    form_class = StatementForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["back_url"] = reverse("reports:statement-list", kwargs={"code": self.authority.dfe_code})
        return context

    def form_valid(self, form: StatementForm) -> Any:
        statement = services.statement_create(
            authority=self.authority,
            as_at=form.cleaned_data["as_at"],
            title=form.cleaned_data["title"],
            region=self.authority.region if form.cleaned_data["scope"] == "region" else None,
            acting_user=self.request.user,
            request=self.request,
        )
        messages.success(self.request, "Draft statement started")
        return HttpResponseRedirect(self.statement_url(statement))


class StatementDetailView(StatementMixin, TemplateView):
    """The statement as a council would publish it: live from the register while unpublished, exactly as
    frozen once published."""

    template_name = "reports/statement/statement_detail.html"

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        """With ``?download=html``, the standalone page (styles inlined, no external resources) to publish
        on a council website, as a file named after the statement."""
        if request.GET.get("download") == "html":
            statement = self.statement()
            html = render_print_html(services.statement_document(statement=statement))
            return _file_response(html, "text/html; charset=utf-8", statement, "html")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        statement = self.statement()
        document = services.statement_document(statement=statement)
        context.update(
            statement=statement,
            document=document,
            body=SafeString(render_body_html(document)),
            can_edit=self.can_edit,
            Status=StatementStatusChoices,
        )
        return context


class NarrativeView(StatementEditMixin, FormView):
    template_name = "reports/statement/narrative_form.html"
    form_class = NarrativeForm

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not self.statement().is_editable:
            messages.error(request, "Only a draft's narrative can be changed")
            return HttpResponseRedirect(self.statement_url(self.statement()))
        return super().get(request, *args, **kwargs)

    def post(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not self.statement().is_editable:
            messages.error(request, "Only a draft's narrative can be changed")
            return HttpResponseRedirect(self.statement_url(self.statement()))
        return super().post(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {s.section: s.narrative for s in self.statement().sections.all()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(statement=self.statement(), back_url=self.statement_url(self.statement()))
        return context

    def form_valid(self, form: NarrativeForm) -> Any:
        try:
            services.narrative_update(
                statement=self.statement(),
                texts=form.cleaned_data,
                acting_user=self.request.user,
                request=self.request,
            )
        except ValidationError as exc:
            for field, errors in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
            ):
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, "Narrative saved")
        return HttpResponseRedirect(self.statement_url(self.statement()))


class StatementUpdateView(StatementEditMixin, FormView):
    """Change a draft's title or date."""

    template_name = "reports/statement/statement_form.html"
    form_class = StatementDetailsForm

    def get_initial(self) -> dict[str, Any]:
        return {"title": self.statement().title, "as_at": self.statement().as_at}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            back_url=self.statement_url(self.statement()), page_title="Change the statement's details"
        )
        return context

    def form_valid(self, form: StatementDetailsForm) -> Any:
        try:
            services.statement_update(
                statement=self.statement(),
                acting_user=self.request.user,
                request=self.request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, "Statement details updated")
        return HttpResponseRedirect(self.statement_url(self.statement()))


class StepView(StatementEditMixin, View):
    """Submit for review, approve, return to draft, or publish (POST); a GET (a bookmarked or reloaded step)
    goes back to the statement, and is a 404 like any other page when there is no such statement."""

    step = ""

    def get(self, request: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(self.statement_url(self.statement()))

    def post(self, request: Any, **kwargs: Any) -> HttpResponse:
        statement = self.statement()
        try:
            if self.step == "publish":
                published = services.statement_publish(
                    statement=statement, acting_user=request.user, request=request
                )
                messages.success(request, f"Published as version {published.version}")
            else:
                to, message = STEPS[self.step]
                services.statement_transition(
                    statement=statement, to=to, acting_user=request.user, request=request
                )
                messages.success(request, message)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(self.statement_url(statement))


class StatementDocxView(StatementMixin, View):
    def get(self, request: Any, **kwargs: Any) -> HttpResponse:
        statement = self.statement()
        data = render_docx(services.statement_document(statement=statement))
        return _file_response(
            data, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", statement, "docx"
        )


class StatementPdfView(StatementMixin, View):
    def get(self, request: Any, **kwargs: Any) -> HttpResponse:
        statement = self.statement()
        pdf, _pages = render_pdf_bytes(services.statement_document(statement=statement))
        return _file_response(pdf, "application/pdf", statement, "pdf", disposition="inline")


def _file_response(
    content: str | bytes, content_type: str, statement: Any, ext: str, *, disposition: str = "attachment"
) -> HttpResponse:
    """A statement as a file (HTML, Word or PDF), named after it."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{_filename(statement, ext)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
