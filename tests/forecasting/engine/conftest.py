"""Fixtures for the forecasting engine's tests: a synthetic authority from a known Markov process."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.forecasting.engine.synthetic import MarkovProcess, extract, simulate_register, standard_process


@pytest.fixture(scope="session")
def process() -> MarkovProcess:
    return standard_process()


@pytest.fixture(scope="session")
def authority_register(process: MarkovProcess) -> pd.DataFrame:
    """A synthetic authority's extract: 6 years of history to 2026-03-31 (after 10 years of warm-up) and
    3 years beyond it (the realised future, which the engine must not see)."""
    register = simulate_register(process, start=dt.date(2010, 4, 1), end=dt.date(2029, 4, 2), seed=2026)
    return extract(register, first_day=dt.date(2020, 4, 1))
