import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal.backups.orphans import find_orphans, purge_orphans


class Command(BaseCommand):
    """List, or with --delete remove, stored files that no database row refers to.

    Safe to run while the portal is up: files younger than --min-age-minutes are never touched, because an
    upload writes its file just before its row commits. Run it weekly from cron.
    """

    help = "列出存储中没有任何数据库记录引用的文件（孤立文件）；默认只列出，加 --delete 才删除并写审计记录。"

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="删除列出的孤立文件（默认只列出，不删除）")
        parser.add_argument("--min-age-minutes", type=int, default=60,
                            help="只处理早于这么多分钟之前写入的文件，默认 60（上传中的文件会先于记录写入）")

    def handle(self, *args, delete, min_age_minutes, **options):
        min_age = datetime.timedelta(minutes=max(min_age_minutes, 0))
        if delete:
            def warn(orphan, exc):
                self.stderr.write(self.style.WARNING(
                    _("无法删除 %(name)s：%(error)s") % {"name": orphan.name, "error": exc}))
            count, total = purge_orphans(min_age, default_storage, on_error=warn)
        else:
            count = total = 0
            for orphan in find_orphans(min_age):
                self.stdout.write(f"{orphan.name}\t{orphan.size}")
                count += 1
                total += orphan.size
        if delete:
            summary = _("已删除 %(count)d 个孤立文件，共 %(bytes)d 字节") % {"count": count, "bytes": total}
        else:
            summary = _("共 %(count)d 个孤立文件，%(bytes)d 字节（未删除；加 --delete 删除）") % {
                "count": count, "bytes": total}
        self.stdout.write(self.style.SUCCESS(summary))
