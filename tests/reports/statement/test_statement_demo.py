"""The demo loads a drafted statement for the demo authority and one for its region (West Midlands), and
both render as a complete draft (web, Word, PDF) from a fresh demo."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest

from sufficiency.demo.statements import demo_statements_load
from sufficiency.reports.models import Statement
from sufficiency.reports.statement import services
from sufficiency.reports.statement.choices import StatementSectionChoices
from sufficiency.reports.statement.render import render_body_html, render_docx, render_pdf_bytes

pytestmark = pytest.mark.django_db
AS_AT = dt.date(2026, 3, 31)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from sufficiency.authorities.reference import ensure_local_authorities
    from sufficiency.demo.loader import demo_region_load

    with django_db_blocker.unblock():
        # A module fixture runs before the autouse one: another module's flush may have emptied the
        # migrations' reference authorities on this worker.
        ensure_local_authorities()
        demo_region_load(authorities=["335", "333"], as_at=AS_AT)
    yield
    with django_db_blocker.unblock():
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


def test_demo_has_an_authority_and_a_west_midlands_draft_that_render_in_under_a_minute(demo):
    statements = list(Statement.objects.order_by("id"))
    assert [(s.authority.dfe_code, s.region.name if s.region else None) for s in statements] == [
        ("335", None),
        ("335", "West Midlands"),
    ]
    for statement in statements:
        assert statement.status == "draft"
        assert {s.section for s in statement.sections.all()} >= {StatementSectionChoices.CONTEXT}
        started = time.monotonic()
        document = services.statement_document(statement=statement)
        html = render_body_html(document)
        word = render_docx(document)
        pdf, pages = render_pdf_bytes(document)
        elapsed = time.monotonic() - started
        print(f"statement {statement.pk}: built and rendered in {elapsed:.1f} s")  # goal: under a minute
        assert len(document["sections"]) == 11 and pages >= 3 and pdf[:5] == b"%PDF-"
        from docx import Document

        assert len(Document(io.BytesIO(word)).tables) >= 3
        assert "govuk-table" in html
    regional = services.statement_document(statement=statements[1])
    assert regional["region"]["authorities"] == ["Sandwell", "Walsall"]
    # Loading again creates nothing twice.
    demo_statements_load(authority=statements[0].authority, as_at=AS_AT, acting_user=None)
    assert Statement.objects.count() == 2
