"""The photo archive: names by the convention, Windows-safe, unique, UTF-8 flagged; originals byte for byte."""

import hashlib
import io
import os
import re
import shutil
import subprocess
import zipfile

import pytest
from django.urls import reverse

from portal.accounts.enums import RoleKind
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from portal.exports.enums import ExportStatus
from portal.exports.services import request_export
from review.reports.exporters import PhotoArchiveExport
from submissions.enums import PhotoKind
from submissions.models import Photo
from submissions.naming import unique_name
from tests.factories import add_photo, make_user, recommended_entry
from tests.factories.reports import workbook, zip_of
from tests.factories.submissions import LONG_AUTHOR, LONG_TITLE, LONG_UNIT
from tests.storage_helpers import download

pytestmark = [pytest.mark.django_db, pytest.mark.storage]

WINDOWS_ILLEGAL = re.compile(r'[<>:"\\|?*\x00-\x1f]')
RESERVED = {"CON", "PRN", "AUX", "NUL", *[f"COM{n}" for n in range(1, 10)], *[f"LPT{n}" for n in range(1, 10)]}


def archive(user, campaign, **params):
    buffer = io.BytesIO()
    PhotoArchiveExport().generate({"campaign": campaign.pk, "union": None, "entries": None, **params}, user, buffer,
                                  lambda done, total: None)
    return zip_of(buffer.getvalue())


@pytest.fixture
def entries(people, campaign):
    first = recommended_entry(people["worker"], campaign, assessor=people["unit"], grader=people["city"],
                              title="配电箱门未上锁", values={"l": "2", "e": "2", "c": "25", "x": "1", "y": "1"})
    second = recommended_entry(people["worker_a0"], campaign, assessor=people["unit_a0"], grader=people["city"],
                               title='叉车/无"证":驾驶?<>|*. ', hazard_photos=1, rectified_photos=1,
                               values={"l": "1", "e": "1", "c": "15", "x": "0.98", "y": "0.98"})
    return first, second


def test_names_follow_the_convention_and_contents_are_the_originals(entries, people, campaign, org):
    first, second = entries
    zipped = archive(people["city"], campaign, union=org.city_a.pk)
    names = zipped.namelist()
    assert names[:3] == ["附件1-评审报名表.xlsx", "附件2-评审报名汇总表.xlsx", "附件3-统计表.xlsx"]
    photos = names[3:]
    author1, author2 = first.author_name, second.author_name
    assert photos == [
        f"照片/001-配电箱门未上锁-甲市一区安泰机械有限公司-{author1}-整改前1.jpg",
        f"照片/001-配电箱门未上锁-甲市一区安泰机械有限公司-{author1}-整改前2.jpg",
        f"照片/001-配电箱门未上锁-甲市一区安泰机械有限公司-{author1}-整改后1.jpg",
        f"照片/001-配电箱门未上锁-甲市一区安泰机械有限公司-{author1}-整改后2.jpg",
        f"照片/002-叉车无证驾驶-甲市公共交通有限公司-{author2}-整改前1.jpg",
        f"照片/002-叉车无证驾驶-甲市公共交通有限公司-{author2}-整改后1.jpg",
    ]
    by_name = {}
    for entry, number in ((first, 1), (second, 2)):
        for photo in entry.photos.all():
            label = "整改前" if photo.kind == PhotoKind.HAZARD else "整改后"
            matching = [name for name in photos if name.startswith(f"照片/{number:03d}-")
                        and name.endswith(f"-{label}{photo.position}.jpg")]
            assert len(matching) == 1
            by_name[matching[0]] = photo
    for name, photo in by_name.items():
        with photo.original.open("rb") as original:
            assert zipped.read(name) == original.read(), name
        info = zipped.getinfo(name)
        assert info.compress_type == zipfile.ZIP_STORED
        assert info.file_size == photo.size
    assert zipped.testzip() is None


def test_every_name_is_windows_safe_utf8_flagged_and_unique(entries, people, campaign, org):
    zipped = archive(people["city"], campaign, union=org.city_a.pk)
    seen = set()
    for info in zipped.infolist():
        name = info.filename
        for part in name.split("/"):
            assert not WINDOWS_ILLEGAL.search(part), name
            assert part == part.strip(" ."), name
            assert part.split(".")[0].upper() not in RESERVED
        assert len(name) < 200
        # Non-ASCII names carry the "language encoding" flag, so every unzip tool reads them as UTF-8.
        assert info.flag_bits & 0x800, name
        assert name.casefold() not in seen
        seen.add(name.casefold())


def test_duplicate_names_get_a_number(people, campaign, org):
    entry = recommended_entry(people["worker"], campaign, hazard_photos=1, rectified_photos=0)
    add_photo(entry, PhotoKind.HAZARD, 1, 99)  # the same position twice (a data error): both are kept
    names = [name for name in archive(people["city"], campaign, union=org.city_a.pk).namelist() if name.endswith(".jpg")]
    assert len(names) == 2 and len(set(names)) == 2
    assert names[1].endswith("-整改前1 (2).jpg")
    taken = set()
    assert [unique_name(name, taken) for name in ["a.JPG", "A.jpg", "a.jpg", "b"]] == [
        "a.JPG", "A (2).jpg", "a (3).jpg", "b"]


