from django.core.management.base import BaseCommand

from review.notifications import send_review_digest


class Command(BaseCommand):
    help = "给有待处理作品的评审人员发送每日提醒邮件（每人一封：各角色待处理件数和链接）。"

    def handle(self, *args, **options):
        sent = send_review_digest()
        self.stdout.write(self.style.SUCCESS(f"已发送 {sent} 封待评审提醒邮件"))
