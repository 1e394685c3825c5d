"""The nightly feed: case activity sent as JSON, read into the same `Extract` a file import makes.

This is one more *reader* beside Annex A, the CIN census and the CSV templates. It never touches
the database: the JSON (already typed by the schemas below) becomes rows keyed by the council's
natural keys (interchange.extract.NATURAL_KEYS), with every problem naming the table, the row's
place in its list (from 0) and the field. The store (interchange.store) then does exactly what
it does for a file: one transaction, all or nothing, a dry run rolled back.

The checks are the file readers' own: the workforce tables (workers, absences, allocations,
supervision sessions) go through the CSV templates' row functions, and the case tables through
Annex A's row reader, so a value a file import refuses is refused here with the same reason.
A code outside the DfE code set is a warning and left blank, as in Annex A. Every child named in
a case table is a child of the council (created bare when new, as Annex A does), so a contact
can arrive before its child's details do; allocations need a child held or in the same feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from ninja import Field

from oversight.api.params import Strict
from oversight.engine.codes import CodeSetName
from oversight.interchange import cells
from oversight.interchange.csv_templates import (
    ABSENCE_REASON_LENGTH,
    END_REASON_LENGTH,
    FORMULA,
    MAX_SESSION_MINUTES,
    NAME_LENGTH,
    RATIONALE_LENGTH,
    SWE_LENGTH,
    CsvRowReader,
    looks_like_formula,
    read_absence,
    read_allocation,
    read_session,
    read_worker,
)
from oversight.interchange.csv_templates import name as person_name
from oversight.interchange.extract import Extract

SOURCE = "api"
CODE_LENGTH = 60  # room for a code written with its label, e.g. "N1 - Abuse or neglect"
TEXT_LENGTH = 10_000


def child_id_field() -> Any:
    return Field(min_length=1, max_length=cells.MAX_ID, description="The council's LA child ID")


def name_field() -> Any:
    return Field(min_length=1, max_length=NAME_LENGTH)


# The feed's rows. Field names are the import's own (docs/importing.md); dates are ISO 8601. ---
class WorkerRole(StrEnum):
    TM = "TM"
    ATM = "ATM"
    SP = "SP"
    SW = "SW"
    FSW = "FSW"
    SM = "SM"
    LM = "LM"
    IO = "IO"


class CaseRole(StrEnum):
    HOLDER = "holder"
    CO = "co"


class SessionKind(StrEnum):
    FORMAL = "formal"
    GROUP = "group"
    INFORMAL = "informal"


class AssessmentKind(StrEnum):
    INITIAL = "initial"
    CORE = "core"
    SINGLE = "single"


class IcpcResult(StrEnum):
    PLAN = "PLAN"
    NO_PLAN = "NO_PLAN"


class WorkerRow(Strict):
    name: str = name_field()
    role: WorkerRole
    team: str | None = Field(None, max_length=NAME_LENGTH)
    locality: str | None = Field(None, max_length=NAME_LENGTH)
    qualified: bool | None = None
    qualification_date: dt.date | None = None
    start_date: dt.date
    end_date: dt.date | None = None
    fte: float = Field(gt=0, le=1, description="Full-time equivalent, more than 0 and at most 1")
    agency: bool | None = None
    supervisor: str | None = Field(None, max_length=NAME_LENGTH)
    swe_number: str | None = Field(None, max_length=SWE_LENGTH)


class AbsenceRow(Strict):
    worker: str = name_field()
    start_date: dt.date
    end_date: dt.date
    reason: str | None = Field(None, max_length=ABSENCE_REASON_LENGTH)


class ChildRow(Strict):
    la_child_id: str = child_id_field()
    date_of_birth: dt.date | None = None
    sex: str | None = Field(None, max_length=CODE_LENGTH, description="M, F or U")
    ethnicity: str | None = Field(None, max_length=CODE_LENGTH, description="e.g. WBRI")
    disability: bool | None = None
    team: str | None = Field(None, max_length=NAME_LENGTH, description="The responsible team")


class ContactOutcome(StrEnum):
    NFA = "NFA"
    ADVICE = "ADVICE"
    EARLY_HELP = "EARLY_HELP"
    REFERRAL = "REFERRAL"


class ContactRow(Strict):
    la_child_id: str = child_id_field()
    date: dt.date
    source: str | None = Field(None, max_length=CODE_LENGTH, description="Referral source code")
    outcome: ContactOutcome | None = Field(
        None, description="What the contact led to (R-RR-4); left as held when not given"
    )


class ComplexityRow(Strict):
    la_child_id: str = child_id_field()
    assessed_on: dt.date
    level: int = Field(ge=1, le=4, description="R-CL-2: 1 CIN low … 4 care proceedings")
    reason: str | None = Field(None, max_length=200)


class ReferralRow(Strict):
    la_child_id: str = child_id_field()
    date: dt.date = Field(description="The referral date: the episode of need starts")
    source: str | None = Field(None, max_length=CODE_LENGTH)
    nfa: bool | None = None
    primary_need: str | None = Field(None, max_length=CODE_LENGTH)
    closure_date: dt.date | None = None
    closure_reason: str | None = Field(None, max_length=CODE_LENGTH)


class AssessmentRow(Strict):
    la_child_id: str = child_id_field()
    kind: AssessmentKind = AssessmentKind.SINGLE
    start_date: dt.date
    authorised_date: dt.date | None = None
    outcome: str | None = Field(None, max_length=60)
    delay_reason: str | None = Field(None, max_length=TEXT_LENGTH)
    worker: str | None = Field(None, max_length=NAME_LENGTH)


class Section47Row(Strict):
    la_child_id: str = child_id_field()
    strategy_date: dt.date
    icpc_not_required: bool | None = None
    icpc_date: dt.date | None = None
    icpc_result: IcpcResult | None = None
    end_date: dt.date | None = None
    lead_worker: str | None = Field(None, max_length=NAME_LENGTH)


class CpPlanRow(Strict):
    la_child_id: str = child_id_field()
    start_date: dt.date
    end_date: dt.date | None = None
    category: str | None = Field(None, max_length=CODE_LENGTH, description="NEG PHY SAB EMO MUL")
    review_dates: list[dt.date] = []


class AllocationRow(Strict):
    la_child_id: str = child_id_field()
    worker: str = name_field()
    role: CaseRole | None = None
    start_date: dt.date
    end_date: dt.date | None = None
    end_reason: str | None = Field(None, max_length=END_REASON_LENGTH)
    complexity_level: int = Field(ge=1, le=4)
    rationale: str | None = Field(None, max_length=RATIONALE_LENGTH)


class SessionRow(Strict):
    supervisee: str = name_field()
    supervisor: str = name_field()
    held_on: dt.date
    kind: SessionKind | None = None
    minutes: int = Field(ge=1, le=MAX_SESSION_MINUTES)
    written_up_on: dt.date | None = None


class CaseDiscussionRow(Strict):
    supervisee: str = name_field()
    supervisor: str = name_field()
    held_on: dt.date = Field(description="The session: sent in supervision_sessions or held")
    la_child_id: str = child_id_field()
    decision: str = Field(min_length=1, max_length=TEXT_LENGTH)


class Feed(Strict):
    """Any of the tables, each a list of rows; stored in this order, all or nothing."""

    la_code: str | None = Field(
        None,
        pattern=r"^[0-9]{3}$",
        description="The council's DfE code; needed only where several "
        "councils share one Oversight",
    )
    workers: list[WorkerRow] = []
    absences: list[AbsenceRow] = []
    children: list[ChildRow] = []
    contacts: list[ContactRow] = []
    referrals: list[ReferralRow] = []
    assessments: list[AssessmentRow] = []
    s47: list[Section47Row] = []
    cp_plans: list[CpPlanRow] = []
    complexity: list[ComplexityRow] = []
    allocations: list[AllocationRow] = []
    supervision_sessions: list[SessionRow] = []
    case_discussions: list[CaseDiscussionRow] = []

    @property
    def rows(self) -> int:
        return sum(len(getattr(self, table)) for table in FEED_TABLES)


FEED_TABLES = (
    "workers",
    "absences",
    "children",
    "contacts",
    "referrals",
    "assessments",
    "s47",
    "cp_plans",
    "complexity",
    "allocations",
    "supervision_sessions",
    "case_discussions",
)


# Reading ----------------------------------------------------------------------------------------
def read_feed(feed: Feed) -> Extract:
    extract = Extract(source=SOURCE)
    for table in FEED_TABLES:
        read_row = READERS[table]
        for number, row in enumerate(getattr(feed, table)):
            values = row.model_dump()
            reader = _reader(extract, table, number, values)
            read_row(reader, values)
            extract.rows_read += 1
    return extract


def _reader(extract: Extract, table: str, number: int, values: dict[str, Any]) -> CsvRowReader:
    """A row reader whose problems name this table, row and field; text a spreadsheet would run
    as a formula is refused, as in a CSV file (the data goes back out in exports)."""
    headings = {field: field for field in values} | {"child_id": "la_child_id"}
    reader = CsvRowReader(extract, table, number, headings)
    for field, value in values.items():
        if isinstance(value, str) and looks_like_formula(value):
            reader.error(field, value, FORMULA)
            values[field] = None
    return reader


# The workforce tables: the CSV templates' own row functions. -----------------------------------
def _worker(reader: CsvRowReader, values: dict[str, Any]) -> None:
    read_worker(reader, values | {"fte": _decimal_text(values["fte"])})


def _allocation(reader: CsvRowReader, values: dict[str, Any]) -> None:
    read_allocation(reader, dict(values, child_id=values["la_child_id"]))


def _decimal_text(value: float | None) -> str | None:
    """An FTE as the CSV template reads it (0.5, never 5e-01)."""
    return None if value is None else f"{value:.6f}".rstrip("0").rstrip(".")


# The case tables: Annex A's row reader and checks. ---------------------------------------------
def _child_id(reader: CsvRowReader, values: dict[str, Any]) -> str | None:
    """The row's LA child ID, cleaned as Annex A cleans it; None (and an error) when blank."""
    child_id: str | None = reader.read(values, "la_child_id", cells.identifier) or None
    if child_id is None and "la_child_id" not in reader.bad:  # not already refused
        reader.error("la_child_id", values.get("la_child_id"), "the child's ID is missing")
    return child_id


