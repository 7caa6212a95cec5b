"""Return files (stamped scans, evidence photos) for the portal's private download view (kind
"return_file"): the metadata-free preview inline, the cleaned original as an attachment, both only to
those who may see the return."""

from django.http import Http404

from portal.files.registry import ServedFile, register
from returns.models import ReturnScan
from returns.scoping import returns_for_user


@register("return_file")
def serve_return_file(request, pk: int, variant: str) -> ServedFile:
    scan = ReturnScan.objects.filter(pk=pk, report__in=returns_for_user(request.user)).first()
    if scan is None:
        raise Http404
    if variant == "preview":
        return ServedFile(file=scan.preview, download_name=f"return-{scan.report_id}-{scan.pk}.jpg",
                          content_type="image/jpeg", inline=True)
    if variant == "original":
        return ServedFile(file=scan.original, download_name=f"return-{scan.report_id}-{scan.pk}-original.jpg",
                          content_type="image/jpeg")
    raise Http404
