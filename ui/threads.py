"""One BLAS thread per server process.

NumPy's OpenBLAS starts a worker thread per core and, after each matrix product big enough to
split, keeps them spinning for a while. On a shared server a class's sessions already keep the
cores busy, so those threads only burn CPU: the playground's 10 000-point grid pass at its caps,
as one product per layer, cost 2.9× the CPU with the default (2 threads on 2 cores) than with one
(python -m bench.bench_blas_threads).
threadpoolctl sets the limit in the running process, so it holds whoever imported NumPy first
(an environment variable only acts if it is set before that).
"""

from __future__ import annotations

import functools

from streamlit.logger import get_logger

_LOGGER = get_logger(__name__)


@functools.cache  # once per process: app.py runs again on every rerun
def one_blas_thread() -> int:
    """Limit the BLAS/OpenMP libraries NumPy loaded to one thread; returns the largest thread
    count they report afterwards (1 when the limit holds), also written to the server log."""
    import numpy  # noqa: F401  (loads OpenBLAS, so threadpoolctl finds it)
    from threadpoolctl import threadpool_info, threadpool_limits

    threadpool_limits(limits=1)
    info = threadpool_info()
    threads = max((lib["num_threads"] for lib in info), default=1)
    _LOGGER.info("BLAS threads per process: %d (%s)", threads,
                 ", ".join(f"{lib['internal_api']} {lib.get('version')}" for lib in info))
    return threads
