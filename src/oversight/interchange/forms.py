"""The upload form: what kind of file, and the file."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings

from oversight.interchange.models import ImportRun

EXTENSIONS = {
    ImportRun.Kind.ANNEX_A: (".xlsx",),
    ImportRun.Kind.CIN: (".xml",),
    ImportRun.Kind.CSV: (".csv", ".txt"),
}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is the file?",
        choices=ImportRun.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the file is"},
    )
    file = forms.FileField(
        label="Upload a file", error_messages={"required": "Select the file to import"}
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        kind, upload = data.get("kind"), data.get("file")
        if not kind or not upload:
            return data
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in EXTENSIONS[kind]:
            wanted = " or ".join(EXTENSIONS[kind])
            self.add_error("file", f"The selected file must be a {wanted} file")
        limit = settings.OVERSIGHT_IMPORT_MAX_MB
        if upload.size and upload.size > limit * 1024 * 1024:
            self.add_error("file", f"The selected file must be smaller than {limit} MB")
        return data
