"""Bad input never crashes an import, never writes part of a file, and always says what is wrong.

Hypothesis generates malformed SSDA903 files (random bytes, wrong columns, truncated rows, impossible dates
and codes, huge cells, mixed encodings), malformed Ofsted provider lists and junk API uploads. Examples are
bounded (`max_examples`) so the module runs in well under a minute in `make test`.
"""

from __future__ import annotations

import string

import pytest
from django.core.cache import cache
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from placements.importing import ssda903_import
from placements.models import (
    Child,
    ImportJob,
    ImportQualityReport,
    Inspection,
    PlacementEpisode,
    QuarantinedRecord,
    Setting,
)
from placements.supply.services import ofsted_import
from sufficiency.api.services import api_client_create
from tests.ssda903_files import EPISODE_COLUMNS, csv_bytes, episodes, header

pytestmark = pytest.mark.django_db

BOUNDED = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    database=None,
)

# --- strategies: what a broken export or a careless hand can produce ----------------------------------

cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["", "31/02/2012", "2012-13-01", "01/01/1850", "99/99/9999", "Z9", "PR9", "X", "??", " "]
    ),
    st.text(alphabet=string.ascii_letters, min_size=3000, max_size=5000),  # a huge cell
    st.just("caf\u00e9 \u2603 \ud7ff"),
)


@st.composite
def broken_ssda903_files(draw: st.DrawFn) -> list[tuple[str, bytes]]:
    """A file set that is wrong in at least one way a person would need told about."""
    kind = draw(st.sampled_from(["bytes", "columns", "cells", "truncated", "encoding", "missing_episodes"]))
    good_header = header({"CHILD": "P0001", "DOB": "17/05/2012"}, {"CHILD": "P0002", "DOB": "03/01/2009"})
    good_episodes = episodes(
        {"CHILD": "P0001", "DECOM": "01/04/2024", "HOME_POST": "WS1 1TP", "PL_POST": "WV1 1RQ"},
        {"CHILD": "P0002", "DECOM": "10/06/2023", "HOME_POST": "WS1 1TP", "PL_POST": "WS1 1TP"},
    )
    if kind == "bytes":
        return [
            ("header.csv", draw(st.binary(max_size=2000))),
            ("episodes.csv", draw(st.binary(max_size=2000))),
        ]
    if kind == "columns":
        columns = draw(
            st.lists(
                st.text(alphabet=string.ascii_uppercase + "_", min_size=1, max_size=8),
                min_size=1,
                max_size=8,
                unique=True,
            )
        )
        rows = [dict.fromkeys(columns, draw(cells)) for _ in range(draw(st.integers(1, 3)))]
        return [("header.csv", good_header), ("episodes.csv", csv_bytes(columns, rows))]
    if kind == "cells":
        column = draw(st.sampled_from([c for c in EPISODE_COLUMNS if c not in ("CHILD", "UPN")]))
        value = draw(
            cells.filter(lambda v: "," not in v and "\n" not in v and "\r" not in v and '"' not in v)
        )
        bad = episodes(
            {
                "CHILD": "P0001",
                "DECOM": "01/04/2024",
                "HOME_POST": "WS1 1TP",
                "PL_POST": "WV1 1RQ",
                column: value,
            },
        )
        header_column = draw(st.sampled_from(["DOB", "SEX"]))
        bad_header = header(
            {
                "CHILD": "P0001",
                "DOB": "17/05/2012",
                header_column: draw(st.sampled_from(["31/02/2012", "9", "", "not a date"])),
            }
        )
        return [("header.csv", bad_header), ("episodes.csv", bad)]
    if kind == "truncated":
        cut = draw(st.integers(min_value=1, max_value=len(good_episodes) - 2))
        return [("header.csv", good_header), ("episodes.csv", good_episodes[:cut])]
    if kind == "encoding":
        text = good_episodes.decode().replace("WS1 1TP", "WS1 1TP\u00e9")
        mixed = text.encode("utf-8")[:200] + text.encode("latin-1", errors="replace")[200:]
        return [("header.csv", good_header.decode().encode("utf-16")), ("episodes.csv", mixed)]
    return [("header.csv", good_header)]  # episodes missing altogether


