"""National-scale frames for `bench_measures.py`, tiled from a few demo councils.

Each distinct demo council (`oversight.demo.generator.generate`, seeds 1..SOURCES) is turned into
the engine's frames the way `cases/engine_data.py` loads the database: one row per record, the
record's position in its list (from 1) as its id, foreign keys by object identity, blank text
columns as null where the loader makes them null, and the last complexity re-assessment of a day.

The frames are then *tiled*: copy k of a table is a source council's rows with every id shifted by
k × (the table's largest id), and its own LA code. A council holds two years of records (the
year measured and the year of look-back before it), so the tiling aims at the national counts
*within the measured year* (records dated in the period; workers: all in the table):

- the "structural" tables (children, referrals, workers, teams, allocations, complexity, plans,
  reviews, absences, case discussions) get C copies, C chosen so referrals in the year reach the
  national 650,000 × scale/152; copy k is source council k mod SOURCES;
- contacts, assessments, s47 enquiries and supervision sessions get as many copies as *their*
  national count needs. The demo council has fewer s47s and sessions per referral than England,
  so those tables need more than C copies: copy k ≥ C repeats base copy k mod C (same children,
  referrals and workers) with its own ids and every date moved by (k // C) × SHIFT_DAYS days
  (assessments and s47s later, so they still follow their referral; sessions earlier, so they
  are still on the record at as_at), so the extra records are not same-day duplicates. Copies
  beyond what a table needs (contacts) are simply not made: those children have no contacts.

The result is cached as Parquet in var/bench/measures/ keyed by scale and by everything that
changes the data (these settings, and a hash of the demo generator's and frames.py's source), so
a rerun only reads it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from oversight.engine.frames import SCHEMAS, CaseData  # noqa: E402
from oversight.engine.periods import add_months  # noqa: E402
from oversight.engine.registry import Period  # noqa: E402

# The demo's as-at date (as in bench_demo_load.py) and the year to it (as `oversight measures`).
AS_AT = dt.date(2026, 11, 27)
PERIOD = Period(add_months(AS_AT, -12) + dt.timedelta(days=1), AS_AT)
SEED = 2010
SOURCES = 6  # distinct demo councils the national data is tiled from
SHIFT_DAYS = 11  # extra copies of a table move their dates by this many days per round
# Which way: assessments and s47s later (still after their referral), sessions earlier (so they
# stay on the record at as_at).
SHIFT_SIGN = {"contacts": -1, "assessments": 1, "section47s": 1, "supervision_sessions": -1}
COUNCILS = 152
# England in one year (issue 3, part 6).
NATIONAL = {
    "referrals": 650_000,
    "contacts": 2_400_000,
    "assessments": 600_000,
    "section47s": 200_000,
    "workers": 30_000,
    "supervision_sessions": 1_000_000,
}
# Tables tiled to their own national count; every other table follows the referrals.
INDEPENDENT = ("contacts", "assessments", "section47s", "supervision_sessions")
# The date that places a record in the measured year (None: count every row).
YEAR_DATE: dict[str, str | None] = {
    "referrals": "date",
    "contacts": "date",
    "assessments": "start",
    "section47s": "strategy_date",
    "workers": None,
    "supervision_sessions": "held_on",
}
# Id columns: column -> the table whose ids it holds. The table's own key is listed first.
ID_COLUMNS: dict[str, dict[str, str]] = {
    "children": {"child_id": "children", "responsible_team_id": "teams"},
    "contacts": {"contact_id": "contacts", "child_id": "children"},
    "referrals": {"referral_id": "referrals", "child_id": "children"},
    "assessments": {
        "assessment_id": "assessments",
        "child_id": "children",
        "referral_id": "referrals",
        "worker_id": "workers",
    },
    "section47s": {
        "s47_id": "section47s",
        "child_id": "children",
        "referral_id": "referrals",
        "lead_worker_id": "workers",
    },
    "cp_plans": {"plan_id": "cp_plans", "child_id": "children"},
    "cp_reviews": {"plan_id": "cp_plans"},
    "workers": {"worker_id": "workers", "team_id": "teams", "supervisor_id": "workers"},
    "absences": {"worker_id": "workers"},
    "allocations": {"allocation_id": "allocations", "child_id": "children", "worker_id": "workers"},
    "complexity": {"child_id": "children"},
    "teams": {"team_id": "teams", "locality_id": "localities"},
    "supervision_sessions": {
        "session_id": "supervision_sessions",
        "supervisee_id": "workers",
        "supervisor_id": "workers",
    },
    "case_discussions": {"session_id": "supervision_sessions", "child_id": "children"},
}
# Bump when the way the data is made changes, so old caches are not read.
DATA_VERSION = 2
SOURCE_VERSION = 1
CACHE = ROOT / "var" / "bench" / "measures"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.config.settings")
    import django

    django.setup()


# --- one demo council as frames --------------------------------------------------------------


def _ids(records: Iterable[Any]) -> dict[int, int]:
    """Object identity -> position from 1: the ids the records would get, in list order."""
    return {id(record): n for n, record in enumerate(records, start=1)}


def _fk(record: Any, name: str, ids: dict[int, int]) -> int | None:
    """The id of the related instance (set on the unsaved record), or None."""
    related = record._state.fields_cache.get(name)
    return None if related is None else ids[id(related)]


def _blank(value: str) -> str | None:
    return value or None


def council_frames(council: Any) -> dict[str, pl.DataFrame]:
    """One `DemoCouncil` as the engine's tables (as `cases.engine_data.load_case_data`)."""
    child_ids = _ids(council.children)
    referral_ids = _ids(council.referrals)
    worker_ids = _ids(council.workers)
    team_ids = _ids(council.teams)
    locality_ids = _ids(council.localities)
    plan_ids = _ids(council.cp_plans)
    session_ids = _ids(council.supervision_sessions)
    la_code = council.local_authority.code
    # Two re-assessments on one day: the later entry is the one in force (as the loader).
    latest: dict[tuple[int, dt.date], tuple[int, dt.date, int]] = {}
    for c in sorted(
        council.complexity_assessments,
        key=lambda c: (child_ids[id(c.child)], c.assessed_on),
    ):
        child = child_ids[id(c.child)]
        latest[(child, c.assessed_on)] = (child, c.assessed_on, int(c.level))
    rows: dict[str, list[tuple[Any, ...]]] = {
        "children": [
            (n, la_code, c.la_child_id, _fk(c, "responsible_team", team_ids))
            for n, c in enumerate(council.children, start=1)
        ],
        "contacts": [
            (n, _fk(c, "child", child_ids), c.date, c.source, _blank(c.outcome))
            for n, c in enumerate(council.contacts, start=1)
        ],
        "referrals": [
            (
                n,
                _fk(r, "child", child_ids),
                r.date,
                r.source,
                r.nfa,
                _blank(r.primary_need),
                r.closure_date,
                _blank(r.closure_reason),
            )
            for n, r in enumerate(council.referrals, start=1)
        ],
        "assessments": [
            (
                n,
                _fk(a, "child", child_ids),
                _fk(a, "referral", referral_ids),
                _fk(a, "worker", worker_ids),
                str(a.kind),
                a.start_date,
                a.authorised_date,
                a.delay_reason,
            )
            for n, a in enumerate(council.assessments, start=1)
        ],
        "section47s": [
            (
                n,
                _fk(s, "child", child_ids),
                _fk(s, "referral", referral_ids),
                _fk(s, "lead_worker", worker_ids),
                s.strategy_date,
                s.icpc_not_required,
                s.icpc_date,
                s.end_date,
            )
            for n, s in enumerate(council.section47s, start=1)
        ],
        "cp_plans": [
            (n, _fk(p, "child", child_ids), p.start_date, p.end_date, p.category)
            for n, p in enumerate(council.cp_plans, start=1)
        ],
        "cp_reviews": [(_fk(r, "plan", plan_ids), r.date) for r in council.cp_reviews],
        "workers": [
            (
                n,
                w.name,
                str(w.role),
                _fk(w, "team", team_ids),
                w.qualified,
                w.qualification_date,
                w.start_date,
                w.end_date,
                float(w.fte),
                _fk(w, "supervisor", worker_ids),
            )
            for n, w in enumerate(council.workers, start=1)
        ],
        "absences": [
            (_fk(a, "worker", worker_ids), a.start_date, a.end_date) for a in council.absences
        ],
        "allocations": [
            (
                n,
                _fk(a, "child", child_ids),
                _fk(a, "worker", worker_ids),
                str(a.role),
                a.start_date,
                a.end_date,
                int(a.complexity_level),
            )
            for n, a in enumerate(council.allocations, start=1)
        ],
        "complexity": list(latest.values()),
        "teams": [
            (n, t.name, _fk(t, "locality", locality_ids))
            for n, t in enumerate(council.teams, start=1)
        ],
        "supervision_sessions": [
            (
                n,
                _fk(s, "supervisee", worker_ids),
                _fk(s, "supervisor", worker_ids),
                s.held_on,
                str(s.kind),
                int(s.minutes),
                s.written_up_on,
            )
            for n, s in enumerate(council.supervision_sessions, start=1)
        ],
        "case_discussions": [
            (_fk(d, "session", session_ids), _fk(d, "child", child_ids))
            for d in council.case_discussions
        ],
    }
    frames = {
        name: pl.DataFrame(rows[name], schema=dict(SCHEMAS[name]), orient="row") for name in SCHEMAS
    }
    CaseData.of(**frames)  # the same validation the loaders' frames pass
    return frames


