import datetime

import pytest
from django.utils import timezone

from hazards import services
from hazards.enums import EventAction, HazardLevel, HazardPhotoKind, HazardState, StoppageKind
from hazards.models import ExtensionRequest, Hazard, HazardEvent, HazardPhoto, StoppageProposal
from portal.audit.models import AuditRecord
from portal.refusals import Refused
from tests.factories import stored_files, upload
from tests.factories.hazards import (
    PLAN,
    accept,
    criterion,
    default_programme,
    in_days,
    photo_upload,
    rectify,
    report,
    walk,
)

pytestmark = pytest.mark.django_db


def refused(code=None):
    return pytest.raises(Refused) if code is None else _Refusal(code)


class _Refusal:
    """pytest.raises(Refused) that also checks the code."""

    def __init__(self, code):
        self.code = code

    def __enter__(self):
        self.ctx = pytest.raises(Refused)
        self.info = self.ctx.__enter__()
        return self.info

    def __exit__(self, *exc):
        result = self.ctx.__exit__(*exc)
        assert self.info.value.code == self.code, self.info.value
        return result


def snapshot(hazard):
    """Everything a refused call must leave as it was."""
    fresh = Hazard.objects.get(pk=hazard.pk)
    return (fresh.state, fresh.deadline, fresh.level, HazardEvent.objects.filter(hazard=hazard).count(),
            AuditRecord.objects.count(), HazardPhoto.objects.filter(hazard=hazard).count())


# --- reporting ----------------------------------------------------------------------------------------------


def test_report_hazard_registers_code_photos_timeline_and_audit(people, org):
    hazard = report(people, org, photos=2)
    assert hazard.code == f"HZ-{timezone.localdate().year}-000001"
    assert hazard.state == HazardState.REGISTERED
    assert hazard.finder == people["worker"] and not hazard.finder_named
    photos = list(hazard.photos.all())
    assert [p.kind for p in photos] == [HazardPhotoKind.BEFORE] * 2
    assert all(p.original and p.preview for p in photos)
    assert [e.action for e in hazard.events.all()] == [EventAction.REPORT]
    assert AuditRecord.objects.filter(action="hazard.report", target_id=str(hazard.pk)).exists()
    assert report(people, org).code.endswith("-000002")


def test_report_hazard_preview_has_no_metadata(people, org):
    from PIL import Image
    hazard = report(people, org)
    with hazard.photos.get().preview.open("rb") as f:
        assert not Image.open(f).getexif()


@pytest.mark.parametrize("count", [0, 10])
def test_report_hazard_photo_count_outside_programme_refused(people, org, count, isolated_tasks_and_media):
    with refused("photo_count"):
        report(people, org, photos=count)
    assert not Hazard.objects.exists()


def test_report_hazard_bad_photo_stores_nothing(people, org, isolated_tasks_and_media):
    with refused():
        services.report_hazard(actor=people["worker"], unit=org.unit_a1a, category="unsafe_condition",
                               description="x", location="y", photos=[photo_upload(), upload(b"GIF89a" + b"0" * 100)])
    assert not Hazard.objects.exists() and not HazardPhoto.objects.exists()
    assert stored_files(isolated_tasks_and_media) == set()


def test_report_hazard_without_dpi_or_contest_size_accepted(people, org):
    from tests.factories import photos as pf
    data = pf.jpeg((200, 150), quality=70)  # below the contest's sizes, no dpi label
    hazard = services.report_hazard(actor=people["worker"], unit=org.unit_a1a, category="unsafe_act",
                                    description="未戴安全帽", location="二号车间", photos=[upload(data)])
    assert hazard.photos.count() == 1


def test_report_hazard_at_another_unit_refused(people, org):
    with refused("permission_denied"):
        services.report_hazard(actor=people["worker"], unit=org.unit_b1a, category="unsafe_act",
                               description="x", location="y", photos=[photo_upload()])


def test_report_hazard_same_photo_twice_refused(people, org, isolated_tasks_and_media):
    with refused("repeat"):
        services.report_hazard(actor=people["worker"], unit=org.unit_a1a, category="unsafe_act", description="x",
                               location="y", photos=[photo_upload(3), photo_upload(3)])
    assert stored_files(isolated_tasks_and_media) == set()


