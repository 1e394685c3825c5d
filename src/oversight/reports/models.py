"""The report archive: every generated report, kept with what it was generated from.

A report's file is kept on disk under OVERSIGHT_REPORT_DIR (var/reports/ by default), not in
the database: workbooks and PDFs run to megabytes, a year of scheduled reports would double a
small council's database, and backups of the two can then be kept on their own schedules. The
SHA-256 of the content is stored here and checked on every download, so a file changed or
damaged on disk is refused rather than served. Rows are only ever added (`archive.store_report`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Report(models.Model):
    class Kind(models.TextChoices):
        AUDIT_WORKBOOK = "audit_workbook", "Monthly audit workbook"
        MI_PACK_PDF = "mi_pack_pdf", "Management information pack (PDF)"
        MI_PACK_HTML = "mi_pack_html", "Management information pack (web page)"

    class Scope(models.TextChoices):
        COUNCIL = "council", "Council"
        LOCALITY = "locality", "Locality"
        TEAM = "team", "Team"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The unit reported on (reports.units.Unit); its name is kept as it was then.
    scope = models.CharField(max_length=10, choices=Scope.choices)
    scope_id = models.PositiveIntegerField()
    scope_name = models.CharField(max_length=160)
    local_authority = models.ForeignKey("people.LocalAuthority", on_delete=models.PROTECT)
    as_at = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    policy_version = models.PositiveIntegerField(help_text="0 = the documented defaults")
    parameters = models.JSONField(default=dict, help_text="What it was generated from")
    # The headline numbers by measure id, to compare a regeneration with (docs/reports.md).
    figures = models.JSONField(default=dict)
    file_name = models.CharField(max_length=255, help_text="Under OVERSIGHT_REPORT_DIR")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by_name = models.CharField(max_length=150, help_text="Kept if the user is deleted")
    scheduled = models.BooleanField(default=False, help_text="Made by `oversight reports run`")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["scope", "scope_id", "kind", "as_at"], name="report_unit_as_at")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="report_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.scope_name}, as at {self.as_at:%d/%m/%Y}"

    @property
    def extension(self) -> str:
        return self.file_name.rsplit(".", 1)[-1]
