"""附件3 统计表: the figures the system counts, submitting a union's report, and the province roll-up."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditRecord
from portal.campaigns.enums import PhaseKind
from portal.directory.enums import Channel, NodeKind
from portal.directory.models import OrgNode
from review.reports.exporters import StatisticsExport
from review.reports.models import StatisticsReport
from review.reports.selectors import counted_entries, report_unions, submitted_entries
from review.reports.services import submit_statistics
from review.reports.statistics import system_figures, system_figures_by_union
from submissions.enums import EntryState, Tier
from tests.factories import recommended_entry
from tests.factories.reports import workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_a_entries(people, campaign):
    """City A: 3 entries from 2 units by 2 authors, 2 rectified; plus entries that must not count."""
    at_city = {"state": EntryState.UNIT_RECOMMENDED, "tier": Tier.SELECTION}
    recommended_entry(people["worker"], campaign, **at_city)
    recommended_entry(people["worker"], campaign, rectified_photos=0, **at_city)
    recommended_entry(people["worker_a0"], campaign)
    recommended_entry(people["worker"], campaign, state=EntryState.DRAFT, tier=Tier.UNIT)
    recommended_entry(people["worker"], campaign, state=EntryState.WITHDRAWN, tier=Tier.UNIT)
    recommended_entry(people["worker_b"], campaign)  # city B


def counted(user, campaign, union):
    return system_figures(counted_entries(user, campaign).filter(selection_union=union))


def test_system_figures(city_a_entries, people, campaign, org):
    expected = {"participating_units": 2, "participants": 2, "hazards_found": 3, "hazards_rectified": 2}
    assert counted(people["city"], campaign, org.city_a) == expected
    assert counted(people["committee"], campaign, org.city_a) == expected
    by_union = system_figures_by_union(submitted_entries(people["committee"], campaign))
    assert by_union[org.city_a.pk] == expected
    assert by_union[org.city_b.pk] == {"participating_units": 1, "participants": 1, "hazards_found": 1,
                                       "hazards_rectified": 1}


def test_a_city_counts_entries_still_below_it_but_not_other_unions(people, campaign, org):
    # Still with the county: the city cannot open it, but 附件3 counts participation in its whole area.
    recommended_entry(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    assert counted(people["city"], campaign, org.city_a)["hazards_found"] == 1
    assert counted(people["committee"], campaign, org.city_a)["hazards_found"] == 1
    assert counted(people["city_other"], campaign, org.city_a)["hazards_found"] == 0


def report(campaign, union, **figures):
    values = {"participating_units": 2, "teams_covered": 7, "participants": 2, "hazards_found": 3,
              "hazards_rectified": 2, "other": "", "note": ""}
    values.update(figures)
    return StatisticsReport(campaign=campaign, union=union, **values)


def test_submitting_the_system_figures_needs_no_note_and_is_audited(city_a_entries, people, campaign, org):
    saved = submit_statistics(report(campaign, org.city_a), actor=people["city"])
    assert saved.submitted_by == people["city"] and saved.submitted_at is not None
    assert saved.system_figures == {"participating_units": 2, "participants": 2, "hazards_found": 3,
                                    "hazards_rectified": 2}
    record = AuditRecord.objects.for_object(saved).get()
    assert record.action == "reports.submit_statistics"
    assert record.changes["teams_covered"] == [None, 7]


def test_adjusted_figures_need_a_note_and_resubmission_updates_the_same_report(city_a_entries, people, campaign,
                                                                               org):
    with pytest.raises(ValidationError) as refused:
        submit_statistics(report(campaign, org.city_a, participants=40), actor=people["city"])
    assert "职工参与数与系统统计数不同" in refused.value.message_dict["note"][0]
    first = submit_statistics(report(campaign, org.city_a, participants=40, note="含线下参与职工38人"),
                              actor=people["city"])
    again = submit_statistics(report(campaign, org.city_a, participants=41, note="又补报1人"), actor=people["city"])
    assert again.pk == first.pk
    assert StatisticsReport.objects.get().participants == 41
    assert AuditRecord.objects.for_object(first).count() == 2


@pytest.mark.parametrize(("figures", "field"), [
    ({"hazards_rectified": 4, "note": "x"}, "hazards_rectified"),
    ({"teams_covered": -1}, "teams_covered"),
    ({"teams_covered": None}, "teams_covered"),
])
def test_invalid_figures_are_refused(city_a_entries, people, campaign, org, figures, field):
    with pytest.raises(ValidationError) as refused:
        submit_statistics(report(campaign, org.city_a, **figures), actor=people["city"])
    assert field in refused.value.message_dict
    assert not StatisticsReport.objects.exists()


@pytest.mark.parametrize("who", ["city_other", "committee", "county", "expert", "worker"])
def test_only_the_unions_own_staff_may_submit(people, campaign, org, who):
    with pytest.raises(PermissionDenied):
        submit_statistics(report(campaign, org.city_a), actor=people[who])


def test_no_submission_after_the_recommendation_deadline(people, campaign, org):
    phase = campaign.phases.get(kind=PhaseKind.RECOMMENDATION)
    phase.starts_at, phase.ends_at = timezone.now() - timedelta(days=5), timezone.now() - timedelta(days=1)
    phase.save()
    campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="截止"):
        submit_statistics(report(campaign, org.city_a, participating_units=0, participants=0, hazards_found=0,
                                 hazards_rectified=0), actor=people["city"])


def export(user, campaign, **params):
    buffer = io.BytesIO()
    StatisticsExport().generate({"campaign": campaign.pk, "union": None, "entries": None, **params}, user, buffer,
                                lambda done, total: None)
    return workbook(buffer.getvalue()).active


def test_the_province_roll_up_has_a_row_per_union_and_a_total(city_a_entries, people, campaign, org):
    submit_statistics(report(campaign, org.city_a, participants=5, other="培训2场", note="含线下3人"),
                      actor=people["city"])
    sheet = export(people["committee"], campaign)
    assert sheet["A1"].value == "第四届全省职工安全隐患和职业危害“随手拍”活动统计表"
    assert [cell.value for cell in sheet[3]] == ["序号", "填报单位", "参加单位数", "覆盖班组数", "职工参与数", "发现隐患数",
                                                 "整改隐患数", "其它", "报送情况", "说明"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [row[1] for row in rows] == ["甲市总工会", "乙市总工会", "测试省煤炭工会", "合计"]
    assert rows[0][:8] == (1, "甲市总工会", 2, 7, 5, 3, 2, "培训2场")
    assert rows[0][8].startswith("已报送") and rows[0][9] == "含线下3人"
    assert rows[1][:8] == (2, "乙市总工会", 1, None, 1, 1, 1, None)
    assert rows[1][8] == "未报送（系统统计数）"
    assert rows[2][:7] == (3, "测试省煤炭工会", 0, None, 0, 0, 0)
    assert rows[3][1:7] == ("合计", 3, 7, 6, 4, 3)


def test_a_unions_statistics_sheet_has_its_row_only(city_a_entries, people, campaign, org):
    sheet = export(people["city"], campaign, union=org.city_a.pk)
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 1 and rows[0][1] == "甲市总工会"


# --- pages ------------------------------------------------------------------------------------------


def test_the_city_fills_and_submits_the_form(client, city_a_entries, people, campaign, org):
    client.force_login(people["city"])
    url = reverse("reports:statistics_report", args=[org.city_a.pk])
    page = client.get(url).content.decode()
    assert 'data-counted="hazards_found">3<' in page
    assert 'value="3"' in page  # pre-filled
    assert "有已提交作品的不同单位数" in page
    response = client.post(url, {"participating_units": 2, "teams_covered": 9, "participants": 2, "hazards_found": 3,
                                 "hazards_rectified": 2, "other": "", "note": ""})
    assert response.status_code == 302
    assert StatisticsReport.objects.get().teams_covered == 9
    response = client.post(url, {"participating_units": 2, "teams_covered": 9, "participants": 30, "hazards_found": 3,
                                 "hazards_rectified": 5, "other": "", "note": ""})
    assert response.status_code == 200
    text = response.content.decode()
    assert "整改隐患数不能大于发现隐患数" in text
    response = client.post(url, {"participating_units": "abc"})
    assert response.status_code == 200


def test_the_committee_reads_but_cannot_submit(client, city_a_entries, people, campaign, org):
    client.force_login(people["committee"])
    url = reverse("reports:statistics_report", args=[org.city_a.pk])
    page = client.get(url).content.decode()
    assert "disabled" in page and "报送省活动组委会办公室</button>" not in page
    assert client.post(url, {"participating_units": 1}).status_code == 403
    index = client.get(reverse("reports:statistics")).content.decode()
    assert "全省汇总" in index and "data-total-row" in index
    assert index.count("data-union=") == 3


def test_absurd_numbers_are_form_errors_not_server_errors(client, people, campaign, org):
    client.force_login(people["city"])
    url = reverse("reports:statistics_report", args=[org.city_a.pk])
    huge = str(10**20)
    response = client.post(url, {"participating_units": huge, "teams_covered": huge, "participants": "1e3",
                                 "hazards_found": "-5", "hazards_rectified": "", "other": "x" * 500, "note": ""})
    assert response.status_code == 200
    form = response.context["form"]
    assert {"participating_units", "teams_covered", "participants", "hazards_found", "hazards_rectified",
            "other"} <= set(form.errors)
    assert not StatisticsReport.objects.exists()


def test_admin_lists_reports_and_export_jobs(client, people, campaign, org):
    from tests.factories import make_user

    admin = make_user(None, is_staff=True, is_superuser=True)
    submit_statistics(report(campaign, org.city_a, participating_units=0, participants=0, hazards_found=0,
                             hazards_rectified=0), actor=people["city"])
    client.force_login(admin)
    for url in ("/admin/reports/statisticsreport/", "/admin/exports/exportjob/",
                f"/admin/reports/statisticsreport/{StatisticsReport.objects.get().pk}/change/"):
        assert client.get(url).status_code == 200, url


def test_text_typed_into_the_report_is_neutralised_in_the_sheet(people, campaign, org):
    submit_statistics(report(campaign, org.city_a, participating_units=0, participants=0, hazards_found=0,
                             hazards_rectified=0, other="=1+1", note="@SUM(A1)"), actor=people["city"])
    sheet = export(people["city"], campaign, union=org.city_a.pk)
    row = next(sheet.iter_rows(min_row=4, max_row=4))
    assert row[7].value == "'=1+1" and row[9].value == "'@SUM(A1)"
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)


def test_unions_come_in_the_directorys_order_not_by_id_as_text(people, campaign, org):
    # 太原 was created before 大同, whose id has one digit more: as text "/1/1000000/" sorts before
    # "/1/999999/". Industry unions follow every city union.
    taiyuan, datong = OrgNode.objects.bulk_create([
        OrgNode(pk=pk, name=name, kind=NodeKind.CITY, parent=org.province, channel=Channel.TERRITORIAL,
                path=f"{org.province.path}{pk}/", depth=1)
        for pk, name in ((999_999, "太原市总工会"), (1_000_000, "大同市总工会"))])
    names = [row[1] for row in export(people["committee"], campaign).iter_rows(min_row=4, values_only=True)]
    assert names == ["甲市总工会", "乙市总工会", taiyuan.name, datong.name, "测试省煤炭工会", "合计"]
    assert list(report_unions(people["committee"]).values_list("name", flat=True)) == names[:-1]


def test_a_report_filed_at_night_in_beijing_shows_beijings_date(people, campaign, org, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    filed = submit_statistics(report(campaign, org.city_a, note="含线下参与"), actor=people["city"])
    StatisticsReport.objects.filter(pk=filed.pk).update(submitted_at=datetime(2026, 11, 30, 19, 51, tzinfo=UTC))
    with timezone.override("UTC"):
        row = next(export(people["committee"], campaign).iter_rows(min_row=4, values_only=True))
    assert row[8] == "已报送 2026-12-01"  # 03:51 on 12-01 in Beijing, not 2026-11-30


def test_the_total_says_which_unions_it_covers_when_not_all_have_filed(city_a_entries, people, campaign, org, client):
    submit_statistics(report(campaign, org.city_a, teams_covered=126), actor=people["city"])
    rows = list(export(people["committee"], campaign).iter_rows(min_row=4, values_only=True))
    total = rows[-1]
    assert total[1] == "合计" and total[3] == 126
    assert total[8] == "已报送 1/3 个单位"
    assert "只含已报送的 1 个单位（甲市总工会）" in total[9] and "其余 2 个单位未报送" in total[9]
    client.force_login(people["committee"])
    page = client.get(reverse("reports:statistics")).content.decode()
    assert "已报送 1/3 个单位" in page and "（甲市总工会）" in page
