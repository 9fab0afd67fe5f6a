"""`make lab` starts JupyterLab for root and non-root users (JupyterLab refuses root unless
told `--allow-root`, which the Makefile adds for root only), and its kernels show interactive
tables.

Each test starts the real target on 127.0.0.1 on a free port with a token, talks to it, and
stops the server; a run as an unprivileged user when the tests run as root and the venv
allows it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from minsheng import config

pytestmark = pytest.mark.pipeline

START_SECONDS = 120      # JupyterLab's first start imports a lot on a 2-core machine
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@dataclass
class Lab:
    url: str
    token: str
    runtime: Path
    log: Path

    def get(self, path: str) -> tuple[int, str]:
        with urllib.request.urlopen(f"{self.url}{path}?token={self.token}", timeout=10) as r:
            return r.status, r.read().decode("utf-8", "replace")

    def post(self, path: str, body: dict) -> dict:
        req = urllib.request.Request(f"{self.url}{path}?token={self.token}", method="POST",
                                     data=json.dumps(body).encode("utf-8"),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.load(r)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def make_lab(home: Path, prefix: tuple[str, ...] = ()) -> Iterator[Lab]:
    """`make lab` on a free port with a token; stopped (its whole process group) on exit."""
    port, token = _free_port(), secrets.token_hex(16)
    args = (f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} "
            f"--ServerApp.port_retries=0 --IdentityProvider.token={token}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "MINSHENG_TABLES"))}
    env.update(HOME=str(home), JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    # -o: never rebuild .venv from a test (the target depends on `setup`).
    cmd = [*prefix, "make", "-s", "--no-print-directory", "-o", ".venv/.installed", "lab",
           f"LAB_ARGS={args}"]
    lab = Lab(f"http://127.0.0.1:{port}", token, home / "runtime", home / "lab.log")
    with open(lab.log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=config.ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                lab.get("/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        yield lab
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def _log(lab: Lab) -> str:
    return lab.log.read_text(encoding="utf-8", errors="replace")[-3000:]


@pytest.fixture
def home():
    # Under /tmp and open to everyone: the unprivileged run needs a home it can write.
    path = Path(tempfile.mkdtemp(prefix="minsheng-lab-"))
    path.chmod(0o777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_make_lab_allows_root_only_for_root():
    dry = subprocess.run(["make", "-n", "--no-print-directory", "-o", ".venv/.installed", "lab"],
                         cwd=config.ROOT, capture_output=True, text=True, check=True).stdout
    assert "jupyter lab --notebook-dir=notebooks" in dry
    assert ("--allow-root" in dry) == (os.geteuid() == 0)


def test_make_lab_serves_jupyterlab(home):
    with make_lab(home) as lab:
        try:
            status, body = lab.get("/lab")
        except urllib.error.URLError as exc:
            pytest.fail(f"/lab not served ({exc}): {_log(lab)}")
    assert status == 200 and "JupyterLab" in body, body[:500]
    assert "--allow-root to bypass" not in _log(lab)   # JupyterLab's refusal as root


def test_a_lab_kernel_shows_interactive_tables(home):
    """A notebook opened in JupyterLab gets a kernel whose tables are interactive (the server
    marks its kernels with JPY_SESSION_NAME; see minsheng.analysis.interactive)."""
    from jupyter_client import BlockingKernelClient

    with make_lab(home) as lab:
        session = lab.post("/api/sessions", {"path": "11_compare_items.ipynb", "type": "notebook",
                                             "name": "11_compare_items.ipynb",
                                             "kernel": {"name": "python3"}})
        connection = lab.runtime / f"kernel-{session['kernel']['id']}.json"
        deadline = time.monotonic() + 60
        while not connection.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        client = BlockingKernelClient(connection_file=str(connection))
        client.load_connection_file()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            said: list[str] = []
            client.execute_interactive(
                "from minsheng.analysis.interactive import table_mode; print(table_mode())",
                output_hook=lambda m: said.append(m["content"].get("text", "")), timeout=60)
        finally:
            client.stop_channels()
    assert "".join(said).strip() == "interactive", _log(lab)


def _venv_usable_by_nobody() -> bool:
    """Whether an unprivileged user can run the venv's programs at all (a venv made from a
    Python under /root cannot be)."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return False
    jupyter = config.ROOT / ".venv" / "bin" / "jupyter"
    probe = subprocess.run([*NOBODY, "bash", "-c", f"'{jupyter}' --version"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _venv_usable_by_nobody(),
                    reason="needs root, and a venv an unprivileged user can run")
def test_make_lab_serves_jupyterlab_to_an_unprivileged_user(home):
    with make_lab(home, tuple(NOBODY)) as lab:
        status, body = lab.get("/lab")
    assert status == 200 and "JupyterLab" in body, _log(lab)
