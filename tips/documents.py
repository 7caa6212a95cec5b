"""The tip line's printed documents, one A4 page each through the one xlsx base (portal.exports.base):
受理告知书 / 不予受理告知书, 核查结果告知书, 奖励审批表 and 奖励通知书.

Every document names the reporter "举报人（已保密）" — except the three addressed to the reporter when the
custodian prints them for a real-name reporter (`addressee`, taken from the vault by the exporter, which
logs the opening). The 奖励审批表 is internal and never carries the identity. Numbers in the text (days,
amounts) come from the tip, its programme and its reward, never from here.

    A          B                 C          D
 1  ─────────────── title ───────────────────
 2                                   编号：JB-…
 3  addressee: (merged A:D)
 4  the body, one paragraph a row (merged A:D)
 …  label | value | label | value      (the facts table)
 …  signature: the handling area, （盖章）, date
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment

from portal.exports.base import (
    BODY_FONT,
    CENTRE,
    HEADER_FONT,
    LEFT,
    NO_BORDER,
    TITLE_FONT,
    TOP_LEFT,
    CellStyle,
    FormExporter,
    SheetLayout,
    local_date,
    row_height,
)
from tips.enums import RejectReason, TipState
from tips.models import Reward, Tip

COLUMN_WIDTHS = [16, 30, 16, 30]
FULL_WIDTH = sum(COLUMN_WIDTHS)

TITLE = CellStyle(font=TITLE_FONT, alignment=CENTRE, border=NO_BORDER)
NUMBER = CellStyle(font=BODY_FONT, alignment=Alignment(horizontal="right", vertical="center"), border=NO_BORDER)
TEXT = CellStyle(font=BODY_FONT, alignment=TOP_LEFT, border=NO_BORDER)
LABEL = CellStyle(font=HEADER_FONT, alignment=CENTRE)
VALUE = CellStyle(font=BODY_FONT, alignment=LEFT)
SIGN = CellStyle(font=BODY_FONT, alignment=Alignment(horizontal="right", vertical="center", wrap_text=True),
                 border=NO_BORDER)


@dataclass(frozen=True)
class Document:
    """What a one-page document says: title, to whom, paragraphs, (label, value) facts, who signs."""

    title: str
    code: str
    addressee: str
    paragraphs: list[str]
    facts: list[tuple[str, str]]
    signer: str
    sheet_title: str


def sealed() -> str:
    """How every document that may not name the reporter names them."""
    return _("举报人（已保密）")


def layout(document: Document) -> SheetLayout:
    sheet = SheetLayout(title=document.sheet_title, column_widths=list(COLUMN_WIDTHS), one_page=True)
    sheet.put(1, 1, document.title, TITLE, columns=4)
    sheet.height(1, 36)
    sheet.put(2, 1, _("编号：%(code)s") % {"code": document.code}, NUMBER, columns=4)
    row = 3
    if document.addressee:
        sheet.put(row, 1, f"{document.addressee}：", TEXT, columns=4)
        row += 1
    for paragraph in document.paragraphs:
        sheet.put(row, 1, "\u3000\u3000" + paragraph, TEXT, columns=4)
        sheet.height(row, row_height([(paragraph, FULL_WIDTH, BODY_FONT.size)], minimum=20))
        row += 1
    row += 0 if not document.facts else 1
    for index in range(0, len(document.facts), 2):
        pair = document.facts[index:index + 2]
        wide = len(pair) == 1 or len(str(pair[0][1])) > 14 or len(str(pair[-1][1])) > 14
        if wide:
            for label, value in pair:
                _fact(sheet, row, label, value, wide=True)
                row += 1
        else:
            for offset, (label, value) in enumerate(pair):
                sheet.put(row, 1 + 2 * offset, label, LABEL)
                sheet.put(row, 2 + 2 * offset, value, VALUE)
            sheet.height(row, row_height([(str(value), COLUMN_WIDTHS[1], BODY_FONT.size) for _l, value in pair]))
            row += 1
    row += 1
    sheet.put(row, 1, document.signer, SIGN, columns=4)
    sheet.put(row + 1, 1, _("（盖章）"), SIGN, columns=4)
    sheet.put(row + 2, 1, f"{local_date():%Y年%m月%d日}", SIGN, columns=4)
    return sheet


def _fact(sheet: SheetLayout, row: int, label: str, value: str, *, wide: bool) -> None:
    sheet.put(row, 1, label, LABEL)
    sheet.put(row, 2, value, VALUE, columns=3)
    sheet.height(row, row_height([(str(value), FULL_WIDTH - COLUMN_WIDTHS[0], BODY_FONT.size)]))


def _place(tip: Tip) -> str:
    return tip.unit.name if tip.unit_id else f"{tip.place_text}（{tip.area.name if tip.area_id else ''}）"


def _signer(tip: Tip) -> str:
    node = tip.area if tip.area_id else (tip.unit.parent if tip.unit_id else None)
    return _("%(area)s举报受理机构") % {"area": node.name if node else ""}


def _date(value) -> str:
    return f"{local_date(value):%Y年%m月%d日}" if value else ""


def _day(value) -> str:
    return f"{value:%Y年%m月%d日}" if value else ""


def _base_facts(tip: Tip) -> list[tuple[str, str]]:
    return [(_("举报编号"), tip.code), (_("举报日期"), _date(tip.submitted_at)),
            (_("举报事项"), tip.get_matter_display()), (_("被举报单位"), _place(tip))]


def acceptance_notice(tip: Tip, addressee: str = "") -> Document:
    """受理告知书 (accepted: the verification due date) or 不予受理告知书 (the reason)."""
    addressee = addressee or sealed()
    values = {"date": _date(tip.submitted_at), "code": tip.code}
    if tip.state == TipState.REJECTED or tip.reject_reason:
        title = _("举报不予受理告知书")
        if tip.reject_reason == RejectReason.DUPLICATE and tip.duplicate_of_id:
            reason = _("重复举报，已并入首次举报（编号%(first)s）一并办理") % {"first": tip.duplicate_of.code}
        else:
            reason = str(RejectReason(tip.reject_reason).label) + (f"：{tip.reject_note}" if tip.reject_note else "")
        paragraphs = [_("您于%(date)s提交的举报（编号%(code)s）经审查，决定不予受理。") % values,
                      _("理由：%(reason)s。") % {"reason": reason}]
        facts = [*_base_facts(tip), (_("不予受理理由"), reason)]
    else:
        title = _("举报受理告知书")
        paragraphs = [_("您于%(date)s提交的举报（编号%(code)s）已于%(accepted)s受理。") % {
                          **values, "accepted": _date(tip.accepted_at)},
                      _("我们将于%(due)s前完成核查，并在核查结束后%(days)d日内告知核查结果；可凭回执码查询办理进度。") % {
                          "due": _day(tip.verify_due), "days": tip.programme.notify_days}]
        facts = [*_base_facts(tip), (_("受理日期"), _date(tip.accepted_at)), (_("核查期限"), _day(tip.verify_due))]
        if tip.extension_days:
            facts.append((_("延期理由"), tip.extension_reason))
    return Document(title=title, code=tip.code, addressee=addressee, paragraphs=paragraphs, facts=facts,
                    signer=_signer(tip), sheet_title=f"{title}-{tip.code}")


def result_notice(tip: Tip, addressee: str = "") -> Document:
    """核查结果告知书: the result, the ledger's hazard and deadline, the way to object (and the 复查)."""
    addressee = addressee or sealed()
    values = {"date": _date(tip.submitted_at), "code": tip.code, "result": str(TipState(tip.result).label)}
    paragraphs = [_("您于%(date)s提交的举报（编号%(code)s）经核查，结果为：%(result)s。") % values,
                  _("核查结论：%(text)s") % {"text": tip.conclusion}]
    if tip.hazard_id:
        paragraphs.append(_("该隐患已登记隐患台账（编号%(hazard)s），责令被举报单位于%(deadline)s前整改完毕。") % {
            "hazard": tip.hazard.code, "deadline": _day(tip.hazard.deadline)})
    if tip.review_result:
        paragraphs.append(_("复查结论：%(result)s。%(note)s") % {"result": str(TipState(tip.review_result).label),
                                                           "note": tip.review_note})
    elif tip.objected_at is None:
        paragraphs.append(_("如对核查结果有异议，可自告知之日起%(days)d日内凭回执码提出一次，由上一级复查。") % {
            "days": tip.programme.objection_days})
    facts = [*_base_facts(tip), (_("核查完成日期"), _date(tip.concluded_at)),
             (_("核查结果"), str(TipState(tip.final_result).label))]
    return Document(title=_("举报核查结果告知书"), code=tip.code, addressee=addressee, paragraphs=paragraphs,
                    facts=facts, signer=_signer(tip), sheet_title=f"核查结果告知书-{tip.code}")


