"""The DfE children in need (CIN) census XML, schemas 2017-18 to 2025-26, read safely and streamed.

A census file is `Message/Header` (the council's LA code in `Source/LEA`) then
`Message/Children/Child`, one per child, each with `ChildIdentifiers`, `ChildCharacteristics` and
one `CINdetails` per episode of need (its `Assessments`, `Section47` enquiries and
`ChildProtectionPlans` inside). The rows made are exactly those the Annex A reader makes, so the
same store imports them; docs/importing-cin.md says what each element becomes.

Safety: the file's size is checked first; defusedxml's parser refuses any DTD, entity or external
reference (census files never have one), and the file is fed to it in chunks with each `Child`
dropped once read, so memory stays flat whatever the number of children. We feed the parser with
our own small target rather than using `iterparse` because iterparse hands out elements a whole
chunk late, when the parser's line number has moved on; our target notes each element's line as
it starts, so every problem names the line a person can go to.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from oversight.engine.codes import CodeSetName, code_set
from oversight.interchange import cells
from oversight.interchange.extract import Extract, Row
from oversight.interchange.report import Severity
from oversight.interchange.safety import DEFAULT_LIMITS, FileRefused, Limits, check_size

WHERE = "CIN census"
HOSTILE = "the file declares a DTD or entities, which census files never do: refused"
CHUNK = 1 << 16
# A real child's record has tens of elements (a few hundred for a long history) and nests six
# deep; anything far beyond is a file built to exhaust memory, refused before it can.
MAX_CHILD_ELEMENTS = 10_000
MAX_DEPTH = 32
MAX_TEXT = 1_000  # no census value is longer; more is kept out of memory, not read
LA_CODE = re.compile(r"\d{3}")
PROGRESS_EVERY = 5_000
MISSING_ID = "the child's LAchildID is missing"


KEPT = frozenset({"Header", "Child"})  # kept whole wherever they are; all else outside is dropped


@dataclass(slots=True)
class Node:
    """One element as read: its name without namespace, the line it starts on, its text."""

    tag: str
    line: int
    keep: bool  # its text is kept, and it is added to its parent if the parent is kept
    holds: bool  # its children are kept (false for Message, so Children never grows)
    text: str = ""
    children: list[Node] = field(default_factory=list)

    def first(self, tag: str) -> Node | None:
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def all(self, tag: str) -> list[Node]:
        return [child for child in self.children if child.tag == tag]


class _Target:
    """The parser's target: keeps the header and the Child being read, nothing else. Called
    for each of a million elements, so written for speed."""

    def __init__(self) -> None:
        self.expat: Any = None  # the expat parser, for the line each element starts on
        self.stack: list[Node] = []
        self.root: Node | None = None
        self.finished: list[Node] = []
        self.open_children = 0
        self.elements = 0

    def start(self, tag: str, attributes: list[str]) -> None:
        stack = self.stack
        if not stack:
            self._start_root(tag)
            return
        name = tag.rpartition("}")[2] if "}" in tag else tag  # some tools add a namespace
        if name == "Child":
            self.open_children += 1
            self.elements = 0
        if self.open_children:
            self.elements += 1
            if self.elements > MAX_CHILD_ELEMENTS:
                raise FileRefused(
                    f"the Child before line {self.expat.CurrentLineNumber} has more than "
                    f"{MAX_CHILD_ELEMENTS:,} elements, far more than any child's record: refused"
                )
        if len(stack) >= MAX_DEPTH:
            line = self.expat.CurrentLineNumber
            raise FileRefused(f"elements nest more than {MAX_DEPTH} deep at line {line}: refused")
        keep = stack[-1].holds or name in KEPT
        stack.append(Node(name, self.expat.CurrentLineNumber, keep, keep))

    def _start_root(self, tag: str) -> None:
        name = tag.rpartition("}")[2]
        if name != "Message":
            raise FileRefused(
                f"not a CIN census file: it starts with <{name}> where the census has <Message>"
            )
        self.root = Node(name, self.expat.CurrentLineNumber, keep=True, holds=False)
        self.stack.append(self.root)

    def end(self, tag: str) -> None:
        node = self.stack.pop()
        if node.tag == "Child":
            self.open_children -= 1
            self.finished.append(node)
        elif node.keep and self.stack and self.stack[-1].keep:
            self.stack[-1].children.append(node)

    def data(self, text: str) -> None:
        if self.stack:
            node = self.stack[-1]
            if node.keep and len(node.text) < MAX_TEXT:
                node.text += text

    def close(self) -> None:
        return None

    def take(self) -> list[Node]:
        finished, self.finished = self.finished, []
        return finished


def _stream(path: Path, target: _Target) -> Iterator[Node]:
    """Each complete Child in file order; hostile or broken XML raises FileRefused."""
    parser = DefusedXMLParser(
        target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    # Our target's element handlers go straight onto expat: the Python layer between only
    # renames tags and builds attribute dicts we never read, and costs a third of the time.
    # defusedxml's handlers refusing DTDs and entities are left as they are.
    target.expat = parser.parser
    target.expat.StartElementHandler = target.start
    target.expat.EndElementHandler = target.end
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                parser.feed(chunk)
                yield from target.take()
            parser.close()
    except FileRefused:
        raise
    except DefusedXmlException:
        raise FileRefused(HOSTILE) from None
    except ParseError as error:
        raise FileRefused(f"the file is not well-formed XML: {error}") from None
    except (LookupError, ValueError) as error:
        # expat reports an encoding it cannot use (UTF-7, an unknown name) as these
        raise FileRefused(f"the file's declared encoding cannot be read: {error}") from None
    yield from target.take()


def read_cin_census(
    path: Path,
    *,
    progress: Callable[[int], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Extract:
    """Read a CIN census XML file into an Extract (source "cin"); FileRefused if unsafe."""
    check_size(path, limits)
    extract = Extract(source="cin")
    target = _Target()
    for child in _stream(path, target):
        _read_child(extract, child)
        extract.rows_read += 1
        if progress and extract.rows_read % PROGRESS_EVERY == 0:
            progress(extract.rows_read)
    if target.root is not None:
        _read_header(extract, target.root)
    if extract.rows_read == 0:
        extract.problem(WHERE, None, None, None, "no Child records found (Message/Children/Child)")
    return extract


def _read_header(extract: Extract, root: Node) -> None:
    header = root.first("Header")
    source = header.first("Source") if header else None
    lea = source.first("LEA") if source else None
    if lea is None:
        return
    code = cells.text(lea.text)
    if LA_CODE.fullmatch(code):
        extract.la_code = code
    elif code:
        extract.problem(
            WHERE, lea.line, "LEA", code, "not a three-digit DfE LA code; ignored", "warning"
        )


def census_date(raw: str | None) -> dt.date | None:
    """Census dates are xs:date (2023-06-01), read directly; anything else goes to the tolerant
    cell parser, which also words the problem. Five times faster for 300,000 dates."""
    if raw is not None and len(raw) == 10 and raw[4] == raw[7] == "-":
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    return cells.date(raw)


class ChildReader:
    """Reads one Child's elements, turning each unreadable value into a problem at its line.

    `failed` is per group (the identifiers, one CINdetails, one Assessments …): a group with an
    error makes no row, so the store never meets a row that would break a constraint (nothing
    is imported anyway while there is an error).
    """

    def __init__(self, extract: Extract) -> None:
        self.extract = extract
        self.where = WHERE
        self.child_id = ""
        self.failed = False

    def begin(self) -> None:
        self.failed = False

    @staticmethod
    def find(group: Node, tag: str) -> tuple[Node, str | None]:
        """The element's text (None when absent) and where a problem about it is shown: its
        own line, or its group's when it is absent."""
        element = group.first(tag)
        return (group, None) if element is None else (element, element.text)

    def read(self, group: Node, tag: str, parse: Callable[[Any], Any]) -> Any:
        return self.parse(*self.find(group, tag), tag, parse)

    def parse(self, at: Node, raw: str | None, tag: str, parse: Callable[[Any], Any]) -> Any:
        try:
            return parse(raw)
        except cells.CellError as error:
            self.error(at, raw, tag, str(error))
            return None

    def date(self, group: Node, tag: str) -> dt.date | None:
        return self.read(group, tag, census_date)  # type: ignore[no-any-return]

    def required_date(self, group: Node, tag: str) -> dt.date | None:
        """Called first in a group, so `failed` tells whether this date was unreadable."""
        day = self.date(group, tag)
        if day is None and not self.failed:
            self.fault(group, tag, "a date is needed here")
        return day

    def lenient(self, group: Node, tag: str, parse: Callable[[Any], str]) -> str | None:
        """Sex and ethnicity outside their code lists: a warning, left blank."""
        at, raw = self.find(group, tag)
        try:
            return parse(raw) or None
        except cells.CellError as error:
            self.warn(at, raw, tag, f"{error}; left blank")
            return None

    def code(
        self, group: Node, tag: str, name: CodeSetName, on: dt.date | None = None
    ) -> str | None:
        """A code outside the DfE set is a warning, left blank. A code used before the
        collection year that introduced it (5D, RC9: 2022-23) is a warning, and kept: its
        meaning is clear, only its date is doubtful."""
        at, raw = self.find(group, tag)
        known = code_set(name)
        # Census codes are exact (`N4`): a dict look-up first, the tolerant parser after.
        found = raw if raw in known else self.lenient(group, tag, lambda r: cells.code(r, name))
        if found and on and not known[found].valid_on(on):
            year = known[found].from_year
            reason = f"{found} is a code from the {year} collection year, used on {on:%d/%m/%Y}"
            self.warn(at, raw, tag, f"{reason}; kept")
        return found

    def fault(self, group: Node, tag: str, reason: str) -> None:
        self.error(*self.find(group, tag), tag, reason)

    def error(self, at: Node, raw: str | None, tag: str, reason: str) -> None:
        self.failed = True
        self._problem(at, raw, tag, reason, "error")

    def warn(self, at: Node, raw: str | None, tag: str, reason: str) -> None:
        self._problem(at, raw, tag, reason, "warning")

    def _problem(
        self, at: Node, raw: str | None, tag: str, reason: str, severity: Severity
    ) -> None:
        shown = None if raw is None else cells.text(raw)
        self.extract.problem(self.where, at.line, tag, shown, reason, severity)


