"""Private photo files for the portal's one download view (`files:download_variant`).

Display copies (thumbnail, preview) are re-encoded without metadata and shown inline to anyone who may
see the entry, assigned experts included (the copies carry no identity); originals keep their EXIF (GPS
included) and go, as attachments, only to the author and staff.
"""

import rules
from django.http import Http404

from portal.files.registry import ServedFile, register
from submissions.models import Photo
from submissions.naming import photo_download_name
from submissions.scoping import entries_for_user

INLINE_VARIANTS = ("thumbnail", "preview")


@register("photo")
def serve_photo(request, pk: int, variant: str) -> ServedFile:
    photo = (Photo.objects.select_related("entry__unit", "entry__campaign")
             .filter(pk=pk, entry__in=entries_for_user(request.user, include_assigned=True)).first())
    if photo is None:
        raise Http404
    if variant in INLINE_VARIANTS:
        file = getattr(photo, variant)
        if not file:
            raise Http404  # not made yet: the page shows its placeholder
        return ServedFile(file=file, download_name=f"{photo.entry.code}-{photo.pk}-{variant}.jpg",
                          content_type="image/jpeg", inline=True)
    if variant == "original" and rules.has_perm("submissions.download_original", request.user, photo.entry):
        return ServedFile(file=photo.original, download_name=photo_download_name(photo.entry, photo),
                          content_type="image/jpeg")
    raise Http404
