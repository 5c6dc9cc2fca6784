"""python manage.py forecast --authority CODE --as-at YYYY-MM-DD --horizon MONTHS [--reference-years N]
[--scenario NAME] [--seed S] [--baseline-only] --json"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from forecasting.choices import BASELINE, RunStatusChoices, RunTriggerChoices
from forecasting.models import ForecastRun, Scenario
from forecasting.selectors import forecast_as_json
from forecasting.services import forecast_compute
from sufficiency.authorities.models import LocalAuthority


class Command(BaseCommand):
    help = "Run an authority's forecast now (synchronously) and print it; the run is saved like any other."
    #: The system checks import every URL configuration and view (about 1.2 s of a 2-second budget); they
    #: are run by ``manage.py check`` at deployment and in CI, not again by each forecast.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--authority", required=True)
        parser.add_argument("--as-at", help="YYYY-MM-DD (default: the date the register's data runs to)")
        parser.add_argument("--horizon", type=int, default=36, help="Months to project (1-60)")
        parser.add_argument("--reference-years", type=int, default=3)
        parser.add_argument("--scenario", help="A saved scenario's name (default: the baseline)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--paths", type=int, default=1000)
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--baseline-only",
            action="store_true",
            help="Project the baseline alone, not the authority's active scenarios as well",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            authority = LocalAuthority.objects.get(dfe_code=options["authority"])
        except LocalAuthority.DoesNotExist:
            raise CommandError(f"No authority with DfE code {options['authority']!r}") from None
        as_at = None
        if options["as_at"]:
            try:
                as_at = dt.date.fromisoformat(options["as_at"])
            except ValueError:
                raise CommandError("--as-at must be a real date as YYYY-MM-DD") from None
        if not 1 <= options["horizon"] <= 60:
            raise CommandError("--horizon must be between 1 and 60 months")
        scenarios: list[Scenario] | None = [] if options["baseline_only"] else None
        name = BASELINE
        if options["scenario"]:
            try:
                scenario = Scenario.objects.get(authority=authority, name=options["scenario"])
            except Scenario.DoesNotExist:
                raise CommandError(
                    f"{authority.name} has no scenario called {options['scenario']!r}"
                ) from None
            scenarios, name = [scenario], scenario.name
        run = ForecastRun.objects.create(
            authority=authority,
            trigger=RunTriggerChoices.COMMAND,
            status=RunStatusChoices.RUNNING,
            as_at=as_at,
            horizon_months=options["horizon"],
            reference_years=options["reference_years"],
            seed=options["seed"],
            n_paths=options["paths"],
        )
        try:
            forecast_compute(run=run, scenarios=scenarios)
        except ValueError as exc:
            run.status, run.error = RunStatusChoices.FAILED, str(exc)
            run.save(update_fields=["status", "error"])
            raise CommandError(str(exc)) from None
        document = forecast_as_json(run=run, scenario=name)
        if options["json"]:
            self.stdout.write(json.dumps(document))
            return
        self.stdout.write(
            f"{authority.name}: forecast from {document['as_at']} ({name}), reference "
            f"{document['reference']['start']} to {document['reference']['end']}"
        )
        for month in document["months"][11::12]:
            t = month["total"]
            self.stdout.write(f"  {month['month_end']}: {t['mean']:.0f} (80% {t['p10']:.0f}-{t['p90']:.0f})")
        for row in document["backtest"]:
            ape = row["total"]["ape"]
            self.stdout.write(f"  backtest from {row['origin']}: total error {ape}%")
