"""Every measure family. Importing this package fills `oversight.engine.registry.REGISTRY`,
in the order the families are listed here (the order reports and docs/measures.md use)."""

from oversight.engine.measures import (  # noqa: F401, I001 - registered in this order
    referrals,
    timeliness,
    caseloads,
    supervision,
    eligibility,
)
from oversight.engine.registry import REGISTRY

__all__ = ["REGISTRY"]
