"""The S3 storage of PORTAL_STORAGE=s3: django-storages' S3Storage whose failures look like the disk's.

The code that stores, reads and lists files (uploads, derivatives, exports, backups, the orphan purge) was
written against FileSystemStorage and handles OSError: a photo upload refuses with a message instead of a
500, the derivative task retries, a missing file is FileNotFoundError. botocore raises its own
exceptions instead (ClientError, EndpointConnectionError, ...), which would slip past all of that; this
class turns them into FileNotFoundError (HTTP 404) or OSError(EIO), so callers stay storage-neutral.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3File, S3Storage
from storages.utils import clean_name


@contextmanager
def s3_errors_as_oserror(name: str) -> Iterator[None]:
    """Re-raise botocore's errors about `name` as FileNotFoundError (404) or OSError(EIO)."""
    try:
        yield
    except ClientError as exc:
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status == 404 or exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
            raise FileNotFoundError(errno.ENOENT, "not in the bucket", name) from exc
        raise OSError(errno.EIO, f"S3 request failed: {exc}", name) from exc
    except BotoCoreError as exc:  # no answer at all: connection refused, timeout, bad endpoint
        raise OSError(errno.EIO, f"S3 unreachable: {exc}", name) from exc


class _PrivateS3File(S3File):
    # The object is downloaded on the first read (into a spooled temporary file, see settings).
    def _get_file(self):
        with s3_errors_as_oserror(self.name):
            return super()._get_file()

    file = property(_get_file, S3File._set_file)

    def close(self):
        with s3_errors_as_oserror(self.name):  # a write is uploaded when the file is closed
            super().close()


class PrivateS3Storage(S3Storage):
    """S3Storage raising OSError / FileNotFoundError like FileSystemStorage (see the module docstring)."""

    def _open(self, name, mode="rb"):
        name = self._normalize_name(clean_name(name))
        with s3_errors_as_oserror(name):
            return _PrivateS3File(name, mode, self)

    def _save(self, name, content):
        with s3_errors_as_oserror(name):
            return super()._save(name, content)

    def delete(self, name):
        with s3_errors_as_oserror(name):
            return super().delete(name)

    def exists(self, name):
        with s3_errors_as_oserror(name):
            return super().exists(name)

    def listdir(self, name):
        with s3_errors_as_oserror(name):
            return super().listdir(name)

    def size(self, name):
        with s3_errors_as_oserror(name):
            return super().size(name)

    def get_modified_time(self, name):
        with s3_errors_as_oserror(name):
            return super().get_modified_time(name)
