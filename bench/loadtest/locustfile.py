"""The deadline rush (issue #8): workers submitting complete photo groups while reviewers page their queues.

Run through bench/loadtest/run.py, which prepares the database, starts gunicorn and a Celery worker and
sets the LOADTEST_* variables below. By hand, against a server you started yourself:

    LOADTEST_ACCOUNTS=/tmp/loadtest/accounts.json locust -f bench/loadtest/locustfile.py --headless \
        -u 20 -r 2 -t 3m --host http://127.0.0.1:18123

Environment:
    LOADTEST_ACCOUNTS   accounts.json written by bench/loadtest/prepare.py (required)
    LOADTEST_PHOTOS     folder of cached base JPEGs (default /tmp/loadtest/photos)
    LOADTEST_FAILURES   JSON-lines file: every failed request, with the start of its response body
    LOADTEST_EXTRA      JSON file written at the end: counts locust's own statistics do not have
    LOADTEST_REQUESTS   CSV file written at the end: every request with its exact response time (locust
                        rounds its percentiles, and its CSV stops at the time limit, before users finish)
    LOADTEST_REVIEWERS  how many of the users are reviewers (default 4); the rest are workers
    LOADTEST_WORKER_USERS how many worker users locust will start (default 16): accounts are handed out
                        evenly spaced over the list, so a few users still cover units all over the tree
    LOADTEST_KEEP_ALIVE 1: reuse connections to gunicorn, as a browser talking to it directly would; by
                        default every request says "Connection: close", which is what gunicorn sees behind
                        nginx (proxy_http_version 1.0 and "Connection: close" to the upstream by default)
    LOADTEST_DUPLICATES share of hazard photos reused from another entry (default 0.03), so the
                        duplicate flag's cross-entry queries run too, without flagging every entry
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import random
import re
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from locust import HttpUser, between, events, task
from photo_files import ensure_base_photos, unique_variant

ACCOUNTS = json.loads(Path(os.environ["LOADTEST_ACCOUNTS"]).read_text(encoding="utf-8"))
PHOTO_DIR = Path(os.environ.get("LOADTEST_PHOTOS", "/tmp/loadtest/photos"))
FAILURES = os.environ.get("LOADTEST_FAILURES")
EXTRA = os.environ.get("LOADTEST_EXTRA")
REQUESTS = os.environ.get("LOADTEST_REQUESTS")
REVIEWERS = int(os.environ.get("LOADTEST_REVIEWERS", "4"))
DUPLICATE_SHARE = float(os.environ.get("LOADTEST_DUPLICATES", "0.03"))
KEEP_ALIVE = os.environ.get("LOADTEST_KEEP_ALIVE") == "1"

# Read once: the load generator shares the 2 cores with the server, so it must not encode JPEGs itself.
BASES = [path.read_bytes() for path in ensure_base_photos(PHOTO_DIR)]
# A small pool of files that several workers post, like colleagues sending round the same picture.
SHARED = [unique_variant(BASES[index], f"shared-{index}", random.Random(index)) for index in range(3)]

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ENTRY_EDIT_RE = re.compile(r"/submissions/(\d+)/edit/$")
THUMB_RE = re.compile(r'(?:src|data-pending-src)="(/files/photo/\d+/thumbnail/[^"]*)"')
REVIEW_ENTRY_RE = re.compile(r'href="/review/entries/(\d+)/"')
ERROR_RE = re.compile(r'class="(?:invalid-feedback|alert alert-danger)[^"]*"[^>]*>\s*([^<]+)')

extra = Counter()
requests_seen: list[tuple] = []
_tokens = itertools.count(1)
_user_numbers = itertools.count(1)
# When each user's previous response ended: a dropped connection right after an idle pause of about
# gunicorn's keep-alive (2 s) is its keep-alive race, not the application.
_last_end: dict[int, float] = {}
_stride = max(1, len(ACCOUNTS["workers"]) // int(os.environ.get("LOADTEST_WORKER_USERS", "16")))
# prepare.py lays the accounts out unit by unit round-robin: every stride-th one is in a different unit.
_order = sorted(range(len(ACCOUNTS["workers"])), key=lambda index: (index % _stride, index))
_workers = itertools.cycle([ACCOUNTS["workers"][index] for index in _order])
_reviewers = itertools.cycle(ACCOUNTS["reviewers"])
_failures_lock = threading.Lock()


@events.request.add_listener
def _record(request_type, name, response_time, response, exception, start_time=None, context=None, **kwargs):
    """Keep every request's time, and every failed one with the start of its body, so a 5xx can be shown
    and traced."""
    status = getattr(response, "status_code", 0) or 0
    start_time = start_time or time.time()
    requests_seen.append((start_time, request_type, name, round(response_time, 2), status,
                          int(exception is not None)))
    user = (context or {}).get("user")
    previous_end = _last_end.get(user)
    _last_end[user] = start_time + response_time / 1000
    if exception is None or FAILURES is None:
        return
    try:
        body = response.text[:3000] if response is not None and response.text else ""
    except Exception:  # a body that cannot be decoded is still worth the status line
        body = ""
    record = {"time": time.time(), "method": request_type, "name": name, "status": status, "user": user,
              "idle_before_s": round(start_time - previous_end, 3) if previous_end else None,
              # The request's own URL (with the ids), which locust passes beside the grouped name.
              "url": kwargs.get("url") or (getattr(response, "url", "") if response is not None else ""),
              "error": str(exception)[:500], "body": body}
    with _failures_lock, open(FAILURES, "a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


@events.test_stop.add_listener
def _write_extra(environment, **kwargs):
    if EXTRA:
        Path(EXTRA).write_text(json.dumps(dict(extra), indent=1), encoding="utf-8")
    if REQUESTS:
        with open(REQUESTS, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["start", "method", "name", "ms", "status", "failed"])
            writer.writerows(requests_seen)


class PortalUser(HttpUser):
    abstract = True

    def on_start(self):
        self.number = next(_user_numbers)
        self.csrf = ""
        if not KEEP_ALIVE:
            self.client.headers["Connection"] = "close"
        self.login()

    def context(self):
        return {"user": getattr(self, "number", None)}

    def remember_csrf(self, html: str) -> None:
        found = CSRF_RE.search(html)
        if found:
            self.csrf = found.group(1)

    def token(self) -> str:
        # Django rotates the token at login; the page's own form token is what a browser would post.
        return self.csrf or self.client.cookies.get("csrftoken", "")

    def login(self):
        username, password = self.credentials()
        page = self.client.get("/accounts/login/", name="GET /accounts/login/")
        self.remember_csrf(page.text)
        with self.client.post("/accounts/login/", name=f"POST /accounts/login/ [{self.kind}]",
                              data={"username": username, "password": password,
                                    "csrfmiddlewaretoken": self.token(), "next": ""},
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"login of {username} refused ({response.status_code})")
                return
        home = self.client.get("/accounts/home/", name="GET /accounts/home/ (→ role home)")
        self.remember_csrf(home.text)


class WorkerUser(PortalUser):
    """A worker at the deadline: a new entry, a full hazard group, two rectification photos, submit."""

    weight = 1
    kind = "worker"
    wait_time = between(2, 6)

    def credentials(self):
        self.account = next(_workers)
        return self.account["username"], ACCOUNTS["password"]

    @task
    def submit_an_entry(self):
        page = self.client.get("/submissions/new/", name="GET /submissions/new/")
        self.remember_csrf(page.text)
        time.sleep(random.uniform(1, 3))  # filling the form
        entry_id = self.create_entry()
        if entry_id is None:
            return
        edit = self.client.get(f"/submissions/{entry_id}/edit/", name="GET /submissions/[id]/edit/")
        self.remember_csrf(edit.text)
        # The page script posts the chosen files one after another, without a pause.
        hazards = random.randint(2, 4)
        for position in range(hazards):
            self.upload(entry_id, "hazard", duplicate=position == 0 and random.random() < DUPLICATE_SHARE)
        time.sleep(random.uniform(0.5, 2))
        for _ in range(2):
            self.upload(entry_id, "rectified")
        time.sleep(random.uniform(0.5, 2))
        if self.submit(entry_id):
            detail = self.client.get(f"/submissions/{entry_id}/", name="GET /submissions/[id]/")
            self.poll_thumbnails(detail.text)
        mine = self.client.get("/submissions/", name="GET /submissions/ (my entries)")
        self.remember_csrf(mine.text)

    def create_entry(self) -> int | None:
        account = self.account
        title, category, hazard, suggestion, note, description = random.choice(ACCOUNTS["hazards"])
        today = date.today()
        data = {
            "csrfmiddlewaretoken": self.token(), "title": title, "author_name": account["full_name"],
            "unit": account["unit"], "contact_address": account["address"], "contact_phone": account["phone"],
            "contact_email": account["email"], "industry": random.choice(ACCOUNTS["industries"]),
            "category": category, "taken_on": (today - timedelta(days=random.randint(2, 20))).isoformat(),
            "location": random.choice(ACCOUNTS["locations"]), "hazard": hazard, "suggestion": suggestion,
            "rectification_note": note, "description": description[: ACCOUNTS["description_max_chars"]],
            "declaration_accepted": "on", "declaration_name": account["full_name"],
            "declaration_date": (today - timedelta(days=1)).isoformat(),
        }
        with self.client.post("/submissions/new/", name="POST /submissions/new/", data=data,
                              allow_redirects=False, catch_response=True) as response:
            found = ENTRY_EDIT_RE.search(response.headers.get("Location", "")) \
                if response.status_code == 302 else None
            if found is None:
                errors = "; ".join(e.strip() for e in ERROR_RE.findall(response.text or "")[:3])
                response.failure(f"entry not created ({response.status_code}): {errors}")
                return None
            extra["entries_created"] += 1
            return int(found.group(1))

    def upload(self, entry_id: int, kind: str, *, duplicate: bool = False) -> None:
        if duplicate:
            content = random.choice(SHARED)
            extra["duplicate_uploads"] += 1
        else:
            content = unique_variant(random.choice(BASES), f"{self.account['username']}-{next(_tokens)}",
                                     random)
        with self.client.post(
            f"/submissions/{entry_id}/photos/", name="POST /submissions/[id]/photos/ (one photo)",
            data={"csrfmiddlewaretoken": self.token(), "kind": kind},
            files={"photo": (f"IMG_{random.randint(1000, 9999)}.jpg", content, "image/jpeg")},
            headers={"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"},
            catch_response=True,
        ) as response:
            try:
                body = response.json()
            except ValueError:
                body = None
            if response.status_code != 200 or not body or not body.get("ok"):
                error = body.get("error") if isinstance(body, dict) else ""
                response.failure(f"photo refused ({response.status_code}): {error}")
                return
            extra["photos_uploaded"] += 1
            extra["photo_bytes"] += len(content)

    def submit(self, entry_id: int) -> bool:
        with self.client.post(f"/submissions/{entry_id}/submit/", name="POST /submissions/[id]/submit/",
                              data={"csrfmiddlewaretoken": self.token()}, allow_redirects=False,
                              catch_response=True) as response:
            location = response.headers.get("Location", "")
            # Success goes to the entry's page; a refusal back to the edit page with the missing items.
            if response.status_code != 302 or location.rstrip("/").endswith("/edit"):
                response.failure(f"submit refused ({response.status_code} → {location})")
                return False
            extra["entries_submitted"] += 1
            return True

    def poll_thumbnails(self, html: str) -> None:
        """What the page script does: ask for each pending thumbnail a second after the page loads."""
        time.sleep(1)
        for url in THUMB_RE.findall(html):
            with self.client.get(url, name="GET /files/photo/[id]/thumbnail/ (author)",
                                 catch_response=True) as response:
                if response.status_code == 200:
                    extra["thumbnail_ready_1s_after_submit"] += 1
                    response.success()
                elif response.status_code == 404:  # not made yet: the page keeps its placeholder
                    extra["thumbnail_pending_1s_after_submit"] += 1
                    response.success()


class ReviewerUser(PortalUser):
    """city1, county1 and unit1 working through their queues: filters, sorting, paging, an entry now and then."""

    fixed_count = REVIEWERS
    kind = "reviewer"
    wait_time = between(2, 5)

    def credentials(self):
        account = next(_reviewers)
        return account["username"], account["password"]

    def open_queue(self, params: dict, name: str) -> str:
        page = self.client.get("/review/", params=params, name=f"GET /review/ ({name})")
        html = page.text or ""
        # A browser loads the thumbnails of the cards on the page.
        for url in THUMB_RE.findall(html)[:25]:
            self.client.get(url, name="GET /files/photo/[id]/thumbnail/ (reviewer)")
        return html

    def page_through(self, params: dict, name: str, pages: int) -> None:
        html = ""
        for number in range(1, pages + 1):
            html = self.open_queue({**params, "page": number} if number > 1 else params, name)
            time.sleep(random.uniform(1, 3))
        entries = REVIEW_ENTRY_RE.findall(html)
        if entries and random.random() < 0.5:
            self.client.get(f"/review/entries/{random.choice(entries)}/", name="GET /review/entries/[id]/")

    @task(3)
    def pending_by_score(self):
        self.page_through({}, "pending, by D", random.randint(1, 4))

    @task(2)
    def filtered(self):
        params = {"stage": random.choice(["pending", "here", "all"]),
                  "sort": random.choice(["-d", "d", "-date", "date"]),
                  "rectified": random.choice(["", "yes", "no"]),
                  "d_min": random.choice(["", "20", "40"]), "d_max": random.choice(["", "60", "100"])}
        self.page_through({k: v for k, v in params.items() if v}, "filters and sort", random.randint(1, 3))

    @task(1)
    def search(self):
        title = random.choice(ACCOUNTS["hazards"])[0]
        self.page_through({"stage": "all", "q": title[:3]}, "search", 1)

    @task(1)
    def deep_page(self):
        self.page_through({"stage": "all", "sort": "-date", "page": random.randint(5, 40)}, "all, deep page", 1)
