"""The import's review step: the draft travels between the review page and the save as a signed
hidden field (django.core.signing), so nothing is lost and nothing can be slipped in; the
reviewer's choice of finding for each action is applied before saving."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing

from oversight.actionplan.document import DraftAction, DraftFinding, DraftPlan

SALT = "oversight.actionplan.import"
PLACED_BY_WORDING = "placed under this finding by its wording"


class DraftUnreadable(ValueError):
    """The signed draft was changed, is for another council, or is too old."""


@dataclass(frozen=True)
class SignedDraft:
    plan: DraftPlan
    file_name: str


def sign_draft(plan: DraftPlan, *, council_id: int, file_name: str) -> str:
    payload = {"council": council_id, "file": file_name, "plan": plan_to_dict(plan)}
    return signing.dumps(payload, salt=SALT, compress=True)


def unsign_draft(token: str, *, council_id: int) -> SignedDraft:
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.SESSION_COOKIE_AGE)
    except signing.BadSignature as error:  # SignatureExpired is one too
        raise DraftUnreadable(str(error)) from None
    if payload.get("council") != council_id:
        raise DraftUnreadable("the draft is for another council")
    return SignedDraft(plan_from_dict(payload["plan"]), str(payload.get("file", "")))


def plan_to_dict(plan: DraftPlan) -> dict[str, Any]:
    return {
        "title": plan.title,
        "glossary": plan.glossary,
        "flags": plan.flags,
        "findings": [
            {"text": f.text, "actions": [_action_to_dict(a) for a in f.actions]}
            for f in plan.findings
        ],
    }


def _action_to_dict(action: DraftAction) -> dict[str, Any]:
    return {
        "text": action.text,
        "lead": action.lead,
        "timescale": action.timescale,
        "evidence": action.evidence,
        "comments": action.comments,
        "flags": action.flags,
        "status": action.status,
        "completed_on": action.completed_on.isoformat() if action.completed_on else None,
    }


def plan_from_dict(data: dict[str, Any]) -> DraftPlan:
    findings = [
        DraftFinding(f["text"], [_action_from_dict(a) for a in f["actions"]])
        for f in data["findings"]
    ]
    return DraftPlan(findings, dict(data["glossary"]), list(data["flags"]), data["title"])


def _action_from_dict(data: dict[str, Any]) -> DraftAction:
    completed = data.get("completed_on")
    return DraftAction(
        text=data["text"],
        lead=data["lead"],
        timescale=data["timescale"],
        evidence=data["evidence"],
        comments=data["comments"],
        flags=list(data["flags"]),
        status=data.get("status", ""),
        completed_on=dt.date.fromisoformat(completed) if completed else None,
    )


def placements(plan: DraftPlan) -> list[int]:
    """Each action's finding (its index), actions numbered through the whole plan."""
    return [index for index, f in enumerate(plan.findings) for _action in f.actions]


def with_moves(plan: DraftPlan, chosen: list[int]) -> DraftPlan:
    """The plan with each action under the finding the reviewer chose, in the document's
    order. An action the reviewer moved loses the "placed by its wording" flag: a person has
    placed it now."""
    findings = [DraftFinding(f.text) for f in plan.findings]
    for action, was, now in zip(plan.actions, placements(plan), chosen, strict=True):
        flags = action.flags
        if now != was:
            flags = [f for f in flags if not f.startswith(PLACED_BY_WORDING)]
        findings[now].actions.append(
            DraftAction(
                action.text,
                action.lead,
                action.timescale,
                action.evidence,
                action.comments,
                list(flags),
                action.status,
                action.completed_on,
            )
        )
    return DraftPlan(findings, dict(plan.glossary), list(plan.flags), plan.title)
