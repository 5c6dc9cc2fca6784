"""Tiny synthetic SSDA903 exports for tests: build the CSV bytes an authority would upload."""

from __future__ import annotations

HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODE_COLUMNS = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]


def csv_bytes(columns: list[str], rows: list[dict[str, str]], *, bom: bool = False) -> bytes:
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(row.get(c, "") for c in columns))
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def header(*children: dict[str, str], bom: bool = False) -> bytes:
    rows = [{"SEX": "F", "ETHNIC": "WBRI", "UPN": "A123456789012", "MC_DOB": "", **c} for c in children]
    return csv_bytes(HEADER_COLUMNS, rows, bom=bom)


def episodes(*rows: dict[str, str], bom: bool = False) -> bytes:
    defaults = {"LS": "C2", "CIN": "N1", "RNE": "S", "PLACE": "U4", "PLACE_PROVIDER": "PR1", "URN": "XXXXXXX"}
    return csv_bytes(EPISODE_COLUMNS, [{**defaults, **r} for r in rows], bom=bom)


def valid_walsall_files() -> list[tuple[str, bytes]]:
    """Two children: one fostered in-house in Walsall since 2024 (open), one in an external children's home
    in Stoke (30.2 miles from home) after an X1 change of placement."""
    return [
        (
            "header.csv",
            header(
                {"CHILD": "W0001", "DOB": "17/05/2012"},
                {"CHILD": "W0002", "DOB": "03/01/2009", "SEX": "M"},
            ),
        ),
        (
            "episodes.csv",
            episodes(
                {"CHILD": "W0001", "DECOM": "01/04/2024", "HOME_POST": "WS1 1TP", "PL_POST": "WV1 1RQ"},
                {
                    "CHILD": "W0002",
                    "DECOM": "10/06/2023",
                    "DEC": "01/02/2024",
                    "REC": "X1",
                    "REASON_PLACE_CHANGE": "CARPL",
                    "HOME_POST": "WS1 1TP",
                    "PL_POST": "WS1 1TP",
                },
                {
                    "CHILD": "W0002",
                    "DECOM": "01/02/2024",
                    "RNE": "P",
                    "PLACE": "K2",
                    "PLACE_PROVIDER": "PR4",
                    "HOME_POST": "WS1 1TP",
                    "PL_POST": "ST4 1HH",
                    "URN": "SC000123",
                },
            ),
        ),
    ]


def invalid_walsall_files() -> list[tuple[str, bytes]]:
    """One good child and one episode with DEC before DECOM (an error on row 3 of episodes.csv)."""
    return [
        (
            "header.csv",
            header({"CHILD": "W0001", "DOB": "17/05/2012"}, {"CHILD": "W0003", "DOB": "01/01/2015"}),
        ),
        (
            "episodes.csv",
            episodes(
                {"CHILD": "W0001", "DECOM": "01/04/2024"},
                {"CHILD": "W0003", "DECOM": "01/04/2024", "DEC": "01/03/2024", "REC": "E13"},
            ),
        ),
    ]
