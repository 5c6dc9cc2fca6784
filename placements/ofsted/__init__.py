"""Ofsted provider-level files: read, recognise and check them, with no Django (pure pandas).

Ofsted publishes every registered children's social care setting monthly (provider-level management
information) and annually ("Children's social care data in England"), and councils receive provider
lists (the children's homes list, the SCP/CH list), as CSV, XLSX or ODS. `read_ofsted` turns one or more
of those files into canonical tables, skipping and reporting rows it cannot read;
`placements.supply.services.ofsted_import` writes them to the shared register of settings.
docs/ofsted-files.md describes the layouts and how judgements outside the scales are stored.

    from placements.ofsted import read_ofsted

    result = read_ofsted([("providers.ods", content)])
    if not result.ok:
        for issue in result.errors: ...  # a file that cannot be used: nothing to import
    for issue in result.skipped: ...  # file, sheet, row, column, value, message
"""

from .columns import COLUMN_ALIASES, authority_key, normalise_header
from .reader import OfstedIssue, OfstedResult, SheetSummary, read_ofsted

__all__ = [
    "COLUMN_ALIASES",
    "OfstedIssue",
    "OfstedResult",
    "SheetSummary",
    "authority_key",
    "normalise_header",
    "read_ofsted",
]
