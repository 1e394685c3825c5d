"""`oversight import annex-a|cin|csv PATH [--dry-run] [--format text|json] [--la CODE]`.

Checks and imports one file, all or nothing, and prints the report: rows new / updated /
unchanged per table and every problem with its sheet, row, column, value and reason. The exit
status is 1 when the file was refused, so a nightly job notices.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.interchange.actions import READERS, NoCouncil, council_for, run_import
from oversight.interchange.report import progress_line


class Command(BaseCommand):
    help = "Import an Ofsted Annex A workbook, a CIN census XML file or a CSV extract."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(READERS), help="What the file is")
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check only; save nothing")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--la", metavar="CODE", help="The council's DfE LA code")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            la = council_for(options["la"])
        except NoCouncil as error:
            raise CommandError(str(error)) from None
        as_json = options["format"] == "json"
        progress = None if as_json else self._progress_bar(path)
        run, report = run_import(
            options["kind"], path, la, user=None, dry_run=options["dry_run"], progress=progress
        )
        if progress is not None:
            self.stderr.write("")
        if as_json:
            self.stdout.write(json.dumps(report.as_json(), indent=2, default=str))
        else:
            self.stdout.write(f"{run.get_kind_display()}: {path.name} → {la.name}")
            self.stdout.write(report.as_text())
        if report.errors:
            sys.exit(1)

    def _progress_bar(self, path: Path) -> Any:
        """Rows read so far, on the terminal (stderr): a bar when the reader knows the total."""
        if not sys.stderr.isatty():
            return None

        def show(rows: int, total: int | None = None) -> None:
            self.stderr.write(f"\r{progress_line(path.name, rows, total)}", ending="")
            self.stderr.flush()

        return show
