
"""Issue 11/12 (committee): the pre-lock checklist, ties, the lock against new province entries, frozen
expert scores, blind redaction, the author's result notifications and the assignment filters."""

import re

import pytest
from django.urls import reverse

from portal.audit.models import AuditRecord
from portal.campaigns.enums import AwardKind
from portal.refusals import Refused
from review import services as review_services
from review.actions import available_actions
from review.enums import NotificationKind
from review.exhibition import services as exhibition_services
from review.experts import checklist, services
from review.experts.blind import REDACTED
from review.experts.models import ResultsLock
from review.models import Notification
from scoring.models import Assessment
from submissions.enums import EntryState, Tier
from tests.factories import assign, at_province, make_entry, set_counts
from tests.factories.experts import score

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(people, campaign):
    """Five province entries, only the first scored (the issue's "4 of 5 without an expert score")."""
    entries = [at_province(people["worker"], campaign) for _ in range(5)]
    for who in ("expert_b", "expert_i"):
        assign(entries[0], people[who])
        score(entries[0], people[who], "80")
    campaign.experts_per_entry = 2
    campaign.save(update_fields=["experts_per_entry"])
    set_counts(campaign, {"一等奖": 1, "二等奖": 0, "三等奖": 0, "优秀奖": 0})
    set_counts(campaign, {"组织奖": 0}, kind=AwardKind.ORGANISATION)
    services.propose_awards(campaign, actor=people["committee"])
    return entries


def test_lock_is_refused_while_entries_lack_expert_scores(people, campaign, five):
    with pytest.raises(Refused) as refused:
        services.confirm_results(campaign, actor=people["committee"])
    assert refused.value.code == "checklist_open" and "专家评分未齐" in refused.value.message
    assert not ResultsLock.objects.filter(campaign=campaign).exists()


def test_lock_with_a_reason_records_the_override_and_the_open_items(people, campaign, five):
    lock = services.confirm_results(campaign, actor=people["committee"], override_reason="四位专家因病无法评分")
    assert lock.override_reason == "四位专家因病无法评分"
    assert lock.open_items[0]["kind"] == "scores" and lock.open_items[0]["count"] == 4
    record = AuditRecord.objects.for_object(campaign).get(action="experts.confirm_results")
    assert record.changes["override_reason"] == "四位专家因病无法评分"


def test_an_override_against_a_changed_checklist_is_refused(people, campaign, five):
    with pytest.raises(Refused) as refused:
        services.confirm_results(campaign, actor=people["committee"], override_reason="x", checklist_digest="0" * 64)
    assert refused.value.code == "checklist_changed"


def test_a_tie_at_a_cut_off_is_flagged_and_resolved_with_a_reason(people, campaign):
    tied = [at_province(people["worker"], campaign) for _ in range(4)]
    for entry in tied:
        for who in ("expert_b", "expert_i"):
            assign(entry, people[who])
            score(entry, people[who], "60")
    campaign.experts_per_entry = 2
    campaign.save(update_fields=["experts_per_entry"])
    set_counts(campaign, {"一等奖": 1, "二等奖": 1, "三等奖": 0, "优秀奖": 0})
    set_counts(campaign, {"组织奖": 0}, kind=AwardKind.ORGANISATION)
    services.propose_awards(campaign, actor=people["committee"])
    check = checklist.build(campaign)
    assert [item.kind for item in check.open_items] == ["work_tie"]
    tie = check.ties[0]
    assert len(tie.members) == 4 and tie.score == "60.000"
    with pytest.raises(Refused):
        services.confirm_results(campaign, actor=people["committee"])
    with pytest.raises(Refused) as refused:
        services.resolve_tie(campaign, tie.digest, actor=people["committee"], reason="")
    assert refused.value.code == "reason_required"
    services.resolve_tie(campaign, tie.digest, actor=people["committee"], reason="按C、L均值及提交先后确定")
    assert checklist.build(campaign).is_clear
    assert AuditRecord.objects.for_object(campaign).filter(action="experts.resolve_tie").count() == 1
    services.confirm_results(campaign, actor=people["committee"])