def _register_rows() -> tuple[int, int]:
    return Child.objects.count(), PlacementEpisode.objects.count()


@BOUNDED
@given(files=broken_ssda903_files())
def test_malformed_ssda903_files_write_nothing_and_say_why_in_strict_mode(walsall, files) -> None:
    before = _register_rows()
    outcome = ssda903_import(authority=walsall, files=files, strict=True)
    if outcome.ok:
        # Hypothesis may stumble on a file set that is still valid (a cell left valid): that must import.
        assert outcome.counts.get("children", 0) >= 1
        Child.objects.filter(authority=walsall).delete()
        return
    assert _register_rows() == before, "a rejected import must not write anything"
    assert outcome.errors, "a rejected import must say what is wrong"
    for error in outcome.errors:
        assert error.message.strip(), error
        assert error.file or error.column or error.row != "", (
            f"an error must point at a file/row/column: {error}"
        )
    report = outcome.error_report_csv
    assert report.splitlines()[0] == "file,row,column,value,message,code,severity,action"


def _everything(authority) -> tuple:
    """Every row an import may write for an authority."""
    return (
        sorted(Child.objects.filter(authority=authority).values_list("child_ref", "sex", "dob")),
        sorted(
            PlacementEpisode.objects.filter(authority=authority).values_list(
                "child__child_ref", "decom", "dec"
            )
        ),
        sorted(QuarantinedRecord.objects.filter(authority=authority).values_list("file", "row", "rule")),
        ImportQualityReport.objects.filter(authority=authority).count(),
    )


@st.composite
def messy_returns(draw: st.DrawFn) -> list[tuple[str, bytes]]:
    """Several children, each row with any cell possibly wrong: what a real extract looks like."""
    children = [f"P{i:04d}" for i in range(draw(st.integers(1, 4)))]
    episode_rows = []
    for _ in range(draw(st.integers(1, 8))):
        row = {
            "CHILD": draw(st.sampled_from([*children, "", "P9999"])),
            "DECOM": draw(st.sampled_from(["01/04/2023", "01/09/2023", "10/10/2023", "31/02/2023", ""])),
            "DEC": draw(st.sampled_from(["", "", "01/09/2023", "15/10/2023", "01/03/2023", "32/01/2024"])),
            "REC": draw(st.sampled_from(["", "X1", "E13", "E99"])),
            "HOME_POST": "WS1 1TP",
            "PL_POST": draw(st.sampled_from(["WV1 1RQ", "", "NOT A POSTCODE AT ALL"])),
        }
        column = draw(st.sampled_from([c for c in EPISODE_COLUMNS if c not in ("CHILD", "UPN")]))
        row[column] = draw(
            cells.filter(lambda v: "," not in v and "\n" not in v and "\r" not in v and '"' not in v)
        )
        episode_rows.append(row)
        if draw(st.booleans()):
            episode_rows.append(dict(row))  # an exact duplicate
    header_rows = [
        {
            "CHILD": c,
            "DOB": draw(st.sampled_from(["17/05/2012", "03/01/2009", "", "31/02/2012"])),
            "SEX": draw(st.sampled_from(["1", "2", "M", "9", ""])),
        }
        for c in children
        if draw(st.integers(0, 5))  # now and then a child has no Header row
    ]
    return [("header.csv", header(*header_rows)), ("episodes.csv", episodes(*episode_rows))]


