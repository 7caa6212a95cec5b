"""When each tier of the review may act: the campaign's phase windows and deadlines, in words for the pages.

- the unit (Tier.UNIT) while the SUBMISSION or the FIRST_REVIEW phase is open: units review entries as
  they come in, and may still recommend late ones while the counties hold their 初评;
- the county/group (Tier.FIRST_REVIEW) while the FIRST_REVIEW phase is open;
- the city/industry union (Tier.SELECTION) grades while the SELECTION phase is open, recommends to the
  province (and undoes a recommendation) while the RECOMMENDATION phase is open, and returns or rejects
  while either is open. From the end of the RECOMMENDATION phase (9月30日 by default) the tier is
  read-only, whatever the other phases say.
- once the committee has locked the provincial results (review.experts' ResultsLock), nothing enters or
  leaves the province tier: recommending to the province and undoing such a recommendation are refused
  whatever the phases say (province_results_locked).

`phase_end` is the one answer to "when does phase X end" (the review, the experts' reminders and the
statistics report all ask it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.apps import apps as django_apps
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.campaigns.enums import PhaseKind
from portal.campaigns.models import Campaign
from portal.refusals import Refused
from submissions.enums import Tier

# What a check is for: it decides which phase must be open at the tier.
DECIDE, GRADE, RECOMMEND = "decide", "grade", "recommend"


def _local_day(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def deadline_text(moment: datetime) -> str:
    """"2025年9月30日" for a deadline at midnight starting 1 October (the whole 30th counts)."""
    local = timezone.localtime(moment)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return _local_day(local - timedelta(seconds=1))
    return f"{_local_day(local)} {local:%H:%M}"


def window_text(campaign: Campaign, kind: str) -> str:
    """"（2025年7月1日至2025年9月30日）", or a note that the campaign has no such phase."""
    phase = campaign.phase(kind)
    if phase is None:
        return _("（活动未设置该阶段）")
    return _("（%(start)s至%(end)s）") % {"start": _local_day(phase.starts_at), "end": deadline_text(phase.ends_at)}


def phase_end(campaign: Campaign, kind: str) -> datetime | None:
    """When the campaign's phase `kind` ends (its deadline), or None when the campaign has no such phase."""
    phase = campaign.phase(kind)
    return phase.ends_at if phase else None


def phase_ended(campaign: Campaign, kind: str, at: datetime | None = None) -> bool:
    """Whether the phase `kind` has ended by `at` (now); False when the campaign has no such phase."""
    end = phase_end(campaign, kind)
    return end is not None and (at or timezone.now()) >= end


def selection_read_only(campaign: Campaign, at: datetime | None = None) -> bool:
    """After the recommendation deadline the city/industry tier may only look."""
    return phase_ended(campaign, PhaseKind.RECOMMENDATION, at)


def results_locks():
    """The committee's results locks. Read through the app registry: review.experts sits above this app."""
    return django_apps.get_model("experts", "ResultsLock").objects.all()


def province_results_locked(campaign: Campaign) -> bool:
    """Whether the committee has confirmed and locked the provincial results (review.experts' ResultsLock).

    From then on nothing enters the province tier and nothing leaves it: an entry recommended after the
    lock would never be scored nor awarded.
    """
    known = getattr(campaign, "province_results_locked", None)  # annotated by services._lock: no extra query
    if known is not None:
        return known
    return results_locks().filter(campaign_id=campaign.pk).exists()


def _phase_closed(message: str) -> Refused:
    return Refused(message, code="phase_closed")


def _check_unit(campaign: Campaign, at: datetime) -> None:
    if not (campaign.phase_open(PhaseKind.SUBMISSION, at) or campaign.phase_open(PhaseKind.FIRST_REVIEW, at)):
        raise _phase_closed(_("基层单位只能在作品提交阶段%(submission)s或县级和集团初评阶段%(first)s审核推荐作品，当前不在这两个阶段。") % {
            "submission": window_text(campaign, PhaseKind.SUBMISSION),
            "first": window_text(campaign, PhaseKind.FIRST_REVIEW)})


def _check_first_review(campaign: Campaign, at: datetime) -> None:
    if not campaign.phase_open(PhaseKind.FIRST_REVIEW, at):
        raise _phase_closed(_("县级和集团初评只能在初评阶段%(window)s进行，当前不在该阶段。") % {
            "window": window_text(campaign, PhaseKind.FIRST_REVIEW)})


def _check_selection(campaign: Campaign, purpose: str, at: datetime) -> None:
    if purpose == RECOMMEND and province_results_locked(campaign):
        raise Refused(_("省级评审结果已确认锁定，不能再向省级评审推荐或撤回作品。"), code="results_locked")
    if selection_read_only(campaign, at):
        raise Refused(_("市/产业工会向省推荐已于%(deadline)s截止，本级作品现为只读。") % {
            "deadline": deadline_text(phase_end(campaign, PhaseKind.RECOMMENDATION))}, code="deadline_passed")
    if purpose == RECOMMEND:
        if not campaign.phase_open(PhaseKind.RECOMMENDATION, at):
            raise _phase_closed(_("向省推荐只能在推荐阶段%(window)s进行，当前不在该阶段。") % {
                "window": window_text(campaign, PhaseKind.RECOMMENDATION)})
    elif purpose == GRADE:
        if not campaign.phase_open(PhaseKind.SELECTION, at):
            raise _phase_closed(_("市/产业工会只能在甄选阶段%(window)s评定等次，当前不在该阶段。") % {
                "window": window_text(campaign, PhaseKind.SELECTION)})
    elif not (campaign.phase_open(PhaseKind.SELECTION, at) or campaign.phase_open(PhaseKind.RECOMMENDATION, at)):
        raise _phase_closed(_("市/产业工会只能在甄选阶段%(selection)s或推荐阶段%(recommendation)s处理作品，当前不在这两个阶段。") % {
            "selection": window_text(campaign, PhaseKind.SELECTION),
            "recommendation": window_text(campaign, PhaseKind.RECOMMENDATION)})


def check_window(campaign: Campaign, tier: int, purpose: str = DECIDE, at: datetime | None = None) -> None:
    """Raise Refused unless `tier` may act for `purpose` now (see the module docstring)."""
    at = at or timezone.now()
    if tier == Tier.UNIT:
        _check_unit(campaign, at)
    elif tier == Tier.FIRST_REVIEW:
        _check_first_review(campaign, at)
    elif tier == Tier.SELECTION:
        _check_selection(campaign, purpose, at)
    else:
        raise Refused(_("省级评审由组委会和评审专家进行，不在逐级评选中操作。"), code="province")


def tier_open(campaign: Campaign, tier: int, purpose: str = DECIDE) -> bool:
    """Whether `tier` may act for `purpose` now."""
    try:
        check_window(campaign, tier, purpose)
    except Refused:
        return False
    return True
