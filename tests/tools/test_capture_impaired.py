"""The impaired-link recorder: real TCP trouble between namespaces it creates and always
deletes, with every process it starts stopped; the shipped capture it made is small and uses
only the test address ranges."""

from __future__ import annotations

import ipaddress
import logging
import os
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from netcourse.data import path as data_path
from netcourse.packets import read_capture
from netcourse.packets.expert import FLAGS, expert
from netcourse.packets.fast import address
from netcourse.packets.follow import follow
from netcourse.packets.tcpstream import tcp_segments
from netcourse.tools import capture_impaired

TOOLS = ("ip", "ethtool", "dumpcap", "tshark")
can_record = pytest.mark.skipif(
    os.geteuid() != 0 or not all(shutil.which(tool) for tool in TOOLS),
    reason="recording needs root, ip (iproute2), ethtool, dumpcap and tshark",
)
SHIPPED = data_path("captures", capture_impaired.FILE_NAME)


def _namespaces() -> set[str]:
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def _steps_running() -> list[str]:
    """Command lines of this recorder's steps still alive (read from /proc, nothing killed)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "netcourse.tools.capture_impaired" in cmdline and "--step" in cmdline:
            found.append(cmdline)
    return found


def _tshark_flags(path) -> set[tuple[int, str]]:
    cmd = ["tshark", "-r", str(path), "-T", "fields", "-e", "frame.number"]
    for flag in FLAGS:
        cmd += ["-e", f"tcp.analysis.{flag}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=60).stdout
    pairs = set()
    for line in out.splitlines():
        number, *values = line.split("\t")
        pairs.update((int(number), flag) for flag, value in zip(FLAGS, values) if value)
    return pairs


@pytest.mark.slow
@pytest.mark.root
@can_record
def test_records_real_tcp_trouble_and_cleans_up(tmp_path):
    start = time.monotonic()
    path = capture_impaired.record(tmp_path, seed=3)
    took = time.monotonic() - start
    assert not _namespaces() & set(capture_impaired.NAMESPACES)
    assert not _steps_running()
    assert took < 3 * capture_impaired.STEP_TIMEOUT
    assert 20_000 < path.stat().st_size < 200_000
    theirs = _tshark_flags(path)
    assert {(i.frame, i.flag) for i in expert(path)} == theirs
    seen = Counter(flag for _, flag in theirs)
    print(f"recorded in {took:.1f} s, {path.stat().st_size} bytes:", sorted(seen.items()))
    # what a lossy, reordering link and a slow reader always cause
    assert {"retransmission", "duplicate_ack", "lost_segment", "out_of_order", "zero_window",
            "window_update", "keep_alive", "reused_ports"} <= set(seen)  # fmt: skip
    assert tcp_segments(path).streams == 4
    bulk = follow(path, 0)
    assert len(bulk.client) + sum(g.length for g in bulk.gaps) == capture_impaired.BULK_BYTES
    assert follow(path, 2).server == b"answer 3 to request 3\n"


@pytest.mark.root
@can_record
def test_namespaces_are_deleted_when_something_fails():
    with pytest.raises(RuntimeError, match="boom"):
        with capture_impaired._namespaces():
            assert set(capture_impaired.NAMESPACES) <= _namespaces()
            raise RuntimeError("boom")
    assert not _namespaces() & set(capture_impaired.NAMESPACES)


@pytest.mark.root
@can_record
def test_a_step_that_never_reports_stops_everything(tmp_path, monkeypatch):
    wait = capture_impaired._wait_line

    def silent_server(proc, expected, timeout):
        if expected == b"listening":
            raise RuntimeError("the server never listened")
        return wait(proc, expected, timeout)

    monkeypatch.setattr(capture_impaired, "_wait_line", silent_server)
    with pytest.raises(RuntimeError, match="never listened"):
        capture_impaired.record(tmp_path)
    assert not _namespaces() & set(capture_impaired.NAMESPACES)
    assert not _steps_running()
    assert not (tmp_path / capture_impaired.FILE_NAME).exists()


def test_the_script_refuses_to_run_without_root(monkeypatch, capsys):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert capture_impaired.main([]) == 2
    assert "needs root" in capsys.readouterr().err


def _frame(flags: str, data: bytes = b"") -> bytes:
    logging.getLogger("scapy").setLevel(logging.ERROR)
    from scapy.layers.inet import IP, TCP
    from scapy.layers.l2 import Ether

    return bytes(
        Ether(src=capture_impaired.MAC_A, dst=capture_impaired.MAC_B)
        / IP(src=capture_impaired.IP_A, dst=capture_impaired.IP_B)
        / TCP(sport=40000, dport=8000, flags=flags)
        / data
    )


def test_the_impairment_is_seeded_and_spares_syn_fin_and_rst():
    data = _frame("PA", b"x" * 100)
    first, again = capture_impaired.Impairment(seed=5), capture_impaired.Impairment(seed=5)
    assert [first.decide(data) for _ in range(200)] == [again.decide(data) for _ in range(200)]
    impair = capture_impaired.Impairment(seed=9)
    for flags in ("S", "SA", "FA", "R"):
        assert impair.decide(_frame(flags)) == [(impair.delay, True)]
    assert impair.decide(b"\xff" * 60) is None  # not IPv4: passes untouched
    plans = [impair.decide(data) for _ in range(20_000)]
    dropped = sum(plan == [] for plan in plans) / len(plans)
    doubled = sum(len(plan) == 2 for plan in plans) / len(plans)
    unseen = sum(not plan[0][1] for plan in plans if plan) / len(plans)
    assert dropped == pytest.approx(impair.drop, abs=0.01)
    assert doubled == pytest.approx(impair.duplicate * (1 - impair.drop), abs=0.01)
    assert unseen == pytest.approx(impair.unseen * (1 - impair.drop), abs=0.01)


ALLOWED = ipaddress.ip_network("198.18.0.0/15")


def test_the_shipped_capture_is_small_and_uses_only_test_addresses():
    assert SHIPPED.stat().st_size < 200_000
    cap = read_capture(SHIPPED)
    cols = cap.columns
    for i in range(len(cap)):
        for hi, lo in ((cols.src_hi[i], cols.src_lo[i]), (cols.dst_hi[i], cols.dst_lo[i])):
            assert ipaddress.ip_address(address(int(cols.version[i]), hi, lo)) in ALLOWED
        frame = cap.frame(i + 1)
        assert frame[0] & 0x02 and frame[6] & 0x02, "locally administered MACs"
    assert set(cols.sport.tolist()) | set(cols.dport.tolist()) == {40000, 8000, 8001}
