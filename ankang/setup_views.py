"""The province's pages to open a competition (the form starts from the previous competition or the seed)
and to change its settings and quotas. Every change goes through ankang.setup."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ankang import setup
from ankang.nomination_enums import AwardKind
from ankang.scoping import competitions_for_user
from ankang.setup_forms import CompetitionForm, GradesForm, QuotaForm
from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message


def _competition(request, pk, **kwargs):
    return get_object_or_404(competitions_for_user(request.user).select_related("place"), pk=pk)


def _caps(competition) -> dict:
    return {(q.level, q.kind): q.cap for q in competition.quotas.all()}


@permission_required("ankang.configure_competitions")
def new_competition(request):
    place = setup.organising_union(request.user)
    if request.method != "POST":
        year = timezone.localdate().year
        if place is not None and setup.previous_competition(place) is not None:
            year = max(year, setup.previous_competition(place).year + 1)
        form = CompetitionForm(initial=setup.initial_values(place, year) if place else {})
        return render(request, "ankang/competition_form.html", {"form": form})
    form = CompetitionForm(request.POST)
    if form.is_valid():
        try:
            competition = setup.create_competition(form.cleaned_data, actor=request.user, request=request)
        except Refused as exc:
            refusal_message(request, exc)
        else:
            messages.success(request, _("竞赛已开设，请核对推荐名额。"))
            return redirect("ankang:competition_settings", pk=competition.pk)
    else:
        messages.error(request, _("请检查填写的内容。"))
    return render(request, "ankang/competition_form.html", {"form": form}, status=400)


def _saved(request, call, message: str) -> bool:
    """Run one ankang.setup call; a refusal becomes the page's message."""
    try:
        call()
    except Refused as exc:
        refusal_message(request, exc)
        return False
    messages.success(request, message)
    return True


@permission_required("ankang.configure_competition", load=_competition)
def competition_settings(request, competition, pk):
    form = CompetitionForm(instance=competition)
    quota_form = QuotaForm(caps=_caps(competition))
    grades_form = GradesForm(initial={"names": "\n".join(competition.grades.values_list("name", flat=True))})
    status = 200
    if request.method == "POST":
        status = 400
        if "grades" in request.POST:
            grades_form = GradesForm(request.POST)
            if grades_form.is_valid() and _saved(request, lambda: setup.set_grades(
                    competition, grades_form.grade_names(), actor=request.user, request=request),
                    _("表彰等次已保存。")):
                return redirect("ankang:competition_settings", pk=competition.pk)
        elif "quotas" in request.POST:
            quota_form = QuotaForm(request.POST, caps=_caps(competition))
            if quota_form.is_valid() and _saved(request, lambda: setup.set_quotas(
                    competition, quota_form.caps(), actor=request.user, request=request), _("推荐名额已保存。")):
                return redirect("ankang:competition_settings", pk=competition.pk)
        else:
            form = CompetitionForm(request.POST, instance=competition)
            if form.is_valid() and _saved(request, lambda: setup.update_competition(
                    competition, form.cleaned_data, actor=request.user, request=request), _("竞赛设置已保存。")):
                return redirect("ankang:competition_settings", pk=competition.pk)
    if status == 400 and not messages.get_messages(request):
        messages.error(request, _("请检查填写的内容。"))
    competition.refresh_from_db()
    return render(request, "ankang/competition_form.html", {
        "form": form, "quota_form": quota_form, "grades_form": grades_form, "competition": competition,
        "kinds": AwardKind.labels}, status=status)
