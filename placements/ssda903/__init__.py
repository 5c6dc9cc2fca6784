"""SSDA903 import: read the CSV files a council exports for its DfE return, check them, and give back
canonical tables (docs/ssda903-files.md, "The canonical tables"). Pure Python and pandas, no Django, so the import task, the demo data
generator and the benchmarks all share it.

    from placements.ssda903 import read_ssda903, error_report_csv, summary_text

    result = read_ssda903([("header.csv", header_bytes), ("episodes.csv", episodes_file)])
    # result.repairs / result.quarantine: what the import policy (policy.py) repaired and held back;
    # read_ssda903(..., strict=True) refuses instead if any row has an error.
    if not result.ok:
        report = error_report_csv(result)  # file,row,column,value,message,code,severity,action
    print(summary_text(result))
"""

from .policy import POLICY, PolicyRule, apply_policy
from .reader import read_ssda903
from .report import error_report_csv, issues_to_csv, summary_text
from .result import FileSummary, ImportError, ImportIssue, Ssda903Result  # noqa: A004
from .rules import ALL_RULES, Rule

__all__ = [
    "ALL_RULES",
    "FileSummary",
    "ImportError",
    "ImportIssue",
    "POLICY",
    "PolicyRule",
    "Rule",
    "Ssda903Result",
    "apply_policy",
    "error_report_csv",
    "issues_to_csv",
    "read_ssda903",
    "summary_text",
]