def test_add_before_photo_refused_photo_stores_nothing(people, org, isolated_tasks_and_media):
    hazard = report(people, org)
    before = stored_files(isolated_tasks_and_media)
    with refused():
        services.add_hazard_photo(hazard, HazardPhotoKind.BEFORE, upload(b"not a jpeg at all" * 10),
                                  actor=people["worker"])
    assert stored_files(isolated_tasks_and_media) == before
    assert hazard.photos.count() == 1


def test_add_after_photo_before_rectification_refused(people, org, isolated_tasks_and_media):
    hazard = accept(report(people, org), people)
    before = stored_files(isolated_tasks_and_media)
    with refused("bad_state"):
        services.add_hazard_photo(hazard, HazardPhotoKind.AFTER, photo_upload(), actor=people["workshop"])
    assert stored_files(isolated_tasks_and_media) == before


def test_add_before_photo_by_stranger_refused(people, org):
    hazard = report(people, org)
    with refused("permission_denied"):
        services.add_hazard_photo(hazard, HazardPhotoKind.BEFORE, photo_upload(), actor=people["worker_peer"])


# --- triage -------------------------------------------------------------------------------------------------


def test_accept_hazard_sets_level_responsible_deadline_and_lec(people, org):
    hazard = accept(report(people, org), people, lec=("2", "1.8", "25"), interim_measures="设置警示带")
    assert hazard.state == HazardState.ACCEPTED
    assert hazard.responsible == people["workshop"] and hazard.assigned_by == people["safety"]
    assert hazard.lec_d == 90
    assert hazard.events.last().action == EventAction.ACCEPT


def test_accept_hazard_past_deadline_refused(people, org):
    hazard = report(people, org)
    before = snapshot(hazard)
    with refused("past_deadline"):
        accept(hazard, people, deadline_days=-1)
    assert snapshot(hazard) == before


def test_accept_hazard_today_deadline_allowed(people, org):
    assert accept(report(people, org), people, deadline_days=0).deadline == timezone.localdate()


def test_accept_major_without_criterion_refused(people, org):
    hazard = report(people, org)
    with refused("no_criterion"):
        services.accept_hazard(hazard, actor=people["safety"], level=HazardLevel.MAJOR,
                               responsible=people["workshop"], deadline=in_days(5))


def test_accept_hazard_responsible_outside_unit_refused(people, org):
    hazard = report(people, org)
    with refused("bad_responsible"):
        services.accept_hazard(hazard, actor=people["safety"], level=HazardLevel.GENERAL,
                               responsible=people["safety_other"], deadline=in_days(5))


def test_accept_hazard_partial_or_invalid_lec_refused(people, org):
    hazard = report(people, org)
    with refused("lec_partial"):
        accept(hazard, people, lec=("2", "", "25"))
    with refused("lec_invalid"):
        accept(hazard, people, lec=("2", "1.8", "7"))


@pytest.mark.parametrize("who", ["worker", "team_leader", "workshop", "inspector", "unit", "county", "regulator",
                                 "safety_other"])
def test_accept_hazard_wrong_role_refused(people, org, who):
    hazard = report(people, org)
    before = snapshot(hazard)
    with refused("permission_denied"):
        services.accept_hazard(hazard, actor=people[who], level=HazardLevel.GENERAL,
                               responsible=people["workshop"], deadline=in_days(5))
    assert snapshot(hazard) == before


def test_decline_then_inspector_reopens(people, org):
    hazard = services.decline_hazard(report(people, org), actor=people["safety"], reason="重复上报")
    assert hazard.state == HazardState.DECLINED and hazard.decline_reason == "重复上报"
    with refused("permission_denied"):
        services.reopen_declined_hazard(hazard, actor=people["safety"], note="x")
    hazard = services.reopen_declined_hazard(hazard, actor=people["inspector"], note="确属隐患")
    assert hazard.state == HazardState.REGISTERED


def test_decline_without_reason_refused(people, org):
    with refused("missing_text"):
        services.decline_hazard(report(people, org), actor=people["safety"], reason="  ")


# --- 重大: the plan -----------------------------------------------------------------------------------------


def test_major_start_without_approved_plan_refused(people, org):
    hazard = accept(report(people, org), people, level=HazardLevel.MAJOR)
    assert hazard.criterion == criterion()
    with refused("plan_not_approved"):
        services.start_rectification(hazard, actor=people["workshop"])
    services.submit_plan(hazard, actor=people["workshop"], **PLAN)
    with refused("plan_not_approved"):
        services.start_rectification(hazard, actor=people["workshop"])
    with refused("permission_denied"):
        services.approve_plan(hazard, actor=people["safety"])
    services.approve_plan(hazard, actor=people["head"])
    assert services.start_rectification(hazard, actor=people["workshop"]).state == HazardState.RECTIFYING


