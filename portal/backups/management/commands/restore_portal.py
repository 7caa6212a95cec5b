from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.backups.services import BackupError, restore_portal


class Command(BaseCommand):
    """Restore a backup made by `backup_portal` into this instance (database and default storage).

    Refuses when the database already holds entries, unless --force: a restore replaces every row.
    Every file is checked against the manifest's sha256 before anything is changed, and again once
    stored; row counts are checked inside the loading transaction.
    """

    help = "从 backup_portal 生成的 .tar.gz 恢复数据库和文件；目标数据库已有作品时需加 --force（将覆盖全部数据）。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="backup_portal 生成的 .tar.gz 文件")
        parser.add_argument("--force", action="store_true", help="目标数据库已有数据时仍然恢复（先清空）")
        parser.add_argument("--work-dir", default=None, help="解包用的临时目录（默认系统临时目录，需容纳整个备份）")

    def handle(self, *args, archive, force, work_dir, **options):
        def progress(message):
            if options["verbosity"] >= 2:
                self.stdout.write(message)

        try:
            result = restore_portal(archive, force=force, work_dir=work_dir, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(self.style.SUCCESS(_("已恢复：%(rows)d 条记录，%(files)d 个文件，校验一致。") % {
            "rows": sum(result.counts.values()), "files": result.files}))
