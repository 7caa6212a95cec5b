"""Content-Security-Policy and the other security headers, and markup that a strict CSP would block.

Three layers: the headers on every kind of page; the template sources (no inline <script>, event
handler attributes, style attributes or <style> blocks); and the HTML actually rendered, by crawling
each demo role's pages and every admin page, so markup built in Python (widgets, admin, crispy) counts
(test_security_headers_crawl.py, on one shared seed of the demo).
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from portal.accounts.enums import RoleKind
from tests.factories import make_user

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
DEMO_PASSWORD = "Demo@2025"


def parse_csp(header: str) -> dict[str, str]:
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


# --- markup that CSP would block --------------------------------------------------------------------------


class _CspMarkupFinder(HTMLParser):
    """Collects what `script-src 'self'` / `style-src 'self'` would refuse in an HTML document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        position = f"line {self.getpos()[0]}"
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.problems.append(f"{position}: inline <script> {values}")
        if tag == "style":
            self.problems.append(f"{position}: <style> block")
        for name, value in attrs:
            if re.fullmatch(r"on[a-z]+", name):
                self.problems.append(f"{position}: event handler {name}= on <{tag}>")
            if name == "style":
                self.problems.append(f"{position}: style= on <{tag}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.problems.append(f"{position}: javascript: URL on <{tag}>")


def csp_problems(html: str) -> list[str]:
    finder = _CspMarkupFinder()
    finder.feed(html)
    return finder.problems


def test_csp_markup_finder_catches_each_kind():
    html = ('<script>alert(1)</script><script src="/static/a.js"></script>'
            '<script id="d" type="application/json">{"a": 1}</script><style>p{}</style>'
            '<a href="javascript:alert(1)" onclick="x()">x</a><div style="color:red"></div>'
            '<img src="/x.png" onerror="y()">')
    problems = csp_problems(html)
    assert len(problems) == 6, problems


# Template sources: {{ x|json_script:"id" }} is a filter, not a <script> tag, so it never matches here.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)


def project_templates() -> list[Path]:
    """Every template of the project (templates/ and any app's templates/), not the virtualenv's."""
    base = Path(settings.BASE_DIR)
    found = []
    for path in base.rglob("*.html"):
        relative = path.relative_to(base).parts
        if relative[0] in {".venv", "var", "static", "node_modules", "bench", "docs"} or relative[0].startswith("."):
            continue
        if "templates" in relative:
            found.append(path)
    return sorted(found)


def test_templates_are_found():
    names = {path.relative_to(settings.BASE_DIR).as_posix() for path in project_templates()}
    assert {"templates/base.html", "templates/400.html", "templates/500.html"} <= names
    assert len(names) > 40


@pytest.mark.parametrize(("kind", "pattern"), [
    ("inline <script> without src", INLINE_SCRIPT),
    ("inline event handler attribute", EVENT_HANDLER),
    ("inline style attribute", STYLE_ATTRIBUTE),
    ("<style> block", STYLE_BLOCK),
])
def test_templates_have_no_inline_code_blocked_by_csp(kind, pattern):
    offenders = []
    for path in project_templates():
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(settings.BASE_DIR)}:{text.count(chr(10), 0, m.start()) + 1}"
                      for m in pattern.finditer(text)]
    assert offenders == [], f"{kind}: {offenders}"


def test_static_javascript_uses_no_eval_or_inline_handlers():
    # script-src 'self' without 'unsafe-eval' also forbids eval, new Function and string timers.
    offenders = []
    for path in sorted((Path(settings.BASE_DIR) / "static").rglob("*.js")):
        if "vendor" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\beval\(", r"new Function\(", r"setTimeout\(\s*['\"]", r"setAttribute\(\s*['\"]on",
                        r"setAttribute\(\s*['\"]style['\"]", r"\.cssText\b"):
            if re.search(pattern, text):
                offenders.append(f"{path.name}: {pattern}")
    assert offenders == []


# --- headers ----------------------------------------------------------------------------------------------


@pytest.fixture
def committee(org):
    return make_user(RoleKind.COMMITTEE, org.province, is_staff=True, is_superuser=True)


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
                                 "/exhibition/", "/directory/units/?q=甲市"])
def test_public_page_sends_the_csp_header(client, org, url):
    response = client.get(url)
    assert response.status_code == 200
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP


def test_health_answer_sends_the_csp_header(client, org):
    response = client.get("/health/")
    assert response.status_code in (200, 503)  # 503 with REDIS_URL and no worker running
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP


@pytest.mark.parametrize("url", ["/", "/accounts/login/"])
def test_page_sends_the_other_security_headers(client, org, url):
    response = client.get(url)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


def test_permissions_policy_does_not_block_the_camera_capture_input():
    # <input type="file" capture> opens the camera app, which no Permissions-Policy feature governs;
    # only getUserMedia would need camera=(self), and no script uses it.
    for path in (Path(settings.BASE_DIR) / "static").rglob("*.js"):
        if "vendor" not in path.parts:
            assert "getUserMedia" not in path.read_text(encoding="utf-8"), path
            assert "geolocation" not in path.read_text(encoding="utf-8"), path


def test_error_pages_send_csp_and_permissions_policy(client, org):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


def test_redirect_sends_the_headers_too(client, org):
    response = client.get("/accounts/home/")
    assert response.status_code == 302
    assert "Content-Security-Policy" in response and "Permissions-Policy" in response


def test_private_file_keeps_its_own_sandbox_policy(client, committee, settings):
    # portal.files sets `default-src 'none'; sandbox` on downloads; django-csp must not replace it.
    from portal.files.registry import ServedFile
    from portal.files.responses import private_file_response

    (settings.MEDIA_ROOT / "x").mkdir(parents=True)
    (settings.MEDIA_ROOT / "x" / "a.jpg").write_bytes(b"\xff\xd8\xff\xd9")
    from django.core.files.storage import default_storage

    served = ServedFile(file=default_storage.open("x/a.jpg"), content_type="image/jpeg", download_name="a.jpg")
    response = private_file_response(served)
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    response.close()


def test_static_error_page_500_has_no_inline_style():
    text = (Path(settings.BASE_DIR) / "templates" / "500.html").read_text(encoding="utf-8")
    assert "style=" not in text and "error-page.css" in text
