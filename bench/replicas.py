"""The README's "bigger class" recipe, run for real: N replicas of the app behind HAProxy.

Run with ``make replicas`` (or ``python -m bench.replicas --help``). It installs Debian's haproxy
if missing (scripts/ensure_haproxy.sh, as scripts/ensure_browser.sh installs chromium), starts
the replicas (``streamlit run app.py``, each on its own loopback port) and HAProxy in front of
them with the README's configuration (cookie stickiness, health checks, long websocket
tunnels), then:

1. checks stickiness: each of several students loads the page (getting the balancer's cookie),
   opens its websocket through the balancer, trains two epochs in the playground, disconnects
   and reconnects with the same cookie and session id; the epoch must still be 2 (the session's
   state lives in one replica's memory, so it survives only if the reconnect reached the same
   replica), while the same session id sent to another replica finds nothing (epoch 0), and the
   students are spread over every replica;
2. runs the simulated class (bench.capacity's scenario) through the balancer for 1 replica and
   for N, and reports how many students each serves within the 1 s target.

All traffic stays on 127.0.0.1; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.capacity import (
    REPO,
    TARGET_P95,
    Server,
    Student,
    _levels,
    p95,
    sweep,
    within_target,
)

HEALTH_TIMEOUT = 60.0


def ensure_haproxy() -> str:
    """The haproxy binary, installed by scripts/ensure_haproxy.sh if missing."""
    subprocess.run(["bash", str(REPO / "scripts" / "ensure_haproxy.sh")], check=True,
                   timeout=600)
    found = os.environ.get("HAPROXY") or shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(found).exists():
        raise RuntimeError("haproxy is not installed (scripts/ensure_haproxy.sh failed)")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


HAPROXY_CFG = """\
global
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h                             # long-lived websockets

frontend class
    bind 127.0.0.1:{port}
    default_backend replicas

backend replicas
    balance leastconn
    cookie REPLICA insert indirect nocache        # sticky: a browser keeps its replica
    option httpchk GET /_stcore/health
{servers}
"""


class Cluster:
    """N replicas and HAProxy in front, on loopback; the interface of bench.capacity.Server."""

    def __init__(self, n: int, log_dir: Path, haproxy: str):
        self.replicas: list[Server] = []
        self.proc = None
        self._tmp = tempfile.mkdtemp(prefix="st-replicas-")
        try:
            for k in range(n):
                self.replicas.append(Server(log_dir / f"replica-{n}-{k + 1}.log"))
            self.port = _free_port()
            servers = "\n".join(f"    server r{k + 1} 127.0.0.1:{r.port} check cookie r{k + 1}"
                                for k, r in enumerate(self.replicas))
            cfg = Path(self._tmp) / "haproxy.cfg"
            cfg.write_text(HAPROXY_CFG.format(port=self.port, servers=servers))
            self._log = open(log_dir / f"haproxy-{n}.log", "wb")  # closed in stop()
            self.proc = subprocess.Popen([haproxy, "-db", "-f", str(cfg)], stdout=self._log,
                                         stderr=subprocess.STDOUT)
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + HEALTH_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"haproxy exited ({self.proc.returncode})")
            try:
                with urllib.request.urlopen(f"{self.http_url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        return
            except OSError:
                time.sleep(0.25)
        raise RuntimeError(f"HAProxy not answering after {HEALTH_TIMEOUT:.0f} s")

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/_stcore/stream"

    @property
    def warm_urls(self) -> list[str]:
        """Each replica's own websocket (bench.capacity warms every replica up)."""
        return [f"ws://127.0.0.1:{r.port}/_stcore/stream" for r in self.replicas]

    @property
    def cookie_url(self) -> str:
        return self.http_url + "/"

    def rss_mb(self) -> float:
        return sum(r.rss_mb() for r in self.replicas)

    def cpu_seconds(self) -> float:
        return sum(r.cpu_seconds() for r in self.replicas)

    def loop_cpu_seconds(self) -> float:
        return sum(r.loop_cpu_seconds() for r in self.replicas)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None:
            self._log.close()
        for r in self.replicas:
            r.stop()
        shutil.rmtree(self._tmp, ignore_errors=True)


