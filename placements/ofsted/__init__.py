"""Ofsted provider-level files: read, recognise and check them, with no Django (pure pandas).

Ofsted publishes every registered children's social care setting monthly ("Children's social care
providers and inspections") and annually ("Children's social care in England") as CSV, XLSX or ODS.
`read_ofsted` turns one or more of those files into canonical tables; `placements.supply_services
.ofsted_import` writes them to the shared register of settings, all or nothing.

    from placements.ofsted import read_ofsted

    result = read_ofsted([("providers.ods", content)])
    if not result.ok:
        for issue in result.errors: ...  # file, row, column, value, message
"""

from .columns import COLUMN_ALIASES, authority_key, normalise_header
from .reader import OfstedResult, read_ofsted

__all__ = ["COLUMN_ALIASES", "OfstedResult", "authority_key", "normalise_header", "read_ofsted"]
