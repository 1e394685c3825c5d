"""Ofsted's Annex A workbook (August 2019 template), Lists 1, 3, 4, 5, 6 and 7, read tolerantly.

Each list is a sheet ("List 1", "List_1", "list 1 - contacts" …) with a heading row; headings are
matched without regard to case, spacing, punctuation or curly apostrophes, and each column
accepts the variants real extracts use. Other sheets and columns are ignored. Nothing here
touches the database: the result is an `Extract` for the store, or for the engine directly.

What counts as an error (nothing is imported) and what as a warning (imported and listed) is set
out in docs/importing.md: a missing or unreadable key or date is an error; a code that is not in
the DfE code set, or a `#N/A` where a team or worker should be, is a warning and left blank.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oversight.engine.codes import CodeSetName
from oversight.engine.periods import add_months
from oversight.interchange import cells
from oversight.interchange.extract import Extract, Progress
from oversight.interchange.safety import DEFAULT_LIMITS, Limits, open_workbook


@dataclass(frozen=True)
class Column:
    field: str
    headings: tuple[str, ...]  # Ofsted's heading first, then variants seen in real files
    required: bool = False

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(cells.header_key(h) for h in self.headings)


CHILD_COLUMNS = (
    Column("la_child_id", ("Child Unique ID", "Child ID", "LA Child ID", "Unique ID"), True),
    Column("sex", ("Gender", "Sex")),
    Column("ethnicity", ("Ethnicity",)),
    Column("date_of_birth", ("Date of Birth", "DOB")),
    Column("disability", ("Does the Child have a Disability", "Disability")),
    Column("team", ("Allocated Team", "Team")),
    Column("worker", ("Allocated Worker", "Worker")),
)

LIST_COLUMNS: dict[int, tuple[Column, ...]] = {
    1: (
        Column("date", ("Date of Contact", "Contact Date"), True),
        Column("source", ("Contact Source", "Source of Contact")),
    ),
    3: (
        Column("date", ("Date of Referral", "Referral Date"), True),
        Column("source", ("Referral Source", "Source of Referral")),
        Column("nfa", ("Referral NFA", "Referral NFA?", "NFA")),
        Column("previous_12m", ("Number of Referrals in Last 12 Months",)),
    ),
    4: (
        Column(
            "start_date",
            ("Continuous Assessment Start Date", "Assessment Start Date", "Start Date"),
            True,
        ),
        Column(
            "authorised_date",
            (
                "Continuous Assessment Date of Authorisation",
                "Assessment Authorisation Date",
                "Date of Authorisation",
                "Assessment Completion Date",
            ),
        ),
        Column(
            "outcome",
            (
                "Was the child assessed as requiring LA children's social care support?",
                "Assessment Outcome",
            ),
        ),
    ),
    5: (
        Column(
            "strategy_date",
            (
                "Strategy discussion initiating Section 47 Enquiry Start Date",
                "Section 47 Enquiry Start Date",
                "Strategy Discussion Date",
            ),
            True,
        ),
        Column(
            "icpc_not_required",
            (
                "Was an Initial Child Protection Conference deemed unnecessary?",
                "ICPC Not Required",
            ),
        ),
        Column(
            "icpc_date",
            ("Date of Initial Child Protection Conference", "ICPC Date", "Date of ICPC"),
        ),
        Column(
            "icpc_plan",
            (
                "Did the Initial Child Protection Conference Result in a Child Protection Plan",
                "ICPC Resulted in Plan",
            ),
        ),
    ),
    6: (
        Column("date", ("CIN Start Date", "Date of Referral", "Referral Date"), True),
        Column("primary_need", ("Primary Need Code", "Primary Need", "Category of Need")),
        Column("closure_date", ("CIN Closure Date", "Closure Date")),
        Column("closure_reason", ("Reason for Closure", "Closure Reason")),
    ),
    7: (
        Column("start_date", ("Child Protection Plan Start Date", "CP Plan Start Date"), True),
        Column("initial_category", ("Initial Category of Abuse", "Category of Abuse")),
        Column("latest_category", ("Latest Category of Abuse",)),
        Column("review_date", ("Date of latest review conference", "Latest Review Date")),
        Column("end_date", ("Child Protection Plan End Date", "CP Plan End Date")),
    ),
}

SHEET_NAME = re.compile(r"^\s*list\s*[_\-.]?\s*(\d{1,2})\b", re.IGNORECASE)
HEADING_SEARCH_ROWS = 10


def read_annex_a(
    path: Path,
    *,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Extract:
    """Read the lists Oversight uses from an Annex A workbook (checked for safety first)."""
    extract = Extract(source="annex-a")
    workbook = open_workbook(path, limits)
    sheets = {
        name: (number, workbook.get_sheet_by_name(name))
        for name in workbook.sheet_names
        if (number := list_number(name)) in LIST_COLUMNS
    }
    total = sum(sheet.height for _number, sheet in sheets.values())  # for a progress bar
    for name, (number, sheet) in sheets.items():
        _read_list(extract, number, name, sheet.iter_rows(), _with_total(progress, total))
    if progress:
        progress(extract.rows_read, extract.rows_read)  # done: the bar ends full
    if not sheets:
        extract.problem(
            path.name, None, None, None, "no Annex A lists found (sheets named List 1 … List 7)"
        )
    _check_previous_referral_counts(extract)
    return extract


def _with_total(progress: Progress | None, total: int) -> Progress | None:
    if progress is None:
        return None
    return lambda done, _total=None: progress(done, total)


def list_number(sheet_name: str) -> int | None:
    match = SHEET_NAME.match(sheet_name)
    return int(match.group(1)) if match else None


def _read_list(
    extract: Extract,
    number: int,
    sheet: str,
    rows: Iterable[Sequence[Any]],
    progress: Progress | None,
) -> None:
    iterator = iter(rows)
    columns = CHILD_COLUMNS + LIST_COLUMNS[number]
    heading_row, positions = _find_headings(iterator, columns)
    if positions is None:
        extract.problem(sheet, None, None, None, "no heading row with “Child Unique ID” found")
        return
    missing = [c.headings[0] for c in columns if c.required and c.field not in positions]
    for heading in missing:
        extract.problem(sheet, heading_row, heading, None, "required column is missing")
    if missing:
        return
    handler = HANDLERS[number]
    for offset, raw in enumerate(iterator, start=1):
        if all(cells.is_blank(value) for value in raw):
            continue
        row_number = heading_row + offset
        values = {f: raw[i] if i < len(raw) else None for f, i in positions.items()}
        reader = RowReader(extract, sheet, row_number, _heading_names(columns))
        handler(reader, values)
        extract.rows_read += 1
        if progress and extract.rows_read % 5000 == 0:
            progress(extract.rows_read)


def _find_headings(
    rows: Iterator[Sequence[Any]], columns: tuple[Column, ...]
) -> tuple[int, dict[str, int] | None]:
    """The heading row is the first (of the top ten) naming the child ID column."""
    child_keys = columns[0].keys
    for number, raw in enumerate(rows, start=1):
        keys = [cells.header_key(value) for value in raw]
        if any(key in child_keys for key in keys):
            positions = {}
            for column in columns:
                for index, key in enumerate(keys):
                    if key in column.keys:
                        positions[column.field] = index
                        break
            return number, positions
        if number >= HEADING_SEARCH_ROWS:
            break
    return 0, None


def _heading_names(columns: tuple[Column, ...]) -> dict[str, str]:
    return {c.field: c.headings[0] for c in columns}


class RowReader:
    """Reads one row's cells, turning each unreadable cell into a problem with its place."""

    def __init__(self, extract: Extract, sheet: str, number: int, headings: dict[str, str]):
        self.extract = extract
        self.sheet = sheet
        self.number = number
        self.headings = headings
        self.failed = False
        self.worker: str | None = None  # "Allocated Worker", read once with the child

    def read(self, values: dict[str, Any], field: str, parse: Callable[[Any], Any]) -> Any:
        raw = values.get(field)
        try:
            return parse(raw)
        except cells.CellError as error:
            self.error(field, raw, str(error))
            return None

    def code(self, values: dict[str, Any], field: str, code_set: CodeSetName) -> str | None:
        """Codes outside the DfE set are a data-quality warning: stored blank, listed."""
        raw = values.get(field)
        try:
            return cells.code(raw, code_set) or None
        except cells.CellError as error:
            self.warn(field, raw, f"{error}; left blank")
            return None

    def name(self, values: dict[str, Any], field: str) -> str | None:
        raw = values.get(field)
        if cells.is_spreadsheet_error(raw):
            self.warn(field, raw, "a spreadsheet error, not a name; left blank")
            return None
        name = cells.text(raw)
        if len(name) > cells.MAX_NAME:
            self.error(field, raw, f"a name longer than {cells.MAX_NAME} characters")
            return None
        return name or None

    def required_date(self, values: dict[str, Any], field: str) -> dt.date | None:
        day = self.read(values, field, cells.date)
        if day is None and not self.failed:
            self.error(field, values.get(field), "a date is needed here")
        return day  # type: ignore[no-any-return]

    def error(self, field: str, raw: object, reason: str) -> None:
        self.failed = True
        self.extract.problem(self.sheet, self.number, self.headings[field], raw, reason)

    def warn(self, field: str, raw: object, reason: str) -> None:
        heading = self.headings[field]
        self.extract.problem(self.sheet, self.number, heading, raw, reason, "warning")


