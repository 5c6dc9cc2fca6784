"""Supply: the places children can live in. Ofsted settings (shared national data), an authority's
in-house capacity (fostering households, homes, block contracts) and its vacancies.

Models live in `placements.models` (`placements/models/supply.py`) and choices in `placements.choices`;
this package has the same shape as `placements.finding`:

- `services`: every write (`<entity>_<verb>`), atomic, attributed and audited, and the Ofsted and
  households imports;
- `selectors`: reads (capacity summaries, occupancy, vacancy summaries) used by the pages, forecasting's
  gap and the board reports;
- `readers`: the pure reader of the fostering households CSV (no Django; the Ofsted and SSDA903
  readers are `placements.ofsted` and `placements.ssda903`);
- `forms`, `views/`: the pages under /authorities/<DfE code>/supply/.
"""
