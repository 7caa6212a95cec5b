import io

import pytest

from demo.returns import seed_returns

pytestmark = pytest.mark.django_db


def test_seed_returns_without_the_demo_says_so(db):
    out = io.StringIO()
    assert seed_returns(stdout=out) is None
    assert "seed_demo" in out.getvalue()
