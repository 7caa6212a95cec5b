"""The tip line's exports, registered with the export framework (portal.exports: queued jobs, files only
for their requester, `allowed` asked again at every download):

- tips_ledger: 举报登记台账, the tips the user sees (tips_for_user) with the list's filters and a period;
- tips_statistics: the figures per area and period (tips.statistics.tip_figures over tips_for_user);
- tip_acceptance, tip_result, tip_reward_notice: 受理/不予受理告知书, 核查结果告知书, 奖励通知书 of one tip;
- tip_reward_approval: 奖励审批表 of one tip.

No export names the reporter, except a notice addressed to a real-name reporter that the custodian prints
with {"named": true}: the name is taken from the vault through `open_identity` when the file is written,
so every such file is a logged vault opening (who, when, why), and only the custodian can ask for it or
download it. The reported unit's people hold no tip role and reach none of these kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import rules
from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.exports.base import Exporter, local_date, local_datetime
from portal.exports.registry import ExportKind, Offer, register_export_kind
from portal.refusals import Refused
from tips import services
from tips.clocks import escalation_shown, running_clock
from tips.documents import (
    Document,
    DocumentExporter,
    acceptance_notice,
    result_notice,
    reward_approval_form,
    reward_notice,
    sealed,
)
from tips.enums import RESULT_STATES, Disclosure, RewardState, TipMatter, TipState
from tips.models import Reward, Tip
from tips.scoping import tips_for_user
from tips.statistics import Period, TipFigures, tip_figures

MAX_PERIOD_DAYS = 366 * 5


# --- parameters ------------------------------------------------------------------------------------------


class LedgerParams(forms.Form):
    state = forms.ChoiceField(choices=[("", ""), *TipState.choices], required=False)
    matter = forms.ChoiceField(choices=[("", ""), *TipMatter.choices], required=False)
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("结束日期不能早于开始日期。"))
        return data


class PeriodParams(forms.Form):
    start = forms.DateField()
    end = forms.DateField()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and (end < start or (end - start).days > MAX_PERIOD_DAYS):
            raise forms.ValidationError(_("统计期间须为开始日期至结束日期，最长五年。"))
        return data


def _first(data: Mapping, key: str):
    value = data.get(key)
    return value[0] if isinstance(value, list | tuple) and value else value


def _form(form_class, data: Mapping):
    form = form_class({key: _first(data, key) for key in form_class.base_fields})
    if not form.is_valid():
        errors = form.non_field_errors()
        raise Refused(errors[0] if errors else _("导出参数无效。"))
    return form.cleaned_data


def period_from(data: Mapping) -> Period:
    """The statistics' period from posted data (default: this year to today)."""
    if not _first(data, "start") and not _first(data, "end"):
        today = timezone.localdate()
        return Period(today.replace(month=1, day=1), today)
    cleaned = _form(PeriodParams, data)
    return Period(cleaned["start"], cleaned["end"])


# --- 举报登记台账 ---------------------------------------------------------------------------------------


def ledger_tips(user, params: Mapping[str, Any]):
    """The tips of the ledger export: the user's scope, narrowed by the list's filters."""
    tips = tips_for_user(user)
    if params.get("state"):
        tips = tips.filter(state=params["state"])
    if params.get("matter"):
        tips = tips.filter(matter=params["matter"])
    if params.get("start"):
        tips = tips.filter(submitted_at__gte=Period(_date(params["start"]), _date(params["start"])).bounds()[0])
    if params.get("end"):
        tips = tips.filter(submitted_at__lt=Period(_date(params["end"]), _date(params["end"])).bounds()[1])
    return (tips.select_related("unit__parent", "area", "programme", "reward", "hazard").prefetch_related("clock_alerts")
            .order_by("submitted_at", "id"))


def _date(value):
    return forms.DateField().to_python(value) if value else None


