"""Reads for the data quality page: how an authority's SSDA903 imports have fared over time, which
children the import policy holds back, and what changed at the latest import.

Every read takes the authority the view resolved (scoped to the user by `AuthorityMixin`) and filters on
it; nothing here reads another authority's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sufficiency.authorities.models import LocalAuthority

from .models import ImportQualityReport, QuarantinedRecord
from .ssda903.policy import POLICY

# How many imports the trend table shows (newest last), and how many held-back children the page lists.
TREND_IMPORTS = 8
QUARANTINE_CHILDREN_SHOWN = 200

_POLICY_TEXT = {rule.name(): rule.description() for rule in POLICY}


@dataclass
class HeldBackChild:
    """One child held back by the latest import: their rows (every table) and the rules that held them."""

    child_ref: str
    rules: list[str] = field(default_factory=list)
    rows: list[QuarantinedRecord] = field(default_factory=list)


def import_quality_for_authority(
    *, authority: LocalAuthority, imports: int = TREND_IMPORTS
) -> dict[str, Any]:
    """Problems by DfE rule and severity across the latest imports (oldest first, so a row reads left to
    right as "getting better or worse"), with each import's totals and the latest import's changes."""
    reports = list(
        ImportQualityReport.objects.for_authority(authority)
        .select_related("import_job")
        .order_by("-created_at")[:imports]
    )[::-1]
    keys: dict[tuple[str, str, str], list[int]] = {}
    for position, report in enumerate(reports):
        for item in report.issues:
            key = (item.get("rule", ""), item.get("code", ""), item.get("severity", ""))
            keys.setdefault(key, [0] * len(reports))[position] += int(item.get("count", 0))
    rows = [
        {"rule": rule, "code": code, "severity": severity, "counts": counts, "trend": _trend(counts)}
        for (rule, code, severity), counts in sorted(keys.items(), key=lambda kv: (-kv[1][-1], kv[0]))
    ]
    totals = [
        {
            "errors": sum(i.get("count", 0) for i in r.issues if i.get("severity") == "error"),
            "warnings": sum(i.get("count", 0) for i in r.issues if i.get("severity") == "warning"),
            "repaired": sum(r.repairs.values()),
            "held_back": r.quarantined_children,
            "released": r.released_children,
        }
        for r in reports
    ]
    latest = reports[-1] if reports else None
    return {
        "reports": reports,
        "rows": rows,
        "totals": totals,
        "latest": latest,
        "repairs": [
            {"rule": rule, "rows": count, "description": _POLICY_TEXT.get(rule, "")}
            for rule, count in sorted((latest.repairs if latest else {}).items(), key=lambda kv: -kv[1])
        ],
        "quarantine_rules": [
            {"rule": rule, "children": count, "description": _POLICY_TEXT.get(rule, "")}
            for rule, count in sorted((latest.quarantine if latest else {}).items(), key=lambda kv: -kv[1])
        ],
    }


def _trend(counts: list[int]) -> str:
    if len(counts) < 2 or counts[-1] == counts[-2]:
        return "no change" if len(counts) >= 2 else ""
    return "fewer" if counts[-1] < counts[-2] else "more"


def quarantine_list_for_authority(
    *, authority: LocalAuthority, limit: int = QUARANTINE_CHILDREN_SHOWN
) -> tuple[list[HeldBackChild], int]:
    """The children the latest import held back, each with all their rows; and how many there are."""
    records = QuarantinedRecord.objects.for_authority(authority).order_by("child_ref", "table", "file", "row")
    children: dict[str, HeldBackChild] = {}
    total = records.exclude(child_ref="").values("child_ref").distinct().count()
    wanted = list(records.values_list("child_ref", flat=True).distinct().order_by("child_ref")[:limit])
    for record in records.filter(child_ref__in=wanted):
        entry = children.setdefault(record.child_ref, HeldBackChild(record.child_ref))
        entry.rows.append(record)
        if record.rule not in entry.rules:
            entry.rules.append(record.rule)
    return list(children.values()), total


def import_policy_rules() -> list[dict[str, str]]:
    """The import policy's rules as the data quality page lists them."""
    return [
        {"name": r.name(), "code": r.code(), "action": r.action, "description": r.description()}
        for r in POLICY
    ]
