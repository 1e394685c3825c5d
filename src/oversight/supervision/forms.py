"""The session form: GOV.UK date inputs, the cases discussed and the actions agreed.

Dates come as day/month/year fields (`held_on-day` …), the GOV.UK pattern; each error names the
field it belongs to, so the error summary links to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django import forms

from oversight.supervision.actions import AgreedAction, SessionRecord
from oversight.supervision.models import SupervisionSession
from oversight.supervision.suggestions import CaseToDiscuss

ACTION_ROWS = 3
MAX_MINUTES = 600


@dataclass(frozen=True)
class DateValue:
    day: str
    month: str
    year: str

    @classmethod
    def from_data(cls, data: Mapping[str, str], name: str) -> DateValue:
        return cls(*(data.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year")))

    @classmethod
    def of(cls, day: dt.date | None) -> DateValue:
        return cls(str(day.day), str(day.month), str(day.year)) if day else cls("", "", "")

    @property
    def blank(self) -> bool:
        return not (self.day or self.month or self.year)

    def parse(self) -> dt.date | None:
        """The date, or None when it is not a real date."""
        try:
            return dt.date(int(self.year), int(self.month), int(self.day))
        except ValueError:
            return None


class SessionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=SupervisionSession.Kind.choices,
        error_messages={"required": "Select the kind of session"},
    )
    minutes = forms.IntegerField(
        min_value=1,
        max_value=MAX_MINUTES,
        error_messages={
            "required": "Enter how long the session lasted, in minutes",
            "invalid": "Enter the length in whole minutes, for example 90",
            "min_value": "Enter the length in whole minutes, for example 90",
            "max_value": f"A session cannot be longer than {MAX_MINUTES} minutes",
        },
    )
    reason = forms.CharField(required=False, max_length=300)

    def __init__(
        self,
        data: Mapping[str, str] | None,
        *,
        cases: Sequence[CaseToDiscuss],
        today: dt.date,
        needs_reason: bool = False,
        initial: dict[str, object] | None = None,
    ):
        super().__init__(data, initial=initial)
        self.cases = cases
        self.today = today
        self.needs_reason = needs_reason
        self.record: SessionRecord | None = None
        raw = data or {}
        self.dates = {name: DateValue.from_data(raw, name) for name in ("held_on", "written_up_on")}
        self.decisions = {c.child_id: raw.get(f"decision-{c.child_id}", "").strip() for c in cases}
        self.action_rows = [
            (
                raw.get(f"action-{n}-text", "").strip(),
                DateValue.from_data(raw, f"action-{n}-due"),
            )
            for n in range(1, ACTION_ROWS + 1)
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        held_on = self._held_on()
        written = self._written_up_on(held_on)
        actions = self._actions(held_on)
        if self.needs_reason and not data.get("reason"):
            self.add_error("reason", "Enter why you are changing a written-up record")
        for child_id, text in self.decisions.items():
            if len(text) > 2000:
                self.add_error(
                    None, f"decision-{child_id}|Keep the decision under 2,000 characters"
                )
        if not self.errors and held_on is not None:
            self.record = SessionRecord(
                held_on=held_on,
                kind=data["kind"],
                minutes=data["minutes"],
                written_up_on=written,
                decisions={child: text for child, text in self.decisions.items() if text},
                actions=tuple(actions),
            )
        return data

    def _held_on(self) -> dt.date | None:
        value = self.dates["held_on"]
        day = value.parse()
        if value.blank:
            self._date_error("held_on", "Enter the date the session was held")
        elif day is None:
            self._date_error("held_on", "The date the session was held must be a real date")
        elif day > self.today:
            self._date_error(
                "held_on", "The date the session was held must be today or in the past"
            )
        else:
            return day
        return None

    def _written_up_on(self, held_on: dt.date | None) -> dt.date | None:
        value = self.dates["written_up_on"]
        if value.blank:
            return None
        day = value.parse()
        if day is None:
            self._date_error("written_up_on", "The write-up date must be a real date")
        elif day > self.today:
            self._date_error("written_up_on", "The write-up date must be today or in the past")
        elif held_on and day < held_on:
            self._date_error("written_up_on", "The write-up date must be on or after the session")
        else:
            return day
        return None

    def _actions(self, held_on: dt.date | None) -> list[AgreedAction]:
        actions = []
        for n, (text, due) in enumerate(self.action_rows, start=1):
            if not text and due.blank:
                continue
            day = due.parse()
            if not text:
                self._date_error(f"action-{n}-text", f"Enter what was agreed in action {n}")
            elif len(text) > 300:
                self._date_error(f"action-{n}-text", f"Keep action {n} under 300 characters")
            elif due.blank or day is None:
                self._date_error(f"action-{n}-due", f"Enter a real date action {n} is due by")
            elif held_on and day < held_on:
                self._date_error(
                    f"action-{n}-due", f"Action {n} must be due on or after the session"
                )
            else:
                actions.append(AgreedAction(text, day))
        return actions

    def _date_error(self, field: str, message: str) -> None:
        """Errors for fields outside Django's (dates, actions) as 'field|message'."""
        self.add_error(None, f"{field}|{message}")

    def error_list(self) -> list[tuple[str, str]]:
        """(the id to link to, the message), in the order the fields appear on the page."""
        found: dict[str, str] = {}
        for field in ("held_on", "kind", "minutes", "written_up_on"):
            for error in self.errors.get(field, []):
                found.setdefault(field, str(error))
        for error in self.non_field_errors():
            field, message = str(error).split("|", 1)
            found.setdefault(field, message)
        for error in self.errors.get("reason", []):
            found.setdefault("reason", str(error))
        order = ["held_on", "kind", "minutes", "written_up_on"]
        ranked = sorted(
            found.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)
        )
        return [(_anchor(field), message) for field, message in ranked]

    def error_for(self, field: str) -> str:
        wanted = _anchor(field)
        return next((message for anchor, message in self.error_list() if anchor == wanted), "")


def _anchor(field: str) -> str:
    """Date fields link to their day input (GOV.UK error summary pattern)."""
    if field in ("held_on", "written_up_on") or field.endswith("-due"):
        return f"{field}-day"
    if field == "kind":
        return "kind-0"
    return field
