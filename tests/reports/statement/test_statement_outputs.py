"""Statement outputs: the Word document (real headings, tables with header rows, pictures with alt
text), the tagged PDF and the web page, all read from the same document."""

from __future__ import annotations

import io

import pytest

from sufficiency.reports.statement.builder import build_statement_document
from sufficiency.reports.statement.choices import StatementSectionChoices
from sufficiency.reports.statement.render import render_body_html, render_docx, render_pdf_bytes
from tests.reports.conftest import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(register, strategy):
    doc = build_statement_document(
        authority=register["walsall"], as_at=D, narrative={"context": "First paragraph.\n\nSecond paragraph."}
    )
    doc.update(status="draft", status_text="Draft", version=None)
    return doc


def test_docx_opens_with_headings_tables_and_alt_text(document):
    from docx import Document

    data = render_docx(document)
    word = Document(io.BytesIO(data))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"{n}. {label}" for n, label in enumerate(StatementSectionChoices.labels, start=1)]
    assert [p.text for p in word.paragraphs if p.style.name == "Title"] == [
        "Walsall: Placement sufficiency statement"
    ]
    texts = [p.text for p in word.paragraphs]
    assert "First paragraph." in texts and "Second paragraph." in texts
    assert len(word.tables) >= 15
    first = word.tables[0]
    assert [c.text for c in first.rows[0].cells] == ["Measure", "This year", "A year earlier", "Region"]
    assert first.rows[1].cells[0].text == "Children in care"
    assert first.rows[1].cells[1].text == "7"
    assert "w:tblHeader" in first.rows[0]._tr.xml
    pictures = word.inline_shapes
    assert len(pictures) >= 1
    for picture in pictures:
        assert picture._inline.docPr.get("descr"), "every picture has alt text"
    assert word.core_properties.language == "en-GB"


def test_pdf_is_tagged_with_language_title_and_structure(document):
    import pypdf

    pdf, pages = render_pdf_bytes(document)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == pages >= 4
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert reader.metadata.title.startswith("Walsall: Placement sufficiency statement, as at 31 March 2025")


def test_web_page_has_landmarks_headings_and_table_headers(document):
    html = render_body_html(document)
    assert html.count('<h2 class="govuk-heading-l"') == 11
    assert 'scope="col"' in html and 'scope="row"' in html
    assert 'alt="' in html
    import re

    assert not re.findall(r"\bW[12]\b", html), re.findall(r".{80}\bW[12]\b.{40}", html)
    assert "fewer than 5" in html


@pytest.mark.skipif(
    __import__("shutil").which("soffice") is None and not __import__("os").environ.get("REQUIRE_LIBREOFFICE"),
    reason="LibreOffice (soffice) is not installed here (CI installs it and sets REQUIRE_LIBREOFFICE)",
)
def test_docx_converts_with_libreoffice_headless_without_repair(document, tmp_path):
    """LibreOffice opens the Word document and saves it again as Word (what a council editing it in
    LibreOffice does); the headings and tables read back from LibreOffice's file are the original's."""
    import subprocess

    from docx import Document

    source = tmp_path / "statement.docx"
    source.write_bytes(render_docx(document))
    converted = tmp_path / "converted"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
         "docx:MS Word 2007 XML", "--outdir", str(converted), str(source)],
        check=True, timeout=180, capture_output=True,
    )  # fmt: skip
    original, saved = Document(str(source)), Document(str(converted / "statement.docx"))

    def headings(word):
        return [
            (p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith(("Heading", "Title"))
        ]

    def tables(word):
        return [[[c.text for c in row.cells] for row in table.rows] for table in word.tables]

    assert headings(saved) == headings(original)
    assert [h for h in headings(saved) if h[0] == "Heading 1"][0] == (
        "Heading 1",
        "1. Context and our duties",
    )
    assert len(saved.tables) == len(original.tables) >= 15
    assert tables(saved) == tables(original)
    assert tables(saved)[0][0] == ["Measure", "This year", "A year earlier", "Region"]
