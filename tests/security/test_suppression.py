"""Small-number suppression (counts under 5 hidden for other authorities, as DfE does)."""

from __future__ import annotations

from sufficiency.core.suppression import Figure, suppress_breakdown, suppress_small


def test_counts_under_five_are_suppressed_and_five_is_shown():
    assert suppress_small(4) == Figure(value=None, suppressed=True)
    assert suppress_small(0) == Figure(value=None, suppressed=True)
    assert suppress_small(5) == Figure(value=5, suppressed=False)
    assert suppress_small(None) == Figure(value=None, suppressed=False)


def test_a_single_suppressed_cell_takes_the_next_smallest_with_it():
    total, cells = suppress_breakdown({"a": 3, "b": 10, "c": 20}, 33)
    assert total.value == 33
    assert cells["a"].suppressed and cells["b"].suppressed
    assert cells["c"] == Figure(value=20, suppressed=False)


def test_two_suppressed_cells_need_no_more():
    _, cells = suppress_breakdown({"a": 3, "b": 1, "c": 20}, 24)
    assert cells["c"].value == 20


def test_a_small_total_suppresses_everything():
    total, cells = suppress_breakdown({"a": 2, "b": 1}, 3)
    assert total.suppressed
    assert all(c.suppressed for c in cells.values())
