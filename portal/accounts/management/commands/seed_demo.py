from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from portal.accounts.enums import RoleKind
from portal.accounts.models import Role, User
from portal.campaigns.notice import ensure_notice_campaign, open_phases
from portal.directory import demo_data
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode

DEMO_PASSWORD = "Demo@2025"  # noqa: S105 - documented demo password, refused in production without --force


class Command(BaseCommand):
    help = "建立演示数据：山西省组织目录、第四届活动和每个角色一个账号（密码 Demo@2025）。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="在 PORTAL_DEBUG=0 时也执行")
        parser.add_argument("--notice-dates", action="store_true",
                            help="使用通知中的2025年日程（默认各阶段均在当前开放，便于演示）")
        parser.add_argument("--entries", type=int, default=0, metavar="N",
                            help="补足N件演示作品（分布在各单位和各评审层级；已有的不重复生成）")
        parser.add_argument("--no-photos", action="store_true", help="演示作品不生成照片（用于性能测试）")

    def handle(self, *args, force=False, notice_dates=False, entries=0, no_photos=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo 会创建使用公开密码的账号；生产环境（PORTAL_DEBUG=0）请勿运行，确需运行请加 --force")
        with transaction.atomic():
            nodes = self.build_directory()
            phases = None if notice_dates else open_phases(timezone.now())
            ensure_notice_campaign(phases=phases)
            self.build_accounts(nodes)
        if entries > 0:
            from review.demo_entries import add_demo_entries

            added = add_demo_entries(entries, photos=not no_photos, stdout=self.stdout)
            self.stdout.write(f"新增演示作品 {added} 件")
        self.stdout.write(self.style.SUCCESS(f"演示数据就绪：{OrgNode.objects.count()} 个组织，{User.objects.count()} 个账号"))

    def node(self, name, kind, parent=None, short_name=""):
        node = OrgNode.objects.filter(name=name).first()
        if node is None:
            node = OrgNode(name=name, kind=kind, parent=parent, short_name=short_name)
            node.full_clean()
            node.save()
        return node

    def build_directory(self) -> dict:
        nodes = {}
        province = nodes["province"] = self.node(demo_data.PROVINCE, NodeKind.PROVINCE, short_name="省总工会")
        for city, counties in demo_data.CITIES.items():
            city_node = nodes[city] = self.node(f"{city}总工会", NodeKind.CITY, province, short_name=city)
            for county in counties:
                county_node = nodes[(city, county)] = self.node(
                    demo_data.county_union_name(city, county), NodeKind.COUNTY, city_node, short_name=county)
                for suffix in demo_data.UNIT_SUFFIXES:
                    name = demo_data.unit_name(city, county, suffix)
                    nodes[name] = self.node(name, NodeKind.UNIT, county_node)
            for name in demo_data.CITY_LEVEL_UNITS.get(city, []):
                nodes[name] = self.node(name, NodeKind.UNIT, city_node)
        for union, (group, units) in demo_data.INDUSTRY_UNIONS.items():
            union_node = nodes[union] = self.node(union, NodeKind.INDUSTRY, province)
            group_node = nodes[group] = self.node(group, NodeKind.GROUP, union_node)
            for name in units:
                nodes[name] = self.node(name, NodeKind.UNIT, group_node)
        return nodes

    def build_accounts(self, nodes):
        worker_unit = nodes[demo_data.unit_name("太原市", "小店区", demo_data.UNIT_SUFFIXES[0])]
        coal = "山西省煤炭工会"
        accounts = [
            ("worker1", "张三", RoleKind.WORKER, worker_unit),
            ("unit1", "李四", RoleKind.UNIT, worker_unit),
            ("county1", "王五", RoleKind.COUNTY, nodes[("太原市", "小店区")]),
            ("city1", "赵六", RoleKind.CITY, nodes["太原市"]),
            ("industry1", "钱七", RoleKind.CITY, nodes[coal]),
            ("group1", "孙八", RoleKind.COUNTY, nodes[demo_data.INDUSTRY_UNIONS[coal][0]]),
            ("expert1", "周专家", RoleKind.EXPERT, nodes["太原市"]),
            ("expert2", "吴专家", RoleKind.EXPERT, nodes["大同市"]),
            ("expert3", "郑专家", RoleKind.EXPERT, nodes["长治市"]),
            ("committee", "省组委会办公室", RoleKind.COMMITTEE, nodes["province"]),
        ]
        for username, full_name, kind, node in accounts:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=full_name, email=f"{username}@example.com",
                            phone="13800000000")
                if username == "committee":
                    user.is_staff = user.is_superuser = True
                user.set_password(DEMO_PASSWORD)
                user.save()
            Role.objects.get_or_create(user=user, kind=kind, node=node)
