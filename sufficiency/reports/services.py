"""Writes to strategies, objectives, measures and actions.

Each service is atomic, takes the acting user, validates the record, keeps a history row attributed to
that user (django-simple-history) and writes an audit row (docs/architecture.md principle 6). Audit details carry
ids and field names only.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.audit import acting_user_or_none, audit
from sufficiency.core.locking import check_version

from .kpis import registry
from .models import Action, Measure, Objective, Strategy

_M = TypeVar("_M", bound=models.Model)


def _save(
    obj: _M,
    *,
    acting_user: Any,
    action: str,
    authority: LocalAuthority,
    request: Any = None,
    changed: list[str] | None = None,
) -> _M:
    """Validate, save with the history attributed to the acting user, and audit."""
    obj.full_clean()
    obj._history_user = acting_user_or_none(acting_user)  # type: ignore[attr-defined]  # read by django-simple-history
    obj.save()
    audit(
        action=action,
        actor=acting_user,
        authority=authority,
        obj=obj,
        detail={"fields": sorted(changed)} if changed else {},
        request=request,
    )
    return obj


def _apply(obj: _M, data: dict[str, Any], allowed: tuple[str, ...]) -> list[str]:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"cannot set {', '.join(sorted(unknown))}")
    changed = []
    for name, value in data.items():
        if getattr(obj, name) != value:
            changed.append(name)
            setattr(obj, name, value)
    return changed


STRATEGY_FIELDS = ("title", "start_year", "end_year", "summary")
OBJECTIVE_FIELDS = ("number", "title", "description")
MEASURE_FIELDS = (
    "kpi_key",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "direction",
    "tolerance",
    "notes",
)
ACTION_FIELDS = (
    "objective",
    "activity",
    "description",
    "timescale",
    "due_date",
    "childrens_services_lead",
    "commissioning_lead",
    "status",
    "update_notes",
)


@transaction.atomic
def strategy_create(
    *, authority: LocalAuthority, acting_user: Any, request: Any = None, **data: Any
) -> Strategy:
    """Record a new sufficiency strategy for an authority."""
    strategy = Strategy(authority=authority)
    _apply(strategy, data, STRATEGY_FIELDS)
    return _save(
        strategy, acting_user=acting_user, action="strategy.created", authority=authority, request=request
    )


@transaction.atomic
def strategy_update(
    *, strategy: Strategy, acting_user: Any, request: Any = None, version: str | None = None, **data: Any
) -> Strategy:
    """Change a strategy's title, period or summary (StaleEdit if saved by someone since `version`)."""
    check_version(strategy, version)
    changed = _apply(strategy, data, STRATEGY_FIELDS)
    return _save(
        strategy,
        acting_user=acting_user,
        action="strategy.updated",
        authority=strategy.authority,
        request=request,
        changed=changed,
    )


@transaction.atomic
def objective_create(*, strategy: Strategy, acting_user: Any, request: Any = None, **data: Any) -> Objective:
    """Add an objective to a strategy."""
    objective = Objective(strategy=strategy)
    _apply(objective, data, OBJECTIVE_FIELDS)
    return _save(
        objective,
        acting_user=acting_user,
        action="strategy.objective_created",
        authority=strategy.authority,
        request=request,
    )


@transaction.atomic
def objective_update(
    *, objective: Objective, acting_user: Any, request: Any = None, version: str | None = None, **data: Any
) -> Objective:
    """Change an objective's number, title or description (StaleEdit if saved by someone since `version`)."""
    check_version(objective, version)
    changed = _apply(objective, data, OBJECTIVE_FIELDS)
    return _save(
        objective,
        acting_user=acting_user,
        action="strategy.objective_updated",
        authority=objective.strategy.authority,
        request=request,
        changed=changed,
    )


def _check_kpi(measure: Measure) -> None:
    if measure.kpi_key not in registry:
        raise ValidationError({"kpi_key": "Choose a KPI from the catalogue"})


@transaction.atomic
def measure_create(*, objective: Objective, acting_user: Any, request: Any = None, **data: Any) -> Measure:
    """Add a measure (a catalogue KPI with baseline, target, direction and tolerance) to an objective."""
    measure = Measure(objective=objective)
    _apply(measure, data, MEASURE_FIELDS)
    _check_kpi(measure)
    return _save(
        measure,
        acting_user=acting_user,
        action="strategy.measure_created",
        authority=objective.strategy.authority,
        request=request,
    )


@transaction.atomic
def measure_update(
    *, measure: Measure, acting_user: Any, request: Any = None, version: str | None = None, **data: Any
) -> Measure:
    """Change a measure's KPI, baseline, target or tolerance (StaleEdit if saved by someone since `version`)."""
    check_version(measure, version)
    changed = _apply(measure, data, MEASURE_FIELDS)
    _check_kpi(measure)
    return _save(
        measure,
        acting_user=acting_user,
        action="strategy.measure_updated",
        authority=measure.objective.strategy.authority,
        request=request,
        changed=changed,
    )


@transaction.atomic
def action_create(*, strategy: Strategy, acting_user: Any, request: Any = None, **data: Any) -> Action:
    """Add an action to a strategy's commissioning plan."""
    action = Action(strategy=strategy)
    _apply(action, data, ACTION_FIELDS)
    return _save(
        action,
        acting_user=acting_user,
        action="strategy.action_created",
        authority=strategy.authority,
        request=request,
    )


@transaction.atomic
def action_update(
    *, action: Action, acting_user: Any, request: Any = None, version: str | None = None, **data: Any
) -> Action:
    """Change an action: typically its status and update notes at each board cycle (StaleEdit if saved by
    someone since `version`)."""
    check_version(action, version)
    changed = _apply(action, data, ACTION_FIELDS)
    return _save(
        action,
        acting_user=acting_user,
        action="strategy.action_updated",
        authority=action.strategy.authority,
        request=request,
        changed=changed,
    )
