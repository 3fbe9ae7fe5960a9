"""A class on a real JupyterHub: learners' kernels run the checks, the instructor reads the homes.

The hub (dummy login on 127.0.0.1, SimpleLocalProcessSpawner: one home per user under a temporary
folder, no system users) starts each learner's real single-user server; code runs in a real
kernel there, so the progress file lands wherever that environment puts it (``$HOME``,
``$JUPYTERHUB_USER``). Then ``class_progress`` reads the homes with the pattern the instructor
guide gives.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from netcourse.checks.classroom import class_progress

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
TOKEN = uuid.uuid4().hex
#: learner -> code their kernel runs: real checks, right and wrong answers.
LEARNERS = {
    "ana": "from netcourse.checks import cidr\ncidr.usable_hosts(32)\ncidr.usable_hosts(30)",
    "ben": "from netcourse.checks import cidr\ncidr.broadcast('10.20.32.0')",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _api(base: str, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{base}/hub/api{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        raw = answer.read()
    return json.loads(raw) if raw else {}


def _wait(what: str, probe, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = probe()
            if last:
                return last
        except (OSError, urllib.error.URLError) as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}: {last!r}")


async def _execute(base: str, user: str, code: str) -> list[str]:
    """Run ``code`` in a new kernel of ``user``'s server; the text it printed, per output."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    headers = {"Authorization": f"token {TOKEN}"}
    request = urllib.request.Request(
        f"{base}/user/{user}/api/kernels", method="POST", data=b"{}", headers=headers
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        kernel = json.loads(answer.read())["id"]
    ws_url = base.replace("http", "ws", 1) + f"/user/{user}/api/kernels/{kernel}/channels"
    connection = await websocket_connect(HTTPRequest(ws_url, headers=headers))
    msg_id = uuid.uuid4().hex
    connection.write_message(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "username": user,
                    "session": uuid.uuid4().hex,
                    "msg_type": "execute_request",
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "content": {"code": code, "silent": False, "allow_stdin": False},
                "channel": "shell",
                "buffers": [],
            }
        )
    )
    printed, idle = [], False
    deadline = time.monotonic() + 120
    while not idle and time.monotonic() < deadline:
        raw = await asyncio.wait_for(connection.read_message(), timeout=120)
        assert raw is not None, "the kernel's channel closed"
        message = json.loads(raw)
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = message["header"]["msg_type"]
        if kind == "stream":
            printed.append(message["content"]["text"])
        elif kind == "error":
            raise AssertionError("\n".join(message["content"]["traceback"]))
        elif kind == "status" and message["content"]["execution_state"] == "idle":
            idle = True
    connection.close()
    delete = urllib.request.Request(
        f"{base}/user/{user}/api/kernels/{kernel}", method="DELETE", headers=headers
    )
    urllib.request.urlopen(delete, timeout=60).close()
    return printed


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if shutil.which("configurable-http-proxy") is None:
        pytest.skip("configurable-http-proxy (npm) is not installed: JupyterHub cannot start")
    folder = tmp_path_factory.mktemp("hub")
    homes = folder / "homes"
    homes.mkdir()
    port, hub_port, proxy_port = _free_port(), _free_port(), _free_port()
    config = f"""
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_port}"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = {str(homes / "{username}")!r}
c.Spawner.cmd = [{str(Path(sys.executable).parent / "jupyterhub-singleuser")!r}]
c.Spawner.args = ["--allow-root"]  # the test may run as root; the learners' homes are its own
c.Spawner.environment = {{"PYTHONPATH": {str(ROOT)!r}, "NO_COLOR": "1"}}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.db_url = "sqlite:///{folder / "hub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(folder / "cookie_secret")!r}
c.ConfigurableHTTPProxy.pid_file = {str(folder / "proxy.pid")!r}
c.JupyterHub.services = [{{"name": "instructor", "api_token": {TOKEN!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "instructor",
    "scopes": ["admin:users", "admin:servers", "access:servers"],
    "services": ["instructor"],
}}]
"""
    (folder / "jupyterhub_config.py").write_text(config)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NETCOURSE_", "JUPYTERHUB_"))}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    log = (folder / "hub.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(folder / "jupyterhub_config.py")],
        cwd=folder,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait("the hub", lambda: _api(base, "GET", "/"), timeout=120)
        yield base, homes
    finally:
        for name in LEARNERS:  # stopped through the hub, which waits for each process to end
            try:
                _api(base, "DELETE", f"/users/{name}/server")
                _wait(
                    f"{name}'s server to stop",
                    lambda name=name: not _api(base, "GET", f"/users/{name}")["servers"],
                    timeout=60,
                )
            except (OSError, urllib.error.URLError, AssertionError):
                pass
        process.terminate()  # the hub stops the servers it spawned and its proxy
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        log.close()


def test_a_class_on_a_real_hub_is_read_from_the_homes(hub):
    base, homes = hub
    printed = {}
    for name in LEARNERS:  # every server starts at once: spawning is most of the time
        _api(base, "POST", f"/users/{name}")
        _api(base, "POST", f"/users/{name}/server")
    for name, code in LEARNERS.items():
        _wait(
            f"{name}'s server",
            lambda name=name: (
                _api(base, "GET", f"/users/{name}")["servers"].get("", {}).get("ready")
            ),
        )
        printed[name] = "".join(asyncio.run(_execute(base, name, code)))
    assert "✘ not yet" in printed["ana"] and "✔ correct" in printed["ana"]
    for name in LEARNERS:  # where the guide says: the home's .local/share/netcourse
        assert (homes / name / ".local" / "share" / "netcourse" / "progress.json").is_file()
    report = class_progress(str(homes / "*" / ".local" / "share" / "netcourse" / "progress.json"))
    assert report.problems == ()
    by_name = {learner.name: learner for learner in report.learners}
    assert set(by_name) == set(LEARNERS)
    assert all(learner.named_by == "file" for learner in report.learners)  # $JUPYTERHUB_USER
    usable = report.check("03-cidr-and-subnets", "usable-hosts")
    assert (usable.tried, usable.passed, usable.failed) == (1, 1, 1)
    assert usable.mistakes == (("counts-every-address", 1),)
    broadcast = report.check("03-cidr-and-subnets", "broadcast")
    assert (broadcast.tried, broadcast.passed, broadcast.stuck) == (1, 0, 1)
    assert broadcast.mistakes == (("network-address", 1),)
    assert class_progress(homes).learners == report.learners  # the folder of homes: the same
