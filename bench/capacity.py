"""Capacity benchmark: how many students one `streamlit run app.py` process serves.

Run with `make capacity` (or `python -m bench.capacity --help`). Not part of `python -m bench`.

Each simulated student speaks the app's own websocket protocol, as the browser does: it sends
a rerun request (the page, and the widget that was clicked) and waits for the server's
"script finished" message, having received every element of the updated page. That time is
the "click to updated page" time, minus the browser's own drawing. A student opens Home, the
backprop step-through (three clicks on Next), and the playground (three clicks on Step, i.e.
three epochs of training), with a think time between clicks, twice over.

For N = 1, 2, 4, 8, … students at once (a fresh server for each N), it prints the server's
memory growth per session (VmRSS from /proc, after a warm-up student loaded every page), and the
median and 95th percentile of the click-to-update time; it stops once the 95th percentile
passes the target (1 s) or the time budget is spent (``--levels 1,16,64``: only those N, for a
short re-measurement). Beside each row it prints issue 13's targets: server CPU per click
≤ 0.04 s, and p95 ≤ 1 s up to 64 students at think 1 s / 128 at think 5 s. ``--compare``
measures the server settings instead (README "Server settings"): one student against servers
that differ in one setting each, alternated, as CPU per click against the app as configured.
All traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

REPO = Path(__file__).resolve().parents[1]
TARGET_P95 = 1.0  # seconds: past this a click feels slow to a class
TARGET_CPU = 0.04  # issue 13: server CPU seconds per click
TARGET_STUDENTS = {1.0: 64, 5.0: 128}  # issue 13: think time (s) → students within TARGET_P95
ACTION_TIMEOUT = 60.0  # a click that takes longer counts at this value


# ----------------------------------------------------------------------------- the server
class Server:
    """`streamlit run app.py` on a free loopback port, with the hosted config."""

    def __init__(self, log: Path, options: tuple[str, ...] = (), env: dict | None = None):
        """``options``: more ``streamlit run`` options; ``env``: more environment variables."""
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.home = tempfile.mkdtemp(prefix="st-capacity-")
        env = dict(os.environ, HOME=self.home, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
                   **(env or {}))
        self.log_path = log
        self._log = open(log, "wb")  # closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", *options],
            cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited ({self.proc.returncode}); see {log}")
            try:
                url = f"http://127.0.0.1:{self.port}/_stcore/health"
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.read().strip() == b"ok":
                        return
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"streamlit not healthy after 60 s; see {log}")

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/_stcore/stream"

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS in /proc status")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used (independent of other load)."""
        return _proc_cpu(f"/proc/{self.proc.pid}/stat")

    def loop_cpu_seconds(self) -> float:
        """… of it, the main thread's: the event loop (websocket sends, session events); the
        rest is the script threads (a page's run, Streamlit's elements) and a few helpers."""
        return _proc_cpu(f"/proc/{self.proc.pid}/task/{self.proc.pid}/stat")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def _proc_cpu(stat: str) -> float:
    fields = Path(stat).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ----------------------------------------------------------------------------- a student
@dataclass
class Widget:
    id: str
    fragment_id: str = ""


