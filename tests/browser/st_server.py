"""`streamlit run app.py` as a subprocess on a free loopback port, with the hosted settings
from `.streamlit/config.toml` (used by the browser fixtures and the hosting test)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def hosted_error_details() -> str:
    """`client.showErrorDetails` as the hosted copy sets it (read from config.toml)."""
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    return str(config.get("client", {}).get("showErrorDetails", "full"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """A `streamlit run app.py` subprocess on a free loopback port."""

    def __init__(self, cwd: Path, log_path: Path, extra_env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.home = Path(tempfile.mkdtemp(prefix="st-home-"))
        env = dict(os.environ)
        env.update(
            {
                "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": hosted_error_details(),
                "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
                "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
                # A fresh HOME: the server must not depend on, or write to, a user's home.
                "HOME": str(self.home),
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        env.update(extra_env or {})
        cmd = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(self.port), "--server.address", "127.0.0.1",
            "--server.headless", "true",
        ]  # fmt: skip
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log_path, "wb")  # closed in stop()
        self.proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def log_tail(self, n: int = 40) -> str:
        lines = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-n:])

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with code {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200 and r.read().strip() == b"ok":
                        return
            except OSError:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        shutil.rmtree(self.home, ignore_errors=True)
