"""Placement finding: placement requests, the search for a home (matching, approaches, offers), their
outcome, and the unmet-need ledger built from them.

Models live in `placements.models` (PlacementRequest, PlacementRequestEvent, Approach) and choices in
`placements.choices`; this package holds the logic:

- `lifecycle`: the request's named state machine and its business rules;
- `services`: every write (`placement_request_<verb>`), atomic, attributed and audited;
- `selectors`: reads (lists, candidates for matching, frames for the ledger and the KPI catalogue);
- `matching`: the pure matching search (why each candidate is in or out, and its score);
- `ledger`: the pure unmet-need calculation over DataFrames;
- `linking`: matching requests to the SSDA903 episodes a later import brings;
- `forms`, `charts`: adapters for the pages in `views/`.
"""
