from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.backups.services import BackupError, backup_portal


class Command(BaseCommand):
    """Write a complete backup (database as JSON, every stored file, a manifest with sha256) to one .tar.gz.

    Restore it with `restore_portal ARCHIVE`. Taken while the portal runs: on PostgreSQL the dump is one
    consistent snapshot; files are copied after it, so a photo uploaded meanwhile is at most an extra file.
    """

    help = "备份数据库（JSON）和全部存储文件到一个 .tar.gz，并写入带 sha256 的清单；用 restore_portal 恢复。"

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="备份文件所在目录（不存在则创建）")
        parser.add_argument("--pg-dump", action="store_true",
                            help="PostgreSQL：另外放入 pg_dump -Fc 的转储，便于用 pg_restore 恢复")

    def handle(self, *args, output, pg_dump, **options):
        def progress(message):
            if options["verbosity"] >= 2:
                self.stdout.write(message)

        try:
            result = backup_portal(output, pg_dump=pg_dump, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(result.counts.values())
        self.stdout.write(self.style.SUCCESS(
            _("已备份到 %(path)s：%(rows)d 条记录，%(files)d 个文件（%(mb).1f MB）") % {
                "path": result.path, "rows": rows, "files": result.files, "mb": result.bytes / 1048576}))
        if result.missing_files:
            self.stderr.write(self.style.WARNING(
                _("注意：%(count)d 个被记录引用的文件在存储中不存在，例如 %(name)s") % {
                    "count": len(result.missing_files), "name": result.missing_files[0]}))
