"""The ruleset recorder: re-recording gives the shipped files back (dates and counters aside),
its namespace is always deleted, and the host's ufw configuration is never changed."""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from netcourse.data import path as data_path
from netcourse.tools import record_rulesets

SHIPPED = data_path("rulesets")


def _comparable(text: str) -> list[str]:
    """Written here, not imported: the dated comment lines dropped, every counter zeroed."""
    return [re.sub(r"\[\d+:\d+\]", "[0:0]", s) for s in text.splitlines() if not s.startswith("#")]


def _can_record(name: str):
    missing = [tool for tool in record_rulesets.RULESETS[name].needs if not shutil.which(tool)]
    if os.geteuid() != 0:
        return pytest.mark.skip(reason="recording needs root (network namespaces, iptables)")
    if missing:
        return pytest.mark.skip(reason=f"{name} needs {', '.join(missing)}, not installed")
    return []


def _namespaces() -> str:
    return subprocess.run(
        ["ip", "netns", "list"], capture_output=True, text=True, timeout=20, check=False
    ).stdout


@pytest.mark.root
@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=_can_record(n)) for n in sorted(record_rulesets.RULESETS)]
)
def test_re_recording_gives_the_shipped_files(name, tmp_path):
    ufw_conf = Path("/etc/ufw/ufw.conf")
    before = ufw_conf.read_bytes() if ufw_conf.exists() else None
    written = record_rulesets.record(name, tmp_path)
    assert f"nc-rules-{os.getpid()}" not in _namespaces()
    shipped = sorted(p.name for p in SHIPPED.glob(f"{name}.rules*"))
    assert sorted(p.name for p in written) == shipped
    for path in written:
        assert _comparable(path.read_text()) == _comparable((SHIPPED / path.name).read_text())
    if before is not None:
        assert ufw_conf.read_bytes() == before, "the host's /etc/ufw was changed"


@pytest.mark.root
@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("ip"), reason="needs root and ip")
def test_the_namespace_is_deleted_when_the_generator_fails(tmp_path, monkeypatch):
    def boom(ns: str) -> dict[str, str]:
        assert ns in _namespaces()
        raise RuntimeError("boom")

    broken = record_rulesets.Ruleset("broken", ("ip",), "fails", boom)
    monkeypatch.setitem(record_rulesets.RULESETS, "broken", broken)
    with pytest.raises(RuntimeError, match="boom"):
        record_rulesets.record("broken", tmp_path)
    assert f"nc-rules-{os.getpid()}" not in _namespaces()
    assert not list(tmp_path.iterdir())


def test_a_missing_generator_is_named(tmp_path, monkeypatch):
    lacking = record_rulesets.Ruleset("lacking", ("no-such-tool-here",), "x", lambda ns: {})
    monkeypatch.setitem(record_rulesets.RULESETS, "lacking", lacking)
    with pytest.raises(RuntimeError, match="lacking needs no-such-tool-here"):
        record_rulesets.record("lacking", tmp_path)


def test_the_script_refuses_to_run_without_root(monkeypatch, capsys):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert record_rulesets.main([]) == 2
    assert "needs root" in capsys.readouterr().err


def test_the_ufw_step_refuses_the_callers_own_namespaces(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    here = record_rulesets._namespaces_here()
    with pytest.raises(SystemExit, match="namespaces of its own"):
        record_rulesets.main(["--ufw-step", "desktop", "--parent", here])


ALLOWED = [
    ipaddress.ip_network(net)
    for net in ("198.18.0.0/15", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "fd00::/8")
]


def test_every_address_the_recorder_configures_is_in_an_allowed_range():
    configured = [
        record_rulesets.DOCKER_BRIDGE_NET,
        record_rulesets.DOCKER_GATEWAY,
        record_rulesets.DOCKER_CONTAINER,
        record_rulesets.UFW_DB_CLIENTS,
        record_rulesets.OPENWRT_LAN,
        record_rulesets.OPENWRT_WAN,
        record_rulesets.OPENWRT_SERVER,
        *record_rulesets.BANNED,
    ]
    for text in configured:
        net = ipaddress.ip_network(text, strict=False)
        assert any(net.subnet_of(n) for n in ALLOWED if n.version == net.version), text


def test_commands_are_split_as_a_shell_would():
    assert record_rulesets._commands(
        "# a comment\n  iptables -A X ! -i lo \\\n   -m comment --comment 'a b' -j DROP\n\n"
    ) == (
        ("iptables", "-A", "X", "!", "-i", "lo", "-m", "comment", "--comment", "a b", "-j", "DROP"),
    )
