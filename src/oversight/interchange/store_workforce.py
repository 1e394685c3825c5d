"""Storing the CSV templates' tables: workers, absences, allocations and supervision sessions.

Same pattern as store_cases.py: each function loads what the council holds for its table in one
query, matches rows by natural key (workers by name, whatever the case or spacing), and creates
or updates in bulk. Every database constraint on these models is checked here first, on the
record as it would be after the import, so a breach is a problem naming the file's row and
column rather than a database error; any error rolls the whole import back (store.store).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Model, Q

from oversight.cases.models import Allocation
from oversight.interchange.extract import Extract, Row, normalise_name
from oversight.interchange.store import (
    BATCH,
    StoreContext,
    StoreFunction,
    merge,
    update_fields,
)
from oversight.people.models import Absence, Locality, Worker
from oversight.supervision.models import CaseDiscussion, SupervisionSession

NO_SUCH_WORKER = "no such worker: import the workers CSV first (or check the spelling)"
SAME_NAME = "more than one worker in this council has this name: rename one, then import again"
NO_SUCH_CHILD = "no such child: import Annex A or the CIN census first"

WORKER_FIELDS = {
    "role": "role",
    "team_id": "team_id",
    "locality_id": "locality_id",
    "qualified": "qualified",
    "qualification_date": "qualification_date",
    "start_date": "start_date",
    "end_date": "end_date",
    "fte": "fte",
    "agency": "agency",
    "swe_number": "swe_number",
}


def in_council(ctx: StoreContext, prefix: str = "") -> Q:
    """A council's workers are those in its teams, plus managers attached to a locality."""
    return Q(**{f"{prefix}team__locality__local_authority": ctx.la}) | Q(
        **{f"{prefix}locality__local_authority": ctx.la}
    )


def _tally(ctx: StoreContext, table: str, total: int, new: int, updated: int) -> None:
    count = ctx.count(table)
    count.new += new
    count.updated += updated
    count.unchanged += total - new - updated


def _write(model: type[Model], new: list[Any], changed: list[Any], fields: set[str]) -> None:
    # Updates first: an allocation closed by this file frees the child for the one it opens.
    if changed:
        model._default_manager.bulk_update(changed, sorted(fields), batch_size=BATCH)
    model._default_manager.bulk_create(new, batch_size=BATCH)


# Workers -------------------------------------------------------------------------------------
def store_workers(ctx: StoreContext, extract: Extract) -> None:
    rows = extract.rows("workers")
    if not rows:
        return
    spelling: dict[str, str] = {}  # a new worker is stored as the file first spells them
    keyed = []
    for row in rows:
        key = normalise_name(row.values["name"])
        spelling.setdefault(key, row.values["name"])
        keyed.append(Row(row.where, row.number, dict(row.values, name=key)))
    merged = merge(keyed, "workers", ctx)
    held: dict[str, list[Worker]] = defaultdict(list)
    for worker in Worker.objects.filter(in_council(ctx)):
        held[normalise_name(worker.name)].append(worker)
    localities = {
        normalise_name(n): pk
        for pk, n in Locality.objects.filter(local_authority=ctx.la).values_list("id", "name")
    }
    _count_teams_named(ctx, merged.values())
    in_file: dict[str, Worker] = {}
    changed: dict[str, set[str]] = {}
    for (key,), row in merged.items():
        if len(held[key]) > 1:
            ctx.problem(row, "name", spelling[key], SAME_NAME)
            continue
        worker = held[key][0] if held[key] else Worker(name=spelling[key])
        values = dict(
            row.values,
            team_id=_team_id(ctx, row),
            locality_id=_locality_id(ctx, row, localities),
        )
        changed[key] = _apply_worker(worker, values)
        _check_worker(ctx, row, worker)
        in_file[key] = worker
    pending = _resolve_supervisors(ctx, merged, in_file, held, changed)
    if ctx.report.errors:
        return
    _write_workers(ctx, in_file, changed, pending)


