from datetime import timedelta

import pytest
from django.utils import timezone

from portal.accounts.enums import RoleKind
from submissions.forms import EntryFieldsForm
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def data(org, campaign, **overrides):
    values = {
        "title": "配电箱门未上锁", "author_name": "张三", "unit": org.unit_a1a.pk,
        "contact_phone": "13900000000", "contact_address": "某某路1号", "contact_email": "",
        "industry": campaign.industries.first().pk, "category": campaign.hazard_categories.first().pk,
        "taken_on": "2025-06-01", "location": "一号车间", "hazard": "门未上锁", "suggestion": "加锁",
        "rectification_note": "", "description": "配电箱门未上锁", "declaration_accepted": "on",
        "declaration_name": "张三", "declaration_date": "2025-06-02",
    }
    return {**values, **overrides}


def form(org, campaign, user=None, **overrides):
    user = user or make_user(RoleKind.WORKER, org.unit_a1a)
    return EntryFieldsForm(data(org, campaign, **overrides), campaign=campaign, user=user)


def test_entry_form_description_of_exactly_the_limit_accepted(org, small_campaign):
    assert small_campaign.description_max_chars == 50
    entry_form = form(org, small_campaign, description="隐" * 50)
    assert entry_form.is_valid(), entry_form.errors


def test_entry_form_description_one_over_the_limit_refused(org, small_campaign):
    entry_form = form(org, small_campaign, description="隐" * 51)
    assert not entry_form.is_valid()
    assert entry_form.errors["description"] == ["文字说明不超过50字（现为51字）。"]


def test_entry_form_description_counts_characters_not_bytes_and_crlf_once(org, small_campaign):
    text = "配电箱\r\n" * 10  # 40 characters once CRLF counts as one; 100+ bytes in UTF-8
    assert len(text.encode()) > 50
    entry_form = form(org, small_campaign, description=text.strip())
    assert entry_form.is_valid(), entry_form.errors
    assert "\r" not in entry_form.cleaned_data["description"]


def test_entry_form_description_limit_follows_campaign(org, small_campaign):
    small_campaign.description_max_chars = 10
    entry_form = form(org, small_campaign, description="隐" * 11)
    assert "不超过10字" in entry_form.errors["description"][0]


def test_entry_form_unit_must_be_a_unit_of_the_directory(org, small_campaign):
    for node in (org.county_a1, org.city_a, org.province):
        entry_form = form(org, small_campaign, unit=node.pk)
        assert entry_form.errors["unit"] == ["请从组织目录中选择基层单位。"]
    assert form(org, small_campaign, unit="甲市一区安泰机械").errors["unit"] == ["请从组织目录中选择基层单位。"]
    org.unit_a1b.is_active = False
    org.unit_a1b.save()
    assert "unit" in form(org, small_campaign, unit=org.unit_a1b.pk).errors


def test_entry_form_unit_is_required(org, small_campaign):
    assert form(org, small_campaign, unit="").errors["unit"] == ["请从组织目录中选择作者单位。"]


def test_entry_form_two_authors_refused(org, small_campaign):
    assert "作者只限一人" in form(org, small_campaign, author_name="张三、李四").errors["author_name"][0]
    assert form(org, small_campaign, author_name="买买提·艾力").is_valid()


def test_entry_form_industry_of_another_campaign_refused(org, small_campaign):
    from portal.campaigns.notice import ensure_notice_campaign

    other = ensure_notice_campaign(slug="other", year=2026, make_current=False)
    entry_form = form(org, small_campaign, industry=other.industries.first().pk)
    assert "industry" in entry_form.errors


def test_entry_form_future_shooting_date_refused(org, small_campaign):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "不能晚于今天" in form(org, small_campaign, taken_on=tomorrow).errors["taken_on"][0]


def test_entry_form_draft_may_be_incomplete(org, small_campaign):
    entry_form = form(org, small_campaign, title="", description="", industry="", category="",
                      declaration_accepted="", declaration_name="", taken_on="")
    assert entry_form.is_valid(), entry_form.errors


def test_entry_form_bad_phone_refused(org, small_campaign):
    assert "contact_phone" in form(org, small_campaign, contact_phone="call me maybe").errors


def test_entry_form_new_entry_prefilled_from_profile(org, small_campaign):
    user = make_user(RoleKind.WORKER, org.unit_a1a, full_name="王小明", phone="13800000001")
    entry_form = EntryFieldsForm(campaign=small_campaign, user=user)
    assert entry_form.initial["author_name"] == "王小明"
    assert entry_form.initial["unit"] == org.unit_a1a.pk
    assert entry_form.initial["contact_phone"] == "13800000001"
    assert entry_form.initial["declaration_date"] == timezone.localdate()
    assert "declaration_name" not in entry_form.initial  # the author signs by typing it
