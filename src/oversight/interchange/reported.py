"""The allocation an Annex A extract reports, worked out from plain facts (no database), so the
import (store_reported.py) and the measures-from-files path (frames.py) follow one rule.

Annex A names each child's allocated worker now, not since when. A child whose episode of need
is open is held by the worker named on their latest row, from the earliest date in the extract
naming that worker (never before the episode began). The level (R-CL-2) at that start is 3 when
an s47 enquiry or CP plan is open then, 2 when an assessment is, otherwise 1.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from oversight.interchange.extract import Row, normalise_name

Span = tuple[dt.date, dt.date | None]
CHILD_PROTECTION, CIN_COMPLEX, CIN_LOW = 3, 2, 1


@dataclass(frozen=True)
class Named:
    worker: str
    dates: tuple[dt.date, ...]
    row: Row


@dataclass(frozen=True)
class Reported:
    la_child_id: str
    worker: str
    start: dt.date
    level: int
    row: Row


def named_workers(rows: Sequence[Row]) -> dict[str, Named]:
    """Per child: the worker named on their latest row, and every date naming that worker."""
    latest: dict[str, Row] = {}
    for row in rows:
        day = row.values.get("seen_on")
        if row.values.get("worker") and day:
            held = latest.get(row.values["la_child_id"])
            if held is None or day >= held.values["seen_on"]:
                latest[row.values["la_child_id"]] = row
    dates: dict[str, list[dt.date]] = defaultdict(list)
    for row in rows:
        child = row.values["la_child_id"]
        name = row.values.get("worker")
        said = latest.get(child)
        if said and name and normalise_name(name) == normalise_name(said.values["worker"]):
            dates[child].append(row.values["seen_on"])
    return {
        child: Named(row.values["worker"], tuple(sorted(dates[child])), row)
        for child, row in latest.items()
    }


def reported_allocation(
    child: str,
    named: Named,
    episode_start: dt.date,
    protection: Sequence[Span],
    assessing: Sequence[Span],
) -> Reported:
    start = max(named.dates[0], episode_start)
    if _open_on(protection, start):
        level = CHILD_PROTECTION
    elif _open_on(assessing, start):
        level = CIN_COMPLEX
    else:
        level = CIN_LOW
    return Reported(child, named.worker, start, level, named.row)


def _open_on(spans: Sequence[Span], day: dt.date) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in spans)
