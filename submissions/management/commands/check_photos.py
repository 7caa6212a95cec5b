"""Check photo files against a campaign's rules with the same validator as the upload page."""

import json
import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.campaigns.models import Campaign
from submissions.photos import PhotoRejected, photo_rules_for, validate_photo


class Command(BaseCommand):
    help = "用活动的照片规则检查照片文件（与网页上传相同的检查）。有文件未通过时退出码为 1。"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="要检查的照片文件")
        parser.add_argument("--campaign", metavar="SLUG", help="活动代号（默认：当前活动）")
        parser.add_argument("--json", action="store_true", help="以 JSON 列表输出结果")

    def handle(self, *args, files, campaign=None, json=False, **options):
        rules = photo_rules_for(self.find_campaign(campaign))
        results = [self.check_file(path, rules) for path in files]
        if json:
            self.stdout.write(_dumps(results))
        else:
            for result in results:
                line = f"{result['file']}: OK" if result["ok"] else f"{result['file']}: REJECTED: {result['message']}"
                self.stdout.write(line)
        rejected = sum(1 for result in results if not result["ok"])
        if rejected:
            raise CommandError(_("%(count)d 个文件未通过检查") % {"count": rejected}, returncode=1)

    def find_campaign(self, slug):
        if slug:
            found = Campaign.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(_("没有代号为 %(slug)s 的活动") % {"slug": slug}, returncode=2)
            return found
        current = Campaign.objects.current()
        if current is None:
            raise CommandError(_("没有当前活动，请用 --campaign 指定"), returncode=2)
        return current

    def check_file(self, path, rules) -> dict:
        result = {"file": path, "ok": False}
        try:
            with open(path, "rb") as fh:
                check = validate_photo(fh, rules, size=os.fstat(fh.fileno()).st_size)
        except PhotoRejected as exc:
            return {**result, "code": exc.code, "message": exc.message}
        except OSError as exc:
            return {**result, "code": "unreadable", "message": _("无法读取文件（%(error)s）") % {"error": exc.strerror or exc}}
        return {**result, "ok": True, "width": check.width, "height": check.height, "dpi": check.dpi,
                "dpi_needs_fix": check.dpi_needs_fix}


def _dumps(results) -> str:
    return json.dumps(results, ensure_ascii=False, indent=2)
