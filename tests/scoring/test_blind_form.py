"""The scoring form an expert reaches shows the expert's blind view of the entry, never the Entry.

The province-tier form gets the view object of review.experts.blind.expert_view (through the presenter
review.experts registers with scoring.presenters), the same object as the expert's entry page. The entry
is seeded with a distinctive author, phone, unit and unions, free text naming them, and photos uploaded
under file names that name the author; the form, everything it links and the pages it leads to are
searched for them.
"""

import re

import pytest
from django.urls import reverse

from portal.accounts.enums import RoleKind
from portal.campaigns.models import Campaign
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from review.experts.blind import REDACTED, ExpertEntryView
from scoring import presenters
from submissions import services as submission_services
from submissions.enums import EntryState, PhotoKind, Tier
from submissions.models import Entry, ExpertAssignment
from tests.factories import CampaignFactory, make_entry, make_user
from tests.factories import photos as pf
from tests.factories.submissions import upload

pytestmark = pytest.mark.django_db

AUTHOR = "隐秘作者乙"
PHONE = "13987654321"
UNIT = "绝密精工装备有限公司"
COUNTY = "机密区总工会"
CITY = "秘境市总工会"
FILE_NAMES = [f"{AUTHOR}-{PHONE}-现场.jpg", f"{AUTHOR}-整改后.jpg"]
SECRETS = [AUTHOR, PHONE, UNIT, "绝密精工装备", COUNTY, CITY, *FILE_NAMES]
FACTORS = {"l": "2", "e": "2", "c": "25", "x": "1", "y": "1", "comment": ""}
# Links on a page: href, src and form actions inside the site.
LINK = re.compile(r'(?:href|src|action)="(/[^"#]*)"')
# The site's own navigation (the public exhibition lists every city's union) is not about the entry: only
# the links that name the entry, its photos or a file are followed.
FILES = re.compile(r"^/(?:files|media)/")


def assess_url(entry, tier=Tier.PROVINCE):
    return reverse("scoring:assess", args=[entry.pk, tier])


@pytest.fixture
def seeded(org):
    """An entry of a blind campaign in the provincial review, naming its author and unions everywhere,
    with an expert assigned to it (tied to city B, not to the entry's city)."""
    campaign = CampaignFactory(min_long_side=320, min_short_side=240, blind_review=True)
    city = OrgNode.objects.create(name=CITY, kind=NodeKind.CITY, parent=org.province)
    county = OrgNode.objects.create(name=COUNTY, kind=NodeKind.COUNTY, parent=city)
    unit = OrgNode.objects.create(name=UNIT, kind=NodeKind.UNIT, parent=county)
    author = make_user(RoleKind.WORKER, unit, full_name=AUTHOR, phone=PHONE)
    text = f"{AUTHOR}在{UNIT}发现，{COUNTY}、{CITY}已知悉，电话{PHONE}"
    entry = make_entry(author, campaign=campaign)
    Entry.objects.filter(pk=entry.pk).update(title=f"{AUTHOR}拍的配电箱", description=text[:50],
                                             location=f"{UNIT}二号车间", hazard=text, suggestion=text,
                                             rectification_note=text)
    for n, (name, kind) in enumerate(zip(FILE_NAMES, (PhotoKind.HAZARD, PhotoKind.RECTIFIED), strict=True)):
        photo = submission_services.add_photo(entry, kind, upload(pf.jpeg((400, 300), quality=60 + n), name=name), actor=author)
        submission_services.create_photo_derivatives(photo)
    Entry.objects.filter(pk=entry.pk).update(state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE,
                                             has_rectification_photos=True)
    entry.refresh_from_db()
    expert = make_user(RoleKind.EXPERT, org.city_b, full_name="评分专家")
    ExpertAssignment.objects.create(entry=entry, expert=expert)
    return entry, expert


def assert_clean(text: str, where: str):
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaks in {where}"


