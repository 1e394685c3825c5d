"""Storing case activity (children, contacts, referrals, assessments, s47s, CP plans).

Each function reads one table of the Extract, loads what the council already holds for that
table in one query, and creates or updates by natural key. Order matters: children before their
records; referrals before the assessments and s47s that link to them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from typing import Any

from oversight.cases.models import (
    Assessment,
    Child,
    ChildProtectionPlan,
    ChildProtectionReview,
    ComplexityAssessment,
    Contact,
    Referral,
    Section47,
)
from oversight.interchange.extract import NFA_CLOSURE_REASON, Extract, Row, normalise_name
from oversight.interchange.store import (
    BATCH,
    StoreContext,
    StoreFunction,
    merge,
    update_fields,
)
from oversight.interchange.store_reported import store_reported_allocations


def store_people_named(ctx: StoreContext, extract: Extract) -> None:
    """Teams and workers named in "Allocated Team" / "Allocated Worker" columns."""
    first_seen: dict[str, tuple[dt.date | None, Row]] = {}
    team_names = {
        normalise_name(r.values["team"]) for r in extract.rows("children") if r.values.get("team")
    }
    if team_names:
        ctx.count("teams").unchanged += len(team_names & set(ctx.teams))
    for row in extract.rows("children"):
        ctx.team_id(row.values.get("team"), row)
        name = row.values.get("worker")
        if name:
            seen = first_seen.get(normalise_name(name))
            day = row.values.get("seen_on")
            if seen is None or (day and (seen[0] is None or day < seen[0])):
                first_seen[normalise_name(name)] = (day, row)
    for key, (day, row) in first_seen.items():
        if key in ctx.workers:
            ctx.count("workers").unchanged += 1
            continue
        team = ctx.team_id(row.values.get("team"), row)
        ctx.add_worker_from_name(row.values["worker"], team, day or dt.date.today())
        ctx.problem(
            row,
            "Allocated Worker",
            row.values["worker"],
            "a new worker, created from their name: an administrator should set their role, "
            "qualification, start date and FTE (or import the workers CSV)",
            "warning",
        )


CHILD_FIELDS = {
    "date_of_birth": "date_of_birth",
    "sex": "sex",
    "ethnicity": "ethnicity",
    "disability": "disability",
}


def store_children(ctx: StoreContext, extract: Extract) -> None:
    rows = extract.rows("children")
    if not rows:
        return
    latest_team = _latest_team(ctx, rows)
    merged = merge(rows, "children", ctx)
    held = {c.la_child_id: c for c in Child.objects.filter(local_authority=ctx.la)}
    new, changed, fields = [], [], set()
    for (child_id,), row in merged.items():
        values = dict(row.values, responsible_team=latest_team.get(child_id))
        child = held.get(child_id)
        if child is None:
            child = Child(local_authority=ctx.la, la_child_id=child_id)
            update_fields(child, values, CHILD_FIELDS | {"responsible_team": "responsible_team_id"})
            new.append(child)
            continue
        updated = update_fields(
            child, values, CHILD_FIELDS | {"responsible_team": "responsible_team_id"}
        )
        if updated:
            changed.append(child)
            fields.update(updated)
    Child.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        Child.objects.bulk_update(changed, sorted(fields), batch_size=BATCH)
    count = ctx.count("children")
    count.new += len(new)
    count.updated += len(changed)
    count.unchanged += len(merged) - len(new) - len(changed)
    ctx.forget_children()


def _latest_team(ctx: StoreContext, rows: list[Row]) -> dict[str, int]:
    """The responsible team is the one named on the child's most recent row."""
    latest: dict[str, tuple[dt.date, int]] = {}
    for row in rows:
        team = ctx.team_id(row.values.get("team"), row)
        day = row.values.get("seen_on") or dt.date.min
        child_id = row.values["la_child_id"]
        if team and (child_id not in latest or day >= latest[child_id][0]):
            latest[child_id] = (day, team)
    return {child_id: team for child_id, (_day, team) in latest.items()}


