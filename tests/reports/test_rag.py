"""RAG derivation: both directions of good, and the boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sufficiency.reports.choices import RagChoices
from sufficiency.reports.rag import rag_status


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (95.0, RagChoices.GREEN),  # better than target
        (90.0, RagChoices.GREEN),  # exactly on target
        (89.9, RagChoices.AMBER),
        (85.0, RagChoices.AMBER),  # exactly the tolerance short
        (84.9, RagChoices.RED),
        (None, RagChoices.NO_DATA),
    ],
)
def test_higher_is_better(value, expected):
    assert rag_status(value=value, target=90, direction="higher", tolerance=5) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (8.0, RagChoices.GREEN),
        (10.0, RagChoices.GREEN),  # exactly on target
        (10.1, RagChoices.AMBER),
        (12.0, RagChoices.AMBER),  # exactly the tolerance over
        (12.1, RagChoices.RED),
        (None, RagChoices.NO_DATA),
    ],
)
def test_lower_is_better(value, expected):
    assert (
        rag_status(value=value, target=Decimal("10"), direction="lower", tolerance=Decimal("2")) == expected
    )


def test_no_tolerance_means_any_miss_is_red():
    assert rag_status(value=89.99, target=90, direction="higher", tolerance=0) == RagChoices.RED
    assert rag_status(value=90.01, target=90, direction="lower", tolerance=None) == RagChoices.RED


def test_float_noise_does_not_flip_a_boundary():
    # 0.1 + 0.2 is 0.30000000000000004 as a float; with tolerance 0.3 below a target of 0.6 it is amber.
    assert rag_status(value=0.1 + 0.2, target=0.6, direction="higher", tolerance=0.3) == RagChoices.AMBER


def test_unknown_direction_is_an_error():
    with pytest.raises(ValueError):
        rag_status(value=1, target=1, direction="neutral")