def test_plan_missing_parts_refused_with_each_part(people, org):
    hazard = accept(report(people, org), people, level=HazardLevel.MAJOR)
    with refused("plan_incomplete") as info:
        services.submit_plan(hazard, actor=people["workshop"], **{**PLAN, "funds": "", "safety_measures": " "})
    assert len(info.value.details) == 2


def test_plan_for_general_hazard_refused(people, org):
    with refused("not_major"):
        services.submit_plan(accept(report(people, org), people), actor=people["workshop"], **PLAN)


def test_resubmitted_plan_needs_new_approval(people, org):
    hazard = accept(report(people, org), people, level=HazardLevel.MAJOR)
    services.submit_plan(hazard, actor=people["workshop"], **PLAN)
    services.approve_plan(hazard, actor=people["head"])
    plan = services.submit_plan(hazard, actor=people["workshop"], **{**PLAN, "funds": "8万元"})
    assert not plan.is_approved


# --- rectification and verification -------------------------------------------------------------------------


def test_submit_rectification_without_after_photo_refused(people, org):
    hazard = services.start_rectification(accept(report(people, org), people), actor=people["workshop"])
    with refused("no_after_photos"):
        services.submit_rectification(hazard, actor=people["workshop"], note="已整改", cost="0")


def test_submit_rectification_negative_cost_refused(people, org):
    hazard = services.start_rectification(accept(report(people, org), people), actor=people["workshop"])
    services.add_hazard_photo(hazard, HazardPhotoKind.AFTER, photo_upload(), actor=people["workshop"])
    with refused("bad_cost"):
        services.submit_rectification(hazard, actor=people["workshop"], note="已整改", cost="-1")


def test_rectify_records_note_cost_and_rectifier(people, org):
    hazard = rectify(accept(report(people, org), people), people)
    assert hazard.state == HazardState.SUBMITTED
    assert hazard.rectified_by == people["workshop"] and str(hazard.cost) == "120.50"


def test_verify_by_rectifier_refused_by_other_accepted(people, org):
    hazard = accept(report(people, org), people)
    services.start_rectification(hazard, actor=people["safety"])
    services.add_hazard_photo(hazard, HazardPhotoKind.AFTER, photo_upload(), actor=people["safety"])
    services.submit_rectification(hazard, actor=people["safety"], note="已整改", cost=0)
    with refused("own_rectification"):
        services.verify_rectification(hazard, actor=people["safety"])
    hazard = services.verify_rectification(hazard, actor=people["head"], note="合格")
    assert hazard.state == HazardState.VERIFIED and hazard.verifier == people["head"]


def test_return_rectification_then_resubmit(people, org):
    hazard = rectify(accept(report(people, org), people), people)
    with refused("missing_text"):
        services.return_rectification(hazard, actor=people["safety"], reason="")
    hazard = services.return_rectification(hazard, actor=people["safety"], reason="锁具不合格")
    assert hazard.state == HazardState.RETURNED and hazard.return_reason == "锁具不合格"
    services.add_hazard_photo(hazard, HazardPhotoKind.AFTER, photo_upload(), actor=people["workshop"])
    hazard = services.submit_rectification(hazard, actor=people["workshop"], note="已更换锁具", cost=200)
    assert hazard.state == HazardState.SUBMITTED and hazard.return_reason == ""


def test_sign_off_only_by_inspector(people, org):
    hazard = walk(people, org, HazardState.VERIFIED)
    for who in ("safety", "unit", "county", "head"):
        with refused("permission_denied"):
            services.sign_off_hazard(hazard, actor=people[who])
    assert services.sign_off_hazard(hazard, actor=people["inspector"], comment="同意").state == HazardState.SIGNED


def test_close_before_union_sign_off_refused(people, org):
    hazard = walk(people, org, HazardState.VERIFIED)
    with refused("needs_signoff"):
        services.close_hazard(hazard, actor=people["safety"])


def test_close_without_sign_off_when_programme_does_not_require_it(people, org):
    programme = default_programme()
    programme.union_signoff_required = False
    programme.save()
    hazard = walk(people, org, HazardState.VERIFIED)
    with refused("signoff_not_required"):
        services.sign_off_hazard(hazard, actor=people["inspector"])
    assert services.close_hazard(hazard, actor=people["safety"]).state == HazardState.CLOSED