def source_councils(log: Callable[[str], None]) -> list[dict[str, pl.DataFrame]]:
    """The SOURCES distinct demo councils as frames (cached as Parquet)."""
    folder = CACHE / f"sources-v{SOURCE_VERSION}-{_code_hash()}-{AS_AT}-seed{SEED}-n{SOURCES}"
    if (folder / "done").exists():
        return [
            {name: pl.read_parquet(folder / f"{k}" / f"{name}.parquet") for name in SCHEMAS}
            for k in range(1, SOURCES + 1)
        ]
    _django()
    from oversight.demo.generator import generate

    councils = []
    for k in range(1, SOURCES + 1):
        began = time.perf_counter()
        frames = council_frames(generate(as_at=AS_AT, seed=SEED, council_number=k))
        log(f"  generated demo council {k} of {SOURCES} in {time.perf_counter() - began:.1f} s")
        (folder / f"{k}").mkdir(parents=True, exist_ok=True)
        for name, frame in frames.items():
            frame.write_parquet(folder / f"{k}" / f"{name}.parquet")
        councils.append(frames)
    (folder / "done").touch()
    return councils


# --- tiling ----------------------------------------------------------------------------------


def in_year(table: str, frame: pl.DataFrame) -> int:
    """Rows of `table` that count towards its national one-year figure."""
    column = YEAR_DATE[table]
    if column is None:
        return frame.height
    return frame.filter(pl.col(column).is_between(PERIOD.start, PERIOD.end)).height


