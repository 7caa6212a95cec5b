"""Every transition of a tip, in and out of order, by the right and the wrong role."""

import datetime

import pytest
from django.utils import timezone

from hazards.enums import HazardSource, HazardState
from hazards.models import Hazard
from portal.audit.models import AuditRecord
from tests.factories.hazards import HazardFactory
from tests.factories.tips import file_tip, tip_photo, walk_tip
from tips import services
from tips.enums import Disclosure, RejectReason, TipMatter, TipState
from tips.models import Tip, TipEvent, TipPhoto

pytestmark = pytest.mark.django_db


def test_submit_tip_stores_tip_photos_and_event(org, people):
    tip, receipt = file_tip(org, photos=2)
    assert tip.state == TipState.SUBMITTED and tip.code.startswith("JB-")
    assert TipPhoto.objects.filter(tip=tip).count() == 2
    assert receipt and len(receipt) == 16
    assert TipEvent.objects.filter(tip=tip, action="submit").exists()


def test_submit_tip_without_follow_up_gives_no_receipt(org, people):
    tip, receipt = file_tip(org, disclosure=Disclosure.ANONYMOUS)
    assert receipt is None and tip.receipt_hash is None


def test_submit_tip_audit_keeps_no_address(org, people, client):
    file_tip(org)
    record = AuditRecord.objects.get(action="tip.submit")
    assert record.ip in (None, "")


@pytest.mark.parametrize("fields, code", [
    ({"matter": "nonsense"}, "bad_matter"),
    ({"description": "  "}, "missing_text"),
    ({"disclosure": Disclosure.REAL_NAME, "name": "", "phone": ""}, "no_identity"),
    ({"unit": None, "place_text": ""}, "no_place"),
    ({"unit": None, "place_text": "某某加油站"}, "no_area"),
])
def test_submit_tip_bad_input_refused_and_nothing_saved(org, people, fields, code):
    matter = fields.pop("matter", TipMatter.MAJOR_HAZARD)
    disclosure = fields.pop("disclosure", Disclosure.ANONYMOUS_RECEIPT)
    data = {"description": "消防通道堵塞", "unit": org.unit_a1a, **fields}
    with pytest.raises(services.Refused) as exc:
        services.submit_tip(matter=matter, disclosure=disclosure, photos=[tip_photo()], **data)
    assert exc.value.code == code
    assert not Tip.objects.exists() and not TipPhoto.objects.exists()


def test_submit_tip_needs_one_to_nine_photos(org, people):
    for count in (0, 10):
        with pytest.raises(services.Refused) as exc:
            file_tip(org, photos=count)
        assert exc.value.code == "photo_count"


def test_submit_tip_hostile_file_refused_nothing_stored(org, people, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    bad = SimpleUploadedFile("x.jpg", b"<html><script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(services.Refused):
        services.submit_tip(matter=TipMatter.MAJOR_HAZARD, disclosure=Disclosure.ANONYMOUS, description="x",
                            unit=org.unit_a1a, photos=[tip_photo(), bad])
    assert not Tip.objects.exists() and not any(tmp_path.rglob("*.jpg"))


def test_free_text_tip_is_handled_by_its_area(org, people):
    tip, _ = file_tip(org, unit=None, place_text="某某加油站（城东路）", area=org.county_a1)
    assert services.accept_tip(tip, actor=people["handler"]).state == TipState.ACCEPTED


def test_accept_tip_starts_the_verification_clock(org, people):
    tip, _ = file_tip(org)
    tip = services.accept_tip(tip, actor=people["handler"])
    assert (tip.verify_due - timezone.localdate(tip.accepted_at)).days == 60
    assert tip.handler == people["handler"]


def test_accept_tip_clock_counts_from_the_local_date_after_midnight(org, people, monkeypatch):
    # 00:38 on 2 December in Shanghai is still 1 December in UTC: the 60 days run from the local date.
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 1, 16, 38, tzinfo=datetime.UTC))
    tip, _ = file_tip(org)
    tip = services.accept_tip(tip, actor=people["handler"])
    assert tip.verify_due == datetime.date(2027, 1, 31)


@pytest.mark.parametrize("who", ["handler_other", "custodian", "rewards1", "safety", "worker", "county"])
def test_accept_tip_wrong_role_or_scope_refused(org, people, who):
    tip, _ = file_tip(org)
    with pytest.raises(services.Refused) as exc:
        services.accept_tip(tip, actor=people[who])
    assert exc.value.denied
    assert Tip.objects.get(pk=tip.pk).state == TipState.SUBMITTED


def test_transitions_out_of_order_refused(org, people):
    tip, _ = file_tip(org)
    handler = people["handler"]
    for call in (lambda: services.start_verification(tip, actor=handler),
                 lambda: services.conclude_tip(tip, actor=handler, result=TipState.CONFIRMED, conclusion="x"),
                 lambda: services.notify_result(tip, actor=handler),
                 lambda: services.object_to_result(tip, text="x"),
                 lambda: services.extend_verification(tip, actor=handler, days=10, reason="x")):
        with pytest.raises(services.Refused) as exc:
            call()
        assert exc.value.code == "bad_state"
    services.accept_tip(tip, actor=handler)
    with pytest.raises(services.Refused):
        services.accept_tip(tip, actor=handler)


