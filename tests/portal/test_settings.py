"""Settings are read from the environment once, at import: each case imports them in a fresh process."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal import envparse

GOOD_KEY = "k" * 20 + "Zq8-3fPx0rLm2vNc7tYbW4sHd9gJ1eKa6uQo5iRz"  # 60 characters, not the dev default
assert len(GOOD_KEY) >= 50


def clean_environ(**overrides) -> dict[str, str]:
    """The current environment without any PORTAL_*/database/broker variable, plus `overrides`."""
    env = {
        name: value for name, value in os.environ.items()
        if not name.startswith("PORTAL_") and name not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(overrides)
    return env


def import_settings(code: str = "import portal.settings", **overrides) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], env=clean_environ(**overrides), cwd=settings.BASE_DIR,
        capture_output=True, text=True, timeout=60,
    )


def read_settings(names: list[str], **overrides) -> dict:
    code = (
        "import json, portal.settings as s\n"
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}, default=str))"
    )
    result = import_settings(code, **overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_refused(variable: str, **overrides) -> str:
    result = import_settings(**overrides)
    assert result.returncode != 0, f"settings accepted {overrides!r}"
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr
    return result.stderr


TIP_KEY = "a2V5LWZvci10ZXN0cy1vbmx5LW5vdC1hLXJlYWwta2V5MDA="  # a Fernet key (tips' vault, issue 16)
PRODUCTION = {"PORTAL_DEBUG": "0", "PORTAL_SECRET_KEY": GOOD_KEY, "PORTAL_ALLOWED_HOSTS": "portal.example.cn",
              "PORTAL_TIP_KEYS": TIP_KEY}


# --- whole settings module, in a subprocess ------------------------------------------------------------

def test_settings_production_values_are_read():
    values = read_settings(
        ["DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
         "SECURE_HSTS_SECONDS", "CELERY_TASK_ALWAYS_EAGER", "AXES_FAILURE_LIMIT", "PORTAL_SERVE_FILES_WITH",
         "EMAIL_BACKEND", "EMAIL_PORT"],
        **{**PRODUCTION, "PORTAL_ALLOWED_HOSTS": "portal.example.cn, www.portal.example.cn"},
        PORTAL_SERVE_FILES_WITH="x-accel-redirect", PORTAL_EMAIL_HOST="smtp.example.cn",
        PORTAL_EMAIL_PORT="465", PORTAL_EMAIL_USE_TLS="off", PORTAL_EMAIL_USE_SSL="yes",
    )
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == GOOD_KEY
    assert values["ALLOWED_HOSTS"] == ["portal.example.cn", "www.portal.example.cn"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True  # no REDIS_URL
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert values["PORTAL_SERVE_FILES_WITH"] == "x-accel-redirect"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["EMAIL_PORT"] == 465


def test_settings_debug_without_key_uses_the_dev_default():
    values = read_settings(["DEBUG", "SECRET_KEY", "DEV_SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_BACKEND"],
                           PORTAL_DEBUG="1")
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"] == values["DEV_SECRET_KEY"]
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_settings_missing_debug_means_production():
    # No PORTAL_DEBUG at all: the safe default is production, so a missing key is refused.
    assert_refused("PORTAL_SECRET_KEY")


def test_settings_missing_secret_key_in_production_is_refused():
    stderr = assert_refused("PORTAL_SECRET_KEY", PORTAL_DEBUG="0")
    assert "required" in stderr


@pytest.mark.parametrize("key", [
    "django-insecure-dev-only-key-never-use-in-production-0123456789",  # the dev default itself
    "django-insecure-" + "x" * 50,
    "short-key-of-30-characters-xxx",
    "x" * 49,
])
def test_settings_weak_secret_key_in_production_is_refused(key):
    assert_refused("PORTAL_SECRET_KEY", **{**PRODUCTION, "PORTAL_SECRET_KEY": key})


@pytest.mark.parametrize(("variable", "value"), [
    ("PORTAL_DEBUG", "maybe"),
    ("PORTAL_EMAIL_PORT", "abc"),
    ("PORTAL_EMAIL_PORT", "0"),
    ("PORTAL_SERVE_FILES_WITH", "nginx"),
    ("PORTAL_STORAGE", "ftp"),
    ("PORTAL_LOGIN_FAILURE_LIMIT", "0"),
    ("PORTAL_ALLOWED_HOSTS", "portal.example.cn,,other"),
    ("PORTAL_LOG_LEVEL", "LOUD"),
    ("PORTAL_SESSION_AGE", "8h"),
    ("PORTAL_SESSION_AGE", "60"),
    ("PORTAL_SESSION_IDLE_MINUTES", "0"),
    ("PORTAL_SESSION_IDLE_MINUTES", "two hours"),
    ("PORTAL_MAX_REQUEST_MB", "0"),
    ("PORTAL_MAX_REQUEST_MB", "25MB"),
    ("PORTAL_UPLOAD_TEMP_DIR", "/nonexistent/portal-uploads"),
])
def test_settings_malformed_value_is_refused_naming_the_variable(variable, value):
    overrides = {**PRODUCTION, variable: value}
    if variable == "PORTAL_EMAIL_PORT":
        overrides["PORTAL_EMAIL_HOST"] = "smtp.example.cn"  # the port is only read with a host
    stderr = assert_refused(variable, **overrides)
    assert repr(value) in stderr or value in stderr


def test_settings_s3_storage_without_bucket_is_refused():
    assert_refused("PORTAL_S3_BUCKET", **PRODUCTION, PORTAL_STORAGE="s3")


def test_settings_s3_storage_with_bucket_is_private():
    values = read_settings(["STORAGES"], **PRODUCTION, PORTAL_STORAGE="s3", PORTAL_S3_BUCKET="portal-media")
    default = values["STORAGES"]["default"]
    assert default["BACKEND"] == "portal.files.storage.PrivateS3Storage"
    assert default["OPTIONS"]["bucket_name"] == "portal-media"
    assert default["OPTIONS"]["default_acl"] == "private"
    assert default["OPTIONS"]["querystring_auth"] is True
    assert default["OPTIONS"]["querystring_expire"] == 60
    assert default["OPTIONS"]["addressing_style"] == "auto"
    assert default["OPTIONS"]["max_memory_size"] > 0  # downloads spill to disk, never a whole photo in memory


def test_settings_s3_serves_attachments_by_presigned_redirect_by_default():
    values = read_settings(["PORTAL_SERVE_FILES_WITH", "PORTAL_S3_URL_EXPIRY", "STORAGES"], **PRODUCTION,
                           PORTAL_STORAGE="s3", PORTAL_S3_BUCKET="portal-media", PORTAL_S3_URL_EXPIRY="30",
                           PORTAL_S3_ADDRESSING_STYLE="virtual")
    assert values["PORTAL_SERVE_FILES_WITH"] == "redirect"
    assert values["PORTAL_S3_URL_EXPIRY"] == 30
    assert values["STORAGES"]["default"]["OPTIONS"]["querystring_expire"] == 30
    assert values["STORAGES"]["default"]["OPTIONS"]["addressing_style"] == "virtual"
    assert read_settings(["PORTAL_SERVE_FILES_WITH"], **PRODUCTION)["PORTAL_SERVE_FILES_WITH"] == "django"


@pytest.mark.parametrize("overrides", [
    {"PORTAL_STORAGE": "s3", "PORTAL_S3_BUCKET": "b", "PORTAL_SERVE_FILES_WITH": "x-accel-redirect"},
    {"PORTAL_STORAGE": "s3", "PORTAL_S3_BUCKET": "b", "PORTAL_SERVE_FILES_WITH": "x-sendfile"},
    {"PORTAL_SERVE_FILES_WITH": "redirect"},
    {"PORTAL_STORAGE": "s3", "PORTAL_S3_BUCKET": "b", "PORTAL_S3_ADDRESSING_STYLE": "subdomain"},
    {"PORTAL_STORAGE": "s3", "PORTAL_S3_BUCKET": "b", "PORTAL_S3_URL_EXPIRY": "1"},
])
def test_settings_file_serving_that_cannot_work_with_the_storage_is_refused(overrides):
    assert_refused(next(name for name in ("PORTAL_S3_ADDRESSING_STYLE", "PORTAL_S3_URL_EXPIRY",
                                          "PORTAL_SERVE_FILES_WITH") if name in overrides), **PRODUCTION, **overrides)


@pytest.mark.parametrize("relative", ["static/uploads", "static", "var/static/media"])
def test_settings_media_root_inside_static_is_refused(relative):
    media = str(settings.BASE_DIR / relative)
    assert_refused("PORTAL_MEDIA_ROOT", **PRODUCTION, PORTAL_MEDIA_ROOT=media)


def test_settings_media_root_outside_static_is_accepted(tmp_path):
    values = read_settings(["MEDIA_ROOT"], **PRODUCTION, PORTAL_MEDIA_ROOT=str(tmp_path / "media"))
    assert values["MEDIA_ROOT"] == str((tmp_path / "media").resolve())


def test_settings_upload_limits_default_and_override(tmp_path):
    defaults = read_settings(["FILE_UPLOAD_TEMP_DIR", "PORTAL_MAX_REQUEST_MB"], **PRODUCTION)
    assert defaults == {"FILE_UPLOAD_TEMP_DIR": None, "PORTAL_MAX_REQUEST_MB": 25}
    values = read_settings(["FILE_UPLOAD_TEMP_DIR", "PORTAL_MAX_REQUEST_MB"], **PRODUCTION,
                           PORTAL_UPLOAD_TEMP_DIR=str(tmp_path), PORTAL_MAX_REQUEST_MB="40")
    assert values == {"FILE_UPLOAD_TEMP_DIR": str(tmp_path), "PORTAL_MAX_REQUEST_MB": 40}


def test_settings_csp_and_permissions_policy_in_production():
    values = read_settings(["CONTENT_SECURITY_POLICY", "PORTAL_PERMISSIONS_POLICY", "MIDDLEWARE"], **PRODUCTION)
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert values["PORTAL_PERMISSIONS_POLICY"] == "camera=(), microphone=(), geolocation=()"
    assert {"csp.middleware.CSPMiddleware", "portal.security_headers.PermissionsPolicyMiddleware",
            "portal.session_timeouts.SessionTimeoutMiddleware",
            "portal.request_limits.RequestBodyLimitMiddleware"} <= set(values["MIDDLEWARE"])


def test_settings_tls_and_ssl_together_are_refused():
    assert_refused("PORTAL_EMAIL_USE_SSL", **PRODUCTION, PORTAL_EMAIL_HOST="smtp.example.cn",
                   PORTAL_EMAIL_USE_TLS="1", PORTAL_EMAIL_USE_SSL="1")


def test_settings_bad_database_url_is_refused():
    assert_refused("DATABASE_URL", **PRODUCTION, DATABASE_URL="nosuchengine://host/db")


def test_settings_redis_url_turns_off_eager_tasks():
    values = read_settings(["CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL", "CACHES"],
                           **PRODUCTION, REDIS_URL="redis://127.0.0.1:6379/3")
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False
    assert values["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/3"
    assert values["CACHES"]["default"]["BACKEND"] == "portal.cache.ResilientRedisCache"  # issue 12.4


# --- portal.envparse, with explicit environ dicts ---------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("1", True), ("true", True), ("YES", True), (" on ", True),
    ("0", False), ("False", False), ("no", False), ("off", False),
])
def test_env_bool_reads_the_documented_spellings(raw, expected):
    assert envparse.env_bool("FLAG", not expected, environ={"FLAG": raw}) is expected


def test_env_bool_missing_or_empty_gives_default():
    assert envparse.env_bool("FLAG", True, environ={}) is True
    assert envparse.env_bool("FLAG", False, environ={"FLAG": ""}) is False


def test_env_bool_malformed_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match=r"^FLAG: .*'maybe'"):
        envparse.env_bool("FLAG", False, environ={"FLAG": "maybe"})


def test_env_str_treats_empty_as_missing():
    assert envparse.env_str("NAME", "d", environ={"NAME": ""}) == "d"
    assert envparse.env_str("NAME", environ={}) is None
    assert envparse.env_str("NAME", "d", environ={"NAME": "value"}) == "value"


def test_env_int_parses_and_checks_the_minimum():
    assert envparse.env_int("PORT", 587, environ={}) == 587
    assert envparse.env_int("PORT", 587, environ={"PORT": " 25 "}) == 25
    with pytest.raises(ImproperlyConfigured, match=r"^PORT: expected an integer, got 'abc'"):
        envparse.env_int("PORT", 587, environ={"PORT": "abc"})
    with pytest.raises(ImproperlyConfigured, match=r"^PORT: must be at least 1, got 0"):
        envparse.env_int("PORT", 587, minimum=1, environ={"PORT": "0"})
    with pytest.raises(ImproperlyConfigured, match="PORT"):
        envparse.env_int("PORT", 587, environ={"PORT": "2.5"})


def test_env_list_splits_and_strips():
    assert envparse.env_list("HOSTS", ["a"], environ={}) == ["a"]
    assert envparse.env_list("HOSTS", [], environ={"HOSTS": "a.cn, b.cn ,c.cn"}) == ["a.cn", "b.cn", "c.cn"]
    with pytest.raises(ImproperlyConfigured, match=r"^HOSTS: empty item"):
        envparse.env_list("HOSTS", [], environ={"HOSTS": "a.cn,"})


def test_env_list_default_is_copied():
    default = ["a"]
    envparse.env_list("HOSTS", default, environ={}).append("b")
    assert default == ["a"]


def test_env_choice_accepts_only_listed_values():
    choices = ("django", "x-sendfile")
    assert envparse.env_choice("MODE", "django", choices, environ={}) == "django"
    assert envparse.env_choice("MODE", "django", choices, environ={"MODE": "x-sendfile"}) == "x-sendfile"
    with pytest.raises(ImproperlyConfigured, match=r"^MODE: expected one of django, x-sendfile, got 'X-Sendfile'"):
        envparse.env_choice("MODE", "django", choices, environ={"MODE": "X-Sendfile"})


def test_envparse_defaults_to_os_environ(monkeypatch):
    monkeypatch.setenv("PORTAL_TEST_ONLY_FLAG", "on")
    assert envparse.env_bool("PORTAL_TEST_ONLY_FLAG", False) is True
