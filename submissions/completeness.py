"""What an entry still lacks before it can be submitted, in words the author understands.

A draft may be saved half-filled; only submission requires the complete 附件1 form.
"""

from django.utils.translation import gettext as _

from portal.campaigns.enums import PhaseKind
from submissions.enums import PhotoKind

# The 附件1 fields that must be filled; 电子信箱 and 整改后说明 are optional because many workers have no
# e-mail and a hazard not yet rectified may still be reported.
REQUIRED_FIELDS = ["title", "author_name", "unit", "contact_address", "contact_phone", "industry", "category",
                   "description", "taken_on", "location", "hazard", "suggestion"]


# Fields the author chooses (a select, the unit search, radio buttons) rather than types: "请选择".
CHOSEN_FIELDS = {"unit", "industry", "category"}
# The free-text fields bounded by the campaign, and the campaign field holding each bound.
TEXT_LIMITS = {
    "description": "description_max_chars",
    "hazard": "hazard_max_chars",
    "suggestion": "suggestion_max_chars",
    "rectification_note": "rectification_note_max_chars",
}


def normalised_name(name: str) -> str:
    return "".join((name or "").split())


def missing_items(entry, photo_counts: dict[str, int] | None = None) -> list[str]:
    """Every reason the entry cannot be submitted yet, in form order; empty when it can.

    `photo_counts` maps PhotoKind to a count; the entry's photos are counted when it is not given.
    """
    campaign = entry.campaign
    if photo_counts is None:
        photo_counts = {kind: entry.photos.filter(kind=kind).count() for kind in PhotoKind.values}
    missing = [*_missing_fields(entry), *_texts_too_long(entry, campaign), *_declaration_problems(entry),
               *_photo_problems(photo_counts, campaign.max_photos_per_group)]
    if not campaign.phase_open(PhaseKind.SUBMISSION):
        missing.append(_("当前不在作品提交阶段，不能提交"))
    return missing


def _missing_fields(entry) -> list[str]:
    missing = []
    for name in REQUIRED_FIELDS:
        field = entry._meta.get_field(name)
        value = getattr(entry, field.attname)
        if value is None or (isinstance(value, str) and not value.strip()):
            template = _("请选择“%(field)s”") if name in CHOSEN_FIELDS else _("请填写“%(field)s”")
            missing.append(template % {"field": field.verbose_name})
    return missing


def _texts_too_long(entry, campaign) -> list[str]:
    # Texts saved before a limit was lowered (or before limits existed) must be shortened first.
    missing = []
    for name, setting in TEXT_LIMITS.items():
        count, limit = len(getattr(entry, name) or ""), getattr(campaign, setting)
        if count > limit:
            missing.append(_("%(field)s不超过%(max)d字（现为%(count)d字）") % {
                "field": entry._meta.get_field(name).verbose_name, "max": limit, "count": count})
    return missing


def _declaration_problems(entry) -> list[str]:
    missing = []
    if not entry.declaration_accepted:
        missing.append(_("请勾选原创申明"))
    if not normalised_name(entry.declaration_name):
        missing.append(_("请在原创申明中填写申明人姓名"))
    elif normalised_name(entry.declaration_name) != normalised_name(entry.author_name):
        missing.append(_("原创申明的签名（%(signed)s）须与作者姓名（%(author)s）一致") % {
            "signed": entry.declaration_name, "author": entry.author_name})
    if entry.declaration_date is None:
        missing.append(_("请填写原创申明日期"))
    return missing


def _photo_problems(photo_counts: dict[str, int], cap: int) -> list[str]:
    missing = []
    hazard_count = photo_counts.get(PhotoKind.HAZARD, 0)
    if hazard_count < 1:
        missing.append(_("请上传至少1幅隐患照片"))
    elif hazard_count > cap:
        missing.append(_("隐患照片不超过%(max)d幅（现有%(count)d幅）") % {"max": cap, "count": hazard_count})
    if photo_counts.get(PhotoKind.RECTIFIED, 0) > cap:
        missing.append(_("整改后照片不超过%(max)d幅（现有%(count)d幅）") % {
            "max": cap, "count": photo_counts[PhotoKind.RECTIFIED]})
    return missing
