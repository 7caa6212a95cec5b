"""The pages of the year's 活动开展情况 report: the reports of a competition in the user's scope with the
due date, drafting the report of one's own union, editing (plain text sections and highlighted records),
submitting and the Word download. Every step goes through ankang.report."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ankang import report as services
from ankang.models import ActivityRecord
from ankang.nomination_scoping import reports_for_user
from ankang.scoping import competitions_for_user
from portal.directory.models import OrgNode
from portal.files.responses import content_disposition
from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _competition(request, pk, **kwargs):
    return get_object_or_404(competitions_for_user(request.user).select_related("place"), pk=pk)


def _report(request, pk, **kwargs):
    return get_object_or_404(reports_for_user(request.user).select_related("competition__place", "union"), pk=pk)


def _my_unions(user, competition):
    ids = [role.node_id for role in user.role_list if role.kind in services.WRITER_ROLES and role.node_id]
    return OrgNode.objects.filter(pk__in=ids, path__startswith=competition.place.path).order_by("path")


@permission_required("ankang.view_reports", load=_competition)
def report_list(request, competition, pk):
    queryset = reports_for_user(request.user).filter(competition=competition).select_related("union")
    page = Paginator(queryset.order_by("union__path"), 20).get_page(request.GET.get("page"))
    return render(request, "ankang/report/list.html", {
        "competition": competition, "page": page, "unions": _my_unions(request.user, competition),
        "days_left": (competition.report_due_on - timezone.localdate()).days})


@require_POST
@permission_required("ankang.view_reports", load=_competition)
def draft(request, competition, pk):
    union = _my_unions(request.user, competition).filter(pk=request.POST.get("union") or 0).first()
    try:
        if union is None:
            raise Refused.permission_denied()
        report = services.draft_report(competition, union, actor=request.user, request=request)
    except Refused as refusal:
        refusal_message(request, refusal)
        return redirect("ankang:reports", pk=competition.pk)
    messages.success(request, _("已根据数据生成草稿，请修改完善。"))
    return redirect("ankang:report", pk=report.pk)


@permission_required("ankang.view_report", load=_report)
def report(request, report, pk):
    can_edit = request.user.has_perm("ankang.edit_report", report)
    if request.method == "POST" and can_edit:
        try:
            if request.POST.get("step") == "submit":
                services.submit_report(report, actor=request.user, request=request)
            else:
                services.save_report(report, {name: request.POST.get(name, "") for name in services.SECTIONS},
                                     request.POST.getlist("highlight"), actor=request.user, request=request)
        except Refused as refusal:
            refusal_message(request, refusal)
        else:
            messages.success(request, _("已保存。"))
        return redirect("ankang:report", pk=report.pk)
    records = (ActivityRecord.objects.filter(competition=report.competition, unit__path__startswith=report.union.path)
               .select_related("unit", "activity_type").order_by("-held_on")[:50]) if can_edit else []
    chosen = set(report.highlight_records.values_list("pk", flat=True))
    sections = [(name, report._meta.get_field(name).verbose_name, getattr(report, name)) for name in services.SECTIONS]
    return render(request, "ankang/report/detail.html", {
        "report": report, "competition": report.competition, "can_edit": can_edit, "sections": sections,
        "records": records, "chosen": chosen})


@permission_required("ankang.view_report", load=_report)
def report_docx(request, report, pk):
    response = HttpResponse(services.report_docx(report), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(f"{report.union.name}-活动开展情况.docx",
                                                          ascii_name="ankang-report.docx")
    response["X-Content-Type-Options"] = "nosniff"
    return response