def test_close_sets_follow_up_date_from_programme(people, org):
    hazard = walk(people, org, HazardState.CLOSED)
    assert hazard.follow_up_on == in_days(default_programme().follow_up_days)


def test_major_close_needs_regulator_cancellation(people, org):
    hazard = walk(people, org, HazardState.SIGNED, level=HazardLevel.MAJOR)
    with refused("needs_regulator"):
        services.close_hazard(hazard, actor=people["safety"])
    with refused("permission_denied"):
        services.record_regulator_cancellation(hazard, actor=people["regulator_other"])
    services.record_regulator_listing(hazard, actor=people["regulator"], note="挂牌督办")
    services.record_regulator_cancellation(hazard, actor=people["regulator"], note="核销")
    assert services.close_hazard(hazard, actor=people["safety"]).state == HazardState.CLOSED


def test_regulator_cannot_act_on_general_hazard(people, org):
    hazard = walk(people, org, HazardState.VERIFIED)
    with refused("permission_denied"):
        services.record_regulator_listing(hazard, actor=people["regulator"])


def test_regulator_cancellation_before_verification_refused(people, org):
    hazard = walk(people, org, HazardState.RECTIFYING, level=HazardLevel.MAJOR)
    with refused("bad_state"):
        services.record_regulator_cancellation(hazard, actor=people["regulator"])


def test_review_before_follow_up_date_refused_then_allowed(people, org):
    hazard = walk(people, org, HazardState.CLOSED)
    with refused("follow_up_not_due"):
        services.review_hazard(hazard, actor=people["safety"], result="未复发")
    Hazard.objects.filter(pk=hazard.pk).update(follow_up_on=timezone.localdate())
    hazard = services.review_hazard(hazard, actor=people["safety"], result="未复发")
    assert hazard.state == HazardState.REVIEWED and hazard.reviewed_by == people["safety"]


def test_reopen_after_follow_up_date(people, org):
    hazard = walk(people, org, HazardState.CLOSED)
    with refused("follow_up_not_due"):
        services.reopen_hazard(hazard, actor=people["inspector"], reason="复发", deadline=in_days(3))
    Hazard.objects.filter(pk=hazard.pk).update(follow_up_on=timezone.localdate() - datetime.timedelta(days=1))
    with refused("past_deadline"):
        services.reopen_hazard(hazard, actor=people["inspector"], reason="复发", deadline=in_days(-1))
    hazard = services.reopen_hazard(hazard, actor=people["inspector"], reason="复发", deadline=in_days(3))
    assert hazard.state == HazardState.RECTIFYING and hazard.reopened_count == 1
    assert hazard.closed_at is None and hazard.verifier is None


# --- every transition out of order --------------------------------------------------------------------------

CALLS = {
    "accept": lambda h, p: services.accept_hazard(h, actor=p["safety"], level=HazardLevel.GENERAL,
                                                  responsible=p["workshop"], deadline=in_days(5)),
    "decline": lambda h, p: services.decline_hazard(h, actor=p["safety"], reason="r"),
    "reopen_declined": lambda h, p: services.reopen_declined_hazard(h, actor=p["inspector"], note="n"),
    "start": lambda h, p: services.start_rectification(h, actor=p["safety"]),
    "submit": lambda h, p: services.submit_rectification(h, actor=p["safety"], note="n", cost=0),
    "verify": lambda h, p: services.verify_rectification(h, actor=p["head"]),
    "return": lambda h, p: services.return_rectification(h, actor=p["safety"], reason="r"),
    "sign_off": lambda h, p: services.sign_off_hazard(h, actor=p["inspector"]),
    "close": lambda h, p: services.close_hazard(h, actor=p["safety"]),
    "review": lambda h, p: services.review_hazard(h, actor=p["safety"], result="r"),
    "reopen": lambda h, p: services.reopen_hazard(h, actor=p["safety"], reason="r", deadline=in_days(5)),
}
# Which calls each state allows (the rest must be refused and change nothing).
ALLOWED = {
    HazardState.REGISTERED: {"accept", "decline"},
    HazardState.DECLINED: {"reopen_declined"},
    HazardState.ACCEPTED: {"start"},
    HazardState.RECTIFYING: {"submit"},  # refused for lack of after photos, but not for the state
    HazardState.SUBMITTED: {"verify", "return"},
    HazardState.VERIFIED: {"sign_off"},
    HazardState.SIGNED: {"close"},
    HazardState.CLOSED: {"review", "reopen"},  # refused until the follow-up date
}


