from django.core.management.base import BaseCommand

from portal.exports.services import purge_expired_exports


class Command(BaseCommand):
    help = "删除已过期的导出文件（默认保存 24 小时），并将对应导出任务标记为已过期。"

    def handle(self, *args, **options):
        purged = purge_expired_exports()
        self.stdout.write(self.style.SUCCESS(f"已清理 {purged} 个过期导出文件"))
