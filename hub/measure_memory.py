"""Measure the memory of one learner's server working through lessons 02-06, to size a hub.

Starts the learner's server (JupyterLab from this environment, on a free loopback port), then
for each lesson opens a session as JupyterLab does (one kernel per notebook, cwd notebooks/) and
runs every code cell through the server's kernel websocket. psutil samples the resident memory
(RSS) of the jupyter-server and of its kernels every 50 ms while a lesson runs (the peak) and
once more after it has been idle for a few seconds (steady). Kernels are left running, as
JupyterLab leaves them when a learner closes a tab, so the last rows are the worst case of a
learner who never shuts a kernel down.

    python hub/measure_memory.py            # a Markdown table for docs/instructor.md
    python hub/measure_memory.py --json     # the same numbers as JSON

Not part of `make test`: it takes a minute and its numbers depend on the machine. RSS counts
shared libraries in each process, so the sums slightly overstate what the processes need
together; that errs on the safe side for sizing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
import psutil
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

REPO = Path(__file__).resolve().parents[1]
LESSONS = ["02", "03", "04", "05", "06"]
#: Upper bounds for the server's start and for one cell.
START_TIMEOUT, CELL_TIMEOUT = 90.0, 300.0
#: How long a lesson's kernel sits idle before its steady memory is read.
SETTLE = 3.0
MIB = 1024 * 1024


@dataclass(frozen=True)
class Row:
    """Memory after one lesson, in MiB: the server, this lesson's kernel, and all together."""

    lesson: str
    seconds: float
    server: float
    kernel_steady: float
    kernel_peak: float
    one_steady: float  # server + this lesson's kernel
    one_peak: float
    kernels: int  # kernels alive (every lesson so far)
    all_steady: float  # server + every kernel left running
    all_peak: float


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss(process: psutil.Process) -> float:
    try:
        return process.memory_info().rss / MIB
    except psutil.NoSuchProcess:
        return 0.0


class Sampler(threading.Thread):
    """Polls the server's and its kernels' RSS; keeps the peaks since the last reset()."""

    def __init__(self, server: psutil.Process):
        super().__init__(daemon=True)
        self.server, self.kernel = server, None
        self.halt = threading.Event()
        self.reset()

    def reset(self, kernel: psutil.Process | None = None) -> None:
        self.kernel = kernel or self.kernel
        self.kernel_peak = self.one_peak = self.all_peak = 0.0

    def sample(self) -> tuple[float, float, float]:
        """RSS now: this kernel, server + this kernel, server + every kernel."""
        server = _rss(self.server)
        kernels = _kernels(self.server).values()
        kernel = _rss(self.kernel) if self.kernel else 0.0
        return kernel, server + kernel, server + sum(_rss(k) for k in kernels)

    def run(self) -> None:
        while not self.halt.wait(0.05):
            kernel, one, every = self.sample()
            self.kernel_peak = max(self.kernel_peak, kernel)
            self.one_peak = max(self.one_peak, one)
            self.all_peak = max(self.all_peak, every)


