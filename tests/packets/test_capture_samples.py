"""The capture script records real traffic in namespaces it creates and always deletes; the
shipped captures use only the allowed address ranges."""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess

import pytest

from netcourse.packets import SAMPLES, conversations, read_capture
from netcourse.tools import capture_samples

can_record = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("dumpcap") or not shutil.which("ip"),
    reason="recording needs root, ip (iproute2) and dumpcap",
)


def _namespaces() -> str:
    return subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout


@pytest.mark.root
@can_record
def test_records_a_udp_exchange_and_deletes_its_namespaces(tmp_path):
    path = capture_samples.record("udp", tmp_path)
    assert capture_samples.NS_A not in _namespaces()
    assert capture_samples.NS_B not in _namespaces()
    cap = read_capture(path)
    assert [row.protocol for row in cap] == ["UDP", "UDP", "UDP", "ICMP"]
    assert cap[3].info == "Destination unreachable (Port unreachable)"
    assert [(c.port_b, c.frames) for c in conversations(path, "udp")] == [(7, 2), (9, 1)]


@pytest.mark.root
@can_record
def test_namespaces_are_deleted_when_something_fails():
    with pytest.raises(RuntimeError, match="boom"):
        with capture_samples._namespaces():
            assert capture_samples.NS_A in _namespaces()
            raise RuntimeError("boom")
    assert capture_samples.NS_A not in _namespaces()


def test_the_script_refuses_to_run_without_root(monkeypatch, capsys):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert capture_samples.main([]) == 2
    assert "needs root" in capsys.readouterr().err


ALLOWED = [
    ipaddress.ip_network(net)
    for net in ("198.18.0.0/15", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
] + [ipaddress.ip_network("fd00::/8"), ipaddress.ip_network("ff02::/16")]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_shipped_captures_use_only_allowed_addresses(name):
    cap = read_capture(name)
    for number in range(1, len(cap) + 1):
        d = cap.dissect(number)
        for layer in d.layers:
            for fld in layer.fields:
                if layer.name in ("IP", "IPv6", "IPerror", "ARP") and fld.name in (
                    "src",
                    "dst",
                    "psrc",
                    "pdst",
                ):
                    addr = ipaddress.ip_address(fld.raw)
                    assert any(addr in net for net in ALLOWED), (name, number, fld)
                if fld.name in ("src", "hwsrc") and layer.name in ("Ether", "ARP"):
                    assert int(fld.raw.split(":")[0], 16) & 0x02, "locally administered MAC"
