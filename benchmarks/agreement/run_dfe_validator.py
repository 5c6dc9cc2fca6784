"""Run the DfE-aligned SSDA903 validator on a folder of 903 CSV files and write what it flags as JSON.

Runs INSIDE the validator's own virtual environment (scripts/dfe-validator-venv.sh), not in .venv: the
validator (PyPI ``csc-validator-be-903``, import package ``lac_validator``) pins pandas<2 and numpy<1.25.
Nothing of ours is imported here, so the measurement stays independent of our code.

    var/dfe-validator-venv/bin/python benchmarks/agreement/run_dfe_validator.py \\
        --folder var/agreement/dm2019-as-2023-24 --year 2023-24 --out flagged.json \\
        [--prev-folder DIR] [--la E08000030] [--count-demand-model]

It uses the validator's own API the way its web front end does (``rpc_main.lac_validate``): the files
go in as "This year" uploads, ``get_year_ruleset`` picks the rule set of the collection year, and
``LacValidator`` runs every rule, marking flagged rows with ``ERR_<code>`` columns in ``ds_results``.
A row index is the row's position among the data rows of its file (0 = the first row under the column
names), which is what the validator reports as ``RowID``.

The JSON written:

    {"validator_version": "0.1.17", "collection_year": "2023-24", "ruleset": "lac2023_24",
     "tables": {"Episodes": "episodes.csv", ...},
     "rules": {"148": {"message": "...", "flagged": [["Episodes", "123", 4], ...]}, ...},
     "failed": [codes that raised], "skipped": [codes skipped for missing tables],
     "demand_model": {...}}   # only with --count-demand-model

``--count-demand-model`` also asks Social Finance's demand model (PyPI ``cs-demand-model``) for its own
count of children in care on 31 March of the year, by its placement groups, as a second opinion for
benchmarks/rule_agreement.py's independent count.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
from importlib.metadata import version
from pathlib import Path


def _collection_year_key(year: str) -> str:
    """'2023-24' -> '2024' (the validator names a collection year by the calendar year it ends in)."""
    start = int(year[:4])
    return str(start + 1)


def run(folder: Path, year: str, prev_folder: Path | None, la: str) -> dict:
    import pandas as pd
    from lac_validator.lac_validator import LacValidator
    from lac_validator.rules.ruleset_utils import get_year_ruleset

    uploads = []
    for description, where in (("This year", folder), ("Prev year", prev_folder)):
        if where is None:
            continue
        for path in sorted(where.glob("*.csv")):
            uploads.append({"name": path.name, "description": description, "file_content": path.read_bytes()})

    key = _collection_year_key(year)
    registry = get_year_ruleset(key)
    validator = LacValidator(
        metadata={"collectionYear": key, "localAuthority": la}, files=uploads, registry=registry
    )

    # Which file each table came from (the validator recognises files by their columns, as we do).
    from lac_validator.config import column_names

    tables: dict[str, str] = {}
    for upload in uploads:
        if upload["description"] != "This year":
            continue
        columns = pd.read_csv(io.BytesIO(upload["file_content"]), nrows=0, encoding="utf-8-sig").columns
        for table, expected in column_names.items():
            if {c.strip().upper() for c in columns} == set(expected):
                tables[table] = upload["name"]

    rules: dict[str, dict] = {
        str(code): {"message": str(rule.message), "flagged": []} for code, rule in registry.items()
    }
    for table, frame in validator.ds_results.items():
        if table == "metadata" or table.endswith("_last") or not hasattr(frame, "columns"):
            continue
        for column in [c for c in frame.columns if str(c).startswith("ERR_")]:
            code = str(column)[4:]
            hit = frame[frame[column] == True]  # noqa: E712 (the column holds True or NaN)
            entry = rules.setdefault(code, {"message": "", "flagged": []})
            for row_index, child in zip(hit.index, hit["CHILD"], strict=True):
                entry["flagged"].append([table, None if pd.isna(child) else str(child), int(row_index)])

    return {
        "validator_version": version("csc-validator-be-903"),
        "collection_year": year,
        "ruleset": f"lac{int(key) - 1}_{key[2:]}",
        "tables": tables,
        "rules": rules,
        "failed": sorted(map(str, validator.fails)),
        "skipped": sorted(map(str, validator.skips)),
    }


def demand_model_count(folder: Path, year: str) -> dict:
    """The demand model's own stock of children in care on 31 March (its PopulationStats.stock_at).

    Its method, not the DfE's: the stock is DECOMs minus DECs accumulated per day over its placement
    groups (Fostering U1-U6, Residential K2/R1, Supported H5/P2, Other), after its own clean-up of
    overlapping episodes; it does not drop V3/V4 short breaks, and children outside its age brackets
    are dropped.
    """
    import pandas as pd
    from cs_demand_model import DemandModellingDataContainer, PopulationStats
    from cs_demand_model.config import Config
    from cs_demand_model.datastore import fs_datastore

    on = pd.Timestamp(int(year[:4]) + 1, 3, 31)
    container = DemandModellingDataContainer(fs_datastore(f"osfs://{folder.resolve()}"), Config())
    stats = PopulationStats(container.enriched_view, Config())
    stock = stats.stock.loc[on] if on in stats.stock.index else stats.stock_at(on)
    by_group: dict[str, float] = {}
    for column, value in stock.items():
        age_bin, group = column if isinstance(column, tuple) else ("", str(column))
        by_group[str(group)] = by_group.get(str(group), 0.0) + float(value)
    return {
        "package_version": version("cs-demand-model"),
        "on": on.strftime("%Y-%m-%d"),
        "total": int(round(sum(by_group.values()))),
        "by_group": {k: int(round(v)) for k, v in sorted(by_group.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True, help="folder of this year's 903 CSV files")
    parser.add_argument("--year", required=True, help="collection year, e.g. 2023-24")
    parser.add_argument("--prev-folder", type=Path, default=None, help="last year's files, if any")
    parser.add_argument("--la", default="E08000030", help="ONS code of the responsible authority")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count-demand-model", action="store_true")
    args = parser.parse_args(argv)

    logging.disable(logging.WARNING)  # the validator logs every rule at INFO
    result = run(args.folder, args.year, args.prev_folder, args.la)
    if args.count_demand_model:
        try:
            result["demand_model"] = demand_model_count(args.folder, args.year)
        except Exception as exc:  # noqa: BLE001 (a second opinion, not the measurement)
            result["demand_model"] = {"error": f"{type(exc).__name__}: {exc}"}
    args.out.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
