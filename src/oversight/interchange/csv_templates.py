"""CSV templates for what Annex A and the CIN census do not carry: workers, their planned
absences, case allocations and supervision sessions (docs/importing-csv.md).

A council keeps these in spreadsheets, so each template is a plain CSV with one heading row. The
template is told from the headings (the explicit `template` argument wins); headings are matched
without regard to case, spacing or punctuation, so `Start date`, `start_date` and `START DATE`
are the same column. Files come from Excel on council laptops: UTF-8 with or without a byte-order
mark, or Windows-1252; comma- or semicolon-separated (continental Excel uses semicolons).

Like the Annex A reader this never touches the database: it returns an `Extract` whose rows are
keyed by the names the council uses (workers by name, children by LA child ID), and every cell it
cannot read becomes a problem naming the file, line, column and value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from oversight.interchange import cells
from oversight.interchange.annex_a import Column, RowReader
from oversight.interchange.extract import Extract, normalise_name
from oversight.interchange.safety import DEFAULT_LIMITS, FileRefused, Limits, check_size
from oversight.people.models import Worker
from oversight.supervision.models import SupervisionSession

# The first heading of each column is the template's own (the snake_case name in the
# downloadable file and in every problem); the rest are spellings seen in council spreadsheets.
WORKER_COLUMNS = (
    Column("name", ("name", "Worker name", "Full name"), True),
    Column("role", ("role", "Job role", "Post"), True),
    Column("team", ("team", "Team name")),
    Column("locality", ("locality", "Locality name", "Area")),
    Column("qualified", ("qualified", "Social work qualified")),
    Column("qualification_date", ("qualification_date", "Date qualified", "Qualified on")),
    Column("start_date", ("start_date", "Start date in post", "Started"), True),
    Column("end_date", ("end_date", "Leaving date", "Left on")),
    Column("fte", ("fte", "Full-time equivalent", "FTE (0-1)"), True),
    Column("agency", ("agency", "Agency worker")),
    Column("supervisor", ("supervisor", "Line supervisor", "Line manager")),
    Column("swe_number", ("swe_number", "Social Work England number", "SWE registration")),
)
ABSENCE_COLUMNS = (
    Column("worker", ("worker", "Worker name"), True),
    Column("start_date", ("start_date", "From"), True),
    Column("end_date", ("end_date", "To", "Until"), True),
    Column("reason", ("reason", "Absence reason")),
)
ALLOCATION_COLUMNS = (
    Column("child_id", ("child_id", "LA child ID", "Child unique ID"), True),
    Column("worker", ("worker", "Worker name", "Allocated worker"), True),
    Column("role", ("role", "Role on case")),
    Column("start_date", ("start_date", "Allocated on", "Date allocated"), True),
    Column("end_date", ("end_date", "Ended on", "Date ended")),
    Column("end_reason", ("end_reason", "Reason for change", "Reason ended")),
    Column("complexity_level", ("complexity_level", "Complexity", "Level"), True),
    Column("rationale", ("rationale", "Recorded rationale", "Reason for allocation")),
)
SUPERVISION_COLUMNS = (
    Column("supervisee", ("supervisee", "Worker supervised"), True),
    Column("supervisor", ("supervisor", "Supervised by"), True),
    Column("held_on", ("held_on", "Date held", "Session date"), True),
    Column("kind", ("kind", "Type", "Supervision type")),
    Column("minutes", ("minutes", "Length (minutes)", "Duration (minutes)"), True),
    Column("written_up_on", ("written_up_on", "Date written up", "Recorded on")),
)

# Field lengths of the models the rows are stored in: longer text is refused, never cut.
NAME_LENGTH = 120
CHILD_ID_LENGTH = 40
SWE_LENGTH = 20
END_REASON_LENGTH = 200
ABSENCE_REASON_LENGTH = 120
RATIONALE_LENGTH = 10_000
MAX_SESSION_MINUTES = 24 * 60  # a supervision session longer than a day is a typing slip

FORMULA = "looks like a spreadsheet formula; remove the leading character"
# A leading minus is a formula only when what follows is not a plain number ("-1+cmd|…" is).
PLAIN_NEGATIVE = re.compile(r"^-\d+(?:[.,]\d+)?%?$")
SNIFF_LINES = 20
# Plain decimals only: Decimal() alone would also take "NaN", "1e5" and "1_0".
FTE_TEXT = re.compile(r"^(?=\.?[0-9])[0-9]{0,3}(?:\.[0-9]{1,6})?\s*%?$")
EXCEL_SEPARATOR = re.compile(r"^sep=([,;])[ \t]*(?=\r?\n|$)", re.IGNORECASE)
SNIFF_CHARS = 64 * 1024
PROGRESS_EVERY = 5000


# Cell parsers for the values these templates hold (shared ones live in cells.py) ----------
def _keyed(pairs: dict[str, str]) -> dict[str, str]:
    return {cells.header_key(label): value for label, value in pairs.items()}


ROLES = _keyed(
    {code: code for code in Worker.Role.values}
    | {str(label): str(code) for code, label in Worker.Role.choices}
    # The ASYE is a year, not a post: the grade is worked out from the qualification date.
    | {"ASYE": "SW", "NQSW": "SW", "Newly qualified social worker": "SW"}
)
CASE_ROLES = _keyed(
    {"holder": "holder", "case holder": "holder", "allocated worker": "holder"}
    | {"co": "co", "co-worker": "co", "co worker": "co", "co-working": "co"}
)
SESSION_KINDS = _keyed(
    {str(code): str(code) for code in SupervisionSession.Kind.values}
    | {str(label): str(code) for code, label in SupervisionSession.Kind.choices}
    | {"one-to-one": "formal", "1:1": "formal", "group supervision": "group"}
)


def _choice(options: dict[str, str], expected: str) -> Callable[[object], str | None]:
    def parse(value: object) -> str | None:
        if cells.is_blank(value):
            return None
        found = options.get(cells.header_key(value))
        if found is None:
            raise cells.CellError(f"expected {expected}")
        return found

    return parse


role = _choice(ROLES, "one of TM, ATM, SP, SW, FSW, SM, LM, IO (or its name, e.g. Social worker)")
case_role = _choice(CASE_ROLES, "holder or co (case holder or co-worker)")
session_kind = _choice(SESSION_KINDS, "formal, group or informal")


def bounded_text(length: int) -> Callable[[object], str | None]:
    def parse(value: object) -> str | None:
        if cells.is_spreadsheet_error(value):
            raise cells.CellError("a spreadsheet error, not a value")
        cleaned = cells.text(value)
        if len(cleaned) > length:
            raise cells.CellError(f"longer than {length} characters")
        return cleaned or None

    return parse


name = bounded_text(NAME_LENGTH)


def date(value: object) -> dt.date | None:
    """cells.date, but a digit-like character float() cannot read (`²`) is a CellError too."""
    try:
        return cells.date(value)
    except cells.CellError:
        raise
    except ValueError:
        raise cells.CellError("not a date: use DD/MM/YYYY") from None


def fte(value: object) -> Decimal | None:
    """0.5, .5, 50% or 1; two decimal places are kept (the column's precision)."""
    if cells.is_blank(value):
        return None
    cleaned = cells.text(value).replace(",", ".")
    if not FTE_TEXT.match(cleaned):
        raise cells.CellError("expected a number between 0 and 1, such as 0.5 or 50%")
    number = Decimal(cleaned.rstrip("%").strip())
    if cleaned.endswith("%"):
        number /= 100
    if not 0 < number <= 1:
        raise cells.CellError("FTE must be more than 0 and at most 1 (e.g. 0.5 or 50%)")
    rounded = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if rounded == 0:
        raise cells.CellError("FTE must be at least 0.01")
    return rounded


def complexity_level(value: object) -> int | None:
    """1 to 4 (R-CL-2), written `3`, `3.0`, `Level 3` or `3 – child protection …`."""
    if cells.is_blank(value):
        return None
    match = re.match(r"^(?:level\s*)?([0-9]{1,3})(?:\.0+)?(?![0-9.])", cells.text(value).lower())
    level = int(match.group(1)) if match else None
    if level not in (1, 2, 3, 4):
        raise cells.CellError("expected a complexity level from 1 to 4")
    return level


def minutes(value: object) -> int | None:
    number = cells.whole_number(value)
    if number is not None and not 0 < number <= MAX_SESSION_MINUTES:
        raise cells.CellError(f"a session lasts from 1 to {MAX_SESSION_MINUTES} minutes")
    return number


def looks_like_formula(value: object) -> bool:
    """Spreadsheets run a cell starting `=`, `+`, `@` or `-` as a formula when the data is
    exported and opened again (CSV injection), so such cells are refused on the way in."""
    cleaned = cells.text(value)
    if not cleaned:
        return False
    if cleaned[0] in "=+@":
        return True
    return cleaned[0] == "-" and len(cleaned) > 1 and not PLAIN_NEGATIVE.match(cleaned)


# Reading one row -----------------------------------------------------------------------------
class CsvRowReader(RowReader):
    """Annex A's row reader, remembering which columns already failed so a refused cell is
    reported once (not again as "a value is needed here")."""

    def __init__(self, extract: Extract, where: str, number: int, headings: dict[str, str]):
        super().__init__(extract, where, number, headings)
        self.bad: set[str] = set()

    def error(self, field: str, raw: object, reason: str) -> None:
        self.bad.add(field)
        super().error(field, raw, reason)

    def required(self, values: dict[str, Any], field: str, parse: Callable[[Any], Any]) -> Any:
        if field in self.bad:
            return None
        value = self.read(values, field, parse)
        if value is None and field not in self.bad:
            self.error(field, values.get(field), "a value is needed here")
        return value

    def ends_after_start(
        self, values: dict[str, Any], start: dt.date | None, end: dt.date | None, field: str
    ) -> None:
        if start and end and end < start:
            self.error(field, values.get(field), f"before the start date ({start:%d/%m/%Y})")

    def add(self, table: str, **row: Any) -> None:
        if not self.failed:
            self.extract.add(table, self.sheet, self.number, **row)


def read_worker(r: CsvRowReader, v: dict[str, Any]) -> None:
    worker = r.required(v, "name", name)
    qualified = r.read(v, "qualified", cells.yes_no)
    qualified_on = r.read(v, "qualification_date", date)
    start = r.required(v, "start_date", date)
    end = r.read(v, "end_date", date)
    supervisor = r.read(v, "supervisor", name)
    if qualified and qualified_on is None:
        r.error("qualification_date", None, "a qualified worker needs their qualification date")
    if qualified is False and qualified_on:
        r.error(
            "qualification_date", v.get("qualification_date"), "given for an unqualified worker"
        )
    r.ends_after_start(v, start, end, "end_date")
    if worker and supervisor and normalise_name(worker) == normalise_name(supervisor):
        r.error("supervisor", supervisor, "a worker cannot be their own supervisor")
    r.add(
        "workers",
        name=worker,
        role=r.required(v, "role", role),
        team=r.read(v, "team", name),
        locality=r.read(v, "locality", name),
        # A qualification date on its own says the worker is qualified.
        qualified=True if qualified is None and qualified_on else qualified,
        qualification_date=qualified_on,
        start_date=start,
        end_date=end,
        fte=r.required(v, "fte", fte),
        agency=r.read(v, "agency", cells.yes_no),
        supervisor=supervisor,
        swe_number=r.read(v, "swe_number", bounded_text(SWE_LENGTH)),
    )


def read_absence(r: CsvRowReader, v: dict[str, Any]) -> None:
    start = r.required(v, "start_date", date)
    end = r.required(v, "end_date", date)
    r.ends_after_start(v, start, end, "end_date")
    r.add(
        "absences",
        worker=r.required(v, "worker", name),
        start_date=start,
        end_date=end,
        reason=r.read(v, "reason", bounded_text(ABSENCE_REASON_LENGTH)),
    )


def read_allocation(r: CsvRowReader, v: dict[str, Any]) -> None:
    start = r.required(v, "start_date", date)
    end = r.read(v, "end_date", date)
    reason = r.read(v, "end_reason", bounded_text(END_REASON_LENGTH))
    r.ends_after_start(v, start, end, "end_date")
    if end and not reason and "end_reason" not in r.bad:
        r.error("end_reason", None, "an ended allocation needs the reason for the change")
    if reason and not end and "end_date" not in r.bad:
        r.error("end_date", None, "an end reason is given without an end date")
    r.add(
        "allocations",
        la_child_id=r.required(v, "child_id", bounded_text(CHILD_ID_LENGTH)),
        worker=r.required(v, "worker", name),
        role=r.read(v, "role", case_role),  # blank: holder when new, as held otherwise
        start_date=start,
        end_date=end,
        end_reason=reason,
        complexity_level=r.required(v, "complexity_level", complexity_level),
        rationale=r.read(v, "rationale", bounded_text(RATIONALE_LENGTH)),
    )


def read_session(r: CsvRowReader, v: dict[str, Any]) -> None:
    supervisee = r.required(v, "supervisee", name)
    supervisor = r.required(v, "supervisor", name)
    held = r.required(v, "held_on", date)
    written = r.read(v, "written_up_on", date)
    if supervisee and supervisor and normalise_name(supervisee) == normalise_name(supervisor):
        r.error("supervisor", supervisor, "the supervisor and the supervisee are the same person")
    if held and written and written < held:
        r.error("written_up_on", v.get("written_up_on"), f"before the session ({held:%d/%m/%Y})")
    r.add(
        "supervision_sessions",
        supervisee=supervisee,
        supervisor=supervisor,
        held_on=held,
        kind=r.read(v, "kind", session_kind),  # blank: formal when new, as held otherwise
        minutes=r.required(v, "minutes", minutes),
        written_up_on=written,
    )


@dataclass(frozen=True)
class Template:
    name: str  # also the table its rows are stored in
    columns: tuple[Column, ...]
    read_row: Callable[[CsvRowReader, dict[str, Any]], None]

    @property
    def required(self) -> list[str]:
        return [c.headings[0] for c in self.columns if c.required]

    @property
    def headings(self) -> dict[str, str]:
        return {c.field: c.headings[0] for c in self.columns}

    def field_for(self, key: str) -> str | None:
        return next((c.field for c in self.columns if key in c.keys), None)


# In the order to import them: workers before anything that names a worker.
TEMPLATES = {
    t.name: t
    for t in (
        Template("workers", WORKER_COLUMNS, read_worker),
        Template("absences", ABSENCE_COLUMNS, read_absence),
        Template("allocations", ALLOCATION_COLUMNS, read_allocation),
        Template("supervision_sessions", SUPERVISION_COLUMNS, read_session),
    )
}
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates_csv"


# Reading the file ----------------------------------------------------------------------------
def read_csv(
    path: Path,
    *,
    progress: Callable[[int], None] | None = None,
    template: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Extract:
    """Read one CSV file in one of the TEMPLATES (told from its headings unless given)."""
    check_size(path, limits)
    text = decode(path.read_bytes())
    if match := EXCEL_SEPARATOR.match(text):
        # Excel's "sep=;" first line names the separator; cut so line numbers still hold.
        delimiter, text = match.group(1), text[match.end(1) :]
    else:
        delimiter = _delimiter(text)
    records = _records(text, delimiter)
    try:
        header_line, header = next(records, (0, []))
        if not header:
            raise FileRefused("the file has no heading row")
        chosen = _template(header, template)
        extract = Extract(source=f"csv:{chosen.name}")
        positions = _positions(extract, path.name, header_line, header, chosen)
        if positions is not None:
            _read_rows(extract, path.name, records, chosen, positions, progress)
        if positions is not None and extract.rows_read == 0:
            extract.problem(path.name, None, None, None, "the file has no rows", "warning")
    except csv.Error as error:  # a NUL byte, an over-long cell, a quote never closed …
        raise FileRefused(f"not a readable CSV file: {error}") from None
    return extract


def decode(data: bytes) -> str:
    if b"\x00" in data:
        raise FileRefused(
            "not a CSV text file (it contains NUL bytes): in Excel, save as “CSV UTF-8” "
            "rather than “Unicode Text” or a workbook"
        )
    try:
        return data.decode("utf-8-sig")  # the byte-order mark Excel writes is dropped
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # Excel's "CSV (Comma delimited)" on Windows
    except UnicodeDecodeError:
        raise FileRefused(
            "the file is neither UTF-8 nor Windows-1252 text: in Excel, save as “CSV UTF-8”"
        ) from None


def _delimiter(text: str) -> str:
    sample = "\n".join(text[:SNIFF_CHARS].splitlines()[:SNIFF_LINES])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:  # one column, or too little to tell: count on the first line
        first = sample.split("\n", 1)[0]
        return ";" if first.count(";") > first.count(",") else ","


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        if any(cell.strip() for cell in record):
            yield start, record


def _template(header: list[str], wanted: str | None) -> Template:
    keys = {cells.header_key(h) for h in header}
    if wanted is not None:
        if wanted not in TEMPLATES:
            raise FileRefused(f"no CSV template called {wanted}: use one of {', '.join(TEMPLATES)}")
        return TEMPLATES[wanted]
    scored = []
    for template in TEMPLATES.values():
        if all(c.keys & keys for c in template.columns if c.required):
            scored.append((sum(1 for c in template.columns if c.keys & keys), template))
    scored.sort(key=lambda item: -item[0])
    if scored and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    raise FileRefused(
        "the headings match no CSV template (or more than one). The templates and the headings "
        "each needs: " + "; ".join(f"{t.name}: {', '.join(t.required)}" for t in TEMPLATES.values())
    )


def _positions(
    extract: Extract, where: str, line: int, header: list[str], template: Template
) -> dict[str, int] | None:
    """Each field's column index; unknown headings are a warning, a missing one an error."""
    positions: dict[str, int] = {}
    for index, heading in enumerate(header):
        key = cells.header_key(heading)
        field = template.field_for(key) if key else None
        if field is None:
            if key:
                reason = f"not a column of the {template.name} template; ignored"
                extract.problem(where, line, heading, None, reason, "warning")
        elif field in positions:
            extract.problem(where, line, heading, None, "a second column for the same field")
        else:
            positions[field] = index
    missing = [c.headings[0] for c in template.columns if c.required and c.field not in positions]
    for heading in missing:
        extract.problem(where, line, heading, None, "required column is missing")
    if any(p.severity == "error" for p in extract.problems):
        return None
    return positions


def _read_rows(
    extract: Extract,
    where: str,
    records: Iterator[tuple[int, list[str]]],
    template: Template,
    positions: dict[str, int],
    progress: Callable[[int], None] | None,
) -> None:
    headings = template.headings
    for line, record in records:
        values = {f: record[i] if i < len(record) else None for f, i in positions.items()}
        reader = CsvRowReader(extract, where, line, headings)
        for field, raw in values.items():
            if looks_like_formula(raw):
                reader.error(field, raw, FORMULA)
                values[field] = None
        template.read_row(reader, values)
        extract.rows_read += 1
        if progress and extract.rows_read % PROGRESS_EVERY == 0:
            progress(extract.rows_read)
