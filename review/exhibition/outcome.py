"""What the author learns at the end: the provincial result of an entry and its publication.

The tiered review's history (review.history) ends with the recommendation to the province; these are the
steps after it, for the author's pages (评选进度 and the worker's home page):

- once the committee has locked the results (review.experts' ResultsLock): the award level (获奖：一等奖)
  or 未获奖, dated by the lock;
- once the entry is on the exhibition (Publication): 已在作品展发布, with the share link.

Nothing is shown before the lock: proposed awards may still change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from review.experts.models import ResultsLock
from review.experts.selectors import in_review
from submissions.enums import EntryState, Tier
from submissions.models import Entry
from submissions.scoping import entries_for_user


@dataclass(frozen=True)
class Outcome:
    entry_pk: int
    code: str
    title: str
    decided_at: datetime
    award_name: str            # "" when the entry won no award
    published_at: datetime | None = None
    exhibition_url: str = ""

    @property
    def awarded(self) -> bool:
        return bool(self.award_name)


def _outcome(entry: Entry, lock: ResultsLock) -> Outcome:
    award = getattr(entry, "final_award", None)
    publication = getattr(entry, "publication", None)
    return Outcome(
        entry_pk=entry.pk, code=entry.code, title=entry.title, decided_at=lock.confirmed_at,
        award_name=award.level.name if award is not None and award.level_id is not None else "",
        published_at=publication.published_at if publication is not None else None,
        exhibition_url=reverse("exhibition:detail", args=[entry.code]) if publication is not None else "")


def entry_outcome(entry: Entry) -> Outcome | None:
    """The provincial result of `entry`, or None while there is none to tell (not in the provincial
    review, or the results not locked yet)."""
    if entry is None or not in_review(entry):
        return None
    lock = ResultsLock.objects.filter(campaign_id=entry.campaign_id).first()
    if lock is None:
        return None
    entry = (Entry.objects.select_related("final_award__level", "publication").filter(pk=entry.pk).first())
    return _outcome(entry, lock) if entry is not None else None


def author_outcomes(user) -> list[Outcome]:
    """The results of `user`'s own entries in every campaign whose results are locked, newest first."""
    if not user.is_authenticated:
        return []
    locks = {lock.campaign_id: lock for lock in ResultsLock.objects.all()}
    if not locks:
        return []
    entries = (entries_for_user(user).filter(author=user, campaign_id__in=list(locks),
                                             state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE)
               .select_related("final_award__level", "publication").order_by("-campaign__year", "-pk"))
    return [_outcome(entry, locks[entry.campaign_id]) for entry in entries]
