"""The engine's input: one polars DataFrame per kind of record, with a documented schema.

The database loaders (`cases/frames.py` and friends), the Parquet/CSV folder reader below and the
benchmark's generator all produce exactly these columns and types, so every measure runs the same
over a team, a council or all of England. Keys are integers; dates are `pl.Date`; a missing date
or worker is null. `CaseData.validate` rejects data the measures cannot use, naming the table,
the row key and the problem (see `FrameError`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

import polars as pl

Schema = Mapping[str, pl.DataType]

SCHEMAS: dict[str, Schema] = {
    # One row per child (the case). responsible_team_id: the team that must allocate it.
    "children": {
        "child_id": pl.Int64(),
        "la_code": pl.String(),
        "la_child_id": pl.String(),
        "responsible_team_id": pl.Int64(),
    },
    # Annex A List 1; outcome one of NFA, ADVICE, EARLY_HELP, REFERRAL (or null).
    "contacts": {
        "contact_id": pl.Int64(),
        "child_id": pl.Int64(),
        "date": pl.Date(),
        "source": pl.String(),
        "outcome": pl.String(),
    },
    # Annex A List 3 / CIN census CINdetails. date = referral date = episode start.
    "referrals": {
        "referral_id": pl.Int64(),
        "child_id": pl.Int64(),
        "date": pl.Date(),
        "source": pl.String(),
        "nfa": pl.Boolean(),
        "primary_need": pl.String(),
        "closure_date": pl.Date(),
        "closure_reason": pl.String(),
    },
    # Annex A List 4. kind: initial, core or single.
    "assessments": {
        "assessment_id": pl.Int64(),
        "child_id": pl.Int64(),
        "referral_id": pl.Int64(),
        "worker_id": pl.Int64(),
        "kind": pl.String(),
        "start": pl.Date(),
        "authorised": pl.Date(),
        "delay_reason": pl.String(),
    },
    # Annex A List 5.
    "section47s": {
        "s47_id": pl.Int64(),
        "child_id": pl.Int64(),
        "referral_id": pl.Int64(),
        "lead_worker_id": pl.Int64(),
        "strategy_date": pl.Date(),
        "icpc_not_required": pl.Boolean(),
        "icpc_date": pl.Date(),
        "end_date": pl.Date(),
    },
    # Annex A List 7.
    "cp_plans": {
        "plan_id": pl.Int64(),
        "child_id": pl.Int64(),
        "start": pl.Date(),
        "end": pl.Date(),
        "category": pl.String(),
    },
    "cp_reviews": {"plan_id": pl.Int64(), "date": pl.Date()},
    # role: the job role code (TM, ATM, SP, SW, FSW, SM, LM, IO); fte in (0, 1].
    "workers": {
        "worker_id": pl.Int64(),
        "name": pl.String(),
        "role": pl.String(),
        "team_id": pl.Int64(),
        "qualified": pl.Boolean(),
        "qualification_date": pl.Date(),
        "start_date": pl.Date(),
        "end_date": pl.Date(),
        "fte": pl.Float64(),
        "supervisor_id": pl.Int64(),
    },
    "absences": {"worker_id": pl.Int64(), "start": pl.Date(), "end": pl.Date()},
    # role: holder or co. Open from start up to the day before end.
    "allocations": {
        "allocation_id": pl.Int64(),
        "child_id": pl.Int64(),
        "worker_id": pl.Int64(),
        "role": pl.String(),
        "start": pl.Date(),
        "end": pl.Date(),
        "complexity_level": pl.Int64(),
    },
    # Re-assessments of a case's complexity level (R-CL-2), the history kept.
    "complexity": {"child_id": pl.Int64(), "assessed_on": pl.Date(), "level": pl.Int64()},
    "teams": {"team_id": pl.Int64(), "name": pl.String(), "locality_id": pl.Int64()},
    # kind: formal, group or informal.
    "supervision_sessions": {
        "session_id": pl.Int64(),
        "supervisee_id": pl.Int64(),
        "supervisor_id": pl.Int64(),
        "held_on": pl.Date(),
        "kind": pl.String(),
        "minutes": pl.Int64(),
        "written_up_on": pl.Date(),
    },
    "case_discussions": {"session_id": pl.Int64(), "child_id": pl.Int64()},
}

# Columns that identify a row (for duplicate checks and error messages).
KEYS: dict[str, tuple[str, ...]] = {
    "children": ("child_id",),
    "contacts": ("contact_id",),
    "referrals": ("referral_id",),
    "assessments": ("assessment_id",),
    "section47s": ("s47_id",),
    "cp_plans": ("plan_id",),
    "cp_reviews": ("plan_id", "date"),
    "workers": ("worker_id",),
    "absences": ("worker_id", "start"),
    "allocations": ("allocation_id",),
    "complexity": ("child_id", "assessed_on"),
    "teams": ("team_id",),
    "supervision_sessions": ("session_id",),
    "case_discussions": ("session_id", "child_id"),
}

# Columns that must never be null.
REQUIRED: dict[str, tuple[str, ...]] = {
    "children": ("child_id",),
    "contacts": ("contact_id", "child_id", "date"),
    "referrals": ("referral_id", "child_id", "date"),
    "assessments": ("assessment_id", "child_id", "kind", "start"),
    "section47s": ("s47_id", "child_id", "strategy_date"),
    "cp_plans": ("plan_id", "child_id", "start"),
    "cp_reviews": ("plan_id", "date"),
    "workers": ("worker_id", "role", "start_date", "fte"),
    "absences": ("worker_id", "start", "end"),
    "allocations": ("allocation_id", "child_id", "worker_id", "role", "start", "complexity_level"),
    "complexity": ("child_id", "assessed_on", "level"),
    "teams": ("team_id",),
    "supervision_sessions": ("session_id", "supervisee_id", "held_on", "kind", "minutes"),
    "case_discussions": ("session_id", "child_id"),
}

# Values a column may take (beyond null, where the column is not required).
ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    ("contacts", "outcome"): frozenset({"NFA", "ADVICE", "EARLY_HELP", "REFERRAL"}),
    ("assessments", "kind"): frozenset({"initial", "core", "single"}),
    ("allocations", "role"): frozenset({"holder", "co"}),
    ("supervision_sessions", "kind"): frozenset({"formal", "group", "informal"}),
}


class FrameError(ValueError):
    """Data the engine cannot use: which table, which row, what is wrong."""

    def __init__(self, table: str, problem: str, key: object = None) -> None:
        where = f"{table}" if key is None else f"{table} row {key}"
        super().__init__(f"{where}: {problem}")
        self.table = table
        self.key = key
        self.problem = problem


def empty(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=dict(SCHEMAS[table]))


@dataclass(frozen=True)
class CaseData:
    """Every frame the measures read. Build with `CaseData.of(...)`, which fills absent tables
    with empty frames, casts to the schema and validates."""

    children: pl.DataFrame
    contacts: pl.DataFrame
    referrals: pl.DataFrame
    assessments: pl.DataFrame
    section47s: pl.DataFrame
    cp_plans: pl.DataFrame
    cp_reviews: pl.DataFrame
    workers: pl.DataFrame
    absences: pl.DataFrame
    allocations: pl.DataFrame
    complexity: pl.DataFrame
    teams: pl.DataFrame
    supervision_sessions: pl.DataFrame
    case_discussions: pl.DataFrame

    @classmethod
    def of(cls, **tables: pl.DataFrame) -> CaseData:
        unknown = sorted(set(tables) - set(SCHEMAS))
        if unknown:
            raise FrameError(unknown[0], "is not a table the engine knows")
        frames = {name: _conform(name, tables.get(name)) for name in SCHEMAS}
        data = cls(**frames)
        data.validate()
        return data

    def validate(self) -> None:
        """Reject missing values, duplicate keys and values outside a column's code list."""
        for name in SCHEMAS:
            frame: pl.DataFrame = getattr(self, name)
            _check_required(name, frame)
            _check_unique(name, frame)
            _check_allowed(name, frame)

    def tables(self) -> dict[str, pl.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def restrict(self, *, child_ids: pl.Series, worker_ids: pl.Series) -> CaseData:
        """The same data limited to some children and workers (a team's or a user's scope)."""
        children = {
            "children",
            "contacts",
            "referrals",
            "assessments",
            "section47s",
            "cp_plans",
            "complexity",
            "case_discussions",
            "allocations",
        }
        changes = {
            name: getattr(self, name).filter(pl.col("child_id").is_in(child_ids))
            for name in children
        }
        changes["cp_reviews"] = self.cp_reviews.filter(
            pl.col("plan_id").is_in(changes["cp_plans"]["plan_id"])
        )
        changes["workers"] = self.workers.filter(pl.col("worker_id").is_in(worker_ids))
        changes["absences"] = self.absences.filter(pl.col("worker_id").is_in(worker_ids))
        changes["allocations"] = changes["allocations"].filter(
            pl.col("worker_id").is_in(worker_ids)
        )
        changes["supervision_sessions"] = self.supervision_sessions.filter(
            pl.col("supervisee_id").is_in(worker_ids)
        )
        return replace(self, **changes)


def _conform(name: str, frame: pl.DataFrame | None) -> pl.DataFrame:
    schema = SCHEMAS[name]
    if frame is None:
        return empty(name)
    missing = [column for column in schema if column not in frame.columns]
    if missing:
        raise FrameError(name, f"missing column {missing[0]}")
    try:
        return frame.select(
            [pl.col(column).cast(dtype, strict=True) for column, dtype in schema.items()]
        )
    except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as error:
        column = _bad_column(frame, schema)
        raise FrameError(name, f"column {column} is not {schema[column]}") from error


def _bad_column(frame: pl.DataFrame, schema: Schema) -> str:
    for column, dtype in schema.items():
        try:
            frame.select(pl.col(column).cast(dtype, strict=True))
        except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError):
            return column
    return next(iter(schema))  # pragma: no cover - the cast failed as a whole