@pytest.mark.parametrize("state", list(ALLOWED))
@pytest.mark.parametrize("call", list(CALLS))
def test_transition_out_of_order_refused_and_changes_nothing(people, org, state, call):
    hazard = walk(people, org, state)
    before = snapshot(hazard)
    if call in ALLOWED[state]:
        try:
            CALLS[call](hazard, people)
        except Refused as exc:
            assert exc.code != "bad_state"
        return
    with pytest.raises(Refused) as info:
        CALLS[call](hazard, people)
    assert info.value.code in ("bad_state", "needs_signoff"), info.value
    assert snapshot(hazard) == before


def test_every_transition_writes_timeline_and_audit(people, org):
    hazard = walk(people, org, HazardState.CLOSED)
    actions = [e.action for e in hazard.events.all()]
    assert actions == [EventAction.REPORT, EventAction.ACCEPT, EventAction.START, EventAction.PHOTO,
                       EventAction.SUBMIT, EventAction.VERIFY, EventAction.SIGN_OFF, EventAction.CLOSE]
    audited = list(AuditRecord.objects.filter(target_id=str(hazard.pk), action__startswith="hazard.")
                   .values_list("action", flat=True))
    assert len(audited) == len(actions)
    last = hazard.events.last()
    assert (last.from_state, last.to_state) == (HazardState.SIGNED, HazardState.CLOSED)


# --- flags --------------------------------------------------------------------------------------------------


def test_due_soon_and_overdue_flags_follow_programme(people, org):
    hazard = accept(report(people, org), people, deadline_days=3)
    assert hazard.is_due_soon() and not hazard.is_overdue()
    assert not hazard.is_due_soon(today=timezone.localdate() - datetime.timedelta(days=1))
    later = hazard.deadline + datetime.timedelta(days=1)
    assert hazard.is_overdue(today=later) and not hazard.is_due_soon(today=later)
    assert list(Hazard.objects.overdue(today=later)) == [hazard]
    programme = default_programme()
    programme.due_soon_days = 1
    programme.save()
    hazard.refresh_from_db()
    assert not hazard.is_due_soon()


def test_closed_hazard_past_deadline_not_overdue(people, org):
    hazard = walk(people, org, HazardState.CLOSED)
    assert not hazard.is_overdue(today=hazard.deadline + datetime.timedelta(days=30))


# --- extensions ---------------------------------------------------------------------------------------------


def test_extension_approved_by_assigner_moves_deadline(people, org):
    hazard = accept(report(people, org), people, deadline_days=2)
    extension = services.request_extension(hazard, actor=people["workshop"], new_deadline=in_days(10),
                                           reason="备件未到")
    with refused("pending_extension"):
        services.request_extension(hazard, actor=people["workshop"], new_deadline=in_days(12), reason="x")
    with refused("permission_denied"):
        services.decide_extension(extension, actor=people["head"], approve=True)
    extension = services.decide_extension(extension, actor=people["safety"], approve=True, note="同意")
    hazard.refresh_from_db()
    assert hazard.deadline == in_days(10)
    assert (extension.old_deadline, extension.new_deadline, extension.approved) == (in_days(2), in_days(10), True)
    with refused("decided"):
        services.decide_extension(extension, actor=people["safety"], approve=False)


def test_extension_refused_keeps_deadline(people, org):
    hazard = accept(report(people, org), people, deadline_days=2)
    extension = services.request_extension(hazard, actor=people["workshop"], new_deadline=in_days(10), reason="r")
    services.decide_extension(extension, actor=people["safety"], approve=False, note="不同意")
    hazard.refresh_from_db()
    assert hazard.deadline == in_days(2)
    assert ExtensionRequest.objects.get().approved is False


def test_extension_not_later_or_past_refused(people, org):
    hazard = accept(report(people, org), people, deadline_days=5)
    with refused("not_later"):
        services.request_extension(hazard, actor=people["workshop"], new_deadline=in_days(4), reason="r")
    with refused("past_deadline"):
        services.request_extension(hazard, actor=people["workshop"], new_deadline=in_days(-1), reason="r")
    with refused("permission_denied"):
        services.request_extension(hazard, actor=people["worker"], new_deadline=in_days(9), reason="r")


# --- the union's stoppage proposal --------------------------------------------------------------------------


