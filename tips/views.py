"""The tips' pages. This first cut has the staff list of tips in scope with their clocks; the public
form, the receipt page and the action pages come next (issue 16)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from portal.permissions import permission_required
from tips.scoping import tips_for_user

PAGE_SIZE = 20


@permission_required("tips.view_cases")
def cases(request):
    queryset = tips_for_user(request.user).select_related("unit", "area", "programme").order_by("-submitted_at", "-id")
    state = request.GET.get("state")
    if state:
        queryset = queryset.filter(state=state)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"tip": tip, "overdue": tip.is_overdue(), "due_soon": tip.is_due_soon()} for tip in page.object_list]
    return render(request, "tips/cases.html", {"page": page, "rows": rows})