def test_the_forms_inside_describe_the_same_numbering(entries, people, campaign, org):
    zipped = archive(people["city"], campaign, union=org.city_a.pk)
    summary = workbook(zipped.read("附件2-评审报名汇总表.xlsx")).active
    assert [row[:2] for row in summary.iter_rows(min_row=4, values_only=True)] == [(1, "配电箱门未上锁"),
                                                                                   (2, '叉车/无"证":驾驶?<>|*. ')]
    forms = workbook(zipped.read("附件1-评审报名表.xlsx"))
    assert len(forms.sheetnames) == 2
    photo_names = [name.split("/", 1)[1] for name in zipped.namelist() if name.startswith("照片/")]
    shown = {cell.value for row in forms.worksheets[0].iter_rows() for cell in row}
    assert all(name in shown for name in photo_names if name.startswith("001-"))


def test_a_selection_archive_has_no_statistics_sheet_and_only_entries_in_scope(entries, people, campaign):
    other = recommended_entry(people["worker_b"], campaign)
    zipped = archive(people["city"], campaign, entries=[entries[1].pk, other.pk])
    assert "附件3-统计表.xlsx" not in zipped.namelist()
    photos = [name for name in zipped.namelist() if name.endswith(".jpg")]
    assert len(photos) == 2 and all(name.startswith("照片/001-叉车无证驾驶") for name in photos)


def test_a_missing_original_is_listed_instead_of_failing(entries, people, campaign, org):
    photo = Photo.objects.filter(entry=entries[0]).order_by("pk").first()
    photo.original.storage.delete(photo.original.name)
    zipped = archive(people["city"], campaign, union=org.city_a.pk)
    assert "缺失照片.txt" in zipped.namelist()
    assert "整改前1.jpg" in zipped.read("缺失照片.txt").decode("utf-8")
    assert len([name for name in zipped.namelist() if name.endswith(".jpg")]) == 5


def test_the_archive_through_the_task_and_the_download(client, entries, people, campaign, org,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = request_export("photos", {"union": str(org.city_a.pk)}, actor=people["city"])
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert job.download_name.startswith("随手拍材料-甲市总工会-") and job.download_name.endswith(".zip")
    client.force_login(people["city"])
    response = download(client, reverse("files:download", args=["export", job.pk]))
    assert response["Content-Type"] == "application/zip"
    # Old clients read the ASCII name, which must say what the file is (not "--20261201.zip").
    assert f'filename="photo-archive-union{org.city_a.pk}-' in response["Content-Disposition"]
    zipped = zipfile.ZipFile(io.BytesIO(response.content))
    assert len([name for name in zipped.namelist() if name.endswith(".jpg")]) == 6
    client.force_login(people["city_other"])
    assert client.get(reverse("files:download", args=["export", job.pk])).status_code == 404


def _unzip_or_fail() -> str:
    unzip = shutil.which("unzip")
    if unzip is None:
        if os.environ.get("CI"):
            pytest.fail("Linux unzip is missing: .ci/run installs it (apt-get install unzip)")
        pytest.skip("Linux unzip is not installed (apt-get install unzip)")
    return unzip


def test_an_archive_with_the_longest_realistic_names_unpacks_with_linux_unzip(people, campaign, org, tmp_path):
    unzip = _unzip_or_fail()
    unit = OrgNode.objects.create(name=LONG_UNIT, kind=NodeKind.UNIT, parent=org.county_a1)
    author = make_user(RoleKind.WORKER, unit, first_name="", last_name=LONG_AUTHOR)
    entry = recommended_entry(author, campaign, title=LONG_TITLE[:60], author_name=LONG_AUTHOR,
                              hazard_photos=4, rectified_photos=4)
    data = io.BytesIO()
    PhotoArchiveExport().generate({"campaign": campaign.pk, "union": org.city_a.pk, "entries": None},
                                  people["city"], data, lambda done, total: None)
    path = tmp_path / "archive.zip"
    path.write_bytes(data.getvalue())
    target = tmp_path / "out"
    result = subprocess.run([unzip, "-q", str(path), "-d", str(target)], capture_output=True, text=True,
                            env={**os.environ, "LC_ALL": "C.UTF-8"}, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    unpacked = sorted(file.name for file in (target / "照片").iterdir())
    assert len(unpacked) == 8
    for file in unpacked:
        assert len(file.encode("utf-8")) <= 240
        assert file.startswith("001-") and f"-{LONG_UNIT}-{LONG_AUTHOR}-整改" in file
    with (target / "照片" / unpacked[0]).open("rb") as extracted:
        originals = {photo.sha256 for photo in entry.photos.all()}
        assert hashlib.sha256(extracted.read()).hexdigest() in originals
