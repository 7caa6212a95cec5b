"""Activity evidence for the portal's private download view (kind "ankang_evidence"): a photo's metadata-free
preview inline and its cleaned original as an attachment, a PDF's rewritten file as an attachment only; all
only to those who may see the record."""

from django.http import Http404

from ankang.enums import EvidenceKind
from ankang.scoping import evidence_for_user
from portal.files.registry import ServedFile, register


@register("ankang_evidence")
def serve_evidence(request, pk: int, variant: str) -> ServedFile:
    evidence = evidence_for_user(request.user).filter(pk=pk).first()
    if evidence is None:
        raise Http404
    name = f"ankang-{evidence.record_id}-{evidence.pk}"
    if evidence.kind == EvidenceKind.PDF:
        # A document: only the rewritten file, as an attachment (never rendered inside the portal's origin).
        if variant != "original":
            raise Http404
        return ServedFile(file=evidence.original, download_name=f"{name}.pdf", content_type="application/pdf")
    if variant == "preview":
        return ServedFile(file=evidence.preview, download_name=f"{name}.jpg", content_type="image/jpeg", inline=True)
    if variant == "original":
        return ServedFile(file=evidence.original, download_name=f"{name}-original.jpg", content_type="image/jpeg")
    raise Http404