def _read_child(extract: Extract, child: Node) -> None:
    reader = ChildReader(extract)
    identifiers = child.first("ChildIdentifiers") or _absent("ChildIdentifiers", child)
    child_id = reader.read(identifiers, "LAchildID", cells.identifier)
    if not child_id:  # cells.identifier has already refused an ID that is too long
        if not reader.failed:
            reader.fault(identifiers, "LAchildID", MISSING_ID)
        return
    reader.child_id = child_id
    reader.where = f"{WHERE} child {child_id}"
    values = _child_values(reader, identifiers, child.first("ChildCharacteristics"))
    referral_dates: list[dt.date] = []
    plan_starts: set[dt.date] = set()
    enquiries: list[Row] = []
    for episode in child.all("CINdetails"):
        if day := _episode(reader, episode):
            referral_dates.append(day)
        for node in episode.all("Assessments"):
            _assessment(reader, node)
        for node in episode.all("Section47"):
            if enquiry := _s47(reader, node):
                enquiries.append(enquiry)
        for node in episode.all("ChildProtectionPlans"):
            if start := _cp_plan(reader, node):
                plan_starts.add(start)
    _set_icpc_results(enquiries, plan_starts)
    extract.add(
        "children",
        reader.where,
        child.line,
        la_child_id=child_id,
        **values,
        team=None,
        worker=None,
        seen_on=max(referral_dates, default=None),
    )


