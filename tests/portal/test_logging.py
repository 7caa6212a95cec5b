"""settings.LOGGING: every log line is printed once, also with PORTAL_DEBUG=1 under runserver (issue 11.20)."""

import os
import subprocess
import sys

from django.conf import settings

# Configures logging from the settings as manage.py does, then logs as runserver and a view would.
SCRIPT = """
import logging
import django
django.setup()
logging.getLogger("django.utils.autoreload").info("Watching for file changes with StatReloader")
logging.getLogger("django.request").warning("Not Found: /nowhere/")
logging.getLogger("django.server").info('"GET /nowhere/ HTTP/1.1" 404 179', extra={"status_code": 404})
logging.getLogger("portal.demo").warning("a portal warning")
logging.getLogger("django.db.backends").debug("a query nobody asked for")
"""


def run_logging(**env) -> list[str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "PORTAL_DEBUG": "1",
                   "DATABASE_URL": "sqlite:///:memory:", **env}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=settings.BASE_DIR, env=environment,
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stderr.splitlines()


def test_logging_prints_each_django_line_once_in_debug():
    lines = run_logging()
    assert lines.count("Watching for file changes with StatReloader") == 1, lines
    assert lines.count("Not Found: /nowhere/") == 1, lines
    assert lines.count("a portal warning") == 1, lines
    served = [line for line in lines if '"GET /nowhere/ HTTP/1.1" 404 179' in line]
    assert len(served) == 1, lines
    # The request log keeps runserver's own format, with the time in brackets.
    assert served[0].startswith("["), lines
    assert not any("a query nobody asked for" in line for line in lines), lines


def test_logging_prints_each_django_line_once_in_production():
    lines = run_logging(PORTAL_DEBUG="0", PORTAL_SECRET_KEY="x" * 60, PORTAL_ALLOWED_HOSTS="example.org",
                        PORTAL_TIP_KEYS="a2V5LWZvci10ZXN0cy1vbmx5LW5vdC1hLXJlYWwta2V5MDA=")
    assert lines.count("Not Found: /nowhere/") == 1, lines
    assert lines.count("a portal warning") == 1, lines