def test_reject_tip_with_reason_from_list(org, people):
    tip, _ = file_tip(org)
    with pytest.raises(services.Refused):
        services.reject_tip(tip, actor=people["handler"], reason="made-up")
    with pytest.raises(services.Refused):
        services.reject_tip(tip, actor=people["handler"], reason=RejectReason.OTHER, note="")
    tip = services.reject_tip(tip, actor=people["handler"], reason=RejectReason.INSUFFICIENT)
    assert tip.state == TipState.REJECTED and tip.reject_reason == RejectReason.INSUFFICIENT


def test_duplicate_links_to_first_accepted_tip(org, people):
    first, _ = file_tip(org)
    second, _ = file_tip(org)
    with pytest.raises(services.Refused):
        services.link_duplicate(second, actor=people["handler"], original=first)  # first not accepted yet
    services.accept_tip(first, actor=people["handler"])
    second = services.link_duplicate(second, actor=people["handler"], original=first)
    assert second.duplicate_of == first and second.reject_reason == RejectReason.DUPLICATE


def test_extension_once_within_limit_reason_public(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.VERIFYING)
    due = tip.verify_due
    with pytest.raises(services.Refused):
        services.extend_verification(tip, actor=people["handler"], days=31, reason="需检测")
    tip = services.extend_verification(tip, actor=people["handler"], days=30, reason="需第三方检测")
    assert (tip.verify_due - due).days == 30
    assert tip.events.filter(action="extend", public=True).exists()
    with pytest.raises(services.Refused) as exc:
        services.extend_verification(tip, actor=people["handler"], days=5, reason="再延")
    assert exc.value.code == "extended"


def test_confirmed_hazard_tip_creates_ledger_hazard_with_deadline(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.CONFIRMED)
    assert tip.notify_due is not None
    with pytest.raises(services.Refused) as exc:
        services.notify_result(tip, actor=people["handler"])
    assert exc.value.code == "no_hazard"
    tip = services.send_to_ledger(tip, actor=people["handler"])
    hazard = Hazard.objects.get(pk=tip.hazard_id)
    assert hazard.source == HazardSource.TIP and hazard.unit == org.unit_a1a
    assert hazard.deadline is not None and hazard.finder is None and hazard.state == HazardState.REGISTERED
    assert services.notify_result(tip, actor=people["handler"]).state == TipState.NOTIFIED


def test_send_to_ledger_links_existing_hazard_of_same_unit_only(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.CONFIRMED)
    other = HazardFactory(unit=org.unit_a1b)
    with pytest.raises(services.Refused):
        services.send_to_ledger(tip, actor=people["handler"], hazard=other)
    same = HazardFactory(unit=org.unit_a1a)
    assert services.send_to_ledger(tip, actor=people["handler"], hazard=same).hazard == same


def test_unfounded_tip_notified_without_hazard(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.NOTIFIED, result=TipState.UNFOUNDED)
    assert tip.state == TipState.NOTIFIED and tip.hazard_id is None


def test_objection_once_then_review_by_level_above(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.OBJECTED, result=TipState.UNFOUNDED)
    assert tip.state == TipState.OBJECTED
    with pytest.raises(services.Refused):
        services.object_to_result(tip, text="再次异议")
    for who in ("handler", "handler_other"):
        with pytest.raises(services.Refused) as exc:
            services.review_tip(tip, actor=people[who], result=TipState.PARTLY_CONFIRMED, note="x")
        assert exc.value.denied
    tip = services.review_tip(tip, actor=people["handler_city"], result=TipState.PARTLY_CONFIRMED, note="部分属实")
    assert tip.state == TipState.REVIEWED and tip.final_result == TipState.PARTLY_CONFIRMED


def test_overdue_clock_shown(org, people):
    import datetime

    tip = walk_tip(people, file_tip(org)[0], TipState.VERIFYING)
    assert not tip.is_overdue()
    assert tip.is_overdue(tip.verify_due + datetime.timedelta(days=1))
    assert tip.is_due_soon(tip.verify_due - datetime.timedelta(days=3))


def test_free_text_tip_unit_identified_within_area_then_ledger(org, people):
    tip, _ = file_tip(org, unit=None, place_text="安泰机械厂后院", area=org.county_a1)
    tip = walk_tip(people, tip, TipState.CONFIRMED)
    with pytest.raises(services.Refused) as exc:
        services.send_to_ledger(tip, actor=people["handler"])
    assert exc.value.code == "no_unit"
    with pytest.raises(services.Refused):
        services.identify_unit(tip, actor=people["handler"], unit=org.unit_b1a)  # outside the area
    tip = services.identify_unit(tip, actor=people["handler"], unit=org.unit_a1a)
    assert services.send_to_ledger(tip, actor=people["handler"]).hazard.unit == org.unit_a1a


def test_submit_tip_storage_failure_refused_nothing_saved(org, people, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "_store_photo", broken)
    with pytest.raises(services.Refused) as exc:
        file_tip(org)
    assert exc.value.code == "storage_error"
    assert not Tip.objects.exists()