def _child(reader: RowReader, values: dict[str, Any], event: dt.date | None) -> str | None:
    """The child's own columns, common to every list; returns the LA child ID."""
    child_id = reader.read(values, "la_child_id", cells.identifier)
    reader.worker = reader.name(values, "worker")
    if not child_id:
        if not reader.failed:
            reader.error("la_child_id", values.get("la_child_id"), "the child's ID is missing")
        return None
    reader.extract.add(
        "children",
        reader.sheet,
        reader.number,
        la_child_id=child_id,
        date_of_birth=reader.read(values, "date_of_birth", cells.date),
        sex=reader.read(values, "sex", cells.sex) or None,
        ethnicity=reader.read(values, "ethnicity", cells.ethnicity) or None,
        disability=reader.read(values, "disability", cells.yes_no),
        team=reader.name(values, "team"),
        worker=reader.worker,
        seen_on=event,
    )
    return child_id  # type: ignore[no-any-return]


def _contact(reader: RowReader, values: dict[str, Any]) -> None:
    day = reader.required_date(values, "date")
    child_id = _child(reader, values, day)
    source = reader.code(values, "source", CodeSetName.REFERRAL_SOURCE)
    if child_id and day and not reader.failed:
        reader.extract.add(
            "contacts", reader.sheet, reader.number, la_child_id=child_id, date=day, source=source
        )