@BOUNDED
@given(files=st.one_of(messy_returns(), broken_ssda903_files()))
def test_any_file_under_the_policy_never_crashes_never_writes_half_and_drops_nothing(
    walsall, sandwell, files
) -> None:
    """Under the import policy an import either refuses whole (nothing written) or accounts for every row
    read: written to the register, held back, or removed as an exact repeat. Sandwell is never touched."""
    ssda903_import(
        authority=sandwell,
        files=[
            ("h.csv", header({"CHILD": "S1", "DOB": "01/01/2015"})),
            ("e.csv", episodes({"CHILD": "S1", "DECOM": "01/04/2024"})),
        ],
    )
    sandwell_before = _everything(sandwell)
    before = _everything(walsall)
    outcome = ssda903_import(authority=walsall, files=files)
    assert _everything(sandwell) == sandwell_before
    if not outcome.ok:
        assert _everything(walsall) == before, "a refused import must not write anything"
        assert outcome.errors and all(e.message.strip() for e in outcome.errors)
        return
    rows_read = {f["kind"]: f["rows"] for f in outcome.files if f["kind"]}
    held = dict(
        QuarantinedRecord.objects.filter(authority=walsall).values_list("table").annotate(n=Count("id"))
    )
    repeats = {}
    for notice in outcome.notices:
        if notice.rule == "ExactDuplicateRowsKeptOnce":
            kind = "header" if notice.file == "header.csv" else "episodes"
            repeats[kind] = repeats.get(kind, 0) + 1
    written = {
        "header": Child.objects.filter(authority=walsall).count(),
        "episodes": PlacementEpisode.objects.filter(authority=walsall).count(),
    }
    for kind in ("header", "episodes"):
        assert rows_read.get(kind, 0) == written[kind] + held.get(kind, 0) + repeats.get(kind, 0), kind
    assert outcome.counts["quarantined_rows"] == sum(held.values())
    # The register holds only readable records: no episode of a child held back.
    held_children = set(
        QuarantinedRecord.objects.filter(authority=walsall).values_list("child_ref", flat=True)
    )
    assert not held_children & set(
        Child.objects.filter(authority=walsall).values_list("child_ref", flat=True)
    )
    Child.objects.filter(authority=walsall).delete()
    QuarantinedRecord.objects.filter(authority=walsall).delete()


@pytest.mark.parametrize(
    "content",
    [b"CHILD,SEX,DOB\rP0001,1,17/05/2012\n", b"CHI\x00LD,SEX,DOB\nP0001,1,17/05/2012\n", b"\r\r\n"],
    ids=["lone carriage return", "NUL byte", "only newlines"],
)
def test_a_first_line_the_csv_module_cannot_read_is_reported_not_raised(walsall, content) -> None:
    """Found by the property test above: a lone carriage return in the first line raised csv.Error out of
    the import instead of becoming an error the data manager can read."""
    outcome = ssda903_import(authority=walsall, files=[("header.csv", content)])
    assert not outcome.ok
    assert any(e.file == "header.csv" and e.message for e in outcome.errors), outcome.errors
    assert _register_rows() == (0, 0)


def test_a_failed_strict_import_keeps_the_previous_register(walsall) -> None:
    """The all-or-nothing rule of strict mode, checked on a register that already holds children."""
    good = [
        ("header.csv", header({"CHILD": "K0001", "DOB": "17/05/2012"})),
        (
            "episodes.csv",
            episodes({"CHILD": "K0001", "DECOM": "01/04/2024", "HOME_POST": "WS1 1TP", "PL_POST": "WV1 1RQ"}),
        ),
    ]
    assert ssda903_import(authority=walsall, files=good).ok
    before = list(PlacementEpisode.objects.values_list("child__child_ref", "decom", "place"))
    bad = [good[0], ("episodes.csv", episodes({"CHILD": "K0001", "DECOM": "31/02/2024", "PLACE": "Z9"}))]
    outcome = ssda903_import(authority=walsall, files=bad, strict=True)
    assert not outcome.ok and outcome.errors
    assert list(PlacementEpisode.objects.values_list("child__child_ref", "decom", "place")) == before
    # Under the policy the same files replace the register, holding the unreadable child back.
    outcome = ssda903_import(authority=walsall, files=bad)
    assert outcome.ok
    assert PlacementEpisode.objects.count() == 0
    assert set(QuarantinedRecord.objects.values_list("child_ref", "rule")) == {
        ("K0001", "EpisodeStartNotReadable")
    }


OFSTED_COLUMNS = [
    "URN",
    "Provision type",
    "Setting name",
    "Postcode",
    "Local authority",
    "Overall effectiveness",
]


