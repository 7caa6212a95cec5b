"""The public "exhibition-photo" kind of the download view: display copies of published entries only.

Only the thumbnail and the preview are served (re-encoded, upright, no EXIF/GPS/XMP), and only for a
photo whose entry is published; anything else, a guessed id included, is a 404.
"""

from django.http import Http404

from portal.files.registry import ServedFile, register
from review.exhibition.selectors import published_photos
from submissions.enums import PHOTO_KIND_FILE_LABEL

KIND = "exhibition-photo"
VARIANTS = ("thumbnail", "preview")


@register(KIND)
def serve_exhibition_photo(request, pk: int, variant: str) -> ServedFile:
    if variant not in VARIANTS:
        raise Http404
    photo = published_photos().select_related("entry__campaign").filter(pk=pk).first()
    if photo is None:
        raise Http404
    file = getattr(photo, variant)
    if not file:
        raise Http404
    label = PHOTO_KIND_FILE_LABEL.get(photo.kind, "")
    return ServedFile(file=file, download_name=f"{photo.entry.code}-{label}{photo.position}-{variant}.jpg",
                      content_type="image/jpeg", inline=True)
