from django.http import Http404
from django.views.decorators.http import require_GET

from portal.files.registry import resolver_for
from portal.files.responses import private_file_response


@require_GET
def download(request, kind: str, pk: int, variant: str = "original"):
    """The one door to private files: the kind's resolver checks permission (404 outside scope)."""
    resolver = resolver_for(kind)
    if resolver is None:
        raise Http404
    served = resolver(request, pk, variant)
    return private_file_response(served)


