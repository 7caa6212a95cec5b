"""`manage.py check --deploy` under production settings, as .ci/run does it (SQLite is enough for the check)."""

import os
import secrets
import string
import subprocess
import sys

from cryptography.fernet import Fernet
from django.conf import settings


def run_deploy_check(**overrides) -> subprocess.CompletedProcess:
    env = {
        name: value for name, value in os.environ.items()
        if not name.startswith("PORTAL_") and name not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120,
    )


def random_key(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "-_"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def test_deploy_check_passes_with_production_settings():
    result = run_deploy_check(PORTAL_DEBUG="0", PORTAL_SECRET_KEY=random_key(),
                              PORTAL_ALLOWED_HOSTS="portal.example.cn", PORTAL_TIP_KEYS=Fernet.generate_key().decode())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_deploy_check_fails_without_secret_key():
    result = run_deploy_check(PORTAL_DEBUG="0", PORTAL_ALLOWED_HOSTS="portal.example.cn")
    assert result.returncode != 0
    assert "PORTAL_SECRET_KEY" in result.stderr


def test_deploy_check_fails_with_debug_on():
    # DEBUG=True in production is exactly what the deploy check exists to catch (security.W018).
    result = run_deploy_check(PORTAL_DEBUG="1", PORTAL_SECRET_KEY=random_key(),
                              PORTAL_ALLOWED_HOSTS="portal.example.cn")
    assert result.returncode != 0
    assert "W018" in result.stdout + result.stderr
