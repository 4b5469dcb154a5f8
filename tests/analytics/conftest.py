"""Analytics tests run gradient boosting single-threaded: OpenMP threads on a busy
machine make these small fits many times slower."""

from __future__ import annotations

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True)
def single_thread():
    with threadpool_limits(1):
        yield