def store_contacts(ctx: StoreContext, extract: Extract) -> None:
    """Contacts have no identity beyond child, date and source, and a child can have two the
    same day: the file's rows of each (child, date, source) are matched, in order of outcome,
    against what is held. A row that gives an outcome sets it; one that gives none (Annex A has
    no outcome column) leaves the held outcome alone."""
    rows = extract.rows("contacts")
    if not rows:
        return
    in_file: dict[tuple[int, dt.date, str], list[str | None]] = defaultdict(list)
    for row in rows:
        child = ctx.children[row.values["la_child_id"]]
        key = (child, row.values["date"], row.values["source"] or "")
        in_file[key].append(row.values.get("outcome"))
    held: dict[tuple[int, dt.date, str], list[Contact]] = defaultdict(list)
    for contact in Contact.objects.filter(child__local_authority=ctx.la).order_by("outcome", "id"):
        held[(contact.child_id, contact.date, contact.source)].append(contact)
    new: list[Contact] = []
    changed: list[Contact] = []
    count = ctx.count("contacts")
    for (child, day, source), outcomes in in_file.items():
        outcomes.sort(key=lambda outcome: outcome or "")
        matched = held[(child, day, source)]
        for outcome, contact in zip(outcomes, matched, strict=False):
            if outcome is not None and contact.outcome != outcome:
                contact.outcome = outcome
                changed.append(contact)
        new.extend(
            Contact(child_id=child, date=day, source=source, outcome=outcome or "")
            for outcome in outcomes[len(matched) :]
        )
    Contact.objects.bulk_create(new, batch_size=BATCH)
    Contact.objects.bulk_update(changed, ["outcome"], batch_size=BATCH)
    count.new += len(new)
    count.updated += len(changed)
    count.unchanged += len(rows) - len(new) - len(changed)


def store_complexity(ctx: StoreContext, extract: Extract) -> None:
    """Re-assessments of a case's complexity (R-CL-2), one per child and day: a held one is
    updated to the file's level and reason (rows repeating a day must agree: the first is kept
    and a different one is a warning)."""
    rows = extract.rows("complexity")
    if not rows:
        return
    merged = merge(rows, "complexity", ctx)
    held = {
        (c.child_id, c.assessed_on): c
        for c in ComplexityAssessment.objects.filter(child__local_authority=ctx.la).order_by("id")
    }
    new: list[ComplexityAssessment] = []
    changed: list[ComplexityAssessment] = []
    count = ctx.count("complexity")
    for (child_id, assessed_on), row in merged.items():
        child = ctx.children[child_id]
        level, reason = row.values["level"], row.values.get("reason") or ""
        found = held.get((child, assessed_on))
        if found is None:
            new.append(
                ComplexityAssessment(
                    child_id=child, assessed_on=assessed_on, level=level, reason=reason
                )
            )
        elif (found.level, found.reason) != (level, reason):
            found.level, found.reason = level, reason
            changed.append(found)
        else:
            count.unchanged += 1
    ComplexityAssessment.objects.bulk_create(new, batch_size=BATCH)
    ComplexityAssessment.objects.bulk_update(changed, ["level", "reason"], batch_size=BATCH)
    count.new += len(new)
    count.updated += len(changed)


REFERRAL_FIELDS = {
    "source": "source",
    "nfa": "nfa",
    "primary_need": "primary_need",
    "closure_date": "closure_date",
    "closure_reason": "closure_reason",
}


def store_referrals(ctx: StoreContext, extract: Extract) -> None:
    rows = extract.rows("referrals")
    if not rows:
        return
    merged = merge(rows, "referrals", ctx)
    held = {(r.child_id, r.date): r for r in Referral.objects.filter(child__local_authority=ctx.la)}
    new, changed, fields, from_file = [], [], set(), {}
    for (child_id, day), row in merged.items():
        child = ctx.children[child_id]
        referral = held.get((child, day))
        if referral is None:
            referral = Referral(child_id=child, date=day)
            update_fields(referral, row.values, REFERRAL_FIELDS)
            new.append(referral)
        else:
            updated = update_fields(referral, row.values, REFERRAL_FIELDS)
            if updated:
                changed.append(referral)
                fields.update(updated)
        if referral.nfa and referral.closure_date is None:
            referral.closure_date, referral.closure_reason = day, NFA_CLOSURE_REASON
            if referral.pk and referral not in changed:
                changed.append(referral)
            fields.update({"closure_date", "closure_reason"})
        from_file[(child, day)] = row
    _check_episodes(ctx, list(held.values()) + new, from_file)
    if ctx.report.errors:
        return
    # Close episodes before opening new ones, so "one open episode per child" holds throughout.
    if changed:
        Referral.objects.bulk_update(changed, sorted(fields), batch_size=BATCH)
    Referral.objects.bulk_create(new, batch_size=BATCH)
    count = ctx.count("referrals")
    count.new += len(new)
    count.updated += len(changed)
    count.unchanged += len(merged) - len(new) - len(changed)


