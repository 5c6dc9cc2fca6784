"""Statement review: draft -> in review -> approved -> published, audited; a published version is frozen
(its figures and narrative do not move when the register changes) and the next statement compares with it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sufficiency.authorities.models import AuditEvent
from sufficiency.reports.models import Statement, StatementVersion
from sufficiency.reports.statement import services
from sufficiency.reports.statement.choices import StatementStatusChoices as Status
from tests.reports.conftest import D, _episode

pytestmark = pytest.mark.django_db


def _approved(authority, user, **narrative):
    statement = services.statement_create(authority=authority, as_at=D, acting_user=user)
    if narrative:
        services.narrative_update(statement=statement, texts=narrative, acting_user=user)
    services.statement_transition(statement=statement, to=Status.IN_REVIEW, acting_user=user)
    return services.statement_transition(statement=statement, to=Status.APPROVED, acting_user=user)


def _kpi(document, section, key):
    return next(e for s in document["sections"] if s["key"] == section for e in s["kpis"] if e["key"] == key)


def test_workflow_moves_only_forward_in_order_and_is_audited(register, la_user):
    walsall = register["walsall"]
    statement = services.statement_create(authority=walsall, as_at=D, acting_user=la_user)
    assert statement.status == Status.DRAFT
    with pytest.raises(ValidationError):
        services.statement_transition(statement=statement, to=Status.APPROVED, acting_user=la_user)
    with pytest.raises(ValidationError):
        services.statement_publish(statement=statement, acting_user=la_user)
    services.statement_transition(statement=statement, to=Status.IN_REVIEW, acting_user=la_user)
    statement.refresh_from_db()
    # In review, the narrative is closed for editing until review sends it back.
    with pytest.raises(ValidationError):
        services.narrative_update(statement=statement, texts={"context": "x"}, acting_user=la_user)
    services.statement_transition(statement=statement, to=Status.DRAFT, acting_user=la_user)
    statement.refresh_from_db()
    services.narrative_update(statement=statement, texts={"context": "Our duty."}, acting_user=la_user)
    services.statement_transition(statement=statement, to=Status.IN_REVIEW, acting_user=la_user)
    services.statement_transition(statement=statement, to=Status.APPROVED, acting_user=la_user)
    statement.refresh_from_db()
    assert statement.approved_by == la_user
    published = services.statement_publish(statement=statement, acting_user=la_user)
    assert published.version == 1
    statement.refresh_from_db()
    assert statement.status == Status.PUBLISHED
    with pytest.raises(ValidationError):
        services.statement_transition(statement=statement, to=Status.DRAFT, acting_user=la_user)
    actions = list(
        AuditEvent.objects.filter(object_type__icontains="statement").values_list("action", flat=True)
    )
    for action in (
        "statement.created",
        "statement.submitted",
        "statement.returned",
        "statement.approved",
        "statement.narrative_updated",
        "statement.published",
    ):
        assert action in actions, action
    details = " ".join(str(d) for d in AuditEvent.objects.values_list("detail", flat=True))
    assert "Our duty." not in details  # narrative text is never audited


def test_published_version_is_frozen_when_the_register_changes(register, la_user):
    walsall = register["walsall"]
    statement = _approved(walsall, la_user, context="As published.")
    published = services.statement_publish(statement=statement, acting_user=la_user)
    frozen = published.document
    assert _kpi(frozen, "children", "children_in_care")["value"] == 7
    # A new child enters care before the date: the live figures move, the published version does not.
    from tests.factories import ChildFactory

    extra = ChildFactory(authority=walsall, child_ref="W99", dob=dt.date(2011, 1, 1))
    _episode(extra, decom=dt.date(2025, 2, 1))
    statement.refresh_from_db()
    again = services.statement_document(statement=statement)
    assert again == frozen
    assert StatementVersion.objects.get(pk=published.pk).document == frozen
    assert _kpi(again, "context", "children_in_care")["value"] == 7
    assert _kpi(again, "context", "children_in_care")["text"] == "7"
    assert again["sections"][0]["narrative"] == "As published."
    # The next draft counts 8 and marks the change against version 1.
    draft = services.statement_create(authority=walsall, as_at=D, acting_user=la_user)
    live = services.statement_document(statement=draft)
    entry = _kpi(live, "children", "children_in_care")
    assert entry["value"] == 8
    assert entry["last_version_text"] == "7" and entry["changed"] is True
    assert live["comparison"]["version"] == 1
    assert live["comparison"]["changed_count"] >= 1
    unchanged = _kpi(live, "care_leavers", "care_leavers_suitable_accommodation")
    assert unchanged["changed"] is False
    second = services.statement_publish(statement=_promote(draft, la_user), acting_user=la_user)
    assert second.version == 2


def _promote(statement, user):
    services.statement_transition(statement=statement, to=Status.IN_REVIEW, acting_user=user)
    return services.statement_transition(statement=statement, to=Status.APPROVED, acting_user=user)


def test_regional_statement_needs_the_authoritys_own_region(register, la_user):
    from sufficiency.authorities.models import Region

    other = Region.objects.exclude(pk=register["walsall"].region_id).first() or Region.objects.create(
        code="E12000099", name="Elsewhere"
    )
    with pytest.raises(ValidationError):
        services.statement_create(authority=register["walsall"], as_at=D, acting_user=la_user, region=other)
    assert not Statement.objects.exists()
