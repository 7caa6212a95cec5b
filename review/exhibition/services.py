"""Publishing the awarded entries on the online exhibition (atomic, audited; the page cache is
invalidated once the change commits)."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import record_audit
from portal.campaigns.models import Campaign
from portal.mail import absolute_url
from portal.refusals import Refused
from review.enums import NotificationKind
from review.exhibition import cache
from review.exhibition.models import Publication
from review.experts.models import FinalAward
from review.experts.selectors import results_locked
from review.experts.services import clean_reason, lock_campaign, require_perm
from review.notifications import notify_authors
from submissions.models import Entry


@transaction.atomic
def publish_results(campaign: Campaign, *, actor, request=None) -> int:
    """Publish every entry of `campaign` holding a final work award; return how many were added.

    Only confirmed results are published (confirm_results first). Running it again publishes nothing
    twice; an entry taken down with unpublish_entry is published again. The author of each newly
    published entry is notified, in the portal and by e-mail, with the exhibition's link.
    """
    require_perm("exhibition.manage_publication", actor)
    campaign = lock_campaign(campaign.pk)
    if not results_locked(campaign):
        raise Refused(_("评审结果尚未确认，不能发布。"), code="not_confirmed")
    awarded = (FinalAward.objects.filter(entry__campaign=campaign, level__isnull=False)
               .exclude(entry__publication__isnull=False).values_list("entry_id", flat=True))
    now = timezone.now()
    created = Publication.objects.bulk_create(
        [Publication(entry_id=entry_id, published_at=now, published_by=actor) for entry_id in sorted(awarded)])
    record_audit(actor, "exhibition.publish", campaign, request=request,
                 summary=_("发布获奖作品%(count)d件") % {"count": len(created)},
                 changes={"entries": [publication.entry_id for publication in created]})
    transaction.on_commit(cache.bump_version)
    _notify_published([publication.entry_id for publication in created])
    return len(created)


def _notify_published(entry_ids: list[int]) -> None:
    """Tell each author that their entry is on the exhibition, with the share link (portal and e-mail)."""
    items = []
    for entry in Entry.objects.filter(pk__in=entry_ids).order_by("pk"):
        link = absolute_url(reverse("exhibition:detail", args=[entry.code]))
        items.append((entry, _("您的作品《%(title)s》已在作品展发布，欢迎分享：%(link)s") % {
            "title": entry.title or entry.code, "link": link}))
    notify_authors(items, NotificationKind.PUBLISHED, email=True)


@transaction.atomic
def unpublish_entry(entry: Entry, *, actor, reason: str, request=None) -> bool:
    """Take one entry off the exhibition (e.g. after a complaint), with a reason; False if not published."""
    require_perm("exhibition.manage_publication", actor)
    reason = clean_reason(reason)
    lock_campaign(entry.campaign_id)
    deleted, _rows = Publication.objects.filter(entry_id=entry.pk).delete()
    if not deleted:
        return False
    record_audit(actor, "exhibition.unpublish", entry, request=request, summary=_("撤下展示"),
                 changes={"reason": reason})
    transaction.on_commit(cache.bump_version)
    return True
