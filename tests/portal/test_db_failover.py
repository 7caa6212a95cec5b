"""A restarted PostgreSQL costs no 500s: persistent connections are health-checked (issue 12.6)."""

import io
import sys

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import override_settings

from tests.portal.test_settings import read_settings

pytestmark = pytest.mark.postgres


def test_database_url_turns_on_connection_health_checks():
    values = read_settings(["DATABASES"], DATABASE_URL="postgres://portal@127.0.0.1:5432/portal",
                           PORTAL_DEBUG="1")
    database = values["DATABASES"]["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] == 60


def wsgi_get(path: str) -> int:
    """One request through Django's real WSGI handler (the test client skips the request-boundary hooks
    that recycle connections, which is exactly what is tested here)."""
    statuses = []
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http", "REMOTE_ADDR": "203.0.113.7",
    }
    body = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(body)
    body.close()
    return int(statuses[0].split()[0])


@pytest.mark.django_db(transaction=True)
@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_terminated_database_connection_between_requests_costs_no_error():
    connection.close()
    max_age = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60  # persistent, as in production
    try:
        assert wsgi_get("/health/") == 200
        assert connection.connection is not None  # kept for the next request
        if connection.vendor == "postgresql":
            import psycopg

            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
            params = connection.get_connection_params()
            params.pop("cursor_factory", None)
            params.pop("context", None)
            with psycopg.connect(**params, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert wsgi_get("/health/") == 200
        assert wsgi_get("/accounts/login/") == 200
    finally:
        connection.close()
        connection.settings_dict["CONN_MAX_AGE"] = max_age
