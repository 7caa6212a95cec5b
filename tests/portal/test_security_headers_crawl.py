"""The HTML actually rendered under the strict CSP: each demo role's pages and every admin page crawled, so
markup built in Python (widgets, admin, crispy) counts. Both crawls read one seed of the demo with entries
(tests/shared_seed.py): only tests that use it may live in this module.
"""

import contextlib
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse

from portal.accounts.models import User
from tests.portal.test_security_headers import EXPECTED_CSP, csp_problems, parse_csp
from tests.shared_seed import shared_seed

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo with 16 entries (photos too), seeded once for this module and rolled back after it."""
    with shared_seed(django_db_blocker, tmp_path_factory.mktemp("crawl-media"), "--entries", "16") as seed:
        yield seed


@pytest.fixture
def demo(demo_module, db, isolated_tasks_and_media) -> str:
    return demo_module.for_test(isolated_tasks_and_media)


# --- rendered pages ---------------------------------------------------------------------------------------

SKIP_PREFIXES = ("/files/", "/static/", "/accounts/logout/", "/exports/start/")
MAX_PAGES_PER_ROLE = 80


def crawl(client: Client, start: str, *, allow_admin: bool) -> dict[str, object]:
    """GET every same-site link reachable from `start` (breadth first, bounded); return url → response."""
    seen: dict[str, object] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        if response.status_code in (301, 302):
            hrefs = [response["Location"]]
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            hrefs = re.findall(r'<a\b[^>]*\bhref="([^"#]+)', response.content.decode())
        else:
            continue
        for href in hrefs:
            target = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc or parts.scheme:
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(SKIP_PREFIXES) or (path.startswith("/admin/") and not allow_admin):
                continue
            if path not in seen:
                queue.append(path)
    return seen


def test_every_role_page_has_csp_and_no_blocked_markup(demo):
    accounts = ["worker1", "unit1", "county1", "city1", "industry1", "group1", "expert1", "committee"]
    problems, pages = [], 0
    for username in accounts:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url, response in crawl(client, "/accounts/home/", allow_admin=False).items():
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            pages += 1
            if parse_csp(response.get("Content-Security-Policy", "")) != EXPECTED_CSP:
                problems.append(f"{username} {url}: CSP header {response.get('Content-Security-Policy')!r}")
            problems += [f"{username} {url}: {p}" for p in csp_problems(response.content.decode())]
    assert pages > 60
    assert problems == []


def admin_urls(user) -> list[str]:
    """The admin's index, and each model's list, add form and the change form of one object `user` may see
    there (an admin scoped to the user's area redirects any other object's form to the index)."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse(f"{prefix}_add"))
        instance = model_admin.get_queryset(request).first()
        if instance is not None:
            urls.append(reverse(f"{prefix}_change", args=[instance.pk]))
    return urls


def test_admin_pages_work_under_csp_without_inline_scripts(client, demo):
    committee = User.objects.get(username="committee")
    client.force_login(committee)
    problems = []
    checked = 0
    for url in admin_urls(committee):
        response = client.get(url)
        if response.status_code == 403:  # an admin that allows no adding, for instance
            continue
        assert response.status_code == 200, url
        checked += 1
        assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP, url
        problems += [f"{url}: {p}" for p in csp_problems(response.content.decode())]
    assert checked > 20
    assert problems == []
