"""Response headers that neither Django nor django-csp sets."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Add `Permissions-Policy` (settings.PORTAL_PERMISSIONS_POLICY) to every response.

    Django's SecurityMiddleware covers nosniff, Referrer-Policy and COOP, XFrameOptionsMiddleware the
    framing, and django-csp the Content-Security-Policy; browser features have no setting of their own.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PORTAL_PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response
