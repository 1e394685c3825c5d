import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.test import Client
from django.urls import reverse

from oversight.audit.models import AuditEvent
from oversight.config.middleware import POLICY

# Every page reads the council's name from the database for its header.
pytestmark = pytest.mark.django_db

INVALID_LOGIN = AuthenticationForm.error_messages["invalid_login"] % {"username": "username"}


@pytest.fixture
def client() -> Client:
    # Check CSRF as a browser would meet it; the default test client skips the check.
    return Client(enforce_csrf_checks=True)


def test_sign_in_page_has_the_form_with_a_csrf_token(client: Client) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert response.templates[0].name == "registration/login.html"
    html = response.content.decode()
    assert f'<form method="post" action="{reverse("login")}" novalidate>' in html
    assert 'type="hidden" name="csrfmiddlewaretoken" value="' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html


@pytest.mark.django_db
def test_wrong_password_shows_the_error_message(client: Client) -> None:
    get_user_model().objects.create_user(username="casey", password="the right password")
    client.get(reverse("login"))  # sets the CSRF cookie, as the browser's first visit would
    token = client.cookies["csrftoken"].value

    response = client.post(
        reverse("login"),
        {"username": "casey", "password": "a wrong password", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [INVALID_LOGIN]
    assert f'<li><a href="#id_username">{INVALID_LOGIN}</a></li>' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_page_carries_the_content_security_policy(client: Client) -> None:
    response = client.get(reverse("login"))

    assert response["Content-Security-Policy"] == POLICY


def test_sign_in_attempts_and_sign_out_are_audited() -> None:
    client = Client()
    get_user_model().objects.create_user("sam", password="a-long-test-password")
    client.post("/sign-in/", {"username": "sam", "password": "wrong"})
    client.post("/sign-in/", {"username": "sam", "password": "a-long-test-password"})
    client.post("/sign-out/")
    events = list(AuditEvent.objects.order_by("id").values_list("kind", "username", "detail"))
    assert events == [
        ("sign_in_failed", "", {"username": "sam"}),
        ("sign_in", "sam", {}),
        ("sign_out", "sam", {}),
    ]
