"""The identity vault: encrypted at rest, keys rotate, only the custodian opens it and each opening is logged."""

import json

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.db import connection

from portal.audit.models import AuditRecord
from tests.factories.tips import REAL_NAME, file_tip
from tips import crypto, services
from tips.enums import Disclosure
from tips.models import Tip, VaultOpening

pytestmark = pytest.mark.django_db


def raw_row(table, pk) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed table names
        return b" ".join(bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in cursor.fetchone())


def test_real_name_identity_encrypted_at_rest(org, people):
    tip, _ = file_tip(org, disclosure=Disclosure.REAL_NAME, identifying="我是三号仓库的保管员")
    raw = raw_row("tips_tip", tip.pk)
    for secret in (REAL_NAME["name"], REAL_NAME["phone"], "三号仓库的保管员"):
        assert secret.encode() not in raw
    assert json.loads(crypto.unseal(Tip.objects.get(pk=tip.pk).identity_sealed))["phone"] == REAL_NAME["phone"]


def test_logged_in_reporter_account_only_in_vault(org, people):
    tip, _ = file_tip(org, actor=people["worker"])
    assert people["worker"].username.encode() not in raw_row("tips_tip", tip.pk)
    assert "reporter" not in [f.name for f in Tip._meta.get_fields()]


def test_key_rotation_with_multifernet(org, people, settings):
    old = settings.PORTAL_TIP_KEYS[0]
    tip, _ = file_tip(org, disclosure=Disclosure.REAL_NAME)
    new = Fernet.generate_key().decode()
    settings.PORTAL_TIP_KEYS = [new, old]
    assert services.rotate_vault() == 1
    settings.PORTAL_TIP_KEYS = [new]
    assert json.loads(crypto.unseal(Tip.objects.get(pk=tip.pk).identity_sealed))["name"] == REAL_NAME["name"]
    settings.PORTAL_TIP_KEYS = [old]
    with pytest.raises(InvalidToken):
        crypto.unseal(Tip.objects.get(pk=tip.pk).identity_sealed)


def test_only_custodian_in_scope_opens_identity(org, people):
    tip, _ = file_tip(org, disclosure=Disclosure.REAL_NAME)
    for who in ("handler", "handler_city", "rewards1", "custodian_other", "committee", "safety", "unit"):
        with pytest.raises(services.Refused) as exc:
            services.open_identity(tip, actor=people[who], reason="核实")
        assert exc.value.denied
    assert not VaultOpening.objects.exists()


def test_opening_needs_reason_and_is_logged(org, people):
    tip, _ = file_tip(org, disclosure=Disclosure.REAL_NAME)
    with pytest.raises(services.Refused):
        services.open_identity(tip, actor=people["custodian"], reason=" ")
    identity = services.open_identity(tip, actor=people["custodian"], reason="发放奖励前核对身份")
    assert identity["name"] == REAL_NAME["name"]
    opening = VaultOpening.objects.get()
    assert opening.opened_by == people["custodian"] and opening.reason == "发放奖励前核对身份"
    assert AuditRecord.objects.filter(action="tip.open_identity", actor=people["custodian"]).exists()


def test_missing_key_in_production_stops_start(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_") and k != "DATABASE_URL"}
    env.update(PORTAL_DEBUG="0", PORTAL_SECRET_KEY="k" * 60, PORTAL_ALLOWED_HOSTS="example.org",
               DJANGO_SETTINGS_MODULE="portal.settings")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode != 0 and "PORTAL_TIP_KEYS" in result.stderr


def test_rotate_command_reencrypts_under_first_key(org, people, settings):
    from django.core.management import call_command

    old = settings.PORTAL_TIP_KEYS[0]
    tip, _ = file_tip(org, disclosure=Disclosure.REAL_NAME)
    new = Fernet.generate_key().decode()
    settings.PORTAL_TIP_KEYS = [new, old]
    call_command("rotate_tip_keys")
    settings.PORTAL_TIP_KEYS = [new]
    assert json.loads(crypto.unseal(Tip.objects.get(pk=tip.pk).identity_sealed))["name"] == REAL_NAME["name"]
