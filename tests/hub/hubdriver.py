"""Drive a real JupyterHub for a class, started from hub/jupyterhub_config.py on loopback.

The hub loads the course's own config and replaces only what a test machine cannot have: the
authenticator (the dummy one, any password) and the spawner (SimpleLocalProcessSpawner with one
home per learner under a temporary folder, so no system users). Its proxy is npm's
configurable-http-proxy. Every process it starts (proxy, user servers, kernels) is tracked and
stopped at the end, also on failure, and the fixture fails if one is left.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HUB_CONFIG = REPO / "hub" / "jupyterhub_config.py"
#: The folder nbgitpuller makes in each home: the clone's folder name (hub/gitpull_link.py).
FOLDER = "netcourse"
#: Upper bounds: nothing here waits longer.
HUB_START_TIMEOUT = 90.0
HUB_STOP_TIMEOUT = 30.0


def load(path: Path, name: str):
    """Import a module from a file that is not on sys.path (hub/ and tests/browser/)."""
    if name in sys.modules:  # once: a second copy would hide the first from doctest
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


#: The browser suite's Chromium flags, lab settings and free-port helper, used as they are.
browser = load(REPO / "tests" / "browser" / "conftest.py", "netcourse_browser_conftest")
gitpull_link = load(REPO / "hub" / "gitpull_link.py", "netcourse_gitpull_link")


def proxy_or_skip() -> str:
    """configurable-http-proxy's path, or skip: .ci/run installs it from npm."""
    found = shutil.which("configurable-http-proxy")
    if not found:
        pytest.skip(
            "configurable-http-proxy is not installed (npm install -g configurable-http-proxy)"
        )
    return found


