"""Administrators change the policy through a form; every save is a new, audited version."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from oversight.accounts.roles import AccessRole
from oversight.audit.models import AuditEvent
from oversight.engine.policy import Policy
from oversight.policy.models import PolicyVersion
from oversight.policy.queries import current_policy
from oversight.policy.settings_form import settings_of
from tests.factories import role_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    user = get_user_model().objects.create_user("admin")
    user.groups.add(role_group(AccessRole.ADMINISTRATOR))
    client = Client()
    client.force_login(user)
    return client


def _form(**changes: str) -> dict[str, str]:
    data = {s.path: s.value for s in settings_of(Policy())}
    data.update(changes)
    return data


def test_defaults_are_in_force_until_changed() -> None:
    assert current_policy() == (Policy(), 0)


def test_saving_creates_a_version_and_records_what_changed(admin_client: Client) -> None:
    response = admin_client.post(
        "/settings/policy/",
        _form(
            **{
                "timescales.initial_assessment_days": "10",
                "caseload.complexity_weights.4": "12",
                "note": "Adopt WT 2010's 10 days",
            }
        ),
    )
    assert response.status_code == 302
    policy, number = current_policy()
    assert (number, policy.timescales.initial_assessment_days) == (1, 10)
    assert policy.caseload.complexity_weights[4] == 12
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CHANGE)
    assert event.detail["changes"] == {
        "timescales.initial_assessment_days": [7, 10],
        "caseload.complexity_weights.4": [10, 12],
    }


def test_a_bad_value_says_what_to_fix_and_saves_nothing(admin_client: Client) -> None:
    response = admin_client.post(
        "/settings/policy/",
        _form(
            **{
                "timescales.icpc_days": "fifteen",
                "note": "typo",
            }
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "timescales.icpc_days: must be a whole number" in html
    assert 'value="fifteen"' in html  # the typed value is kept for correcting
    assert PolicyVersion.objects.count() == 0


def test_a_reason_is_required(admin_client: Client) -> None:
    response = admin_client.post("/settings/policy/", _form())
    assert response.status_code == 400
    assert "Enter why the policy is changing" in response.content.decode()
    assert PolicyVersion.objects.count() == 0


def test_only_administrators_see_the_policy_page() -> None:
    user = get_user_model().objects.create_user("tm")
    user.groups.add(role_group(AccessRole.TEAM_MANAGER))
    client = Client()
    client.force_login(user)
    assert client.get("/settings/policy/").status_code == 404