def _check_episodes(
    ctx: StoreContext, referrals: list[Referral], from_file: dict[tuple[int, dt.date], Row]
) -> None:
    """A child never has two episodes of need open at once (domain.md §2)."""
    by_child: dict[int, list[Referral]] = defaultdict(list)
    for referral in referrals:
        by_child[referral.child_id].append(referral)
    for episodes in by_child.values():
        episodes.sort(key=lambda r: r.date)
        for earlier, later in itertools.pairwise(episodes):
            if earlier.closure_date is not None and earlier.closure_date <= later.date:
                continue
            row = from_file.get((later.child_id, later.date)) or from_file.get(
                (earlier.child_id, earlier.date)
            )
            if row is None:
                continue  # both already held: not this file's doing
            still = "still open" if earlier.closure_date is None else "not closed until then"
            ctx.problem(
                row,
                "Date of Referral",
                f"{later.date:%d/%m/%Y}",
                f"the child's earlier episode from {earlier.date:%d/%m/%Y} is {still}; a child "
                "cannot have two open episodes: give its closure (List 6) first",
            )


def _referral_before(ctx: StoreContext) -> Any:
    """The child's episode a record belongs to: their latest referral on or before its date."""
    dates: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    referrals = Referral.objects.filter(child__local_authority=ctx.la)
    for pk, child, day in referrals.values_list("id", "child_id", "date"):
        dates[child].append((day, pk))
    for items in dates.values():
        items.sort()

    def lookup(child: int, day: dt.date) -> int | None:
        candidates = [pk for start, pk in dates.get(child, []) if start <= day]
        return candidates[-1] if candidates else None

    return lookup


def _store_records(
    ctx: StoreContext,
    extract: Extract,
    table: str,
    model: Any,
    key_fields: tuple[str, ...],
    fields: dict[str, str],
) -> None:
    """Create or update records keyed by child and the given model fields."""
    rows = extract.rows(table)
    if not rows:
        return
    merged = merge(rows, table, ctx)
    referral_for = _referral_before(ctx)
    held = {
        tuple(getattr(obj, f) for f in ("child_id", *key_fields)): obj
        for obj in model.objects.filter(child__local_authority=ctx.la)
    }
    new, changed, changed_fields = [], [], set()
    for key, row in merged.items():
        child = ctx.children[key[0]]
        values = dict(row.values)
        values["worker_id"] = ctx.worker_id(values.pop("worker", None), row)
        values["referral_id"] = referral_for(child, key[-1])
        obj = held.get((child, *key[1:]))
        if obj is None:
            obj = model(child_id=child, **dict(zip(key_fields, key[1:], strict=True)))
            update_fields(obj, values, fields)
            new.append(obj)
            continue
        updated = update_fields(obj, values, fields)
        if updated:
            changed.append(obj)
            changed_fields.update(updated)
    model.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        model.objects.bulk_update(changed, sorted(changed_fields), batch_size=BATCH)
    count = ctx.count(table)
    count.new += len(new)
    count.updated += len(changed)
    count.unchanged += len(merged) - len(new) - len(changed)


def store_assessments(ctx: StoreContext, extract: Extract) -> None:
    _store_records(
        ctx,
        extract,
        "assessments",
        Assessment,
        ("kind", "start_date"),
        {
            "authorised_date": "authorised_date",
            "outcome": "outcome",
            "delay_reason": "delay_reason",
            "worker_id": "worker_id",
            "referral_id": "referral_id",
        },
    )


