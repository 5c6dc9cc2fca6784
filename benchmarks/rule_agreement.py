"""How far our SSDA903 import agrees with the DfE-aligned validator, rule by rule, and with an independent
count of children in care. A measurement, not a test: it prints numbers and never fails on disagreement.

    .venv/bin/python benchmarks/rule_agreement.py            # sets up on first run, then measures
    .venv/bin/python benchmarks/rule_agreement.py --sets var/agreement --out benchmarks/results/rule_agreement.md

For every input set (a folder of 903 CSV files in the DfE layout with a ``set.json`` naming its collection
year, laid out by benchmarks/agreement/make_inputs.py under var/agreement/):

1. **Rules.** Reads the files with `placements.ssda903.read_ssda903` (our reader, no Django) and runs the
   DfE-aligned validator (PyPI ``csc-validator-be-903``) on the same files in its own virtual environment
   (scripts/dfe-validator-venv.sh; benchmarks/agreement/run_dfe_validator.py). Each of our issues is put at
   (validator table, data-row index) under its DfE rule code, the validator's flags likewise, and per code
   we count rows flagged by both, by us only and by the validator only; agreement is both / (rows flagged
   by either). Codes the validator flags and we do not implement are listed apart.
   Our issue's code is ``ImportIssue.code`` when the issue has one; issues from a reader without codes are
   mapped from their rule name by LEGACY_CODES (today's 22 named rules, where one DfE rule clearly
   matches); issues with neither are counted as "uncoded".
2. **Independent count.** For the sets from outside (``expected`` empty in set.json): children in care on
   31 March of the collection year, in total and by PLACE, counted straight from the CSV text by
   `independent_count` (the DfE definition, written here without `placements.counting`), against
   `placements.counting.cic_snapshot` on the canonical tables `read_ssda903` returned, less any children
   the import quarantined. Each child counted by one side only is listed with the rule codes our import
   and the validator raised on that child's rows, which is what explains the difference. The demand
   model's own stock (package ``cs-demand-model``, its own method) is shown beside them as a third opinion.

Set-up (only when the venv or var/agreement is missing, or with ``--setup``) installs from PyPI; the
measurement itself downloads nothing.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from placements.counting import cic_snapshot  # noqa: E402
from placements.ssda903 import ImportIssue, read_ssda903  # noqa: E402

try:  # the rule registry's name may move when rules become a package; codes seen in issues still count
    from placements.ssda903 import ALL_RULES  # noqa: E402
except ImportError:  # pragma: no cover
    ALL_RULES = ()

VENV_SCRIPT = ROOT / "scripts" / "dfe-validator-venv.sh"
RUNNER = ROOT / "benchmarks" / "agreement" / "run_dfe_validator.py"
MAKE_INPUTS = ROOT / "benchmarks" / "agreement" / "make_inputs.py"

# Today's rule names (before rules carry DfE codes) -> the DfE rule that checks the same thing. Used only
# for issues without a code. Rules checking several columns map by column.
LEGACY_CODES: dict[str, str] = {
    "SexMustBeKnownCode": "101",
    "EthnicityMustBeKnownCode": "103",
    "ReasonForNewEpisodeMustBeKnownCode": "143",
    "LegalStatusMustBeKnownCode": "144",
    "CategoryOfNeedMustBeKnownCode": "145",
    "PlacementTypeMustBeKnownCode": "146",
    "PlacementProviderMustBeKnownCode": "178",
    "ReasonEpisodeCeasedMustBeKnownCode": "149",
    "EndDateAndReasonMustBeGivenTogether": "148",
    "EpisodeMustNotEndBeforeItStarts": "356",
    "EpisodeMustNotStartBeforeBirth": "302",
    "EpisodesMustNotOverlap": "501",
    "PlacementProviderRequiredUnlessTemporary": "526",
    "ParentsProviderOnlyWhenPlacedWithParents": "550",
    "UrnMustBeWellFormed": "1008",
    "EpisodeChildMustBeInHeader": "INT03",
    "ChildMustAppearOnceInHeader": "INT32",
}
LEGACY_BY_COLUMN: dict[str, dict[str, str]] = {
    "DatesMustBeRealDates": {"DOB": "102", "DUC": "104", "DECOM": "141", "DEC": "147", "MC_DOB": "171"},
    "RequiredFieldsMustBePresent": {
        "SEX": "101",
        "DOB": "102",
        "ETHNIC": "103",
        "DECOM": "141",
        "RNE": "143",
        "LS": "144",
        "CIN": "145",
        "PLACE": "146",
    },  # fmt: skip
}
ISSUES_HAVE_CODES = any(f.name == "code" for f in fields(ImportIssue))

SHORT_BREAKS = {"V3", "V4"}
GROUPS = {  # the demand model's placement groups (its standard-v1 configuration), for its third opinion
    "FOSTERING": {"U1", "U2", "U3", "U4", "U5", "U6"},
    "RESIDENTIAL": {"K2", "R1"},
    "SUPPORTED": {"H5", "P2"},
}


# --- set-up ----------------------------------------------------------------------------------------------
def validator_python(setup: bool) -> Path:
    python = ROOT / "var" / "dfe-validator-venv" / "bin" / "python"
    if setup or not python.exists():
        out = subprocess.run(["bash", str(VENV_SCRIPT)], check=True, capture_output=True, text=True)
        python = Path(out.stdout.strip().splitlines()[-1])
    return python


def ensure_sets(sets: Path, python: Path, setup: bool) -> None:
    if setup or not any(sets.glob("*/set.json")):
        subprocess.run([str(python), str(MAKE_INPUTS), "--out", str(sets)], check=True, cwd=ROOT)


# --- our side --------------------------------------------------------------------------------------------
def issue_codes(issue: ImportIssue) -> list[str]:
    """The DfE rule codes an issue stands for ([] when it has none)."""
    code = getattr(issue, "code", None)
    if code:
        parts = code if isinstance(code, list | tuple | set) else str(code).replace(";", ",").split(",")
        return [str(p).strip() for p in parts if str(p).strip()]
    if ISSUES_HAVE_CODES:
        return []
    if issue.rule in LEGACY_CODES:
        return [LEGACY_CODES[issue.rule]]
    by_column = LEGACY_BY_COLUMN.get(issue.rule, {})
    return [by_column[issue.column]] if issue.column in by_column else []


def implemented_codes() -> set[str]:
    """Codes our rules say they implement (``code``/``codes`` on a rule), or the legacy map's."""
    codes: set[str] = set()
    for rule in ALL_RULES:
        for attr in ("code", "codes", "dfe_code", "dfe_codes"):
            value = getattr(rule, attr, None)
            if isinstance(value, str) and value:
                codes.add(value)
            elif isinstance(value, list | tuple | set | frozenset):
                codes.update(str(v) for v in value if v)
    if not codes and not ISSUES_HAVE_CODES:
        names = {r.name() if hasattr(r, "name") else type(r).__name__ for r in ALL_RULES}
        codes = {c for name, c in LEGACY_CODES.items() if name in names}
        for name, by_column in LEGACY_BY_COLUMN.items():
            if name in names:
                codes.update(by_column.values())
    return codes


