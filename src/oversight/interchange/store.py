"""Storing an Extract: match each row to what is held by its natural key, then create or update.

All of an import happens in one transaction. A dry run, or any error, rolls it back, so the
report of new / updated / unchanged rows is exactly what a real run would do and nothing is ever
half-imported. Existing records are loaded once per table (a fixed number of queries, whatever
the file's size) and written with bulk inserts and updates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import DataError, IntegrityError, transaction

from oversight.cases.models import Child
from oversight.interchange.extract import TABLES, Extract, Row, normalise_name
from oversight.interchange.report import ImportReport, Problem, Severity, TableCount
from oversight.people.models import LocalAuthority, Locality, Team, Worker

IMPORTED_TEAMS_LOCALITY = "Teams added by import"
BATCH = 1000


class StoreContext:
    """What every table's store function needs: the council, the report and the name lookups."""

    def __init__(self, la: LocalAuthority, report: ImportReport):
        self.la = la
        self.report = report
        self._teams: dict[str, int] | None = None
        self._workers: dict[str, list[int]] | None = None
        self._children: dict[str, int] | None = None

    # Problems and counts ---------------------------------------------------------------
    def problem(
        self,
        row: Row | None,
        column: str | None,
        value: object,
        reason: str,
        severity: Severity = "error",
    ) -> None:
        where, number = (row.where, row.number) if row else ("import", None)
        shown = None if value is None else str(value)[:200]
        self.report.problems.append(Problem(where, number, column, shown, reason, severity))

    def count(self, table: str) -> TableCount:
        return self.report.count(table)

    # Teams -----------------------------------------------------------------------------
    @property
    def teams(self) -> dict[str, int]:
        if self._teams is None:
            held = Team.objects.filter(locality__local_authority=self.la).values_list("id", "name")
            self._teams = {normalise_name(name): pk for pk, name in held}
        return self._teams

    def team_id(
        self, name: str | None, row: Row, *, create: bool = True, column: str = "Allocated Team"
    ) -> int | None:
        """The team of this name in the council, created (and flagged) when new."""
        if not name:
            return None
        key = normalise_name(name)
        if key not in self.teams and create:
            locality, _ = Locality.objects.get_or_create(
                local_authority=self.la, name=IMPORTED_TEAMS_LOCALITY
            )
            team = Team.objects.create(locality=locality, name=" ".join(name.split()))
            self.teams[key] = team.pk
            self.count("teams").new += 1
            self.problem(
                row,
                column,
                name,
                f"a new team, created in “{IMPORTED_TEAMS_LOCALITY}”: an administrator should "
                "move it to its locality",
                "warning",
            )
        return self.teams.get(key)

    # Workers ---------------------------------------------------------------------------
    @property
    def workers(self) -> dict[str, list[int]]:
        if self._workers is None:
            in_la = Worker.objects.filter(team__locality__local_authority=self.la) | (
                Worker.objects.filter(locality__local_authority=self.la)
            )
            self._workers = {}
            for pk, name in in_la.values_list("id", "name"):
                self._workers.setdefault(normalise_name(name), []).append(pk)
        return self._workers

    def worker_id(
        self, name: str | None, row: Row, *, column: str = "Allocated Worker"
    ) -> int | None:
        """The worker of this name; an ambiguous name is a warning and is left unset."""
        if not name:
            return None
        matches = self.workers.get(normalise_name(name), [])
        if len(matches) > 1:
            self.problem(
                row, column, name, "more than one worker has this name; left unset", "warning"
            )
            return None
        return matches[0] if matches else None

    def add_worker_from_name(self, name: str, team_id: int | None, first_seen: dt.date) -> int:
        """Annex A names workers and nothing more: such a worker is created flagged, so an
        administrator completes their role, qualification, start date and FTE."""
        worker = Worker.objects.create(
            name=" ".join(name.replace("\xa0", " ").split()),
            role=Worker.Role.SOCIAL_WORKER,
            team_id=team_id,
            start_date=first_seen,
            needs_details=True,
        )
        self.workers[normalise_name(name)] = [worker.pk]
        self.count("workers").new += 1
        return worker.pk

    # Children --------------------------------------------------------------------------
    @property
    def children(self) -> dict[str, int]:
        if self._children is None:
            held = Child.objects.filter(local_authority=self.la).values_list("la_child_id", "id")
            self._children = dict(held)
        return self._children

    def forget_children(self) -> None:
        self._children = None


def merge(rows: Iterable[Row], table: str, ctx: StoreContext) -> dict[tuple[Any, ...], Row]:
    """Rows with the same natural key become one: the first value given for each field wins,
    and a different value given later is a warning (the file contradicts itself)."""
    merged: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        key = row.key(table)
        first = merged.get(key)
        if first is None:
            merged[key] = Row(row.where, row.number, dict(row.values))
            continue
        for field, value in row.values.items():
            held = first.values.get(field)
            if held is None:
                first.values[field] = value
            elif value is not None and value != held and field not in MERGE_QUIETLY:
                ctx.problem(
                    row,
                    field,
                    value,
                    f"differs from {first.where} row {first.number} ({held}); kept that value",
                    "warning",
                )
    return merged


# Fields that legitimately differ between a child's rows in different lists.
MERGE_QUIETLY = frozenset({"team", "worker", "seen_on", "stated_previous_12m"})


def update_fields(obj: Any, values: dict[str, Any], fields: dict[str, str]) -> list[str]:
    """Set each given value (None means "not given") on obj; return the model fields changed."""
    changed = []
    for field, attribute in fields.items():
        value = values.get(field)
        if value is not None and getattr(obj, attribute) != value:
            setattr(obj, attribute, value)
            changed.append(attribute)
    return changed


StoreFunction = Callable[[StoreContext, Extract], None]


def default_steps() -> list[tuple[str, StoreFunction]]:
    """Every table's store function, in the order tables depend on each other."""
    from oversight.interchange.store_cases import CASE_STEPS
    from oversight.interchange.store_workforce import STEPS_AFTER_CASES, STEPS_BEFORE_CASES

    return STEPS_BEFORE_CASES + CASE_STEPS + STEPS_AFTER_CASES


def store(
    extract: Extract,
    la: LocalAuthority,
    *,
    dry_run: bool,
    steps: Iterable[tuple[str, StoreFunction]] | None = None,
) -> ImportReport:
    """Store the extract in one transaction; roll back on a dry run or any error."""
    report = ImportReport(problems=list(extract.problems))
    if extract.la_code and extract.la_code != la.code:
        reason = f"the file is for the council with LA code {extract.la_code}, not {la.code}"
        report.problems.append(Problem("file", None, "LA code", extract.la_code, reason))
        return report
    for table in TABLES:
        if extract.rows(table):
            report.count(table)
    try:
        with transaction.atomic():
            ctx = StoreContext(la, report)
            for _table, step in steps if steps is not None else default_steps():
                step(ctx, extract)
            if dry_run or report.errors:
                transaction.set_rollback(True)
            else:
                report.committed = True
    except (IntegrityError, DataError) as error:
        report.committed = False
        report.problems.append(
            Problem("database", None, None, None, f"the database refused a row: {error}")
        )
    report.tables = {name: report.tables[name] for name in TABLES if name in report.tables}
    return report
