"""The public online exhibition (展评网页) and the committee's publication page.

Public pages show published entries only, through review.exhibition.selectors (their own public scope)
and `Exhibit` views that hold no contact detail. Anonymous visitors share a short-lived page cache that
publishing invalidates.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.campaigns.models import Campaign
from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message
from review.exhibition import cache
from review.exhibition.forms import ExhibitionFilterForm
from review.exhibition.selectors import (
    exhibition_campaign,
    exhibits,
    parse_code,
    published_entries,
    to_exhibit,
)
from review.exhibition.services import publish_results, unpublish_entry
from review.experts.forms import ReasonForm
from review.experts.models import FinalAward
from review.experts.selectors import lock_of

PAGE_SIZE = 12


def _page_number(raw) -> int:
    try:
        return max(int(raw), 1)
    except (TypeError, ValueError):
        return 1


def _cache_key(request) -> str:
    """The anonymous cache key of a list page, from the query string alone (a hit costs no query): the
    filter ids and the page number, in a fixed order; anything else in the query string is ignored."""
    parts = [f"{name}={request.GET.get(name, '')}" for name in ExhibitionFilterForm.FIELDS]
    return cache.page_key("index", *parts, _page_number(request.GET.get("page")))


@require_GET
def index(request):
    """Published entries, 12 a page, filtered by award, category, industry and city/industry union."""
    key = _cache_key(request) if cache.cacheable(request) else None
    if key is not None:
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content)
    campaign = exhibition_campaign()
    form = ExhibitionFilterForm(request.GET or None, campaign=campaign)
    chosen = form.cleaned_filters()
    requested = _page_number(request.GET.get("page"))
    entries = published_entries(campaign).filter(**form.entry_filters(chosen)) if campaign else published_entries().none()
    page = Paginator(exhibits(entries), PAGE_SIZE).get_page(requested)
    # Page links carry the filters only (a cached page must not echo anything else of the query string).
    query = urlencode({name: request.GET[name] for name in ExhibitionFilterForm.FIELDS if request.GET.get(name)})
    response = render(request, "exhibition/index.html", {
        "campaign": campaign, "form": form, "page": page, "items": [to_exhibit(e) for e in page.object_list],
        "filtered": bool(chosen), "query": query,
    })
    # Stored only for a page that exists under valid filters, so made-up URLs never fill the cache.
    if key is not None and page.number == requested and not form.errors:
        cache.put(key, response.content)
    return response


@require_GET
def detail(request, code):
    """One published entry, its share link being this page: before/after photos side by side."""
    parsed = parse_code(code)
    if parsed is None:
        raise Http404
    year, pk = parsed
    key = None
    if cache.cacheable(request):
        key = cache.page_key("detail", year, pk)
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content)
    entry = get_object_or_404(exhibits(published_entries().filter(campaign__year=year)), pk=pk)
    response = render(request, "exhibition/detail.html", {
        "item": to_exhibit(entry), "share_url": settings.SITE_URL + reverse("exhibition:detail", args=[entry.code])})
    if key is not None:
        cache.put(key, response.content)
    return response


# --- the committee ------------------------------------------------------------------------------------------


# The committee's pages: a 404 to everyone else (applied below the method check, so a wrong method stays 405).
committee_only = permission_required("exhibition.manage_publication")


@login_required
@require_GET
@committee_only
def manage(request):
    """What is published, what could be, and the publish button (after the results are confirmed)."""
    campaign = Campaign.objects.current()
    published = []
    awarded = 0
    if campaign is not None:
        published = [to_exhibit(entry) for entry in exhibits(published_entries(campaign))]
        awarded = FinalAward.objects.filter(entry__campaign=campaign, level__isnull=False).count()
    return render(request, "exhibition/manage.html", {
        "campaign": campaign, "published": published, "awarded": awarded,
        "locked": lock_of(campaign), "reason_form": ReasonForm()})


@login_required
@require_POST
@committee_only
def publish(request):
    campaign = Campaign.objects.current()
    if campaign is None:
        raise Http404
    try:
        count = publish_results(campaign, actor=request.user, request=request)
    except Refused as exc:
        refusal_message(request, exc)
    else:
        messages.success(request, _("已发布%(count)d件获奖作品。") % {"count": count})
    return redirect("exhibition:manage")


@login_required
@require_POST
@committee_only
def unpublish(request, pk):
    entry = get_object_or_404(published_entries(), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写撤下原因（不超过500字）。"))
        return redirect("exhibition:manage")
    try:
        unpublish_entry(entry, actor=request.user, reason=form.cleaned_data["reason"], request=request)
    except Refused as exc:
        refusal_message(request, exc)
    else:
        messages.success(request, _("已撤下作品 %(code)s。") % {"code": entry.code})
    return redirect("exhibition:manage")