@dataclass(frozen=True)
class Plan:
    """How many copies each table gets at a scale."""

    base: int  # C: copies of the structural tables
    copies: dict[str, int]


def plan(scale: int, sources: list[dict[str, pl.DataFrame]]) -> Plan:
    def needed(table: str) -> int:
        per_council = sum(in_year(table, s[table]) for s in sources) / len(sources)
        return max(1, round(NATIONAL[table] * scale / COUNCILS / per_council))

    base = needed("referrals")
    copies = dict.fromkeys(SCHEMAS, base)
    for table in INDEPENDENT:
        copies[table] = needed(table)
    return Plan(base, copies)


def tile(scale: int, sources: list[dict[str, pl.DataFrame]]) -> dict[str, pl.DataFrame]:
    the_plan = plan(scale, sources)
    base = the_plan.base
    strides = {name: _stride(name, sources) for name in SCHEMAS}
    strides["localities"] = 1
    tables = {}
    for name in SCHEMAS:
        parts = []
        for s, source in enumerate(sources):
            copies = [k for k in range(the_plan.copies[name]) if (k % base) % len(sources) == s]
            if not copies or source[name].height == 0:
                continue
            parts.append(_copies(name, source[name], copies, base, strides))
        tables[name] = (
            pl.concat(parts).sort(next(iter(SCHEMAS[name])), maintain_order=True)
            if parts
            else pl.DataFrame(schema=dict(SCHEMAS[name]))
        )
    return tables


