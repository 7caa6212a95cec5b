"""Hazard photos for the portal's one private download view (`files:download_variant`, kind
"hazard_photo"): the preview inline to anyone who may see the hazard, the original (with its EXIF,
which can identify the finder) as an attachment only to the finder and union staff."""

import rules
from django.http import Http404

from hazards.models import HazardPhoto
from hazards.scoping import hazards_for_user
from portal.files.registry import ServedFile, register


@register("hazard_photo")
def serve_hazard_photo(request, pk: int, variant: str) -> ServedFile:
    photo = (HazardPhoto.objects.select_related("hazard__unit", "hazard__finder", "entry_photo")
             .filter(pk=pk, hazard__in=hazards_for_user(request.user)).first())
    if photo is None:
        raise Http404
    source = photo.entry_photo or photo
    name = f"{photo.hazard.code}-{photo.kind}{photo.position}"
    if variant == "preview":
        file = source.preview
        if not file:
            raise Http404  # a 随手拍 photo whose display copy is not made yet
        return ServedFile(file=file, download_name=f"{name}.jpg", content_type="image/jpeg", inline=True)
    if variant == "original" and rules.has_perm("hazards.download_original", request.user, photo.hazard):
        return ServedFile(file=source.original, download_name=f"{name}-original.jpg", content_type="image/jpeg")
    raise Http404
