"""The worker's pages: my entries, the 附件1 form, photo groups, submit and withdraw.

Entries are loaded only through `entries_for_user` (404 outside it); what may be changed is asked of
the `rules` in submissions/rules.py; every change goes through submissions/services.py.
"""

from dataclasses import dataclass

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.campaigns.enums import PhaseKind
from portal.campaigns.models import Campaign
from portal.permissions import permission_required
from portal.refusals import Refused, refusal_message
from submissions import services
from submissions.completeness import missing_items
from submissions.enums import EntryState, PhotoKind
from submissions.forms import DECLARATION_TEXT, EntryFieldsForm, PhotoMoveForm, PhotoUploadForm
from submissions.models import Entry, Photo
from submissions.naming import clean_part
from submissions.photos.validation import PhotoRules, photo_rules_for
from submissions.scoping import entries_for_user

PAGE_SIZE = 20
PLACEHOLDER = "submissions/img/placeholder.svg"


@dataclass
class PhotoGroup:
    kind: str
    label: str
    photos: list
    cap: int
    required: bool
    can_upload: bool
    can_manage: bool
    rules: PhotoRules

    @property
    def full(self) -> bool:
        return len(self.photos) >= self.cap


# --- loading ---------------------------------------------------------------------------------------------


def _visible_entries(user):
    # The author's page shows identity and contact details: never through an expert's (blind) assignment.
    return (entries_for_user(user, include_assigned=False)
            .select_related("campaign", "unit", "selection_union", "first_review_union", "industry", "category")
            .prefetch_related("campaign__phases"))


def _visible_entry(request, pk) -> Entry:
    return get_object_or_404(_visible_entries(request.user), pk=pk)


def _own_entry(request, pk) -> Entry:
    """The user's own entry; other people's entries are out of scope for every changing view."""
    entry = _visible_entry(request, pk)
    if entry.author_id != request.user.pk:
        raise Http404
    return entry


def _own_photo(request, photo_pk) -> tuple[Entry, Photo]:
    entry_id = (Photo.objects.filter(pk=photo_pk, entry__in=entries_for_user(request.user, include_assigned=False))
                .values_list("entry_id", flat=True).first())
    if entry_id is None:
        raise Http404
    entry = _own_entry(request, entry_id)
    photo = get_object_or_404(Photo, pk=photo_pk, entry=entry)
    photo.entry = entry
    return entry, photo


def return_reason(entry: Entry) -> str:
    """Why the entry was last returned to its author, while it is returned."""
    if entry.state != EntryState.RETURNED:
        return ""
    # The review app's steps (review.Transition, reached by its related name: review sits above this app);
    # the step that left the entry RETURNED is a return, whose reason is addressed to the author.
    step = entry.transitions.filter(to_state=EntryState.RETURNED).order_by("-created_at", "-id").first()
    return step.reason if step else ""


def _wants_json(request) -> bool:
    return (request.headers.get("X-Requested-With") == "XMLHttpRequest"
            or "application/json" in request.headers.get("Accept", ""))


def _after_change_url(request, entry) -> str:
    name = "submissions:entry_edit" if rules.has_perm("submissions.change_entry", request.user, entry) \
        else "submissions:entry_detail"
    return reverse(name, args=[entry.pk])


# --- photo groups ----------------------------------------------------------------------------------------


def photo_groups(entry: Entry, user, photos=None) -> list[PhotoGroup]:
    photos = list(entry.photos.all()) if photos is None else photos
    can_manage = rules.has_perm("submissions.change_entry", user, entry)
    can_add_rectified = rules.has_perm("submissions.add_rectification_photo", user, entry)
    campaign = entry.campaign
    groups = []
    for kind in PhotoKind:
        members = sorted((p for p in photos if p.kind == kind), key=lambda p: (p.position, p.pk))
        allowed = can_manage or (kind == PhotoKind.RECTIFIED and can_add_rectified)
        groups.append(PhotoGroup(
            kind=kind.value, label=kind.label, photos=members, cap=campaign.max_photos_per_group,
            required=kind == PhotoKind.HAZARD, can_upload=allowed and len(members) < campaign.max_photos_per_group,
            can_manage=can_manage, rules=photo_rules_for(campaign)))
    return groups


