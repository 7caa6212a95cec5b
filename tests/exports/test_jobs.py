"""The export framework: jobs, the task, ownership, expiry, the permission check at download, purging."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.accounts.enums import RoleKind
from portal.accounts.models import Role
from portal.audit.models import AuditRecord
from portal.exports import tasks
from portal.exports.base import Exporter
from portal.exports.enums import ExportStatus
from portal.exports.models import ExportJob
from portal.exports.registry import (
    ExportKind,
    ExportRefused,
    Offer,
    register_export_kind,
    unregister_export_kind,
)
from portal.exports.services import (
    MAX_ACTIVE_JOBS_PER_USER,
    ProgressReporter,
    purge_expired_exports,
    request_export,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


class Numbers(Exporter):
    sheet_title = "数字"
    headers = ["序号", "文本"]

    def __init__(self, count):
        self.count = count

    def total(self):
        return self.count

    def rows(self):
        for number in range(self.count):
            yield [number, "=1+1" if number == 0 else f"第{number}行"]


class CityOnly(ExportKind):
    """A test kind: for city/industry staff only, parameter `rows`; `fail` makes generation raise."""

    slug = "test-numbers"
    label = "测试导出"

    def available_to(self, user):
        return user.is_authenticated and user.has_role(RoleKind.CITY)

    def clean_params(self, user, data):
        try:
            rows = int(data.get("rows", 3))
        except (TypeError, ValueError):
            raise ExportRefused("行数无效") from None
        if not 0 <= rows <= 10_000:
            raise ExportRefused("行数超出范围")
        return {"rows": rows, "fail": data.get("fail") == "1"}

    def allowed(self, user, params):
        return user.is_active and user.has_role(RoleKind.CITY)

    def download_name(self, params):
        return f"测试导出-{params['rows']}.xlsx"

    def generate(self, params, user, out, progress):
        if params["fail"]:
            out.write(b"partial")
            raise RuntimeError("boom")
        Numbers(params["rows"]).write_xlsx(out, progress)

    def offers(self, user):
        return [Offer(self.slug, "测试导出", {"rows": 2}, "两行", group="测试")]


@pytest.fixture(autouse=True)
def test_kind():
    register_export_kind(CityOnly)
    yield
    unregister_export_kind(CityOnly.slug)


@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def city(org, fast_hashing):
    return make_user(RoleKind.CITY, org.city_a)


@pytest.fixture
def city_other(org, fast_hashing):
    return make_user(RoleKind.CITY, org.city_b)


def run(kind, data, actor, capture):
    with capture(execute=True):
        job = request_export(kind, data, actor=actor)
    job.refresh_from_db()
    return job


def test_a_job_runs_on_commit_into_a_private_generated_file(city, django_capture_on_commit_callbacks, settings):
    job = run("test-numbers", {"rows": "5"}, city, django_capture_on_commit_callbacks)
    assert job.status == ExportStatus.DONE
    assert job.progress == 100
    assert job.params == {"rows": 5, "fail": False}
    assert job.download_name == "测试导出-5.xlsx"
    assert job.file.name.startswith("exports/") and job.file.name.endswith(".xlsx")
    assert "测试" not in job.file.name
    assert (settings.MEDIA_ROOT / job.file.name).stat().st_size == job.size
    assert job.finished_at is not None
    assert timedelta(hours=23, minutes=59) < job.expires_at - job.finished_at <= timedelta(hours=24)
    record = AuditRecord.objects.for_object(job).get()
    assert record.action == "exports.request" and record.actor == city
    assert record.changes == {"kind": "test-numbers", "params": {"rows": 5, "fail": False}}


def test_nothing_is_queued_when_the_request_rolls_back(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = request_export("test-numbers", {"rows": "1"}, actor=city)
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == ExportStatus.PENDING


def test_the_celery_task_is_idempotent(city, django_capture_on_commit_callbacks):
    job = run("test-numbers", {"rows": "1"}, city, django_capture_on_commit_callbacks)
    assert tasks.run_export.delay(job.pk).get() == ExportStatus.DONE
    assert tasks.run_export.delay(999_999).get() is None
    assert ExportJob.objects.get(pk=job.pk).file.name == job.file.name


@pytest.mark.parametrize(("data", "message"), [
    ({"rows": "abc"}, "行数无效"), ({"rows": "-1"}, "行数超出范围"), ({"rows": "99999999"}, "行数超出范围")])
def test_bad_parameters_are_refused_with_a_message(city, data, message):
    with pytest.raises(ExportRefused, match=message):
        request_export("test-numbers", data, actor=city)
    assert not ExportJob.objects.exists()


def test_unknown_kinds_and_roles_without_the_kind_are_refused(org, city, fast_hashing):
    with pytest.raises(ExportRefused):
        request_export("no-such-kind", {}, actor=city)
    with pytest.raises(ExportRefused):
        request_export("test-numbers", {}, actor=make_user(RoleKind.COUNTY, org.county_a1))


def test_too_many_running_exports_are_refused(city):
    for _ in range(MAX_ACTIVE_JOBS_PER_USER):
        ExportJob.objects.create(kind="test-numbers", requested_by=city)
    with pytest.raises(ExportRefused, match="正在生成"):
        request_export("test-numbers", {"rows": "1"}, actor=city)


def test_a_failure_is_shown_as_a_short_message_and_leaves_no_file(city, django_capture_on_commit_callbacks,
                                                                  settings):
    job = run("test-numbers", {"rows": "1", "fail": "1"}, city, django_capture_on_commit_callbacks)
    assert job.status == ExportStatus.FAILED
    assert "生成失败" in job.error and "boom" not in job.error
    assert not job.file
    exported = settings.MEDIA_ROOT / "exports"
    assert not exported.exists() or not any(path.is_file() for path in exported.rglob("*"))


def test_the_task_checks_the_permission_again(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = request_export("test-numbers", {"rows": "1"}, actor=city)
    Role.objects.filter(user=city).delete()
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.error == "您已无权进行此项导出。"
    assert not job.file


def test_progress_is_written_while_generating(city):
    job = ExportJob.objects.create(kind="test-numbers", requested_by=city, status=ExportStatus.RUNNING)
    reporter = ProgressReporter(job)
    reporter(25, 100)
    job.refresh_from_db()
    assert job.progress == 25
    reporter(100, 100)  # 99 until the file is stored
    job.refresh_from_db()
    assert job.progress == 99
    reporter(5, 0)  # unknown total: nothing written
    job.refresh_from_db()
    assert job.progress == 99


# --- pages ------------------------------------------------------------------------------------------


def test_the_job_page_status_and_download_belong_to_the_requester_only(
        client, city, city_other, django_capture_on_commit_callbacks):
    job = run("test-numbers", {"rows": "3"}, city, django_capture_on_commit_callbacks)
    page, status = reverse("exports:job", args=[job.pk]), reverse("exports:job_status", args=[job.pk])
    download = reverse("files:download", args=["export", job.pk])

    client.force_login(city)
    response = client.get(page)
    assert response.status_code == 200
    assert download in response.content.decode()
    assert b'data-export-status-url="' + status.encode() in response.content
    assert b"exports/js/progress.js" in response.content
    state = client.get(status).json()
    assert state == {"status": "done", "label": "已完成", "progress": 100, "finished": True,
                     "download_url": download, "error": ""}
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    book = __import__("openpyxl").load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active["B2"].value == "'=1+1"
    assert AuditRecord.objects.filter(action="exports.download", actor=city).count() == 1

    client.force_login(city_other)
    for url in (page, status, download):
        assert client.get(url).status_code == 404, url
    client.logout()
    assert client.get(page).status_code == 302
    assert client.get(status).status_code == 302
    assert client.get(download).status_code == 404


def test_an_expired_export_is_no_longer_served(client, city, django_capture_on_commit_callbacks):
    job = run("test-numbers", {"rows": "1"}, city, django_capture_on_commit_callbacks)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(city)
    assert client.get(reverse("files:download", args=["export", job.pk])).status_code == 404
    state = client.get(reverse("exports:job_status", args=[job.pk])).json()
    assert state["status"] == "expired" and state["download_url"] is None


def test_a_role_taken_away_takes_the_download_away(client, city, django_capture_on_commit_callbacks):
    job = run("test-numbers", {"rows": "1"}, city, django_capture_on_commit_callbacks)
    Role.objects.filter(user=city).delete()
    client.force_login(city)
    assert client.get(reverse("files:download", args=["export", job.pk])).status_code == 404
    assert client.get(reverse("exports:job_status", args=[job.pk])).json()["download_url"] is None


def test_only_the_original_variant_exists(client, city, django_capture_on_commit_callbacks):
    job = run("test-numbers", {"rows": "1"}, city, django_capture_on_commit_callbacks)
    client.force_login(city)
    assert client.get(reverse("files:download_variant", args=["export", job.pk, "preview"])).status_code == 404


def test_the_index_lists_offers_and_jobs_and_starts_a_job(client, city, django_capture_on_commit_callbacks):
    client.force_login(city)
    response = client.get(reverse("exports:index"))
    assert response.status_code == 200
    assert "测试导出" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:start"), {"kind": "test-numbers", "rows": "2"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exports:job", args=[job.pk])
    assert job.status == ExportStatus.DONE
    assert job.download_name in client.get(reverse("exports:index")).content.decode()


def test_a_refused_start_comes_back_with_a_message(client, city):
    client.force_login(city)
    response = client.post(reverse("exports:start"), {"kind": "test-numbers", "rows": "x"}, follow=True)
    assert response.status_code == 200
    assert "行数无效" in response.content.decode()
    response = client.post(reverse("exports:start"), {"kind": "test-numbers", "rows": "x",
                                                      "next": "https://evil.example/"})
    assert response["Location"] == reverse("exports:index")
    assert client.get(reverse("exports:start")).status_code == 405
    assert not ExportJob.objects.exists()


def test_the_index_is_404_for_someone_with_nothing_to_export(client, org, fast_hashing):
    client.force_login(make_user(RoleKind.WORKER, org.unit_a1a))
    assert client.get(reverse("exports:index")).status_code == 404


# --- expiry -----------------------------------------------------------------------------------------


def test_purge_deletes_expired_files_and_keeps_the_record(city, django_capture_on_commit_callbacks, settings):
    old = run("test-numbers", {"rows": "1"}, city, django_capture_on_commit_callbacks)
    fresh = run("test-numbers", {"rows": "2"}, city, django_capture_on_commit_callbacks)
    stuck = ExportJob.objects.create(kind="test-numbers", requested_by=city, status=ExportStatus.RUNNING,
                                     expires_at=timezone.now() - timedelta(hours=1))
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    path = settings.MEDIA_ROOT / old.file.name
    assert path.exists()
    assert purge_expired_exports() == 2
    assert not path.exists()
    assert (settings.MEDIA_ROOT / fresh.file.name).exists()
    old.refresh_from_db()
    stuck.refresh_from_db()
    assert old.status == stuck.status == ExportStatus.EXPIRED and not old.file
    assert purge_expired_exports() == 0


def test_purge_command_and_task(city, django_capture_on_commit_callbacks):
    job = run("test-numbers", {"rows": "1"}, city, django_capture_on_commit_callbacks)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    out = io.StringIO()
    call_command("purge_expired_exports", stdout=out)
    assert "已清理 1 个过期导出文件" in out.getvalue()
    assert tasks.purge_expired_exports.delay().get() == 0
