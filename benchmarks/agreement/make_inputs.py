"""Lay out the SSDA903 input sets that benchmarks/rule_agreement.py measures, under var/agreement/.

Runs INSIDE the validator's virtual environment (scripts/dfe-validator-venv.sh), which also holds Social
Finance's demand model (PyPI ``cs-demand-model``, MIT). That package ships sample SSDA903 returns
(``cs_demand_model_samples/combined/<year>-<file>.csv``, collection years 2017-18 to 2021-22, CSVs in the
DfE layout, written by Social Finance, not by this team). Standard library only.

Two kinds of set:

* ``dm<year>-as-<collection year>``: one sample year's files, every date moved forward by a whole number
  of years that is a multiple of 4 (so 29 February stays a real date and weekdays are irrelevant), to land
  in a collection year the validator has a rule set for (2022-23 onwards). Nothing else is changed. Empty
  sample files (no column line) are left out: neither reader accepts a file with no columns.
* ``breaches-<collection year>``: a small return written here from the DfE SSDA903 specification, clean
  except for rows that each breach one named DfE rule on purpose (see BREACHES below).

Each set's folder gets a ``set.json``: {"collection_year", "source", "expected": {code: [[table, row]]}}.

    var/dfe-validator-venv/bin/python benchmarks/agreement/make_inputs.py [--out var/agreement]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import shutil
from importlib.metadata import version
from pathlib import Path

_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")

# (sample year, years to add, resulting collection year): four sizes, four rule sets.
SAMPLE_SETS = [
    ("2018", 4, "2022-23"),
    ("2019", 4, "2023-24"),
    ("2020", 4, "2024-25"),
    ("2017", 8, "2025-26"),
]


def _shift(cell: str, years: int) -> str:
    m = _DATE.match(cell.strip())
    if not m:
        return cell
    return f"{m.group(1)}/{m.group(2)}/{int(m.group(3)) + years:04d}"


def sample_set(out: Path, sample_year: str, years: int, collection_year: str) -> Path:
    import cs_demand_model_samples

    source = Path(cs_demand_model_samples.__file__).parent / "combined"
    folder = out / f"dm{sample_year}-as-{collection_year}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for path in sorted(source.glob(f"{sample_year}-*.csv")):
        text = path.read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        if not rows or not any(cell.strip() for cell in rows[0]):
            continue
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(rows[0])
        for row in rows[1:]:
            writer.writerow([_shift(cell, years) for cell in row])
        (folder / path.name.split("-", 1)[1]).write_text(buffer.getvalue(), encoding="utf-8")
    (folder / "set.json").write_text(
        json.dumps(
            {
                "collection_year": collection_year,
                "source": f"cs-demand-model {version('cs-demand-model')} sample {sample_year} "
                f"(collection year {sample_year}-{int(sample_year[2:]) + 1:02d}), dates +{years} years",
                "expected": {},
            },
            indent=1,
        )
    )
    return folder


# --- a return written from the specification, with deliberate breaches -----------------------------------

HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODE_COLUMNS = [
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
    "HOME_POST", "PL_POST", "URN",
]  # fmt: skip


def _child(n: int) -> str:
    return f"9{n:05d}"


def breaches_set(out: Path, collection_year: str = "2024-25") -> Path:
    """A 2024-25 return: 30 clean children and one child per deliberate breach.

    Clean children: under 16 at 31 March, in care since 2022 on a full care order (C2) in in-house
    fostering (U4, PR1, no Ofsted URN), one open episode each, valid UPN and codes.
    """
    end_year = int(collection_year[:4]) + 1
    header: list[list[str]] = []
    episodes: list[list[str]] = []
    expected: dict[str, list[list]] = {}

    def add_child(n: int, *, sex: str = "F", dob: str = "14/05/2012", ethnic: str = "WBRI") -> str:
        child = _child(n)
        header.append([child, sex, dob, ethnic, f"A{n:012d}", "0", ""])
        return child

    def episode(child: str, decom: str, **fields: str) -> int:
        row = {
            "CHILD": child, "DECOM": decom, "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U4",
            "PLACE_PROVIDER": "PR1", "DEC": "", "REC": "", "REASON_PLACE_CHANGE": "", "HOME_POST": "WS1 1TP",
            "PL_POST": "WS2 8EE", "URN": "XXXXXXX",
        }  # fmt: skip
        row.update(fields)
        episodes.append([row[c] for c in EPISODE_COLUMNS])
        return len(episodes) - 1

    def expect(code: str, table: str, index: int) -> None:
        expected.setdefault(code, []).append([table, index])

    for n in range(30):
        episode(add_child(n), f"{(n % 28) + 1:02d}/0{(n % 9) + 1}/2022")

    n = 100
    # 101: SEX not a valid code for the year (M, F, U from 2024-25; 1 and 2 before).
    child = add_child(n, sex="X")
    expect("101", "Header", len(header) - 1)
    episode(child, "01/06/2023")
    # 103: ETHNIC not a valid code.
    child = add_child(n + 1, ethnic="ZZZZ")
    expect("103", "Header", len(header) - 1)
    episode(child, "01/06/2023")
    # 143 / 144 / 145 / 146 / 178: invalid codes on an episode.
    for offset, (code, column, value) in enumerate(
        [
            ("143", "RNE", "Q"),
            ("144", "LS", "C9"),
            ("145", "CIN", "N9"),
            ("146", "PLACE", "U9"),
            ("178", "PLACE_PROVIDER", "PR9"),
        ]  # fmt: skip
    ):
        child = add_child(n + 2 + offset)
        expect(code, "Episodes", episode(child, "01/06/2023", **{column: value}))
    # 148: episode ceased without a reason.
    child = add_child(n + 10)
    expect("148", "Episodes", episode(child, "01/06/2023", DEC=f"01/02/{end_year}"))
    # 149: reason episode ceased not a valid code.
    child = add_child(n + 11)
    expect("149", "Episodes", episode(child, "01/06/2023", DEC=f"01/02/{end_year}", REC="E99"))
    # 356: episode ceased before it started.
    child = add_child(n + 12)
    expect("356", "Episodes", episode(child, f"01/03/{end_year}", DEC=f"01/02/{end_year}", REC="E13"))
    # 302: first episode starts before the child was born.
    child = add_child(n + 13, dob=f"01/10/{end_year - 1}")
    expect("302", "Episodes", episode(child, f"01/09/{end_year - 1}"))
    # 501: a new episode starts before the previous one ended (overlap).
    child = add_child(n + 14)
    first = episode(child, "01/06/2023", DEC=f"01/01/{end_year}", REC="X1", REASON_PLACE_CHANGE="CARPL")
    second = episode(child, f"01/12/{end_year - 1}", RNE="P", PLACE="U5")
    expect("501", "Episodes", second)
    _ = first
    # 526: placement provider missing for a placement that needs one.
    child = add_child(n + 15)
    expect("526", "Episodes", episode(child, "01/06/2023", PLACE_PROVIDER=""))
    # 550: PR0 (parents) with a placement other than P1.
    child = add_child(n + 16)
    expect("550", "Episodes", episode(child, "01/06/2023", PLACE_PROVIDER="PR0"))
    # INT03: child in Episodes but not in Header.
    expect("INT03", "Episodes", episode(_child(n + 17), "01/06/2023"))
    # INT32: child twice in Header.
    child = add_child(n + 18)
    add_child(n + 18)
    expect("INT32", "Header", len(header) - 2)
    expect("INT32", "Header", len(header) - 1)
    episode(child, "01/06/2023")

    folder = out / f"breaches-{collection_year}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, columns, rows in (
        ("header.csv", HEADER_COLUMNS, header),
        ("episodes.csv", EPISODE_COLUMNS, episodes),
    ):
        with open(folder / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows)
    (folder / "set.json").write_text(
        json.dumps(
            {
                "collection_year": collection_year,
                "source": "written by benchmarks/agreement/make_inputs.py from the SSDA903 specification",
                "expected": expected,
            },
            indent=1,
        )
    )
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("var/agreement"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for sample_year, years, collection_year in SAMPLE_SETS:
        print(sample_set(args.out, sample_year, years, collection_year))
    print(breaches_set(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
