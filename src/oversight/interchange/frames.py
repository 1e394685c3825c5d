"""Annex A (or census) extracts straight into the engine's frames, without a database.

For analysts and regional comparisons: `oversight measures --annex-a PATH …` reads one or more
councils' workbooks and computes every measure from them. Records are matched by the same
natural keys and conventions as the import (NFA referrals closed on their date; workers known
by name only; allocations as the extract reports them, reported.py), and each file is one
council: its children, teams and workers never mix with another file's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from itertools import count
from typing import Any

import polars as pl

from oversight.engine.frames import CaseData
from oversight.interchange.extract import NFA_CLOSURE_REASON, Extract, Row, normalise_name
from oversight.interchange.reported import Span, named_workers, reported_allocation


def case_data(extracts: Sequence[tuple[str, Extract]]) -> CaseData:
    """One CaseData over every (council name, extract) given."""
    frames = _Frames()
    for council, extract in extracts:
        _Council(frames, council, extract).add()
    return CaseData.of(**{name: pl.DataFrame(rows) for name, rows in frames.tables.items() if rows})


class _Frames:
    """Rows per engine table, and the integer keys the engine uses."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.ids: defaultdict[str, count[int]] = defaultdict(lambda: count(1))

    def next_id(self, table: str) -> int:
        return next(self.ids[table])