@dataclass
class Student:
    url: str
    rng: random.Random
    think: float
    times: list[tuple[str, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # title → (hash, path)
    buttons: dict[str, Widget] = field(default_factory=dict)  # label → widget on this page
    page_hash: str = ""
    page_path: str = ""
    counters: dict[str, str] = field(default_factory=dict)  # "Epoch"/"Step" → shown text
    cookie_url: str | None = None  # behind a balancer: load this page first, keep its cookie
    cookie: str = ""  # the balancer's stickiness cookie, sent with the websocket
    session_id: str = ""  # the server's id of this session (a reconnect names it)

    def fetch_cookie(self) -> None:
        """Load the app's page as a browser does, keeping the balancer's cookie (REPLICA=…)."""
        with urllib.request.urlopen(self.cookie_url, timeout=30) as r:
            r.read()
            cookies = [c.split(";", 1)[0] for c in r.headers.get_all("Set-Cookie") or []]
        self.cookie = "; ".join(c for c in cookies if c.startswith("REPLICA="))

    def connect(self, resume: bool = False):
        """The app's websocket (with the balancer's cookie; ``resume``: this session again)."""
        protocols = ["streamlit"] + (["xsrf-unused", self.session_id] if resume else [])
        headers = {"Cookie": self.cookie} if self.cookie else None
        return websockets.connect(self.url, subprotocols=protocols, max_size=None,
                                  open_timeout=30, ping_interval=None, proxy=None,
                                  additional_headers=headers)

    async def run(self, rounds: int, stop_at: float) -> None:
        if self.cookie_url and not self.cookie:
            await asyncio.to_thread(self.fetch_cookie)
        async with self.connect() as ws:
            self.ws = ws
            for _ in range(rounds):
                for step in SCENARIO:
                    if time.monotonic() > stop_at:
                        return
                    await step(self)
                    await asyncio.sleep(self.think * self.rng.uniform(0.5, 1.5))

    async def _rerun(self, what: str, button: str | None = None) -> None:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.SetInParent()
        cs.page_script_hash = self.page_hash
        cs.page_name = self.page_path
        if button is not None:
            w = self.buttons[button]
            cs.widget_states.widgets.add(id=w.id, trigger_value=True)
            if w.fragment_id:
                cs.fragment_id = w.fragment_id
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        found: dict[str, Widget] = {}
        try:
            async with asyncio.timeout(ACTION_TIMEOUT):
                while True:
                    fwd = ForwardMsg()
                    fwd.ParseFromString(await self.ws.recv())
                    kind = fwd.WhichOneof("type")
                    if kind == "new_session":
                        self.session_id = fwd.new_session.initialize.session_id
                    elif kind == "navigation":
                        self.pages = {p.page_name: (p.page_script_hash, p.url_pathname)
                                      for p in fwd.navigation.app_pages}
                    elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                        el = fwd.delta.new_element
                        etype = el.WhichOneof("type")
                        if etype == "exception":
                            self.errors.append(f"{what}: {el.exception.type}")
                        elif etype == "button":
                            found[el.button.label] = Widget(el.button.id, fwd.delta.fragment_id)
                        elif etype == "metric" and el.metric.label == "Epoch":
                            self.counters["Epoch"] = el.metric.body
                        elif etype == "progress" and el.progress.text.startswith("Step "):
                            self.counters["Step"] = el.progress.text
                    elif kind == "script_finished":
                        if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                            continue
                        break
        except TimeoutError:
            self.errors.append(f"{what}: no answer within {ACTION_TIMEOUT:.0f} s")
        self.times.append((what, time.perf_counter() - start))
        if button is None:  # a whole page arrived: its buttons are all there
            self.buttons = found
        else:  # a fragment rerun only resends its own part
            self.buttons.update(found)

    async def open(self, title: str) -> None:
        if title not in self.pages and self.pages:
            raise RuntimeError(f"no page {title!r} in the navigation: {sorted(self.pages)}")
        self.page_hash, self.page_path = self.pages.get(title, ("", ""))
        await self._rerun(f"open {title}")

    async def click(self, label: str, counter: str) -> None:
        if label not in self.buttons:
            self.errors.append(f"no button {label!r} on {self.page_path or 'home'}")
            return
        before = self.counters.get(counter)
        await self._rerun(f"click {label}", label)
        # The click must have done its work (a step or an epoch further), not just rerun.
        if self.counters.get(counter) == before:
            self.errors.append(f"click {label}: {counter} stayed at {before!r}")


async def _home(s: Student) -> None:
    await s.open("Home")


NEXT_CLICKS = 3  # Next clicks per round on the backprop step-through


async def _backprop(s: Student) -> None:
    await s.open("Backprop, step by step")
    # From the third round on a student would run past the last step: start over first.
    step, _, last = s.counters.get("Step", "").removeprefix("Step ").partition(" of ")
    if step.isdigit() and last.isdigit() and int(step) + NEXT_CLICKS > int(last):
        await s.click("⟲ Restart", "Step")


async def _next(s: Student) -> None:
    await s.click("Next ▶", "Step")


async def _playground(s: Student) -> None:
    await s.open("Training playground")


async def _playground_step(s: Student) -> None:
    await s.click("Step", "Epoch")


SCENARIO = [_home, _backprop, *[_next] * NEXT_CLICKS, _playground, _playground_step,
            _playground_step, _playground_step]


# ----------------------------------------------------------------------------- one level
@dataclass
class Level:
    n: int
    rss_base_mb: float
    rss_peak_mb: float
    times: list[float]  # click → page of every action but opening Home
    errors: list[str]
    seconds: float
    cpu_s: float = 0.0  # server CPU time used by the students' actions
    loop_cpu_s: float = 0.0  # … of it, the event loop's (the server's main thread)
    actions: int = 0  # every rerun the students asked for (opening Home too: it used CPU)
    by_action: dict[str, float] = field(default_factory=dict)  # action → median seconds

    @property
    def per_session_mb(self) -> float:
        return (self.rss_peak_mb - self.rss_base_mb) / self.n

    @property
    def cpu_per_click(self) -> float:
        return self.cpu_s / max(self.actions, 1)

    @property
    def loop_cpu_per_click(self) -> float:
        return self.loop_cpu_s / max(self.actions, 1)


def p50(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def p95(xs: list[float]) -> float:
    if len(xs) < 2:
        return xs[0] if xs else float("nan")
    return statistics.quantiles(xs, n=20, method="inclusive")[-1]


SETTLE_TIMEOUT = 300.0  # s: the warm-up takes ~10 s of CPU, much longer under load


async def _settle(server: Server) -> bool:
    """Wait until the server idles (under 5 % of a core for 2 s in a row); False: it did not
    within SETTLE_TIMEOUT."""
    quiet, deadline = 0, time.monotonic() + SETTLE_TIMEOUT
    while time.monotonic() < deadline:
        cpu = server.cpu_seconds()
        await asyncio.sleep(1.0)
        quiet = quiet + 1 if server.cpu_seconds() - cpu < 0.05 else 0
        if quiet >= 2:
            return True
    return False


async def _level(server: Server, n: int, rounds: int, think: float, budget: float,
                 seed: int) -> Level:
    # Warm-up: one student loads every page, so imports and caches are not counted per session.
    cookie_url = getattr(server, "cookie_url", None)  # a balancer in front (bench.replicas)
    # Every replica (a balancer's, straight to each) loads every page once first.
    for url in getattr(server, "warm_urls", [server.ws_url]):
        await Student(url, random.Random(seed), 0.0).run(1, time.monotonic() + 120)
    # … and finishes its background warm-up (app.py's SymPy thread), or its CPU would count
    # as the students': until two quiet seconds in a row (minutes on a busy machine).
    settled = await _settle(server)
    base = server.rss_mb()
    peak = base
    cpu0, loop0 = server.cpu_seconds(), server.loop_cpu_seconds()
    students = [Student(server.ws_url, random.Random(seed + k + 1), think, cookie_url=cookie_url)
                for k in range(n)]
    start = time.monotonic()
    stop_at = start + budget

    async def sample() -> None:
        nonlocal peak
        while True:
            peak = max(peak, server.rss_mb())
            await asyncio.sleep(0.2)

    sampler = asyncio.create_task(sample())

    async def staggered(k: int, s: Student) -> None:
        await asyncio.sleep(k * min(0.1, 2.0 / n))  # a class does not click in the same ms
        await s.run(rounds, stop_at)

    results = await asyncio.gather(*(staggered(k, s) for k, s in enumerate(students)),
                                   return_exceptions=True)
    sampler.cancel()
    cpu, loop_cpu = server.cpu_seconds() - cpu0, server.loop_cpu_seconds() - loop0
    errors = [f"{type(r).__name__}: {r}" for r in results if isinstance(r, BaseException)]
    times = []
    per_action: dict[str, list[float]] = {}
    for s in students:
        errors += s.errors
        times += [t for what, t in s.times if not what.startswith("open Home")]
        for what, t in s.times:
            per_action.setdefault(what, []).append(t)
    by_action = {what: p50(ts) for what, ts in per_action.items()}
    if not settled:
        errors.append(f"the server was still busy {SETTLE_TIMEOUT:.0f} s after the warm-up "
                      "student (its warm-up thread?): the CPU per click includes that")
    return Level(n, base, peak, times, errors, time.monotonic() - start, cpu, loop_cpu,
                 sum(len(s.times) for s in students), by_action)


def targets_line(think: float) -> str:
    """Issue 13's targets for this think time, printed above a sweep."""
    students = TARGET_STUDENTS.get(think)
    return (f"targets (issue 13): server CPU per click ≤ {TARGET_CPU:g} s; p95 click→page ≤ "
            f"{TARGET_P95:g} s " + (f"up to ≥ {students} students at think {think:g} s"
                                   if students else
                                   f"(student targets are for think {sorted(TARGET_STUDENTS)} s)"))


def student_counts(args) -> list[int]:
    """``--levels`` as given, else 1, 2, 4, … up to ``--max-students``."""
    if args.levels:
        return args.levels
    counts, n = [], 1
    while n <= args.max_students:
        counts.append(n)
        n *= 2
    return counts


def sweep(make_server, args, label: str = "students") -> list[Level]:
    """For each N of ``student_counts(args)`` a fresh server (``make_server(n)``), until the
    95th percentile passes the target or the time budget is spent; prints a table row per N."""
    print(targets_line(args.think))
    print(f"| {label} | MB per session | median click→page (s) | p95 (s) | clicks | errors "
          f"| server CPU per click (s; target ≤ {TARGET_CPU:g}) | of it, event loop (s) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |", flush=True)
    started = time.monotonic()
    levels: list[Level] = []
    for n in student_counts(args):
        left = args.budget - (time.monotonic() - started)
        if left < 30:
            print(f"(time budget spent before N={n})")
            break
        server = make_server(n)
        try:
            level = asyncio.run(_level(server, n, args.rounds, args.think, left - 20, args.seed))
        finally:
            server.stop()
        levels.append(level)
        print(f"| {n} | {level.per_session_mb:.1f} | {p50(level.times):.3f} | "
              f"{p95(level.times):.3f} | {len(level.times)} | {len(level.errors)} | "
              f"{level.cpu_per_click:.3f} | {level.loop_cpu_per_click:.3f} |", flush=True)
        for e in sorted(set(level.errors))[:5]:
            print(f"    error: {e}")
        if p95(level.times) > TARGET_P95:
            break

    if levels:
        print("median per action at the last N: " + ", ".join(
            f"{what} {t:.3f} s" for what, t in sorted(levels[-1].by_action.items())))
    print(summary(levels, args.think))
    print(f"load average {os.getloadavg()[0]:.1f} at the end; "
          f"{time.monotonic() - started:.0f} s in all.", flush=True)
    return levels


def within_target(levels: list[Level]) -> int:
    """The largest N whose 95th percentile stayed within the target (0: none)."""
    return max((lv.n for lv in levels if p95(lv.times) <= TARGET_P95), default=0)


def summary(levels: list[Level], think: float | None = None) -> str:
    if not levels:
        return "nothing measured."
    over = [lv.n for lv in levels if p95(lv.times) > TARGET_P95]
    if over:
        lines = [f"p95 passes {TARGET_P95:g} s at {over[0]} concurrent students "
                 f"(largest N within it: {within_target(levels) or 'none'})."]
    else:
        lines = [f"p95 stayed within {TARGET_P95:g} s up to {levels[-1].n} students."]
    cpu = levels[0].cpu_per_click
    lines.append(f"server CPU per click at {levels[0].n} student(s): {cpu:.3f} s, "
                 f"{cpu / TARGET_CPU:.2f}× the target {TARGET_CPU:g} s "
                 f"({'met' if cpu <= TARGET_CPU else 'not met'}).")
    if think:
        # One process runs Python under one GIL: about one core, so students thinking `think`
        # s between clicks of `c` s of CPU saturate it at about think / c.
        c = levels[-1].cpu_per_click
        lines.append(f"one process (≈ one core) saturates at about think / CPU per click = "
                     f"{think:g} / {c:.3f} ≈ {think / c:.0f} students (CPU per click at "
                     f"{levels[-1].n}); a p95 within {TARGET_P95:g} s needs some headroom below.")
        want = TARGET_STUDENTS.get(think)
        if want:
            got = within_target(levels)
            verdict = ("met" if got >= want else
                       f"not met (p95 passed {TARGET_P95:g} s at {over[0]})" if over else
                       f"not measured (within up to {got}, the largest N tried)")
            lines.append(f"target ≥ {want} students at think {think:g} s: {verdict}; it needs "
                         f"about {think / want:.3f} s of CPU per click or less.")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- the levers
def _no_uvloop_path() -> str:
    """A PYTHONPATH entry that hides uvloop, so Streamlit falls back to asyncio's own loop."""
    d = Path(tempfile.mkdtemp(prefix="no-uvloop-")) / "uvloop"
    d.mkdir()
    (d / "__init__.py").write_text('raise ModuleNotFoundError("hidden by bench.capacity")\n')
    return str(d.parent)


def variants() -> dict[str, tuple[tuple[str, ...], dict]]:
    """Server settings to compare: name → (``streamlit run`` options, environment)."""
    path = os.pathsep.join(p for p in (_no_uvloop_path(), os.environ.get("PYTHONPATH")) if p)
    return {
        "as configured": ((), {}),
        "without uvloop (asyncio's loop)": ((), {"PYTHONPATH": path}),
        "websocket compression on": (("--server.enableWebsocketCompression", "true"), {}),
        "full GC after every rerun": (("--runner.postScriptGC", "true"), {}),
        "magic on (pages recompiled per new session)": (("--runner.magicEnabled", "true"), {}),
    }


def compare(args) -> dict[str, list[Level]]:
    """One student against each variant, alternated ``args.repeats`` times: CPU per click, and
    the event loop's part of it (where the websocket settings act)."""
    found: dict[str, list[Level]] = {}
    for rep in range(args.repeats):
        for name, (options, env) in variants().items():
            log = args.out.parent / f"capacity-compare-{rep}.log"
            server = Server(log, options, env)
            try:
                level = asyncio.run(_level(server, 1, args.rounds, args.think, 300, args.seed))
            finally:
                server.stop()
            found.setdefault(name, []).append(level)
            print(f"  {name}: {level.cpu_per_click:.4f} s per click (event loop "
                  f"{level.loop_cpu_per_click:.4f}; {level.actions} clicks, "
                  f"{len(level.errors)} errors)", flush=True)
            for e in sorted(set(level.errors))[:3]:
                print(f"    error: {e}")
    cpu = {name: p50([lv.cpu_per_click for lv in lvs]) for name, lvs in found.items()}
    loop = {name: p50([lv.loop_cpu_per_click for lv in lvs]) for name, lvs in found.items()}
    base = "as configured"
    print("| server setting | CPU per click (s) | × as configured | of it, event loop (s) "
          "| × as configured |\n| --- | ---: | ---: | ---: | ---: |")
    for name in found:
        print(f"| {name} | {cpu[name]:.4f} | {cpu[name] / cpu[base]:.2f} | {loop[name]:.4f} "
              f"| {loop[name] / loop[base]:.2f} |")
    from bench.bench_blas_threads import run as blas_run

    blas_run()
    return found


def _levels(text: str) -> list[int]:
    counts = sorted({int(x) for x in text.split(",") if x.strip()})
    if not counts or counts[0] < 1:
        raise argparse.ArgumentTypeError("give student counts ≥ 1, e.g. 1,16,64")
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-students", type=int, default=128)
    ap.add_argument("--levels", type=_levels, help="only these student counts, e.g. 1,16,64")
    ap.add_argument("--rounds", type=int, default=2, help="scenario repeats per student")
    ap.add_argument("--think", type=float, default=1.0, help="mean think time between clicks, s")
    ap.add_argument("--budget", type=float, default=600.0, help="whole run, s")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--compare", action="store_true",
                    help="compare server settings (1 student each) instead of a sweep")
    ap.add_argument("--repeats", type=int, default=2, help="--compare: rounds of the variants")
    ap.add_argument("--out", type=Path, default=REPO / "test-artifacts" / "capacity.json")
    args = ap.parse_args(argv)
    args.out = args.out.resolve()
    args.out.parent.mkdir(parents=True, exist_ok=True)

    print(f"capacity: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start; "
          f"think {args.think} s, {args.rounds} rounds of {len(SCENARIO)} actions per student")
    if args.compare:
        compare(args)
        return 0
    levels = sweep(lambda n: Server(args.out.parent / f"capacity-server-{n}.log"), args)
    args.out.write_text(json.dumps([
        {"students": lv.n, "think_s": args.think, "mb_per_session": lv.per_session_mb,
         "rss_base_mb": lv.rss_base_mb, "rss_peak_mb": lv.rss_peak_mb, "median_s": p50(lv.times),
         "p95_s": p95(lv.times), "clicks": len(lv.times), "actions": lv.actions,
         "errors": lv.errors[:20], "seconds": lv.seconds, "server_cpu_s": lv.cpu_s,
         "server_cpu_per_click_s": lv.cpu_per_click, "event_loop_cpu_s": lv.loop_cpu_s,
         "median_by_action_s": lv.by_action}
        for lv in levels], indent=1))
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
