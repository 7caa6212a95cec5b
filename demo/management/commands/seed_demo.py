import logging
import sys
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from ankang import seed_data as ankang_seed_data
from demo import ankang as demo_ankang
from demo import data as demo_data
from demo import hazards as demo_hazards
from demo import inspections as demo_inspections
from demo import returns as demo_returns
from demo import tips as demo_tips
from demo.data import DEMO_PASSWORD
from demo.entries import add_demo_entries
from demo.passwords import demo_password_hash
from portal.accounts.enums import RoleKind
from portal.accounts.models import Role, User
from portal.backups.orphans import referenced_names
from portal.campaigns.models import Campaign
from portal.campaigns.notice import ensure_notice_campaign, open_phases
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from portal.refusals import Refused
from returns import seed_data as returns_seed_data
from review.experts.services import auto_assign_experts
from review.scoping import queue_entries, reviewer_roles
from submissions.models import ExpertAssignment
from tips.crypto import group_receipt
from tips.rules import TIP_ROLES

CONFIRM_WORD = "yes"
HAZARD_KINDS = {kind for _username, _name, kind, _place in demo_hazards.ACCOUNTS}


@contextmanager
def _quiet_loggers(*names: str):
    """Only errors from these loggers while the block runs."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = ("建立演示数据：山西省组织目录、第四届活动和每个角色一个账号（密码 Demo@2025）。可重复运行；"
            "--reset 先清空数据库和上传文件再重建。")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="在 PORTAL_DEBUG=0 时也执行")
        parser.add_argument("--notice-dates", action="store_true",
                            help="使用通知中的2025年日程（默认各阶段均在当前开放，便于演示）")
        parser.add_argument("--entries", type=int, default=0, metavar="N",
                            help="补足N件演示作品（先放到各演示账号的待办中，其余分布在各单位和各评审层级；"
                                 "已有的不重复生成），并为省级评审的作品自动分配专家")
        parser.add_argument("--no-photos", action="store_true", help="演示作品不生成照片（用于性能测试）")
        parser.add_argument("--reset", action="store_true",
                            help="先清空数据库中的全部数据（含评审结果锁定）和上传的文件，再重建演示数据；不可恢复")
        parser.add_argument("--yes", action="store_true", help="与 --reset 同用：不再询问确认（非交互运行时必需）")

    def handle(self, *args, force=False, notice_dates=False, entries=0, no_photos=False, reset=False, yes=False,
               **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo 会创建使用公开密码的账号（--reset 还会清空数据库）；生产环境（PORTAL_DEBUG=0）"
                               "请勿运行，确需运行请加 --force")
        if reset:
            self.confirm_reset(yes)
            self.reset()
        self.stdout.write("建立组织目录、活动和演示账号…")
        with transaction.atomic():
            nodes = self.build_directory()
            phases = None if notice_dates else open_phases(timezone.now())
            campaign = ensure_notice_campaign(phases=phases)
            roles = self.build_accounts(nodes, campaign)
        self.add_ledger_and_tips()
        self.add_programmes()
        if entries > 0:
            self.stdout.write(f"演示作品：补足到 {entries} 件{'' if no_photos else '（含照片）'}…")
            added = add_demo_entries(entries, photos=not no_photos, stdout=self.stdout)
            self.stdout.write(f"新增演示作品 {added} 件")
            if added:
                # Only when entries were added: a later run must not undo what the committee did by hand.
                self.assign_experts(campaign)
        self.stdout.write(self.style.SUCCESS(f"演示数据就绪：{OrgNode.objects.count()} 个组织，{User.objects.count()} 个账号"))
        self.list_accounts(roles, campaign)
        self.stdout.write(f"演示匿名举报的回执码：{group_receipt(demo_tips.DEMO_RECEIPT)}"
                          "（在“有奖举报 → 查询”输入，可查看核查结果并申领奖励）")

    # --- reset --------------------------------------------------------------------------------------------

    def confirm_reset(self, yes: bool) -> None:
        """--reset wipes the database: ask on a terminal, require --yes anywhere else."""
        if yes:
            return
        database = settings.DATABASES["default"]
        where = f"{database.get('HOST') or ''} {database.get('NAME')}".strip()
        if not sys.stdin.isatty():
            raise CommandError("--reset 会清空数据库中的全部数据和上传的文件，不可恢复；非交互运行时请加 --yes 确认")
        answer = input(f"--reset 将清空数据库（{where}）中的全部数据和上传的文件，不可恢复。确认请输入 {CONFIRM_WORD}：")
        if answer.strip().lower() != CONFIRM_WORD:
            raise CommandError("已取消，未做任何改动")

    def reset(self) -> None:
        """Empty every table and delete the stored files the rows pointed to; the schema stays.

        The demo is rebuilt from scratch because parts of it cannot be undone on purpose (the results
        lock, the audit trail): only a fresh database gives the committee an unlocked campaign again.
        """
        self.stdout.write("清空数据库和上传的文件…")
        names = referenced_names()
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # Inside a transaction (a caller's atomic block, or a test) PostgreSQL refuses TRUNCATE while
            # deferred foreign-key checks of rows written earlier are pending: run those checks now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        call_command("flush", interactive=False, verbosity=0)
        for name in sorted(names):
            default_storage.delete(name)
        # Cached pages (the exhibition) and counters must not outlive the rows they came from.
        cache.clear()
        self.stdout.write(f"已清空数据库，删除上传文件 {len(names)} 个")

    # --- directory and accounts ---------------------------------------------------------------------------

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

    def accounts(self, nodes, campaign: Campaign) -> list[tuple[str, str, str, OrgNode]]:
        worker_unit = nodes[demo_data.unit_name("太原市", "小店区", demo_data.UNIT_SUFFIXES[0])]
        coal = "山西省煤炭工会"
        accounts = [
            ("worker1", "张三", RoleKind.WORKER, worker_unit),
            ("unit1", "李四", RoleKind.UNIT, worker_unit),
            ("county1", "王五", RoleKind.COUNTY, nodes[("太原市", "小店区")]),
            ("city1", "赵六", RoleKind.CITY, nodes["太原市"]),
            ("industry1", "钱七", RoleKind.CITY, nodes[coal]),
            ("group1", "孙八", RoleKind.COUNTY, nodes[demo_data.INDUSTRY_UNIONS[coal][0]]),
        ]
        # A full panel for every provincial entry: one expert more than a panel, each tied elsewhere.
        wanted = min(max(demo_data.DEMO_EXPERTS, campaign.experts_per_entry + 1), len(demo_data.EXPERTS))
        unions = {node.name: node for node in nodes.values()}
        accounts += [(username, full_name, RoleKind.EXPERT, unions[union])
                     for username, full_name, union in demo_data.EXPERTS[:wanted]]
        accounts.append(("committee", "省组委会办公室", RoleKind.COMMITTEE, nodes["province"]))
        return accounts + demo_hazards.hazard_accounts(nodes) + demo_tips.tip_accounts(nodes)

    def build_accounts(self, nodes, campaign: Campaign) -> list[Role]:
        roles = []
        for username, full_name, kind, node in self.accounts(nodes, campaign):
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=full_name, email=f"{username}@example.com",
                            phone="13800000000")
                if username == "committee":
                    user.is_staff = user.is_superuser = True
                # One hash of the public demo password for every new account (demo.passwords): each hash
                # takes a second or two on purpose, and two dozen of them made the first start slow for nothing.
                user.password = demo_password_hash()
                user.save()
            roles.append(Role.objects.get_or_create(user=user, kind=kind, node=node)[0])
        return roles

    # --- the hazard ledger and the tips ---------------------------------------------------------------------

    def add_ledger_and_tips(self) -> None:
        """Hazards in every state at the demo unit and tips in every state (through their services)."""
        # As for the expert assignments: no mail to the @example.com accounts, no Celery log lines.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), \
                _quiet_loggers("celery", "kombu"):
            hazards = demo_hazards.add_demo_hazards()
            tips = demo_tips.add_demo_tips()
        self.stdout.write(f"新增演示隐患 {hazards} 条，演示举报 {tips} 件")

    def add_programmes(self) -> None:
        """The ledger's inspection rounds (车间/班组 of the demo units, plans and past rounds), and the
        programmes that read the ledger and the tips: the 查保促 returns (their forms and default programme
        are written again when `--reset` emptied the data migration's rows; the seeds are idempotent)."""
        returns_seed_data.seed(apps)
        demo_returns.seed_returns(stdout=self.stdout)
        # Last: the plans cover every 车间/班组 the ledger's and the returns' demo hazards named.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            demo_inspections.seed_inspections(stdout=self.stdout)
            # The 安康杯 competition reads all of the above for its score sheets' indicators.
            ankang_seed_data.seed(apps)
            demo_ankang.seed_ankang(stdout=self.stdout)

    # --- the provincial review ----------------------------------------------------------------------------

    def assign_experts(self, campaign: Campaign) -> None:
        """Give the demo's provincial entries their expert panels, as the committee would (with its service)."""
        committee = User.objects.get(username="committee")
        # The demo accounts' addresses are @example.com: no assignment notice is mailed (nor printed), and
        # the inline Celery run of those notices is not logged line by line into the first start's output.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), \
                _quiet_loggers("celery", "kombu"):
            try:
                report = auto_assign_experts(campaign, actor=committee)
            except Refused as exc:  # e.g. the results are locked: the demo stays as it is
                self.stdout.write(f"未分配专家：{exc.message}")
                return
        self.stdout.write(f"已为 {report.entries} 件省级评审作品分配专家 {report.created} 人次"
                          + (f"，{len(report.shortfalls)} 件专家不足" if report.shortfalls else ""))

    def list_accounts(self, roles: list[Role], campaign: Campaign) -> None:
        """Each demo account with its role and what waits for it, so the first start says where to begin."""
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for role in roles:
            user = role.user
            waiting = ""
            if role.kind in HAZARD_KINDS:
                waiting = demo_hazards.waiting(role)
            elif role.kind in TIP_ROLES:
                waiting = demo_tips.waiting(role)
            elif role.kind == RoleKind.EXPERT:
                count = ExpertAssignment.objects.active().filter(
                    expert=user, entry__campaign=campaign, submitted_at__isnull=True).count()
                waiting = f"待评 {count} 件"
            elif role.kind not in (RoleKind.WORKER, RoleKind.COMMITTEE):
                reviewer = next((r for r in reviewer_roles(user) if r.pk == role.pk), None)
                if reviewer is not None:
                    waiting = f"待处理 {queue_entries(user, reviewer, campaign).count()} 件"
            self.stdout.write(f"  {user.username:<10} {role.get_kind_display()} · {role.node}  {waiting}".rstrip())
