"""Helpers and fixtures shared by the CSV import tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from oversight.interchange.csv_templates import (
    read_csv,
)
from oversight.interchange.report import ImportReport
from oversight.interchange.store import store
from oversight.people.models import LocalAuthority

D = dt.date
NO_SUCH_WORKER = "no such worker: import the workers CSV first (or check the spelling)"
FTE_RANGE = "FTE must be more than 0 and at most 1 (e.g. 0.5 or 50%)"
ROOT = Path(__file__).resolve().parents[2]


def csv_file(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path: Path, la: LocalAuthority, *, dry_run: bool = False) -> ImportReport:
    return store(read_csv(path), la, dry_run=dry_run)


def errors(report: ImportReport) -> list[tuple[int | None, str | None, str | None, str]]:
    return [(p.row, p.column, p.value, p.reason) for p in report.errors]
