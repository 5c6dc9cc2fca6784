"""Render a board report document as HTML (the body shown on screen, and a standalone printable page) and
as a tagged PDF (WeasyPrint, PDF/UA-1).

The PDF carries on every page the authority's name, the "as at" date and the version (or DRAFT) in the
running header and "Page X of Y" in the footer; a contents list with page numbers; headings h1-h3, tables
with header cells, charts as images with alt text, document language en-GB and a title in its metadata.
Fonts: Liberation Sans (Arial metrics; Debian ``fonts-liberation``), falling back to Arial or any sans
serif. No network: charts are embedded as data URIs and no stylesheet or font is fetched.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

#: WeasyPrint's tagged-PDF variant (accessible PDF: structure tree, alt text, language).
PDF_VARIANT = "pdf/ua-1"


def _svg_src(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _cells(table: dict[str, Any]) -> dict[str, Any]:
    """A table with every cell as {"text", "tag", "numeric", "total"} for the template."""
    numeric = [bool(h.get("numeric")) for h in table["headers"]]
    rows = []
    for row in table["rows"]:
        is_total = (
            bool(row) and str(row[0] if not isinstance(row[0], dict) else row[0].get("text")) == "Total"
        )
        cells = []
        for i, cell in enumerate(row):
            c = dict(cell) if isinstance(cell, dict) else {"text": cell}
            c["numeric"] = numeric[i] if i < len(numeric) else False
            cells.append(c)
        rows.append({"cells": cells, "total": is_total})
    return {**table, "rows": rows}


def render_context(document: dict[str, Any], charts: dict[str, str]) -> dict[str, Any]:
    """The document prepared for the templates: chart image sources and table cells resolved."""
    sections = []
    for section in document["sections"]:
        sections.append(
            {
                **section,
                "charts": [
                    {**c, "src": _svg_src(charts[c["id"]])} for c in section["charts"] if c["id"] in charts
                ],
                "tables": [_cells(t) for t in section["tables"]],
            }
        )
    appendix = [{**group, "table": _cells(group["table"])} for group in document.get("kpi_appendix", [])]
    return {
        "doc": document,
        "sections": sections,
        "appendix": appendix,
        "draft": document.get("status") != "published",
    }


def render_body_html(document: dict[str, Any], charts: dict[str, str]) -> str:
    """The report itself (cover, contents, sections, appendix): shown inside the app's page on screen and
    inside the printable page for the PDF."""
    return render_to_string("reports/board/_report_body.html", render_context(document, charts))


def render_print_html(document: dict[str, Any], body_html: str) -> str:
    """A standalone printable HTML page (styles inlined, no external resources) around the report body."""
    css = render_to_string("reports/board/print.css", {"doc": document})
    return render_to_string(
        "reports/board/print.html", {"doc": document, "css": SafeString(css), "body": SafeString(body_html)}
    )


def style_hashes(html: str) -> list[str]:
    """CSP source expressions ('sha256-...') for the inline <style> blocks of a printable page, so the page
    can be served under a strict style-src without 'unsafe-inline'."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode("ascii") + "'"
        for block in re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    ]


def render_pdf(html: str) -> tuple[bytes, int]:
    """The printable HTML as a tagged PDF (PDF/UA-1), and its number of pages."""
    from weasyprint import HTML

    rendered = HTML(string=html, base_url=None).render(pdf_variant=PDF_VARIANT)
    buffer = io.BytesIO()
    rendered.write_pdf(buffer, pdf_variant=PDF_VARIANT)
    return buffer.getvalue(), len(rendered.pages)


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()
