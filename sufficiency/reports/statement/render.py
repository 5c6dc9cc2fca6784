"""Render a statement document: the accessible web page, the standalone printable HTML, the tagged PDF
(the board report's WeasyPrint PDF/UA-1 path) and a Word document (python-docx) councils keep editing.

Every output reads only the document: a published version renders from its frozen JSON, so its web page,
PDF and Word file agree with each other and never change with the register. Charts are the board
report's matplotlib drawings (SVG on screen and in the PDF, PNG in Word), each with alt text and a table
beside it.
"""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ..board.charts import render_charts, render_charts_png
from ..board.pdf import render_context, render_pdf, sha256_hex, style_hashes

__all__ = [
    "render_body_html",
    "render_docx",
    "render_pdf_bytes",
    "render_print_html",
    "sha256_hex",
    "style_hashes",
]


def _context(document: dict[str, Any]) -> dict[str, Any]:
    context = render_context(document, render_charts(document))
    context["draft"] = document.get("status") != "published"
    return context


def render_body_html(document: dict[str, Any]) -> str:
    """The statement itself (cover, contents, sections, changes since the last version)."""
    return render_to_string("reports/statement/_statement_body.html", _context(document))


def render_print_html(document: dict[str, Any]) -> str:
    """A standalone printable page (styles inlined, no external resources): the PDF's source."""
    css = render_to_string("reports/board/print.css", {"doc": document}).replace(
        '"Corporate Parenting Board · "', '"Sufficiency statement · "'
    )
    return render_to_string(
        "reports/statement/print.html",
        {"doc": document, "css": SafeString(css), "body": SafeString(render_body_html(document))},
    )


def render_pdf_bytes(document: dict[str, Any]) -> tuple[bytes, int]:
    """The statement as a tagged PDF (PDF/UA-1) and its number of pages."""
    return render_pdf(render_print_html(document))


def _cell_text(cell: Any) -> str:
    return str(cell.get("text", "")) if isinstance(cell, dict) else str(cell)


def _add_table(doc: Any, table: dict[str, Any]) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc.add_paragraph(table["caption"], style="Caption")
    headers = table["headers"]
    grid = doc.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    # The header row repeats on every page and is marked as a header for screen readers.
    tr_pr = grid.rows[0]._tr.get_or_add_trPr()
    header_flag = OxmlElement("w:tblHeader")
    header_flag.set(qn("w:val"), "true")
    tr_pr.append(header_flag)
    for i, header in enumerate(headers):
        cell = grid.rows[0].cells[i]
        cell.text = header["text"]
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table["rows"]:
        cells = grid.add_row().cells
        for i, value in enumerate(row[: len(headers)]):
            cells[i].text = _cell_text(value)
    # The caption doubles as the table's description (Word's "Alt Text" for tables).
    tbl_pr = grid._tbl.tblPr
    description = OxmlElement("w:tblDescription")
    description.set(qn("w:val"), table["caption"])
    tbl_pr.append(description)


def render_docx(document: dict[str, Any]) -> bytes:
    """The statement as a Word document: real headings (Title, Heading 1 and 2), tables with header rows,
    charts as PNG pictures with alt text, the narrative as editable paragraphs."""
    from docx import Document
    from docx.shared import Cm

    charts = render_charts_png(document)
    doc = Document()
    props = doc.core_properties
    props.title = f"{document['authority']['name']}: {document['title']}"
    props.subject = f"Placement sufficiency as at {document['as_at_text']}"
    props.author = document["authority"]["name"]
    props.language = "en-GB"
    scope = document["region"]["name"] if document.get("region") else document["authority"]["name"]
    doc.add_heading(f"{scope}: {document['title']}", level=0)
    status = (
        f"Version {document['version']}" if document.get("version") else document.get("status_text", "Draft")
    )
    doc.add_paragraph(f"Figures as at {document['as_at_text']}. {status}.")
    if document.get("region"):
        doc.add_paragraph(
            f"Drafted by {document['authority']['name']} for the authorities of {document['region']['name']}: "
            + ", ".join(document["region"]["authorities"])
            + "."
        )
    for section in document["sections"]:
        doc.add_heading(f"{section['number']}. {section['title']}", level=1)
        for fact in section["facts"]:
            doc.add_paragraph(fact)
        if section.get("narrative"):
            for para in section["narrative"].split("\n\n"):
                doc.add_paragraph(para.strip())
        if section.get("empty"):
            doc.add_paragraph(section["empty"])
        for chart in section["charts"]:
            png = charts.get(chart["id"])
            if not png:
                continue
            doc.add_paragraph(chart["title"], style="Caption")
            doc.add_picture(io.BytesIO(png), width=Cm(15))
            # Alt text: the description of the picture's drawing properties (what Word's Alt Text edits).
            inline = doc.inline_shapes[-1]._inline
            inline.docPr.set("descr", chart["alt"])
            inline.docPr.set("title", chart["title"])
        for table in section["tables"]:
            _add_table(doc, table)
        for note in section["notes"]:
            doc.add_paragraph(note, style="Quote")
    comparison = document.get("comparison")
    if comparison:
        doc.add_heading(f"Changes since version {comparison['version']}", level=1)
        _add_table(
            doc,
            {
                "caption": f"Figures now and in version {comparison['version']} "
                f"(as at {comparison['as_at_text']})",
                "headers": [{"text": "Measure"}, {"text": "Now"}, {"text": "Then"}, {"text": "Changed"}],
                "rows": [
                    [r["name"], r["now"], r["then"], "Changed" if r["changed"] else "No change"]
                    for r in comparison["rows"]
                ],
            },
        )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