def _referral(reader: RowReader, values: dict[str, Any]) -> None:
    day = reader.required_date(values, "date")
    child_id = _child(reader, values, day)
    source = reader.code(values, "source", CodeSetName.REFERRAL_SOURCE)
    nfa = reader.read(values, "nfa", cells.yes_no)
    previous = reader.read(values, "previous_12m", cells.whole_number)
    if child_id and day and not reader.failed:
        reader.extract.add(
            "referrals",
            reader.sheet,
            reader.number,
            la_child_id=child_id,
            date=day,
            source=source,
            nfa=nfa,
            stated_previous_12m=previous,
        )


def _assessment(reader: RowReader, values: dict[str, Any]) -> None:
    start = reader.required_date(values, "start_date")
    child_id = _child(reader, values, start)
    authorised = reader.read(values, "authorised_date", cells.date)
    if start and authorised and authorised < start:
        reader.error("authorised_date", values.get("authorised_date"), "authorised before start")
    if child_id and start and not reader.failed:
        reader.extract.add(
            "assessments",
            reader.sheet,
            reader.number,
            la_child_id=child_id,
            kind="single",
            start_date=start,
            authorised_date=authorised,
            outcome=cells.text(values.get("outcome"))[:60] or None,
            worker=reader.worker,
        )


