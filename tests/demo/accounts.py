"""The README's demo accounts and their password, for the demo tests (tests/demo and tests/demo/seeded)."""

from django.test import Client

from portal.accounts.enums import RoleKind

DEMO_PASSWORD = "Demo@2025"

# The README's demo accounts: account → (role kind, node name or None when checked separately)
ACCOUNTS = {
    "worker1": (RoleKind.WORKER, None),
    "unit1": (RoleKind.UNIT, None),
    "county1": (RoleKind.COUNTY, "太原市小店区总工会"),
    "city1": (RoleKind.CITY, "太原市总工会"),
    "industry1": (RoleKind.CITY, None),
    "group1": (RoleKind.COUNTY, None),
    "expert1": (RoleKind.EXPERT, None),
    "expert2": (RoleKind.EXPERT, None),
    "expert3": (RoleKind.EXPERT, None),
    "expert4": (RoleKind.EXPERT, None),
    "expert5": (RoleKind.EXPERT, None),
    "committee": (RoleKind.COMMITTEE, "山西省总工会"),
}


def logged_in(username: str) -> Client:
    """A client logged in through the login form, as the README tells a tester to."""
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD},
                           REMOTE_ADDR="10.0.0.9", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/home/"), username
    return client
