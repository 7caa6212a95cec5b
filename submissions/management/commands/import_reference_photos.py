"""Import a past campaign's photos (a folder or a ZIP, files named by the notice's convention) as
hash-only reference records, so the portal's first year already catches reuse of old entries."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from submissions.near_duplicates import import_reference_photos


class Command(BaseCommand):
    help = "把往届活动的照片（文件夹或 ZIP）导入为仅含感知哈希的参照记录，用于发现重复使用往届作品。不保存图片。"

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="PATH", help="往届照片所在的文件夹或 ZIP 文件")
        parser.add_argument("--year", type=int, required=True, help="往届活动的年度，如 2024")

    def handle(self, *args, source, year, **options):
        path = Path(source)
        if not path.exists():
            raise CommandError(_("找不到 %(path)s") % {"path": source})
        if not (1990 <= year <= 2100):
            raise CommandError(_("年度无效：%(year)s") % {"year": year})
        imported, skipped = import_reference_photos(path, year)
        for name in skipped:
            self.stderr.write(_("跳过（无法读取的图片）：%(name)s") % {"name": name})
        self.stdout.write(_("已导入%(year)d年照片%(count)d幅（仅哈希）。") % {"year": year, "count": imported})
