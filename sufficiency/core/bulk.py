"""Writing a DataFrame into a model's table fast: PostgreSQL COPY, or bulk_create on other databases.

Used by the SSDA903 import (a national register is a million rows) and by forecast runs (a few thousand
values per run, 150 runs a night). The frame's columns are the model's database column names; dates and
timestamps may be ISO strings or date objects, missing values NaN/None/NaT.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection

BULK_BATCH_SIZE = 5000


def none_if_nan(value: Any) -> Any:
    """None for a missing value (NaN, NaT, None), otherwise the value unchanged."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def copy_frame(table_name: str, frame: pd.DataFrame) -> None:
    """PostgreSQL COPY: an order of magnitude faster than INSERTs, and far less work for the server."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, na_rep="\\N")
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg2 cursor
        raw.copy_expert(f"COPY {table_name} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)


def insert_frame(model: Any, frame: pd.DataFrame, *, batch_size: int = BULK_BATCH_SIZE) -> None:
    """Insert every row of ``frame`` into ``model``'s table: COPY on PostgreSQL, else bulk_create.

    Runs in the caller's transaction, so an import or a forecast run writes all of its rows or none.
    """
    if frame.empty:
        return
    if connection.vendor == "postgresql":
        copy_frame(model._meta.db_table, frame)
        return
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    model.objects.bulk_create(
        (model(**{k: none_if_nan(v) for k, v in rec.items()}) for rec in records), batch_size=batch_size
    )
