"""Pages of the export framework: what the user may export, their jobs, a job's progress and status.

A job is its requester's alone: anyone else gets 404 on its page, its status and its file.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from portal.exports.enums import ExportStatus
from portal.exports.files import downloadable_job
from portal.exports.models import ExportJob
from portal.exports.registry import export_kinds
from portal.exports.services import request_export
from portal.refusals import Refused, refusal_message

RECENT_JOBS = 20


def _kinds_for(user):
    return [kind for kind in export_kinds() if kind.available_to(user)]


def _union_choices(offers) -> list[tuple[str, str]]:
    """(union id, its name) for every union the offers are made for, in the offers' order."""
    choices: dict[str, str] = {}
    for offer in offers:
        union = offer.params.get("union")
        if union is not None:
            choices.setdefault(str(union), offer.group)
    return list(choices.items())


@login_required
@require_GET
def index(request):
    """导出材料: the ready-made exports of the user's scope and their recent jobs, optionally narrowed to
    one union (?union=<id>: the committee has a group of buttons per union)."""
    kinds = _kinds_for(request.user)
    jobs = ExportJob.objects.for_user(request.user)
    if not kinds and not jobs.exists():
        raise Http404
    offers = [offer for kind in kinds for offer in kind.offers(request.user)]
    unions = _union_choices(offers)
    union = request.GET.get("union", "")
    if union not in dict(unions):
        union = ""  # an unknown value shows everything rather than an error
    if union:
        offers = [offer for offer in offers if str(offer.params.get("union")) == union]
        jobs = jobs.filter(params__union=int(union))
    groups: dict[str, list] = {}
    for offer in offers:
        groups.setdefault(offer.group, []).append(offer)
    return render(request, "exports/index.html", {
        "groups": groups, "jobs": list(jobs[:RECENT_JOBS]), "unions": unions if len(unions) > 1 else [],
        "union": union})


@login_required
@require_POST
def start(request):
    """Create a job from the posted kind and parameters, then show its progress page."""
    kind = request.POST.get("kind", "")
    try:
        job = request_export(kind, request.POST, actor=request.user, request=request)
    except Refused as exc:
        refusal_message(request, exc)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = reverse("exports:index")
        return redirect(back)
    return redirect("exports:job", pk=job.pk)


def _own_job(request, pk) -> ExportJob:
    return get_object_or_404(ExportJob.objects.for_user(request.user), pk=pk)


def _status(request, job: ExportJob) -> dict:
    ready = downloadable_job(request.user, job.pk) is not None if job.status == ExportStatus.DONE else False
    status = ExportStatus.EXPIRED if job.status == ExportStatus.DONE and job.is_expired() else job.status
    return {
        "status": status,
        "label": str(ExportStatus(status).label),
        "progress": job.progress,
        "finished": job.is_finished,
        "download_url": reverse("files:download", args=["export", job.pk]) if ready else None,
        "error": job.error,
    }


@login_required
@require_GET
def job_detail(request, pk):
    job = _own_job(request, pk)
    return render(request, "exports/job.html", {"job": job, "state": _status(request, job)})


@login_required
@require_GET
def job_status(request, pk):
    """The small JSON the progress page polls."""
    job = _own_job(request, pk)
    response = JsonResponse(_status(request, job))
    response["Cache-Control"] = "no-store"
    return response
