"""Frame-building helpers shared by `test_supervision.py` (hand-worked cases) and
`test_supervision_reference.py` (the property test against the row-by-row reference)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import SCHEMAS

D = dt.date
CALENDAR = WorkingDayCalendar.england()

WORKER: dict[str, Any] = {
    "name": "W",
    "role": "SW",
    "team_id": 1,
    "qualified": True,
    "qualification_date": D(2010, 1, 1),
    "start_date": D(2015, 1, 1),
    "end_date": None,
    "fte": 1.0,
    "supervisor_id": None,
}
SESSION: dict[str, Any] = {
    "supervisor_id": 99,
    "kind": "formal",
    "minutes": 90,
    "written_up_on": None,
}


def workers(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(
        [{**WORKER, **row} for row in rows], schema=dict(SCHEMAS["workers"]), orient="row"
    )


def sessions(*rows: dict[str, Any]) -> pl.DataFrame:
    full = [{"session_id": i, **SESSION, **row} for i, row in enumerate(rows, start=1)]
    return pl.DataFrame(full, schema=dict(SCHEMAS["supervision_sessions"]), orient="row")