# ----------------------------------------------------------------------------- stickiness
async def _train_two_epochs(s: Student) -> None:
    await s.open("Home")  # the first rerun brings the navigation (page names → hashes)
    await s.open("Training playground")
    await s.click("Step", "Epoch")
    await s.click("Step", "Epoch")


async def _epoch_after_reconnect(s: Student, url: str | None = None) -> str | None:
    """Reconnect ``s``'s session (to ``url``: a replica directly) and reopen the playground."""
    s.counters.pop("Epoch", None)
    url, s.url = s.url, url or s.url
    try:
        async with s.connect(resume=True) as ws:
            s.ws = ws
            await s.open("Training playground")
    finally:
        s.url = url
    return s.counters.get("Epoch")


async def check_sticky(cluster: Cluster, students: int = 6) -> dict:
    """Each student: cookie, websocket, two epochs, then reconnect through the balancer (state
    kept) and, as a control, straight to another replica (state not there)."""
    result = {"replica_of": [], "kept": [], "elsewhere": [], "errors": []}
    for k in range(students):
        s = Student(cluster.ws_url, random.Random(k), 0.0, cookie_url=cluster.cookie_url)
        await asyncio.to_thread(s.fetch_cookie)
        async with s.connect() as ws:
            s.ws = ws
            await _train_two_epochs(s)
        replica = s.cookie.removeprefix("REPLICA=")
        result["replica_of"].append(replica)
        result["kept"].append(await _epoch_after_reconnect(s))
        others = [r for i, r in enumerate(cluster.replicas) if f"r{i + 1}" != replica]
        if others:
            direct = f"ws://127.0.0.1:{others[0].port}/_stcore/stream"
            cookie, s.cookie = s.cookie, ""
            result["elsewhere"].append(await _epoch_after_reconnect(s, direct))
            s.cookie = cookie
        result["errors"] += s.errors
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--max-students", type=int, default=256)
    ap.add_argument("--levels", type=_levels, help="only these student counts, e.g. 1,16,64")
    ap.add_argument("--rounds", type=int, default=2, help="scenario repeats per student")
    ap.add_argument("--think", type=float, default=1.0, help="mean think time between clicks, s")
    ap.add_argument("--budget", type=float, default=900.0, help="per replica count, s")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sticky-only", action="store_true", help="only the stickiness check")
    args = ap.parse_args(argv)
    log_dir = REPO / "test-artifacts"
    log_dir.mkdir(parents=True, exist_ok=True)
    haproxy = ensure_haproxy()

    cluster = Cluster(args.replicas, log_dir, haproxy)
    try:
        sticky = asyncio.run(check_sticky(cluster))
    finally:
        cluster.stop()
    spread = sorted(set(sticky["replica_of"]))
    ok = (all(v == "2" for v in sticky["kept"]) and all(v == "0" for v in sticky["elsewhere"])
          and len(spread) == args.replicas and not sticky["errors"])
    print(f"stickiness through HAProxy, {args.replicas} replicas: students on {spread}; epoch "
          f"after a reconnect {sticky['kept']} (2 = the session's state was there), sent to "
          f"another replica {sticky['elsewhere']} (0 = not there); "
          f"{'OK' if ok else 'FAILED'}", flush=True)
    for e in sticky["errors"][:5]:
        print(f"    error: {e}")
    if args.sticky_only:
        return 0 if ok else 1

    print(f"\ncapacity through HAProxy: {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; think {args.think} s, {args.rounds} rounds per student")
    found, passed = {}, {}
    for n in sorted({1, args.replicas}):
        print(f"\n{n} replica(s):")
        levels = sweep(lambda _students, n=n: Cluster(n, log_dir, haproxy), args)
        found[n] = within_target(levels)
        passed[n] = any(p95(lv.times) > TARGET_P95 for lv in levels)
    if len(found) == 2:
        one, many = found[1], found[args.replicas]
        factor = (f" ({many / one:.1f}×)" if one and passed[1] and passed[args.replicas] else
                  " (no factor: a sweep ended before its p95 passed the target; "
                  "raise --levels or --budget)")
        print(f"\nstudents within p95 ≤ {TARGET_P95:g} s: 1 replica {one}, {args.replicas} "
              f"replicas {many}{factor}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
