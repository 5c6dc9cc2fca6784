"""Which queue each kind of background work goes to, and the order workers take the queues in."""

from __future__ import annotations

from sufficiency.celery import app


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_dashboard_rollups_wait_behind_the_work_people_wait_for() -> None:
    # A night's 150 forecasts each queue a rollup: they go to their own queue, not in front of forecasts.
    assert _queue("dashboards.rollup_execute") == "rollups"
    for task in (
        "forecasting.forecast_run_execute",
        "placements.import_job_execute",
        "reports.board_report_publish",
    ):
        assert _queue(task) == "celery", task


def test_workers_consume_both_queues_in_priority_order() -> None:
    # A worker started without -Q consumes every queue in task_queues; with the "priority" strategy the
    # Redis transport polls them in this order, so "rollups" is read only when "celery" is empty.
    assert [queue.name for queue in app.conf.task_queues] == ["celery", "rollups"]
    assert app.conf.broker_transport_options["queue_order_strategy"] == "priority"
    # Each queue has its own routing key, so a message is delivered to one queue only.
    assert len({queue.routing_key for queue in app.conf.task_queues}) == 2
