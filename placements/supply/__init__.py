"""Supply: the places children can live in. Ofsted settings (shared national data), an authority's
in-house capacity (fostering households, homes, block contracts), fostering capacity as it is counted, the
recruitment funnel, residential occupancy and vacancies.

Models live in `placements.models` (`placements/models/supply.py`) and choices in `placements.choices`;
this package has the same shape as `placements.finding`:

- `services`: every write (`<entity>_<verb>`), atomic, attributed and audited, and the Ofsted and
  households imports; `funnel_services` the recruitment funnel's writes and import;
- `selectors`: reads (capacity summaries, occupancy, vacancy summaries) used by the pages, forecasting's
  gap and the board reports;
- readers with no Django: `readers` (the fostering households CSV), `funnel_reader` (the recruitment
  funnel CSV);
- `capacity` (usable fostering places), `funnel` (stages, conversion, net change) and `occupancy`
  (residential occupancy): pure arithmetic over plain rows, and the one read of the register that feeds it;
- `forms`, `views/`: the pages under /authorities/<DfE code>/supply/.
"""
