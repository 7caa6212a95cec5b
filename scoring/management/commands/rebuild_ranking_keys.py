from django.core.management.base import BaseCommand, CommandError

from portal.campaigns.models import Campaign
from scoring.keys import rebuild_ranking_keys


class Command(BaseCommand):
    help = ("从价值评价和有效的专家分配重新计算排名键（scoring.RankingKey）。服务会随时维护这些行；"
            "仅在批量导入评价或修复数据后需要运行。")

    def add_arguments(self, parser):
        parser.add_argument("--campaign", help="只重建该活动（slug）；默认全部活动")

    def handle(self, *args, **options):
        campaign_id = None
        if options["campaign"]:
            campaign = Campaign.objects.filter(slug=options["campaign"]).first()
            if campaign is None:
                raise CommandError(f"活动“{options['campaign']}”不存在。")
            campaign_id = campaign.pk
        kept = rebuild_ranking_keys(campaign_id=campaign_id)
        self.stdout.write(self.style.SUCCESS(f"已重建排名键：{kept} 件作品"))