def _key_of(name: str, frame: pl.DataFrame, row: int) -> object:
    values = tuple(frame[column][row] for column in KEYS[name])
    return values[0] if len(values) == 1 else values


def _check_required(name: str, frame: pl.DataFrame) -> None:
    for column in REQUIRED[name]:
        nulls = frame[column].is_null()
        if nulls.any():
            row = int(nulls.arg_max() or 0)
            raise FrameError(name, f"{column} is missing", _key_of(name, frame, row))


def _check_unique(name: str, frame: pl.DataFrame) -> None:
    duplicated = frame.select(KEYS[name]).is_duplicated()
    if duplicated.any():
        row = int(duplicated.arg_max() or 0)
        raise FrameError(name, "the same key appears twice", _key_of(name, frame, row))


def _check_allowed(name: str, frame: pl.DataFrame) -> None:
    for (table, column), allowed in ALLOWED.items():
        if table != name:
            continue
        bad = frame[column].is_not_null() & ~frame[column].is_in(sorted(allowed))
        if bad.any():
            row = int(bad.arg_max() or 0)
            value = frame[column][row]
            raise FrameError(
                name,
                f"{column} {value!r} is not one of {sorted(allowed)}",
                _key_of(name, frame, row),
            )


def read_folder(folder: Path) -> CaseData:
    """Read `<table>.parquet` or `<table>.csv` for each table present in `folder` (absent tables
    are empty). CSV dates are ISO `YYYY-MM-DD`."""
    tables: dict[str, pl.DataFrame] = {}
    for name in SCHEMAS:
        parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
        if parquet.exists():
            tables[name] = pl.read_parquet(parquet)
        elif csv.exists():
            tables[name] = _from_csv_text(name, pl.read_csv(csv, infer_schema=False))
    return CaseData.of(**tables)


TRUTH = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def _from_csv_text(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """CSV cells arrive as text: dates must be ISO YYYY-MM-DD and yes/no columns true/false,
    1/0 or yes/no — anything else is an error naming the column, never a silent null."""
    try:
        return _typed(name, frame)
    except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as error:
        for column in frame.columns:
            try:
                _typed(name, frame.select(column))
            except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError):
                dtype = SCHEMAS[name][column]
                raise FrameError(
                    name, f"column {column} has a value that is not {dtype}"
                ) from error
        raise  # pragma: no cover - every column converted on its own


def _typed(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    columns = []
    for column, dtype in SCHEMAS[name].items():
        if column not in frame.columns:
            continue
        text = pl.col(column)
        if dtype == pl.Date():
            columns.append(text.str.to_date("%Y-%m-%d", strict=True))
        elif dtype == pl.Boolean():
            columns.append(text.str.to_lowercase().replace_strict(TRUTH, return_dtype=pl.Boolean))
    return frame.with_columns(columns)


def write_folder(data: CaseData, folder: Path) -> None:
    """Write every table as Parquet (the reader's preferred form)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in data.tables().items():
        frame.write_parquet(folder / f"{name}.parquet")