class LedgerExporter(Exporter):
    """举报登记台账: one row per tip; the reporter is always "举报人（已保密）"."""

    sheet_title = "举报登记台账"
    column_widths = [6, 16, 11, 13, 24, 12, 14, 10, 11, 11, 10, 11, 13, 12, 14]

    def __init__(self, tips, *, heading: str):
        self.tips = tips
        self.heading = heading
        self.headers = [_("序号"), _("举报编号"), _("举报日期"), _("举报事项"), _("被举报单位或地点"), _("受理地区"),
                        _("举报人"), _("状态"), _("受理日期"), _("核查期限"), _("核查结果"), _("告知日期"),
                        _("台账隐患"), _("奖励（元）"), _("期限情况")]

    def title_rows(self) -> list[str]:
        return [_("安全生产举报登记台账"), _("范围：%(heading)s　导出时间：%(at)s") % {
            "heading": self.heading, "at": f"{local_datetime():%Y-%m-%d %H:%M}"}]

    def total(self) -> int:
        return self.tips.count()

    def rows(self) -> Iterator[list[Any]]:
        today = timezone.localdate()
        for number, tip in enumerate(self.tips, start=1):
            reward = _reward_of(tip)
            yield [number, tip.code, f"{local_date(tip.submitted_at):%Y-%m-%d}", tip.get_matter_display(),
                   tip.unit.name if tip.unit_id else tip.place_text,
                   (tip.area.name if tip.area_id else (tip.unit.parent.name if tip.unit_id and tip.unit.parent_id
                                                       else "")),
                   sealed(), tip.get_state_display(),
                   f"{local_date(tip.accepted_at):%Y-%m-%d}" if tip.accepted_at else "",
                   f"{tip.verify_due:%Y-%m-%d}" if tip.verify_due else "",
                   str(TipState(tip.final_result).label) if tip.final_result else "",
                   f"{local_date(tip.notified_at):%Y-%m-%d}" if tip.notified_at else "",
                   tip.hazard.code if tip.hazard_id else "",
                   f"{reward.amount or reward.proposed_amount}（{reward.get_state_display()}）" if reward else "",
                   _clock_text(tip, today)]


def _reward_of(tip: Tip) -> Reward | None:
    try:
        return tip.reward
    except Tip.reward.RelatedObjectDoesNotExist:
        return None


def _clock_text(tip: Tip, today) -> str:
    clock = running_clock(tip)
    if clock is None:
        return ""
    text = f"{clock.label} {clock.due:%Y-%m-%d}"
    if today > clock.due:
        text += _("（已超期）")
    if escalation_shown(tip, tip.clock_alerts.all()):
        text += _("，已上报上级")
    return text


@register_export_kind
class LedgerExport(ExportKind):
    slug = "tips_ledger"
    ascii_slug = "tips-ledger"
    label = gettext_lazy("举报登记台账")

    def available_to(self, user) -> bool:
        return rules.has_perm("tips.view_cases", user)

    def clean_params(self, user, data: Mapping) -> dict[str, Any]:
        cleaned = _form(LedgerParams, data)
        return {"state": cleaned["state"], "matter": cleaned["matter"],
                "start": cleaned["start"].isoformat() if cleaned["start"] else "",
                "end": cleaned["end"].isoformat() if cleaned["end"] else ""}

    def allowed(self, user, params: Mapping[str, Any]) -> bool:
        return user.is_authenticated and user.is_active and rules.has_perm("tips.view_cases", user)

    def download_name(self, params: Mapping[str, Any]) -> str:
        return f"举报登记台账-{local_date():%Y%m%d}.xlsx"

    def offers(self, user) -> list[Offer]:
        return [Offer(self.slug, str(self.label), {}, _("您范围内的全部举报，一件一行；举报人一律显示为“已保密”。"),
                      group=_("安全生产有奖举报"))]

    def generate(self, params, user, out, progress) -> None:
        LedgerExporter(ledger_tips(user, params), heading=_scope_name(user)).write_xlsx(out, progress)


def _scope_name(user) -> str:
    names = [role.node.name for role in user.role_list if role.node_id is not None and role.kind in (
        "tip_handler", "custodian", "reward_reviewer", "committee")]
    return "、".join(dict.fromkeys(names)) or _("本人范围")


# --- statistics ------------------------------------------------------------------------------------------


