"""`oversight reports`: generate reports from the command line or on a schedule.

oversight reports run --due [--date YYYY-MM-DD] [--dry-run]
oversight reports generate --kind audit_workbook|mi_pack --scope council:1 --as-at YYYY-MM-DD
oversight reports list [--limit N]
oversight reports scopes

`run --due` makes whatever the schedule says is due on the day (today by default): see
reports/schedule.py and docs/reports.md for a cron line and a systemd timer. Reports made here
are archived like those made on the reports page; the audit trail records them with no user.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.policy.queries import calendar_for, current_policy
from oversight.reports.forms import AUDIT, MI_PACK
from oversight.reports.generate import PdfUnavailable, generate_audit_workbook, generate_mi_pack
from oversight.reports.models import Report
from oversight.reports.schedule import Due, already_made, due_on
from oversight.reports.units import Unit, every_unit, find_unit


class Command(BaseCommand):
    help = "Generate reports: what is due today (for cron), or one report."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        run = commands.add_parser("run", help="Generate the reports due on a day")
        run.add_argument("--due", action="store_true", required=True, help="What is due")
        run.add_argument("--date", type=dt.date.fromisoformat, help="The day (default today)")
        run.add_argument("--dry-run", action="store_true", help="Only say what is due")
        one = commands.add_parser("generate", help="Generate one report")
        one.add_argument("--kind", choices=[AUDIT, MI_PACK], required=True)
        one.add_argument("--scope", required=True, help="council:ID, locality:ID or team:ID")
        one.add_argument("--as-at", type=dt.date.fromisoformat, required=True)
        listing = commands.add_parser("list", help="The archive, newest first")
        listing.add_argument("--limit", type=int, default=20)
        commands.add_parser("scopes", help="What reports can cover, with their ids")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["command"]
        if command == "run":
            self._run(options["date"] or timezone.localdate(), dry_run=options["dry_run"])
        elif command == "generate":
            unit = find_unit(options["scope"])
            if unit is None:
                raise CommandError(f"No scope {options['scope']} (see `oversight reports scopes`).")
            self._generate(Due(options["kind"], unit, options["as_at"]), scheduled=False)
        elif command == "list":
            for report in Report.objects.all()[: options["limit"]]:
                made = timezone.localtime(report.created_at)
                self.stdout.write(
                    f"{report.pk:>6}  {report}  policy v{report.policy_version}  "
                    f"{made:%Y-%m-%d %H:%M}  {report.created_by_name}  sha256 {report.sha256[:12]}"
                )
        else:
            for unit in every_unit():
                self.stdout.write(f"{unit.key:<14} {unit.title}")

    def _run(self, day: dt.date, *, dry_run: bool) -> None:
        policy, _version = current_policy()
        due = due_on(day, every_unit(), calendar_for(policy))
        if not due:
            self.stdout.write(f"Nothing is due on {day:%A %d %B %Y}.")
            return
        for item in due:
            if already_made(item):
                self.stdout.write(f"Already made: {item}")
            elif dry_run:
                self.stdout.write(f"Due: {item}")
            else:
                self._generate(item, scheduled=True)

    def _generate(self, item: Due, *, scheduled: bool) -> None:
        try:
            made = self._make(item.kind, item.unit, item.as_at, scheduled=scheduled)
        except PdfUnavailable as problem:
            raise CommandError(f"{item}: the PDF cannot be made here: {problem}") from None
        for report in made:
            self.stdout.write(f"Generated {report} ({report.file_name})")

    def _make(self, kind: str, unit: Unit, as_at: dt.date, *, scheduled: bool) -> list[Report]:
        if kind == AUDIT:
            return [generate_audit_workbook(unit=unit, as_at=as_at, by=None, scheduled=scheduled)]
        return generate_mi_pack(unit=unit, as_at=as_at, by=None, scheduled=scheduled)
