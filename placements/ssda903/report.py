"""The error report a council's data team downloads, and a short summary of an import's problems."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sufficiency.core.safe_csv import csv_text

from .result import REPORTED, ImportIssue, Ssda903Result
from .rules import ALL_RULES

REPORT_COLUMNS = ("file", "row", "column", "value", "message", "code", "severity", "action")


def issues_to_csv(issues: Iterable[ImportIssue], actions: Iterable[str] | None = None) -> str:
    """The problems as CSV text with columns file,row,column,value,message,code,severity,action (row blank
    for whole files). ``actions`` says what the import did about each row (default: reported)."""
    issues = list(issues)
    taken = list(actions) if actions is not None else [REPORTED] * len(issues)
    # Every cell goes through the service's one CSV writer: a value from an uploaded file that starts like
    # a formula is written inert (OWASP "CSV injection"), whichever column it reaches.
    return csv_text(
        REPORT_COLUMNS,
        (
            [
                issue.file,
                "" if issue.row is None else issue.row,
                issue.column,
                issue.value,
                issue.message,
                getattr(issue, "code", ""),
                issue.severity,
                action,
            ]
            for issue, action in zip(issues, taken, strict=True)
        ),
    )


def error_report_csv(result: Ssda903Result, include_warnings: bool = False) -> str:
    """The import's error report as CSV text; warnings follow the errors when ``include_warnings``."""
    issues = [*result.errors, *(result.warnings if include_warnings else [])]
    return issues_to_csv(issues, result.actions(issues))


_RULE_SUMMARIES = {rule.name(): rule.summary() for rule in ALL_RULES}
_RULE_CODES = {rule.name(): rule.code for rule in ALL_RULES if rule.code}


def summary_text(result: Ssda903Result) -> str:
    """A short plain-text account of an import: the files read, then problems counted by rule and by file."""
    lines = []
    if not result.ok:
        verdict = "not imported: fix the errors below and upload again"
    elif result.errors and not result.strict:
        verdict = "ready to import under the import policy"
    else:
        verdict = "ready to import"
    lines.append(f"SSDA903 import: {len(result.errors)} errors, {len(result.warnings)} warnings ({verdict}).")
    lines.append(
        f"Read {len(result.header)} children, {len(result.episodes)} episodes, "
        f"{len(result.uasc)} UASC rows and {len(result.oc3)} care leaver (OC3) rows."
    )
    lines.append("")
    lines.append("Files:")
    for f in result.files:
        kind = f.label or f.kind or "not recognised"
        details = [f"{f.rows} {'children' if f.kind == 'xml_return' else 'rows'}"]
        if f.collection_year:
            details.append(f"collection year {f.collection_year}")
        if f.superseded:
            details.append(f"{f.superseded} rows replaced by a later file")
        if f.encoding not in ("utf-8", "xml"):
            details.append(f"read as {f.encoding}")
        lines.append(f"  {f.name}: {kind}, {', '.join(details)}")
    if len(result.repairs) or len(result.quarantine):
        lines.append("")
        lines.append(
            f"Import policy: {len(result.repairs)} rows repaired; {result.quarantined_children} children "
            f"({len(result.quarantine)} rows) held back."
        )
        for rule, count in Counter([*result.repairs["rule"], *result.quarantine["rule"]]).most_common():
            lines.append(f"  {rule}: {count} rows")
    for title, issues in (("Errors", result.errors), ("Warnings", result.warnings)):
        if not issues:
            continue
        lines.append("")
        lines.append(f"{title} by rule:")
        for rule, count in Counter(i.rule for i in issues).most_common():
            about = _RULE_SUMMARIES.get(rule)
            code = f" (DfE {_RULE_CODES[rule]})" if rule in _RULE_CODES else ""
            lines.append(f"  {rule}{code}: {count}" + (f" ({about})" if about else ""))
        lines.append(f"{title} by file:")
        for name, count in Counter(i.file or "(the upload as a whole)" for i in issues).most_common():
            lines.append(f"  {name}: {count}")
    return "\n".join(lines) + "\n"
