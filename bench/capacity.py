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
passes the target (1 s) or the time budget is spent. All traffic stays on 127.0.0.1.
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
ACTION_TIMEOUT = 60.0  # a click that takes longer counts at this value


# ----------------------------------------------------------------------------- the server
class Server:
    """`streamlit run app.py` on a free loopback port, with the hosted config."""

    def __init__(self, log: Path):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.home = tempfile.mkdtemp(prefix="st-capacity-")
        env = dict(os.environ, HOME=self.home, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
        self._log = open(log, "wb")  # closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
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
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


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


async def _backprop(s: Student) -> None:
    await s.open("Backprop, step by step")


async def _next(s: Student) -> None:
    await s.click("Next ▶", "Step")


async def _playground(s: Student) -> None:
    await s.open("Training playground")


async def _playground_step(s: Student) -> None:
    await s.click("Step", "Epoch")


SCENARIO = [_home, _backprop, _next, _next, _next, _playground, _playground_step, _playground_step,
            _playground_step]


# ----------------------------------------------------------------------------- one level
@dataclass
class Level:
    n: int
    rss_base_mb: float
    rss_peak_mb: float
    times: list[float]
    errors: list[str]
    seconds: float
    cpu_s: float = 0.0  # server CPU time used by the students' clicks
    by_action: dict[str, float] = field(default_factory=dict)  # action → median seconds

    @property
    def per_session_mb(self) -> float:
        return (self.rss_peak_mb - self.rss_base_mb) / self.n


def p50(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def p95(xs: list[float]) -> float:
    if len(xs) < 2:
        return xs[0] if xs else float("nan")
    return statistics.quantiles(xs, n=20, method="inclusive")[-1]


async def _level(server: Server, n: int, rounds: int, think: float, budget: float,
                 seed: int) -> Level:
    # Warm-up: one student loads every page, so imports and caches are not counted per session.
    cookie_url = getattr(server, "cookie_url", None)  # a balancer in front (bench.replicas)
    # Every replica (a balancer's, straight to each) loads every page once first.
    for url in getattr(server, "warm_urls", [server.ws_url]):
        await Student(url, random.Random(seed), 0.0).run(1, time.monotonic() + 120)
    # … and finishes its background warm-up (app.py's): at most 60 s, until it idles.
    for _ in range(120):
        cpu = server.cpu_seconds()
        await asyncio.sleep(0.5)
        if server.cpu_seconds() - cpu < 0.05:
            break
    base = server.rss_mb()
    peak = base
    cpu0 = server.cpu_seconds()
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
    cpu = server.cpu_seconds() - cpu0
    errors = [f"{type(r).__name__}: {r}" for r in results if isinstance(r, BaseException)]
    times = []
    per_action: dict[str, list[float]] = {}
    for s in students:
        errors += s.errors
        times += [t for what, t in s.times if not what.startswith("open Home")]
        for what, t in s.times:
            per_action.setdefault(what, []).append(t)
    by_action = {what: p50(ts) for what, ts in per_action.items()}
    return Level(n, base, peak, times, errors, time.monotonic() - start, cpu, by_action)


def sweep(make_server, args, label: str = "students") -> list[Level]:
    """N = 1, 2, 4, … students, a fresh server (``make_server(n)``) for each, until the 95th
    percentile passes the target or the time budget is spent; prints a table row per N."""
    print(f"| {label} | MB per session | median click→page (s) | p95 (s) | clicks | errors "
          "| server CPU per click (s) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |", flush=True)
    started = time.monotonic()
    levels: list[Level] = []
    n = 1
    while n <= args.max_students:
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
        clicks = len(level.times) + n * args.rounds  # the Home opens used CPU too
        print(f"| {n} | {level.per_session_mb:.1f} | {p50(level.times):.3f} | "
              f"{p95(level.times):.3f} | {len(level.times)} | {len(level.errors)} | "
              f"{level.cpu_s / max(clicks, 1):.3f} |", flush=True)
        for e in sorted(set(level.errors))[:5]:
            print(f"    error: {e}")
        if p95(level.times) > TARGET_P95:
            break
        n *= 2

    if levels:
        print("median per action at the last N: " + ", ".join(
            f"{what} {t:.3f} s" for what, t in sorted(levels[-1].by_action.items())))
    print(summary(levels))
    print(f"load average {os.getloadavg()[0]:.1f} at the end; "
          f"{time.monotonic() - started:.0f} s in all.", flush=True)
    return levels


def within_target(levels: list[Level]) -> int:
    """The largest N whose 95th percentile stayed within the target (0: none)."""
    return max((lv.n for lv in levels if p95(lv.times) <= TARGET_P95), default=0)


def summary(levels: list[Level]) -> str:
    over = [lv.n for lv in levels if p95(lv.times) > TARGET_P95]
    if over:
        return (f"p95 passes {TARGET_P95:g} s at {over[0]} concurrent students "
                f"(largest N within it: {within_target(levels) or 'none'}).")
    return f"p95 stayed within {TARGET_P95:g} s up to {levels[-1].n if levels else 0} students."


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-students", type=int, default=128)
    ap.add_argument("--rounds", type=int, default=2, help="scenario repeats per student")
    ap.add_argument("--think", type=float, default=1.0, help="mean think time between clicks, s")
    ap.add_argument("--budget", type=float, default=600.0, help="whole run, s")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=REPO / "test-artifacts" / "capacity.json")
    args = ap.parse_args(argv)
    args.out = args.out.resolve()
    args.out.parent.mkdir(parents=True, exist_ok=True)

    print(f"capacity: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start; "
          f"think {args.think} s, {args.rounds} rounds of {len(SCENARIO)} actions per student")
    levels = sweep(lambda n: Server(args.out.parent / f"capacity-server-{n}.log"), args)
    args.out.write_text(json.dumps([
        {"students": lv.n, "mb_per_session": lv.per_session_mb, "rss_base_mb": lv.rss_base_mb,
         "rss_peak_mb": lv.rss_peak_mb, "median_s": p50(lv.times), "p95_s": p95(lv.times),
         "clicks": len(lv.times), "errors": lv.errors[:20], "seconds": lv.seconds,
         "server_cpu_s": lv.cpu_s, "median_by_action_s": lv.by_action}
        for lv in levels], indent=1))
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
