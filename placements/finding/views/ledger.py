"""The unmet-need ledger page (aggregates: every dashboard role, board members included) and its CSV."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from sufficiency.authorities.permissions import LEDGER_ROLES
from sufficiency.core.bounds import parse_month
from sufficiency.core.csv import csv_response, safe_writer
from sufficiency.core.downloads import TableDownloadMixin, figure
from sufficiency.core.formatting import month_end
from sufficiency.core.views import AuthorityMixin

from ...as_at import as_at_for_request
from ...choices import DeclinedByChoices, DeclineReasonChoices
from .. import selectors
from ..charts import KIND_HEADINGS, MEASURE_HEADINGS, ledger_context
from ..ledger import MEASURES


def _period(view: AuthorityMixin, request: Any) -> tuple[dt.date, dt.date]:
    """?end=YYYY-MM (the last month shown, to its end) or, by default, the as-at date, and the 12 months to
    it (`period_for`). A malformed or out-of-range month is the default."""
    end_month = parse_month(request.GET.get("end"))
    on = (
        month_end(end_month)
        if end_month is not None
        else as_at_for_request(request, authority=view.authority).on
    )
    return selectors.default_ledger_period(on)


class LedgerView(TableDownloadMixin, AuthorityMixin, TemplateView):
    """By month and kind of placement: requests, days to place, placed to plan, fostering preferred but
    residential used (and its cost), siblings split, approaches and offers, declines, not placed."""

    allowed_roles = LEDGER_ROLES
    template_name = "placements/finding/ledger.html"
    download_name = "unmet-need-ledger"
    download_tables = {
        "months": ("By month and kind of placement preferred", "ledger_table_headers", "ledger_table_rows"),
    }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        start, end = _period(self, self.request)
        result = selectors.unmet_need_ledger_for_authority(authority=self.authority, start=start, end=end)
        csv_url = reverse("placements:finding-ledger-csv", kwargs={"code": self.authority.dfe_code})
        if self.request.GET.get("end"):  # else the CSV counts to the same as-at date as the page
            csv_url += f"?end={end:%Y-%m}"
        context.update(ledger_context(result, csv_url=csv_url, definition_url="#definitions"))
        previous = (pd.Timestamp(start) - pd.offsets.MonthBegin(1)).date()
        following = (pd.Timestamp(end) + pd.offsets.MonthBegin(12)).date()
        context.update(
            title="Unmet-need ledger",
            previous_url=f"?end={previous:%Y-%m}",
            next_url=f"?end={following:%Y-%m}"
            if following <= timezone.localdate() + dt.timedelta(days=31)
            else "",
        )
        return context


class LedgerCsvView(AuthorityMixin, View):
    """The ledger's month-by-kind figures as CSV (the same numbers as the page)."""

    allowed_roles = LEDGER_ROLES

    def get(self, request: Any, code: str) -> HttpResponse:
        start, end = _period(self, request)
        result = selectors.unmet_need_ledger_for_authority(authority=self.authority, start=start, end=end)
        response = csv_response(f"unmet-need-ledger-{code}-{end:%Y-%m}.csv")
        writer = safe_writer(response)
        writer.writerow(["Month", "Kind of placement preferred", *(MEASURE_HEADINGS[m] for m in MEASURES)])
        monthly = result["monthly"]
        for row in monthly[["month", "kind", *MEASURES]].itertuples(index=False):
            month, kind, *values = row
            writer.writerow(
                [
                    f"{month:%Y-%m}",
                    KIND_HEADINGS.get(kind, kind),
                    *("" if pd.isna(v) else figure(v) for v in values),
                ]
            )
        writer.writerow([])
        writer.writerow(["Why declined", "Declined by", "Declines"])
        for reason, by, count in result["declines"][["decline_reason", "declined_by", "declines"]].itertuples(
            index=False
        ):
            writer.writerow([DeclineReasonChoices(reason).label, DeclinedByChoices(by).label, count])
        return response
