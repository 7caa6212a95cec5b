"""State changes of the scoring app; views call these, never the ORM directly."""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit.services import record_audit
from portal.refusals import Refused
from scoring.formula import SCALE_CODES, InvalidOption, format_score, get_scale, hazard_score
from scoring.keys import refresh_ranking_keys
from scoring.models import Assessment
from submissions.enums import NOT_TAKING_PART, Tier
from submissions.models import Entry

FIELDS = tuple(code.lower() for code in SCALE_CODES)


def clean_factor_values(values: Mapping[str, object]) -> dict[str, Decimal]:
    """Map {"l": "2", "e": "1.8", ...} to the scales' option values; ValidationError per bad factor.

    Keys are the lower-case factor codes (the model's field names); values may be Decimal, int or
    numeric strings.  Every factor is reported, not only the first wrong one.
    """
    cleaned, errors = {}, {}
    for code, field in zip(SCALE_CODES, FIELDS, strict=True):
        scale = get_scale(code)
        value = values.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[field] = _("请选择%(name)s（%(code)s）。") % {"name": scale.name, "code": code}
            continue
        try:
            cleaned[field] = scale.option_for(value).value
        except (InvalidOption, TypeError) as exc:
            # TypeError (a float, a list) is reported like a wrong option: never a 500 on bad input.
            errors[field] = str(exc) if isinstance(exc, InvalidOption) else str(InvalidOption(scale, value))
    if errors:
        raise ValidationError(errors, code="invalid_option")
    return cleaned


@transaction.atomic
def assess_entry(entry: Entry, *, actor, tier: int, values: Mapping[str, object], comment: str = "",
                 request=None) -> Assessment:
    """Record `actor`'s 隐患举报价值评价 of `entry` at `tier`; re-scoring updates the same row.

    `values` maps "l", "e", "c", "x", "y" to option values; D is computed exactly with hazard_score.
    Raises ValidationError (per factor, as a form would) for a value outside the options, and Refused
    (a Chinese message) for a draft or withdrawn entry and for a tier the entry has not reached.  Who may assess is decided by scoring.rules
    (the views check it); this function guards the entry's state, which can change between GET and POST.

    At Tier.PROVINCE (the experts) the first saved score is final: saving it shows the expert the others'
    scores, so a second call for the same expert and entry is refused (code "score_frozen").

    At Tier.UNIT the assessment is the entry's 推荐单位评价 and its D is copied to `entry.unit_score`;
    assessments at other tiers (experts at PROVINCE) never touch it.  Every change is audited as
    "scoring.assess" with old and new values (`request`, when given, adds the client's IP); saving the
    same values again changes nothing and records nothing.
    """
    try:
        tier = Tier(tier)
    except ValueError:
        raise Refused(_("评价层级无效。"), code="invalid_tier") from None
    cleaned = clean_factor_values(values)
    d = hazard_score(*(cleaned[field] for field in FIELDS))
    comment = (comment or "").strip()

    # Lock the entry so a state change (return, withdraw) and this assessment cannot interleave.
    locked = Entry.objects.select_for_update().get(pk=entry.pk)
    if locked.state in NOT_TAKING_PART:
        raise Refused(_("草稿或已撤回的作品不能评价。"), code="not_assessable")
    if locked.tier < tier:
        raise Refused(_("作品尚未报送到该评审层级，暂不能评价。"), code="tier_not_reached")

    assessment = Assessment.objects.filter(entry=locked, assessor=actor, tier=tier).first()
    if tier == Tier.PROVINCE and assessment is not None:
        # An expert sees the other experts' scores as soon as their own is saved; a revision after that
        # would no longer be an independent score, so the first saved province score is final.
        raise Refused(_("您的省级评审评分已提交，不能修改（提交后已显示其他专家的评分）。"),
                              code="score_frozen")
    new = {**cleaned, "d": d, "comment": comment}
    if assessment is None:
        old = dict.fromkeys(new)
        assessment = Assessment(entry=locked, assessor=actor, tier=tier, **new)
    else:
        old = {field: getattr(assessment, field) for field in new}
        for field, value in new.items():
            setattr(assessment, field, value)
    changed = {field: [_jsonable(old[field]), _jsonable(new[field])]
               for field in new if old[field] is None or old[field] != new[field]}
    # With several coordinators in one unit, the last one to save is the unit's score, even unchanged.
    if tier == Tier.UNIT and locked.unit_score != d:
        changed["unit_score"] = [_jsonable(locked.unit_score), _jsonable(d)]
    if assessment.pk is not None and not changed:
        return assessment
    assessment.save()
    if "unit_score" in changed:
        # update() rather than save(): only this column changes, and the entry's other fields (possibly
        # edited elsewhere since it was loaded) are left alone.
        Entry.objects.filter(pk=locked.pk).update(unit_score=d)
    if tier == Tier.UNIT:
        entry.unit_score = d
    if tier in (Tier.UNIT, Tier.PROVINCE):  # the tiers the rankings read (scoring.models.RankingKey)
        refresh_ranking_keys([locked.pk])

    record_audit(
        actor, "scoring.assess", locked,
        summary=_("%(tier)s价值评价 D=%(d)s") % {"tier": tier.label, "d": format_score(d)},
        changes={"tier": int(tier), "assessment": assessment.pk, **changed}, request=request,
    )
    return assessment


def _jsonable(value):
    # "2" rather than the column's "2.00": the audit log shows the option as printed on the form.
    return f"{value.normalize():f}" if isinstance(value, Decimal) else value
