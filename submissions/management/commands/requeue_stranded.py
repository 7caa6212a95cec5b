"""Queue again the work a Redis or worker outage stranded (the periodic `requeue-stranded` job, by hand)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from portal.exports.services import requeue_stranded_exports
from submissions.requeue import requeue_missing_derivatives


class Command(BaseCommand):
    help = ("重新排队因 Redis 或 Celery worker 故障而滞留的后台任务：缺少缩略图/预览图的照片，"
            "以及长时间等待中或中断的导出。可重复执行。")

    def handle(self, *args, **options):
        try:
            photos = requeue_missing_derivatives()
            exports = requeue_stranded_exports()
        except OperationalError as exc:
            raise CommandError(_("无法连接任务队列（Redis），请在 Redis 恢复后再运行。")) from exc
        self.stdout.write(_("已重新排队：照片 %(photos)d 幅，导出 %(exports)d 个。") % {
            "photos": photos, "exports": exports})