def _absent(tag: str, parent: Node) -> Node:
    """An empty stand-in for a group the file leaves out: its problems show the parent's line."""
    return Node(tag, parent.line, keep=True, holds=True)


def _child_values(
    reader: ChildReader, identifiers: Node, characteristics: Node | None
) -> dict[str, Any]:
    # GenderCurrent (1 male, 2 female, 0/9 not known/stated) became Sex (M/F/U) in 2024-25.
    sex_tag = "Sex" if ChildReader.find(identifiers, "Sex")[1] else "GenderCurrent"
    characteristics = characteristics or _absent("ChildCharacteristics", identifiers)
    return {
        # An unborn child has only ExpectedPersonBirthDate, which is not a date of birth.
        "date_of_birth": reader.date(identifiers, "PersonBirthDate"),
        "sex": reader.lenient(identifiers, sex_tag, cells.sex),
        "ethnicity": reader.lenient(characteristics, "Ethnicity", cells.ethnicity),
        "disability": _disability(characteristics),
    }


def _disability(characteristics: Node) -> bool | None:
    """NONE means no disability, any other code a disability; no codes says nothing."""
    codes = [
        cells.text(node.text).upper()
        for group in characteristics.all("Disabilities")
        for node in group.all("Disability")
    ]
    codes = [code for code in codes if code]
    return any(code != "NONE" for code in codes) if codes else None


