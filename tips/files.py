"""Tip photos for the portal's private download view (kind "tip_photo"): the metadata-free preview to
staff who may see the tip; the original, whose EXIF (camera, place, time) can identify the reporter, only
to the custodian."""

import rules
from django.http import Http404

from portal.files.registry import ServedFile, register
from tips.models import TipPhoto
from tips.scoping import tips_for_user


@register("tip_photo")
def serve_tip_photo(request, pk: int, variant: str) -> ServedFile:
    photo = TipPhoto.objects.select_related("tip").filter(pk=pk, tip__in=tips_for_user(request.user)).first()
    if photo is None:
        raise Http404
    name = f"{photo.tip.code}-{photo.position}"
    if variant == "preview":
        return ServedFile(file=photo.preview, download_name=f"{name}.jpg", content_type="image/jpeg", inline=True)
    if variant == "original" and rules.has_perm("tips.open_identity", request.user, photo.tip):
        return ServedFile(file=photo.original, download_name=f"{name}-original.jpg", content_type="image/jpeg")
    raise Http404
