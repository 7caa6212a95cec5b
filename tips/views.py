"""The staff's pages: the list of tips in scope with their clocks (filters, pagination), the tip page with
the actions the user may take, and the custodian's opening of the vault (reason, confirmation, logged).

Tips are loaded only through `tips_for_user` (404 outside it); every action is asked of tips/rules.py and
goes through tips/services.py. No staff page shows the reporter: "举报人（已保密）".
"""

from collections.abc import Callable
from dataclasses import dataclass

import rules
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message
from tips import forms, services
from tips.clocks import escalation_shown, running_clock
from tips.enums import CLOCK_STATES, RESULT_STATES, TRUE_STATES, RewardState, TipMatter, TipState
from tips.exporters import period_from, tip_export_offers
from tips.models import Reward, Tip
from tips.scoping import openings_for_user, tips_for_user
from tips.statistics import tip_figures

PAGE_SIZE = 20


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    permission: str
    states: tuple
    form: type
    run: Callable  # (tip, actor, cleaned_data, request)


def _original(tip, actor, code):
    original = tips_for_user(actor).filter(code=(code or "").strip()).first()
    if original is None:
        raise Refused(_("找不到该编号的举报。"), code="bad_original")
    return original


def _reward(tip) -> Reward:
    reward = Reward.objects.filter(tip=tip).first()
    if reward is None:
        raise Refused(_("该举报尚未计算奖励。"), code="no_reward")
    return reward


ALL = tuple(TipState.values)
ACTIONS = {a.name: a for a in [
    Action("accept", gettext_lazy("受理"), "tips.handle_tip", (TipState.SUBMITTED,), forms.EmptyForm,
           lambda t, u, d, r: services.accept_tip(t, actor=u, request=r)),
    Action("reject", gettext_lazy("不予受理"), "tips.handle_tip", (TipState.SUBMITTED,), forms.RejectForm,
           lambda t, u, d, r: services.reject_tip(t, actor=u, reason=d["reason"], note=d["note"], request=r)),
    Action("duplicate", gettext_lazy("合并为重复举报"), "tips.handle_tip", (TipState.SUBMITTED,), forms.DuplicateForm,
           lambda t, u, d, r: services.link_duplicate(t, actor=u, original=_original(t, u, d["original"]), request=r)),
    Action("unit", gettext_lazy("确定被举报单位"), "tips.handle_tip", ALL, forms.UnitForm,
           lambda t, u, d, r: services.identify_unit(t, actor=u, unit=d["unit"], request=r)),
    Action("start", gettext_lazy("开始核查"), "tips.handle_tip", (TipState.ACCEPTED,), forms.EmptyForm,
           lambda t, u, d, r: services.start_verification(t, actor=u, request=r)),
    Action("extend", gettext_lazy("延长核查期限"), "tips.handle_tip", CLOCK_STATES, forms.ExtendForm,
           lambda t, u, d, r: services.extend_verification(t, actor=u, days=d["days"], reason=d["reason"], request=r)),
    Action("conclude", gettext_lazy("作出核查结论"), "tips.handle_tip", (TipState.VERIFYING,), forms.ConcludeForm,
           lambda t, u, d, r: services.conclude_tip(t, actor=u, request=r, **d)),
    Action("ledger", gettext_lazy("登记到隐患台账"), "tips.handle_tip", TRUE_STATES, forms.LedgerForm,
           lambda t, u, d, r: services.send_to_ledger(t, actor=u, category=d["category"], location=d["location"],
                                                      deadline=d["deadline"], request=r)),
    Action("notify", gettext_lazy("告知举报人结果"), "tips.handle_tip", RESULT_STATES, forms.EmptyForm,
           lambda t, u, d, r: services.notify_result(t, actor=u, request=r)),
    Action("facts", gettext_lazy("记录处罚情况"), "tips.handle_tip", (*TRUE_STATES, TipState.NOTIFIED,
                                                                    TipState.REVIEWED), forms.FactsForm,
           lambda t, u, d, r: services.record_facts(t, actor=u, request=r, **d)),
    Action("review", gettext_lazy("复查"), "tips.review_tip", (TipState.OBJECTED,), forms.ReviewForm,
           lambda t, u, d, r: services.review_tip(t, actor=u, result=d["result"], note=d["note"], request=r)),
    Action("message", gettext_lazy("给举报人留言"), "tips.handle_tip", ALL, forms.MessageForm,
           lambda t, u, d, r: services.handler_message(t, actor=u, text=d["text"], request=r)),
    Action("propose", gettext_lazy("按规则计算奖励"), "tips.propose_reward", (TipState.NOTIFIED, TipState.REVIEWED),
           forms.EmptyForm, lambda t, u, d, r: services.propose_reward(t, actor=u, request=r)),
    Action("approve", gettext_lazy("审查奖励"), "tips.approve_reward", (TipState.NOTIFIED, TipState.REVIEWED),
           forms.ApproveForm, lambda t, u, d, r: services.approve_reward(_reward(t), actor=u, amount=d["amount"],
                                                                        reason=d["reason"], request=r)),
    Action("payment", gettext_lazy("登记奖励发放"), "tips.record_payment", (TipState.NOTIFIED, TipState.REVIEWED),
           forms.PaymentForm, lambda t, u, d, r: services.record_payment(_reward(t), actor=u, request=r, **d)),
]}