def _episode(reader: ChildReader, episode: Node) -> dt.date | None:
    """One CINdetails: the referral that opened the episode of need, and its closure."""
    reader.begin()
    start = reader.required_date(episode, "CINreferralDate")
    source = reader.code(episode, "ReferralSource", CodeSetName.REFERRAL_SOURCE, start)
    need = reader.code(episode, "PrimaryNeedCode", CodeSetName.PRIMARY_NEED)
    nfa = reader.read(episode, "ReferralNFA", cells.yes_no)
    closed = reader.date(episode, "CINclosureDate")
    reason = reader.code(episode, "ReasonForClosure", CodeSetName.CLOSURE_REASON, closed)
    if start and closed and closed < start:
        reader.fault(episode, "CINclosureDate", "closed before it started")
    if closed and not reason:
        reader.fault(episode, "ReasonForClosure", "a closure needs a reason")
    if reason and not closed:
        reader.fault(episode, "CINclosureDate", "a reason for closure is given without a date")
    if start is None or reader.failed:
        return None
    reader.extract.add(
        "referrals",
        reader.where,
        episode.line,
        la_child_id=reader.child_id,
        date=start,
        source=source,
        nfa=nfa,
        stated_previous_12m=None,
        primary_need=need,
        closure_date=closed,
        closure_reason=reason,
    )
    return start


def _assessment(reader: ChildReader, node: Node) -> None:
    """The census records single (child and family) assessments only. The internal review
    date and the factors identified are not used by Oversight."""
    reader.begin()
    start = reader.required_date(node, "AssessmentActualStartDate")
    authorised = reader.date(node, "AssessmentAuthorisationDate")
    if start and authorised and authorised < start:
        reader.fault(node, "AssessmentAuthorisationDate", "authorised before start")
    if start is None or reader.failed:
        return
    reader.extract.add(
        "assessments",
        reader.where,
        node.line,
        la_child_id=reader.child_id,
        kind="single",
        start_date=start,
        authorised_date=authorised,
        outcome=None,
        worker=None,
    )


NOT_REQUIRED_BUT_HELD = "an ICPC date is given, so the conference is taken as held"


def _s47(reader: ChildReader, node: Node) -> Row | None:
    """A section 47 enquiry. InitialCPCtarget is ignored: Oversight works out the 15 working
    day target itself. The ICPC result is set once the child's plans are known."""
    reader.begin()
    strategy = reader.required_date(node, "S47ActualStartDate")
    not_required = reader.read(node, "ICPCnotRequired", cells.yes_no)
    icpc = reader.date(node, "DateOfInitialCPC")
    if strategy and icpc and icpc < strategy:
        reader.fault(node, "DateOfInitialCPC", "ICPC before the s47 started")
    if not_required and icpc:
        reader.warn(*reader.find(node, "ICPCnotRequired"), "ICPCnotRequired", NOT_REQUIRED_BUT_HELD)
        not_required = False
    if strategy is None or reader.failed:
        return None
    return reader.extract.add(
        "s47",
        reader.where,
        node.line,
        la_child_id=reader.child_id,
        strategy_date=strategy,
        icpc_not_required=not_required,
        icpc_date=icpc,
        icpc_result=None,
        worker=None,
    )


def _set_icpc_results(enquiries: list[Row], plan_starts: set[dt.date]) -> None:
    """The census does not say what an ICPC decided; a plan starting on the conference day
    means it made one (a plan starts at the ICPC)."""
    for row in enquiries:
        icpc = row.values["icpc_date"]
        if icpc is not None:
            row.values["icpc_result"] = "PLAN" if icpc in plan_starts else "NO_PLAN"


def _cp_plan(reader: ChildReader, node: Node) -> dt.date | None:
    """A child protection plan and its review conferences; returns its start when read."""
    reader.begin()
    start = reader.required_date(node, "CPPstartDate")
    end = reader.date(node, "CPPendDate")
    category = reader.code(node, "InitialCategoryOfAbuse", CodeSetName.CATEGORY_OF_ABUSE)
    # As in Annex A, the latest category stands in when the initial one is not given.
    category = category or reader.code(node, "LatestCategoryOfAbuse", CodeSetName.CATEGORY_OF_ABUSE)
    if start and end and end < start:
        reader.fault(node, "CPPendDate", "the plan ends before it starts")
    reviews = _reviews(reader, node, start)
    if start is None or reader.failed:
        return None
    reader.extract.add(
        "cp_plans",
        reader.where,
        node.line,
        la_child_id=reader.child_id,
        start_date=start,
        end_date=end,
        category=category,
    )
    for line, day in reviews:
        reader.extract.add(
            "cp_reviews",
            reader.where,
            line,
            la_child_id=reader.child_id,
            plan_start_date=start,
            date=day,
        )
    return start


def _reviews(reader: ChildReader, plan: Node, start: dt.date | None) -> list[tuple[int, dt.date]]:
    found = []
    for group in plan.all("Reviews"):
        for element in group.all("CPPreviewDate"):
            day = reader.parse(element, element.text, "CPPreviewDate", census_date)
            if day and start and day < start:
                reason = "a review before the plan began"
                reader.error(element, element.text, "CPPreviewDate", reason)
            elif day:
                found.append((element.line, day))
    return found
