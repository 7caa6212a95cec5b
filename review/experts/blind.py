"""What an expert's page may show of an entry: a view of the fields needed to judge the hazard.

Pages for experts never receive the Entry itself. In a blind campaign the view carries no author name
and no unit; contact details (phone, e-mail, address) and the originality declaration's signature are
never in it, blind or not. Photos are the display copies (metadata-free) and, for download, the
"blind-original" copy named after the entry's neutral code. The scoring form an expert reaches shows the
same view (SCORING_PRESENTER, registered with scoring.presenters).

Free text is redacted too. People write their unit's full name where the form asks for 隐患地点 ("山西…
有限公司二号车间"), and sometimes their own name in a description; in a blind campaign every free-text
field an expert reads (照片名称, 文字说明, 隐患地点, 存在隐患, 整改建议, 整改后说明) has the author's name, the
contact details, and the full and short names of the unit and of every union above it (up to, not
including, the province) replaced by a visible REDACTED mark. See `Redactor`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from scoring.presenters import EntryPresenter
from submissions.enums import PHOTO_KIND_FILE_LABEL, PhotoKind
from submissions.models import Entry, Photo

# What replaces a redacted name: visible, so the expert knows something was there.
REDACTED = "〔已隐去〕"
# Shorter terms are never redacted: a one-character name would blank out half of every text.
MIN_TERM_CHARS = 2
# Parts of a unit name that people leave out when they write it ("恒安机械制造" for
# "太原市小店区恒安机械制造有限公司"): the union names above it at the front, the legal form at the end.
# A name stripped this far is redacted too, when at least MIN_CORE_CHARS characters remain (shorter
# cores such as "煤业" are ordinary words).
UNIT_NAME_ENDINGS = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "公司", "工会委员会",
                     "总工会", "工会")
MIN_CORE_CHARS = 4
# The free-text fields of an entry an expert reads.
FREE_TEXT_FIELDS = ("title", "description", "location", "hazard", "suggestion", "rectification_note")


def _without_ending(name: str) -> str:
    for ending in UNIT_NAME_ENDINGS:
        if name.endswith(ending) and len(name) > len(ending):
            return name[: -len(ending)]
    return name


class Redactor:
    """Replaces the identifying terms of one entry in any text with REDACTED.

    Terms: the author's name (as entered and as signed), the contact phone, e-mail and address, and for
    the unit and each union above it (county/group, city/industry; not the province, which every entry
    shares) its full name, its short name, and the full name stripped of the union names in front and of
    the legal form at the end. Longer terms win over the shorter ones they contain; runs of marks are
    merged into one.
    """

    def __init__(self, terms: Iterable[str]):
        unique = {term.strip() for term in terms if term and len(term.strip()) >= MIN_TERM_CHARS}
        ordered = sorted(unique, key=lambda term: (-len(term), term))
        self.terms = ordered
        self.pattern = re.compile("|".join(re.escape(term) for term in ordered)) if ordered else None
        self._runs = re.compile(f"(?:{re.escape(REDACTED)}\\s*){{2,}}")

    def __call__(self, text: str) -> str:
        if not text or self.pattern is None:
            return text or ""
        redacted = self.pattern.sub(REDACTED, text)
        return self._runs.sub(REDACTED, redacted) if redacted != text else text

    @classmethod
    def for_entry(cls, entry: Entry, nodes: dict[int, OrgNode] | None = None) -> Redactor:
        """The redactor of `entry`; `nodes` (id → node) may hold the unit's ancestors already loaded."""
        terms = [entry.author_name, entry.declaration_name, entry.contact_phone, entry.contact_email,
                 entry.contact_address]
        if entry.unit_id:
            unit = entry.unit
            if nodes is None:
                nodes = {node.pk: node for node in OrgNode.objects.filter(pk__in=unit.ancestor_ids)}
            terms += _union_terms([nodes[pk] for pk in unit.ancestor_ids if pk in nodes] or [unit])
        return cls(terms)


def _union_terms(chain: list[OrgNode]) -> list[str]:
    """The names to redact for a unit and the unions above it (`chain`, province first)."""
    # Region and union names that may stand in front of a unit's name ("太原市", "小店区"); the
    # province's own ("山西省") only ever helps to strip, it is not redacted.
    prefixes = sorted({name for node in chain for name in (node.short_name, _without_ending(node.name)) if name},
                      key=len, reverse=True)
    terms = []
    for node in chain:
        if node.kind == NodeKind.PROVINCE:
            continue
        terms += [node.name, node.short_name, _without_ending(node.name)]
        core = _without_prefixes(node.name, prefixes)
        terms += [candidate for candidate in (core, _without_ending(core)) if len(candidate) >= MIN_CORE_CHARS]
    return terms


