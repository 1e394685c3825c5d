"""`oversight measures`: every registered measure, over the database or a folder of frames.

oversight measures --as-at 2026-11-27 [--period-start 2025-11-28] [--team NAME]
                   [--format table|json|csv] [--data DIR] [--only ID ...]
oversight measures --annex-a PATH [PATH ...] --as-at DATE [--format json]
oversight measures --write-docs docs/measures.md

With --annex-a the measures come straight from Ofsted Annex A workbooks, without the database:
each workbook is one council, reported on its own and, given several, combined.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from oversight.cases.engine_data import load_case_data
from oversight.cases.models import Child
from oversight.engine.frames import CaseData, FrameError, read_folder
from oversight.engine.measures import REGISTRY
from oversight.engine.periods import add_months
from oversight.engine.registry import Context, Period
from oversight.interchange.annex_a import read_annex_a
from oversight.interchange.extract import Extract
from oversight.interchange.frames import case_data
from oversight.interchange.safety import FileRefused
from oversight.people.models import Team, Worker
from oversight.policy.queries import calendar_for, current_policy
from oversight.reports.measures_output import (
    measures_csv,
    measures_document,
    measures_json,
    measures_markdown,
    measures_table,
)


class Command(BaseCommand):
    help = "Compute every registered measure as at a date, for the council or one team."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-at", type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument(
            "--period-start",
            type=dt.date.fromisoformat,
            help="First day of the reporting period (default: 12 months before --as-at)",
        )
        parser.add_argument("--team", help="Only this team (its name)")
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
        parser.add_argument(
            "--data", type=Path, help="A folder of Parquet/CSV frames instead of the database"
        )
        parser.add_argument(
            "--annex-a",
            nargs="+",
            type=Path,
            metavar="PATH",
            help="Annex A workbooks instead of the database (each one council)",
        )
        parser.add_argument("--only", nargs="+", metavar="ID", help="Only these measure ids")
        parser.add_argument(
            "--write-docs", type=Path, metavar="FILE", help="Write docs/measures.md and stop"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["write_docs"]:
            options["write_docs"].write_text(measures_markdown(REGISTRY))
            self.stdout.write(f"Wrote {options['write_docs']}")
            return
        as_at: dt.date | None = options["as_at"]
        if as_at is None:
            raise CommandError("Give --as-at YYYY-MM-DD (measures are always as at a date).")
        start = options["period_start"] or add_months(as_at, -12) + dt.timedelta(days=1)
        if start > as_at:
            raise CommandError("--period-start must be on or before --as-at.")
        policy, version = current_policy()
        context = Context(as_at, Period(start, as_at), policy, calendar_for(policy))
        if options["annex_a"]:
            self._from_workbooks(options, context, version)
            return
        try:
            data, scope = self._data(options)
            results = REGISTRY.compute(data, context, options["only"])
        except FrameError as error:
            raise CommandError(f"The data cannot be used: {error}") from error
        except KeyError as error:
            raise CommandError(str(error).strip("'\"")) from error
        if options["format"] == "json":
            self.stdout.write(
                measures_json(REGISTRY, results, context, policy_version=version, scope=scope)
            )
        elif options["format"] == "csv":
            self.stdout.write(measures_csv(REGISTRY, results), ending="")
        else:
            self.stdout.write(
                f"As at {as_at}, period {start} to {as_at}, {scope}, policy version {version}"
            )
            self.stdout.write(measures_table(REGISTRY, results))

    def _from_workbooks(self, options: dict[str, Any], context: Context, version: int) -> None:
        """Each workbook on its own, then all of them together."""
        councils = [(path.stem, _read_workbook(path)) for path in options["annex_a"]]
        runs = [(name, [(name, extract)]) for name, extract in councils]
        if len(councils) > 1:
            runs.append(("combined", councils))
        documents = {}
        for name, extracts in runs:
            try:
                results = REGISTRY.compute(case_data(extracts), context, options["only"])
            except FrameError as error:
                raise CommandError(f"{name}: the data cannot be used: {error}") from error
            scope = f"Annex A: {name}"
            if options["format"] == "table":
                self.stdout.write(f"{scope}, as at {context.as_at}, policy version {version}")
                self.stdout.write(measures_table(REGISTRY, results))
            documents[name] = measures_document(
                REGISTRY, results, context, policy_version=version, scope=scope
            )
            documents[name]["data_quality"] = _quality([e for _n, e in extracts])
        if options["format"] == "json":
            only = next(iter(documents.values()))
            self.stdout.write(json.dumps(only if len(documents) == 1 else documents, indent=2))
        elif options["format"] == "csv":
            self.stdout.write(_csv_by_council(documents), ending="")

    def _data(self, options: dict[str, Any]) -> tuple[CaseData, str]:
        team_name: str | None = options["team"]
        if options["data"]:
            data = read_folder(options["data"])
            return (
                (_team_of(data, team_name), f"team {team_name}")
                if team_name
                else (data, "all data")
            )
        if not team_name:
            return load_case_data(Child.objects.all(), Worker.objects.all()), "the council"
        team = Team.objects.filter(name=team_name).first()
        if team is None:
            raise CommandError(f"No team called {team_name!r}.")
        children = Child.objects.filter(
            Q(responsible_team=team) | Q(allocations__worker__team=team)
        ).distinct()
        return load_case_data(children, Worker.objects.filter(team=team)), f"team {team_name}"


def _read_workbook(path: Path) -> Extract:
    try:
        return read_annex_a(path)
    except FileRefused as refused:
        raise CommandError(f"{path}: {refused}") from None


def _quality(extracts: list[Extract]) -> dict[str, int]:
    """Rows with an error are left out of the measures; warnings are kept (docs/importing.md)."""
    problems = [p for extract in extracts for p in extract.problems]
    return {
        "rows_read": sum(e.rows_read for e in extracts),
        "errors": sum(p.severity == "error" for p in problems),
        "warnings": sum(p.severity == "warning" for p in problems),
    }


def _csv_by_council(documents: dict[str, dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["council", "id", "value", "numerator", "denominator", "unit"])
    for council, document in documents.items():
        for measure_id, m in document["measures"].items():
            writer.writerow(
                [council, measure_id, m["value"], m["numerator"], m["denominator"], m["unit"]]
            )
    return out.getvalue()


def _team_of(data: CaseData, team_name: str) -> CaseData:
    teams = data.teams.filter(pl.col("name") == team_name)["team_id"]
    if teams.is_empty():
        raise CommandError(f"No team called {team_name!r} in the data.")
    workers = data.workers.filter(pl.col("team_id").is_in(teams))["worker_id"]
    allocated = data.allocations.filter(pl.col("worker_id").is_in(workers))["child_id"]
    responsible = data.children.filter(pl.col("responsible_team_id").is_in(teams))["child_id"]
    return data.restrict(child_ids=pl.concat([allocated, responsible]).unique(), worker_ids=workers)
