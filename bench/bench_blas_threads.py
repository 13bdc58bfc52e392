"""Why the served app runs NumPy on one BLAS thread (ui.threads), at the playground's caps.

At the caps (1000 points, 4 hidden layers of 16, softmax over 3 classes, a 100 × 100 grid), in
CPU time (all threads of this process), with OpenBLAS's default thread count and with one,
alternated in the same process (threadpoolctl), median of repeats:

- a playground frame (an epoch, then the grid's forward pass in blocks of PLANE_BLOCK points,
  which keeps each product below OpenBLAS's threading threshold);
- the grid's forward pass as ONE product per layer: what any page's larger product costs.

Also wall time: on a shared machine the spinning threads slow the work down as well. Printed as
ratios, never asserted. Run alone: ``python -m bench.bench_blas_threads``.
"""

from __future__ import annotations

import statistics
import time

REPEATS = 9


def run() -> None:
    import numpy as np
    from threadpoolctl import threadpool_info, threadpool_limits

    from bench.caps import caps_session
    from nn_core.features import transform
    from page_model.playground import MAX_RESOLUTION

    sess = caps_session()
    cfg = sess.cfg
    axis = np.linspace(-3.0, 3.0, MAX_RESOLUTION)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)

    def frame() -> None:
        sess.step(1)
        sess.plane(grid)

    inputs = transform(grid, cfg.features)

    def one_product() -> None:
        sess.net.forward_pass(inputs)

    default = max((lib["num_threads"] for lib in threadpool_info()), default=1)
    for name, work in (("playground frame", frame), ("grid pass, one product", one_product)):
        cpu: dict[int, list[float]] = {default: [], 1: []}
        wall: dict[int, list[float]] = {default: [], 1: []}
        for _ in range(REPEATS):
            for threads in cpu:
                with threadpool_limits(limits=threads):
                    work()  # the threads' first use is not counted
                    w, c = time.perf_counter(), time.process_time()
                    work()
                    cpu[threads].append(time.process_time() - c)
                    wall[threads].append(time.perf_counter() - w)
        ms = {k: statistics.median(v) * 1e3 for k, v in cpu.items()}
        wall_ms = {k: statistics.median(v) * 1e3 for k, v in wall.items()}
        print(f"{name} at the caps: {default} BLAS threads (the default here) {ms[default]:.1f} ms "
              f"of CPU ({wall_ms[default]:.1f} ms wall), 1 thread (the served app) {ms[1]:.1f} ms "
              f"({wall_ms[1]:.1f} ms wall): {ms[default] / ms[1]:.2f}× the CPU", flush=True)


if __name__ == "__main__":
    run()