def store_s47(ctx: StoreContext, extract: Extract) -> None:
    _store_records(
        ctx,
        extract,
        "s47",
        Section47,
        ("strategy_date",),
        {
            "icpc_not_required": "icpc_not_required",
            "icpc_date": "icpc_date",
            "icpc_result": "icpc_result",
            "end_date": "end_date",
            "worker_id": "lead_worker_id",
            "referral_id": "referral_id",
        },
    )


def store_cp_plans(ctx: StoreContext, extract: Extract) -> None:
    rows = extract.rows("cp_plans")
    if not rows:
        return
    _check_one_open_plan(ctx, rows)
    if not ctx.report.errors:
        _store_plans(ctx, extract)


def _check_one_open_plan(ctx: StoreContext, rows: list[Row]) -> None:
    open_rows: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.values.get("end_date") is None:
            open_rows[row.values["la_child_id"]].append(row)
    held_open = dict(
        ChildProtectionPlan.objects.filter(
            child__local_authority=ctx.la, end_date__isnull=True
        ).values_list("child__la_child_id", "start_date")
    )
    for child_id, items in open_rows.items():
        starts = {r.values["start_date"] for r in items}
        if child_id in held_open and held_open[child_id] not in starts:
            starts.add(held_open[child_id])
        if len(starts) > 1:
            ctx.problem(
                items[-1],
                "Child Protection Plan End Date",
                None,
                "the child would have two open child protection plans: give the earlier "
                "plan's end date",
            )


def _store_plans(ctx: StoreContext, extract: Extract) -> None:
    rows = extract.rows("cp_plans")
    merged = merge(rows, "cp_plans", ctx)
    held = {
        (p.child_id, p.start_date): p
        for p in ChildProtectionPlan.objects.filter(child__local_authority=ctx.la)
    }
    new, changed, fields = [], [], set()
    for (child_id, start), row in merged.items():
        child = ctx.children[child_id]
        plan = held.get((child, start))
        if plan is None:
            plan = ChildProtectionPlan(child_id=child, start_date=start, category="")
            update_fields(plan, row.values, {"end_date": "end_date", "category": "category"})
            new.append(plan)
            continue
        updated = update_fields(plan, row.values, {"end_date": "end_date", "category": "category"})
        if updated:
            changed.append(plan)
            fields.update(updated)
    if changed:
        ChildProtectionPlan.objects.bulk_update(changed, sorted(fields), batch_size=BATCH)
    ChildProtectionPlan.objects.bulk_create(new, batch_size=BATCH)
    count = ctx.count("cp_plans")
    count.new += len(new)
    count.updated += len(changed)
    count.unchanged += len(merged) - len(new) - len(changed)
    _store_reviews(ctx, extract)


def _store_reviews(ctx: StoreContext, extract: Extract) -> None:
    rows = extract.rows("cp_reviews")
    if not rows:
        return
    plans = {
        (child, start): pk
        for pk, child, start in ChildProtectionPlan.objects.filter(
            child__local_authority=ctx.la
        ).values_list("id", "child_id", "start_date")
    }
    held = set(
        ChildProtectionReview.objects.filter(plan__child__local_authority=ctx.la).values_list(
            "plan_id", "date"
        )
    )
    wanted = {
        (
            plans[(ctx.children[r.values["la_child_id"]], r.values["plan_start_date"])],
            r.values["date"],
        )
        for r in rows
    }
    new = [ChildProtectionReview(plan_id=plan, date=day) for plan, day in wanted - held]
    ChildProtectionReview.objects.bulk_create(new, batch_size=BATCH)
    count = ctx.count("cp_reviews")
    count.new += len(new)
    count.unchanged += len(wanted & held)


CASE_STEPS: list[tuple[str, StoreFunction]] = [
    ("workers", store_people_named),
    ("children", store_children),
    ("contacts", store_contacts),
    ("referrals", store_referrals),
    ("assessments", store_assessments),
    ("s47", store_s47),
    ("cp_plans", store_cp_plans),
    ("complexity", store_complexity),
    ("allocations", store_reported_allocations),
]
