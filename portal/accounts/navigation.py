"""Per-role navigation: what each role's home page and menu offer.

Entries name URL patterns; a later feature adds its links here, so menus stay in one place.
"""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts.enums import RoleKind


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str

    @property
    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


@dataclass(frozen=True)
class RoleHome:
    title: str
    intro: str
    links: list[NavLink] = field(default_factory=list)


ROLE_HOMES = {
    RoleKind.WORKER: RoleHome(_("职工首页"), _("拍下身边的安全隐患和整改后的照片，提交作品并跟踪评选进度。"), [
        NavLink(_("我的作品"), "submissions:my_entries"),
        NavLink(_("提交新作品"), "submissions:entry_create"),
        NavLink(_("上报隐患"), "hazards:report"),
        NavLink(_("我的隐患报告"), "hazards:mine"),
    ]),
    RoleKind.UNIT: RoleHome(_("单位工会首页"), _("查看本单位职工的作品，填写隐患举报价值评价，择优向上推荐。"), [
        NavLink(_("待处理作品"), "review:queue"),
        NavLink(_("排名"), "scoring:ranking"),
        NavLink(_("查保促报表"), "returns:index"),
        NavLink(_("“安康杯”竞赛"), "ankang:index"),
    ]),
    RoleKind.COUNTY: RoleHome(_("县级/集团初评"), _("对下属单位推荐的作品进行初评、评出等次，择优报送市或产业工会。"), [
        NavLink(_("初评队列"), "review:queue"),
        NavLink(_("排名"), "scoring:ranking"),
        NavLink(_("统计"), "reports:dashboard"),
        NavLink(_("查保促报表"), "returns:index"),
        NavLink(_("“安康杯”竞赛"), "ankang:index"),
    ]),
    RoleKind.CITY: RoleHome(_("市/产业工会甄选"), _("甄选本地区、本产业的作品，评出等次，9月30日前择优推荐不超过50个案例参加省级评审。"), [
        NavLink(_("甄选队列"), "review:queue"),
        NavLink(_("排名"), "scoring:ranking"),
        NavLink(_("导出材料"), "exports:index"),
        NavLink(_("统计"), "reports:dashboard"),
        NavLink(_("查保促报表"), "returns:index"),
        NavLink(_("“安康杯”竞赛"), "ankang:index"),
    ]),
    RoleKind.EXPERT: RoleHome(_("省级专家评审"), _("对分配给您的作品进行在线评分。"), [
        NavLink(_("我的评审任务"), "experts:my_assignments"),
    ]),
    RoleKind.COMMITTEE: RoleHome(_("省活动组委会办公室"), _("配置活动、组织目录、用户与专家，确定奖项并发布展示。"), [
        NavLink(_("后台管理"), "admin:index"),
        NavLink(_("排名"), "scoring:ranking"),
        NavLink(_("专家评审看板"), "experts:dashboard"),
        NavLink(_("专家分配"), "experts:assignments"),
        NavLink(_("评审专家"), "experts:panel"),
        NavLink(_("发布展示"), "exhibition:manage"),
        NavLink(_("导出材料"), "exports:index"),
        NavLink(_("统计"), "reports:dashboard"),
        NavLink(_("“安康杯”竞赛"), "ankang:index"),
    ]),
    # The hazard ledger (hazards/): every role working it lands on the ledger of its unit or area.
    **{kind: RoleHome(title, intro, [NavLink(_("隐患台账"), "hazards:ledger"),
                                     NavLink(_("上报隐患"), "hazards:report")])
       for kind, title, intro in (
           (RoleKind.TEAM_LEADER, _("班组长首页"), _("查看本单位的隐患台账，跟踪班组隐患的整改。")),
           (RoleKind.WORKSHOP_HEAD, _("车间负责人首页"), _("查看本单位的隐患台账，组织车间隐患的整改。")),
           (RoleKind.SAFETY_OFFICER, _("企业安全管理员首页"), _("受理职工上报的隐患，指定整改责任人和期限，验收整改结果。")),
           (RoleKind.UNIT_HEAD, _("企业主要负责人首页"), _("审批重大事故隐患治理方案，答复工会的停产整改建议。")),
           (RoleKind.UNION_INSPECTOR, _("工会劳动保护监督检查员首页"), _("对整改结果签字监督确认，必要时建议停产整改或撤离。")),
           (RoleKind.REGULATOR, _("应急管理部门联络员首页"), _("查看本地区的重大事故隐患，记录挂牌督办和核销。")),
       )},
    # Rewarded tips (tips/): each role lands on the tips list of its area.
    **{kind: RoleHome(title, intro, [NavLink(_("举报案件"), "tips:cases"), NavLink(_("有奖举报"), "tips:report")])
       for kind, title, intro in (
           (RoleKind.TIP_HANDLER, _("举报受理员首页"), _("受理本地区的举报，按时限核查并告知举报人结果。")),
           (RoleKind.CUSTODIAN, _("身份保管员首页"), _("保管举报人身份，每次查阅均须说明理由并留痕。")),
           (RoleKind.REWARD_REVIEWER, _("奖励审查委员会首页"), _("审查按规则计算的举报奖励金额。")),
       )},
}
