"""The plan's forms: a progress update, a note of evidence, a measure link, a plan upload and the
import's save step. Dates are GOV.UK day/month/year inputs; every error names the element it
belongs to, so the error summary can link to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django import forms

from oversight.actionplan.actions import NewInspection
from oversight.actionplan.models import Action, EvidenceMeasure, Inspection
from oversight.engine.measures import REGISTRY

MAX_TEXT = 5000
MAX_DOCUMENT_MB = 10
PLAN_MAX_MB = 5
# Evidence documents: what each kind of file begins with, so a renamed program is refused.
DOCUMENT_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
PLAN_SUFFIXES = (".md", ".txt", ".html", ".htm", ".xlsx")


@dataclass(frozen=True)
class DateParts:
    day: str
    month: str
    year: str

    @classmethod
    def from_data(cls, data: Mapping[str, Any], name: str) -> DateParts:
        return cls(*(str(data.get(f"{name}-{p}", "")).strip() for p in ("day", "month", "year")))

    @classmethod
    def of(cls, day: dt.date | None) -> DateParts:
        return cls(str(day.day), str(day.month), str(day.year)) if day else cls("", "", "")

    @property
    def blank(self) -> bool:
        return not (self.day or self.month or self.year)

    def parse(self) -> dt.date | None:
        try:
            return dt.date(int(self.year), int(self.month), int(self.day))
        except ValueError:
            return None


class _Form(forms.Form):
    """Errors as (element id, message) for the GOV.UK error summary."""

    anchors: dict[str, str] = {}

    def error_list(self) -> list[tuple[str, str]]:
        return [
            (self.anchors.get(name, f"{self.prefix}-{name}"), str(message))
            for name, messages in self.errors.items()
            for message in messages
        ]

    def error_for(self, name: str) -> str:
        messages = self.errors.get(name)
        return str(messages[0]) if messages else ""


class UpdateForm(_Form):
    text = forms.CharField(
        max_length=MAX_TEXT,
        error_messages={
            "required": "Enter the progress update",
            "max_length": f"Keep the update under {MAX_TEXT:,} characters",
        },
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Keep the status as it is"), *Action.Status.choices]
    )
    completed_on = forms.DateField(required=False)  # read from day/month/year in clean()
    anchors = {"completed_on": "update-completed_on-day"}

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, may_change_status: bool, today: dt.date
    ):
        super().__init__(data, prefix="update")
        self.today = today
        if not may_change_status:
            del self.fields["status"]
        self.completed = (
            DateParts.from_data(data, "update-completed_on") if data else DateParts.of(today)
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["completed_on"] = None
        if data.get("status") == Action.Status.COMPLETED:
            data["completed_on"] = self._completed_on()
        return data

    def _completed_on(self) -> dt.date | None:
        day = self.completed.parse()
        if self.completed.blank:
            self.add_error("completed_on", "Enter the date the action was completed")
        elif day is None:
            self.add_error("completed_on", "The completion date must be a real date")
        elif day > self.today:
            self.add_error("completed_on", "The completion date must be today or in the past")
        return day


class NoteForm(_Form):
    text = forms.CharField(
        max_length=MAX_TEXT,
        error_messages={
            "required": "Enter the evidence",
            "max_length": f"Keep the note under {MAX_TEXT:,} characters",
        },
    )
    document = forms.FileField(required=False)

    def __init__(self, data: Mapping[str, Any] | None = None, files: Any = None):
        super().__init__(data, files, prefix="note")

    def clean_document(self) -> Any:
        upload = self.cleaned_data.get("document")
        if not upload:
            return None
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in DOCUMENT_MAGIC:
            raise forms.ValidationError("The document must be a PDF, Word, Excel, PNG or JPG file")
        if upload.size > MAX_DOCUMENT_MB * 1024 * 1024:
            raise forms.ValidationError(f"The document must be smaller than {MAX_DOCUMENT_MB} MB")
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(DOCUMENT_MAGIC[suffix]):
            raise forms.ValidationError(f"The document is not a real {suffix} file")
        return upload


def measure_choices() -> list[tuple[str, str]]:
    measures = sorted(REGISTRY.measures.values(), key=lambda m: m.title)
    return [("", "Choose a measure"), *((m.id, f"{m.title} ({m.id})") for m in measures)]


class MeasureForm(_Form):
    measure = forms.ChoiceField(error_messages={"required": "Choose a measure"})
    comparison = forms.ChoiceField(
        choices=EvidenceMeasure.Comparison.choices,
        error_messages={"required": "Choose how the value should compare with the target"},
    )
    target = forms.DecimalField(
        max_digits=8,
        decimal_places=2,
        error_messages={
            "required": "Enter the target",
            "invalid": "Enter the target as a number, for example 85",
        },
    )
    margin = forms.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal(0),
        error_messages={
            "required": "Enter the margin that is close to target",
            "invalid": "Enter the margin as a number, for example 5",
            "min_value": "The margin cannot be below 0",
        },
    )
    breakdown = forms.CharField(required=False, max_length=60)

    def __init__(self, data: Mapping[str, Any] | None = None):
        super().__init__(data, prefix="measure", initial={"comparison": "gte", "margin": 5})
        self.fields["measure"].choices = measure_choices()  # type: ignore[attr-defined]


class PlanUploadForm(_Form):
    file = forms.FileField(error_messages={"required": "Select the plan to import"})

    def __init__(self, data: Mapping[str, Any] | None = None, files: Any = None):
        super().__init__(data, files, prefix="plan")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in PLAN_SUFFIXES:
            raise forms.ValidationError(
                "The plan must be a .md, .txt or .html document, or an .xlsx workbook"
            )
        if upload.size > PLAN_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(f"The plan must be smaller than {PLAN_MAX_MB} MB")
        return upload


class SaveForm(_Form):
    """Where the reviewed plan goes: an inspection held, or a new one."""

    target = forms.ChoiceField(
        choices=[("existing", "An inspection already held"), ("new", "A new inspection")],
        error_messages={"required": "Choose where to save the plan"},
    )
    inspection = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    body = forms.CharField(required=False, max_length=60)
    kind = forms.CharField(required=False, max_length=120)
    # Read from day/month/year inputs in clean(); declared so their errors have a place.
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)
    published = forms.DateField(required=False)
    anchors = {
        "target": "save-target-0",
        "start": "save-start-day",
        "end": "save-end-day",
        "published": "save-published-day",
    }

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        inspections: list[Inspection],
        initial: dict[str, Any] | None = None,
    ):
        super().__init__(data, prefix="save", initial=initial)
        self.inspections = {i.pk: i for i in inspections}
        self.fields["inspection"].choices = [  # type: ignore[attr-defined]
            ("", "Choose an inspection"),
            *((i.pk, str(i)) for i in inspections),
        ]
        source = data if data is not None else {}
        dates = initial or {}
        self.dates = {
            name: DateParts.from_data(source, f"save-{name}")
            if data is not None
            else DateParts.of(dates.get(name))
            for name in ("start", "end", "published")
        }
        self.into: Inspection | NewInspection | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") == "existing":
            chosen = self.inspections.get(data.get("inspection") or 0)
            if chosen is None:
                self.add_error("inspection", "Choose the inspection to add the plan to")
            self.into = chosen
        elif data.get("target") == "new":
            self.into = self._new(data)
        return data

    def _new(self, data: dict[str, Any]) -> NewInspection | None:
        if not data.get("body"):
            self.add_error("body", "Enter the inspecting body, for example Ofsted")
        if not data.get("kind"):
            self.add_error("kind", "Enter what was inspected")
        start = self._date("start", "the first day of the inspection", required=True)
        end = self._date("end", "the last day of the inspection", required=True)
        published = self._date("published", "the date the report was published", required=False)
        if start and end and end < start:
            self.add_error("end", "The last day must be on or after the first day")
        if end and published and published < end:
            self.add_error("published", "The report must be published after the inspection")
        if self.errors or start is None or end is None:
            return None
        return NewInspection(data["body"], data["kind"], start, end, published)

    def _date(self, name: str, words: str, *, required: bool) -> dt.date | None:
        parts = self.dates[name]
        day = parts.parse()
        if parts.blank:
            if required:
                self.add_error(name, f"Enter {words}")
            return None
        if day is None:
            self.add_error(name, f"Enter {words} as a real date")
        return day