def reward_approval_form(reward: Reward) -> Document:
    """奖励审批表 (internal): the facts, the rule and its computation, every member's vote, the decision."""
    tip = reward.tip
    facts = [*_base_facts(tip), (_("举报人"), sealed()), (_("核查结果"), str(TipState(tip.final_result).label))]
    if tip.fine_amount is not None:
        facts += [(_("罚款金额（元）"), f"{tip.fine_amount}"), (_("处罚决定书文号"), tip.fine_reference)]
    if tip.concealed_deaths is not None:
        facts += [(_("瞒报死亡人数"), str(tip.concealed_deaths)), (_("事故等级"), tip.get_accident_class_display())]
    facts += [(_("奖励依据"), str(reward.rule.name)), (_("计算过程"), reward.computation),
              (_("建议金额（元）"), f"{reward.proposed_amount}")]
    for vote in reward.approvals.all():
        opinion = f"{vote.amount}元" + (f"（{vote.reason}）" if vote.reason else "") + f" {_date(vote.at)}"
        facts.append((_("委员意见：%(name)s") % {"name": vote.reviewer.get_full_name() or vote.reviewer.username},
                      opinion))
    facts += [(_("核定金额（元）"), f"{reward.amount}" if reward.amount is not None else _("待审定")),
              (_("状态"), reward.get_state_display()), (_("批准日期"), _date(reward.approved_at)),
              (_("申领截止日期"), _day(reward.claim_due))]
    if reward.paid_at:
        facts += [(_("发放日期"), _day(reward.paid_at)), (_("发放方式及凭证号"),
                                                       f"{reward.payment_method} {reward.payment_reference}")]
    return Document(title=_("举报奖励审批表"), code=tip.code, addressee="", paragraphs=[], facts=facts,
                    signer=_("奖励审查委员会"), sheet_title=f"奖励审批表-{tip.code}")


