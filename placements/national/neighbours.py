"""Reads a list of statistical neighbours in either layout:

- long: one row per neighbour (``la_code, la_name, rank, neighbour_code, neighbour_name``);
- wide, as the DfE's statistical neighbour list publishes it: one row per authority, its code
  (``la_code`` or ``old_la_code``) and one column per neighbour, closest first (``sn1`` ... ``sn10``, or
  ``sn_1``, ``neighbour_1``, ``statistical_neighbour_1`` ...), each a DfE 3-digit code.

Pure: bytes in, (authority code, rank, neighbour code) rows out; problems with the file as a whole raise."""

from __future__ import annotations

import csv
import io
import re

from .reader import FileRefused

NEIGHBOUR_COLUMNS = ("la_code", "rank", "neighbour_code")
#: A wide layout's neighbour column: its number is the neighbour's rank.
_WIDE_COLUMN = re.compile(r"^(?:sn|stat_?neighbour|statistical_?neighbour|neighbour)_?(\d{1,2})$")


def read_neighbours_csv(data: bytes) -> list[tuple[str, int, str]]:
    if b"\x00" in data:
        raise FileRefused("The file contains a NUL byte.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("The file is not UTF-8 text.") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [c.strip().lower().replace(" ", "_") for c in reader.fieldnames or []]
    wide = {c: int(m.group(1)) for c in header if (m := _WIDE_COLUMN.match(c))}
    if wide and "neighbour_code" not in header:
        return _read_wide(reader, wide)
    missing = [c for c in NEIGHBOUR_COLUMNS if c not in header]
    if missing:
        raise FileRefused("The neighbours file has no " + ", ".join(missing) + " column.")
    rows: list[tuple[str, int, str]] = []
    seen: set[tuple[str, int]] = set()
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        code, rank, neighbour = row["la_code"], row["rank"], row["neighbour_code"]
        if not (re.fullmatch(r"\d{3}", code) and re.fullmatch(r"\d{3}", neighbour)):
            raise FileRefused(f"Row {line}: authority codes are DfE 3-digit codes.")
        if not rank.isdigit() or not 1 <= int(rank) <= 20:
            raise FileRefused(f"Row {line}: rank must be a whole number from 1 to 20.")
        if code == neighbour:
            raise FileRefused(f"Row {line}: an authority cannot be its own neighbour.")
        if (code, int(rank)) in seen:
            raise FileRefused(f"Row {line}: authority {code} has two neighbours ranked {rank}.")
        seen.add((code, int(rank)))
        rows.append((code, int(rank), neighbour))
    if not rows:
        raise FileRefused("The neighbours file has no rows.")
    return rows


def _read_wide(reader: csv.DictReader, wide: dict[str, int]) -> list[tuple[str, int, str]]:
    rows: list[tuple[str, int, str]] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower().replace(" ", "_"): (v or "").strip() for k, v in raw.items()}
        code = row.get("la_code") or row.get("old_la_code") or ""
        if not re.fullmatch(r"\d{3}", code):
            raise FileRefused(f"Row {line}: the authority's code (la_code) is not a DfE 3-digit code.")
        if code in seen:
            raise FileRefused(f"Row {line}: authority {code} has two rows.")
        seen.add(code)
        for column, rank in sorted(wide.items(), key=lambda item: item[1]):
            neighbour = row.get(column, "")
            if not neighbour:
                continue
            if not re.fullmatch(r"\d{3}", neighbour):
                raise FileRefused(f"Row {line}, {column}: neighbours are DfE 3-digit codes.")
            if not 1 <= rank <= 20:
                raise FileRefused(f"Column {column}: rank must be a whole number from 1 to 20.")
            if neighbour == code:
                raise FileRefused(f"Row {line}: an authority cannot be its own neighbour.")
            rows.append((code, rank, neighbour))
    if not rows:
        raise FileRefused("The neighbours file has no rows.")
    return rows
