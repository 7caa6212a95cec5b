import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.enums import RoleKind
from portal.campaigns.enums import AwardKind
from portal.campaigns.models import Campaign
from portal.permissions import permission_required
from portal.refusals import Refused
from scoring import presenters
from scoring.aggregation import summarise
from scoring.forms import AssessmentForm, RankingFilterForm
from scoring.formula import SCALES, format_score
from scoring.models import Assessment
from scoring.rules import ASSESS_PERMISSIONS, can_assess, can_view_scores
from scoring.selectors import ranking_rows, search_entries
from scoring.services import assess_entry
from submissions.enums import NOT_TAKING_PART, Tier
from submissions.scoping import entries_for_user

RANKING_PAGE_SIZE = 50


def _visible_entry(request, pk, *, include_assigned=False):
    """The entry if the scoping query shows it to the user; 404 otherwise (existence is not revealed).

    Only the forms of the blind tiers (scoring.presenters.BLIND_TIERS: the province) include assigned
    entries: they show the entry's blind view, while the summary names the unit's assessors and so stays
    closed to experts.
    """
    entries = (entries_for_user(request.user, include_assigned=include_assigned)
               .select_related("campaign", "unit", "category", "industry"))
    return get_object_or_404(entries, pk=pk)


def _entry_to_assess(request, pk, tier):
    # At a blind tier nothing may show the entry without its blind view: no presenter, no page.
    if tier in presenters.BLIND_TIERS and presenters.presenter_for(tier) is None:
        raise Http404
    return _visible_entry(request, pk, include_assigned=tier in presenters.BLIND_TIERS)


# A reviewer who sees the entry but does not assess at this tier gets a 403, not a 404 (the entry is theirs
# to see); outside the scope it is a 404.
@login_required
@require_http_methods(["GET", "POST"])
@permission_required(lambda pk, tier: ASSESS_PERMISSIONS[tier], load=_entry_to_assess, in_scope_status=403)
def assess(request, entry, pk, tier):
    """The 隐患举报价值评价 form of one entry at one tier, prefilled with the user's own assessment.

    At a blind tier the page receives the view object of the tier's presenter, never the Entry.
    """
    presenter = presenters.presenter_for(tier) if tier in presenters.BLIND_TIERS else None
    existing = Assessment.objects.filter(entry=entry, assessor=request.user, tier=tier).first()
    form = AssessmentForm(request.POST if request.method == "POST" else None, assessment=existing)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assess_entry(entry, actor=request.user, tier=tier, values=form.factor_values(),
                                      comment=form.cleaned_data["comment"], request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("价值评价已保存：D = %(d)s。") % {"d": assessment.d_display})
            if presenter is not None:
                return redirect(presenter.done_url_name, pk=entry.pk)
            # Back to the review page's actions, where 推荐 (or 报送/退回) is the next step; the URL is named,
            # not imported, so scoring stays below review.
            return redirect(reverse("review:entry", args=[entry.pk]) + "#review-actions")
    context = {
        "tier": tier, "form": form, "existing": existing,
        # An expert's province score is final once saved (scoring.services.assess_entry): ask first.
        "final_on_save": tier == Tier.PROVINCE,
        "d_preview": _server_preview(form, existing),
        "summary_url": reverse("scoring:entry_summary", args=[entry.pk])
        if can_view_scores(request.user, entry) else "",
    }
    if presenter is not None:
        context |= {"view": presenter.view(entry), "header_template": presenter.header_template}
    else:
        context |= {"entry": entry, "header_template": "scoring/_entry_header.html"}
    return render(request, "scoring/assess.html", context)


def _server_preview(form, existing) -> str:
    # What the page shows before (or without) JavaScript; assess.js recomputes it on every change.
    d = getattr(form, "cleaned_data", {}).get("d") if form.is_bound else (existing.d if existing else None)
    return format_score(d) if d is not None else "—"


def _stats(summary):
    def shown(value):
        return format_score(value) if value is not None else "—"

    return [(_("份数"), summary.count), (_("平均"), shown(summary.mean)), (_("中位数"), shown(summary.median)),
            (_("最低"), shown(summary.min)), (_("最高"), shown(summary.max)), (_("标准差"), shown(summary.stdev))]


@login_required
@require_GET
@permission_required("scoring.view_entry_scores", load=_visible_entry, in_scope_status=403)
def entry_summary(request, entry, pk):
    """Every tier's assessments of one entry with count, mean, median, min, max and standard deviation."""
    assessments = list(entry.assessments.select_related("assessor").order_by("tier", "created_at", "id"))
    show_experts = rules.has_perm("scoring.view_expert_identity", request.user)
    tiers = []
    for tier in Tier:
        items = [assessment for assessment in assessments if assessment.tier == tier]
        if not items and tier > entry.tier:
            continue
        rows = []
        for number, assessment in enumerate(items, start=1):
            if tier == Tier.PROVINCE and not show_experts:
                name = _("专家%(number)d") % {"number": number}
            else:
                name = assessment.assessor.get_full_name()
            rows.append({"assessment": assessment, "name": name})
        tiers.append({
            "tier": tier, "label": tier.label, "rows": rows, "stats": _stats(summarise(a.d for a in items)),
            "can_assess": can_assess(request.user, entry, tier),
        })
    return render(request, "scoring/entry_summary.html", {
        "entry": entry, "tiers": tiers, "scales": SCALES,
        "unit_score_display": format_score(entry.unit_score) if entry.unit_score is not None else ""})


@login_required
@require_GET
@permission_required("scoring.view_ranking")
def ranking(request):
    """Entries in the user's scope ranked by D (unit assessment; at province, experts' mean when present).

    Ranked and cut into pages by the database (scoring.selectors.Ranking): a page loads its 50 rows only.
    ?q= finds entries by code or title and shows them with their rank in the whole ranking; the
    committee sees where the work awards' quotas (名额) fall.
    """
    campaign = Campaign.objects.current()
    filter_form = RankingFilterForm(request.GET or None, campaign=campaign)
    query = request.GET.get("q", "").strip()[:60]
    use_experts = request.user.has_role(RoleKind.COMMITTEE)
    rows, shown, cutoffs = [], [], []
    if campaign is not None:
        entries = (entries_for_user(request.user, campaign)
                   .exclude(state__in=NOT_TAKING_PART).filter(**filter_form.filters()))
        rows = ranking_rows(entries, use_experts=use_experts, campaign=campaign)
        shown = rows.within(search_entries(entries, query)) if query else rows
        if use_experts:
            cutoffs = _cutoffs(campaign)
    page = Paginator(shown, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.cutoff = next((cutoff for cutoff in cutoffs if cutoff["rank"] == row.rank), None)
    total = rows.count() if campaign is not None else 0
    ranked = rows.ranked_count if campaign is not None else 0
    for cutoff in cutoffs:
        cutoff["page"] = (cutoff["rank"] - 1) // RANKING_PAGE_SIZE + 1 if cutoff["rank"] <= ranked else None
    return render(request, "scoring/ranking.html", {
        "campaign": campaign, "filter_form": filter_form, "page": page, "use_experts": use_experts,
        "total": total, "ranked": ranked, "query": query, "cutoffs": cutoffs})


def _cutoffs(campaign) -> list[dict]:
    """Where each work award's quota ends in the province's ranking: after rank = the quotas so far."""
    cutoffs, last = [], 0
    for level in campaign.award_levels.filter(kind=AwardKind.WORK).order_by("rank", "pk"):
        if level.count:
            last += level.count
            cutoffs.append({"name": level.name, "count": level.count, "rank": last})
    return cutoffs