class Server:
    """A JupyterLab server on loopback with a token, stopped with its kernels."""

    def __init__(self, root: Path, env: dict[str, str]):
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable, "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
            "--ServerApp.open_browser=False", "--ServerApp.allow_root=True",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                self.api("GET", "/api/status")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the JupyterLab server did not start") from None
                time.sleep(0.2)

    def api(self, method: str, path: str, body: object = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text else None

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                pass


def _kernels(server: psutil.Process) -> dict[str, psutil.Process]:
    """The server's kernels by connection file (``kernel-<id>.json``), other children left out."""
    found = {}
    for child in server.children(recursive=True):
        try:
            files = [part for part in child.cmdline() if "kernel-" in part and ".json" in part]
        except psutil.Error:  # a short-lived subprocess that has already gone
            continue
        if files:
            found[files[0]] = child
    return found


def _kernel_process(server: Server, kernel_id: str) -> psutil.Process:
    """The kernel's process: the one whose connection file names the kernel's id."""
    for name, child in _kernels(psutil.Process(server.process.pid)).items():
        if kernel_id in name:
            return child
    raise RuntimeError(f"no process for kernel {kernel_id}")


async def _run_cells(server: Server, kernel_id: str, notebook: nbformat.NotebookNode) -> None:
    """Execute each code cell in order through the kernel websocket; stop at an unexpected error."""
    url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels"
    request = HTTPRequest(url, headers={"Authorization": f"token {server.token}"})
    connection = await websocket_connect(request)
    session = uuid.uuid4().hex
    try:
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            msg_id = uuid.uuid4().hex
            message = {
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session,
                           "username": "learner", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": cell.source, "silent": False, "store_history": True,
                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
            }  # fmt: skip
            await connection.write_message(json.dumps(message))
            while True:
                raw = await asyncio.wait_for(connection.read_message(), CELL_TIMEOUT)
                if raw is None:
                    raise RuntimeError("the kernel websocket closed")
                if isinstance(raw, bytes):  # a message with binary buffers (widgets): not a reply
                    continue
                reply = json.loads(raw)
                if reply.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if reply["msg_type"] == "execute_reply":
                    expected = "raises-exception" in cell.metadata.get("tags", [])
                    if reply["content"]["status"] != "ok" and not expected:
                        content = reply["content"]
                        raise RuntimeError(f"cell {index}: {content.get('ename')}: "
                                           f"{content.get('evalue')}")  # fmt: skip
                    break
    finally:
        connection.close()


def measure(lessons: list[str] = LESSONS) -> list[Row]:
    """Run each lesson in its own kernel of one server, kernels kept; one Row per lesson."""
    with tempfile.TemporaryDirectory(prefix="netcourse-memory-") as scratch:
        env = {
            **os.environ,
            "NETCOURSE_PROGRESS": str(Path(scratch) / "progress.json"),  # not the user's own
            "JUPYTER_PLATFORM_DIRS": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
        server = Server(REPO, env)
        sampler = Sampler(psutil.Process(server.process.pid))
        sampler.start()
        rows = []
        try:
            for number in lessons:
                path = next((REPO / "notebooks").glob(f"{number}-*.ipynb"))
                notebook = nbformat.read(path, as_version=4)
                started = time.monotonic()
                made = server.api("POST", "/api/sessions", {
                    "path": f"notebooks/{path.name}", "type": "notebook", "name": path.name,
                    "kernel": {"name": "python3"},
                })  # fmt: skip
                kernel_id = made["kernel"]["id"]
                sampler.reset(_kernel_process(server, kernel_id))
                asyncio.run(_run_cells(server, kernel_id, notebook))
                seconds = time.monotonic() - started
                time.sleep(SETTLE)
                kernel, one, every = sampler.sample()
                rows.append(
                    Row(
                        lesson=path.stem,
                        seconds=round(seconds, 1),
                        server=round(_rss(sampler.server), 1),
                        kernel_steady=round(kernel, 1),
                        kernel_peak=round(max(sampler.kernel_peak, kernel), 1),
                        one_steady=round(one, 1),
                        one_peak=round(max(sampler.one_peak, one), 1),
                        kernels=len(_kernels(sampler.server)),
                        all_steady=round(every, 1),
                        all_peak=round(max(sampler.all_peak, every), 1),
                    )
                )
        finally:
            sampler.halt.set()
            server.stop()
        return rows


def markdown(rows: list[Row]) -> str:
    """The rows as the Markdown table the instructor guide shows."""
    lines = [
        "| lesson | run (s) | server | kernel steady | kernel peak | server + kernel steady "
        "| server + kernel peak | kernels kept | all kept, steady | all kept, peak |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.lesson} | {r.seconds} | {r.server:.0f} | {r.kernel_steady:.0f} | "
            f"{r.kernel_peak:.0f} | {r.one_steady:.0f} | {r.one_peak:.0f} | {r.kernels} | "
            f"{r.all_steady:.0f} | {r.all_peak:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument("lessons", nargs="*", default=LESSONS, help="lesson numbers (02-06)")
    args = parser.parse_args(argv)
    rows = measure(args.lessons)
    print(json.dumps([asdict(r) for r in rows], indent=1) if args.json else markdown(rows))


if __name__ == "__main__":
    main()
