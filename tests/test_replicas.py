"""The README's replica recipe for real: 2 replicas behind HAProxy (cookie stickiness) keep each
student on one replica, and a session's state survives a websocket reconnect through the
balancer, which it could not on the other replica. Each replica, as served, runs NumPy on one
BLAS thread (ui.threads; more only spin on a shared server's cores). HAProxy is installed if
missing (Debian's package, by scripts/ensure_haproxy.sh, as the browser tests install chromium).
"""

import asyncio
import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.capacity import Student
from bench.replicas import Cluster, check_sticky, ensure_haproxy
from ui.run_gate import SLOTS


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(2, tmp_path_factory.mktemp("replicas"), ensure_haproxy())
    yield c
    c.stop()


@pytest.mark.timeout(600)
def test_sessions_stick_to_their_replica_across_a_reconnect(cluster):
    # Its own thread: under pytest-xdist a Playwright test in the same worker may have left
    # an event loop running in this one, and asyncio.run refuses to nest.
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(asyncio.run, check_sticky(cluster, students=3)).result()
    assert not result["errors"], result["errors"]
    # leastconn + cookie: the students are spread over both replicas, each keeps its own
    assert sorted(set(result["replica_of"])) == ["r1", "r2"]
    # two epochs trained before the reconnect are still there after it (same replica) …
    assert result["kept"] == ["2", "2", "2"]
    # … and are not on the other replica: only stickiness makes the reconnect work
    assert result["elsewhere"] == ["0", "0", "0"]


def test_each_served_replica_runs_numpy_on_one_blas_thread_and_gates_its_runs(cluster):
    # ui.threads limits BLAS once per process and logs the count its libraries report after the
    # limit (OpenBLAS starts one thread per core by default); ui.run_gate logs its slots.
    # Loading a page runs app.py.
    async def load_home(url):
        s = Student(url, random.Random(0), 0.0)
        async with s.connect() as ws:
            s.ws = ws
            await s.open("Home")
        return s.errors

    with ThreadPoolExecutor(1) as pool:
        for url in cluster.warm_urls:
            assert not pool.submit(asyncio.run, load_home(url)).result()
    for replica in cluster.replicas:
        replica._log.flush()
        lines = [line for line in replica.log_path.read_text().splitlines()
                 if "BLAS threads per process" in line]
        assert lines, f"no BLAS thread report in {replica.log_path}"
        assert lines[-1].split("BLAS threads per process: ")[1].startswith("1 ("), lines
        gate = [line for line in replica.log_path.read_text().splitlines()
                if "Script runs at once: " in line]
        assert gate and gate[-1].endswith(f"Script runs at once: {SLOTS}"), gate
