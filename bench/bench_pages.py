"""Page speed: the server CPU a rerun costs, page by page, against a trivial Streamlit page.

A Streamlit process answers one rerun at a time, so the CPU a rerun costs decides how many
students one process serves. Each page runs under Streamlit's AppTest in its own fresh process
(as a fresh server would): its first load, then reruns that change nothing (a student's click
that changes nothing this page shows, or another student on the same settings), measured in CPU
time (``time.process_time``: every thread of the process, unaffected by other jobs on the
machine) beside a trivial page (a title, a slider and a line of text) measured in the same
process. The first load counts the page's own work in a process where the libraries are
already imported (as in a server that has shown any page). Beside each page: its elements'
floor (``bench.element_floor``: the same elements in the same containers with nothing computed,
against the same trivial page), Streamlit's own cost of drawing what the page draws.
AppTest recompiles a page's source on every run, which a server does once; the bench
gives AppTest one script cache, as the server has, and the process setup app.py makes (one BLAS
thread, the widget key lookup), for the page and the trivial page alike.

Also: One vs all answering a control change (a new noise value: nothing cached), and a
playground frame at its caps (one epoch + the decision boundary + the loss chart, serialised
as ``st.plotly_chart`` does). Printed beside the figures measured before the caching (issue 13);
never asserted. Run alone: ``python -m bench.bench_pages``.
"""

from __future__ import annotations

import importlib
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAGES = ("home", "neuron", "one_vs_all", "hidden_layers", "gradient_descent", "backprop_steps",
         "notes_checked", "playground", "rnn_unrolled", "rnn_bptt", "rnn_gradients", "lstm_cell",
         "sequence_playground")
#: ms of CPU per no-change rerun before this work (issue 13's table); trivial page: 3.3 ms
BEFORE_MS = {"one_vs_all": 133, "playground": 80, "neuron": 68, "notes_checked": 70,
             "hidden_layers": 57, "gradient_descent": 51, "backprop_steps": 48}
BEFORE_TRIVIAL_MS = 3.3
#: a playground frame's parts before charts.wire and the blocked grid pass (CPU ms, same bench)
BEFORE_FRAME_MS = {"train": 3.6, "grid pass": 14.1, "boundary": 23.1, "loss chart": 6.3,
                   "frame": 47.1, "neuron pictures (beside)": 31.0}
TARGET_RATIO = 3.0
TRIVIAL = """
import streamlit as st
st.title("A trivial page")
n = st.slider("n", 0, 10, 3)
st.write(f"n is {n}")
"""
RERUNS = 25


SCRIPT_CPU = [0.0]  # CPU seconds spent in the script thread (what the server runs per rerun)


def _shared_script_cache() -> None:
    """Give AppTest one ScriptCache for the whole process, as a server's Runtime has, and count
    the script thread's own CPU time (AppTest's parsing of the page is the rest)."""
    from streamlit.runtime.scriptrunner import script_cache, script_runner
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = script_cache.ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared
    run_script = script_runner.ScriptRunner._run_script

    def timed(self, *args, **kwargs):
        start = time.thread_time()
        try:
            return run_script(self, *args, **kwargs)
        finally:
            SCRIPT_CPU[0] += time.thread_time() - start

    script_runner.ScriptRunner._run_script = timed


def server_process_setup() -> dict:
    """What app.py sets up once per server process, so pages run here as they are served:
    returns what is on."""
    from ui.threads import one_blas_thread
    from ui.widget_key_lookup import lazy_widget_key_lookup

    return {"BLAS threads": one_blas_thread(), "widget key lookup": lazy_widget_key_lookup()}


def _cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def _paired_rerun_ms(at, trivial, reruns: int = RERUNS) -> dict:
    """Reruns that change nothing (after two warm-up reruns each), the page's and the trivial
    page's taken in turns, so both see the same machine (a shared VM's speed drifts by ±20 %
    within a minute): median CPU ms of each, the whole process's and the script thread's, and
    the median of the per-turn ratios (the "× trivial" the bench reports)."""
    for app in (at, at, trivial, trivial):
        app.run()
    rows = []
    for _ in range(reruns):
        row = []
        for app in (at, trivial):
            before = SCRIPT_CPU[0]
            row += [_cpu(app.run), SCRIPT_CPU[0] - before]
        rows.append(row)
    columns = zip(*rows, strict=True)
    page, page_script, triv, triv_script = (statistics.median(c) * 1e3 for c in columns)
    return {"rerun_ms": page, "script_ms": page_script, "trivial_ms": triv,
            "trivial_script_ms": triv_script,
            "ratio": statistics.median(r[0] / r[2] for r in rows),
            "script_ratio": statistics.median(r[1] / r[3] for r in rows)}


