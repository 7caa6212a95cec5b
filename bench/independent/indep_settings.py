"""Production settings of the portal, unchanged, except STATIC_ROOT: the collected (manifest) static
files live in a scratch directory (INDEP_STATIC_ROOT, default /tmp/indep-static) so the checkout stays clean."""
import os
from pathlib import Path

from portal.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ.get("INDEP_STATIC_ROOT", "/tmp/indep-static"))


if os.environ.get("INDEP_NO_CACHE") == "1":
    # Only to time the anonymous exhibition page uncached (its page cache lives in this cache).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