def _apply_worker(worker: Worker, values: dict[str, Any]) -> set[str]:
    fields = set(update_fields(worker, values, WORKER_FIELDS))
    if values.get("qualified") is False and worker.qualification_date is not None:
        worker.qualification_date = None  # "not qualified" clears a date held from before
        fields.add("qualification_date")
    if worker.needs_details:  # created from a name by Annex A: this file gives the details
        worker.needs_details = False
        fields.add("needs_details")
    return fields


def _check_worker(ctx: StoreContext, row: Row, worker: Worker) -> None:
    """The model's constraints, on the worker as the import would leave them."""
    if worker.pk is None and not (row.values.get("team") or row.values.get("locality")):
        ctx.problem(row, "team", None, "a new worker needs a team (or, for a manager, a locality)")
    if worker.end_date and worker.end_date < worker.start_date:  # an end date held from before
        start, end = f"{worker.start_date:%d/%m/%Y}", f"{worker.end_date:%d/%m/%Y}"
        ctx.problem(row, "start_date", start, f"after the end date held ({end})")
    if worker.qualified != (worker.qualification_date is not None):
        ctx.problem(row, "qualification_date", None, "a qualified worker needs this date")


def _count_teams_named(ctx: StoreContext, rows: Iterable[Row]) -> None:
    named = {normalise_name(r.values["team"]) for r in rows if r.values.get("team")}
    if named:
        ctx.count("teams").unchanged += len(named & set(ctx.teams))


def _team_id(ctx: StoreContext, row: Row) -> int | None:
    return ctx.team_id(row.values.get("team"), row, column="team")


def _locality_id(ctx: StoreContext, row: Row, localities: dict[str, int]) -> int | None:
    """Localities are set up by an administrator, never created by an import."""
    given = row.values.get("locality")
    if not given:
        return None
    found = localities.get(normalise_name(given))
    if found is None:
        ctx.problem(row, "locality", given, "no such locality in this council")
    return found


def _resolve_supervisors(
    ctx: StoreContext,
    merged: dict[tuple[Any, ...], Row],
    in_file: dict[str, Worker],
    held: dict[str, list[Worker]],
    changed: dict[str, set[str]],
) -> list[tuple[Worker, Worker]]:
    """A supervisor is a worker in this file or already held. Pairs whose supervisor is new
    are returned, to be linked once the new worker has an id."""
    pending: list[tuple[Worker, Worker]] = []
    for (key,), row in merged.items():
        given = row.values.get("supervisor")
        worker = in_file.get(key)
        if not given or worker is None:
            continue
        target_key = normalise_name(given)
        target = in_file.get(target_key)
        if target is None and len(held.get(target_key, [])) == 1:
            target = held[target_key][0]
        if target is None:
            reason = SAME_NAME if held.get(target_key) else NO_SUCH_WORKER
            ctx.problem(row, "supervisor", given, reason)
        elif target.pk is None:
            pending.append((worker, target))
            changed[key].add("supervisor")
        elif worker.supervisor_id != target.pk:
            worker.supervisor_id = target.pk
            changed[key].add("supervisor")
    return pending


def _write_workers(
    ctx: StoreContext,
    in_file: dict[str, Worker],
    changed: dict[str, set[str]],
    pending: list[tuple[Worker, Worker]],
) -> None:
    new = {k: w for k, w in in_file.items() if w.pk is None}
    Worker.objects.bulk_create(list(new.values()), batch_size=BATCH)
    for worker, supervisor in pending:
        worker.supervisor_id = supervisor.pk
    updated = {k: w for k, w in in_file.items() if k not in new and changed[k]}
    # New workers supervised by other new workers are linked now both have ids.
    new_ids = {id(w) for w in new.values()}
    linked = [w for w, _ in pending if id(w) in new_ids]
    for records, fields in (
        (list(updated.values()), set().union(*(changed[k] for k in updated))),
        (linked, {"supervisor"}),
    ):
        if records:
            Worker.objects.bulk_update(records, sorted(fields), batch_size=BATCH)
    for key, worker in in_file.items():
        ctx.workers[key] = [worker.pk]
    _tally(ctx, "workers", len(in_file), len(new), len(updated))


