"""A plan from a file of any kind the council has it in, by the file's suffix: a workbook
(.xlsx, the export's layout), a web page saved from Word (.html), or the Markdown a Word or PDF
conversion gives (.md, .txt). The command line and the import page both read through here."""

from __future__ import annotations

from pathlib import Path

from oversight.actionplan.document import DraftPlan, read_plan
from oversight.actionplan.html_plan import html_as_markdown, looks_like_html
from oversight.actionplan.workbook import read_workbook

WORKBOOK = ".xlsx"


def read_plan_file(path: Path) -> DraftPlan:
    """Raises interchange.safety.FileRefused for a workbook that is not safe to open."""
    if path.suffix.lower() == WORKBOOK:
        return read_workbook(path)
    return read_plan_text(decode(path.read_bytes()), html=path.suffix.lower() in (".html", ".htm"))


def read_plan_text(text: str, *, html: bool = False) -> DraftPlan:
    if html or (looks_like_html(text) and not _has_markdown_table(text)):
        text = html_as_markdown(text)
    return read_plan(text)


def decode(data: bytes) -> str:
    """UTF-8 (with or without Word's byte-order mark), else Windows' own encoding."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _has_markdown_table(text: str) -> bool:
    return any(line.lstrip().startswith("|") for line in text.splitlines())