def _s47(reader: RowReader, values: dict[str, Any]) -> None:
    strategy = reader.required_date(values, "strategy_date")
    child_id = _child(reader, values, strategy)
    not_required = reader.read(values, "icpc_not_required", cells.yes_no)
    icpc = reader.read(values, "icpc_date", cells.date)
    plan = reader.read(values, "icpc_plan", cells.yes_no)
    if strategy and icpc and icpc < strategy:
        reader.error("icpc_date", values.get("icpc_date"), "ICPC before the strategy discussion")
    if not_required and icpc:
        reader.warn("icpc_not_required", values.get("icpc_not_required"), NOT_REQUIRED_BUT_HELD)
        not_required = False
    if child_id and strategy and not reader.failed:
        reader.extract.add(
            "s47",
            reader.sheet,
            reader.number,
            la_child_id=child_id,
            strategy_date=strategy,
            icpc_not_required=not_required,
            icpc_date=icpc,
            icpc_result=None if plan is None or icpc is None else ("PLAN" if plan else "NO_PLAN"),
            worker=reader.worker,
        )


NOT_REQUIRED_BUT_HELD = "an ICPC date is given, so the conference is taken as held"


def _cin_episode(reader: RowReader, values: dict[str, Any]) -> None:
    start = reader.required_date(values, "date")
    child_id = _child(reader, values, start)
    need = reader.code(values, "primary_need", CodeSetName.PRIMARY_NEED)
    closed = reader.read(values, "closure_date", cells.date)
    reason = reader.code(values, "closure_reason", CodeSetName.CLOSURE_REASON)
    if start and closed and closed < start:
        reader.error("closure_date", values.get("closure_date"), "closed before it started")
    if closed and not reason:
        reader.error("closure_reason", values.get("closure_reason"), "a closure needs a reason")
    if reason and not closed:
        reader.error("closure_date", None, "a reason for closure is given without a date")
    if child_id and start and not reader.failed:
        reader.extract.add(
            "referrals",
            reader.sheet,
            reader.number,
            la_child_id=child_id,
            date=start,
            primary_need=need,
            closure_date=closed,
            closure_reason=reason,
        )


def _cp_plan(reader: RowReader, values: dict[str, Any]) -> None:
    start = reader.required_date(values, "start_date")
    child_id = _child(reader, values, start)
    category = reader.code(values, "initial_category", CodeSetName.CATEGORY_OF_ABUSE)
    category = category or reader.code(values, "latest_category", CodeSetName.CATEGORY_OF_ABUSE)
    review = reader.read(values, "review_date", cells.date)
    end = reader.read(values, "end_date", cells.date)
    if start and end and end < start:
        reader.error("end_date", values.get("end_date"), "the plan ends before it starts")
    if start and review and review < start:
        reader.error("review_date", values.get("review_date"), "a review before the plan began")
    if not (child_id and start) or reader.failed:
        return
    extract = reader.extract
    extract.add(
        "cp_plans",
        reader.sheet,
        reader.number,
        la_child_id=child_id,
        start_date=start,
        end_date=end,
        category=category,
    )
    if review:
        extract.add(
            "cp_reviews",
            reader.sheet,
            reader.number,
            la_child_id=child_id,
            plan_start_date=start,
            date=review,
        )


HANDLERS: dict[int, Callable[[RowReader, dict[str, Any]], None]] = {
    1: _contact,
    3: _referral,
    4: _assessment,
    5: _s47,
    6: _cin_episode,
    7: _cp_plan,
}


def _check_previous_referral_counts(extract: Extract) -> None:
    """domain.md §5: "Number of Referrals in Last 12 Months" counts referrals before the child's
    latest one. Where the file itself shows more than the stated number, say so (a warning)."""
    by_child: dict[str, list[dt.date]] = {}
    for row in extract.rows("referrals"):
        if row.where.lower().replace("_", " ").startswith("list 3"):
            by_child.setdefault(row.values["la_child_id"], []).append(row.values["date"])
    for row in extract.rows("referrals"):
        stated = row.values.get("stated_previous_12m")
        if stated is None:
            continue
        dates = by_child[row.values["la_child_id"]]
        latest = max(dates)
        shown = sum(1 for d in dates if add_months(latest, -12) <= d < latest)
        if shown > stated:
            extract.problem(
                row.where,
                row.number,
                "Number of Referrals in Last 12 Months",
                stated,
                f"this file itself shows {shown} earlier referrals within 12 months of the "
                f"child's latest referral ({latest:%d/%m/%Y}); Oversight counts from the dates",
                "warning",
            )
