"""`oversight plan import PATH [--dry-run] [--format text|json] [--inspection ID | --start DATE …]`.

Reads an action plan written as a table (a Word or PDF document converted to Markdown tables with
HTML in the cells, a web page saved from Word, or a workbook in the export's layout) and saves it
as findings and actions of an inspection, flagging for review whatever it could not place with
confidence. Importing the same document twice creates nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.actionplan.document import DraftPlan
from oversight.actionplan.importer import Saved, plan_json, save_plan
from oversight.actionplan.models import Inspection
from oversight.actionplan.reading import read_plan_file
from oversight.actionplan.timescales import MONTH_YEAR, MONTHS
from oversight.interchange.actions import NoCouncil, council_for
from oversight.interchange.safety import FileRefused

MAX_BYTES = 5 * 1024 * 1024


class Command(BaseCommand):
    help = "Import an inspection action plan from its document (.md/.txt/.html) or an .xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("verb", choices=["import"])
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Read and report; save nothing")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--inspection", type=int, help="Add to this inspection (its id)")
        parser.add_argument("--la", metavar="CODE", help="The council's DfE LA code")
        parser.add_argument("--body", default="Ofsted")
        parser.add_argument("--kind", help="The inspection, e.g. 'Unannounced inspection of …'")
        parser.add_argument("--start", type=dt.date.fromisoformat, help="First day of the visit")
        parser.add_argument("--end", type=dt.date.fromisoformat, help="Last day of the visit")
        parser.add_argument("--published", type=dt.date.fromisoformat, help="Report published")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path}: larger than {MAX_BYTES // 1024 // 1024} MB")
        try:
            plan = read_plan_file(path)  # chosen by suffix: .xlsx, .html, else Markdown text
        except FileRefused as error:
            raise CommandError(f"{path}: {error}") from None
        if not plan.findings:
            raise CommandError(f"{path}: no plan table found (a table with an Action column)")
        inspection = self._inspection(options, plan)
        saved = save_plan(plan, inspection, by=None, dry_run=options["dry_run"])
        starts = inspection.report_published_on or inspection.end_date
        if options["format"] == "json":
            document = plan_json(plan, starts=starts) | {"saved": _saved_json(saved, options)}
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
            return
        self._text(plan, saved, options["dry_run"])

    def _inspection(self, options: dict[str, Any], plan: DraftPlan) -> Inspection:
        if options["inspection"]:
            found = Inspection.objects.filter(pk=options["inspection"]).first()
            if found is None:
                raise CommandError(f"no inspection with id {options['inspection']}")
            return found
        try:
            la = council_for(options["la"])
        except NoCouncil as error:
            raise CommandError(str(error)) from None
        start = options["start"] or _month_in(plan.title)
        if start is None:
            raise CommandError("give --inspection ID, or --start DATE for a new inspection")
        end = options["end"] or start
        kind = options["kind"] or plan.title or "Inspection"
        found = Inspection.objects.filter(local_authority=la, kind=kind, start_date=start).first()
        return found or Inspection.objects.create(
            local_authority=la,
            body=options["body"],
            kind=kind[:120],
            start_date=start,
            end_date=end,
            report_published_on=options["published"],
        )

    def _text(self, plan: DraftPlan, saved: Saved, dry_run: bool) -> None:
        for number, finding in enumerate(plan.findings, start=1):
            self.stdout.write(f"Finding {number}: {finding.text}")
            for action in finding.actions:
                self.stdout.write(f"  - {action.text} [{action.lead}; {action.timescale or '—'}]")
                for flag in action.flags:
                    self.stdout.write(f"      check: {flag}")
        for flag in plan.flags:
            self.stdout.write(f"Note: {flag}")
        verb = "Would add" if dry_run else "Added"
        self.stdout.write(
            f"{verb} {saved.findings_new} findings and {saved.actions_new} actions "
            f"({saved.findings_unchanged} findings and {saved.actions_unchanged} actions were "
            "already held)."
        )


def _month_in(title: str) -> dt.date | None:
    """ "Inspection Outcome Action Plan (November 2010)" → 1 November 2010."""
    for match in MONTH_YEAR.finditer(title):
        if month := MONTHS.get(match.group(1).lower()):
            return dt.date(int(match.group(2)), month, 1)
    return None


def _saved_json(saved: Saved, options: dict[str, Any]) -> dict[str, Any]:
    return {
        "dry_run": options["dry_run"],
        "findings": {"new": saved.findings_new, "unchanged": saved.findings_unchanged},
        "actions": {"new": saved.actions_new, "unchanged": saved.actions_unchanged},
    }
