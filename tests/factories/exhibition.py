"""Published results for the public exhibition."""

from portal.accounts.enums import RoleKind
from portal.campaigns.enums import AwardKind
from portal.directory.enums import NodeKind
from review.exhibition import services as exhibition_services
from review.experts import services
from submissions.enums import EntryState, Tier
from submissions.models import Entry
from tests.factories.accounts import make_user
from tests.factories.campaigns import set_counts
from tests.factories.directory import OrgNodeFactory
from tests.factories.experts import assign, at_province, score
from tests.factories.submissions import add_identifying_photos, add_plain_photos, make_entry

AUTHOR = "展览作者乙"
PHONE = "13887654321"
EMAIL = "shown.author@example.org"
ADDRESS = "展览路888号"
UNIT = "展览示范制造有限公司"


def scored_at_province(people, campaign, key, *, author=None, photos=False):
    """An entry at the province scored `key` by the experts of city B and of the industry union."""
    author = author or people["worker"]
    entry = make_entry(author, campaign=campaign) if photos else at_province(author, campaign)
    if photos:
        add_plain_photos(entry, author, n=entry.pk)
        Entry.objects.filter(pk=entry.pk).update(state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE,
                                                 has_rectification_photos=True)
        entry.refresh_from_db()
    for who in ("expert_b", "expert_i"):
        assign(entry, people[who])
        score(entry, people[who], key)
    return entry


def confirm_and_publish(people, campaign):
    committee = people["committee"]
    campaign.experts_per_entry = 2  # the two experts each entry has (the lock's checklist asks for no more)
    campaign.save(update_fields=["experts_per_entry"])
    services.propose_awards(campaign, actor=committee)
    set_counts(campaign, {"组织奖": 0}, kind=AwardKind.ORGANISATION)
    services.confirm_results(campaign, actor=committee)
    return exhibition_services.publish_results(campaign, actor=committee)


def published_results(org, people, campaign) -> dict:
    """Three awarded, published entries (one by an author with distinctive contacts and identifying photo
    metadata) and one scored but unawarded entry, never published. `people` are the expert tests' people."""
    unit = OrgNodeFactory(name=UNIT, kind=NodeKind.UNIT, parent=org.county_a1)
    author = make_user(RoleKind.WORKER, unit, full_name=AUTHOR, phone=PHONE, email=EMAIL, address=ADDRESS)
    star = make_entry(author, campaign=campaign)
    star.contact_address = ADDRESS
    star.save(update_fields=["contact_address"])
    star_photos = add_identifying_photos(star, author, phone=PHONE, email=EMAIL)
    Entry.objects.filter(pk=star.pk).update(state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE,
                                            has_rectification_photos=True)
    for who in ("expert_b", "expert_i"):
        assign(star, people[who])
        score(star, people[who], "100")
    second = scored_at_province(people, campaign, "80", photos=True)
    third = scored_at_province(people, campaign, "60", author=people["worker_ga"])
    hidden = scored_at_province(people, campaign, "15", photos=True)
    set_counts(campaign, {"一等奖": 1, "二等奖": 1, "三等奖": 1, "优秀奖": 0})
    confirm_and_publish(people, campaign)
    return {"star": star, "star_photos": star_photos, "second": second, "third": third, "hidden": hidden}