def _offered(action: Action, tip: Tip, reward) -> bool:
    if action.name == "ledger":
        return not tip.hazard_id and tip.unit_id and tip.matter in (TipMatter.GENERAL_HAZARD, TipMatter.MAJOR_HAZARD)
    if action.name == "unit":
        return not tip.unit_id and tip.state not in (TipState.REJECTED,)
    if action.name == "message":
        return tip.receipt_hash is not None
    if action.name == "propose":
        return reward is None and tip.final_result in TRUE_STATES
    if action.name == "approve":
        return reward is not None and reward.state == RewardState.PROPOSED
    if action.name == "payment":
        return reward is not None and reward.state == RewardState.CLAIMED
    return True


def _load(request, pk, **kwargs):
    return get_object_or_404(tips_for_user(request.user).select_related("unit", "area", "programme", "hazard"), pk=pk)


@permission_required("tips.view_cases")
def cases(request):
    queryset = (tips_for_user(request.user).select_related("unit", "area", "programme", "reward")
                .prefetch_related("clock_alerts").order_by("-submitted_at", "-id"))
    state = request.GET.get("state")
    if state in TipState.values:
        queryset = queryset.filter(state=state)
    matter = request.GET.get("matter")
    if matter in TipMatter.values:
        queryset = queryset.filter(matter=matter)
    if request.GET.get("reward") in RewardState.values:  # e.g. the committee's 待审查 list
        queryset = queryset.filter(reward__state=request.GET["reward"])
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"tip": tip, "overdue": tip.is_overdue(), "due_soon": tip.is_due_soon(), "clock": running_clock(tip),
             "escalated": escalation_shown(tip, tip.clock_alerts.all())} for tip in page.object_list]
    return render(request, "tips/cases.html", {"page": page, "rows": rows, "states": TipState.choices,
                                               "matters": TipMatter.choices,
                                               "can_stats": rules.has_perm("tips.view_statistics", request.user),
                                               "can_openings": rules.has_perm("tips.view_openings", request.user)})


