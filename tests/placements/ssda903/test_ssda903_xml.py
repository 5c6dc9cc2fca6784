"""The SSDA903 XML return: read safely, into the same tables as the same return's CSV files."""

from __future__ import annotations

import pandas as pd
import pytest

from placements.ssda903 import read_ssda903
from placements.ssda903 import xml as ssda903_xml
from placements.ssda903.xml import XmlReturnError, looks_like_xml, read_xml_return
from tests.placements.ssda903.builders import FIXTURES

EXPORT = FIXTURES / "export_2024-25"
XML_NAME = "ssda903_2024-25.xml"
XML = (EXPORT / XML_NAME).read_bytes()
CSV_TABLES = ("header.csv", "episodes.csv", "uasc.csv", "oc3.csv")


def csv_files() -> list[tuple[str, bytes]]:
    return [(name, (EXPORT / name).read_bytes()) for name in CSV_TABLES]


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["source_file", "source_row"])


def minimal_xml(children: str, header: str = "") -> bytes:
    return f"<?xml version='1.0' encoding='utf-8'?>\n<EXPSSDA903>{header}{children}</EXPSSDA903>".encode()


def test_the_same_return_as_xml_and_as_csv_gives_the_same_canonical_tables():
    from_csv, from_xml = read_ssda903(csv_files()), read_ssda903([(XML_NAME, XML)])
    assert from_csv.ok and from_xml.ok, (from_csv.errors, from_xml.errors)
    for table in ("header", "episodes", "uasc", "oc3"):
        pd.testing.assert_frame_equal(
            canonical(getattr(from_xml, table)), canonical(getattr(from_csv, table))
        )
    assert len(from_xml.episodes) == 4 and len(from_xml.uasc) == 1 and len(from_xml.oc3) == 1


def test_the_xml_return_is_recognised_by_its_content_not_its_name():
    result = read_ssda903([("download (7)", XML)])
    assert result.ok, result.errors
    assert [(f.kind, f.rows, f.collection_year) for f in result.files] == [("xml_return", 4, "2024-25")]
    assert result.files[0].label == "SSDA903 XML return (Header 4, Episodes 4, UASC 1, OC3 (care leavers) 1)"
    assert looks_like_xml(b"\xef\xbb\xbf  \n<EXPSSDA903/>") and not looks_like_xml(b"CHILD,SEX\n")


def test_upn_mother_and_mc_dob_are_never_read_from_the_xml():
    result = read_ssda903([(XML_NAME, XML)])
    everything = repr(result) + "".join(t.to_csv() for t in (result.header, result.episodes, result.uasc))
    assert "Z900000000101" not in everything and "11/11/2024" not in everything
    assert "2024-11-11" not in everything
    parsed = read_xml_return(XML)
    assert not {"UPN", "MOTHER", "MC_DOB"} & set(parsed.tables["header"])


def test_tables_this_service_does_not_use_are_noted_and_skipped():
    result = read_ssda903([(XML_NAME, XML)])
    assert sorted(w.message.split(" records")[0] for w in result.warnings) == [
        "The XML return holds 1 Missing",
        "The XML return holds 1 OC2 (outcomes)",
        "The XML return holds 2 PrevPerm",
        "The XML return holds 2 Reviews",
    ]
    assert {w.rule for w in result.warnings} == {"FileNotUsedByThisService"}


def test_problems_are_located_by_the_position_of_the_child_or_episode():
    broken = XML.replace(b"<PL>K2</PL>", b"<PL>Q9</PL>").replace(
        b"<ETHNIC>AOTH</ETHNIC>", b"<ETHNIC>ZZZZ</ETHNIC>"
    )
    result = read_ssda903([(XML_NAME, broken)])
    located = (e for e in result.errors if e.column in ("PLACE", "ETHNIC"))
    assert sorted((e.file, e.row, e.column, e.value) for e in located) == [
        (XML_NAME, 2, "PLACE", "Q9"),  # the second episode in the file
        (XML_NAME, 3, "ETHNIC", "ZZZZ"),  # the third child in the file
    ]


@pytest.mark.parametrize(
    ("header", "year"),
    [
        ("<Header><CollectionDetails><Year>2024</Year></CollectionDetails></Header>", 2024),
        ("<Header><CollectionYear>2022-23</CollectionYear></Header>", 2023),
        ("<Header><ReferenceDate>2026-03-31</ReferenceDate></Header>", 2026),
        ("", None),
    ],
)
def test_the_collection_year_is_the_one_the_file_declares(header, year):
    child = "<CHILD><HEADER><CHILDID>X1</CHILDID><DOB>01/01/2015</DOB></HEADER></CHILD>"
    assert read_xml_return(minimal_xml(child, header)).year_end == year


@pytest.mark.parametrize(
    "content",
    [
        # An entity expanding a billion times ("billion laughs").
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<EXPSSDA903><CHILD><HEADER><CHILDID>&b;</CHILDID></HEADER></CHILD></EXPSSDA903>",
        # An external entity reading a file from the server.
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<EXPSSDA903><CHILD><HEADER><CHILDID>&x;</CHILDID></HEADER></CHILD></EXPSSDA903>",
    ],
    ids=["entity-expansion", "external-entity"],
)
def test_dtds_and_entities_are_refused(content):
    result = read_ssda903([("return.xml", content)])
    assert [(e.file, e.rule) for e in result.errors if e.file] == [
        ("return.xml", "FileMustBeAnSsda903XmlReturn")
    ]
    assert "refused for safety" in result.errors[0].message
    assert "root:" not in repr(result)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"<EXPSSDA903><CHILD><HEADER></CHILD>", "not well-formed XML"),
        (b"<?xml version='1.0'?><Workbook><Row>1</Row></Workbook>", "holds no SSDA903 children"),
    ],
)
def test_xml_that_is_not_an_ssda903_return_is_refused_whole(content, says):
    result = read_ssda903([("return.xml", content)])
    problems = [e for e in result.errors if e.file == "return.xml"]
    assert [e.rule for e in problems] == ["FileMustBeAnSsda903XmlReturn"] and says in problems[0].message


def test_the_size_of_an_xml_file_is_bounded(monkeypatch):
    monkeypatch.setattr(ssda903_xml, "MAX_XML_BYTES", 1000)
    with pytest.raises(XmlReturnError, match="larger than"):
        read_xml_return(XML)


def test_an_xml_return_declaring_a_later_year_wins_over_an_earlier_csv_file():
    # The XML, declared as the 2025-26 return, closes C103's episode; the 2024-25 CSV files have it open.
    closed = (
        XML.replace(b"<Year>2025</Year>", b"<Year>2026</Year>")
        .replace(b"2025-03-31", b"2026-03-31")
        .replace(
            b"<URN>2900103</URN><PLACE_PROVIDER>PR4</PLACE_PROVIDER><DEC />",
            b"<URN>2900103</URN><PLACE_PROVIDER>PR4</PLACE_PROVIDER><DEC>20/03/2025</DEC>",
        )
        .replace(b"<DEC>20/03/2025</DEC><REC />", b"<DEC>20/03/2025</DEC><REC>E13</REC>")
    )
    assert read_xml_return(closed).year_end == 2026
    for files in ([(XML_NAME, closed), *csv_files()], [*csv_files(), (XML_NAME, closed)]):
        result = read_ssda903(files)
        assert result.ok, result.errors
        c103 = result.episodes.set_index("child").loc["C103"]
        assert (c103["dec"], c103["rec"], c103["source_file"]) == (
            pd.Timestamp("2025-03-20"),
            "E13",
            XML_NAME,
        )
