"""The client's address as seen by the first proxy we trust (login lock-outs, sign-up throttle, audit log).

Behind nginx, REMOTE_ADDR is always nginx, so a lock-out keyed on it locks every user out together
(issue 12.1). With PORTAL_TRUSTED_PROXIES=N the last N hops of the chain `X-Forwarded-For` +
REMOTE_ADDR are our own proxies and the address just before them is the client; anything further left
was written by the client and is ignored, so it cannot be spoofed. This is werkzeug ProxyFix's
`x_for=N` rule. django-ipware was tried: its proxy_count counts hops inside X-Forwarded-For only and,
with a spoofed left part, picks an address the client chose, so the rule is kept here in a few lines.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    address = address.strip()
    if address.startswith("[") and "]" in address:  # [v6]:port
        address = address[1:address.index("]")]
    elif address.count(":") == 1:  # v4:port
        address = address.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or with trusted proxies the hop before the last of them."""
    if request is None:
        return None
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    trusted = getattr(settings, "PORTAL_TRUSTED_PROXIES", 0)
    if not trusted:
        return remote
    forwarded = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    chain = [*forwarded, request.META.get("REMOTE_ADDR", "") or ""]
    if len(chain) <= trusted:
        # Fewer hops than proxies: the request did not come through them (a direct connection to
        # gunicorn, or a misconfigured proxy); the peer is the best address we have.
        return remote
    return _valid(chain[-(trusted + 1)]) or remote