def _child_named(reader: CsvRowReader, values: dict[str, Any]) -> str | None:
    """The child a case row is about, added as a bare child row (nothing it says erases what
    is held); None when the ID cannot be read."""
    child_id = _child_id(reader, values)
    if child_id is None:
        return None
    reader.extract.add(
        "children",
        reader.sheet,
        reader.number,
        la_child_id=child_id,
        date_of_birth=None,
        sex=None,
        ethnicity=None,
        disability=None,
        team=None,
        worker=None,
        seen_on=None,
    )
    return child_id


def _child(reader: CsvRowReader, values: dict[str, Any]) -> None:
    child_id = _child_id(reader, values)
    if child_id is None:
        return
    row = {
        "la_child_id": child_id,
        "date_of_birth": values["date_of_birth"],
        "sex": reader.read(values, "sex", cells.sex) or None,
        "ethnicity": reader.read(values, "ethnicity", cells.ethnicity) or None,
        "disability": values["disability"],
        "team": reader.name(values, "team"),
        "worker": None,
        "seen_on": None,
    }
    if not reader.failed:
        reader.extract.add("children", reader.sheet, reader.number, **row)


def _contact(reader: CsvRowReader, values: dict[str, Any]) -> None:
    child_id = _child_named(reader, values)
    source = reader.code(values, "source", CodeSetName.REFERRAL_SOURCE)
    if child_id and not reader.failed:
        reader.extract.add(
            "contacts",
            reader.sheet,
            reader.number,
            la_child_id=child_id,
            date=values["date"],
            source=source,
            outcome=str(values["outcome"]) if values.get("outcome") else None,
        )


