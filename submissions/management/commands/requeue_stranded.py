"""Queue again the work a Redis or worker outage stranded (the periodic `requeue-stranded` job, by hand)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal.exports.services import requeue_stranded_exports
from submissions.tasks import requeue_missing_derivatives


class Command(BaseCommand):
    help = ("重新排队因 Redis 或 Celery worker 故障而滞留的后台任务：缺少缩略图/预览图的照片，"
            "以及长时间等待中或中断的导出。可重复执行。")

    def handle(self, *args, **options):
        photos = requeue_missing_derivatives()
        exports = requeue_stranded_exports()
        self.stdout.write(_("已重新排队：照片 %(photos)d 幅，导出 %(exports)d 个。") % {
            "photos": photos, "exports": exports})