@dataclass
class Hub:
    """A running JupyterHub: its public URL, the learners' homes, the clone they pull."""

    url: str
    token: str
    homes: Path
    repo: Path
    process: subprocess.Popen
    log: Path
    seen: set = field(default_factory=set)

    def api(self, path: str) -> object:
        """GET a JSON endpoint of the hub's REST API with the test's service token."""
        request = urllib.request.Request(
            f"{self.url}/hub/api{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def link(self, notebook: str) -> str:
        """The course's nbgitpuller link for this hub, pulling from the local clone."""
        return gitpull_link.link(self.url, str(self.repo), branch="main", notebook=notebook)

    def track(self) -> None:
        """Remember every process the hub has started so far (proxy, servers, kernels)."""
        import psutil

        try:
            self.seen.update(psutil.Process(self.process.pid).children(recursive=True))
        except psutil.NoSuchProcess:
            pass

    def server_command(self, name: str) -> list[str]:
        """The command line of the learner's running single-user server."""
        import psutil

        for process in self.seen:
            try:
                command = process.cmdline()
                if "jupyterhub.singleuser" in command:
                    if process.environ().get("JUPYTERHUB_USER") == name:
                        return command
            except psutil.Error:
                continue
        raise AssertionError(f"no running server for {name}")

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@contextlib.contextmanager
def watchdog(seconds: float, processes: list) -> Iterator[None]:
    """Kill ``processes`` (the browser) if the block is still running after ``seconds``.

    Playwright bounds its waits but not ``page.evaluate`` of a promise that never settles (a
    kernel that never starts): killing the browser makes such a call fail instead of hang.
    """
    import psutil

    def expire() -> None:
        for process in processes:
            try:
                process.kill()
            except psutil.Error:
                pass

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def browser_processes() -> list:
    """The Chromium processes this test process has started (through Playwright's driver)."""
    import psutil

    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "chrom" in child.name():
                found.append(child)
        except psutil.Error:
            pass
    return found


def config_text(state: Path, homes: Path, port: int, token: str, proxy: str) -> str:
    """The test's config: the course's hub, with loopback ports, dummy login and temporary homes."""
    settings = state / "lab-settings"
    for name, values in browser.LAB_SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    args = [
        "--LabApp.expose_app_in_browser=True",  # labdriver.py drives window.jupyterapp
        "--LabApp.news_url=",
        f"--LabApp.user_settings_dir={settings}",
    ]
    if os.geteuid() == 0:  # CI runs as root; a real class's servers run as each learner
        args.append("--ServerApp.allow_root=True")
    overrides = {
        "JupyterHub.bind_url": f"http://127.0.0.1:{port}",
        "JupyterHub.hub_ip": "127.0.0.1",
        "JupyterHub.hub_port": browser._free_port(),
        "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{browser._free_port()}",
        "ConfigurableHTTPProxy.command": [proxy],
        "ConfigurableHTTPProxy.pid_file": str(state / "proxy.pid"),
        "JupyterHub.authenticator_class": "dummy",
        "JupyterHub.spawner_class": "simple",
        "SimpleLocalProcessSpawner.home_dir_template": str(homes / "{username}"),
        "JupyterHub.services": [{"name": "test", "api_token": token}],
        "JupyterHub.load_roles": [
            {"name": "test", "scopes": ["list:users", "read:users", "read:servers"],
             "services": ["test"]},
        ],
    }  # fmt: skip
    lines = [f"load_subconfig({str(HUB_CONFIG)!r})  # the course's hub, as an instructor runs it"]
    lines += [f"c.{key} = {value!r}" for key, value in overrides.items()]
    lines.append(f"c.Spawner.args.extend({args!r})  # after the course's own arguments")
    return "\n".join(lines) + "\n"


def stop(hub: Hub) -> list[str]:
    """Stop the hub (it stops the proxy and the servers), then anything left; say what was left."""
    import psutil

    hub.track()
    if hub.process.poll() is None:
        hub.process.send_signal(signal.SIGTERM)
        try:
            hub.process.wait(timeout=HUB_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(hub.process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if hub.process.poll() is None:
        hub.process.wait(timeout=5)
    # Anything else started under the test's folder (a server's cwd is its home).
    root = str(hub.homes.parent)
    for process in psutil.process_iter(["cmdline", "cwd"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if root in cmdline or (process.info["cwd"] or "").startswith(root):
            hub.seen.add(process)
    left = []
    for process in hub.seen:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{process.pid} {' '.join(process.cmdline())[:120]}")
                process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(list(hub.seen), timeout=10)
    return left


@contextlib.contextmanager
def running_hub(tmp_path: Path) -> Iterator[Hub]:
    """A JupyterHub on free loopback ports with two allowed learners and a clone to pull."""
    proxy = proxy_or_skip()
    browser._browser_or_skip()
    pytest.importorskip("jupyterhub", reason="JupyterHub is a test extra (pip install -e .[test])")
    pytest.importorskip("nbgitpuller", reason="nbgitpuller is a test extra")
    pytest.importorskip("psutil", reason="psutil is a dependency of netcourse")
    # What the learners pull: this repository's HEAD, as a local clone on branch main.
    repo = tmp_path / "origin" / FOLDER
    for command in (
        ["git", "clone", "--quiet", str(REPO), str(repo)],
        ["git", "-C", str(repo), "checkout", "--quiet", "-B", "main"],
    ):
        subprocess.run(command, check=True, timeout=120, capture_output=True)
    homes, state = tmp_path / "homes", tmp_path / "hub"
    homes.mkdir()
    state.mkdir()
    learners = state / "learners.txt"
    learners.write_text("# the class\nalice\nbob\n")
    port, token = browser._free_port(), secrets.token_hex(16)
    config = state / "jupyterhub_config_test.py"
    config.write_text(config_text(state, homes, port, token, proxy))
    # The hub passes no NETCOURSE_* variable on; the test's own throwaway progress file
    # (conftest.py) must not reach it either, or both learners would share it.
    env = {key: value for key, value in os.environ.items() if not key.startswith("NETCOURSE_")}
    env.update(NETCOURSE_HUB_LEARNERS=str(learners), NETCOURSE_HUB_PYTHON=sys.executable)
    log = state / "jupyterhub.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=state,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    running = Hub(f"http://127.0.0.1:{port}", token, homes, repo, process, log)
    try:
        deadline = time.monotonic() + HUB_START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited early:\n{running.log_tail()}")
            try:
                running.api("/")
                break
            except (urllib.error.URLError, OSError, ValueError):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"JupyterHub did not answer in {HUB_START_TIMEOUT:.0f} s:\n"
                        f"{running.log_tail()}"
                    ) from None
                time.sleep(0.2)
        running.track()
        yield running
    finally:
        left = stop(running)
    assert not left, "processes left running after the hub stopped:\n" + "\n".join(left)
