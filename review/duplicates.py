"""疑似重复: the side-by-side page of an entry's photos and their near duplicates (another entry's photo,
of this or a past campaign, or a past campaign's reference hash), and the committee's "not a duplicate".

Scope: the entry must be one the user reviews (entries_for_reviewer, 404 otherwise; experts hold no
reviewer role, so they never reach this page). The other side shows its code always, and its photo and
author only when the user may open that entry too; a reference photo shows its year and file name.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.rules import is_committee
from portal.permissions import permission_required
from portal.refusals import Refused
from review.scoping import entries_for_reviewer
from submissions import near_duplicates
from submissions.models import Photo, ReferencePhoto


@dataclass
class Pair:
    photo: Photo
    distance: int
    other_photo: Photo | None
    other_visible: bool
    reference: ReferencePhoto | None


def _pairs(user, entry) -> list[Pair]:
    visible = entries_for_reviewer(user)
    pairs = []
    for photo in entry.photos.filter(phash__isnull=False).order_by("kind", "position", "id"):
        photo.entry = entry
        matches = near_duplicates.matches_of(photo)
        others = Photo.objects.select_related("entry__campaign").in_bulk([m.photo_id for m in matches if m.photo_id])
        references = ReferencePhoto.objects.in_bulk([m.reference_id for m in matches if m.reference_id])
        shown = set(visible.filter(pk__in=[p.entry_id for p in others.values()]).values_list("pk", flat=True))
        for match in matches:
            other = others.get(match.photo_id)
            pairs.append(Pair(photo=photo, distance=match.distance, other_photo=other,
                              other_visible=other is not None and other.entry_id in shown,
                              reference=references.get(match.reference_id)))
    return pairs


@login_required
@require_GET
@permission_required("review.view_queue")
def entry_duplicates(request, pk: int):
    """The entry's photos beside their near duplicates."""
    entry = get_object_or_404(entries_for_reviewer(request.user).select_related("campaign"), pk=pk)
    return render(request, "review/duplicates.html", {
        "entry": entry, "pairs": _pairs(request.user, entry),
        "max_distance": near_duplicates.max_distance_for(entry.campaign),
        "can_dismiss": is_committee(request.user),
    })


@login_required
@require_POST
@permission_required("review.view_queue")
def dismiss(request, photo_pk: int):
    """The committee marks a pair "not a duplicate" with a reason."""
    photo = get_object_or_404(Photo.objects.select_related("entry__campaign"), pk=photo_pk,
                              entry__in=entries_for_reviewer(request.user))
    if not is_committee(request.user):
        raise PermissionDenied  # in the user's scope, but the decision is the committee's
    other = reference = None
    if request.POST.get("other_photo", "").isdigit():
        other = get_object_or_404(Photo.objects.select_related("entry__campaign"), pk=request.POST["other_photo"])
    elif request.POST.get("reference", "").isdigit():
        reference = get_object_or_404(ReferencePhoto, pk=request.POST["reference"])
    try:
        near_duplicates.dismiss_pair(photo, other_photo=other, reference=reference,
                                     reason=request.POST.get("reason", ""), actor=request.user, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已认定为不是重复。"))
    return redirect("review:duplicates", pk=photo.entry_id)
