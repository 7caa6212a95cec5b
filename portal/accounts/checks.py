"""Deploy check: behind a proxy, the client's address must be read past it (issue 12.1, 12.12)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxies_check(app_configs=None, **kwargs):
    # PORTAL_BEHIND_PROXY=1 says nginx is in front; with PORTAL_TRUSTED_PROXIES=0 every request would
    # seem to come from nginx: one attacker's wrong passwords would lock the account out for everyone,
    # and the sign-up throttle would count the whole site as one address.
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.PORTAL_TRUSTED_PROXIES:
        return [Warning(
            "PORTAL_BEHIND_PROXY=1 but PORTAL_TRUSTED_PROXIES=0: lock-outs, the sign-up throttle and the "
            "audit log would see the proxy's address for every client.",
            hint="Set PORTAL_TRUSTED_PROXIES to the number of proxies in front of gunicorn (nginx alone: 1).",
            id="portal.W001",
        )]
    return []
