"""portal.settings unchanged, except that collected static files go to the load test's own folder.

STATIC_ROOT is not an environment setting and lies inside the working tree (var/static), which other
people's runs share; the load test must not write there. Everything else, the manifest storage included,
is what production runs.
"""

import os
from pathlib import Path

from portal.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["LOADTEST_STATIC_ROOT"])
