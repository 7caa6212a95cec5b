import io

import pytest
from django.core.management import call_command
from django.test import Client

DEMO_PASSWORD = "Demo@2025"


@pytest.fixture
def seed_output(settings) -> str:
    """The demo seeded once (seed_demo wants DEBUG); what it printed."""
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def logged_in(username: str) -> Client:
    """A client logged in through the login form, as the README tells a tester to."""
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD},
                           REMOTE_ADDR="10.0.0.9", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/home/"), username
    return client