def _context(request, tip, failed=None):
    reward = Reward.objects.filter(tip=tip).prefetch_related("approvals__reviewer").first()
    alerts = list(tip.clock_alerts.all())
    actions = []
    for action in ACTIONS.values():
        if tip.state in action.states and _offered(action, tip, reward) and rules.has_perm(action.permission,
                                                                                         request.user, tip):
            form = failed[1] if failed and failed[0] == action.name else action.form(prefix=action.name)
            actions.append({"action": action, "form": form})
    return {"tip": tip, "events": tip.events.select_related("actor"), "messages_list": tip.messages.all(),
            "photos": tip.photos.all(), "reward": reward, "actions": actions,
            "openings": tip.openings.select_related("opened_by"), "overdue": tip.is_overdue(),
            "clock": running_clock(tip), "alerts": alerts, "escalated": escalation_shown(tip, alerts),
            "exports": tip_export_offers(request.user, tip),
            "can_open": rules.has_perm("tips.open_identity", request.user, tip)}


@permission_required("tips.view_tip", load=_load)
def detail(request, tip, pk):
    return render(request, "tips/detail.html", _context(request, tip))


def _action_permission(action=None, **kwargs):
    if action not in ACTIONS:
        raise Http404
    return ACTIONS[action].permission


@require_POST
@permission_required(_action_permission, load=_load, in_scope_status=403)
def act(request, tip, pk, action):
    spec = ACTIONS[action]
    form = spec.form(request.POST, prefix=spec.name)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容。"))
        return render(request, "tips/detail.html", _context(request, tip, failed=(action, form)), status=400)
    try:
        spec.run(tip, request.user, form.cleaned_data, request)
    except Refused as exc:
        refusal_message(request, exc)
    else:
        messages.success(request, _("已%(action)s。") % {"action": spec.label})
    return redirect("tips:detail", pk=tip.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("tips.open_identity", load=_load)
def vault(request, tip, pk):
    """The custodian opens the identity: a reason and a confirmation; the answer is shown once, not cached."""
    form = forms.OpenIdentityForm(request.POST or None)
    identity = None
    if request.method == "POST" and form.is_valid():
        try:
            identity = services.open_identity(tip, actor=request.user, reason=form.cleaned_data["reason"],
                                              request=request)
        except Refused as exc:
            refusal_message(request, exc)
    return render(request, "tips/vault.html", {"tip": tip, "form": form,
                                               "identity": None if identity is None else _identity_rows(identity)})


IDENTITY_LABELS = {"name": gettext_lazy("姓名"), "phone": gettext_lazy("联系电话"),
                   "identifying": gettext_lazy("需要保密的补充说明"), "account": gettext_lazy("登录账号")}
PAYMENT_LABELS = {"name": gettext_lazy("收款人姓名"), "account": gettext_lazy("收款账号"),
                  "bank": gettext_lazy("开户银行"), "phone": gettext_lazy("收款人联系电话")}


def _identity_rows(identity: dict) -> list[tuple[str, str]]:
    """The opened identity as labelled rows (the claim's payment details after the reporter's own)."""
    payment = identity.get("payment") or {}
    return ([(IDENTITY_LABELS.get(key, key), value) for key, value in identity.items() if key != "payment"]
            + [(PAYMENT_LABELS.get(key, key), value) for key, value in payment.items()])




@permission_required("tips.view_statistics")
def statistics(request):
    """The figures per area for a period (default: this year), from tips_for_user; the xlsx is an export job."""
    form = forms.PeriodForm(request.GET or None)
    figures, error = None, ""
    try:
        period = period_from(request.GET)
    except Refused as exc:
        error, period = exc.message, None
    if period is not None:
        figures = tip_figures(tips_for_user(request.user), period)
    return render(request, "tips/statistics.html", {"form": form, "figures": figures, "error": error,
                                                    "period": period})


@permission_required("tips.view_openings")
def openings(request):
    """The log of vault openings (who, when, why, which tip) of the tips the user oversees."""
    queryset = (openings_for_user(request.user).select_related("opened_by", "tip")
                .order_by("-opened_at", "-id"))
    query = (request.GET.get("q") or "").strip()[:40]
    if query:
        queryset = queryset.filter(Q(tip__code__icontains=query) | Q(opened_by__username__icontains=query)
                                   | Q(opened_by__full_name__icontains=query) | Q(reason__icontains=query))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tips/openings.html", {"page": page, "query": query})
