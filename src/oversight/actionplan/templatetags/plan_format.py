"""How the plan reads on a page (actionplan.wording): formatting only, never computing."""

from __future__ import annotations

from django import template

from oversight.actionplan import wording
from oversight.actionplan.models import Action

register = template.Library()


@register.filter
def rag_tag(rag: str) -> str:
    """The GOV.UK tag class for a RAG rating."""
    return wording.RAG_TAGS.get(rag, wording.RAG_TAGS["none"])


@register.filter
def rag_text(rag: str) -> str:
    return wording.rag_label(rag)


@register.filter
def in_unit(value: float | None, unit: str) -> str:
    return wording.value_text(value, unit)


@register.filter
def schedule(action: Action) -> str:
    return wording.schedule_text(action)


@register.filter
def status_label(status: str) -> str:
    """ "in_progress" → "In progress"."""
    try:
        return str(Action.Status(status).label)
    except ValueError:
        return status
