"""活动开展情况和成效做法: the sanitiser, the pre-filled draft, filing with 附件3, the Word file and the pages."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from PIL import Image

from portal.audit.models import AuditRecord
from portal.campaigns.enums import PhaseKind
from portal.exports.registry import get_export_kind
from portal.refusals import Refused
from review.reports.models import UnionReport
from review.reports.union_report import draft_body, photo_src, sanitise, save_union_report, union_photos
from submissions.models import Photo
from tests.factories import recommended_entry
from tests.factories.exhibition import ADDRESS, EMAIL, PHONE
from tests.factories.reports import zip_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_a_entry(people, campaign):
    return recommended_entry(people["worker"], campaign, grader=people["city"], title="叉车无防护罩",
                             hazard="叉车链条外露", contact_phone=PHONE, contact_email=EMAIL,
                             contact_address=ADDRESS)


def test_sanitise_keeps_the_structure_and_drops_scripts_and_foreign_photos():
    dirty = ('<h3 onclick="x()">一、情况</h3><script>alert(1)</script><style>p{}</style><ul><li>甲</li></ul>'
             f'<img src="{photo_src(5)}" onerror="x()"><img src="{photo_src(6)}"><img src="https://evil/x.jpg">'
             '<a href="javascript:alert(1)">链接</a><p style="color:red">段</p>')
    clean = sanitise(dirty, allowed_photos={5})
    assert "<h3>一、情况</h3>" in clean and "<ul><li>甲</li></ul>" in clean and "<p>段</p>" in clean
    assert f'src="{photo_src(5)}"' in clean
    for bad in ("script", "alert", "onclick", "onerror", "style", photo_src(6), "evil", "<a"):
        assert bad not in clean


def test_the_draft_is_prefilled_from_the_data(city_a_entry, people, campaign, org):
    body = draft_body(org.city_a, campaign, user=people["city"])
    assert "1 个单位参加" in body and "发现隐患 1 处" in body
    assert "一等奖 1 件" in body and "叉车无防护罩" in body
    assert 'src="/files/photo/' in body


def test_filing_is_audited_and_sanitised(city_a_entry, people, campaign, org):
    photo = Photo.objects.filter(entry=city_a_entry).first()
    report = save_union_report(org.city_a, campaign, title="甲市报告", actor=people["city"], submit=True,
                               body=f'<h3>做法</h3><script>x</script><img src="{photo_src(photo.pk)}">')
    assert report.is_submitted and "<script>" not in report.body and photo_src(photo.pk) in report.body
    assert AuditRecord.objects.for_object(report).get().action == "reports.file_union_report"


@pytest.mark.parametrize("who", ["city_other", "committee", "county", "worker"])
def test_only_the_unions_own_staff_may_file(people, campaign, org, who):
    with pytest.raises(Refused):
        save_union_report(org.city_a, campaign, title="t", body="<p>x</p>", actor=people[who], submit=True)
    assert not UnionReport.objects.exists()


def test_no_filing_after_the_recommendation_deadline(people, campaign, org):
    phase = campaign.phases.get(kind=PhaseKind.RECOMMENDATION)
    phase.starts_at, phase.ends_at = timezone.now() - timedelta(days=5), timezone.now() - timedelta(days=1)
    phase.save()
    with pytest.raises(Refused) as refused:
        save_union_report(org.city_a, campaign, title="t", body="<p>x</p>", actor=people["city"], submit=True)
    assert refused.value.code == "closed" and not UnionReport.objects.exists()


def test_an_empty_report_cannot_be_filed(people, campaign, org):
    with pytest.raises(Refused):
        save_union_report(org.city_a, campaign, title="t", body="<script>x</script>", actor=people["city"],
                          submit=True)
    assert not UnionReport.objects.exists()


def test_the_city_files_from_the_draft_and_downloads_word(client, city_a_entry, people, campaign, org):
    client.force_login(people["city"])
    url = reverse("reports:union_report", args=[org.city_a.pk])
    page = client.get(url).content.decode()
    assert "发现隐患 1 处" in page and "union-report-editor.js" in page and "<script>" not in page.split("</main>")[0]
    photo = union_photos(org.city_a, campaign, user=people["city"]).first()
    body = f'<h3>一、做法</h3><ol><li>发动</li><li>整改</li></ol><p><img src="{photo_src(photo.pk)}"></p>'
    response = client.post(url, {"title": "甲市活动情况", "body": body, "file": "1"})
    assert response.status_code == 302
    report = UnionReport.objects.get()
    assert report.is_submitted
    word = client.get(reverse("reports:union_report_word", args=[org.city_a.pk]))
    document = Document(io.BytesIO(b"".join(word.streaming_content)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "甲市活动情况" in text and "一、做法" in text and "1. 发动" in text
    assert len(document.inline_shapes) == 1
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert "PAGE" in section.footer._element.xml
    archive = zip_of(b"".join(client.get(reverse("reports:union_report_word", args=[org.city_a.pk]))
                                  .streaming_content))
    for name in archive.namelist():
        for contact in (PHONE, EMAIL, ADDRESS):
            assert contact.encode() not in archive.read(name), name
    for name in archive.namelist():
        if name.startswith("word/media/"):
            image = Image.open(io.BytesIO(archive.read(name)))
            assert not image.getexif() and "xmp" not in image.info


@pytest.mark.parametrize(("who", "status"), [("city", 200), ("committee", 200), ("city_other", 404),
                                              ("county", 404), ("worker", 404), ("expert", 404)])
def test_report_page_matrix(client, people, campaign, org, who, status):
    UnionReport.objects.create(campaign=campaign, union=org.city_a, title="t", body="<p>x</p>")
    client.force_login(people[who])
    assert client.get(reverse("reports:union_report", args=[org.city_a.pk])).status_code == status
    assert client.get(reverse("reports:union_report_word", args=[org.city_a.pk])).status_code == status


@pytest.mark.parametrize(("who", "status"), [("committee", 200), ("city", 404), ("county", 404),
                                              ("worker", 404)])
def test_index_matrix(client, people, campaign, org, who, status):
    client.force_login(people[who])
    assert client.get(reverse("reports:union_reports")).status_code == status


def test_the_committee_cannot_post(client, people, campaign, org):
    client.force_login(people["committee"])
    response = client.post(reverse("reports:union_report", args=[org.city_a.pk]), {"title": "x", "body": "y"})
    assert response.status_code == 404 and not UnionReport.objects.exists()


@pytest.mark.parametrize("count", [1, 3])
def test_index_queries_do_not_grow(client, people, campaign, org, count, django_assert_num_queries):
    for union in (org.city_a, org.city_b, org.industry)[:count]:
        UnionReport.objects.create(campaign=campaign, union=union, title="t", body="<p>x</p>",
                                   submitted_at=timezone.now())
    client.force_login(people["committee"])
    client.get(reverse("reports:union_reports"))
    with django_assert_num_queries(QUERIES):
        page = client.get(reverse("reports:union_reports"))
    assert page.content.decode().count('badge text-bg-success') == count


QUERIES = 13


def test_the_zip_holds_one_word_file_per_filed_report(people, campaign, org):
    for union in (org.city_a, org.city_b):
        UnionReport.objects.create(campaign=campaign, union=union, title=f"{union.name}报告", body="<p>做法</p>",
                                   submitted_at=timezone.now())
    UnionReport.objects.create(campaign=campaign, union=org.industry, title="草稿", body="<p>x</p>")
    kind = get_export_kind("union-reports")
    params = kind.clean_params(people["committee"], {"campaign": campaign.pk})
    out = io.BytesIO()
    kind.generate(params, people["committee"], out, lambda done, total: None)
    names = zip_of(out.getvalue()).namelist()
    assert len(names) == 2 and all(name.endswith(".docx") for name in names)
    assert not kind.available_to(people["city"])