def measure_page(name: str, warmed: bool = False) -> dict:
    """Run in a fresh process: first load, no-change reruns, and the trivial page's.
    ``warmed``: after the app's background warm-up (ui.compute.warm_up) has finished."""
    sys.path.insert(0, str(REPO))
    _shared_script_cache()
    setup = server_process_setup()
    from streamlit.testing.v1 import AppTest

    from bench.element_floor import floor_script, shape, widgets

    # A server that has shown any page has these loaded: the first load counts the page's own
    # work (its data, training, derivations, charts), not the libraries' import.
    for module in ("pandas", "plotly.graph_objects", "derivations", "charts.training",
                   "ui.cached", "ui.layout"):
        importlib.import_module(module)
    if warmed:
        from ui.compute import warm_up

        warm_up(delay=0.0, wait=True)

    with tempfile.TemporaryDirectory() as tmp:
        trivial_path = Path(tmp) / "trivial.py"
        trivial_path.write_text(TRIVIAL)
        trivial = AppTest.from_file(str(trivial_path), default_timeout=120)
        trivial.run()
        at = AppTest.from_file(str(REPO / "views" / f"{name}.py"), default_timeout=300)
        first = _cpu(at.run)
        if at.exception:
            raise RuntimeError(f"{name}: {[e.value for e in at.exception]}")
        out = {"page": name, "first_s": first, "setup": setup}
        out.update(_paired_rerun_ms(at, trivial))
        # Streamlit's floor for what the page draws (bench.element_floor), against the same
        # trivial page: the page's rerun less this is the page's own work.
        floor_path = Path(tmp) / "floor.py"
        floor_path.write_text(floor_script(at._tree))
        floor = AppTest.from_file(str(floor_path), default_timeout=120)
        floor.run()
        if shape(floor._tree) != shape(at._tree):
            raise RuntimeError(f"{name}: the floor page does not draw what the page draws")
        measured = _paired_rerun_ms(floor, trivial)
        out["nodes"], out["widgets"] = len(shape(at._tree)), widgets(at._tree)
        out["floor_ms"], out["floor_ratio"] = measured["rerun_ms"], measured["ratio"]
        floor_path.write_text(floor_script(at._tree, widgets_only=True))
        floor = AppTest.from_file(str(floor_path), default_timeout=120)
        floor.run()
        if widgets(floor._tree) != out["widgets"]:
            raise RuntimeError(f"{name}: the floor page does not draw the page's widgets")
        out["widgets_ratio"] = _paired_rerun_ms(floor, trivial)["ratio"]
        if name == "one_vs_all":
            # A control change: every noise value new, so nothing comes from a cache.
            changes = []
            for k in range(4):
                at.slider(key="ova.noise").set_value(round(0.35 + 0.1 * k, 2))
                changes.append(_cpu(at.run))
            out["change_ms"] = statistics.median(changes) * 1e3
    return out


def playground_frame_ms(frames: int = 8) -> dict:
    """One animation frame at the caps, as the playground's live part draws it: an epoch of
    training, one forward pass of the grid (sess.plane), the decision boundary and the loss
    chart, and their JSON (what st.plotly_chart sends: to_dict, then to_json, with Streamlit's
    template), built as the page builds them (``wire=True``: charts.wire); the neuron pictures
    beside. Median CPU ms per part."""
    import plotly.io as pio
    import streamlit.elements.plotly_chart  # noqa: F401 (sets Streamlit's Plotly template)

    from bench.caps import caps_session
    from charts.neuron_maps import neuron_map
    from charts.training import data_bounds, decision_boundary, grid, loss_curves
    from nn_core.features import feature_labels
    from page_model.playground import MAX_RESOLUTION

    sess = caps_session()
    cfg = sess.cfg
    data = sess.data
    bounds = data_bounds(data.X_train, data.X_test)
    points = grid(bounds, MAX_RESOLUTION)[2]
    parts: dict[str, list[float]] = {"train": [], "grid pass": [], "boundary": [],
                                     "loss chart": []}
    maps = []
    for _ in range(frames):
        parts["train"].append(_cpu(lambda: sess.step(1)))
        layers = []
        parts["grid pass"].append(_cpu(lambda got=layers: got.append(sess.plane(points))))

        def boundary(out=layers[0][-1]):
            fig = decision_boundary(lambda _p: out, data.X_train, data.y_train, data.X_test,
                                    data.y_test, n_classes=data.n_classes,
                                    resolution=MAX_RESOLUTION, bounds=bounds,
                                    encoding=sess.encoding, wire=True)
            pio.to_json(fig.to_dict(), validate=False)

        def loss():
            h = sess.history
            fig = loss_curves({"train": h.train_loss, "test": h.test_loss}, x=h.epoch,
                              wire=True)
            pio.to_json(fig.to_dict(), validate=False)

        def pictures(layers=layers[0]):
            fig = neuron_map(sess.net, layers, MAX_RESOLUTION, feature_labels(cfg.features),
                             wire=True)
            pio.to_json(fig.to_dict(), validate=False)

        parts["boundary"].append(_cpu(boundary))
        parts["loss chart"].append(_cpu(loss))
        maps.append(_cpu(pictures))
    out = {k: statistics.median(v) * 1e3 for k, v in parts.items()}
    out["frame"] = sum(out.values())
    out["neuron pictures (beside)"] = statistics.median(maps) * 1e3
    return out


