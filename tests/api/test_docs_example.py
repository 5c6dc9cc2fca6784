"""The spreadsheet example in docs/api.md runs as written against the API (through the test client in place
of the network) and writes the region's gaps, with suppressed figures as "c"."""

from __future__ import annotations

import csv
import re
import sys
import types
from pathlib import Path

import pytest

from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"
HOST = "https://sufficiency.example.gov.uk"


def _example_script() -> str:
    text = DOCS.read_text()
    section = text[text.index("## Example: pull the region's forecast gaps into a spreadsheet") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def _fake_requests(api) -> types.ModuleType:
    """Just enough of `requests` for the example: Session().get(url, timeout=) through the test client."""

    class Response:
        def __init__(self, response):
            self._response = response
            self.status_code = response.status_code

        def raise_for_status(self):
            assert self.status_code < 400, self._response.content

        def json(self):
            return self._response.json()

    class Session:
        def __init__(self):
            self.headers: dict[str, str] = {}

        def get(self, url, params=None, timeout=None):
            assert url.startswith(HOST) and timeout
            token = self.headers["Authorization"].removeprefix("Bearer ")
            return Response(api.get(url.removeprefix(HOST), params or {}, **bearer(token)))

    module = types.ModuleType("requests")
    module.Session = Session
    return module


def test_the_gaps_spreadsheet_example_runs_against_the_api(api, records, own_token, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "requests", _fake_requests(api))
    monkeypatch.setenv("SUFFICIENCY_TOKEN", own_token)
    monkeypatch.chdir(tmp_path)
    exec(compile(_example_script(), str(DOCS), "exec"), {"__name__": "example"})  # noqa: S102

    with open(tmp_path / "west-midlands-gaps.csv", newline="") as sheet:
        rows = list(csv.DictReader(sheet))
    assert list(rows[0]) == [
        "authority", "name", "as_at", "financial_year", "kind_of_place", "demand_mean", "demand_p90",
        "inhouse_places", "block_beds", "external_share", "local_places", "local_used_others",
    ]  # fmt: skip
    by_key = {(r["authority"], r["kind_of_place"]): r for r in rows}
    assert {a for a, _ in by_key} == {"335", "333"}  # the authorities with a gap computed
    own = by_key[("335", "Children's homes")]
    assert (own["financial_year"], own["demand_mean"], own["external_share"]) == ("2026-27", "20.0", "45.0")
    assert by_key[("335", "Secure children's homes")]["demand_mean"] == "1.2"
    sandwell_secure = by_key[("333", "Secure children's homes")]
    assert sandwell_secure["demand_mean"] == "c" and sandwell_secure["external_share"] == "c"
    assert by_key[("333", "Children's homes")]["demand_mean"] == "9.0"
