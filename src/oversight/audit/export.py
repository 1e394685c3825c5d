"""The audit trail as CSV, guarded against spreadsheet formulas.

A value a user typed (a reason, a username tried at sign-in) could start with "=" and run as a
formula when the file is opened in Excel; each such cell is prefixed with an apostrophe, which
Excel shows as text (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator

from oversight.audit.models import AuditEvent
from oversight.audit.search import shown_detail

HEADER = [
    "sequence",
    "when_utc",
    "username",
    "kind",
    "what",
    "object_type",
    "object_id",
    "from_address",
    "detail",
    "hash",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Line:
    """csv.writer writes into this and we hand each line on (a streamed download)."""

    def write(self, text: str) -> str:
        return text


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(HEADER)
    for event in events:
        yield writer.writerow(
            [
                event.sequence or "",
                event.at.astimezone(dt.UTC).isoformat(),
                guard(event.username),
                event.kind,
                guard(event.what),
                guard(event.object_type),
                guard(event.object_id),
                event.ip_address or "",
                guard(shown_detail(event)),
                event.hash,
            ]
        )
