"""The private download view: resolvers decide, the response is always an attachment that cannot be sniffed."""

import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import Http404

from portal.files import registry
from portal.files.responses import ascii_fallback_name, content_disposition
from tests.storage_helpers import download, on_s3

KIND = "test-private"
CONTENT = b"\xff\xd8\xff\xe0 not really a jpeg, but the bytes must come back unchanged \xff\xd9"
CHINESE_NAME = "007-配电箱门未上锁-山西某某煤业有限责任公司-张三-整改前1.jpg"


def stored_file(name: str, content: bytes = CONTENT) -> FieldFile:
    """A file in the (per-test) private storage, as a model's FileField would hand it to a resolver."""
    saved = default_storage.save(name, ContentFile(content))
    return FieldFile(None, SimpleNamespace(storage=default_storage), saved)


@pytest.fixture
def served(db, settings):
    """Register a resolver for KIND; `served.name` and `served.fail` steer what it returns."""
    state = SimpleNamespace(file=stored_file("photos/ab12cd34.jpg"), name=CHINESE_NAME, fail=False,
                            inline=False, calls=[])

    @registry.register(KIND)
    def resolve(request, pk, variant):
        state.calls.append((request.user, pk, variant))
        if state.fail:
            raise Http404
        return registry.ServedFile(file=state.file, download_name=state.name, content_type="image/jpeg",
                                   inline=state.inline)

    yield state
    registry.unregister(KIND)
    assert registry.resolver_for(KIND) is None


def disposition_names(header: str) -> tuple[str, str]:
    """The ASCII `filename` and the decoded `filename*` of a Content-Disposition value."""
    params = dict(part.strip().split("=", 1) for part in header.split(";")[1:])
    ascii_name = params["filename"].strip('"')
    assert params["filename*"].startswith("UTF-8''")
    return ascii_name, unquote(params["filename*"][len("UTF-8''"):])


# --- the view -------------------------------------------------------------------------------------------

@pytest.mark.storage
def test_download_serves_the_bytes_as_attachment(client, served):
    response = download(client, f"/files/{KIND}/42/")
    assert response.status_code == 200
    assert response.content == CONTENT
    assert response["Content-Type"] == "image/jpeg"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="' in disposition
    assert "filename*=UTF-8''" in disposition
    ascii_name, utf8_name = disposition_names(disposition)
    assert utf8_name == CHINESE_NAME
    assert ascii_name.isascii() and ascii_name.endswith(".jpg")
    assert served.calls[0][1:] == (42, "original")
    assert response.redirected == on_s3()


@pytest.mark.storage
def test_download_answered_by_the_portal_cannot_be_sniffed_or_cached(client, served):
    response = client.get(f"/files/{KIND}/42/")
    assert response["Cache-Control"] == "private, no-store"
    if on_s3():  # the bucket answers; the portal's answer is only the redirect
        assert response.status_code == 302
        assert response["Referrer-Policy"] == "no-referrer"
    else:
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]


