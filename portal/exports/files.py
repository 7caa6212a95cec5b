"""The "export" kind of the private download view: a file goes to its requester alone, only while it
has not expired and only while their role still allows that export."""

from django.http import Http404

from portal.audit.services import record_audit
from portal.exports.base import local_date
from portal.exports.enums import ExportStatus
from portal.exports.models import ExportJob
from portal.exports.registry import get_export_kind
from portal.files.registry import ServedFile, register


def downloadable_job(user, pk) -> ExportJob | None:
    """The user's own finished, unexpired job whose kind still allows them the export, else None."""
    job = ExportJob.objects.for_user(user).filter(pk=pk, status=ExportStatus.DONE).first()
    if job is None or not job.is_ready:
        return None
    export_kind = get_export_kind(job.kind)
    if export_kind is None or not export_kind.allowed(user, job.params):
        return None
    return job


@register("export")
def serve_export(request, pk: int, variant: str) -> ServedFile:
    if variant != "original":
        raise Http404
    job = downloadable_job(request.user, pk)
    if job is None:
        raise Http404
    # Exports carry personal data (names, units, contacts): every download is on the record.
    record_audit(request.user, "exports.download", job, summary=job.download_name, request=request)
    export_kind = get_export_kind(job.kind)
    return ServedFile(file=job.file, download_name=job.download_name, content_type=export_kind.content_type,
                      ascii_name=export_kind.ascii_download_name(job.params, local_date(job.created_at)))
