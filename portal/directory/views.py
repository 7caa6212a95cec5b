from django.http import JsonResponse
from django.views.decorators.http import require_GET

from portal.directory.models import OrgNode

SEARCH_LIMIT = 30


@require_GET
def unit_search(request):
    """Units whose full or short name contains the query; the directory is public (needed at sign-up)."""
    query = request.GET.get("q", "").strip()[:50]
    units = OrgNode.objects.units()
    if query:
        units = units.filter(name__icontains=query) | units.filter(short_name__icontains=query)
    results = [{"id": node.pk, "name": node.name} for node in units.order_by("name")[:SEARCH_LIMIT]]
    return JsonResponse({"results": results})
