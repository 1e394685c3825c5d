"""A plan saved from Word as a web page (.html), turned into the Markdown tables with HTML cells
that document.read_plan reads.

Word writes each table as <table>; a cell merged down several rows (the finding beside its
actions) is one <td rowspan>, and the rows below it have one cell fewer. Each is put back as a
blank cell in its column, which is how the Markdown conversion shows a merged cell, so one
reader handles both. Paragraphs and bold inside cells are kept (they tell findings apart);
other markup is dropped. Text outside tables stays as lines (the title, the abbreviations
legend); headings become Markdown headings. Pure Python: no Django.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

KEPT_IN_CELLS = {"p", "br", "b", "strong"}
BLOCKS = {"p", "div", "li", "br", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
SKIPPED = {"script", "style", "head", "title"}


def html_as_markdown(text: str) -> str:
    parser = _PlanParser()
    parser.feed(text)
    parser.close()
    return "\n".join(parser.lines) + "\n"


def looks_like_html(text: str) -> bool:
    head = text[:4000].lower()
    return "<table" in head or "<html" in head


class _PlanParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.text: list[str] = []  # the current line outside tables
        self.heading = 0
        self.skipping = 0
        self.depth = 0  # tables inside tables are read as text of the outer cell
        self.rows: list[list[str]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.spans: dict[int, int] = {}  # column → rows still covered by a cell above
        self._colspan = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping += 1
        elif tag == "table":
            self.depth += 1
            if self.depth == 1:
                self._end_line()
                self.rows, self.spans = [], {}
        elif self.depth == 1 and tag == "tr":
            self.row = []
        elif self.depth == 1 and tag in ("td", "th") and self.row is not None:
            self._fill_spanned()
            self.cell = []
            named = dict(attrs)
            self._span(_number(named.get("rowspan")), _number(named.get("colspan")))
        elif self.cell is not None and tag in KEPT_IN_CELLS:
            self.cell.append(f"<{tag}>")
        elif self.depth == 0 and tag in BLOCKS:
            self._end_line()
            self.heading = int(tag[1]) if tag[0] == "h" and tag[1:].isdigit() else 0

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag == "table":
            self.depth -= 1
            if self.depth == 0:
                self._write_table()
        elif self.depth == 1 and tag in ("td", "th") and self.cell is not None:
            assert self.row is not None
            self.row.append("".join(self.cell).strip())
            self.row.extend("" for _ in range(self._colspan - 1))
            self.cell = None
        elif self.depth == 1 and tag == "tr" and self.row is not None:
            self._fill_spanned()
            self.rows.append(self.row)
            self.row = None
        elif self.cell is not None and tag in KEPT_IN_CELLS - {"br"}:
            self.cell.append(f"</{tag}>")
        elif self.depth == 0 and tag in BLOCKS:
            self._end_line()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.cell is not None:
            # Escaped again: read_plan unescapes cells; a "|" would split the Markdown cell.
            spaced = re.sub(r"\s+", " ", data)
            self.cell.append(html.escape(spaced, quote=False).replace("|", "&#124;"))
        elif self.depth == 0:
            self.text.append(data)

    def _span(self, rowspan: int, colspan: int) -> None:
        assert self.row is not None
        self._colspan = colspan
        if rowspan > 1:
            for column in range(len(self.row), len(self.row) + colspan):
                self.spans[column] = rowspan - 1

    def _fill_spanned(self) -> None:
        """Blank cells where a cell from a row above still reaches down."""
        assert self.row is not None
        while self.spans.get(len(self.row), 0) > 0:
            self.spans[len(self.row)] -= 1
            self.row.append("")

    def _write_table(self) -> None:
        if not self.rows:
            return
        width = max(len(row) for row in self.rows)
        for number, row in enumerate(self.rows):
            cells = row + [""] * (width - len(row))
            self.lines.append("| " + " | ".join(cells) + " |")
            if number == 0:
                self.lines.append("|" + "---|" * width)
        self.lines.append("")
        self.rows = []

    def _end_line(self) -> None:
        line = " ".join("".join(self.text).split())
        if line:
            self.lines.append(f"{'#' * self.heading} {line}" if self.heading else line)
        self.text = []
        self.heading = 0


def _number(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1
