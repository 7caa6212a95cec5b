"""The pre-lock checklist: what must be settled before the committee locks the results for good.

Locking (services.confirm_results) cannot be undone, so the dashboard lists, and the lock refuses while
any is open:

1. entries of the provincial review with fewer active experts' scores than the campaign asks
   (`experts_per_entry`): their mean rests on too few opinions, or on none;
2. 组织奖 not yet computed (when the campaign offers it) or not all confirmed by hand;
3. ties at a work award cut-off: entries with the same mean expert D (as shown, to 3 decimals) that hold
   different award levels (or one an award and the other none). The ranking breaks such ties by C, L,
   submission time and id, which nobody sees; the committee looks at each one and accepts it with a
   reason, or changes the awards by hand (the tie then changes, or disappears);
4. ties at a 组织奖 cut-off: unions with the same organisation score and different levels.

The committee may still lock with items open, with a recorded reason (the lock keeps the reason and what
was open). A tie's decision (TieResolution) names the tie by a digest of its members, score and levels,
so any later change of these makes it a new tie that needs a decision of its own.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.campaigns.models import Campaign
from review.experts import selectors
from review.experts.enums import ChecklistItemKind, TieKind
from review.experts.models import OrganisationAward, TieResolution
from scoring.formula import format_score

# How many entry codes an item names before it says "…" (the dashboard's filter lists them all).
NAMED_ENTRIES = 10

_SHOWN, _SHOWN_CONTEXT = Decimal("0.001"), Context(prec=28)


def _digest(payload) -> str:
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class TieMember:
    pk: int
    name: str          # the entry's code and title, or the union's name
    level_id: int | None
    level: str         # the award level's name, or 不授奖


@dataclass
class Tie:
    kind: str
    score: str
    members: list[TieMember]
    resolution: TieResolution | None = None

    @property
    def digest(self) -> str:
        return _digest([self.kind, self.score, sorted((m.pk, m.level_id or 0) for m in self.members)])

    @property
    def is_open(self) -> bool:
        return self.resolution is None

    @property
    def kind_label(self) -> str:
        return str(TieKind(self.kind).label)

    def snapshot(self) -> dict:
        return {"kind": self.kind, "score": self.score,
                "members": [{"id": m.pk, "name": m.name, "level": m.level} for m in self.members]}


@dataclass
class ChecklistItem:
    kind: str
    is_open: bool
    detail: str
    count: int = 0
    link: str = ""
    entries: list[str] = field(default_factory=list)   # codes, for the record
    ties: list[Tie] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(ChecklistItemKind(self.kind).label)

    def snapshot(self) -> dict:
        data = {"kind": self.kind, "label": self.label, "detail": self.detail, "count": self.count}
        if self.entries:
            data["entries"] = self.entries
        if self.ties:
            data["ties"] = [tie.snapshot() for tie in self.ties if tie.is_open]
        return data


@dataclass
class Checklist:
    items: list[ChecklistItem]

    @property
    def open_items(self) -> list[ChecklistItem]:
        return [item for item in self.items if item.is_open]

    @property
    def is_clear(self) -> bool:
        return not self.open_items

    @property
    def ties(self) -> list[Tie]:
        return [tie for item in self.items for tie in item.ties]

    def snapshot(self) -> list[dict]:
        """The open items as stored on the lock and in its audit record."""
        return [item.snapshot() for item in self.open_items]

    @property
    def digest(self) -> str:
        """Names what is open now: an override posted from a page showing something else is refused."""
        return _digest(self.snapshot())


def _level_name(level) -> str:
    return level.name if level is not None else _("不授奖")


def work_ties(rows: list[selectors.DashboardRow]) -> list[Tie]:
    """Entries with the same mean D (to 3 decimals) holding different award outcomes, best score first."""
    # Grouped by the mean rounded as format_score rounds it (half up, 3 decimals; the 28 digits hold any
    # mean of D): the whole review is grouped on each dashboard view, only the ties are formatted.
    groups: dict[Decimal, list[selectors.DashboardRow]] = defaultdict(list)
    for row in rows:
        if row.count:
            groups[row.summary.mean.quantize(_SHOWN, rounding=ROUND_HALF_UP, context=_SHOWN_CONTEXT)].append(row)
    ties = []
    for shown, members in groups.items():
        if len(members) < 2:
            continue
        outcomes = {row.award.level_id if row.award is not None else None for row in members}
        if len(outcomes) < 2:
            continue
        score = format_score(shown)
        members.sort(key=lambda row: (row.rank or 0, row.entry.pk))
        ties.append(Tie(kind=TieKind.WORK, score=score, members=[
            TieMember(pk=row.entry.pk, name=f"{row.entry.code} {row.entry.title}".strip(),
                      level_id=row.award.level_id if row.award is not None else None,
                      level=_level_name(row.award.level if row.award is not None else None))
            for row in members]))
    ties.sort(key=lambda tie: -Decimal(tie.score))
    return ties


def organisation_ties(awards: list[OrganisationAward]) -> list[Tie]:
    """Unions with the same organisation score holding different 组织奖 levels, best score first."""
    groups: dict[Decimal, list[OrganisationAward]] = defaultdict(list)
    for award in awards:
        groups[award.score].append(award)
    ties = []
    for score, members in groups.items():
        if len(members) < 2 or len({award.level_id for award in members}) < 2:
            continue
        members.sort(key=lambda award: (award.rank or 0, award.union_id))
        ties.append(Tie(kind=TieKind.ORGANISATION, score=f"{score:.2f}", members=[
            TieMember(pk=award.union_id, name=award.union.name, level_id=award.level_id,
                      level=_level_name(award.level)) for award in members]))
    ties.sort(key=lambda tie: -Decimal(tie.score))
    return ties


def build(campaign: Campaign, rows: list[selectors.DashboardRow] | None = None) -> Checklist:
    """The checklist of `campaign` now. `rows`: the dashboard's rows of the whole provincial review, when
    the caller has them already (else they are computed)."""
    if rows is None:
        rows = selectors.dashboard_rows(selectors.entries_in_review(campaign), campaign)
    wanted = campaign.experts_per_entry
    resolutions = {r.digest: r for r in TieResolution.objects.filter(campaign=campaign).select_related("resolved_by")}
    dashboard = reverse("experts:dashboard")
    items = []

    short = [row for row in rows if row.count < wanted]
    codes = [row.entry.code for row in short]
    named = "、".join(codes[:NAMED_ENTRIES]) + ("…" if len(codes) > NAMED_ENTRIES else "")
    items.append(ChecklistItem(
        kind=ChecklistItemKind.SCORES, is_open=bool(short), count=len(short), entries=codes,
        link=f"{dashboard}?show=incomplete",
        detail=(_("%(count)d件作品的有效专家评分少于%(wanted)d份（其中%(none)d件尚无评分）：%(codes)s") % {
            "count": len(short), "wanted": wanted, "none": sum(1 for row in short if row.count == 0),
            "codes": named}) if short else _("每件作品都有%(wanted)d份有效专家评分。") % {"wanted": wanted}))

    offers_organisation = any(level.count for level in selectors.organisation_levels(campaign))
    awards = list(OrganisationAward.objects.filter(campaign=campaign).select_related("union", "level")
                  .order_by("rank", "union_id"))
    unconfirmed = sum(1 for award in awards if not award.confirmed)
    if offers_organisation and not awards:
        detail, is_open = _("本届设有组织奖，尚未计算和确认。"), True
    elif unconfirmed:
        detail, is_open = _("%(count)d个市/产业工会的组织奖尚未确认。") % {"count": unconfirmed}, True
    elif awards:
        detail, is_open = _("组织奖已全部确认。"), False
    else:
        detail, is_open = _("本届不设组织奖。"), False
    items.append(ChecklistItem(kind=ChecklistItemKind.ORGANISATION, is_open=is_open, detail=detail,
                               count=unconfirmed if awards else int(is_open),
                               link=reverse("experts:organisation_awards")))

    for kind, ties in ((ChecklistItemKind.WORK_TIE, work_ties(rows)),
                       (ChecklistItemKind.ORGANISATION_TIE, organisation_ties(awards))):
        for tie in ties:
            tie.resolution = resolutions.get(tie.digest)
        open_ties = [tie for tie in ties if tie.is_open]
        if open_ties:
            detail = _("%(count)d处得分相同而奖项不同，需组委会确认并说明理由。") % {"count": len(open_ties)}
        elif ties:
            detail = _("得分相同而奖项不同的%(count)d处均已由组委会确认。") % {"count": len(ties)}
        else:
            detail = _("分界处没有得分相同的情况。")
        items.append(ChecklistItem(kind=kind, is_open=bool(open_ties), detail=detail, count=len(open_ties),
                                   ties=ties, link=f"{dashboard}#checklist"))
    return Checklist(items=items)
