"""An upload handler that survives a full or read-only temporary disk (issue 12.7).

Django streams uploads above FILE_UPLOAD_MAX_MEMORY_SIZE into a tmp*.upload.jpg file. When that disk is
full, the write fails inside request parsing: the request ends in a 500 and the half-written temporary
file stays until the interpreter happens to collect it. This handler removes the temporary file at once
and keeps the upload in memory instead (bounded by PORTAL_MAX_REQUEST_MB, and only while the disk fails),
so the request reaches the view, whose service says in Chinese that the file could not be stored, or
stores it when only the temporary disk was full.
"""

import logging
from io import BytesIO

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler

logger = logging.getLogger(__name__)


class DiskFullSafeUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        try:
            super().new_file(*args, **kwargs)
        except OSError:
            logger.warning("cannot create a temporary upload file; keeping the upload in memory", exc_info=True)
            self.file = self._in_memory(b"")

    def receive_data_chunk(self, raw_data, start):
        try:
            super().receive_data_chunk(raw_data, start)
        except OSError:
            logger.warning("temporary upload file not writable; keeping the upload in memory", exc_info=True)
            failed = self.file
            # The first `start` bytes were written by earlier chunks whose writes succeeded.
            failed.seek(0)
            head = failed.read(start)
            failed.close()  # a NamedTemporaryFile: closing it deletes it
            self.file = self._in_memory(head)
            self.file.write(raw_data)

    def _in_memory(self, head: bytes) -> InMemoryUploadedFile:
        buffer = BytesIO(head)
        buffer.seek(0, 2)
        return InMemoryUploadedFile(buffer, self.field_name, self.file_name, self.content_type, len(head),
                                    self.charset, self.content_type_extra)