def measure_frame() -> dict:
    """Run in a fresh process set up as a server's (one BLAS thread): ``playground_frame_ms``."""
    sys.path.insert(0, str(REPO))
    server_process_setup()
    return playground_frame_ms()


def _in_subprocess(name: str, warmed: bool = False) -> dict:
    call = "measure_frame()" if name == "frame" else f"measure_page({name!r}, {warmed!r})"
    code = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(REPO)!r})
        from bench.bench_pages import measure_frame, measure_page
        print("RESULT " + json.dumps({call}))
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=900)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"{name}: no result\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")


def run() -> None:
    print("No-change rerun, CPU ms (AppTest, median of "
          f"{RERUNS}) vs a trivial page in the same process, the two in turns (× trivial: the "
          f"median of the turns' ratios); target ≤ {TARGET_RATIO:g}×")
    print("| page | first load (s) | after warm-up (s) | rerun (ms) | trivial (ms) | × trivial "
          "| elements (widgets) | their floor × trivial | script thread × trivial's | before (ms) "
          f"| before × trivial ({BEFORE_TRIVIAL_MS} ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    results = []
    for name in PAGES:
        r = _in_subprocess(name)
        r["warm_first_s"] = _in_subprocess(name, warmed=True)["first_s"]
        results.append(r)
        ratio = r["ratio"]
        before = BEFORE_MS.get(name)
        print(f"| {name} | {r['first_s']:.2f} | {r['warm_first_s']:.2f} | {r['rerun_ms']:.1f} | "
              f"{r['trivial_ms']:.1f} | "
              f"{ratio:.1f}{'' if ratio <= TARGET_RATIO else ' (over)'} | "
              f"{r['nodes']} ({r['widgets']}) | {r['floor_ratio']:.1f} | {r['script_ratio']:.1f} | "
              f"{before if before else '—'} | "
              f"{f'{before / BEFORE_TRIVIAL_MS:.0f}' if before else '—'} |", flush=True)
    setups = {json.dumps(r["setup"]) for r in results}
    print("Each page's process set up as app.py's: " + " / ".join(
        ", ".join(f"{k} {v}" for k, v in json.loads(s).items()) for s in sorted(setups)))
    for r in results:
        if r["ratio"] > TARGET_RATIO:
            print(f"{r['page']}: over the target; its {r['nodes']} elements drawn with nothing "
                  f"computed cost {r['floor_ratio']:.1f}× (its floor), its {r['widgets']} widgets "
                  f"alone {r['widgets_ratio']:.1f}×"
                  + ("; under the target only by drawing fewer"
                     if r["floor_ratio"] > TARGET_RATIO else
                     f"; its own work {r['rerun_ms'] - r['floor_ms']:.1f} ms over the floor"))
    worst = max(results, key=lambda r: r["ratio"])
    print(f"worst: {worst['page']} at {worst['ratio']:.1f}× trivial; "
          f"slowest first load: {max(r['first_s'] for r in results):.2f} s, after the warm-up "
          f"{max(r['warm_first_s'] for r in results):.2f} s (target ≤ 1 s)")
    ova = next(r for r in results if r["page"] == "one_vs_all")
    print(f"One vs all, a control change (new noise, nothing cached): {ova['change_ms']:.0f} ms "
          "CPU (target ≤ 300 ms; before: 1.0–1.5 s in the browser)")
    frame = _in_subprocess("frame")
    print("Playground frame at the caps (1000 points, 4×16 hidden, resolution 100), CPU ms: "
          + ", ".join(f"{k} {v:.1f} (before {BEFORE_FRAME_MS[k]:g})" for k, v in frame.items())
          + " (target frame ≤ 20 ms; before the caching: the boundary alone 68 ms)")


if __name__ == "__main__":
    run()
