"""Small-number suppression (counts under 5 hidden for other authorities, as DfE does)."""

from __future__ import annotations

from sufficiency.core.suppression import (
    REGION,
    Figure,
    derivable_cells,
    published_share,
    suppress_linked,
    suppress_region_grid,
    suppress_region_split,
    suppress_small,
)


def test_counts_under_five_are_suppressed_and_five_is_shown():
    assert suppress_small(4) == Figure(value=None, suppressed=True)
    assert suppress_small(0) == Figure(value=None, suppressed=True)
    assert suppress_small(5) == Figure(value=5, suppressed=False)
    assert suppress_small(None) == Figure(value=None, suppressed=False)


# --- linked tables ---------------------------------------------------------------------------------------


def _grid(rows: dict[str, list[int]]):
    """A 2-row x 3-column table with row, column and grand totals, as values and relations."""
    values, relations = {}, []
    names = list(rows)
    for r in names:
        for c, n in enumerate(rows[r]):
            values[r, c] = n
        values[r, "total"] = sum(rows[r])
        relations.append(((r, "total"), [(r, c) for c in range(3)]))
    for c in [*range(3), "total"]:
        values["all", c] = sum(values[r, c] for r in names)
        relations.append((("all", c), [(r, c) for r in names]))
    relations.append((("all", "total"), [("all", c) for c in range(3)]))
    return values, relations


def test_a_lone_suppressed_cell_takes_the_smallest_positive_cell_of_its_row_and_column():
    values, relations = _grid({"a": [3, 10, 20], "b": [8, 12, 30]})
    figures = suppress_linked(values, relations)
    hidden = {k for k, f in figures.items() if f.suppressed}
    # (a, 0) is primary; its row and column each need a second hidden cell, which then need partners.
    assert ("a", 0) in hidden and ("a", 1) in hidden and ("b", 0) in hidden and ("b", 1) in hidden
    assert figures["a", 2].value == 20 and figures["all", "total"].value == 83
    assert derivable_cells(relations, hidden) == set()


def test_fixed_point_leaves_every_row_and_column_with_zero_or_two_hidden_cells():
    values, relations = _grid({"a": [1, 6, 7], "b": [9, 2, 11]})
    figures = suppress_linked(values, relations)
    hidden = {k for k, f in figures.items() if f.suppressed}
    for total, parts in relations:
        assert sum(1 for k in [total, *parts] if k in hidden) != 1
    assert not derivable_cells(relations, hidden)


def test_zeros_are_shown_and_not_chosen_while_a_positive_cell_is_left():
    values, relations = _grid({"a": [0, 2, 9], "b": [0, 7, 8]})
    figures = suppress_linked(values, relations)
    assert figures["a", 0] == Figure(value=0, suppressed=False)
    assert figures["b", 0] == Figure(value=0, suppressed=False)
    assert figures["a", 1].suppressed and figures["a", 2].suppressed


def test_a_row_all_under_the_threshold_is_hidden_with_its_total_and_partners_elsewhere():
    values, relations = _grid({"a": [1, 2, 1], "b": [9, 8, 12]})
    figures = suppress_linked(values, relations)
    assert all(figures["a", c].suppressed for c in [0, 1, 2, "total"])
    hidden = {k for k, f in figures.items() if f.suppressed}
    assert not {k for k in derivable_cells(relations, hidden) if values[k] > 0}
    assert figures["all", "total"].value == 33


def test_known_cells_are_never_suppressed_and_count_as_published():
    values, relations = _grid({"own": [1, 6, 7], "other": [2, 9, 11]})
    known = {k for k in values if k[0] == "own"}
    figures = suppress_linked(values, relations, known=known)
    assert all(not figures[k].suppressed for k in known)
    hidden = {k for k, f in figures.items() if f.suppressed}
    # Column 0: own 1 is known, so other's 2 needs the column total hidden to stay safe.
    assert ("other", 0) in hidden and ("all", 0) in hidden
    assert not derivable_cells(relations, hidden)


