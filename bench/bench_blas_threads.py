"""Why the served app runs NumPy on one BLAS thread (ui.threads): a playground frame at its caps.

A frame at the playground's caps (1000 points, 4 hidden layers of 16, softmax over 3 classes,
the 100 × 100 grid's forward pass) in CPU time (all threads of this process), with OpenBLAS's
default thread count and with one, alternated in the same process (threadpoolctl), median of
repeats. Also wall time: on a shared machine the spinning threads slow the frame down as well.
Printed as a ratio, never asserted. Run alone: ``python -m bench.bench_blas_threads``.
"""

from __future__ import annotations

import statistics
import time

REPEATS = 9


def run() -> None:
    import numpy as np
    from threadpoolctl import threadpool_info, threadpool_limits

    from page_model.playground import (
        MAX_HIDDEN_LAYERS,
        MAX_NEURONS,
        MAX_POINTS,
        MAX_RESOLUTION,
        Config,
        TrainingSession,
        make_data,
    )

    cfg = Config(dataset="blobs3", n_points=MAX_POINTS, hidden=(MAX_NEURONS,) * MAX_HIDDEN_LAYERS,
                 hidden_activations=("tanh",) * MAX_HIDDEN_LAYERS, output="softmax",
                 loss="cross_entropy", test_fraction=0.3)
    sess = TrainingSession(cfg, make_data(cfg))
    axis = np.linspace(-3.0, 3.0, MAX_RESOLUTION)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)

    def frame() -> None:
        sess.step(1)
        sess.plane(grid)

    default = max((lib["num_threads"] for lib in threadpool_info()), default=1)
    cpu: dict[int, list[float]] = {default: [], 1: []}
    wall: dict[int, list[float]] = {default: [], 1: []}
    for _ in range(REPEATS):
        for threads in cpu:
            with threadpool_limits(limits=threads):
                frame()  # the threads' first use is not counted
                w, c = time.perf_counter(), time.process_time()
                frame()
                cpu[threads].append(time.process_time() - c)
                wall[threads].append(time.perf_counter() - w)
    ms = {k: statistics.median(v) * 1e3 for k, v in cpu.items()}
    wall_ms = {k: statistics.median(v) * 1e3 for k, v in wall.items()}
    print(f"playground frame at the caps: {default} BLAS threads (the default here) "
          f"{ms[default]:.1f} ms of CPU ({wall_ms[default]:.1f} ms wall), 1 thread (the served "
          f"app) {ms[1]:.1f} ms ({wall_ms[1]:.1f} ms wall): {ms[default] / ms[1]:.2f}× the CPU")


if __name__ == "__main__":
    run()