def _case_discussion(reader: CsvRowReader, values: dict[str, Any]) -> None:
    child_id = _child_named(reader, values)
    supervisee = reader.required(values, "supervisee", person_name)
    supervisor = reader.required(values, "supervisor", person_name)
    if child_id and not reader.failed:
        reader.extract.add(
            "case_discussions",
            reader.sheet,
            reader.number,
            supervisee=supervisee,
            supervisor=supervisor,
            held_on=values["held_on"],
            la_child_id=child_id,
            decision=values["decision"],
        )


def _complexity(reader: CsvRowReader, values: dict[str, Any]) -> None:
    child_id = _child_named(reader, values)
    if child_id and not reader.failed:
        reader.extract.add(
            "complexity",
            reader.sheet,
            reader.number,
            la_child_id=child_id,
            assessed_on=values["assessed_on"],
            level=values["level"],
            reason=values.get("reason"),
        )


def _referral(reader: CsvRowReader, values: dict[str, Any]) -> None:
    child_id = _child_named(reader, values)
    start, closed = values["date"], values["closure_date"]
    reason = reader.code(values, "closure_reason", CodeSetName.CLOSURE_REASON)
    _ends_after(reader, values, start, "closure_date", "closed before it started")
    if closed and not reason:
        reader.error("closure_reason", values["closure_reason"], "a closure needs a reason")
    if reason and not closed:
        reader.error("closure_date", None, "a reason for closure is given without a date")
    row = {
        "la_child_id": child_id,
        "date": start,
        "source": reader.code(values, "source", CodeSetName.REFERRAL_SOURCE),
        "nfa": values["nfa"],
        "stated_previous_12m": None,
        "primary_need": reader.code(values, "primary_need", CodeSetName.PRIMARY_NEED),
        "closure_date": closed,
        "closure_reason": reason,
    }
    if child_id and not reader.failed:
        reader.extract.add("referrals", reader.sheet, reader.number, **row)


