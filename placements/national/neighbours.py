"""Reads a list of statistical neighbours (``la_code, la_name, rank, neighbour_code, neighbour_name``).
Pure: bytes in, (authority code, rank, neighbour code) rows out; problems with the file as a whole raise."""

from __future__ import annotations

import csv
import io
import re

from .reader import FileRefused

NEIGHBOUR_COLUMNS = ("la_code", "rank", "neighbour_code")


def read_neighbours_csv(data: bytes) -> list[tuple[str, int, str]]:
    if b"\x00" in data:
        raise FileRefused("The file contains a NUL byte.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("The file is not UTF-8 text.") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [c.strip().lower() for c in reader.fieldnames or []]
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