def _group_context(request, entry, group) -> dict:
    return {"entry": entry, "group": group, "placeholder": static(PLACEHOLDER),
            "can_download_original": rules.has_perm("submissions.download_original", request.user, entry)}


def photo_url(photo: Photo, variant: str) -> str:
    """The checked download URL; display copies carry the file's hash so a replaced photo is not served
    from the browser's cache."""
    url = reverse("files:download_variant", args=["photo", photo.pk, variant])
    return url if variant == "original" else f"{url}?v={photo.sha256[:12]}"


def _photo_payload(photo: Photo) -> dict:
    def url(variant):
        return photo_url(photo, variant)

    ready = photo.derivatives_ready
    return {
        "id": photo.pk, "kind": photo.kind, "position": photo.position,
        "width": photo.width, "height": photo.height, "size": photo.size,
        "original_dpi": photo.original_dpi, "dpi_relabelled": photo.dpi_relabelled,
        "ready": ready,
        "thumbnail_url": url("thumbnail") if ready else static(PLACEHOLDER),
        "preview_url": url("preview") if ready else static(PLACEHOLDER),
        "pending_thumbnail_url": url("thumbnail"),
    }


def _photo_response(request, entry, kind, *, photos=(), errors=(), success=""):
    """JSON for the page script (with the group re-rendered), or a redirect with messages without it."""
    if _wants_json(request):
        entry.refresh_from_db(fields=["taken_on", "has_rectification_photos", "has_duplicate_photo"])
        group = next(g for g in photo_groups(entry, request.user) if g.kind == kind)
        body = {
            "ok": not errors,
            "photos": [_photo_payload(p) for p in photos],
            "group_html": render_to_string("submissions/_photo_group.html",
                                           _group_context(request, entry, group), request=request),
            "entry": {"taken_on": entry.taken_on.isoformat() if entry.taken_on else None},
        }
        if group.can_manage:
            body["missing_html"] = render_to_string("submissions/_missing.html",
                                                    {"missing": missing_items(entry)}, request=request)
        if photos:
            body["photo"] = body["photos"][-1]
        if errors:
            body["error"] = "；".join(errors)
            body["errors"] = list(errors)
        return JsonResponse(body, status=400 if errors else 200, json_dumps_params={"ensure_ascii": False})
    for error in errors:
        messages.error(request, error)
    if success and not errors:
        messages.success(request, success)
    return redirect(_after_change_url(request, entry))


# --- pages -----------------------------------------------------------------------------------------------


@login_required
def my_entries(request):
    """The user's own entries, newest first; a constant number of queries whatever the page holds."""
    entries = (entries_for_user(request.user, include_assigned=False).filter(author=request.user)
               .select_related("campaign", "unit")
               .annotate(hazard_count=Count("photos", filter=Q(photos__kind=PhotoKind.HAZARD)),
                         rectified_count=Count("photos", filter=Q(photos__kind=PhotoKind.RECTIFIED)))
               .prefetch_related(Prefetch("photos", to_attr="hazard_photos",
                                          queryset=Photo.objects.filter(kind=PhotoKind.HAZARD)
                                          .order_by("position", "id")))
               .order_by("-created_at", "-id"))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "submissions/my_entries.html", {
        "page": page, "entries": page.object_list, "placeholder": static(PLACEHOLDER),
        "can_create": rules.has_perm("submissions.add_entry", request.user),
        "editable_states": (EntryState.DRAFT, EntryState.RETURNED),
    })


