"""portal.wsgi, the application gunicorn loads: imported in a fresh process, as a worker does."""

from tests.portal.test_settings import import_settings


def test_wsgi_freezes_what_it_loaded_out_of_the_collectors_reach():
    # docs/perf/gc-freeze.md: the full collections after a page of thousands of objects walk only what
    # requests made. Counted before and after the import: the application's objects are in the frozen set.
    result = import_settings(
        "import gc; before = gc.get_freeze_count(); import portal.wsgi; "
        "print(before, gc.get_freeze_count(), callable(portal.wsgi.application))",
        PORTAL_DEBUG="1")
    assert result.returncode == 0, result.stderr
    before, after, callable_ = result.stdout.split()
    assert int(before) == 0
    assert int(after) > 10_000  # Django and the apps' modules, classes and functions (~127,000)
    assert callable_ == "True"
