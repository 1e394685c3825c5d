"""Case activity (domain.md §2): the records imported from Annex A / CIN census or entered here.

One child is one case (DfE convention). Code values (referral source, need, closure reason,
category of abuse) are validated against the code sets in engine/codesets, not hard-coded here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from oversight.people.models import LocalAuthority, Team, Worker


class Child(models.Model):
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT)
    la_child_id = models.CharField("LA child ID", max_length=40)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True, help_text="Census code: M, F, U")
    ethnicity = models.CharField(max_length=4, blank=True)
    disability = models.BooleanField(null=True, blank=True)
    # The team responsible for the case now, allocated or not (the allocation queue's owner).
    responsible_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    # Children of one family share a reference, so siblings can be allocated together (R-AL-2).
    family_reference = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name_plural = "children"
        ordering = ["la_child_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "la_child_id"], name="child_id_unique_in_la"
            )
        ]

    def __str__(self) -> str:
        return self.la_child_id


class Contact(models.Model):
    class Outcome(models.TextChoices):
        NFA = "NFA", "No further action"
        ADVICE = "ADVICE", "Advice and information"
        EARLY_HELP = "EARLY_HELP", "Early help"
        REFERRAL = "REFERRAL", "Progressed to referral"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField()
    source = models.CharField(max_length=3)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    decision_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_date__isnull=True) | Q(decision_date__gte=F("date")),
                name="contact_decided_after_received",
            )
        ]


class Referral(models.Model):
    """A referral opens an episode of need; a child never has two open at once."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="referrals")
    date = models.DateField(help_text="Referral date = episode start")
    source = models.CharField(max_length=3)
    nfa = models.BooleanField("No further action", default=False)
    primary_need = models.CharField(max_length=2, blank=True)
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(closure_date__isnull=True),
                name="one_open_episode_per_child",
            ),
            models.CheckConstraint(
                condition=Q(closure_date__isnull=True) | Q(closure_date__gte=F("date")),
                name="referral_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(closure_date__isnull=True, closure_reason="")
                | Q(closure_date__isnull=False) & ~Q(closure_reason=""),
                name="referral_closure_date_and_reason_together",
            ),
        ]


class Assessment(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial assessment"
        CORE = "core", "Core assessment"
        SINGLE = "single", "Single (child and family) assessment"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="assessments")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.SET_NULL)
    start_date = models.DateField()
    authorised_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=60, blank=True)
    delay_reason = models.TextField("Reason for delay", blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(authorised_date__isnull=True) | Q(authorised_date__gte=F("start_date")),
                name="assessment_authorised_after_start",
            )
        ]


class Section47(models.Model):
    class IcpcResult(models.TextChoices):
        PLAN = "PLAN", "Child protection plan"
        NO_PLAN = "NO_PLAN", "No plan"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="section47s")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.SET_NULL)
    strategy_date = models.DateField("Strategy discussion")
    lead_worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.SET_NULL)
    end_date = models.DateField(null=True, blank=True)
    icpc_not_required = models.BooleanField("ICPC not required", default=False)
    icpc_date = models.DateField("ICPC date", null=True, blank=True)
    icpc_result = models.CharField(max_length=8, choices=IcpcResult.choices, blank=True)

    class Meta:
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"
        constraints = [
            models.CheckConstraint(
                condition=Q(icpc_date__isnull=True) | Q(icpc_date__gte=F("strategy_date")),
                name="icpc_after_strategy_discussion",
            ),
            models.CheckConstraint(
                condition=Q(icpc_not_required=False) | Q(icpc_date__isnull=True),
                name="icpc_date_only_when_required",
            ),
            models.CheckConstraint(
                condition=Q(icpc_result="") | Q(icpc_date__isnull=False),
                name="icpc_result_needs_date",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("strategy_date")),
                name="s47_ends_after_strategy_discussion",
            ),
        ]


class ChildProtectionPlan(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="cp_plans")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    category = models.CharField("Category of abuse", max_length=3)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="cp_plan_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["child"], condition=Q(end_date__isnull=True), name="one_open_cp_plan"
            ),
        ]


class ChildProtectionReview(models.Model):
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "date"], name="one_review_per_plan_per_day")
        ]


class ComplexityLevel(models.IntegerChoices):
    """R-CL-2 levels."""

    CIN_LOW = 1, "1 – child in need (low)"
    CIN_COMPLEX = 2, "2 – child in need (complex) or open assessment"
    CHILD_PROTECTION = 3, "3 – child protection, s47 or pre-proceedings"
    PROCEEDINGS = 4, "4 – care proceedings or exceptionally complex"


class ComplexityAssessment(models.Model):
    """A case's complexity, re-assessed over time; the history is kept (R-CL-2)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="complexity_history")
    level = models.PositiveSmallIntegerField(choices=ComplexityLevel.choices)
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["assessed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4), name="complexity_level_1_to_4"
            )
        ]


class Allocation(models.Model):
    """Who holds a case, from when, and why (R-CL-1, R-AL-3)."""

    class Role(models.TextChoices):
        CASE_HOLDER = "holder", "Case holder"
        CO_WORKER = "co", "Co-worker"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="allocations")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="allocations")
    role = models.CharField(max_length=6, choices=Role.choices, default=Role.CASE_HOLDER)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    complexity_level = models.PositiveSmallIntegerField(choices=ComplexityLevel.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allocation_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    recommendation_shown = models.JSONField(default=dict, blank=True)
    rationale = models.TextField(blank=True)
    override_reason = models.TextField(blank=True, help_text="Manager override of a hard rule")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(role="holder", end_date__isnull=True),
                name="one_case_holder_at_a_time",
            ),
            models.UniqueConstraint(
                fields=["child", "worker"],
                condition=Q(end_date__isnull=True),
                name="one_open_allocation_per_worker_and_child",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="allocation_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, end_reason="")
                | Q(end_date__isnull=False) & ~Q(end_reason=""),
                name="allocation_end_date_and_reason_together",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True, decided_at__isnull=True)
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="allocation_decided_by_and_at_together",
            ),
            models.CheckConstraint(
                condition=Q(complexity_level__gte=1) & Q(complexity_level__lte=4),
                name="allocation_complexity_1_to_4",
            ),
        ]