def test_the_region_grid_gives_every_filter_a_cell_of_one_table():
    cells = {
        1: {("fostering", "5_9"): 3, ("fostering", "10_15"): 9, ("residential", "10_15"): 6},
        2: {("fostering", "5_9"): 7, ("residential", "10_15"): 2, ("residential", "5_9"): 8},
    }
    grid = suppress_region_grid(
        cells,
        totals={1: 18, 2: 17},
        categories=["fostering", "residential"],
        age_bands=["5_9", "10_15"],
        groups={"F": ["fostering"], "R": ["residential"]},
    )
    assert (
        grid["cell", 1, "fostering", "5_9"].suppressed and grid["cell", 2, "residential", "10_15"].suppressed
    )
    assert grid["total", REGION].value == 35
    keys = {("cell", 1, "fostering", "5_9"), ("cell", 2, "residential", "10_15")}
    assert keys <= {k for k, f in grid.items() if f.suppressed}


def test_a_share_is_published_only_with_both_its_numerator_and_denominator():
    assert published_share(Figure(6, False), Figure(9, False)) == 66.7
    assert published_share(Figure(None, True), Figure(9, False)) is None
    assert published_share(Figure(6, False), Figure(None, True)) is None


def test_a_split_hides_a_small_part_and_its_rest_with_a_partner_authority():
    split = suppress_region_split({1: 2, 2: 10}, {1: 20, 2: 30})
    assert split["part", 1].suppressed and split["rest", 1].suppressed
    assert split["part", 2].suppressed  # the region's sum would give authority 1's part back
    assert split["base", REGION].value == 50


# --- the regional forecasts and gaps of the API -------------------------------------------------------


def test_regional_api_figures_survive_forecast_total_less_the_kinds_of_place():
    """Sandwell's forecast total at March 2027 (30, published) is the sum of its gap demand per kind of
    place (20 + 3 + 7). Primary suppression alone hid the 3, and 30 - 20 - 7 gave it back."""
    import datetime as dt
    from types import SimpleNamespace

    from forecasting.api.selectors import regional_figures

    march = dt.date(2027, 3, 31)
    forecasts = {
        2: (None, [SimpleNamespace(months_ahead=12, month_end=march, mean=30.2, p10=25.0, p90=36.0)]),
        1: (None, [SimpleNamespace(months_ahead=12, month_end=march, mean=3.0, p10=2.0, p90=4.0)]),
    }

    def gap(group, demand):
        return {
            "financial_year": "2026-27", "month_end": march, "group": group, "external_share": None,
            "demand_mean": demand, "demand_p90": demand + 2, "inhouse_places": 0, "block_beds": 0,
            "local_places": 10, "local_used_others": 0,
        }  # fmt: skip

    gaps = {
        2: (None, [gap("fostering", 20.1), gap("residential", 3.2), gap("supported", 6.9)]),
        1: (None, [gap("fostering", 1.0), gap("residential", 2.0)]),
    }
    figures = regional_figures(forecasts=forecasts, gaps=gaps, own_authority_ids=[1])
    residential = figures["gap", 2, "2026-27", "residential", "demand_mean"]
    assert residential.suppressed
    total = figures["forecast", 2, 12, "mean"]
    parts = [
        figures["gap", 2, "2026-27", g, "demand_mean"] for g in ("fostering", "residential", "supported")
    ]
    # The attack: total less every other published part. It needs exactly one hidden figure; there are two.
    hidden = [f for f in [total, *parts] if f.suppressed]
    assert len(hidden) >= 2
    relations = [
        (
            ("forecast", 2, 12, "mean"),
            [("gap", 2, "2026-27", g, "demand_mean") for g in ("fostering", "residential", "supported")],
        )
    ]
    assert derivable_cells(relations, {k for k, f in figures.items() if f.suppressed}) == set()
    # The caller's own authority is shown in full, its small numbers included.
    assert figures["gap", 1, "2026-27", "residential", "demand_mean"] == Figure(2, False)