# Rows that name workers ----------------------------------------------------------------------
def _worker_ids(ctx: StoreContext, rows: list[Row], columns: tuple[str, ...]) -> list[Row]:
    """Copies of the rows with each worker's name replaced by their id; a name that is not
    exactly one held worker is an error and the row is left out."""
    found = []
    for row in rows:
        values = dict(row.values)
        for column in columns:
            matches = ctx.workers.get(normalise_name(values[column]), [])
            if len(matches) != 1:
                ctx.problem(row, column, values[column], SAME_NAME if matches else NO_SUCH_WORKER)
            values[column] = matches[0] if len(matches) == 1 else None
        if all(values[column] is not None for column in columns):
            found.append(Row(row.where, row.number, values))
    return found


def _store_keyed(
    merged: dict[tuple[Any, ...], Row],
    held: dict[tuple[Any, ...], Any],
    make: Any,
    fields: dict[str, str],
) -> tuple[list[Any], list[Any], set[str]]:
    """New and changed records for merged rows whose key is already in model terms."""
    new, changed, changed_fields = [], [], set()
    for key, row in merged.items():
        record = held.get(key)
        if record is None:
            record = make(*key)
            update_fields(record, row.values, fields)
            new.append(record)
            continue
        updated = update_fields(record, row.values, fields)
        if updated:
            changed.append(record)
            changed_fields.update(updated)
    return new, changed, changed_fields


# Absences ------------------------------------------------------------------------------------
def store_absences(ctx: StoreContext, extract: Extract) -> None:
    rows = _worker_ids(ctx, extract.rows("absences"), ("worker",))
    if not rows:
        return
    merged = merge(rows, "absences", ctx)
    held = {
        (a.worker_id, a.start_date): a for a in Absence.objects.filter(in_council(ctx, "worker__"))
    }
    new, changed, fields = _store_keyed(
        merged,
        held,
        lambda worker, start: Absence(worker_id=worker, start_date=start),
        {"end_date": "end_date", "reason": "reason"},
    )
    if ctx.report.errors:
        return
    _write(Absence, new, changed, fields)
    _tally(ctx, "absences", len(merged), len(new), len(changed))


# Allocations ---------------------------------------------------------------------------------
ALLOCATION_FIELDS = {
    "role": "role",
    "end_date": "end_date",
    "end_reason": "end_reason",
    "complexity_level": "complexity_level",
    "rationale": "rationale",
}


def store_allocations(ctx: StoreContext, extract: Extract) -> None:
    rows = []
    for row in _worker_ids(ctx, extract.rows("allocations"), ("worker",)):
        child = ctx.children.get(row.values["la_child_id"])
        if child is None:
            ctx.problem(row, "child_id", row.values["la_child_id"], NO_SUCH_CHILD)
            continue
        rows.append(Row(row.where, row.number, dict(row.values, la_child_id=child)))
    if not rows:
        return
    merged = merge(rows, "allocations", ctx)
    everything = list(Allocation.objects.filter(child__local_authority=ctx.la))
    held = {(a.child_id, a.worker_id, a.start_date): a for a in everything}
    new, changed, fields = _store_keyed(
        merged,
        held,
        lambda child, worker, start: Allocation(child_id=child, worker_id=worker, start_date=start),
        ALLOCATION_FIELDS,
    )
    _check_allocations(ctx, everything + new, merged)
    if ctx.report.errors:
        return
    _write(Allocation, new, changed, fields)
    _tally(ctx, "allocations", len(merged), len(new), len(changed))


def _check_allocations(
    ctx: StoreContext, allocations: list[Allocation], merged: dict[tuple[Any, ...], Row]
) -> None:
    """The constraints across a child's allocations, on all the child would then have: one
    case holder at a time (R-CL-1) and one open allocation per worker and child. (A row's own
    dates and end reason are checked by the reader: the start date is part of the key.)"""
    open_holder: dict[int, list[Allocation]] = defaultdict(list)
    open_pair: dict[tuple[int, int], list[Allocation]] = defaultdict(list)
    for a in allocations:
        if a.end_date is None:
            open_pair[(a.child_id, a.worker_id)].append(a)
            if a.role == Allocation.Role.CASE_HOLDER:
                open_holder[a.child_id].append(a)
    holder = Allocation.Role.CASE_HOLDER
    for group, what in [
        *((g, "two open case-holder allocations") for g in open_holder.values()),
        # Two open holder allocations to one worker are reported once, as the first kind.
        *(
            (g, "two open allocations to the same worker")
            for g in open_pair.values()
            if any(a.role != holder for a in g)
        ),
    ]:
        _report_overlap(ctx, group, what, merged)


