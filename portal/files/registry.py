"""What the private download view can serve.

Each kind of private file registers a resolver `(request, pk, variant) -> ServedFile` that loads the
object through its app's scoping query and raises Http404 when the user may not see it. The view
therefore never serves a file whose owner did not say yes.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files import File


@dataclass(frozen=True)
class ServedFile:
    file: File           # a FieldFile or any storage-backed File
    download_name: str   # what the user sees (UTF-8 allowed)
    content_type: str = "application/octet-stream"
    inline: bool = False  # only for re-encoded, metadata-free images shown on pages
    ascii_name: str = ""  # the ASCII `filename` for old clients; derived from download_name when empty


Resolver = Callable[..., ServedFile]
_resolvers: dict[str, Resolver] = {}


def register(kind: str):
    def decorator(resolver: Resolver) -> Resolver:
        _resolvers[kind] = resolver
        return resolver

    return decorator


def resolver_for(kind: str) -> Resolver | None:
    return _resolvers.get(kind)


def unregister(kind: str) -> None:
    _resolvers.pop(kind, None)
