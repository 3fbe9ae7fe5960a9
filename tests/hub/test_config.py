"""The class hub's config, loaded as JupyterHub loads it, and the Kubernetes values kept in step.

tests/hub/test_hub.py runs this config for real; these tests cover the parts a test machine
replaces (PAM, OAuth, the system homes) and what the Kubernetes values must repeat.
"""

from __future__ import annotations

import doctest
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from hubdriver import FOLDER, HUB_CONFIG, REPO, gitpull_link
from traitlets.config.loader import PyFileConfigLoader

VALUES = REPO / "hub" / "z2jh-values.yaml"


def hub_config(monkeypatch, tmp_path: Path, **env: str):
    """The config JupyterHub would load, with these NETCOURSE_HUB_* variables set."""
    for key in ("AUTH", "PYTHON", "FOLDER", "ADMINS", "URL"):
        monkeypatch.delenv(f"NETCOURSE_HUB_{key}", raising=False)
    monkeypatch.setenv("NETCOURSE_HUB_LEARNERS", str(tmp_path / "none.txt"))
    for key, value in env.items():
        monkeypatch.setenv(f"NETCOURSE_HUB_{key}", value)
    return PyFileConfigLoader(HUB_CONFIG.name, str(HUB_CONFIG.parent)).load_config()


def test_defaults_are_pam_local_homes_and_the_course_environment(monkeypatch, tmp_path):
    c = hub_config(monkeypatch, tmp_path)
    assert c.JupyterHub.authenticator_class == "pam"
    assert c.JupyterHub.spawner_class == "localprocess"
    assert c.Spawner.cmd == [sys.executable, "-m", "jupyterhub.singleuser"]
    assert c.Spawner.default_url == "/lab"
    assert c.Authenticator.allowed_users == set()  # no class list: nobody but admins
    # a learner's kernels import netcourse from their own clone, in their system home
    learner = SimpleNamespace(user_env=lambda env: {**env, "HOME": "/home/ada"})
    assert c.Spawner.environment["PYTHONPATH"](learner) == f"/home/ada/{FOLDER}"


def test_class_list_admins_oauth_and_another_python(monkeypatch, tmp_path):
    learners = tmp_path / "learners.txt"
    learners.write_text("# period 2\nada\n\n  grace  # joined late\n")
    c = hub_config(
        monkeypatch, tmp_path, AUTH="oauth", ADMINS="teacher, ta", PYTHON="/opt/course/bin/python"
    )
    assert c.Authenticator.allowed_users == set()
    monkeypatch.setenv("NETCOURSE_HUB_LEARNERS", str(learners))
    c = PyFileConfigLoader(HUB_CONFIG.name, str(HUB_CONFIG.parent)).load_config()
    assert c.Authenticator.allowed_users == {"ada", "grace"}
    assert c.Authenticator.admin_users == {"teacher", "ta"}
    assert c.JupyterHub.authenticator_class == "generic-oauth"
    assert c.GenericOAuthenticator.username_claim == "preferred_username"
    assert c.Spawner.cmd[0] == "/opt/course/bin/python"


def test_kubernetes_values_match_the_one_machine_hub(monkeypatch, tmp_path):
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with jupyter_events")
    values = yaml.safe_load(VALUES.read_text())
    c = hub_config(monkeypatch, tmp_path)
    user = values["singleuser"]
    assert user["defaultUrl"] == c.Spawner.default_url
    assert user["memory"] == {"guarantee": c.Spawner.mem_guarantee, "limit": c.Spawner.mem_limit}
    assert (
        user["extraEnv"]["PYTHONPATH"]
        == f"/home/jovyan/{gitpull_link.folder_of(gitpull_link.REPO)}"
    )
    culling = user["extraFiles"]["kernel-culling"]["data"]["MappingKernelManager"]
    flags = [f"--MappingKernelManager.{key}={value}" for key, value in culling.items()]
    assert flags == c.Spawner.args
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] == "generic-oauth"


def test_gitpull_link_examples_run():
    result = doctest.testmod(gitpull_link)
    assert result.attempted >= 2 and not result.failed