def _report_overlap(
    ctx: StoreContext, group: list[Allocation], what: str, merged: dict[tuple[Any, ...], Row]
) -> None:
    if len(group) < 2:
        return
    group.sort(key=lambda a: a.start_date)
    for earlier, later in itertools.pairwise(group):
        row = merged.get((later.child_id, later.worker_id, later.start_date)) or merged.get(
            (earlier.child_id, earlier.worker_id, earlier.start_date)
        )
        if row is None:
            continue  # both already held: not this file's doing
        ctx.problem(
            row,
            "end_date",
            None,
            f"the child would have {what}: give the end date and reason of the one "
            f"from {earlier.start_date:%d/%m/%Y}",
        )


# Supervision sessions ------------------------------------------------------------------------
SESSION_FIELDS = {"kind": "kind", "minutes": "minutes", "written_up_on": "written_up_on"}


def store_supervision_sessions(ctx: StoreContext, extract: Extract) -> None:
    rows = _worker_ids(ctx, extract.rows("supervision_sessions"), ("supervisee", "supervisor"))
    if not rows:
        return
    merged = merge(rows, "supervision_sessions", ctx)
    held = {
        (s.supervisee_id, s.held_on, s.supervisor_id): s
        for s in SupervisionSession.objects.filter(in_council(ctx, "supervisee__"))
    }
    new, changed, fields = _store_keyed(
        merged,
        held,
        lambda supervisee, held_on, supervisor: SupervisionSession(
            supervisee_id=supervisee, held_on=held_on, supervisor_id=supervisor
        ),
        SESSION_FIELDS,
    )
    if ctx.report.errors:
        return
    _write(SupervisionSession, new, changed, fields)
    _tally(ctx, "supervision_sessions", len(merged), len(new), len(changed))


def store_case_discussions(ctx: StoreContext, extract: Extract) -> None:
    """The cases discussed in a supervision session and the decision given (R-SV-5), one per
    session and child: the session must be held or in the same import."""
    rows = _worker_ids(ctx, extract.rows("case_discussions"), ("supervisee", "supervisor"))
    if not rows:
        return
    merged = merge(rows, "case_discussions", ctx)
    sessions = {
        (s.supervisee_id, s.held_on, s.supervisor_id): s.pk
        for s in SupervisionSession.objects.filter(in_council(ctx, "supervisee__"))
    }
    held = {
        (d.session_id, d.child_id): d
        for d in CaseDiscussion.objects.filter(session__in=list(sessions.values()))
    }
    new: list[CaseDiscussion] = []
    changed: list[CaseDiscussion] = []
    for (supervisee, held_on, supervisor, child_id), row in merged.items():
        session = sessions.get((supervisee, held_on, supervisor))
        if session is None:
            ctx.problem(row, "held_on", f"{held_on:%d/%m/%Y}", "no such supervision session")
            continue
        child, decision = ctx.children[child_id], row.values.get("decision") or ""
        found = held.get((session, child))
        if found is None:
            new.append(CaseDiscussion(session_id=session, child_id=child, decision=decision))
        elif found.decision != decision:
            found.decision = decision
            changed.append(found)
    if ctx.report.errors:
        return
    _write(CaseDiscussion, new, changed, {"decision"})
    _tally(ctx, "case_discussions", len(merged), len(new), len(changed))


# Workers and absences come before the case tables (Annex A's "Allocated Worker" then matches a
# worker with full details); allocations and supervision after (they name children and workers).
STEPS_BEFORE_CASES: list[tuple[str, StoreFunction]] = [
    ("workers", store_workers),
    ("absences", store_absences),
]
STEPS_AFTER_CASES: list[tuple[str, StoreFunction]] = [
    ("allocations", store_allocations),
    ("supervision_sessions", store_supervision_sessions),
    ("case_discussions", store_case_discussions),
]
