"""Permission matrix: each action × each role × inside / outside the role's scope.

Outcomes: "ok" (the action happened), "403" (the entry is in the user's review scope but the step is not
theirs), "404" (outside the scope), "login" (anonymous), "listed"/"absent" (queue), "200" (page).
Each role's attempt runs in a savepoint that is rolled back, so all roles meet the same entry.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from portal.campaigns.enums import AwardKind
from portal.campaigns.models import AwardLevel
from review.models import TierGrade, Transition
from submissions.enums import EntryState, Tier, TransitionAction
from submissions.models import Entry
from tests.factories import ready

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "author", "unit", "unit_other", "county", "county_other", "city", "city_other",
         "industry", "committee", "expert"]
NOBODY = dict.fromkeys(ROLES, "404") | {"anonymous": "login"}


class Rollback(Exception):
    pass


def attempt(client, user, do) -> str:
    try:
        with transaction.atomic():
            client.logout()
            if user is not None:
                client.force_login(user)
            raise Rollback(do())
    except Rollback as result:
        return result.args[0]


def classify(response, changed) -> str:
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    if response.status_code in (403, 404):
        return str(response.status_code)
    assert response.status_code == 302, response.status_code
    return "ok" if changed() else "refused"


def user_for(people, role):
    return None if role == "anonymous" else people["worker" if role == "author" else role]


def entry_at(people, campaign, state, tier, *, last_by=None):
    entry = ready(people["worker"], campaign, state=state, tier=tier)
    if last_by is not None:
        action, acting, from_state, from_tier = last_by
        Transition.objects.create(entry=entry, actor=None, action=action, from_state=from_state, to_state=state,
                                  from_tier=from_tier, to_tier=tier, acting_tier=acting)
    return entry


ACTION_CASES = {
    # name: (entry state, tier, last step, post data, expected outcomes)
    "recommend": (EntryState.SUBMITTED, Tier.UNIT, None, {},
                  NOBODY | {"unit": "ok"}),
    "forward": (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW, None, {},
                NOBODY | {"unit": "403", "county": "ok"}),
    "recommend_province": (EntryState.FIRST_FORWARDED, Tier.SELECTION, None, {},
                           NOBODY | {"unit": "403", "county": "403", "city": "ok"}),
    "return@unit": (EntryState.SUBMITTED, Tier.UNIT, None, {"reason": "请修改"},
                    NOBODY | {"unit": "ok"}),
    "return@county": (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW, None, {"reason": "请修改"},
                      NOBODY | {"unit": "403", "county": "ok"}),
    "return@city": (EntryState.FIRST_FORWARDED, Tier.SELECTION, None, {"reason": "请修改"},
                    NOBODY | {"unit": "403", "county": "403", "city": "ok"}),
    "reject@county": (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW, None, {"reason": "不符合"},
                      NOBODY | {"unit": "403", "county": "ok"}),
    "reject@city": (EntryState.FIRST_FORWARDED, Tier.SELECTION, None, {"reason": "不符合"},
                    NOBODY | {"unit": "403", "county": "403", "city": "ok"}),
    "undo@county": (EntryState.FIRST_FORWARDED, Tier.SELECTION,
                    (TransitionAction.FORWARD, Tier.FIRST_REVIEW, EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW), {},
                    NOBODY | {"unit": "403", "county": "ok", "city": "403"}),
    "undo@city": (EntryState.PROVINCE_RECOMMENDED, Tier.PROVINCE,
                  (TransitionAction.RECOMMEND_PROVINCE, Tier.SELECTION, EntryState.FIRST_FORWARDED, Tier.SELECTION),
                  {}, NOBODY | {"unit": "403", "county": "403", "city": "ok", "committee": "403"}),
}


@pytest.mark.parametrize("case", list(ACTION_CASES))
def test_permission_matrix_actions(client, people, campaign, case):
    state, tier, last_by, data, expected = ACTION_CASES[case]
    entry = entry_at(people, campaign, state, tier, last_by=last_by)
    url = reverse(f"review:{case.split('@')[0]}", args=[entry.pk])

    def changed():
        return Entry.objects.filter(pk=entry.pk).exclude(state=state, tier=tier).exists()

    outcomes = {role: attempt(client, user_for(people, role),
                              lambda: classify(client.post(url, {**data, "tier": tier}), changed))
                for role in ROLES}
    assert outcomes == expected


def test_permission_matrix_outside_scope_is_404_for_other_units_nodes(client, people, campaign):
    # The same actions on an entry of another city: the city/county/unit of city A see nothing.
    entry = ready(people["worker_ga"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    for role in ("unit", "county", "city", "industry"):
        for name in ("forward", "return", "reject", "undo", "grade"):
            outcome = attempt(client, people[role], lambda name=name: str(
                client.post(reverse(f"review:{name}", args=[entry.pk]), {"reason": "x", "tier": 1}).status_code))
            assert outcome == "404", (role, name)
    # The group of the industry channel acts on it.
    outcome = attempt(client, people["group"], lambda: str(
        client.post(reverse("review:forward", args=[entry.pk])).status_code))
    assert outcome == "302"


ROLE_TIERS = {"unit": Tier.UNIT, "county": Tier.FIRST_REVIEW, "city": Tier.SELECTION, "committee": Tier.PROVINCE}


def test_permission_matrix_grade_by_role(client, people, campaign):
    entry = entry_at(people, campaign, EntryState.FIRST_FORWARDED, Tier.SELECTION)
    level = AwardLevel.objects.get(campaign=campaign, kind=AwardKind.WORK, name="一等奖")
    url = reverse("review:grade", args=[entry.pk])
    outcomes = {}
    for role in ROLES:
        tier = ROLE_TIERS.get(role, Tier.UNIT)
        outcomes[role] = attempt(client, user_for(people, role), lambda tier=tier: classify(
            client.post(url, {"tier": int(tier), "award_level": level.pk}),
            lambda: TierGrade.objects.filter(entry=entry).exists()))
    # Each tier that reviews the entry grades it at its own tier; nobody grades at another's.
    assert outcomes == NOBODY | {"unit": "ok", "county": "ok", "city": "ok"}
    # A county posting the city's tier is refused.
    assert attempt(client, people["county"], lambda: classify(
        client.post(url, {"tier": int(Tier.SELECTION), "award_level": level.pk}),
        lambda: TierGrade.objects.filter(entry=entry).exists())) == "403"


@pytest.mark.parametrize(("state", "tier", "visible"), [
    (EntryState.SUBMITTED, Tier.UNIT, {"unit"}),
    (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW, {"unit", "county"}),
    (EntryState.FIRST_FORWARDED, Tier.SELECTION, {"unit", "county", "city"}),
    (EntryState.PROVINCE_RECOMMENDED, Tier.PROVINCE, {"unit", "county", "city", "committee"}),
])
def test_permission_matrix_entry_page_and_queue(client, people, campaign, state, tier, visible):
    entry = entry_at(people, campaign, state, tier)
    page = reverse("review:entry", args=[entry.pk])

    def queue_outcome():
        response = client.get("/review/", {"stage": "all"})
        if response.status_code != 200:
            return "login" if response.status_code == 302 else str(response.status_code)
        return "listed" if f'data-entry="{entry.pk}"' in response.content.decode() else "absent"

    def page_outcome():
        response = client.get(page)
        return "login" if response.status_code == 302 else str(response.status_code)

    pages = {role: attempt(client, user_for(people, role), page_outcome) for role in ROLES}
    queues = {role: attempt(client, user_for(people, role), queue_outcome) for role in ROLES}
    assert pages == NOBODY | dict.fromkeys(visible, "200")
    reviewers = {"unit", "unit_other", "county", "county_other", "city", "city_other", "industry", "committee"}
    expected_queue = {role: ("listed" if role in visible else "absent") if role in reviewers else "404"
                      for role in ROLES} | {"anonymous": "login"}
    assert queues == expected_queue