def _without_prefixes(name: str, prefixes: list[str]) -> str:
    """`name` with every leading region/union name in `prefixes` (longest first) stripped, repeatedly."""
    core = name
    stripped = True
    while stripped:
        stripped = False
        for prefix in prefixes:
            if core.startswith(prefix) and len(core) > len(prefix) and prefix != name:
                core, stripped = core[len(prefix):], True
                break
    return core


def redactors_for(entries: Iterable[Entry]) -> dict[int, Redactor]:
    """{entry id: Redactor} for `entries` (their units loaded), with one query for every unit's unions."""
    entries = list(entries)
    ids = {pk for entry in entries if entry.unit_id for pk in entry.unit.ancestor_ids}
    nodes = {node.pk: node for node in OrgNode.objects.filter(pk__in=ids)} if ids else {}
    return {entry.pk: Redactor.for_entry(entry, nodes) for entry in entries}


@dataclass(frozen=True)
class PhotoView:
    pk: int
    kind: str
    position: int
    label: str
    width: int
    height: int
    ready: bool


@dataclass(frozen=True)
class ExpertEntryView:
    pk: int
    code: str
    title: str
    category: str
    industry: str
    description: str
    taken_on: date | None
    location: str
    hazard: str
    suggestion: str
    rectification_note: str
    blind: bool
    redacted: bool = False  # some free text had a name replaced by REDACTED
    author_name: str = ""   # empty in a blind campaign
    unit_name: str = ""     # empty in a blind campaign
    hazard_photos: list[PhotoView] = field(default_factory=list)
    rectified_photos: list[PhotoView] = field(default_factory=list)

    @property
    def photo_pairs(self) -> list[tuple[str, list[PhotoView]]]:
        return [(PHOTO_KIND_FILE_LABEL[PhotoKind.HAZARD], self.hazard_photos),
                (PHOTO_KIND_FILE_LABEL[PhotoKind.RECTIFIED], self.rectified_photos)]


def photo_view(photo: Photo) -> PhotoView:
    return PhotoView(pk=photo.pk, kind=photo.kind, position=photo.position,
                     label=f"{PHOTO_KIND_FILE_LABEL.get(photo.kind, '')}{photo.position}",
                     width=photo.width, height=photo.height, ready=photo.derivatives_ready)


def expert_view(entry: Entry, photos: list[Photo] | None = None) -> ExpertEntryView:
    """The expert's view of `entry` (campaign, unit, category and industry loaded by the caller); in a
    blind campaign its free text is redacted (Redactor). The one view an expert gets of an entry: the
    expert's entry page and the province-tier scoring form (SCORING_PRESENTER) both show this."""
    blind = entry.campaign.blind_review
    photos = list(entry.photos.all()) if photos is None else photos
    text = blind_text(entry) if blind else {name: getattr(entry, name) for name in FREE_TEXT_FIELDS}
    return ExpertEntryView(
        pk=entry.pk, code=entry.code, category=str(entry.category) if entry.category_id else "",
        industry=str(entry.industry) if entry.industry_id else "", taken_on=entry.taken_on, blind=blind,
        redacted=any(REDACTED in value for value in text.values()) if blind else False, **text,
        author_name="" if blind else entry.author_name,
        unit_name="" if blind else (entry.unit.name if entry.unit_id else ""),
        hazard_photos=[photo_view(p) for p in photos if p.kind == PhotoKind.HAZARD],
        rectified_photos=[photo_view(p) for p in photos if p.kind == PhotoKind.RECTIFIED],
    )


# The scoring form at the province (scoring.presenters): the expert's view above the form, and back to the
# expert's entry page once the score is saved. Registered by this app's AppConfig.ready.
SCORING_PRESENTER = EntryPresenter(view=expert_view, header_template="experts/_assess_header.html",
                                   done_url_name="experts:entry")


def blind_text(entry: Entry, redactor: Redactor | None = None) -> dict[str, str]:
    """The entry's free-text fields with every identifying term redacted (for blind pages)."""
    redactor = redactor or Redactor.for_entry(entry)
    return {name: redactor(getattr(entry, name) or "") for name in FREE_TEXT_FIELDS}


@dataclass(frozen=True)
class ListItem:
    """One line of an expert's list: the neutral code, the title and the classification."""

    pk: int
    code: str
    title: str
    category: str
    industry: str
    submitted: bool


def list_item(assignment, redactor: Redactor | None = None) -> ListItem:
    """One line of the expert's list; in a blind campaign the title goes through `redactor` (or one made
    for the entry)."""
    entry = assignment.entry
    title = entry.title
    if entry.campaign.blind_review:
        title = (redactor or Redactor.for_entry(entry))(title)
    return ListItem(pk=entry.pk, code=entry.code, title=title,
                    category=str(entry.category) if entry.category_id else "",
                    industry=str(entry.industry) if entry.industry_id else "",
                    submitted=assignment.is_submitted)
