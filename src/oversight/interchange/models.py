"""Who imported what, when, and what it did: one row per import (dry runs included)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models

from oversight.people.models import LocalAuthority


class ImportRun(models.Model):
    class Kind(models.TextChoices):
        ANNEX_A = "annex-a", "Ofsted Annex A workbook"
        CIN = "cin", "CIN census XML"
        CSV = "csv", "CSV extract"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        RUNNING = "running", "Running"
        CHECKED = "checked", "Checked (dry run)"
        IMPORTED = "imported", "Imported"
        REFUSED = "refused", "Not imported"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    template = models.CharField(max_length=40, blank=True, help_text="CSV template name")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_bytes = models.PositiveBigIntegerField()
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(max_length=150, blank=True, help_text="Kept if the user goes")
    dry_run = models.BooleanField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    rows_read = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    # Where an uploaded file waits between its dry run and the import (deleted afterwards).
    upload_path = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    @property
    def finished(self) -> bool:
        return self.status not in (self.Status.WAITING, self.Status.RUNNING)

    @property
    def may_be_imported(self) -> bool:
        """A clean dry run of an upload still on disk can be imported as it was checked."""
        return (
            self.dry_run
            and self.status == self.Status.CHECKED
            and bool(self.upload_path)
            and Path(self.upload_path).is_file()
        )
