"""The export framework: jobs, the task, ownership, expiry, the permission check at download, purging."""

import errno
import io
import os
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
    Offer,
    register_export_kind,
    unregister_export_kind,
)
from portal.exports.services import (
    MAX_ACTIVE_JOBS_PER_USER,
    MAX_ATTEMPTS,
    ProgressReporter,
    purge_expired_exports,
    request_export,
    requeue_stranded_exports,
    run_export_job,
    stranded_export_jobs,
)
from portal.refusals import Refused
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
            raise Refused("行数无效") from None
        if not 0 <= rows <= 10_000:
            raise Refused("行数超出范围")
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
    assert tasks.task_run_export.delay(job.pk).get() == ExportStatus.DONE
    assert tasks.task_run_export.delay(999_999).get() is None
    assert ExportJob.objects.get(pk=job.pk).file.name == job.file.name


@pytest.mark.parametrize(("data", "message"), [
    ({"rows": "abc"}, "行数无效"), ({"rows": "-1"}, "行数超出范围"), ({"rows": "99999999"}, "行数超出范围")])
def test_bad_parameters_are_refused_with_a_message(city, data, message):
    with pytest.raises(Refused, match=message):
        request_export("test-numbers", data, actor=city)
    assert not ExportJob.objects.exists()


def test_unknown_kinds_and_roles_without_the_kind_are_refused(org, city, fast_hashing):
    with pytest.raises(Refused):
        request_export("no-such-kind", {}, actor=city)
    with pytest.raises(Refused):
        request_export("test-numbers", {}, actor=make_user(RoleKind.COUNTY, org.county_a1))


def test_too_many_running_exports_are_refused(city):
    for _ in range(MAX_ACTIVE_JOBS_PER_USER):
        ExportJob.objects.create(kind="test-numbers", requested_by=city)
    with pytest.raises(Refused, match="正在生成"):
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
    assert tasks.task_purge_expired_exports.delay().get() == 0


# --- faults: lost tasks, killed workers, a full disk (issue 12.4, 12.5, 12.7) ----------------------------


def running_job(city, settings, *, attempts=1, started_ago=timedelta(0), partial=b""):
    """A job a worker had started: status running, a (partial) file under its recorded name."""
    name = f"exports/2026/11/{attempts}-partial.xlsx"
    path = settings.MEDIA_ROOT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(partial)
    job = ExportJob.objects.create(kind="test-numbers", requested_by=city, params={"rows": 3, "fail": False},
                                   status=ExportStatus.RUNNING, attempts=attempts, file=name,
                                   started_at=timezone.now() - started_ago)
    return job, path


def test_a_redelivered_running_job_starts_again_without_its_partial_file(city, settings):
    job, partial = running_job(city, settings)
    run_export_job(job.pk, redelivered=True)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.progress == 100
    assert job.attempts == 2
    assert not partial.exists()
    assert (settings.MEDIA_ROOT / job.file.name).stat().st_size == job.size > 0


def test_the_task_passes_on_that_its_message_was_redelivered(city, monkeypatch):
    seen = []
    monkeypatch.setattr(tasks.services, "run_export_job", lambda job_id, *, redelivered: seen.append(redelivered))
    tasks.task_run_export.push_request(delivery_info={"redelivered": True})
    try:
        tasks.task_run_export.run(1)
    finally:
        tasks.task_run_export.pop_request()
    tasks.task_run_export.delay(1)
    assert seen == [True, False]


def test_a_running_job_another_worker_may_still_run_is_left_alone(city, settings):
    # The same job queued twice (requeued while the first task waited in a long queue): not restarted.
    job, partial = running_job(city, settings)
    run_export_job(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.RUNNING and job.attempts == 1
    assert partial.exists()


def test_a_job_interrupted_too_often_fails_with_a_message_and_frees_its_place(city, settings):
    job, partial = running_job(city, settings, attempts=MAX_ATTEMPTS, partial=b"half a zip")
    run_export_job(job.pk, redelivered=True)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert "中断" in job.error
    assert not job.file and not partial.exists()
    assert not ExportJob.objects.filter(status__in=[ExportStatus.PENDING, ExportStatus.RUNNING]).exists()


def test_a_stale_running_job_is_queued_again_and_restarts(city, settings):
    stale, stale_file = running_job(city, settings, started_ago=timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT
                                                                                   + 120))
    fresh, fresh_file = running_job(city, settings, attempts=2)
    assert stranded_export_jobs() == [stale.pk]
    assert requeue_stranded_exports() == 1  # tasks run inline in tests
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == ExportStatus.DONE and not stale_file.exists()
    assert fresh.status == ExportStatus.RUNNING and fresh_file.exists()


def test_exports_lost_while_the_broker_was_down_are_queued_again(city, settings):
    # Five requests whose task never reached Redis: before, they stayed pending and blocked the user for 24 h.
    lost = [ExportJob.objects.create(kind="test-numbers", requested_by=city, params={"rows": 2, "fail": False})
            for _ in range(MAX_ACTIVE_JOBS_PER_USER)]
    with pytest.raises(Refused):
        request_export("test-numbers", {"rows": "1"}, actor=city)
    ExportJob.objects.update(created_at=timezone.now() - timedelta(minutes=settings.PORTAL_REQUEUE_AFTER_MINUTES + 1))
    just_requested = ExportJob.objects.create(kind="test-numbers", requested_by=city, params={"rows": 1, "fail": False})
    assert requeue_stranded_exports() == len(lost)
    assert set(ExportJob.objects.filter(pk__in=[j.pk for j in lost]).values_list("status", flat=True)) == {
        ExportStatus.DONE}
    just_requested.refresh_from_db()
    assert just_requested.status == ExportStatus.PENDING  # its own task may still be on its way
    request_export("test-numbers", {"rows": "1"}, actor=city)


def test_the_periodic_repair_is_scheduled(settings):
    jobs = {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "submissions.tasks.requeue_stranded" in jobs


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_full_or_read_only_disk_fails_the_export_with_a_clear_message(city, django_capture_on_commit_callbacks,
                                                                        settings, monkeypatch, code):
    def generate(self, params, user, out, progress):
        out.write(b"the first part")
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(CityOnly, "generate", generate)
    job = run("test-numbers", {"rows": "1"}, city, django_capture_on_commit_callbacks)
    assert job.status == ExportStatus.FAILED
    assert "存储空间已满或暂时不可写入" in job.error
    assert not job.file
    exported = settings.MEDIA_ROOT / "exports"
    assert not exported.exists() or not any(path.is_file() for path in exported.rglob("*"))


def test_a_remote_storage_that_fails_to_save_leaves_no_partial_file(city, django_capture_on_commit_callbacks,
                                                                   settings, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    saved = []

    def no_path(self, name):
        raise NotImplementedError

    def failing_save(self, name, content, max_length=None):
        (settings.MEDIA_ROOT / name).parent.mkdir(parents=True, exist_ok=True)
        (settings.MEDIA_ROOT / name).write_bytes(b"half")
        saved.append(name)
        raise OSError(errno.ENOSPC, "No space left on device")

    def delete(self, name):
        (settings.MEDIA_ROOT / name).unlink(missing_ok=True)

    monkeypatch.setattr(FileSystemStorage, "path", no_path)
    monkeypatch.setattr(FileSystemStorage, "save", failing_save)
    monkeypatch.setattr(FileSystemStorage, "delete", delete)
    job = run("test-numbers", {"rows": "1"}, city, django_capture_on_commit_callbacks)
    assert job.status == ExportStatus.FAILED and "存储空间" in job.error
    assert saved and not (settings.MEDIA_ROOT / saved[0]).exists()