def entry_links(html: str, entry) -> list[str]:
    """The links of `html` about `entry`: its pages (its pk or code in the path) and every file."""
    about = re.compile(rf"/{entry.pk}/|{re.escape(entry.code)}")
    return sorted({url for url in LINK.findall(html) if about.search(url) or FILES.search(url)})


def assert_page_and_links_clean(client, response, entry, where: str):
    """The page, and every page or file about the entry it links (fetched), name no one."""
    html = response.content.decode()
    assert_clean(html, where)
    for url in entry_links(html, entry):
        linked = client.get(url)
        if linked.status_code != 200:
            continue
        disposition = linked.get("Content-Disposition", "")
        assert_clean(disposition, f"the file name of {url}, linked from {where}")
        if linked.streaming:
            data = b"".join(linked.streaming_content)
            for secret in SECRETS:
                assert secret.encode() not in data, f"{secret!r} leaks in the bytes of {url}"
        else:
            assert_clean(linked.content.decode(errors="replace"), f"{url}, linked from {where}")


def test_expert_scoring_form_blind_names_no_one_in_the_page_or_its_links(client, seeded):
    entry, expert = seeded
    client.force_login(expert)
    response = client.get(assess_url(entry))
    assert response.status_code == 200
    assert_page_and_links_clean(client, response, entry, "the scoring form")
    html = response.content.decode()
    assert entry.code in html and f"{REDACTED}拍的配电箱" in html  # redacted, not dropped
    # A refused form is rendered again: still blind.
    response = client.post(assess_url(entry), {**FACTORS, "c": "999"})
    assert response.status_code == 200 and response.context["form"].errors
    assert_clean(response.content.decode(), "the refused form")
    # Saved: back to the expert's entry page, blind too.
    response = client.post(assess_url(entry), FACTORS, follow=True)
    assert response.redirect_chain[-1][0] == reverse("experts:entry", args=[entry.pk])
    assert len(entry_links(response.content.decode(), entry)) >= 6  # its photos: thumbnail, preview, original
    assert_page_and_links_clean(client, response, entry, "the page after scoring")


def test_expert_scoring_form_receives_the_expert_pages_view_object_not_the_entry(client, seeded):
    entry, expert = seeded
    client.force_login(expert)
    form = client.get(assess_url(entry)).context
    page = client.get(reverse("experts:entry", args=[entry.pk])).context
    assert "entry" not in form
    assert isinstance(form["view"], ExpertEntryView)
    assert form["view"] == page["view"]  # one function builds both
    assert form["view"].blind and form["view"].author_name == "" and form["view"].unit_name == ""


def test_expert_scoring_form_open_campaign_names_the_author_as_the_entry_page_does(client, seeded):
    entry, expert = seeded
    Campaign.objects.filter(pk=entry.campaign_id).update(blind_review=False)
    client.force_login(expert)
    response = client.get(assess_url(entry))
    view = response.context["view"]
    assert not view.blind and (view.author_name, view.unit_name) == (AUTHOR, UNIT)
    assert f"{UNIT} · {AUTHOR}" in response.content.decode()
    assert view == client.get(reverse("experts:entry", args=[entry.pk])).context["view"]


def test_unit_tier_form_shows_the_entry_to_its_coordinator(client, org, seeded):
    entry, _expert = seeded
    coordinator = make_user(RoleKind.UNIT, entry.unit)
    client.force_login(coordinator)
    response = client.get(assess_url(entry, Tier.UNIT))
    assert response.status_code == 200
    assert response.context["entry"] == entry and "view" not in response.context
    assert f"{UNIT} · {AUTHOR}" in response.content.decode()


@pytest.fixture
def without_presenter():
    presenter = presenters.presenter_for(Tier.PROVINCE)
    presenters.unregister(Tier.PROVINCE)
    yield
    presenters.register(Tier.PROVINCE, presenter)


def test_province_form_without_a_presenter_is_refused_not_shown_with_the_entry(client, seeded, without_presenter):
    entry, expert = seeded
    client.force_login(expert)
    assert client.get(assess_url(entry)).status_code == 404
    assert client.post(assess_url(entry), FACTORS).status_code == 404
    assert not entry.assessments.exists()
