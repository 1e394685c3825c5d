"""An action plan written as a table, turned back into findings and actions (issue 8).

Plans reach councils as Word documents; converted, they become Markdown tables with HTML inside
the cells, broken wherever the document broke a page (seed/000_86c76d03e115f693.txt). This reader
puts the plan back together:

- each page's table after the first has no heading row; its first row may carry on the last row
  of the page before (a finding or action cut mid-sentence), and is joined back;
- one cell may hold several findings the conversion merged (each a paragraph); the row's action
  belongs to the first of them, and the rows after it are shared among them in order, by the
  words they have in common — a placement the reader flags for the reviewer to check;
- HTML becomes text (`&amp;` → `&`), and the abbreviations legend (`TM = Team Manager, …`)
  becomes a glossary used to expand each action's lead.

Nothing is dropped: every fragment of every cell ends up in the draft, and every guess is flagged.
Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from dataclasses import dataclass, field
from typing import Any

COLUMNS = {
    "finding": ("inspection outcome", "finding", "recommendation", "area for improvement"),
    "action": ("action",),
    "lead": ("lead", "responsible", "owner"),
    "timescale": ("timescale", "by when", "deadline", "date"),
    "evidence": ("how do we know", "evidence", "measure of success", "outcome measure"),
    "comments": ("comment", "progress", "status", "update"),
}
FIELDS = ("action", "lead", "timescale", "evidence", "comments")
GLOSSARY_ENTRY = re.compile(r"\b([A-Z][A-Za-z&+]{0,7})\s*=\s*([A-Z][^,*=|]*?)(?=\s*(?:,|\*|$))")
# Words too common to tell one finding from another.
COMMON_WORDS = (
    "a an and are as at be been by for from has have in is it its of on or so that the their "
    "them these they this to was were which will with within"
)
STOPWORDS = frozenset(COMMON_WORDS.split())


@dataclass
class DraftAction:
    text: str
    lead: str = ""
    timescale: str = ""
    evidence: str = ""
    comments: str = ""
    flags: list[str] = field(default_factory=list)
    # Set only by readers that are told the status outright (a workbook's Status column);
    # otherwise the importer reads it from the Comments.
    status: str = ""
    completed_on: dt.date | None = None

    def as_json(self, status: str) -> dict[str, Any]:
        return {
            "text": self.text,
            "lead": self.lead,
            "timescale": self.timescale,
            "evidence": self.evidence,
            "comments": self.comments,
            "status": status,
            "flags": list(self.flags),
        }


@dataclass
class DraftFinding:
    text: str
    actions: list[DraftAction] = field(default_factory=list)


@dataclass
class DraftPlan:
    findings: list[DraftFinding] = field(default_factory=list)
    glossary: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    title: str = ""

    @property
    def actions(self) -> list[DraftAction]:
        return [a for f in self.findings for a in f.actions]


@dataclass
class _Row:
    finding: list[str]  # the finding cell's paragraphs
    cells: dict[str, str]
    continues_page: bool  # the first row of a table without a heading row


def read_plan(text: str) -> DraftPlan:
    """The plan in `text` (Markdown tables with HTML cells), as a draft for review."""
    plan = DraftPlan(glossary=_glossary(text), title=_title(text))
    rows = list(_rows(text, plan))
    _Assembler(plan).assemble(rows)
    for action in plan.actions:
        _check(action, plan)
    return plan


def _title(text: str) -> str:
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            return line.strip("# ").strip()
    return ""


def _glossary(text: str) -> dict[str, str]:
    """`**TM = Team Manager, SM = Safeguarding Manager**` lines outside the tables."""
    glossary: dict[str, str] = {}
    for line in text.splitlines():
        if line.lstrip().startswith("|"):
            continue
        for short, meaning in GLOSSARY_ENTRY.findall(line.replace("**", "")):
            glossary[short] = meaning.strip()
    return glossary


def _tables(text: str) -> list[list[list[str]]]:
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in text.splitlines():
        if line.lstrip().startswith("|"):
            if current is None:
                current = []
                tables.append(current)
            cells = line.strip().strip("|").split("|")
            if not all(re.fullmatch(r"\s*:?-{2,}:?\s*", c) for c in cells):
                current.append(cells)
            elif len(current) > 1 and not "".join(current[-1]).strip():
                # A blank heading row and its rule mid-table: the next page's table.
                current = [current.pop()]
                tables.append(current)
        else:
            current = None
    return tables


def _rows(text: str, plan: DraftPlan) -> list[_Row]:
    rows: list[_Row] = []
    positions: dict[str, int] | None = None
    for table in _tables(text):
        if not table:
            continue
        heading = [_plain(c).lower() for c in table[0]]
        named = _positions(heading)
        if "action" in named:
            positions, body, continues = named, table[1:], False
        elif positions is None:
            plan.flags.append("a table before any heading row was skipped: " + " ".join(heading))
            continue
        else:
            # A page's table without headings: its first row (all blank) stands in for them.
            body = table[1:] if not any(heading) else table
            continues = True
        for index, cells in enumerate(body):
            row = _row(cells, positions, continues_page=continues and index == 0)
            if row.finding or any(row.cells.values()):
                rows.append(row)
    return rows


def _positions(heading: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for name, words in COLUMNS.items():
        for index, cell in enumerate(heading):
            if index not in found.values() and any(cell.startswith(w) for w in words):
                found[name] = index
                break
    return found


def _row(cells: list[str], positions: dict[str, int], *, continues_page: bool) -> _Row:
    def cell(name: str) -> str:
        index = positions.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    return _Row(
        finding=_paragraphs(cell("finding")),
        cells={name: _plain(cell(name)) for name in FIELDS},
        continues_page=continues_page,
    )


def _paragraphs(cell: str) -> list[str]:
    parts = re.split(r"</p>\s*<p>|<br\s*/?>\s*<br\s*/?>", cell, flags=re.IGNORECASE)
    return [p for p in (_plain(part) for part in parts) if p]


def _plain(cell: str) -> str:
    """HTML to text: tags dropped, entities decoded, whitespace made single."""
    text = re.sub(r"<br\s*/?>", " ", cell, flags=re.IGNORECASE)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(html.unescape(text).split())


def _starts_mid_sentence(text: str) -> bool:
    return bool(text) and (text[0].islower() or text[0] in ",;:)")


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", ":"))


class _Assembler:
    """Walks the rows in order, keeping the findings a following row may belong to."""

    def __init__(self, plan: DraftPlan):
        self.plan = plan
        self.block: list[DraftFinding] = []  # the findings of the last finding cell
        self.waiting: list[DraftAction] = []  # rows after a merged cell, to share among it

    def assemble(self, rows: list[_Row]) -> None:
        for row in rows:
            if row.continues_page and self.plan.findings:
                row = self._join_across_page(row)
            if row.finding:
                self._share_waiting()
                self._new_findings(row)
            elif any(row.cells.values()):
                self._add_row_action(row)
        self._share_waiting()

    def _join_across_page(self, row: _Row) -> _Row:
        """The first row of a page may carry on the last finding and the last action."""
        paragraphs = list(row.finding)
        last = self.plan.findings[-1]
        if paragraphs and (_starts_mid_sentence(paragraphs[0]) or not _ends_sentence(last.text)):
            last.text = f"{last.text} {paragraphs.pop(0)}"
            self.plan.flags.append(f"finding joined across a page break: “{last.text[:60]}…”")
            if not paragraphs and not self.block:
                self.block = [last]
        previous = (
            self.waiting[-1] if self.waiting else (last.actions[-1] if last.actions else None)
        )
        if previous is not None and any(_starts_mid_sentence(v) for v in row.cells.values() if v):
            for name in FIELDS:
                addition = row.cells[name]
                if addition:
                    joined = f"{getattr(previous, _attr(name))} {addition}".strip()
                    setattr(previous, _attr(name), joined)
            previous.flags.append("joined across a page break")
            row = _Row(paragraphs, dict.fromkeys(FIELDS, ""), continues_page=False)
        elif len(paragraphs) < len(row.finding):
            # The cell carried on a finding and this row's action is that finding's (the row's
            # top); any further paragraphs are new findings for the rows that follow.
            if any(row.cells.values()):
                last.actions.append(_action(row))
            self._share_waiting()
            self.block = [last, *(DraftFinding(p) for p in paragraphs)]
            self.plan.findings.extend(self.block[1:])
            row = _Row([], dict.fromkeys(FIELDS, ""), continues_page=False)
        return row

    def _new_findings(self, row: _Row) -> None:
        findings = [DraftFinding(p) for p in row.finding]
        self.plan.findings.extend(findings)
        if any(row.cells.values()):
            findings[0].actions.append(_action(row))
        self.block = findings

    def _add_row_action(self, row: _Row) -> None:
        action = _action(row)
        if len(self.block) > 1:
            self.waiting.append(action)  # shared out when the block ends
        elif self.block:
            self.block[0].actions.append(action)
        else:
            self.plan.flags.append(f"an action before any finding: “{action.text[:60]}”")
            self.plan.findings.append(DraftFinding("(no finding given)", [action]))
            self.block = self.plan.findings[-1:]

    def _share_waiting(self) -> None:
        """Rows after a cell holding several findings: contiguous, in order, by shared words.
        Every finding but the first must get at least one (each finding has an action)."""
        if not self.waiting:
            return
        block, actions = self.block, self.waiting
        cuts = _best_cuts(block, actions)
        for finding_index, action in zip(cuts, actions, strict=True):
            block[finding_index].actions.append(action)
            action.flags.append(
                "placed under this finding by its wording: the document merged several "
                "findings into one cell; check"
            )
        self.waiting = []


def _best_cuts(block: list[DraftFinding], actions: list[DraftAction]) -> list[int]:
    """The finding index for each action: in order, contiguous, every finding after the first
    given at least one (each finding has an action), maximising shared words."""
    n, k = len(actions), len(block)
    score = [[_similarity(a.text, f.text) for f in block] for a in actions]
    nowhere = (float("-inf"), ())

    @functools.cache
    def solve(i: int, j: int) -> tuple[float, tuple[int, ...]]:
        """Action i goes to finding j; the rest stay there or move on to the next finding."""
        if i == n - 1:
            return (score[i][j], (j,)) if j == k - 1 else nowhere
        stay = solve(i + 1, j)
        move = solve(i + 1, j + 1) if j + 1 < k else nowhere
        rest = max(stay, move, key=lambda option: option[0])
        return score[i][j] + rest[0], (j, *rest[1])

    # The first finding may take none of these rows when it already has an action.
    starts = [0, 1] if k > 1 and block[0].actions else [0]
    found = max((solve(0, start) for start in starts), key=lambda option: option[0])
    if found is nowhere or len(found[1]) != n:
        return [min(i, k - 1) for i in range(n)]  # fewer rows than findings: in order
    return list(found[1])


def _words(text: str) -> set[str]:
    return {
        w.rstrip("s")
        for w in re.findall(r"[a-z]+(?:-[a-z]+)?", text.lower())
        if w not in STOPWORDS and len(w) > 2
    }


def _similarity(action: str, finding: str) -> float:
    a, f = _words(action), _words(finding)
    return len(a & f) / len(a) if a else 0.0


def _attr(name: str) -> str:
    return "text" if name == "action" else name


def _action(row: _Row) -> DraftAction:
    cells = row.cells
    return DraftAction(
        cells["action"], cells["lead"], cells["timescale"], cells["evidence"], cells["comments"]
    )


def _check(action: DraftAction, plan: DraftPlan) -> None:
    if not action.text:
        action.flags.append("no action text: the row had only other columns")
    if not action.lead:
        action.flags.append("no lead given")
    if not action.timescale:
        action.flags.append("no timescale given")
    unknown = [
        p
        for p in lead_parts(action.lead, plan.glossary)
        if p.isupper() and p not in plan.glossary and p not in KNOWN_ROLES
    ]
    if unknown:
        action.flags.append("abbreviations not in the glossary: " + ", ".join(unknown))


KNOWN_ROLES = {
    "TM": "Team Manager",
    "ATM": "Assistant Team Manager",
    "ATMS": "Assistant Team Managers",
    "SM": "Safeguarding Manager",
    "LM": "Locality Manager",
    "SW": "Social Worker",
    "FSW": "Family Support Worker",
}


def lead_parts(lead: str, glossary: dict[str, str]) -> list[str]:
    """ "ATM/T/M/SM/LM" → ["ATM", "TM", "SM", "LM"]: a split abbreviation ("T/M") is joined when
    the joined form is known."""
    parts = [p.strip() for p in re.split(r"/|,|\band\b", lead) if p.strip()]
    joined: list[str] = []
    for part in parts:
        if joined and len(part) == 1 and len(joined[-1]) == 1:
            candidate = joined[-1] + part
            if candidate in glossary or candidate in KNOWN_ROLES:
                joined[-1] = candidate
                continue
        joined.append(part)
    return joined


def expand_lead(lead: str, glossary: dict[str, str]) -> str:
    """The lead in words: each abbreviation expanded from the plan's glossary, else Oversight's."""
    names = {**KNOWN_ROLES, **glossary}
    return ", ".join(names.get(p.upper(), names.get(p, p)) for p in lead_parts(lead, glossary))