class StatisticsExporter(Exporter):
    """The figures per area (tips.statistics), with the total."""

    sheet_title = "举报统计"
    column_widths = [6, 20, 9, 9, 10, 9, 9, 10, 12, 10, 11, 14]
    number_formats = {8: "0.0%", 9: "0.0", 11: "#,##0.00"}

    def __init__(self, figures: TipFigures, *, heading: str):
        self.figures = figures
        self.heading = heading
        self.headers = [_("序号"), _("地区"), _("举报数"), _("受理数"), _("不予受理数"), _("已核查数"), _("属实数"),
                        _("超期核查数"), _("核查率"), _("平均核查天数"), _("奖励发放件数"), _("奖励发放金额（元）")]

    def title_rows(self) -> list[str]:
        return [_("安全生产有奖举报统计表"), _("范围：%(heading)s　期间：%(period)s") % {
            "heading": self.heading, "period": self.figures.period.label}]

    def total(self) -> int:
        return len(self.figures.areas) + 1

    def rows(self) -> Iterator[list[Any]]:
        for number, area in enumerate(self.figures.areas, start=1):
            yield [number, *figure_row(area)]
        yield ["", *figure_row(self.figures.total)]


def figure_row(area) -> list[Any]:
    return [area.name, area.tips, area.accepted, area.rejected, area.verified, area.confirmed, area.late,
            area.verification_rate, area.mean_verify_days, area.rewards_paid, area.rewards_amount]


@register_export_kind
class StatisticsExport(ExportKind):
    slug = "tips_statistics"
    ascii_slug = "tips-statistics"
    label = gettext_lazy("举报统计表")

    def available_to(self, user) -> bool:
        return rules.has_perm("tips.view_statistics", user)

    def clean_params(self, user, data: Mapping) -> dict[str, Any]:
        period = period_from(data)
        return {"start": period.start.isoformat(), "end": period.end.isoformat()}

    def allowed(self, user, params: Mapping[str, Any]) -> bool:
        return user.is_authenticated and user.is_active and rules.has_perm("tips.view_statistics", user)

    def download_name(self, params: Mapping[str, Any]) -> str:
        return f"举报统计表-{params.get('start', '')}-{params.get('end', '')}.xlsx"

    def generate(self, params, user, out, progress) -> None:
        period = Period(_date(params["start"]), _date(params["end"]))
        StatisticsExporter(tip_figures(tips_for_user(user), period), heading=_scope_name(user)).write_xlsx(
            out, progress)


# --- one tip's documents ---------------------------------------------------------------------------------


