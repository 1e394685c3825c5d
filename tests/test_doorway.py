"""Interface code reaches child records only through the scoped doorway (cases.queries)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "oversight"
CHILD_RECORDS = (
    "Child",
    "Contact",
    "Referral",
    "Assessment",
    "Section47",
    "ChildProtectionPlan",
    "ChildProtectionReview",
    "ComplexityAssessment",
    "Allocation",
    "CaseDiscussion",
)
INTERFACE_FILES = ("views.py", "forms.py", "context.py", "urls.py")


def test_views_never_query_child_records_directly() -> None:
    pattern = re.compile(rf"\b({'|'.join(CHILD_RECORDS)})\.objects\b")
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        if path.name in INTERFACE_FILES or "templatetags" in path.parts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