@st.composite
def broken_ofsted_files(draw: st.DrawFn) -> list[tuple[str, bytes]]:
    kind = draw(st.sampled_from(["bytes", "columns", "cells", "xlsx"]))
    if kind == "bytes":
        return [("providers.csv", draw(st.binary(max_size=3000)))]
    if kind == "xlsx":
        # Named like a spreadsheet, but not one (a renamed CSV, a truncated download).
        return [("providers.xlsx", b"PK\x03\x04" + draw(st.binary(max_size=500)))]
    if kind == "columns":
        columns = draw(
            st.lists(
                st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=10),
                min_size=1,
                max_size=6,
                unique=True,
            )
        )
        return [
            ("providers.csv", csv_bytes([c.replace(",", "") for c in columns], [dict.fromkeys(columns, "x")]))
        ]
    row = {
        "URN": draw(st.sampled_from(["", "ABC", "SC12345678901", "-1"])),
        "Provision type": draw(st.sampled_from(["Children's home", "Nonsense", ""])),
        "Setting name": draw(st.text(alphabet=string.ascii_letters, max_size=5000)),
        "Postcode": draw(st.sampled_from(["WS1 1TP", "NOT A POSTCODE", ""])),
        "Local authority": draw(st.sampled_from(["Walsall", "Atlantis", ""])),
        "Overall effectiveness": draw(st.sampled_from(["Outstanding", "Brilliant", "7", ""])),
    }
    return [("providers.csv", csv_bytes(OFSTED_COLUMNS, [row]))]


@BOUNDED
@given(files=broken_ofsted_files())
def test_malformed_ofsted_files_write_nothing_and_say_why(walsall, files) -> None:
    before = (Setting.objects.count(), Inspection.objects.count())
    outcome = ofsted_import(authority=walsall, files=files, publish=True)
    if outcome.ok:
        return  # a row that happens to be valid is imported: the property is about the broken ones
    assert (Setting.objects.count(), Inspection.objects.count()) == before
    assert outcome.errors
    assert all(error.message.strip() for error in outcome.errors)


# --- the API: junk uploads get 400 with field errors, and queue nothing --------------------------------

junk_values = st.one_of(st.text(max_size=40), st.integers().map(str), st.just(""), st.just("\x00"))


@st.composite
def junk_upload(draw: st.DrawFn) -> dict:
    payload = draw(
        st.dictionaries(st.sampled_from(["authority", "kind", "note", "files", "x"]), junk_values, max_size=4)
    )
    kind = draw(st.sampled_from(["fields", "bad_name", "binary", "other_authority"]))
    from django.core.files.uploadedfile import SimpleUploadedFile

    if kind == "bad_name":
        name = draw(st.sampled_from(["export.exe", "episodes.pdf", "noextension", ".csv.zip"]))
        payload["files"] = SimpleUploadedFile(name, b"CHILD,DOB\r\n1,01/01/2012\r\n")
    elif kind == "binary":
        payload["files"] = SimpleUploadedFile("episodes.csv", b"\x00" + draw(st.binary(max_size=200)))
    elif kind == "other_authority":
        payload["authority"] = draw(st.sampled_from(["333", "999", "", "<script>", "335' OR 1=1"]))
        payload.pop("files", None)
    else:
        payload.pop("files", None) if draw(st.booleans()) else None
    return payload


@pytest.fixture
def import_token(walsall):
    return api_client_create(authority=walsall, name="Property tests", scopes=["write:import"])[1]


@BOUNDED
@given(payload=junk_upload())
def test_junk_api_uploads_are_refused_with_field_errors(import_token, payload) -> None:
    cache.clear()  # throttle counters
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {import_token}")
    before = ImportJob.objects.count()
    response = client.post("/api/v1/imports/", payload, format="multipart")
    assert response.status_code == 400, (response.status_code, payload, response.content[:300])
    body = response.json()
    assert body.get("status") == 400
    text = str(body)
    assert "files" in text or "authority" in text, body
    assert "Traceback" not in text
    assert ImportJob.objects.count() == before
