"""Concurrent uploads to one entry never exceed the group's cap (the count happens under the row lock).

On PostgreSQL the uploads really race; SQLite's in-memory test database cannot serve concurrent writers
(it reports "table is locked" instead of waiting), so there the same uploads run one after another.
"""

import threading

import pytest
from django.db import connection

from portal.refusals import Refused
from submissions import services
from submissions.enums import PhotoKind
from submissions.models import Photo
from tests.factories import make_entry, small_jpeg, upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_add_photo_concurrent_uploads_never_exceed_cap(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    for n in range(2):
        services.add_photo(entry, PhotoKind.HAZARD, upload(small_jpeg(n)), actor=worker)
    concurrent = connection.vendor == "postgresql"
    barrier = threading.Barrier(4 if concurrent else 1)
    results = []

    def attempt(n):
        try:
            barrier.wait()
            services.add_photo(entry, PhotoKind.HAZARD, upload(small_jpeg(10 + n)), actor=worker)
            results.append("ok")
        except Refused as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
        if not concurrent:
            thread.join()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["group_full", "group_full", "ok", "ok"]
    assert sorted(Photo.objects.filter(entry=entry).values_list("position", flat=True)) == [1, 2, 3, 4]
