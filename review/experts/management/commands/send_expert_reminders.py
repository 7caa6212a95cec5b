from django.core.management.base import BaseCommand, CommandError

from review.experts.services import REMINDER_DAYS, send_expert_reminders


class Command(BaseCommand):
    help = "省级专家评审截止前 N 天内（默认 3 天），给仍有未评作品的专家发送提醒邮件（每人一封）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=REMINDER_DAYS,
                            help="评审阶段在多少天内截止时发送提醒（默认 %(default)s）")

    def handle(self, *args, days: int, **options):
        if days < 0:
            raise CommandError("--days 不能为负数")
        sent = send_expert_reminders(days=days)
        self.stdout.write(self.style.SUCCESS(f"已发送 {sent} 封专家评审提醒邮件"))
