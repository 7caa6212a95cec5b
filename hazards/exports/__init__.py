"""The ledger's outputs in the style of the official forms (A4, borders, print titles, 第N页 共M页), one
module per form, all written through the one xlsx base (portal.exports.base):

- ledger:       隐患排查治理台账 of a unit, county or city, with the ledger's filters (big ones as export jobs);
- notice:       隐患整改通知单 of one hazard, to print and sign;
- major_report: 重大事故隐患报告 (原安监总局令第16号 §14: 现状及原因, 危害程度和整改难易程度, 治理方案);
- plan:         重大事故隐患治理方案 (§15: its six parts);
- statistics:   the quarterly and yearly 统计分析表 signed by the 主要负责人, with their due dates.

Every hazard an output holds comes through hazards.scoping.hazards_for_user.
"""
