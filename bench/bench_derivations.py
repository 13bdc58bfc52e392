"""derivations speed: first (cold) symbolic derivation of each notes case, the cached
re-derivation, and re-evaluation at new numbers (lambdify, cse=True) per call — against
``subs().evalf()`` of the same gradient, which is what the cache avoids.

Timings are printed, never asserted (time.perf_counter; best of a few repeats for the fast
ones). Run alone: ``python -m bench.bench_derivations``.
"""

from __future__ import annotations

import time

import numpy as np

NOTES_WEIGHTS = [
    ("single_layer", 1, "w_{x_1 z_1} (no hidden layer)"),
    ("mlp", 2, "w_{h_11 z_1} (hidden → output)"),
    ("mlp", 1, "w_{x_1 h_11} (input → hidden, sum over 2 paths)"),
]


def _clear_caches() -> None:
    from derivations import chain, symbolic

    chain.chain_rule.cache_clear()
    symbolic.symbolic_network.cache_clear()
    symbolic.activation_derivative.cache_clear()
    symbolic.error_term.cache_clear()


def _best_per_call(fn, calls: int, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def _fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def run() -> None:
    start = time.perf_counter()
    import derivations as d
    from derivations.step import primary_values

    print(f"import derivations (SymPy, nn_core): {_fmt(time.perf_counter() - start)}")
    rng = np.random.default_rng(0)
    for case, layer, what in NOTES_WEIGHTS:
        _clear_caches()
        net, x, y, _ = d.notes_network(case, seed=0)
        sizes, acts = tuple(net.sizes), tuple(net.activation_names)
        t0 = time.perf_counter()
        rule = d.chain_rule(sizes, acts, "squared_error", layer, 0, 0)
        t_derive = time.perf_counter() - t0
        t0 = time.perf_counter()
        rule.proof()
        t_proof = time.perf_counter() - t0
        t_cached = _best_per_call(
            lambda: d.chain_rule(sizes, acts, "squared_error", layer, 0, 0), 2000)  # noqa: B023
        args = primary_values(net, x, y)
        t_eval = _best_per_call(lambda: rule.evaluate(args), 2000)  # noqa: B023
        t_step = _best_per_call(lambda: d.step_through(net, x, y, layer, 0, 0), 100)  # noqa: B023
        # The slow way the cache avoids: substitute the numbers into the gradient and evalf.
        point = dict(zip(rule.net.primary, args, strict=True))
        t_subs = _best_per_call(lambda: rule.gradient.subs(point).evalf(), 5, repeats=1)  # noqa: B023
        new = args + rng.normal(0, 0.1, args.shape)
        assert np.isfinite(rule.evaluate(new)["gradient"])
        print(f"\n{case}: {what}")
        print(f"  first derivation + lambdify (cold caches): {_fmt(t_derive)}")
        print(f"  proof that the chain-rule split equals the whole derivative: {_fmt(t_proof)}")
        print(f"  cached re-derivation: {_fmt(t_cached)} per call")
        print(f"  re-evaluation at new numbers (lambdify, cse): {_fmt(t_eval)} per call")
        print(f"  whole step_through (checks, FD, backprop, update): {_fmt(t_step)} per call")
        print(f"  subs().evalf() of the gradient instead: {_fmt(t_subs)} per call "
              f"({t_subs / t_eval:.0f}× the lambdified evaluation)")

    _clear_caches()
    from derivations import audit, notes

    audit._cached_audit.cache_clear()
    notes.stated_parts.cache_clear()
    t0 = time.perf_counter()
    recs = d.audit_notes()
    print(f"\naudit_notes(), cold: {_fmt(time.perf_counter() - t0)} for {len(recs)} records "
          f"({sum(not r.agrees for r in recs if r.kind == 'formula')} formula disagreements)")
    t0 = time.perf_counter()
    tr = d.train_with_notes_formula("where_dy_dz", epochs=200)
    print(f"train_with_notes_formula('where_dy_dz', 200 epochs, both curves): "
          f"{_fmt(time.perf_counter() - t0)}; loss derived {tr.derived_loss[0]:.4f} → "
          f"{tr.derived_loss[-1]:.4f}, as stated → {tr.stated_loss[-1]:.4f}")


if __name__ == "__main__":
    run()
