"""The partner API's own endpoints (regions, authorities, KPIs, tokens) and its URL map.

Where the API scopes a query: `sufficiency/core/api.py` holds the base viewsets every endpoint uses (here
and in `placements/api/`, `forecasting/api/`), which limit each query to the authorities the token may read,
and the guards and date bounds of the query parameters (with `sufficiency/core/bounds.py`).
"""