def _unsigned(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - the test's S3 server
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.storage
def test_download_files_are_never_public(client, served, settings):
    """Only the checked view hands a file out: on S3 through a signed URL that expires after
    PORTAL_S3_URL_EXPIRY seconds (the object itself answers 403 unsigned); on disk MEDIA_URL is not served."""
    response = client.get(f"/files/{KIND}/42/")
    if on_s3():
        assert response.status_code == 302
        url = response["Location"]
        query = parse_qs(urlsplit(url).query)
        assert query["X-Amz-Expires"] == [str(settings.PORTAL_S3_URL_EXPIRY)]
        assert query["X-Amz-Signature"] and query["X-Amz-Credential"]
        assert _status(url) == 200
        assert _status(_unsigned(url)) == 403
        # The storage's own URL of the file is signed too: nothing in the bucket is reachable without one.
        assert _status(_unsigned(default_storage.url(served.file.name))) == 403
    else:
        assert response.status_code == 200
        assert client.get(default_storage.url(served.file.name)).status_code == 404


@pytest.mark.storage
def test_download_inline_copies_are_streamed_by_the_portal(client, served):
    """Display copies stay on the portal's origin under every storage: cacheable, allowed by img-src 'self'."""
    served.inline = True
    response = client.get(f"/files/{KIND}/1/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.storage
def test_download_missing_file_is_a_logged_404(client, served, caplog):
    default_storage.delete(served.file.name)
    response = client.get(f"/files/{KIND}/42/")
    assert response.status_code == 404
    assert "is missing from storage" in caplog.text


@pytest.mark.storage
def test_download_variant_is_passed_to_the_resolver(client, served):
    response = download(client, f"/files/{KIND}/7/preview/")
    assert response.status_code == 200
    assert served.calls[0][1:] == (7, "preview")


@pytest.mark.storage
def test_download_inline_only_when_the_resolver_says_so(client, served):
    served.inline = True
    response = client.get(f"/files/{KIND}/1/")
    assert response["Content-Disposition"].startswith("inline; ")
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_resolver_refusal_is_404(client, served):
    served.fail = True
    response = client.get(f"/files/{KIND}/1/")
    assert response.status_code == 404
    assert served.calls  # the resolver was asked


def test_download_unknown_kind_is_404(client, served):
    assert client.get("/files/no-such-kind/1/").status_code == 404
    assert not served.calls


def test_download_unregistered_kind_is_404(client, served):
    registry.unregister(KIND)
    assert client.get(f"/files/{KIND}/1/").status_code == 404


def test_download_refuses_post(client, served):
    assert client.post(f"/files/{KIND}/1/").status_code == 405
    assert not served.calls


@pytest.mark.storage
@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\Windows\\system32\\evil.dll", "evil.dll"),
    ("/etc/shadow", "shadow"),
    ("..", "download"),
    ("../..", "download"),
    ("a\x00b.jpg", "ab.jpg"),
    ("photo\u202egpj.exe", "photogpj.exe"),
    ("a\r\nSet-Cookie: sid=1.jpg", "aSet-Cookie: sid=1.jpg"),
    ("\x00\r\n", "download"),
    ("\u200f\u202d整改前\u2066.jpg", "整改前.jpg"),
    (" .hidden.jpg. ", "hidden.jpg"),
])
def test_download_dangerous_names_are_sanitised(client, served, name, expected):
    served.name = name
    response = download(client, f"/files/{KIND}/1/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "Set-Cookie" not in {key.title() for key in response.headers}
    assert all(ch not in disposition for ch in "\r\n\x00\u202e\u202d\u200f\u2066/\\")
    ascii_name, utf8_name = disposition_names(disposition)
    assert utf8_name == expected
    assert ascii_name.isascii()
    assert all(ch.isalnum() or ch in "._-" for ch in ascii_name)
    assert ".." not in ascii_name and ".." not in utf8_name


def test_download_through_nginx_sends_no_body(client, served, settings):
    settings.PORTAL_SERVE_FILES_WITH = "x-accel-redirect"
    settings.PORTAL_X_ACCEL_PREFIX = "/_protected/"
    served.file = stored_file("photos/2025/原图 1.jpg")
    response = client.get(f"/files/{KIND}/1/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_protected/photos/2025/%E5%8E%9F%E5%9B%BE%201.jpg"
    assert response.content == b""
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment; ")


def test_download_through_apache_gives_the_absolute_path(client, served, settings):
    settings.PORTAL_SERVE_FILES_WITH = "x-sendfile"
    response = client.get(f"/files/{KIND}/1/")
    assert response.status_code == 200
    path = Path(response["X-Sendfile"])
    assert path.is_absolute()
    # tests/conftest.py gives each test its own private folder
    assert path == Path(settings.MEDIA_ROOT) / served.file.name
    assert path.read_bytes() == CONTENT
    assert response.content == b""
    assert response["X-Content-Type-Options"] == "nosniff"


# --- helpers --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "expected"), [
    ("report.xlsx", "report.xlsx"),
    ("Café résumé.pdf", "Cafe_resume.pdf"),
    ("配电箱.jpg", "download.jpg"),
    ("a/b/../c.txt", "c.txt"),
    ("C:\\Users\\x\\photo.JPG", "photo.JPG"),
    ('quote"d;name.jpg', "quote_d_name.jpg"),
    ("...", "download"),
    ("", "download"),
    ("photo.j p*g", "photo.jpg"),
])
def test_ascii_fallback_name(name, expected):
    assert ascii_fallback_name(name) == expected


def test_ascii_fallback_name_limits_length():
    result = ascii_fallback_name("x" * 300 + ".jpeg")
    assert result == "x" * 80 + ".jpeg"
    assert ascii_fallback_name("a." + "b" * 40) == "a." + "b" * 9


def test_ascii_fallback_name_custom_default():
    assert ascii_fallback_name("照片.jpg", default="photo") == "photo.jpg"


def test_content_disposition_has_both_forms():
    assert content_disposition("整改前1.jpg") == (
        "attachment; filename=\"1.jpg\"; filename*=UTF-8''%E6%95%B4%E6%94%B9%E5%89%8D1.jpg")
    assert content_disposition("a b.jpg", inline=True) == "inline; filename=\"a_b.jpg\"; filename*=UTF-8''a%20b.jpg"


def test_content_disposition_encodes_separators_and_quotes():
    header = content_disposition('x";filename="evil.exe')
    assert header.count(";") == 2
    assert "evil.exe\"" not in header.split("filename*=")[1]