def _stride(name: str, sources: list[dict[str, pl.DataFrame]]) -> int:
    """Largest id of a table over the sources (the distance between copies' ids)."""
    if name == "localities":
        return 1
    key = next(iter(ID_COLUMNS[name]))
    own = ID_COLUMNS[name][key] == name
    if not own:
        return 0
    return max(int(s[name][key].max() or 0) for s in sources)


def _copies(
    name: str,
    frame: pl.DataFrame,
    copies: list[int],
    base: int,
    strides: dict[str, int],
) -> pl.DataFrame:
    ks = pl.DataFrame({"_k": copies}, schema={"_k": pl.Int64()}).with_columns(
        _b=pl.col("_k") % base, _round=pl.col("_k") // base
    )
    tiled = frame.join(ks, how="cross")
    changes = []
    for column, table in ID_COLUMNS[name].items():
        # A table's own key takes the copy's index; references point into the base copy.
        index = pl.col("_k") if table == name else pl.col("_b")
        changes.append(pl.col(column) + index * strides[table])
    if name == "children":
        changes.append(pl.format("Z{}", pl.col("_b")).alias("la_code"))
    dates = [c for c, t in SCHEMAS[name].items() if t == pl.Date()]
    shift = SHIFT_SIGN.get(name, 0) * SHIFT_DAYS
    changes += [pl.col(c) + pl.duration(days=pl.col("_round") * shift) for c in dates]
    return tiled.with_columns(changes).select(list(SCHEMAS[name]))


# --- cache -----------------------------------------------------------------------------------


def _code_hash() -> str:
    """A short hash of the code that shapes the data (the demo generator and the frame
    schemas), so a change there makes new caches instead of reading stale ones."""
    digest = hashlib.sha256()
    sources = sorted((ROOT / "src" / "oversight" / "demo").glob("*.py"))
    for path in [*sources, ROOT / "src" / "oversight" / "engine" / "frames.py"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def scale_folder(scale: int) -> Path:
    return CACHE / (
        f"v{DATA_VERSION}-{_code_hash()}-{AS_AT}-seed{SEED}-n{SOURCES}-shift{SHIFT_DAYS}"
        f"-scale{scale}"
    )


def ensure_scale(
    scale: int, log: Callable[[str], None], sources: list[dict[str, pl.DataFrame]] | None = None
) -> Path:
    """The folder of Parquet frames for `scale` councils' worth of England (made if missing)."""
    folder = scale_folder(scale)
    if (folder / "done").exists():
        return folder
    if sources is None:
        sources = source_councils(log)
    began = time.perf_counter()
    tables = tile(scale, sources)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, frame in tables.items():
        frame.write_parquet(folder / f"{name}.parquet")
    (folder / "done").touch()
    log(f"  tiled scale {scale} in {time.perf_counter() - began:.1f} s -> {folder}")
    return folder


def row_counts(data: CaseData) -> dict[str, tuple[int, int]]:
    """(rows in the table, rows in the measured year) for the nationally sized tables."""
    return {
        table: (getattr(data, table).height, in_year(table, getattr(data, table)))
        for table in NATIONAL
    }
