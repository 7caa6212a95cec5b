"""The reporter's pages: the public report form (no account needed), the receipt shown once, the receipt
lookup and the case page (progress, messages, objection, claim).

A successful lookup keeps only the tip's id in the session for a short while, never the receipt itself.
Every POST is rate-limited per client address (tips.throttle) by the programme's limits.
"""

import time

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.refusals import Refused
from tips import crypto, services, throttle
from tips.enums import TipState
from tips.forms import ClaimForm, LookupForm, ObjectionForm, ReporterMessageForm, TipForm
from tips.models import Reward, Tip, TipProgramme

SESSION_KEY = "tips.case"
SESSION_SECONDS = 30 * 60


def _default_limits() -> TipProgramme:
    return TipProgramme.objects.filter(is_default=True).first() or TipProgramme()


def _throttled(request, template: str, context: dict):
    return render(request, template, {**context, "throttled": True}, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def report(request):
    """The public form; the same for logged-in workers (their account is sealed with the identity)."""
    form = TipForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if throttle.exhausted(request, "submit", _default_limits().submit_limit_per_hour):
            return _throttled(request, "tips/report.html", {"form": TipForm()})
        if form.is_valid():
            data = form.cleaned_data
            try:
                tip, receipt = services.submit_tip(
                    matter=data["matter"], description=data["description"], disclosure=data["disclosure"],
                    unit=data["unit"], place_text=data["place_text"], area=data["area"],
                    happened_on=data["happened_on"], photos=data["photos"], name=data["name"], phone=data["phone"],
                    identifying=data["identifying"], passcode=data["passcode"], actor=request.user)
            except Refused as exc:
                messages.error(request, exc.message)
            else:
                # Shown once, in this response only: it is stored nowhere but as a keyed hash.
                return render(request, "tips/receipt.html", {
                    "tip": tip, "receipt": crypto.group_receipt(receipt) if receipt else None,
                    "has_passcode": bool(data["passcode"])})
    return render(request, "tips/report.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request):
    form = LookupForm(request.POST or None)
    if request.method == "POST":
        if throttle.exhausted(request, "lookup", _default_limits().lookup_limit_per_hour):
            return _throttled(request, "tips/lookup.html", {"form": LookupForm()})
        if form.is_valid():
            try:
                tip = services.tip_by_receipt(form.cleaned_data["receipt"], form.cleaned_data["passcode"])
            except Refused as exc:
                messages.error(request, exc.message)
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = {"tip": tip.pk, "until": time.time() + SESSION_SECONDS}
                return redirect("tips:case")
    return render(request, "tips/lookup.html", {"form": form})


def _session_tip(request) -> Tip | None:
    held = request.session.get(SESSION_KEY) or {}
    if not held or held.get("until", 0) < time.time():
        request.session.pop(SESSION_KEY, None)
        return None
    return Tip.objects.select_related("programme").filter(pk=held.get("tip")).first()


@never_cache
@require_http_methods(["GET", "POST"])
def case(request):
    """What the reporter may see: state, public events, messages, the reward; never the handler's notes."""
    tip = _session_tip(request)
    if tip is None:
        messages.info(request, _("请输入回执码查询。"))
        return redirect("tips:lookup")
    message_form, objection_form, claim_form = ReporterMessageForm(), ObjectionForm(), ClaimForm()
    if request.method == "POST":
        if throttle.exhausted(request, "case", _default_limits().lookup_limit_per_hour):
            return _throttled(request, "tips/lookup.html", {"form": LookupForm()})
        action = request.POST.get("action")
        try:
            if action == "message":
                message_form = ReporterMessageForm(request.POST)
                if message_form.is_valid():
                    services.reporter_message(tip, text=message_form.cleaned_data["text"])
                    return redirect("tips:case")
            elif action == "object":
                objection_form = ObjectionForm(request.POST)
                if objection_form.is_valid():
                    services.object_to_result(tip, text=objection_form.cleaned_data["text"])
                    return redirect("tips:case")
            elif action == "claim":
                claim_form = ClaimForm(request.POST)
                if claim_form.is_valid():
                    data = claim_form.cleaned_data
                    services.claim_reward(tip, declared_not_excluded=data["declared"], payment={
                        "name": data["name"], "account": data["account"], "bank": data["bank"],
                        "phone": data["phone"]})
                    messages.success(request, _("奖励申领已提交。"))
                    return redirect("tips:case")
        except Refused as exc:
            messages.error(request, exc.message)
    reward = Reward.objects.filter(tip=tip).first()
    return render(request, "tips/case.html", {
        "tip": tip, "events": tip.events.filter(public=True), "messages_list": tip.messages.all(),
        "reward": reward, "can_object": tip.state == TipState.NOTIFIED and tip.objected_at is None,
        "message_form": message_form, "objection_form": objection_form, "claim_form": claim_form})
