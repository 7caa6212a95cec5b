"""Running one action in several threads at once, each with its own database connection."""

import random
import threading
import time

from django.db import OperationalError, connections


def run_concurrently(count: int, action, *, attempts: int = 400) -> list:
    """Run action(i) in `count` threads released together; return their results in order.

    SQLite answers a concurrent writer with "database is locked": such an attempt is retried after a short
    random pause (PostgreSQL waits on the row lock instead). Any other error fails the calling test.
    """
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            for _attempt in range(attempts):
                try:
                    results[i] = action(i)
                    return
                except OperationalError as exc:
                    if "locked" not in str(exc):
                        raise
                    time.sleep(random.uniform(0.01, 0.05))
            raise AssertionError(f"still locked after {attempts} attempts")
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results
