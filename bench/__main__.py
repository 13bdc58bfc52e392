"""Run every ``bench_*`` module's ``run()``; one failing module does not stop the others."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback

import bench


def main() -> int:
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__)
                   if m.name.startswith("bench_"))
    failed = []
    for name in names:
        print(f"\n=== bench.{name} ===", flush=True)
        start = time.perf_counter()
        try:
            importlib.import_module(f"bench.{name}").run()
        except Exception:  # report and carry on: the other benchmarks still run
            traceback.print_exc()
            sys.stderr.flush()
            failed.append(name)
        print(f"--- bench.{name}: {time.perf_counter() - start:.1f} s", flush=True)
    if failed:
        print(f"\n{len(failed)} benchmark module(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