class TipDocumentExport(ExportKind):
    """A document of one tip: {"tip": id, "named": bool}; `named` only for a notice addressed to a
    real-name reporter and only for the custodian (the name comes out of the vault, logged)."""

    title = ""
    to_reporter = True
    permission = "tips.view_tip"

    def ready(self, tip: Tip, reward: Reward | None) -> bool:
        raise NotImplementedError

    def document(self, tip: Tip, reward: Reward | None, addressee: str) -> Document:
        raise NotImplementedError

    def available_to(self, user) -> bool:
        return rules.has_perm("tips.view_cases", user)

    def clean_params(self, user, data: Mapping) -> dict[str, Any]:
        raw = str(_first(data, "tip") or "")
        tip = tips_for_user(user).filter(pk=int(raw)).first() if raw.isdigit() and len(raw) <= 12 else None
        if tip is None or not rules.has_perm(self.permission, user, tip):
            raise Refused(_("所选举报不在您的范围内。"))
        if not self.ready(tip, Reward.objects.filter(tip=tip).first()):
            raise Refused(_("该举报尚不能打印《%(title)s》。") % {"title": self.title})
        named = str(_first(data, "named") or "") in ("1", "true", "True")
        if named and not self.may_name(user, tip):
            raise Refused(_("只有身份保管员可以打印写明实名举报人姓名的告知书。"))
        return {"tip": tip.pk, "named": named}

    def may_name(self, user, tip: Tip) -> bool:
        return (self.to_reporter and tip.disclosure == Disclosure.REAL_NAME
                and rules.has_perm("tips.open_identity", user, tip))

    def allowed(self, user, params: Mapping[str, Any]) -> bool:
        if not (user.is_authenticated and user.is_active):
            return False
        tip = tips_for_user(user).filter(pk=params.get("tip")).first()
        if tip is None or not rules.has_perm(self.permission, user, tip):
            return False
        return not params.get("named") or self.may_name(user, tip)

    def download_name(self, params: Mapping[str, Any]) -> str:
        code = Tip.objects.filter(pk=params.get("tip")).values_list("code", flat=True).first() or ""
        return f"{self.title}-{code}.xlsx"

    def generate(self, params, user, out, progress) -> None:
        tip = (tips_for_user(user).select_related("unit__parent", "area", "programme", "hazard", "duplicate_of")
               .get(pk=params["tip"]))
        reward = (Reward.objects.filter(tip=tip).select_related("rule")
                  .prefetch_related("approvals__reviewer").first())
        addressee = ""
        if params.get("named") and self.may_name(user, tip):
            identity = services.open_identity(tip, actor=user, reason=_("打印《%(title)s》") % {"title": self.title})
            addressee = identity.get("name", "")
        DocumentExporter([self.document(tip, reward, addressee)]).write_xlsx(out, progress)

    def offers_for(self, user, tip: Tip, reward: Reward | None) -> list[Offer]:
        if not self.ready(tip, reward) or not rules.has_perm(self.permission, user, tip):
            return []
        offers = [Offer(self.slug, str(self.label), {"tip": tip.pk}, _("举报人显示为“已保密”。"))]
        if self.may_name(user, tip):
            offers.append(Offer(self.slug, _("%(label)s（写明实名举报人）") % {"label": self.label},
                                {"tip": tip.pk, "named": 1}, _("从身份保管库取出姓名，记入身份查阅记录。")))
        return offers


@register_export_kind
class AcceptanceNoticeExport(TipDocumentExport):
    slug = "tip_acceptance"
    ascii_slug = "tip-acceptance-notice"
    label = gettext_lazy("受理/不予受理告知书")
    title = "受理告知书"

    def ready(self, tip, reward) -> bool:
        return tip.state != TipState.SUBMITTED

    def document(self, tip, reward, addressee) -> Document:
        return acceptance_notice(tip, addressee)


@register_export_kind
class ResultNoticeExport(TipDocumentExport):
    slug = "tip_result"
    ascii_slug = "tip-result-notice"
    label = gettext_lazy("核查结果告知书")
    title = "核查结果告知书"

    def ready(self, tip, reward) -> bool:
        return bool(tip.result) and (tip.state in RESULT_STATES or tip.notified_at is not None)

    def document(self, tip, reward, addressee) -> Document:
        return result_notice(tip, addressee)


@register_export_kind
class RewardApprovalExport(TipDocumentExport):
    slug = "tip_reward_approval"
    ascii_slug = "tip-reward-approval"
    label = gettext_lazy("奖励审批表")
    title = "奖励审批表"
    to_reporter = False

    def ready(self, tip, reward) -> bool:
        return reward is not None

    def document(self, tip, reward, addressee) -> Document:
        return reward_approval_form(reward)


@register_export_kind
class RewardNoticeExport(TipDocumentExport):
    slug = "tip_reward_notice"
    ascii_slug = "tip-reward-notice"
    label = gettext_lazy("奖励通知书")
    title = "奖励通知书"

    def ready(self, tip, reward) -> bool:
        return reward is not None and reward.state not in (RewardState.PROPOSED,) and reward.amount is not None

    def document(self, tip, reward, addressee) -> Document:
        return reward_notice(reward, addressee)


DOCUMENT_KINDS: tuple[Callable[[], TipDocumentExport], ...] = (
    AcceptanceNoticeExport, ResultNoticeExport, RewardApprovalExport, RewardNoticeExport)


def tip_export_offers(user, tip: Tip) -> list[Offer]:
    """The document buttons of the tip page for `user`."""
    reward = Reward.objects.filter(tip=tip).first()
    return [offer for kind in DOCUMENT_KINDS for offer in kind().offers_for(user, tip, reward)]
