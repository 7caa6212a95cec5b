import io

import pytest

from demo.ankang import seed_ankang

pytestmark = pytest.mark.django_db


def test_seed_ankang_without_the_demo_says_so(db):
    out = io.StringIO()
    assert seed_ankang(stdout=out) is None
    assert "seed_demo" in out.getvalue()