def data_rows(content: bytes) -> tuple[list[str], dict[int, int], list[list[str]]]:
    """Columns, spreadsheet row -> data-row index (blank lines skipped, as pandas does), and data rows."""
    text = content.decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    columns = [c.strip().upper() for c in rows[0]] if rows else []
    index: dict[int, int] = {}
    data: list[list[str]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        index[number] = len(data)
        data.append(row)
    return columns, index, data


def quarantined_children(result) -> set[str]:
    """Children the import set aside, if the reader reports any (attribute names containing 'quarantin')."""
    children: set[str] = set()
    for name in dir(result):
        if "quarantin" not in name.lower() or name.startswith("_"):
            continue
        value = getattr(result, name)
        if callable(value):
            continue
        if hasattr(value, "columns") and "child" in value.columns:
            children.update(value["child"].astype(str))
        elif isinstance(value, dict):
            children.update(map(str, value.keys()))
        elif isinstance(value, list | set | tuple | frozenset):
            for item in value:
                children.add(str(getattr(item, "child", item)))
    return children


# --- the independent count -------------------------------------------------------------------------------
def _date(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _age(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def independent_count(
    header: bytes, episodes: bytes, on: dt.date, *, short_breaks: bool = False
) -> dict[str, str]:
    """Children looked after on ``on`` -> PLACE of their current episode, from the CSV text alone.

    The DfE definition: an episode is current when DECOM <= on and (DEC blank or DEC > on); episodes on
    legal status V3/V4 (short breaks) do not count; children aged 18 or over on the date are not looked
    after. A child with two current episodes is counted once, at the one that started last.
    ``short_breaks=True`` keeps V3/V4 episodes (to compare with a method that does, not the DfE count).
    """
    columns, _, rows = data_rows(header)
    dob: dict[str, dt.date | None] = {}
    for row in rows:
        record = dict(zip(columns, (c.strip() for c in row), strict=False))
        dob.setdefault(record.get("CHILD", ""), _date(record.get("DOB", "")))
    columns, _, rows = data_rows(episodes)
    current: dict[str, tuple[dt.date, str]] = {}
    for row in rows:
        e = dict(zip(columns, (c.strip().upper() for c in row), strict=False))
        start, end = _date(e.get("DECOM", "")), _date(e.get("DEC", ""))
        if start is None or (e.get("LS") in SHORT_BREAKS and not short_breaks):
            continue
        if start <= on and (not e.get("DEC") or (end is not None and end > on)):
            born = dob.get(e["CHILD"])
            if born is not None and _age(born, on) >= 18:
                continue
            if e["CHILD"] not in current or start >= current[e["CHILD"]][0]:
                current[e["CHILD"]] = (start, e.get("PLACE", "") or "unknown")
    return {child: place for child, (_, place) in current.items()}


# --- one set ---------------------------------------------------------------------------------------------
def measure_set(folder: Path, python: Path) -> dict:
    meta = json.loads((folder / "set.json").read_text())
    year = meta["collection_year"]
    paths = sorted(folder.glob("*.csv"))
    contents = {p.name: p.read_bytes() for p in paths}

    started = time.perf_counter()
    result = read_ssda903(list(contents.items()))
    ours_seconds = time.perf_counter() - started

    outside = not meta.get("expected")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "flagged.json"
        command = [str(python), str(RUNNER), "--folder", str(folder), "--year", year, "--out", str(out)]
        if outside:
            command.append("--count-demand-model")
        started = time.perf_counter()
        run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f"the validator runner failed on {folder.name}:\n{run.stderr[-3000:]}")
        theirs_seconds = time.perf_counter() - started
        validator = json.loads(out.read_text())

    table_of_file = {name: table for table, name in validator["tables"].items()}
    parsed = {name: data_rows(content) for name, content in contents.items()}

    def child_at(file: str, index: int) -> str:
        columns, _, rows = parsed[file]
        row = rows[index] if index < len(rows) else []
        return (
            row[columns.index("CHILD")].strip()
            if "CHILD" in columns and len(row) > columns.index("CHILD")
            else ""
        )

    ours: dict[str, set] = defaultdict(set)
    ours_by_child: dict[str, set[str]] = defaultdict(set)  # code -> children with a flagged row
    ours_children: dict[str, set[str]] = defaultdict(set)  # child -> our codes on their rows
    uncoded: Counter[str] = Counter()
    file_level: Counter[str] = Counter()
    for issue in [*result.errors, *result.warnings]:
        if issue.row is None or issue.file not in parsed:
            file_level[issue.rule] += 1
            continue
        index = parsed[issue.file][1].get(issue.row)
        codes = issue_codes(issue)
        if index is None:
            file_level[issue.rule] += 1
            continue
        if not codes:
            uncoded[issue.rule] += 1
            continue
        table = table_of_file.get(issue.file, f"?{issue.file}")
        child = child_at(issue.file, index)
        for code in codes:
            ours[code].add((table, index))
            ours_by_child[code].add(child)
            ours_children[child].add(code)

    theirs: dict[str, set] = defaultdict(set)
    theirs_by_child: dict[str, set[str]] = defaultdict(set)
    theirs_children: dict[str, set[str]] = defaultdict(set)
    for code, entry in validator["rules"].items():
        for table, child, index in entry["flagged"]:
            theirs[code].add((table, index))
            theirs_by_child[code].add(child or "")
            theirs_children[child or ""].add(code)

    report = {
        "name": folder.name,
        "year": year,
        "source": meta.get("source", ""),
        "rows": {f.name: f.rows for f in result.files},
        "ours": ours,
        "theirs": theirs,
        "ours_by_child": ours_by_child,
        "theirs_by_child": theirs_by_child,
        "messages": {c: e["message"] for c, e in validator["rules"].items()},
        "uncoded": uncoded,
        "file_level": file_level,
        "failed": validator["failed"],
        "validator_version": validator["validator_version"],
        "ruleset": validator["ruleset"],
        "seconds": (ours_seconds, theirs_seconds),
        "expected": meta.get("expected", {}),
    }

    if outside and "header.csv" in contents and "episodes.csv" in contents:
        on = dt.date(int(year[:4]) + 1, 3, 31)
        independent = independent_count(contents["header.csv"], contents["episodes.csv"], on)
        set_aside = quarantined_children(result)
        episodes = result.episodes[~result.episodes["child"].astype(str).isin(set_aside)]
        snapshot = cic_snapshot(episodes, result.header, on)
        from placements.counting import in_care_on

        counted = set(in_care_on(episodes, on, children=result.header)["child"].astype(str))
        report["count"] = {
            "on": on.isoformat(),
            "independent": len(independent),
            "with_short_breaks": len(
                independent_count(contents["header.csv"], contents["episodes.csv"], on, short_breaks=True)
            ),
            "independent_by_place": dict(sorted(Counter(independent.values()).items())),
            "ours": snapshot["total"],
            "ours_by_place": snapshot["by_place"],
            "quarantined": len(set_aside),
            "only_independent": {
                c: (sorted(ours_children.get(c, set()), key=_code_key), sorted(theirs_children.get(c, set())))
                for c in sorted(set(independent) - counted)
            },
            "only_ours": {
                c: (sorted(ours_children.get(c, set()), key=_code_key), sorted(theirs_children.get(c, set())))
                for c in sorted(counted - set(independent))
            },
            "demand_model": validator.get("demand_model"),
            "independent_by_group": dict(
                sorted(
                    Counter(
                        next((g for g, places in GROUPS.items() if p in places), "OTHER")
                        for p in independent.values()
                    ).items()
                )
            ),
        }
    return report


# --- the report ------------------------------------------------------------------------------------------
def _pct(both: int, either: int) -> str:
    return f"{100 * both / either:.0f}%" if either else "n/a"


def _short(text: str, n: int = 70) -> str:
    text = " ".join(str(text).split()).replace("|", "/")
    return text if len(text) <= n else text[: n - 1] + "…"


def render(reports: list[dict], implemented: set[str]) -> str:
    lines: list[str] = []
    add = lines.append
    first = reports[0] if reports else {}
    add("# SSDA903 rule agreement: our import vs the DfE-aligned validator")
    add("")
    add(
        f"Validator: csc-validator-be-903 {first.get('validator_version', '?')}. Our codes: "
        + ("ImportIssue.code" if ISSUES_HAVE_CODES else "legacy map of rule names (issues carry no code)")
        + f". Codes we implement: {len(implemented)}."
    )
    add("")
    add("| set | collection year | rule set | rows per file | ours s | validator s |")
    add("|---|---|---|---|---|---|")
    for r in reports:
        rows = ", ".join(f"{k} {v}" for k, v in r["rows"].items() if k in ("header.csv", "episodes.csv"))
        add(
            f"| {r['name']} | {r['year']} | {r['ruleset']} | {rows} | {r['seconds'][0]:.1f} | {r['seconds'][1]:.1f} |"
        )
    add("")

    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    child_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    per_set: dict[str, dict[str, tuple[int, int, int]]] = defaultdict(dict)
    messages: dict[str, str] = {}
    for r in reports:
        messages.update(r["messages"])
        for code in sorted(implemented | set(r["ours"])):
            a, b = r["ours"].get(code, set()), r["theirs"].get(code, set())
            counts = (len(a & b), len(a - b), len(b - a))
            per_set[code][r["name"]] = counts
            for i, n in enumerate(counts):
                totals[code][i] += n
            a, b = r["ours_by_child"].get(code, set()), r["theirs_by_child"].get(code, set())
            for i, n in enumerate((len(a & b), len(a - b), len(b - a))):
                child_totals[code][i] += n

    add("## Rules we implement (rows, all sets)")
    add("")
    add(
        "Rows are (table, data row). *Children* counts the same by child (both/us/validator), for rules where"
        " the two flag different rows of the same child (e.g. the earlier or the later of two overlapping"
        " episodes)."
    )
    add("")
    add(
        "| code | both | only us | only validator | agreement | children | per set (both/us/validator) | DfE message |"
    )
    add("|---|---|---|---|---|---|---|---|")
    for code in sorted(totals, key=_code_key):
        both, us, them = totals[code]
        detail = "; ".join(
            f"{name.split('-as-')[0] if '-as-' in name else name.split('-')[0]} {b}/{u}/{t}"
            for name, (b, u, t) in per_set[code].items()
            if b or u or t
        )
        add(
            f"| {code} | {both} | {us} | {them} | {_pct(both, both + us + them)} | "
            f"{'/'.join(map(str, child_totals[code]))} ({_pct(child_totals[code][0], sum(child_totals[code]))}) | "
            f"{detail or '-'} | "
            f"{_short(messages.get(code, '(not in the validator rule sets run)'))} |"
        )
    all_both = sum(t[0] for t in totals.values())
    all_either = sum(sum(t) for t in totals.values())
    add("")
    add(
        f"Overall, over the rules we implement: {all_both} of {all_either} flagged rows agree ({_pct(all_both, all_either)})."
    )
    add("")

    add("## Rules the validator flagged that we do not implement (rows, all sets)")
    add("")
    missing: Counter[str] = Counter()
    for r in reports:
        for code, rows in r["theirs"].items():
            if code not in implemented and code not in r["ours"] and rows:
                missing[code] += len(rows)
    add("| code | rows | DfE message |")
    add("|---|---|---|")
    for code, n in sorted(missing.items(), key=lambda kv: (-kv[1], _code_key(kv[0]))):
        add(f"| {code} | {n} | {_short(messages.get(code, ''))} |")
    failed = sorted({c for r in reports for c in r["failed"]}, key=_code_key)
    if failed:
        add("")
        add(f"Validator rules that raised an error on these files (no result): {', '.join(failed)}.")
    add("")

    uncoded: Counter[str] = Counter()
    file_level: Counter[str] = Counter()
    for r in reports:
        uncoded.update(r["uncoded"])
        file_level.update(r["file_level"])
    add("## Our issues without a DfE code")
    add("")
    add(", ".join(f"{k} {v}" for k, v in uncoded.most_common()) or "none")
    add("")
    add(
        "File-level issues (no row): "
        + (", ".join(f"{k} {v}" for k, v in file_level.most_common()) or "none")
    )
    add("")

    for r in reports:
        if not r["expected"]:
            continue
        add(f"## Deliberate breaches ({r['name']})")
        add("")
        add("| code | table | row index | flagged by us | flagged by validator |")
        add("|---|---|---|---|---|")
        for code, places in sorted(r["expected"].items(), key=lambda kv: _code_key(kv[0])):
            for table, index in places:
                key = (table, index)
                us = "yes" if key in r["ours"].get(code, set()) else "no"
                them = "yes" if key in r["theirs"].get(code, set()) else "no"
                add(f"| {code} | {table} | {index} | {us} | {them} |")
        add("")

    counts = [r for r in reports if "count" in r]
    if counts:
        add("## Children in care on 31 March: independent count vs ours")
        add("")
        add(
            "| set | on | independent (DfE definition, from the CSV) | ours (placements.counting) | quarantined | "
            "only independent | only ours | independent with V3/V4 kept | demand model (its own method) |"
        )
        add("|---|---|---|---|---|---|---|---|---|")
        for r in counts:
            c = r["count"]
            dm = c["demand_model"] or {}
            dm_text = f"{dm['total']} {dm['by_group']}" if "total" in dm else dm.get("error", "-")
            add(
                f"| {r['name']} | {c['on']} | {c['independent']} | {c['ours']} | {c['quarantined']} | "
                f"{len(c['only_independent'])} | {len(c['only_ours'])} | {c['with_short_breaks']} | "
                f"{_short(dm_text, 90)} |"
            )
        add("")
        add("By placement type (PLACE of the current episode), independent / ours:")
        add("")
        for r in counts:
            c = r["count"]
            places = sorted(set(c["independent_by_place"]) | set(c["ours_by_place"]))
            cells = ", ".join(
                f"{p} {c['independent_by_place'].get(p, 0)}/{c['ours_by_place'].get(p, 0)}"
                + ("" if c["independent_by_place"].get(p, 0) == c["ours_by_place"].get(p, 0) else " (≠)")
                for p in places
            )
            add(f"- {r['name']}: {cells}")
            add(f"  - demand-model groups from the independent count: {c['independent_by_group']}")
        add("")
        explained: Counter[str] = Counter()
        for r in counts:
            shown = 0
            for side in ("only_independent", "only_ours"):
                for child, (our_codes, their_codes) in r["count"][side].items():
                    explained.update(our_codes or ["(none of our rules)"])
                    shown += 1
                    if shown <= 20:
                        add(
                            f"- {r['name']}: child {child} counted {side.replace('_', ' ')}; our rules on the "
                            f"child's rows: {', '.join(our_codes) or 'none'}; the validator's: "
                            f"{len(their_codes)} codes{' incl. the same' if set(our_codes) & set(their_codes) else ''}"
                        )
            if shown > 20:
                add(f"- {r['name']}: … and {shown - 20} more children")
        if explained:
            add("")
            add(
                "Our rule codes behind the differences (children): "
                + ", ".join(f"{k} {v}" for k, v in explained.most_common())
            )
        add("")
    return "\n".join(lines)


def _code_key(code: str) -> tuple:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (not code[:1].isdigit(), int(digits) if digits else 0, code)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=Path, default=ROOT / "var" / "agreement")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "rule_agreement.md")
    parser.add_argument("--setup", action="store_true", help="(re)create the venv and the input sets first")
    parser.add_argument("--only", default="", help="measure only sets whose name contains this")
    args = parser.parse_args(argv)

    python = validator_python(args.setup)
    ensure_sets(args.sets, python, args.setup)
    folders = sorted(p.parent for p in args.sets.glob("*/set.json") if args.only in p.parent.name)
    reports, failures = [], []
    for folder in folders:
        try:
            reports.append(measure_set(folder, python))
        except Exception as exc:  # noqa: BLE001 (one set's failure is reported, the others still measured)
            traceback.print_exc()
            failures.append(f"- {folder.name}: {type(exc).__name__}: {_short(str(exc), 300)}")
    text = render(reports, implemented_codes())
    if failures:
        text += "\n\n## Sets that could not be measured\n\n" + "\n".join(failures)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n")
    print(text)
    print(f"\n(written to {args.out})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
