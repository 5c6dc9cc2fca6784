"""Sufficiency's demand forecasting engine: pure pandas/numpy, no Django.

Give it the SSDA903 episodes (with planning ``category`` and the child's ``dob``) and a
:class:`ForecastParameters`; it returns a :class:`ForecastResult` of DataFrames::

    from forecasting.engine import ForecastParameters, Scenario, Transfer, run_forecast, run_scenarios

    params = ForecastParameters(as_at=date(2026, 3, 31), horizon_months=36, unit_costs={...})
    result = run_forecast(episodes, params)            # baseline (or params.scenario)
    both = run_scenarios(episodes, params, [Scenario(name="Fewer 16-17 entries",
                                                      entry_rate_changes={"16_17": -0.10})])

The model (a Markov model of children moving between placement categories as they age, fitted on
every day of exposure in a reference window, simulated by Monte Carlo with parameter uncertainty) is
described in :mod:`.rates` and :mod:`.simulate`; the counting rules in :mod:`.history`; scenarios in
:mod:`.scenarios` and :mod:`.types`. Worker processes that run many forecasts should call
:func:`tune_memory_allocator` once (see :mod:`.memory`): it cuts a forecast's CPU time by about a third.
"""

from .forecast import backtest, run_forecast, run_scenarios
from .history import History, build_history
from .memory import release_free_memory, tune_memory_allocator
from .types import (
    MODEL_CATEGORIES,
    CapacityChange,
    ForecastParameters,
    ForecastResult,
    ReferenceWindow,
    Scenario,
    ScenarioComparison,
    Transfer,
)

__all__ = [
    "MODEL_CATEGORIES",
    "CapacityChange",
    "ForecastParameters",
    "ForecastResult",
    "History",
    "ReferenceWindow",
    "Scenario",
    "ScenarioComparison",
    "Transfer",
    "backtest",
    "build_history",
    "run_forecast",
    "release_free_memory",
    "run_scenarios",
    "tune_memory_allocator",
]
