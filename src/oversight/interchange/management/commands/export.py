"""`oversight export annex-a PATH --as-at DATE [--period-start DATE] [--la CODE]`.

Writes Annex A Lists 1, 3, 4, 5, 6 and 7 for the council from Oversight's own data, in Ofsted's
layout. The period defaults to the six months Ofsted asks for. The export is audited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.cases.models import Child
from oversight.engine.periods import add_months
from oversight.interchange.actions import NoCouncil, council_for
from oversight.interchange.annex_a_export import ExportPeriod, write_annex_a


class Command(BaseCommand):
    help = "Export Ofsted Annex A lists (1, 3, 4, 5, 6, 7) as an .xlsx workbook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["annex-a"], help="What to export")
        parser.add_argument("path", type=Path, help="The .xlsx file to write")
        parser.add_argument("--as-at", type=dt.date.fromisoformat, required=True)
        parser.add_argument(
            "--period-start",
            type=dt.date.fromisoformat,
            help="First day of the lists' period (default: six months before --as-at)",
        )
        parser.add_argument("--la", metavar="CODE", help="The council's DfE LA code")

    def handle(self, *args: Any, **options: Any) -> None:
        as_at: dt.date = options["as_at"]
        start = options["period_start"] or add_months(as_at, -6) + dt.timedelta(days=1)
        if start > as_at:
            raise CommandError("--period-start must be on or before --as-at.")
        try:
            la = council_for(options["la"])
        except NoCouncil as error:
            raise CommandError(str(error)) from None
        path: Path = options["path"]
        counts = write_annex_a(
            path, Child.objects.filter(local_authority=la), ExportPeriod(start, as_at)
        )
        record_event(
            user=None,
            kind=AuditEvent.Kind.EXPORT,
            what=f"Annex A export: {path.name} ({la.name})",
            object_type="export",
            detail={"as_at": str(as_at), "period_start": str(start), "rows": counts},
        )
        self.stdout.write(f"Wrote {path} for {la.name}, {start:%d/%m/%Y} to {as_at:%d/%m/%Y}:")
        for sheet, rows in counts.items():
            self.stdout.write(f"  {sheet}: {rows} rows")