def reward_notice(reward: Reward, addressee: str = "") -> Document:
    """奖励通知书: the approved amount, its basis and how and until when to claim it."""
    tip = reward.tip
    addressee = addressee or sealed()
    paragraphs = [
        _("您于%(date)s提交的举报（编号%(code)s）经核查属实。根据《%(rule)s》，经奖励审查委员会审定，给予您奖励"
          "%(amount)s元。") % {"date": _date(tip.submitted_at), "code": tip.code, "rule": reward.rule.name,
                              "amount": reward.amount},
        _("请于%(due)s前凭回执码（及查询密码）在举报平台申领，并填写收款信息；逾期未申领视为放弃。") % {
            "due": _day(reward.claim_due)},
    ]
    facts = [*_base_facts(tip), (_("奖励金额（元）"), f"{reward.amount}"), (_("申领截止日期"), _day(reward.claim_due))]
    return Document(title=_("举报奖励通知书"), code=tip.code, addressee=addressee, paragraphs=paragraphs,
                    facts=facts, signer=_signer(tip), sheet_title=f"奖励通知书-{tip.code}")


class DocumentExporter(FormExporter):
    """One document a sheet (the documents of one tip, or of several)."""

    def __init__(self, documents: list[Document]):
        self.documents = documents

    def total(self) -> int:
        return len(self.documents)

    def sheets(self) -> Iterator[SheetLayout]:
        for document in self.documents:
            yield layout(document)