def test_after_the_lock_a_city_cannot_recommend_to_the_province(org, people, campaign, five):
    waiting = make_entry(people["worker"], campaign=campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION,
                         has_rectification_photos=True, unit_score="60")
    services.confirm_results(campaign, actor=people["committee"], override_reason="x")
    with pytest.raises(Refused) as refused:
        review_services.recommend_entry_to_province(waiting, actor=people["city"])
    assert refused.value.code == "results_locked"
    waiting.refresh_from_db()
    assert (waiting.state, waiting.tier) == (EntryState.FIRST_FORWARDED, Tier.SELECTION)
    actions = available_actions(waiting, people["city"])
    forward = [a for a in actions if a.name == "recommend_province"]
    assert forward and not forward[0].allowed and "锁定" in forward[0].refusal


def test_authors_hear_the_result_and_the_publication(people, campaign, five, mailoutbox,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_results(campaign, actor=people["committee"], override_reason="x")
    kinds = sorted(Notification.objects.filter(user=people["worker"]).values_list("kind", flat=True))
    assert kinds.count(NotificationKind.AWARDED) == 1 and kinds.count(NotificationKind.NOT_AWARDED) == 4
    assert any("一等奖" in message.body for message in mailoutbox)
    exhibition_services.publish_results(campaign, actor=people["committee"])
    published = Notification.objects.get(kind=NotificationKind.PUBLISHED)
    assert reverse("exhibition:detail", args=[five[0].code]) in published.message


def test_the_authors_pages_show_the_result(client, people, campaign, five):
    services.confirm_results(campaign, actor=people["committee"], override_reason="x")
    exhibition_services.publish_results(campaign, actor=people["committee"])
    client.force_login(people["worker"])
    html = client.get(reverse("submissions:entry_detail", args=[five[0].pk])).content.decode()
    assert "获奖：一等奖" in html and "已在作品展发布" in html
    # The badge beside the title tells the result, no longer the last review state.
    badge = re.search(r'<span class="badge[^"]*" data-outcome>([^<]*)</span>', html)
    assert badge and badge.group(1) == "获奖：一等奖"
    assert "已推荐省级评审</span>" not in html
    assert reverse("exhibition:detail", args=[five[0].code]) in html
    assert "未获奖" in client.get(reverse("submissions:entry_detail", args=[five[1].pk])).content.decode()
    home = client.get(reverse("accounts:role_home", args=["worker"])).content.decode()
    assert "荣获一等奖" in home and reverse("exhibition:detail", args=[five[0].code]) in home


def test_an_experts_saved_score_cannot_be_overwritten(client, people, entry):
    assign(entry, people["expert_b"])
    client.force_login(people["expert_b"])
    url = reverse("scoring:assess", args=[entry.pk, Tier.PROVINCE])
    client.post(url, {"l": "1", "e": "1", "c": "15", "x": "0.98", "y": "0.98", "comment": ""})
    stored = Assessment.objects.get(entry=entry, assessor=people["expert_b"], tier=Tier.PROVINCE)
    assert str(stored.d) .startswith("14.406")
    response = client.post(url, {"l": "2", "e": "2", "c": "25", "x": "1", "y": "1", "comment": ""})
    assert response.status_code in (403, 404)
    stored.refresh_from_db()
    assert str(stored.d).startswith("14.406")
    page = client.get(reverse("experts:entry", args=[entry.pk])).content.decode()
    assert "您的评分已提交，不能修改。" in page


def test_assignment_filters(client, people, campaign, five):
    client.force_login(people["committee"])
    url = reverse("experts:assignments")
    html = client.get(url, {"q": five[0].code}).content.decode()
    assert f'data-entry="{five[0].pk}"' in html and f'data-entry="{five[1].pk}"' not in html
    html = client.get(url, {"status": "unscored"}).content.decode()
    assert f'data-entry="{five[0].pk}"' not in html and f'data-entry="{five[1].pk}"' in html
    html = client.get(url, {"expert": people["expert_b"].pk}).content.decode()
    assert f'data-entry="{five[0].pk}"' in html and f'data-entry="{five[2].pk}"' not in html
    assert client.get(url, {"union": "x", "status": "bogus"}).status_code == 200
    assert REDACTED  # imported for the blind test module
