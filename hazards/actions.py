"""The actions of the hazard page: for each, its permission, the states in which it is offered, its form
and the service it calls. The page shows the ones the user may take now; one view posts to any of them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hazards import forms, services
from hazards.enums import DEADLINE_STATES, OPEN_STATES, WORK_STATES, HazardPhotoKind, HazardState
from portal.refusals import Refused

ALL_STATES = tuple(HazardState.values)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    permission: str
    states: tuple
    form: type
    run: Callable  # (hazard, actor, cleaned_data, files, request) -> object
    confirm: str = ""  # asked before an irreversible step (static/portal/js/portal.js)
    major_only: bool = False
    button: str = "btn-primary"

    def offered(self, hazard) -> bool:
        if self.major_only and not hazard.is_major:
            return False
        if self.name in ("decide_extension",):
            return any(e.decided_at is None for e in hazard.extension_requests.all())
        if self.name in ("answer_stoppage",):
            return any(p.answered_at is None for p in hazard.stoppage_proposals.all())
        if self.name == "sign_off":
            return hazard.programme.union_signoff_required
        if self.name == "regulator_list":
            return not hazard.regulator_listed
        if self.name == "regulator_cancel":
            return hazard.regulator_cancelled_at is None
        return True

    def make_form(self, hazard, data=None, files=None):
        if self.form is forms.AcceptForm:
            return self.form(data, files, hazard=hazard, prefix=self.name)
        if self.form is forms.FinderNamedForm and data is None:
            return self.form(initial={"named": hazard.finder_named}, prefix=self.name)
        return self.form(data, files, prefix=self.name)


def _pending(queryset, pk):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Refused(_("该申请已不存在，请刷新页面。"), code="gone")
    return found


ACTIONS = {action.name: action for action in [
    Action("finder_named", _("署名设置"), "hazards.set_finder_named", ALL_STATES, forms.FinderNamedForm,
           lambda h, actor, d, f, r: services.set_finder_named(h, actor=actor, named=d["named"], request=r),
           button="btn-outline-secondary"),
    Action("accept", _("受理"), "hazards.accept_hazard", (HazardState.REGISTERED,), forms.AcceptForm,
           lambda h, actor, d, f, r: services.accept_hazard(h, actor=actor, request=r, **forms.accept_kwargs(d))),
    Action("decline", _("不予受理"), "hazards.decline_hazard", (HazardState.REGISTERED,), forms.ReasonForm,
           lambda h, actor, d, f, r: services.decline_hazard(h, actor=actor, reason=d["reason"], request=r),
           confirm=_("确定不予受理？上报人将看到理由。"), button="btn-outline-danger"),
    Action("reopen_declined", _("要求重新受理"), "hazards.reopen_declined", (HazardState.DECLINED,), forms.NoteForm,
           lambda h, actor, d, f, r: services.reopen_declined_hazard(h, actor=actor, note=d["note"], request=r)),
    Action("submit_plan", _("提交治理方案"), "hazards.submit_plan", (HazardState.ACCEPTED,), forms.PlanForm,
           lambda h, actor, d, f, r: services.submit_plan(h, actor=actor, request=r, **d), major_only=True),
    Action("approve_plan", _("批准治理方案"), "hazards.approve_plan", (HazardState.ACCEPTED,), forms.EmptyForm,
           lambda h, actor, d, f, r: services.approve_plan(h, actor=actor, request=r), major_only=True,
           confirm=_("确定批准该治理方案？")),
    Action("start", _("开始整改"), "hazards.start_rectification", (HazardState.ACCEPTED,), forms.EmptyForm,
           lambda h, actor, d, f, r: services.start_rectification(h, actor=actor, request=r)),
    Action("before_photo", _("补充隐患照片"), "hazards.add_before_photo",
           (HazardState.REGISTERED, HazardState.ACCEPTED), forms.BeforePhotoForm,
           lambda h, actor, d, f, r: services.add_hazard_photo(h, HazardPhotoKind.BEFORE, d["photo"], actor=actor,
                                                              request=r),
           button="btn-outline-secondary"),
    Action("after_photo", _("上传整改后照片"), "hazards.add_after_photo", WORK_STATES, forms.PhotoForm,
           lambda h, actor, d, f, r: services.add_hazard_photo(h, HazardPhotoKind.AFTER, d["photo"], actor=actor,
                                                              request=r)),
    Action("submit", _("提交验收"), "hazards.submit_rectification", WORK_STATES, forms.RectificationForm,
           lambda h, actor, d, f, r: services.submit_rectification(h, actor=actor, note=d["note"], cost=d["cost"],
                                                                  request=r)),
    Action("extension", _("申请延期"), "hazards.request_extension", DEADLINE_STATES, forms.ExtensionForm,
           lambda h, actor, d, f, r: services.request_extension(h, actor=actor, new_deadline=d["new_deadline"],
                                                               reason=d["reason"], request=r),
           button="btn-outline-secondary"),
    Action("decide_extension", _("审批延期申请"), "hazards.decide_extension", DEADLINE_STATES,
           forms.DecideExtensionForm,
           lambda h, actor, d, f, r: services.decide_extension(
               _pending(h.extension_requests.filter(decided_at__isnull=True), d["extension"]), actor=actor,
               approve=d["decision"] == "yes", note=d["note"], request=r)),
    Action("verify", _("验收通过"), "hazards.verify_rectification", (HazardState.SUBMITTED,), forms.NoteForm,
           lambda h, actor, d, f, r: services.verify_rectification(h, actor=actor, note=d["note"], request=r),
           confirm=_("确定验收通过？")),
    Action("return", _("退回整改"), "hazards.return_rectification", (HazardState.SUBMITTED,), forms.ReasonForm,
           lambda h, actor, d, f, r: services.return_rectification(h, actor=actor, reason=d["reason"], request=r),
           button="btn-outline-danger"),
    Action("sign_off", _("工会签字确认"), "hazards.sign_off", (HazardState.VERIFIED,), forms.NoteForm,
           lambda h, actor, d, f, r: services.sign_off_hazard(h, actor=actor, comment=d["note"], request=r),
           confirm=_("确定签字确认整改结果？")),
    Action("regulator_list", _("记录挂牌督办"), "hazards.record_regulator", OPEN_STATES, forms.NoteForm,
           lambda h, actor, d, f, r: services.record_regulator_listing(h, actor=actor, note=d["note"], request=r),
           major_only=True),
    Action("regulator_cancel", _("记录核销"), "hazards.record_regulator", (HazardState.VERIFIED, HazardState.SIGNED),
           forms.NoteForm,
           lambda h, actor, d, f, r: services.record_regulator_cancellation(h, actor=actor, note=d["note"],
                                                                           request=r),
           major_only=True, confirm=_("确定核销该重大事故隐患？")),
    Action("close", _("销号"), "hazards.close_hazard", (HazardState.VERIFIED, HazardState.SIGNED), forms.EmptyForm,
           lambda h, actor, d, f, r: services.close_hazard(h, actor=actor, request=r),
           confirm=_("确定销号？销号后只能在复查时重新打开。")),
    Action("review", _("跟踪复查"), "hazards.review_hazard", (HazardState.CLOSED,), forms.ReviewForm,
           lambda h, actor, d, f, r: services.review_hazard(h, actor=actor, result=d["result"], request=r)),
    Action("reopen", _("重新打开"), "hazards.reopen_hazard", (HazardState.CLOSED, HazardState.REVIEWED),
           forms.ReopenForm,
           lambda h, actor, d, f, r: services.reopen_hazard(h, actor=actor, reason=d["reason"],
                                                           deadline=d["deadline"], request=r),
           confirm=_("确定重新打开该隐患？"), button="btn-outline-danger"),
    Action("stoppage", _("建议停产整改/撤离"), "hazards.propose_stoppage", OPEN_STATES, forms.StoppageForm,
           lambda h, actor, d, f, r: services.propose_stoppage(h, actor=actor, kind=d["kind"], reasons=d["reasons"],
                                                              request=r),
           confirm=_("确定向单位提出该建议？单位须在期限内书面答复。"), button="btn-outline-danger"),
    Action("answer_stoppage", _("书面答复停产整改建议"), "hazards.answer_stoppage", OPEN_STATES,
           forms.AnswerStoppageForm,
           lambda h, actor, d, f, r: services.answer_stoppage(
               _pending(h.stoppage_proposals.filter(answered_at__isnull=True), d["proposal"]), actor=actor,
               accept=d["decision"] == "yes", answer=d["answer"], request=r)),
    # 逐级报告 and the supervision of the unions above (hazards/services.py).
    Action("report_up", _("逐级上报"), "hazards.report_up", services.REPORTABLE_STATES, forms.ReportUpForm,
           lambda h, actor, d, f, r: services.report_hazard_up(h, actor=actor, reason=d["reason"], request=r),
           confirm=_("确定向上一级报告该隐患？"), button="btn-outline-danger"),
    Action("remind", _("督促提醒"), "hazards.remind_hazard", OPEN_STATES, forms.RemindForm,
           lambda h, actor, d, f, r: services.remind_hazards([h], actor=actor, note=d["note"], request=r),
           button="btn-outline-secondary"),
    Action("comment", _("督导意见"), "hazards.comment_hazard", ALL_STATES, forms.CommentForm,
           lambda h, actor, d, f, r: services.comment_on_hazard(h, actor=actor, note=d["note"], request=r),
           button="btn-outline-secondary"),
]}