@login_required
@require_http_methods(["GET", "POST"])
@permission_required("submissions.open_entry_form")
def entry_create(request):
    campaign = Campaign.objects.prefetch_related("phases").current()
    if campaign is None or not campaign.phase_open(PhaseKind.SUBMISSION):
        return render(request, "accounts/message_page.html", {
            "page_title": _("暂不能提交作品"),
            "message": _("当前不在作品提交阶段。请留意活动通知中的时间安排。")})
    form = EntryFieldsForm(request.POST or None, campaign=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_entry(campaign, form.cleaned_data, actor=request.user, request=request)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("草稿已保存。请上传隐患照片（1–4幅），需要时上传整改后照片，然后提交作品。"))
            return redirect("submissions:entry_edit", pk=entry.pk)
    unit = request.user.worker_unit
    return render(request, "submissions/entry_create.html", {
        "form": form, "campaign": campaign, "declaration_text": DECLARATION_TEXT,
        "selection_union": unit.selection_union if unit else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, pk):
    entry = _own_entry(request, pk)
    if not rules.has_perm("submissions.change_entry", request.user, entry):
        if entry.is_editable:
            messages.warning(request, _("当前不在作品提交阶段，作品不能修改。"))
        else:
            messages.info(request, _("作品当前状态为“%(state)s”，不能修改。") % {"state": entry.get_state_display()})
        return redirect("submissions:entry_detail", pk=entry.pk)
    form = EntryFieldsForm(request.POST or None, instance=entry, campaign=entry.campaign, user=request.user)
    if request.method == "POST":
        submitting = request.POST.get("action") == "submit"
        if form.is_valid():
            response = _save_entry(request, entry, form, submitting)
            if response is not None:
                return response
        else:
            # Nothing was saved: say so, and name the fields, so the author does not leave the page
            # believing the edits (or the submission) went through.
            fields = "、".join(str(form.fields[name].label) for name in form.errors if name in form.fields)
            message = _("作品未提交，修改也没有保存。") if submitting else _("修改没有保存。")
            if fields:
                message += _("请改正以下栏目后再保存：%(fields)s。") % {"fields": fields}
            messages.error(request, message)
        # The form wrote the refused values into its instance; the rest of the page shows what is saved.
        entry = _own_entry(request, pk)
    photos = list(entry.photos.all())
    counts = {kind: sum(1 for p in photos if p.kind == kind) for kind in PhotoKind.values}
    return render(request, "submissions/entry_edit.html", {
        "entry": entry, "form": form, "groups": photo_groups(entry, request.user, photos),
        "tus_chunk_size": settings.PORTAL_TUS_CHUNK_KB * 1024,
        "missing": missing_items(entry, counts), "declaration_text": DECLARATION_TEXT,
        "placeholder": static(PLACEHOLDER), "return_reason": return_reason(entry),
        "can_download_original": rules.has_perm("submissions.download_original", request.user, entry),
        "can_withdraw": rules.has_perm("submissions.withdraw_entry", request.user, entry),
        "can_delete": rules.has_perm("submissions.delete_entry", request.user, entry),
    })


def _save_entry(request, entry, form, submitting):
    """Save the valid form, and submit when asked; None when the page is to be shown again."""
    try:
        if not submitting:
            services.update_entry(entry, form.cleaned_data, actor=request.user, request=request)
            messages.success(request, _("已保存。"))
            return redirect("submissions:entry_edit", pk=entry.pk)
        entry, missing = services.save_and_submit_entry(entry, form.cleaned_data, actor=request.user,
                                                        request=request)
    except Refused as exc:
        form.add_error(None, exc.message)
        return None
    if missing:
        messages.warning(request, _("修改已保存，但作品尚未完整，没有提交：%(items)s") % {"items": "；".join(missing)})
        return redirect("submissions:entry_edit", pk=entry.pk)
    messages.success(request, _("作品已提交，等待单位工会审核。单位推荐前仍可补充整改后照片。"))
    return redirect("submissions:entry_detail", pk=entry.pk)


@login_required
def entry_detail(request, pk):
    entry = _visible_entry(request, pk)
    photos = list(entry.photos.all())
    is_author = entry.author_id == request.user.pk
    counts = {kind: sum(1 for p in photos if p.kind == kind) for kind in PhotoKind.values}
    can_change = rules.has_perm("submissions.change_entry", request.user, entry)
    return render(request, "submissions/entry_detail.html", {
        "entry": entry, "groups": photo_groups(entry, request.user, photos),
        "tus_chunk_size": settings.PORTAL_TUS_CHUNK_KB * 1024, "is_author": is_author,
        "can_change": can_change,
        "can_withdraw": rules.has_perm("submissions.withdraw_entry", request.user, entry),
        "can_delete": rules.has_perm("submissions.delete_entry", request.user, entry),
        "can_download_original": rules.has_perm("submissions.download_original", request.user, entry),
        "missing": missing_items(entry, counts) if is_author and can_change else [],
        "declaration_text": DECLARATION_TEXT, "placeholder": static(PLACEHOLDER),
        "return_reason": return_reason(entry),
    })


# --- actions ---------------------------------------------------------------------------------------------


def _named(message: str, upload, several: bool) -> str:
    if not several:
        return message
    name = clean_part(getattr(upload, "name", ""), 60) or _("照片")
    return f"{name}：{message}"


@login_required
@require_POST
def photo_upload(request, pk):
    """Add one photo (or several, for a form without JavaScript) to a group, or replace one."""
    entry = _own_entry(request, pk)
    form = PhotoUploadForm(request.POST)
    if not form.is_valid():
        return _photo_response(request, entry, PhotoKind.HAZARD, errors=[_("照片类别无效。")])
    kind = form.cleaned_data["kind"]
    target = None
    if form.cleaned_data["replace"]:
        target = get_object_or_404(Photo, pk=form.cleaned_data["replace"], entry=entry)
        target.entry = entry
        kind = target.kind
    uploads = request.FILES.getlist("photo")
    if not uploads:
        return _photo_response(request, entry, kind, errors=[_("请选择要上传的照片（jpg 格式）。")])
    several = len(uploads) > 1
    added, errors = [], []
    for upload in uploads[:1] if target else uploads:
        try:
            if target:
                photo = services.replace_photo(target, upload, actor=request.user, request=request)
            else:
                photo = services.add_photo(entry, kind, upload, actor=request.user, request=request)
        except Refused as exc:
            errors.extend(_named(message, upload, several) for message in exc.messages)
        else:
            photo.refresh_from_db(fields=["thumbnail", "preview"])
            added.append(photo)
    success = _("照片已替换。") if target else _("已上传%(count)d幅照片。") % {"count": len(added)}
    return _photo_response(request, entry, kind, photos=added, errors=errors, success=success)


@login_required
@require_POST
def photo_delete(request, photo_pk):
    entry, photo = _own_photo(request, photo_pk)
    try:
        services.delete_photo(photo, actor=request.user, request=request)
    except Refused as exc:
        return _photo_response(request, entry, photo.kind, errors=exc.messages)
    return _photo_response(request, entry, photo.kind, success=_("照片已删除。"))


@login_required
@require_POST
def photo_move(request, photo_pk):
    entry, photo = _own_photo(request, photo_pk)
    form = PhotoMoveForm(request.POST)
    if not form.is_valid():
        return _photo_response(request, entry, photo.kind, errors=[_("移动方向无效。")])
    try:
        services.move_photo(photo, form.cleaned_data["direction"], actor=request.user, request=request)
    except Refused as exc:
        return _photo_response(request, entry, photo.kind, errors=exc.messages)
    return _photo_response(request, entry, photo.kind)


@login_required
@require_POST
def entry_submit(request, pk):
    entry = _own_entry(request, pk)
    try:
        services.submit_entry(entry, actor=request.user, request=request)
    except Refused as exc:
        messages.error(request, _("作品尚未完整，不能提交：%(items)s") % {"items": "；".join(exc.messages)})
        return redirect(_after_change_url(request, entry))
    messages.success(request, _("作品已提交，等待单位工会审核。单位推荐前仍可补充整改后照片。"))
    return redirect("submissions:entry_detail", pk=entry.pk)


@login_required
@require_POST
def entry_withdraw(request, pk):
    entry = _own_entry(request, pk)
    try:
        services.withdraw_entry(entry, actor=request.user, request=request)
    except Refused as exc:
        refusal_message(request, exc)
    else:
        messages.success(request, _("作品已撤回，不再参加评选。"))
    return redirect("submissions:entry_detail", pk=entry.pk)


@login_required
@require_POST
def entry_delete(request, pk):
    """Delete a draft that was never submitted (the page asks for confirmation first)."""
    entry = _own_entry(request, pk)
    try:
        services.delete_entry(entry, actor=request.user, request=request)
    except Refused as exc:
        refusal_message(request, exc)
        return redirect("submissions:entry_detail", pk=entry.pk)
    messages.success(request, _("草稿已删除。"))
    return redirect("submissions:my_entries")
