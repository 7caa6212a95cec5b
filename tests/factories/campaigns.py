"""Campaigns: the notice's by default, or one of a test's own (another year, other caps, phases and awards)."""

from datetime import timedelta

import factory
from django.utils import timezone

from portal.campaigns.enums import AwardKind, PhaseKind
from portal.campaigns.models import AwardLevel, Campaign, HazardCategory, Industry, Phase
from portal.campaigns.notice import (
    CONTACT,
    HAZARD_CATEGORIES,
    INDUSTRIES,
    ORGANISATION_AWARDS,
    WORK_AWARDS,
    open_phases,
)

# Photo rules low enough for the 400×300 JPEG fixtures (the notice asks for 3000×2000).
SMALL = {"min_long_side": 320, "min_short_side": 240}

NOTICE_SLUG = "suishoupai-4"


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    campaign = factory.SubFactory("tests.factories.campaigns.CampaignFactory")
    kind = PhaseKind.SUBMISSION
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda phase: phase.starts_at + timedelta(days=90))


class AwardLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardLevel

    campaign = factory.SubFactory("tests.factories.campaigns.CampaignFactory")
    kind = AwardKind.WORK
    name = factory.Sequence(lambda n: f"{n + 1}等奖")
    rank = factory.Sequence(lambda n: n + 1)
    count = 1


class CampaignFactory(factory.django.DjangoModelFactory):
    """A current campaign with every phase open now, so every role can act in a test.

    By default it is the notice's 第四届 campaign (its slug, texts, hazard categories, industries and award
    levels): one row per test, shared by every call, each call writing its own field overrides onto it
    (`CampaignFactory(recommend_cap=2)` changes the campaign the `campaign` fixture returns).

    A campaign of its own takes another `slug`, and any of: `phases` ({PhaseKind: (start, end)}, default all
    open now), `work_awards` / `organisation_awards` ([(name, count)], ranked in order), `hazard_categories`
    and `industries` ([name] / [(group, name)]). Its rules (caps, photo sizes, experts per entry) are plain
    fields. Pass `is_current=False` to leave the current campaign as it is.
    """

    class Meta:
        model = Campaign
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = NOTICE_SLUG
    title = "第四届全省职工安全隐患和职业危害“随手拍”活动"
    year = 2025
    theme = "人人讲安全、个个会应急—查找身边安全隐患"
    notice_reference = "晋工发〔2025〕17号"
    contact = CONTACT
    is_current = True

    @classmethod
    def _create(cls, model_class, *args, **fields):
        if fields.get("is_current"):
            # One current campaign at a time (a database constraint): the new one takes over, as
            # ensure_notice_campaign and the admin's make_campaign_current do.
            model_class.objects.filter(is_current=True).exclude(slug=fields["slug"]).update(is_current=False)
        campaign = super()._create(model_class, *args, **fields)
        # get_or_create ignores the fields of a row that already exists: write them, so a later call's
        # overrides apply to the shared notice campaign too.
        changed = {name: value for name, value in fields.items() if getattr(campaign, name) != value}
        if changed:
            model_class.objects.filter(pk=campaign.pk).update(**changed)
            campaign.refresh_from_db()
        return campaign

    # Each list is added with get_or_create, so calling the factory again keeps a test's edits to them.

    @factory.post_generation
    def phases(campaign, create, extracted, **kwargs):
        windows = extracted if extracted is not None else open_phases(timezone.now())
        for kind, (start, end) in windows.items():
            Phase.objects.get_or_create(campaign=campaign, kind=kind, defaults={"starts_at": start, "ends_at": end})

    @factory.post_generation
    def hazard_categories(campaign, create, extracted, **kwargs):
        for order, name in enumerate(HAZARD_CATEGORIES if extracted is None else extracted):
            HazardCategory.objects.get_or_create(campaign=campaign, name=name, defaults={"order": order})

    @factory.post_generation
    def industries(campaign, create, extracted, **kwargs):
        for order, (group, name) in enumerate(INDUSTRIES if extracted is None else extracted):
            Industry.objects.get_or_create(campaign=campaign, name=name, defaults={"group": group, "order": order})

    @factory.post_generation
    def work_awards(campaign, create, extracted, **kwargs):
        _award_levels(campaign, AwardKind.WORK, WORK_AWARDS if extracted is None else extracted)

    @factory.post_generation
    def organisation_awards(campaign, create, extracted, **kwargs):
        _award_levels(campaign, AwardKind.ORGANISATION, ORGANISATION_AWARDS if extracted is None else extracted)


def _award_levels(campaign, kind, levels):
    for rank, (name, count) in enumerate(levels, start=1):
        AwardLevel.objects.get_or_create(campaign=campaign, kind=kind, name=name, defaults={"rank": rank, "count": count})


def set_phase(campaign, kind, *, starts_at, ends_at):
    phase = campaign.phases.get(kind=kind)
    phase.starts_at, phase.ends_at = starts_at, ends_at
    phase.save()
    campaign.refresh_from_db()
    return phase


def close_expert_review(campaign, now):
    return set_phase(campaign, PhaseKind.EXPERT_REVIEW, starts_at=now - timedelta(days=30),
                     ends_at=now - timedelta(days=1))


def work_level(campaign, name):
    return campaign.award_levels.get(kind=AwardKind.WORK, name=name)


def set_counts(campaign, counts: dict[str, int], kind=AwardKind.WORK):
    for name, count in counts.items():
        campaign.award_levels.filter(kind=kind, name=name).update(count=count)
