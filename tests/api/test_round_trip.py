"""The round trip (issue 10's tests): the demo council's activity fed through the API into an
empty database gives the same measures as the demo loaded directly.

The empty database holds only what an administrator sets up before any data arrives: the
council, its locality and its teams. Everything else (workers, absences, children and their
activity, allocations, supervision sessions) arrives in one feed, by natural keys.

Every measure is compared: contact outcomes, complexity re-assessments and the cases discussed
in supervision arrive in the feed too.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client

from oversight.accounts.roles import AccessRole
from oversight.api.actions import create_service_token
from oversight.cases.models import Child
from oversight.demo.generator import generate
from oversight.demo.loader import load_demo, remove_demo
from oversight.engine.measures import REGISTRY
from oversight.people.models import LocalAuthority, Locality, Team, Worker
from tests.api.demo_feed import demo_feed
from tests.factories import make_user

AS_AT = dt.date(2026, 11, 27)


def _measures(client: Client, token: str) -> dict[str, Any]:
    """Every measure over the council, with breakdowns by team or worker keyed by name rather
    than by database id (ids differ between the two loads; names are the natural keys)."""
    response = client.get(
        "/api/v1/measure-values", {"as_at": AS_AT}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    names = {f"team:{pk}": f"team:{name}" for pk, name in Team.objects.values_list("id", "name")}
    names |= {
        f"worker:{pk}": f"worker:{name}" for pk, name in Worker.objects.values_list("id", "name")
    }
    # The FSW audit gives each child's days in breach, keyed by the child.
    names |= {
        f"days:{pk}": f"days:{child}"
        for pk, child in Child.objects.values_list("id", "la_child_id")
    }
    return {
        measure_id: value
        | {"breakdown": {names.get(k, k): v for k, v in value["breakdown"].items()}}
        for measure_id, value in response.json()["measures"].items()
    }


def _empty_council_like(council: Any) -> None:
    """An administrator's set-up: the council, its localities and teams, nothing else."""
    la = LocalAuthority.objects.create(
        code=council.local_authority.code, name=council.local_authority.name
    )
    for locality in council.localities:
        made = Locality.objects.create(local_authority=la, name=locality.name)
        for team in council.teams:
            Team.objects.create(locality=made, name=team.name, kind=team.kind)


def test_the_demo_fed_through_the_api_gives_the_same_measures(db: None, client: Client) -> None:
    council = generate(as_at=AS_AT)
    load_demo(as_at=AS_AT)
    admin = make_user("administrator", AccessRole.ADMINISTRATOR)
    token = create_service_token(by=admin, name="Nightly feed", access="read_write", days=30)
    direct = _measures(client, token.secret)

    remove_demo()
    _empty_council_like(council)
    response = client.post(
        "/api/v1/activity",
        json.dumps(demo_feed(council)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token.secret}",
    )
    fed = _measures(client, token.secret)

    assert response.status_code == 200, response.json()["errors"][:5]
    assert response.json()["warnings"] == []
    assert set(fed) == set(REGISTRY.measures)
    assert fed == direct
    assert direct["referrals.count"]["value"] == 1869 - _referrals_before_the_period(council)


def _referrals_before_the_period(council: Any) -> int:
    """Referrals dated before the default period (the 12 months to AS_AT): the count is of
    those within it (R-RR-2)."""
    start = dt.date(2025, 11, 28)
    return sum(1 for referral in council.referrals if referral.date < start)
