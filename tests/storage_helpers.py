"""Helpers for tests that look at stored files, on the local disk or on S3 (PORTAL_STORAGE=s3, .ci/run).

Under PORTAL_STORAGE=s3 the root conftest gives each test its own key prefix in the bucket (the storage's
`location`), so listing "everything" lists the test's own files only.
"""

import datetime
import os
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.files.storage import default_storage, storages
from storages.backends.s3 import S3Storage

from portal.backups.services import iter_storage_files
from portal.files.storage import PrivateS3Storage


class BackdatableS3Storage(PrivateS3Storage):
    """S3Storage whose files tests can make older, as os.utime does on disk: S3 sets LastModified itself
    and offers no way to change it, and the orphan purge skips files younger than its minimum age."""

    def __init__(self, **settings):
        super().__init__(**settings)
        self.backdated: dict[str, datetime.timedelta] = {}

    def get_modified_time(self, name):
        return super().get_modified_time(name) - self.backdated.get(name, datetime.timedelta(0))


def on_s3() -> bool:
    return isinstance(storages["default"], S3Storage)


def storage_names() -> set[str]:
    """Every file name in the (per-test) default storage."""
    return set(iter_storage_files(default_storage))


def wipe_storage() -> None:
    """Delete every file of the (per-test) default storage."""
    for name in storage_names():
        default_storage.delete(name)


def age_all(media_root, minutes: int) -> None:
    """Make every stored file `minutes` old (the orphan purge skips younger files)."""
    if on_s3():
        storage = storages["default"]
        for name in storage_names():
            storage.backdated[name] = datetime.timedelta(minutes=minutes)
        return
    then = time.time() - minutes * 60
    for folder, _dirs, files in os.walk(media_root):
        for name in files:
            os.utime(os.path.join(folder, name), (then, then))


@dataclass
class Downloaded:
    """What a browser ends up with after GETting a private download URL."""

    status_code: int
    content: bytes
    headers: Mapping[str, str]
    redirected: bool

    def __getitem__(self, header: str) -> str:
        return self.headers[header]


def download(client, url: str, **extra) -> Downloaded:
    """GET a private download as a browser does: on S3 the portal answers an attachment with a 302 to a
    presigned URL, which is followed here against the S3 server (.ci/run's local moto)."""
    response = client.get(url, **extra)
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith(("http://", "https://")) and on_s3():
        try:
            with urllib.request.urlopen(location, timeout=10) as answer:  # noqa: S310 - the test's S3 server
                return Downloaded(answer.status, answer.read(), answer.headers, redirected=True)
        except urllib.error.HTTPError as exc:
            return Downloaded(exc.code, exc.read(), exc.headers, redirected=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Downloaded(response.status_code, body, response.headers, redirected=False)
