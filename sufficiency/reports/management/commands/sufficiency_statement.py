"""python manage.py sufficiency_statement --authority CODE (or --region CODE) --date YYYY-MM-DD
--format docx|pdf|html --output FILE

Writes the current draft sufficiency statement (the newest unpublished statement for that scope and date,
with its narrative; or, with none, the statement as the register drafts it) as a Word document, a tagged
PDF or a standalone HTML page.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sufficiency.authorities.models import LocalAuthority, Region
from sufficiency.reports.statement.render import render_docx, render_pdf_bytes, render_print_html
from sufficiency.reports.statement.services import current_draft_document


class Command(BaseCommand):
    help = "Write the current draft sufficiency statement of an authority or a region (docx, pdf or html)."

    def add_arguments(self, parser: Any) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--authority", help="DfE 3-digit code of the authority")
        scope.add_argument("--region", help="ONS code of the region, e.g. E12000005 (West Midlands)")
        parser.add_argument("--date", required=True, help="Figures as at YYYY-MM-DD, e.g. 2026-03-31")
        parser.add_argument("--format", required=True, choices=("docx", "pdf", "html"))
        parser.add_argument("--output", required=True, help="File to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_at = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError("--date must be a real date as YYYY-MM-DD") from None
        authority = region = None
        if options["authority"]:
            authority = (
                LocalAuthority.objects.select_related("region").filter(dfe_code=options["authority"]).first()
            )
            if authority is None:
                raise CommandError(f"No authority with DfE code {options['authority']!r}")
        else:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"No region with code {options['region']!r}")
        output = Path(options["output"])
        if not output.parent.exists():
            raise CommandError(f"The folder {output.parent} does not exist")
        started = time.monotonic()
        try:
            document = current_draft_document(as_at=as_at, authority=authority, region=region)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        if options["format"] == "docx":
            output.write_bytes(render_docx(document))
        elif options["format"] == "pdf":
            pdf, pages = render_pdf_bytes(document)
            output.write_bytes(pdf)
        else:
            output.write_text(render_print_html(document), encoding="utf-8")
        self.stdout.write(
            f"Wrote {output} ({output.stat().st_size:,} bytes) in {time.monotonic() - started:.1f} s"
        )
