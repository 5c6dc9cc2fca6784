"""Statement pages: a commissioner's journey from a new draft to a published statement; readers see
published statements only; another authority's statement is a 404 everywhere; forms show GOV.UK errors."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from sufficiency.reports.models import Statement, StatementSection
from sufficiency.reports.statement import services
from sufficiency.reports.statement.choices import StatementStatusChoices as Status
from tests.reports.conftest import D

pytestmark = pytest.mark.django_db
CODE = "335"


def _url(name, pk=None):
    kwargs = {"code": CODE} if pk is None else {"code": CODE, "pk": pk}
    return reverse(f"reports:statement-{name}", kwargs=kwargs)


@pytest.fixture
def statements(register, la_user):
    walsall = register["walsall"]
    published = services.statement_create(
        authority=walsall, as_at=D, acting_user=la_user, title="Published one"
    )
    services.statement_transition(statement=published, to=Status.IN_REVIEW, acting_user=la_user)
    services.statement_transition(statement=published, to=Status.APPROVED, acting_user=la_user)
    services.statement_publish(statement=published, acting_user=la_user)
    draft = services.statement_create(authority=walsall, as_at=D, acting_user=la_user, title="Draft one")
    return {"published": published, "draft": draft}


def test_commissioner_journey_from_draft_to_published(client, register, la_user):
    client.force_login(la_user)
    assert client.get(_url("list")).status_code == 200
    # A bad date re-displays the form with a GOV.UK error summary.
    bad = client.post(
        _url("create"), {"as_at_day": "31", "as_at_month": "13", "as_at_year": "2025", "scope": "authority"}
    )
    assert bad.status_code == 200
    assert "govuk-error-summary" in bad.content.decode()
    response = client.post(
        _url("create"),
        {"title": "", "as_at_day": "31", "as_at_month": "3", "as_at_year": "2025", "scope": "authority"},
    )
    statement = Statement.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("detail", statement.pk)
    page = client.get(_url("detail", statement.pk)).content.decode()
    assert "Placement sufficiency statement" in page and "Our children in care" in page
    assert "Change details" in page
    assert client.get(_url("narrative", statement.pk)).status_code == 200
    too_long = client.post(_url("narrative", statement.pk), {"context": "x" * 20_001})
    assert too_long.status_code == 200 and "govuk-error-summary" in too_long.content.decode()
    client.post(_url("narrative", statement.pk), {"context": "We looked after fewer children this year."})
    assert StatementSection.objects.get(statement=statement, section="context").narrative.startswith(
        "We looked"
    )
    changed = client.post(
        _url("update", statement.pk),
        {"title": "Sufficiency statement 2025", "as_at_day": "31", "as_at_month": "3", "as_at_year": "2025"},
    )
    assert changed.status_code == 302
    statement.refresh_from_db()
    assert statement.title == "Sufficiency statement 2025"
    client.post(_url("submit", statement.pk))
    statement.refresh_from_db()
    assert statement.status == Status.IN_REVIEW
    # In review the narrative cannot be changed.
    client.post(_url("narrative", statement.pk), {"context": "Changed in review"})
    assert (
        "Changed in review"
        not in StatementSection.objects.get(statement=statement, section="context").narrative
    )
    client.post(_url("approve", statement.pk))
    client.post(_url("publish", statement.pk))
    statement.refresh_from_db()
    assert statement.status == Status.PUBLISHED and statement.published.version == 1
    refused = client.post(
        _url("update", statement.pk),
        {"title": "Changed after publishing", "as_at_day": "31", "as_at_month": "3", "as_at_year": "2025"},
    )
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    statement.refresh_from_db()
    assert statement.title == "Sufficiency statement 2025"
    page = client.get(_url("detail", statement.pk)).content.decode()
    assert "We looked after fewer children this year." in page and "Version 1" in page
    docx = client.get(_url("docx", statement.pk))
    assert docx.status_code == 200
    from docx import Document

    assert Document(io.BytesIO(docx.content)).paragraphs
    pdf = client.get(_url("pdf", statement.pk))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"


@pytest.mark.parametrize("role", ["board_member", "regional_user", "data_manager"])
def test_readers_see_published_statements_only(request, client, statements, role):
    client.force_login(request.getfixturevalue(role))
    published, draft = statements["published"].pk, statements["draft"].pk
    assert client.get(_url("detail", published)).status_code == 200
    assert client.get(_url("docx", published)).status_code == 200
    for name in ("detail", "docx", "pdf", "narrative", "update"):
        assert client.get(_url(name, draft)).status_code == 404, name
    for step in ("submit", "approve", "return", "publish"):
        assert client.post(_url(step, draft)).status_code == 404, step
    assert client.get(_url("create")).status_code == 404
    listing = client.get(_url("list")).content.decode()
    assert "Published one" in listing and "Draft one" not in listing


def test_another_authoritys_statement_is_a_404(client, other_la_user, statements):
    client.force_login(other_la_user)
    for key in ("published", "draft"):
        pk = statements[key].pk
        for name in ("detail", "docx", "pdf", "narrative"):
            assert client.get(_url(name, pk)).status_code == 404, (key, name)
        assert client.post(_url("submit", pk)).status_code == 404
    # Through their own authority's address, Walsall's statement does not exist either.
    own = reverse("reports:statement-detail", kwargs={"code": "333", "pk": statements["published"].pk})
    assert client.get(own).status_code == 404
    assert client.get(reverse("reports:statement-list", kwargs={"code": "333"})).status_code == 200


def test_published_page_suppresses_small_numbers(client, board_member, statements):
    client.force_login(board_member)
    page = client.get(_url("detail", statements["published"].pk)).content.decode()
    # One child (W2) is accommodated under section 20 and one (W8) is in an unregistered placement.
    import re

    row = re.search(r"V2 Single period of accommodation under section 20</th>(.*?)</tr>", page, re.S)
    assert row is not None
    assert "fewer than 5" in row.group(1) and ">1<" not in row.group(1)