def _assessment(reader: CsvRowReader, values: dict[str, Any]) -> None:
    child_id = _child_named(reader, values)
    _ends_after(reader, values, values["start_date"], "authorised_date", "authorised before start")
    row = {
        "la_child_id": child_id,
        "kind": str(values["kind"]),
        "start_date": values["start_date"],
        "authorised_date": values["authorised_date"],
        "outcome": cells.text(values["outcome"]) or None,
        "delay_reason": (values["delay_reason"] or "").strip() or None,
        "worker": reader.name(values, "worker"),
    }
    if child_id and not reader.failed:
        reader.extract.add("assessments", reader.sheet, reader.number, **row)


NOT_REQUIRED_BUT_HELD = "an ICPC date is given, so the conference is taken as held"


def _s47(reader: CsvRowReader, values: dict[str, Any]) -> None:
    child_id = _child_named(reader, values)
    strategy, icpc = values["strategy_date"], values["icpc_date"]
    not_required = values["icpc_not_required"]
    _ends_after(reader, values, strategy, "icpc_date", "ICPC before the strategy discussion")
    _ends_after(reader, values, strategy, "end_date", "ends before the strategy discussion")
    if values["icpc_result"] and not icpc:
        reader.error("icpc_result", values["icpc_result"], "an ICPC result needs the ICPC date")
    if not_required and icpc:
        reader.warn("icpc_not_required", not_required, NOT_REQUIRED_BUT_HELD)
        not_required = False
    row = {
        "la_child_id": child_id,
        "strategy_date": strategy,
        "icpc_not_required": not_required,
        "icpc_date": icpc,
        "icpc_result": str(values["icpc_result"]) if values["icpc_result"] else None,
        "end_date": values["end_date"],
        "worker": reader.name(values, "lead_worker"),
    }
    if child_id and not reader.failed:
        reader.extract.add("s47", reader.sheet, reader.number, **row)


def _cp_plan(reader: CsvRowReader, values: dict[str, Any]) -> None:
    child_id = _child_named(reader, values)
    start = values["start_date"]
    category = reader.code(values, "category", CodeSetName.CATEGORY_OF_ABUSE)
    _ends_after(reader, values, start, "end_date", "the plan ends before it starts")
    reviews = sorted(set(values["review_dates"]))
    if reviews and reviews[0] < start:
        reader.error("review_dates", f"{reviews[0]:%d/%m/%Y}", "a review before the plan began")
    if not child_id or reader.failed:
        return
    where, number = reader.sheet, reader.number
    reader.extract.add(
        "cp_plans",
        where,
        number,
        la_child_id=child_id,
        start_date=start,
        end_date=values["end_date"],
        category=category,
    )
    for day in reviews:
        reader.extract.add(
            "cp_reviews", where, number, la_child_id=child_id, plan_start_date=start, date=day
        )


def _ends_after(
    reader: CsvRowReader, values: dict[str, Any], start: dt.date, field: str, reason: str
) -> None:
    end = values.get(field)
    if end is not None and end < start:
        reader.error(field, f"{end:%d/%m/%Y}", reason)


READERS: dict[str, Callable[[Any, dict[str, Any]], None]] = {
    "workers": _worker,
    "absences": read_absence,
    "children": _child,
    "contacts": _contact,
    "referrals": _referral,
    "assessments": _assessment,
    "s47": _s47,
    "cp_plans": _cp_plan,
    "complexity": _complexity,
    "allocations": _allocation,
    "supervision_sessions": read_session,
    "case_discussions": _case_discussion,
}

# The store names some columns as Annex A and CSV files head them; the feed's fields instead.
STORE_COLUMNS = {
    "Date of Referral": "date",
    "Allocated Team": "team",
    "Allocated Worker": "worker",
    "Child Protection Plan End Date": "end_date",
    "child_id": "la_child_id",
}


def feed_field(column: str | None) -> str | None:
    return STORE_COLUMNS.get(column, column) if column else None
