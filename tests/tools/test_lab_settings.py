"""The course's JupyterLab settings reach the JupyterLab that `make lab`, Binder and the hub start.

JupyterLab itself is the judge: its own LabApp says where it reads a package's defaults, its
settings code resolves the news setting, and a real (short-lived) JupyterLab server answers the
settings request of the notification plugin with the news prompt off.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from netcourse.tools import lab_settings

sys.path.insert(0, str(Path(__file__).parents[1]))  # wheel_build: one wheel build at a time
from wheel_build import build_wheel  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "@jupyterlab/apputils-extension:notification"


def _labapp():
    from jupyterlab.labapp import LabApp

    return LabApp()


def _news_default(app_settings_dir: Path, tmp_path: Path) -> str:
    """fetchNews as JupyterLab's settings code resolves it for a learner with no settings."""
    from jupyterlab_server.settings_utils import get_settings

    result, _ = get_settings(
        str(app_settings_dir),
        _labapp().schemas_dir,
        str(tmp_path / "user-settings"),
        schema_name=PLUGIN,
        labextensions_path=[],
    )
    assert result["settings"] == {}  # nothing of the learner's own
    return result["schema"]["properties"]["fetchNews"]["default"]


def test_the_settings_turn_the_news_prompt_off():
    assert lab_settings.settings() == {PLUGIN: {"fetchNews": "false"}}


def test_the_tool_writes_where_this_environments_jupyterlab_reads(monkeypatch, tmp_path):
    monkeypatch.delenv("JUPYTERLAB_DIR", raising=False)
    assert lab_settings.settings_dir() == Path(_labapp().app_settings_dir) / "overrides.d"
    monkeypatch.setenv("JUPYTERLAB_DIR", str(tmp_path))  # a hub or image may move the app dir
    assert lab_settings.settings_dir() == Path(_labapp().app_settings_dir) / "overrides.d"
    assert lab_settings.settings_dir() == tmp_path.resolve() / "settings" / "overrides.d"


def test_jupyterlab_resolves_the_news_setting_off_once_installed(monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "config"))  # no labconfig of ours
    app = tmp_path / "app"
    assert _news_default(app / "settings", tmp_path) == "none"  # JupyterLab's own: it asks
    target = lab_settings.install(app)
    assert target == app / "settings" / "overrides.d" / "netcourse.json"
    assert _news_default(app / "settings", tmp_path) == "false"
    assert lab_settings.install(app) == target  # again: unchanged, still read
    assert lab_settings.main(["--check", "--app-dir", str(app)]) == 0
    assert lab_settings.main(["--check", "--app-dir", str(tmp_path / "elsewhere")]) == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str) -> dict | None:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.loads(answer.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


@pytest.mark.slow  # about 40 s on the shared machine: a real JupyterLab starts
def test_a_real_jupyterlab_serves_the_news_prompt_off(tmp_path):
    """As `make` does: run the tool, then start JupyterLab with its defaults, in one app dir."""
    real = Path(_labapp().app_dir)
    app = tmp_path / "app"  # this environment's JupyterLab, with a settings folder of the test's
    app.mkdir()
    for part in ("schemas", "static", "themes"):
        (app / part).symlink_to(real / part)
    env = {
        **os.environ,
        "JUPYTERLAB_DIR": str(app),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    subprocess.run(
        [sys.executable, "-m", "netcourse.tools.lab_settings"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (app / "settings" / "overrides.d" / "netcourse.json").is_file()
    port, token = _free_port(), "netcourse-test"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={tmp_path}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/lab/api/settings/{PLUGIN}"
        deadline, answer = time.monotonic() + 90, None
        while answer is None and time.monotonic() < deadline and server.poll() is None:
            answer = _get(url, token)
            if answer is None:
                time.sleep(0.3)
        assert answer is not None, (tmp_path / "lab.log").read_text()[-3000:]
        assert answer["schema"]["properties"]["fetchNews"]["default"] == "false"
        assert "fetchNews" not in answer["settings"]  # the default is what the learner gets
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
        log.close()


def test_make_binder_and_the_wheel_all_install_the_settings(tmp_path):
    makefile = (ROOT / "Makefile").read_text()
    stamp = makefile.split("$(STAMP):", 1)[1].split("\n\n", 1)[0]
    assert "netcourse/data/jupyterlab/netcourse.json" in stamp.splitlines()[0]
    assert stamp.index("pip install --quiet -e") < stamp.index("-m netcourse.tools.lab_settings")
    # the hub's single-user servers run from that venv (hub/jupyterhub_config.py)
    assert "sys.executable" in (ROOT / "hub" / "jupyterhub_config.py").read_text()
    post_build = (ROOT / "postBuild").read_text()
    assert "python -m netcourse.tools.lab_settings" in post_build
    wheel = build_wheel(tmp_path)  # one build at a time in the checkout's build/ folder
    name = "share/jupyter/lab/settings/overrides.d/netcourse.json"
    (shipped,) = [n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(f".data/data/{name}")]
    assert json.loads(zipfile.ZipFile(wheel).read(shipped)) == lab_settings.settings()
