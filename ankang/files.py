"""Activity evidence for the portal's private download view (kind "ankang_evidence"): the metadata-free
preview inline, the cleaned original as an attachment, both only to those who may see the record."""

from django.http import Http404

from ankang.scoping import evidence_for_user
from portal.files.registry import ServedFile, register


@register("ankang_evidence")
def serve_evidence(request, pk: int, variant: str) -> ServedFile:
    evidence = evidence_for_user(request.user).filter(pk=pk).first()
    if evidence is None:
        raise Http404
    if variant == "preview":
        return ServedFile(file=evidence.preview, download_name=f"ankang-{evidence.record_id}-{evidence.pk}.jpg",
                          content_type="image/jpeg", inline=True)
    if variant == "original":
        return ServedFile(file=evidence.original,
                          download_name=f"ankang-{evidence.record_id}-{evidence.pk}-original.jpg",
                          content_type="image/jpeg")
    raise Http404
