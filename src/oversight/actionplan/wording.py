"""How the plan reads in words, the same on the page, in the workbook and in the PDF: values in
their unit, targets, schedules and RAG. Formatting only; every number comes from the engine."""

from __future__ import annotations

import datetime as dt

from oversight.actionplan.evidence import AMBER, GREEN, NONE, RAG_LABELS, RED
from oversight.actionplan.models import Action, EvidenceMeasure
from oversight.actionplan.standing import recurrence
from oversight.actionplan.timescales import Every

# GOV.UK tag colours: yellow for amber (GOV.UK's own amber), grey for no data. The words are
# always inside the tag, so colour is never the only signal.
RAG_TAGS = {
    GREEN: "govuk-tag--green",
    AMBER: "govuk-tag--yellow",
    RED: "govuk-tag--red",
    NONE: "govuk-tag--grey",
}
RAG_ORDER = (GREEN, AMBER, RED, NONE)
EVERY_LABELS = {
    Every.WEEK: "Weekly",
    Every.FORTNIGHT: "Fortnightly",
    Every.MONTH: "Monthly",
    Every.TWO_MONTHS: "Every two months",
    Every.QUARTER: "Quarterly",
}
COMPARISON_WORDS = {"gte": "at least", "lte": "at most", "eq": "exactly"}


def rag_label(rag: str) -> str:
    return RAG_LABELS.get(rag, RAG_LABELS[NONE])


def number_text(value: float) -> str:
    """Whole numbers without decimals, others to one place: 96, 90.2."""
    rounded = round(value, 1)
    return f"{rounded:.0f}" if float(rounded).is_integer() else f"{rounded:.1f}"


def value_text(value: float | None, unit: str) -> str:
    if value is None:
        return "No data"
    if unit == "percent":
        return f"{number_text(value)}%"
    if unit == "working_days":
        return f"{number_text(value)} working days"
    return number_text(value)


def target_text(link: EvidenceMeasure, unit: str) -> str:
    """ "at least 85%", "at most 22.6%", "exactly 0"."""
    words = COMPARISON_WORDS.get(link.comparison, link.comparison)
    return f"{words} {value_text(float(link.target), unit)}"


def margin_text(link: EvidenceMeasure, unit: str) -> str:
    return value_text(float(link.amber_margin), unit)


def schedule_text(action: Action) -> str:
    """The timescale as a schedule: "Due 31 May 2011 (Supervision audit)", "Monthly",
    "Due 1 Dec 2010, then ongoing"."""
    parts = []
    if action.due_on:
        due = f"Due {_day(action.due_on)}"
        parts.append(f"{due} ({action.review_point})" if action.review_point else due)
    if action.recurrence:
        every = recurrence(action)
        label = EVERY_LABELS[every] if every else action.recurrence
        parts.append(label if not parts else label.lower())
    if action.ongoing:
        parts.append("Ongoing" if not parts else "ongoing")
    if not parts:
        return "No schedule"
    return ", then ".join(parts)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"
