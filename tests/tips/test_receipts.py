"""Receipts: format and entropy, only a keyed hash stored, a wrong code indistinguishable, rate limits."""

import contextlib
import time

import pytest
from django.db import connection
from django.test import RequestFactory

from tests.factories.tips import file_tip
from tips import crypto, services, throttle
from tips.enums import Disclosure

pytestmark = pytest.mark.django_db


def test_receipt_is_16_crockford_chars_80_bits():
    codes = {crypto.new_receipt() for _ in range(500)}
    assert len(codes) == 500
    assert all(len(code) == 16 and set(code) <= set(crypto.ALPHABET) for code in codes)
    assert len(crypto.ALPHABET) == 32  # 5 bits × 16 = 80 bits
    assert crypto.group_receipt("ABCD0123EFGH4567") == "ABCD-0123-EFGH-4567"


def test_receipt_normalised_when_read_aloud_or_mistyped():
    assert crypto.normalise_receipt("abcd-o1il efgh-4567") == "ABCD0111EFGH4567"
    assert crypto.normalise_receipt("too short") is None
    assert crypto.normalise_receipt("ABCD0123EFGH456U") is None


def test_only_keyed_hash_of_receipt_and_passcode_stored(org, people):
    tip, receipt = file_tip(org, passcode="秘密口令2026")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM tips_tip WHERE id = %s", [tip.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert receipt not in row and crypto.group_receipt(receipt) not in row and "秘密口令2026" not in row
    assert tip.receipt_hash == crypto.receipt_hash(receipt)
    assert tip.receipt_hash != __import__("hashlib").sha256(receipt.encode()).hexdigest()  # keyed, not plain


def test_lookup_by_receipt_and_passcode(org, people):
    tip, receipt = file_tip(org, passcode="口令")
    assert services.tip_by_receipt(crypto.group_receipt(receipt).lower(), "口令") == tip


@pytest.mark.parametrize("case", ["unknown", "garbage", "wrong_passcode", "no_passcode"])
def test_wrong_receipt_same_refusal(org, people, case):
    _, receipt = file_tip(org, passcode="口令")
    code, passcode = {"unknown": (crypto.new_receipt(), "口令"), "garbage": ("<script>", ""),
                      "wrong_passcode": (receipt, "错"), "no_passcode": (receipt, "")}[case]
    with pytest.raises(services.Refused) as exc:
        services.tip_by_receipt(code, passcode)
    assert exc.value.code == "bad_receipt" and exc.value.message == "回执码或查询密码不正确。"


def test_wrong_receipt_takes_about_as_long_as_right_one(org, people):
    _, receipt = file_tip(org, passcode="口令")

    def timed(code, passcode):
        start = time.perf_counter()
        with contextlib.suppress(services.Refused):
            services.tip_by_receipt(code, passcode)
        return time.perf_counter() - start

    right = min(timed(receipt, "口令") for _ in range(3))
    wrong = min(timed(crypto.new_receipt(), "口令") for _ in range(3))
    assert wrong > right / 3  # both pay for one password check


def test_anonymous_without_follow_up_cannot_be_looked_up(org, people):
    _, receipt = file_tip(org, disclosure=Disclosure.ANONYMOUS)
    assert receipt is None


def test_throttle_counts_per_address(settings):
    factory = RequestFactory()
    one, two = factory.get("/", REMOTE_ADDR="10.0.0.1"), factory.get("/", REMOTE_ADDR="10.0.0.2")
    assert [throttle.exhausted(one, "test-bucket", 3) for _ in range(4)] == [False, False, False, True]
    assert throttle.exhausted(two, "test-bucket", 3) is False
