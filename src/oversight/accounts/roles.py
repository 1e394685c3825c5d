"""Access roles are Django groups; each grants one breadth of scope over child records.

The job a worker does (Worker.role) and what a user may see (their group) are separate: an
information officer may have no caseload, a team manager also holds a few cases.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class AccessRole(StrEnum):
    WORKER = "Case worker"  # social worker, ASYE, family support worker: their own cases
    ASSISTANT_TEAM_MANAGER = "Assistant team manager"  # their supervisees' cases and their own
    TEAM_MANAGER = "Team manager"  # the whole team
    SAFEGUARDING_MANAGER = "Safeguarding manager"  # the locality, read-only
    LOCALITY_MANAGER = "Locality manager"  # the locality, read-only
    INFORMATION_OFFICER = "Information officer"  # the whole council
    # Users and settings. No child data by this role alone (issue 9's matrix): an administrator
    # who also holds cases or manages a team is given that role as well.
    ADMINISTRATOR = "Administrator"


class Breadth(IntEnum):
    """How far a user's view reaches; a user with several roles gets the widest."""

    NONE = 0
    OWN = 1
    SUPERVISEES = 2
    TEAM = 3
    LOCALITY = 4
    COUNCIL = 5


BREADTH = {
    AccessRole.WORKER: Breadth.OWN,
    AccessRole.ASSISTANT_TEAM_MANAGER: Breadth.SUPERVISEES,
    AccessRole.TEAM_MANAGER: Breadth.TEAM,
    AccessRole.SAFEGUARDING_MANAGER: Breadth.LOCALITY,
    AccessRole.LOCALITY_MANAGER: Breadth.LOCALITY,
    AccessRole.INFORMATION_OFFICER: Breadth.COUNCIL,
    AccessRole.ADMINISTRATOR: Breadth.NONE,
}

# The roles that work with children's cases, so may ask for break-glass access to one outside
# their reach (accounts.break_glass). Information officers already see the whole council.
CASE_ROLES = frozenset(
    {
        AccessRole.WORKER,
        AccessRole.ASSISTANT_TEAM_MANAGER,
        AccessRole.TEAM_MANAGER,
        AccessRole.SAFEGUARDING_MANAGER,
        AccessRole.LOCALITY_MANAGER,
    }
)
