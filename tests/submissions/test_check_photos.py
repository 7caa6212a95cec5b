import json
from io import StringIO

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.urls import reverse

from portal.campaigns.enums import DpiPolicy
from submissions.models import Photo
from tests.factories import make_entry, small_jpeg
from tests.factories import photos as pf

pytestmark = pytest.mark.django_db

# name -> bytes, each judged under the small rules (320×240, 300 dpi, reject).
FIXTURES = {
    "good.jpg": lambda: small_jpeg(),
    "progressive.jpg": lambda: small_jpeg(1, progressive=True),
    "grey.jpg": lambda: small_jpeg(2, mode="L"),
    "trailing.jpg": lambda: small_jpeg(3) + b"appended payload",
    "portrait.jpg": lambda: small_jpeg(4, size=(240, 320)),
    "png-renamed.jpg": lambda: pf.other_format("PNG"),
    "webp-renamed.jpg": lambda: pf.other_format("WEBP"),
    "truncated.jpg": lambda: small_jpeg(5)[:2000],
    "bomb.jpg": lambda: pf.forge_dimensions(small_jpeg(6), 65500, 65500),
    "low-dpi.jpg": lambda: small_jpeg(7, dpi=72),
    "no-dpi.jpg": lambda: small_jpeg(8, dpi=None),
    "small.jpg": lambda: pf.jpeg((300, 200)),
    "empty.jpg": lambda: b"",
}


def write_fixtures(folder) -> dict[str, str]:
    paths = {}
    for name, make in FIXTURES.items():
        path = folder / name
        path.write_bytes(make())
        paths[name] = str(path)
    return paths


def run(*args) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("check_photos", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


def test_check_photos_good_files_print_ok_and_exit_zero(small_campaign, tmp_path):
    paths = write_fixtures(tmp_path)
    output, code = run(paths["good.jpg"], paths["portrait.jpg"])
    assert code == 0
    assert output.splitlines() == [f"{paths['good.jpg']}: OK", f"{paths['portrait.jpg']}: OK"]


def test_check_photos_rejected_file_prints_reason_and_exits_one(small_campaign, tmp_path):
    paths = write_fixtures(tmp_path)
    output, code = run(paths["good.jpg"], paths["png-renamed.jpg"], paths["low-dpi.jpg"])
    lines = output.splitlines()
    assert code == 1
    assert lines[0] == f"{paths['good.jpg']}: OK"
    assert lines[1].startswith(f"{paths['png-renamed.jpg']}: REJECTED: ") and "PNG" in lines[1]
    assert "72 dpi" in lines[2] and "300 dpi" in lines[2]


def test_check_photos_exit_status_from_command_line(small_campaign, tmp_path, capsys):
    paths = write_fixtures(tmp_path)
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "check_photos", paths["truncated.jpg"]])
    assert exited.value.code == 1
    assert "REJECTED" in capsys.readouterr().out


def test_check_photos_json_lists_every_file(small_campaign, tmp_path):
    paths = write_fixtures(tmp_path)
    output, code = run("--json", paths["good.jpg"], paths["bomb.jpg"])
    results = json.loads(output)
    assert code == 1
    assert [r["ok"] for r in results] == [True, False]
    assert results[0]["width"] == 400 and results[0]["dpi"] == 300
    assert results[1]["code"] == "too_many_pixels" and "像素" in results[1]["message"]


def test_check_photos_campaign_option_uses_that_campaigns_rules(small_campaign, tmp_path):
    paths = write_fixtures(tmp_path)
    small_campaign.dpi_policy = DpiPolicy.FIX
    small_campaign.save()
    assert run("--campaign", small_campaign.slug, paths["low-dpi.jpg"])[1] == 0
    with pytest.raises(CommandError, match="没有代号"):
        call_command("check_photos", "--campaign", "nope", paths["good.jpg"], stdout=StringIO())


def test_check_photos_missing_file_is_rejected(small_campaign, tmp_path):
    output, code = run(str(tmp_path / "nowhere.jpg"))
    assert code == 1 and "REJECTED: 无法读取文件" in output


def test_check_photos_and_web_upload_agree(client, people, small_campaign, tmp_path):
    """The same files are accepted and refused, with the same message, by the command and the web form."""
    worker = people["worker"]
    client.force_login(worker)
    paths = write_fixtures(tmp_path)
    results = {r["file"]: r for r in json.loads(run("--json", *paths.values())[0])}
    for name, path in paths.items():
        entry = make_entry(worker, campaign=small_campaign)
        with open(path, "rb") as fh:
            response = client.post(reverse("submissions:photo_upload", args=[entry.pk]),
                                   {"kind": "hazard", "photo": fh}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        command = results[path]
        assert (response.status_code == 200) == command["ok"], name
        if not command["ok"]:
            assert response.json()["error"] == command["message"], name
    accepted = {name for name, path in paths.items() if results[path]["ok"]}
    assert accepted == {"good.jpg", "progressive.jpg", "grey.jpg", "trailing.jpg", "portrait.jpg"}
    assert Photo.objects.count() == len(accepted)
