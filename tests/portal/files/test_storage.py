"""PORTAL_STORAGE=s3: an S3 server that does not answer fails like a disk that cannot be written.

Runs in every pass: the storage points at a closed port on 127.0.0.1, so no S3 server is needed.
"""

import socket

import pytest
from botocore.config import Config
from django.core.files.base import ContentFile

from portal.files.storage import PrivateS3Storage
from portal.refusals import Refused
from submissions import services
from submissions.enums import PhotoKind
from tests.factories import make_entry, small_jpeg, upload

pytestmark = pytest.mark.storage


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable_options() -> dict:
    return {"bucket_name": "nowhere", "endpoint_url": f"http://127.0.0.1:{closed_port()}",
            "access_key": "testing", "secret_key": "testing", "region_name": "us-east-1",
            "default_acl": "private", "querystring_auth": True, "file_overwrite": False,
            # One attempt: botocore would otherwise retry a refused connection with back-off.
            "client_config": Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=2)}


@pytest.fixture
def unreachable_s3(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "portal.files.storage.PrivateS3Storage",
                                                          "OPTIONS": unreachable_options()}}


def test_s3_storage_unreachable_raises_oserror_for_every_operation():
    storage = PrivateS3Storage(**unreachable_options())
    for operation in (lambda: storage.save("a.jpg", ContentFile(b"x")), lambda: storage.open("a.jpg", "rb").read(),
                      lambda: storage.exists("a.jpg"), lambda: storage.listdir(""), lambda: storage.size("a.jpg"),
                      lambda: storage.get_modified_time("a.jpg"), lambda: storage.delete("a.jpg")):
        with pytest.raises(OSError, match="S3 unreachable"):
            operation()


def test_s3_storage_unreachable_photo_upload_is_refused_with_a_message(db, org, small_campaign, unreachable_s3):
    worker = org.users()["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    with pytest.raises(Refused) as refused:
        services.add_photo(entry, PhotoKind.HAZARD, upload(small_jpeg()), actor=worker)
    assert refused.value.code == "storage_error"
    assert not entry.photos.exists()