def _merged(rows: Sequence[Row], table: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Rows with the same natural key become one; the first value given for a field wins."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        values = merged.setdefault(row.key(table), {})
        for field, value in row.values.items():
            if values.get(field) is None:
                values[field] = value
    return merged


class _Council:
    def __init__(self, frames: _Frames, council: str, extract: Extract):
        self.frames = frames
        self.council = council
        self.extract = extract
        self.children: dict[str, int] = {}
        self.teams: dict[str, int] = {}
        self.workers: dict[str, int] = {}

    def add(self) -> None:
        self._people()
        self._children()
        for row in self.extract.rows("contacts"):
            self._contact(row.values)
        referrals = self._referrals()
        self._assessments(referrals)
        self._s47s(referrals)
        self._plans()
        self._allocations(referrals)

    def _team(self, name: str | None) -> int | None:
        if not name:
            return None
        key = normalise_name(name)
        if key not in self.teams:
            self.teams[key] = self.frames.next_id("teams")
            self.frames.tables["teams"].append(
                {"team_id": self.teams[key], "name": name, "locality_id": None}
            )
        return self.teams[key]

    def _people(self) -> None:
        """Workers known by name only: unqualified, full time, from the first date named."""
        first: dict[str, tuple[dt.date, Row]] = {}
        for row in self.extract.rows("children"):
            name, day = row.values.get("worker"), row.values.get("seen_on")
            if (
                name
                and day
                and (normalise_name(name) not in first or day < first[normalise_name(name)][0])
            ):
                first[normalise_name(name)] = (day, row)
        for key, (day, row) in first.items():
            self.workers[key] = worker_id = self.frames.next_id("workers")
            self.frames.tables["workers"].append(
                {
                    "worker_id": worker_id,
                    "name": row.values["worker"],
                    "role": "SW",
                    "team_id": self._team(row.values.get("team")),
                    "qualified": False,
                    "qualification_date": None,
                    "start_date": day,
                    "end_date": None,
                    "fte": 1.0,
                    "supervisor_id": None,
                }
            )

    def _worker(self, name: str | None) -> int | None:
        return self.workers.get(normalise_name(name)) if name else None

    def _children(self) -> None:
        latest_team: dict[str, tuple[dt.date, str]] = {}
        for row in self.extract.rows("children"):
            team, day = row.values.get("team"), row.values.get("seen_on") or dt.date.min
            child = row.values["la_child_id"]
            if team and (child not in latest_team or day >= latest_team[child][0]):
                latest_team[child] = (day, team)
        for (child,) in _merged(self.extract.rows("children"), "children"):
            self.children[child] = child_id = self.frames.next_id("children")
            team = latest_team.get(child)
            self.frames.tables["children"].append(
                {
                    "child_id": child_id,
                    "la_code": self.council,
                    "la_child_id": child,
                    "responsible_team_id": self._team(team[1]) if team else None,
                }
            )

    def _contact(self, values: dict[str, Any]) -> None:
        self.frames.tables["contacts"].append(
            {
                "contact_id": self.frames.next_id("contacts"),
                "child_id": self.children[values["la_child_id"]],
                "date": values["date"],
                "source": values.get("source"),
                "outcome": None,
            }
        )

    def _referrals(self) -> dict[int, list[tuple[dt.date, int, dt.date | None]]]:
        """Each child's episodes (start, id, closure), oldest first."""
        episodes: dict[int, list[tuple[dt.date, int, dt.date | None]]] = defaultdict(list)
        for (child_key, day), values in sorted(
            _merged(self.extract.rows("referrals"), "referrals").items()
        ):
            child = self.children[child_key]
            closed, reason = values.get("closure_date"), values.get("closure_reason")
            if values.get("nfa") and closed is None:
                closed, reason = day, NFA_CLOSURE_REASON
            referral_id = self.frames.next_id("referrals")
            episodes[child].append((day, referral_id, closed))
            self.frames.tables["referrals"].append(
                {
                    "referral_id": referral_id,
                    "child_id": child,
                    "date": day,
                    "source": values.get("source"),
                    "nfa": bool(values.get("nfa")),
                    "primary_need": values.get("primary_need"),
                    "closure_date": closed,
                    "closure_reason": reason,
                }
            )
        return episodes

    def _assessments(self, episodes: dict[int, list[tuple[dt.date, int, dt.date | None]]]) -> None:
        for (child_key, kind, start), values in _merged(
            self.extract.rows("assessments"), "assessments"
        ).items():
            child = self.children[child_key]
            self.frames.tables["assessments"].append(
                {
                    "assessment_id": self.frames.next_id("assessments"),
                    "child_id": child,
                    "referral_id": _episode_on(episodes[child], start),
                    "worker_id": self._worker(values.get("worker")),
                    "kind": kind,
                    "start": start,
                    "authorised": values.get("authorised_date"),
                    "delay_reason": None,
                }
            )

    def _s47s(self, episodes: dict[int, list[tuple[dt.date, int, dt.date | None]]]) -> None:
        for (child_key, strategy), values in _merged(self.extract.rows("s47"), "s47").items():
            child = self.children[child_key]
            self.frames.tables["section47s"].append(
                {
                    "s47_id": self.frames.next_id("section47s"),
                    "child_id": child,
                    "referral_id": _episode_on(episodes[child], strategy),
                    "lead_worker_id": self._worker(values.get("worker")),
                    "strategy_date": strategy,
                    "icpc_not_required": bool(values.get("icpc_not_required")),
                    "icpc_date": values.get("icpc_date"),
                    "end_date": None,
                }
            )

    def _plans(self) -> None:
        plans: dict[tuple[str, dt.date], int] = {}
        for (child_key, start), values in _merged(
            self.extract.rows("cp_plans"), "cp_plans"
        ).items():
            plans[(child_key, start)] = plan_id = self.frames.next_id("cp_plans")
            self.frames.tables["cp_plans"].append(
                {
                    "plan_id": plan_id,
                    "child_id": self.children[child_key],
                    "start": start,
                    "end": values.get("end_date"),
                    "category": values.get("category"),
                }
            )
        reviews = {
            (plans[(r.values["la_child_id"], r.values["plan_start_date"])], r.values["date"])
            for r in self.extract.rows("cp_reviews")
        }
        self.frames.tables["cp_reviews"].extend(
            {"plan_id": p, "date": d} for p, d in sorted(reviews)
        )

    def _allocations(self, episodes: dict[int, list[tuple[dt.date, int, dt.date | None]]]) -> None:
        protection: dict[int, list[Span]] = defaultdict(list)
        assessing: dict[int, list[Span]] = defaultdict(list)
        for row in self.frames.tables["section47s"]:
            protection[row["child_id"]].append((row["strategy_date"], row["icpc_date"]))
        for row in self.frames.tables["cp_plans"]:
            protection[row["child_id"]].append((row["start"], row["end"]))
        for row in self.frames.tables["assessments"]:
            assessing[row["child_id"]].append((row["start"], row["authorised"]))
        for child_key, said in named_workers(self.extract.rows("children")).items():
            child = self.children[child_key]
            open_starts = [start for start, _id, closed in episodes[child] if closed is None]
            worker = self._worker(said.worker)
            if not open_starts or worker is None:
                continue
            found = reported_allocation(
                child_key, said, open_starts[-1], protection[child], assessing[child]
            )
            self.frames.tables["allocations"].append(
                {
                    "allocation_id": self.frames.next_id("allocations"),
                    "child_id": child,
                    "worker_id": worker,
                    "role": "holder",
                    "start": found.start,
                    "end": None,
                    "complexity_level": found.level,
                }
            )


def _episode_on(episodes: list[tuple[dt.date, int, dt.date | None]], day: dt.date) -> int | None:
    """The child's latest episode starting on or before the day."""
    ids = [referral_id for start, referral_id, _closed in episodes if start <= day]
    return ids[-1] if ids else None