def test_stoppage_proposal_answered_in_writing(people, org):
    hazard = accept(report(people, org), people)
    with refused("permission_denied"):
        services.propose_stoppage(hazard, actor=people["safety"], kind=StoppageKind.STOP, reasons="r")
    proposal = services.propose_stoppage(hazard, actor=people["inspector"], kind=StoppageKind.STOP,
                                         reasons="配电室漏水，随时可能触电")
    assert proposal.answer_due == in_days(default_programme().stoppage_answer_days)
    assert not proposal.is_escalated()
    with refused("permission_denied"):
        services.answer_stoppage(proposal, actor=people["inspector"], accept=True, answer="x")
    with refused("missing_text"):
        services.answer_stoppage(proposal, actor=people["head"], accept=True, answer="")
    proposal = services.answer_stoppage(proposal, actor=people["head"], accept=True, answer="已停产整改")
    assert proposal.accepted is True and not proposal.is_escalated()
    with refused("answered"):
        services.answer_stoppage(proposal, actor=people["head"], accept=False, answer="x")


def test_stoppage_unanswered_past_due_or_refused_escalates(people, org):
    hazard = accept(report(people, org), people)
    late = services.propose_stoppage(hazard, actor=people["inspector"], kind=StoppageKind.EVACUATE, reasons="r1")
    refusal = services.propose_stoppage(hazard, actor=people["inspector"], kind=StoppageKind.STOP, reasons="r2")
    answered = services.propose_stoppage(hazard, actor=people["inspector"], kind=StoppageKind.STOP, reasons="r3")
    StoppageProposal.objects.filter(pk__in=[late.pk, answered.pk]).update(
        answer_due=timezone.localdate() - datetime.timedelta(days=1))
    services.answer_stoppage(refusal, actor=people["safety"], accept=False, answer="不同意")
    services.answer_stoppage(answered, actor=people["safety"], accept=True, answer="同意")
    assert set(StoppageProposal.objects.escalated()) == {late, refusal}


# --- the programme ------------------------------------------------------------------------------------------


def test_programme_most_specific_place_and_year_wins(org):
    from hazards.models import HazardProgramme
    default = default_programme()
    assert HazardProgramme.objects.for_unit(org.unit_a1a) == default
    city = HazardProgramme.objects.create(name="甲市", place=org.city_a, stoppage_answer_days=5)
    county = HazardProgramme.objects.create(name="甲市一区", place=org.county_a1, year=timezone.localdate().year)
    HazardProgramme.objects.create(name="过去", place=org.unit_a1a, year=2001)
    assert HazardProgramme.objects.for_unit(org.unit_a1a) == county
    assert HazardProgramme.objects.for_unit(org.unit_a0) == city
    assert HazardProgramme.objects.for_unit(org.unit_b1a) == default


def test_reported_hazard_uses_its_places_programme(people, org):
    from hazards.models import HazardProgramme
    HazardProgramme.objects.create(name="甲市", place=org.city_a, stoppage_answer_days=5, before_photos_max=2)
    with refused("photo_count"):
        report(people, org, photos=3)
    hazard = accept(report(people, org), people)
    proposal = services.propose_stoppage(hazard, actor=people["inspector"], kind=StoppageKind.STOP, reasons="r")
    assert proposal.answer_due == in_days(5)


def test_seeded_criteria_are_editable_rows():
    from hazards.models import MajorHazardCriterion
    clauses = list(MajorHazardCriterion.objects.values_list("clause", flat=True))
    assert len(clauses) >= 3 and all(c.startswith("第三条") for c in clauses)


def test_finder_chooses_to_be_named_only_themselves(people, org):
    from hazards.presenters import finder_display
    hazard = report(people, org)
    with refused("permission_denied"):
        services.set_finder_named(hazard, actor=people["safety"], named=True)
    hazard = services.set_finder_named(hazard, actor=people["worker"], named=True)
    assert finder_display(hazard, people["safety"]) == people["worker"].get_full_name()
    assert hazard.events.last().action == EventAction.FINDER_NAMED


def test_programme_one_default_and_sane_photo_limits(db):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from hazards.models import HazardProgramme
    default_programme()
    with pytest.raises(IntegrityError), transaction.atomic():
        HazardProgramme.objects.create(name="第二个默认", is_default=True)
    with pytest.raises(ValidationError):
        HazardProgramme(name="x", before_photos_min=3, before_photos_max=2).full_clean()
