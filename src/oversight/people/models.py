"""The council's structure and its workforce (domain.md §1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class LocalAuthority(models.Model):
    code = models.CharField(max_length=3, unique=True, help_text="DfE LA code, e.g. 999")
    name = models.CharField(max_length=120)

    class Meta:
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name


class Locality(models.Model):
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE)
    name = models.CharField(max_length=120)

    class Meta:
        verbose_name_plural = "localities"
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "name"], name="locality_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    class Kind(models.TextChoices):
        REFERRAL_ASSESSMENT = "R&A", "Referral and assessment"
        SAFEGUARDING = "SG", "Safeguarding"
        CHILDREN_IN_NEED = "CIN", "Children in need / looked after"
        OTHER = "OTHER", "Other"

    locality = models.ForeignKey(Locality, on_delete=models.CASCADE)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["locality", "name"], name="team_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Worker(models.Model):
    """A member of staff. Experience grade is derived by the engine, never typed in."""

    class Role(models.TextChoices):
        TEAM_MANAGER = "TM", "Team manager"
        ASSISTANT_TEAM_MANAGER = "ATM", "Assistant team manager"
        SENIOR_PRACTITIONER = "SP", "Senior practitioner"
        SOCIAL_WORKER = "SW", "Social worker"
        FAMILY_SUPPORT_WORKER = "FSW", "Family support worker"
        SAFEGUARDING_MANAGER = "SM", "Safeguarding manager"
        LOCALITY_MANAGER = "LM", "Locality manager"
        INFORMATION_OFFICER = "IO", "Information officer"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=4, choices=Role.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT)
    # Managers above team level (SM, LM) belong to a locality instead of a team.
    locality = models.ForeignKey(Locality, null=True, blank=True, on_delete=models.PROTECT)
    qualified = models.BooleanField(default=False, help_text="Social-work qualified")
    qualification_date = models.DateField(null=True, blank=True)
    start_date = models.DateField(help_text="Start in post")
    end_date = models.DateField(null=True, blank=True, help_text="Left post")
    fte = models.DecimalField("FTE", max_digits=3, decimal_places=2, default=1)
    agency = models.BooleanField(default=False)
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supervisees"
    )
    swe_number = models.CharField("Social Work England number", max_length=20, blank=True)
    # An Annex A import knows a worker only by name: their details are then still to confirm.
    needs_details = models.BooleanField(
        default=False,
        help_text="Created by an import from a name alone: confirm role, qualification, "
        "start date and FTE",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=1), name="worker_fte_between_0_and_1"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="worker_leaves_after_starting",
            ),
            # Qualified and qualification date go together.
            models.CheckConstraint(
                condition=Q(qualified=True, qualification_date__isnull=False)
                | Q(qualified=False, qualification_date__isnull=True),
                name="worker_qualified_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(supervisor=F("id")), name="worker_not_own_supervisor"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def home_locality_id(self) -> int | None:
        return self.team.locality_id if self.team_id and self.team else self.locality_id


class Absence(models.Model):
    """Planned absence: reduces capacity pro rata (R-CL-3)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="absences")
    start_date = models.DateField()
    end_date = models.DateField()
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="absence_ends_after_start"
            )
        ]
