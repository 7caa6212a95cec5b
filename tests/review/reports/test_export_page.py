"""The export page as the committee uses it: a filter by union, the size of each ready file, and the
province-wide photo package whose names match the province 附件1."""

import re

import pytest
from django.urls import reverse

from portal.exports.enums import ExportStatus
from portal.exports.services import request_export
from tests.factories import recommended_entry
from tests.factories.reports import workbook, zip_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(people, campaign):
    first = recommended_entry(people["worker"], campaign, assessor=people["unit"], title="甲市作品",
                              hazard_photos=1, rectified_photos=1)
    second = recommended_entry(people["worker_b"], campaign, assessor=people["unit_b"], title="乙市作品",
                               hazard_photos=2, rectified_photos=1)
    return first, second


def _run(kind, data, actor, capture):
    with capture(execute=True):
        job = request_export(kind, data, actor=actor)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    return job


def test_the_committee_filters_the_export_page_by_union(client, entries, people, org,
                                                        django_capture_on_commit_callbacks):
    city_a_job = _run("fujian2", {"union": str(org.city_a.pk)}, people["committee"], django_capture_on_commit_callbacks)
    city_b_job = _run("fujian2", {"union": str(org.city_b.pk)}, people["committee"], django_capture_on_commit_callbacks)
    client.force_login(people["committee"])
    page = client.get(reverse("exports:index")).content.decode()
    assert f'<option value="{org.city_a.pk}">甲市总工会</option>' in page
    assert page.count('name="union" value=') > 8  # every union's buttons
    narrowed = client.get(reverse("exports:index"), {"union": org.city_a.pk}).content.decode()
    unions_offered = set(re.findall(r'<input type="hidden" name="union" value="(\d+)">', narrowed))
    assert unions_offered == {str(org.city_a.pk)}
    assert f'href="/exports/jobs/{city_a_job.pk}/"' in narrowed
    assert f'href="/exports/jobs/{city_b_job.pk}/"' not in narrowed
    # Something that is no union of theirs shows everything instead of an error.
    assert client.get(reverse("exports:index"), {"union": "x"}).status_code == 200


def test_a_ready_file_shows_its_size(client, entries, people, org, django_capture_on_commit_callbacks):
    job = _run("fujian2", {"union": str(org.city_a.pk)}, people["city"], django_capture_on_commit_callbacks)
    assert job.size and job.size > 1000
    client.force_login(people["city"])
    page = client.get(reverse("exports:index")).content.decode()
    assert f'data-size="{job.size}"' in page
    assert re.search(rf'data-size="{job.size}">\s*\d+(\.\d)?\s*(KB|字节|bytes|千字节)', page), page


def test_the_committee_downloads_a_province_photo_package_named_like_the_province_forms(
        client, entries, people, campaign, django_capture_on_commit_callbacks):
    client.force_login(people["committee"])
    page = client.get(reverse("exports:index")).content.decode()
    assert "全省照片包（原图）" in page
    job = _run("photos", {}, people["committee"], django_capture_on_commit_callbacks)
    assert job.download_name.startswith("随手拍材料-全省-")
    zipped = zip_of(b"".join(client.get(reverse("files:download", args=["export", job.pk])).streaming_content))
    photos = [name.split("/", 1)[1] for name in zipped.namelist() if name.startswith("照片/")]
    assert len(photos) == 5
    assert [name[:4] for name in photos] == ["001-", "001-", "002-", "002-", "002-"]
    assert all("乙市作品" in name for name in photos if name.startswith("002-"))
    # The province 附件1, inside the package and exported alone, names exactly these files.
    province_forms = _run("fujian1", {}, people["committee"], django_capture_on_commit_callbacks)
    with province_forms.file.open("rb") as stream:
        alone = workbook(stream.read())
    for forms in (workbook(zipped.read("附件1-评审报名表.xlsx")), alone):
        boxes = "".join(str(cell.value or "") for sheet in forms.worksheets for row in sheet.iter_rows()
                        for cell in row)
        assert all(name in boxes for name in photos)


def test_a_city_still_cannot_archive_the_province(people, campaign):
    from portal.refusals import Refused

    with pytest.raises(Refused, match="请选择"):
        request_export("photos", {}, actor=people["city"])
