"""CSV and XLSX downloads of the tables a page shows, from the context the page itself renders.

A page view mixes in `TableDownloadMixin` and names its tables (`download_tables`); the same URL with
`?download=csv&table=KEY` (or `download=xlsx`) answers that table as a file instead of the page. So a
download is scoped exactly as its page (the page's own `dispatch` ran: another authority is a 404), holds
the page's figures (the same `get_context_data`, no second calculation) and is audited. The table include
(`includes/govuk/table.html`) offers both links when given `download=downloads.KEY`.

The files are data (`csv.export_table`): numbers as numbers, the unit in the column header, ISO dates, no
HTML, every cell inert.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from .audit import audit
from .csv import csv_response, export_table, plain_text
from .xlsx import xlsx_response

FORMATS = ("csv", "xlsx")


def download_urls(request: HttpRequest, key: str) -> dict[str, str]:
    """The page's own URL and filters, asking for one table as CSV and as XLSX."""
    urls = {}
    for fmt in FORMATS:
        query = request.GET.copy()
        query["download"] = fmt
        query["table"] = key
        urls[fmt] = f"{request.path}?{query.urlencode()}"
    return urls


def _lookup(context: dict[str, Any], path: str) -> Any:
    """A context value by dotted path ("current.stage_rows")."""
    value: Any = context
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    return value


def figure(value: Any) -> Any:
    """A figure for a download: a whole number as an integer (637, not 637.0), others unchanged."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def table_download(
    filename: str, fmt: str, title: str, headers: Sequence[Any], rows: Sequence[Sequence[Any]]
) -> HttpResponse:
    """One shown table as a CSV or XLSX file. A column with no heading (a row's "Edit" or "End" link) is
    an action on the page, not data, and is left out."""
    kept = [i for i, header in enumerate(headers) if plain_text(header)]
    if len(kept) < len(headers):
        headers = [headers[i] for i in kept]
        rows = [[row[i] for i in kept if i < len(row)] for row in rows]
    names, values = export_table(headers, [[figure(v) for v in row] for row in rows])
    if fmt == "xlsx":
        return xlsx_response(filename, names, values, title=plain_text(title))
    return csv_response(filename, names, values)


class TableDownloadMixin:
    """Offer each table of a page as CSV and XLSX (see the module docstring).

    `download_tables` maps a table's key to (title, headers path, rows path) in the page's context;
    a page whose tables are written out in its template builds them in `table_for_download` instead.
    `download_name` is the start of the file names (the authority's code and the date are the page's).
    """

    download_tables: dict[str, tuple[str, str, str]] = {}
    download_name = "table"
    request: HttpRequest

    def download_keys(self) -> Sequence[str]:
        return list(self.download_tables)

    def table_for_download(
        self, context: dict[str, Any], key: str
    ) -> tuple[str, Sequence[Any], Sequence[Any]]:
        """(title, headers, rows) of one table as the page shows it."""
        title, headers, rows = self.download_tables[key]
        return title, _lookup(context, headers) or [], _lookup(context, rows) or []

    def download_filename(self, key: str, fmt: str) -> str:
        authority = getattr(self, "authority", None)
        code = f"{authority.dfe_code}-" if authority is not None else ""
        return f"{code}{self.download_name}-{key}.{fmt}"

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        fmt = self.request.GET.get("download")
        if fmt is None:
            context["downloads"] = {key: download_urls(self.request, key) for key in self.download_keys()}
            return super().render_to_response(context, **kwargs)  # type: ignore[misc]  # a mixin: the view class provides this
        key = self.request.GET.get("table", "")
        if fmt not in FORMATS or key not in self.download_keys():
            raise Http404("No such table")
        title, headers, rows = self.table_for_download(context, key)
        authority = getattr(self, "authority", None)
        audit(
            action="table.downloaded",
            actor=self.request.user,
            authority=authority,
            object_type="table",
            object_id=f"{self.download_name}:{key}",
            detail={"format": fmt, "rows": len(rows)},
            request=self.request,
        )
        return table_download(self.download_filename(key, fmt), fmt, title, headers, rows)


__all__ = ["FORMATS", "TableDownloadMixin", "download_urls", "figure", "table_download"]
