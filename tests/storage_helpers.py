"""Helpers for tests that look at stored files."""

import os
import time


def age_all(media_root, minutes: int) -> None:
    """Make every file under media_root `minutes` old (the orphan purge skips younger files)."""
    then = time.time() - minutes * 60
    for folder, _dirs, files in os.walk(media_root):
        for name in files:
            os.utime(os.path.join(folder, name), (then, then))
