"""Tests for netcourse.sockets.handshake: the capture's seq/ack arithmetic, against tshark."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from netcourse import sockets as sk
from netcourse.errors import CaptureError


def test_handshake_arithmetic():
    hs = sk.handshake()
    assert [s.flags for s in hs.phase("handshake")] == ["SYN", "SYN+ACK", "ACK"]
    syn, synack, ack = hs.phase("handshake")
    assert synack.ack == syn.seq + 1 and ack.ack == synack.seq + 1
    assert (syn.relative_seq, synack.relative_ack, ack.relative_ack) == (0, 1, 1)
    last = {}
    for step in hs:
        other = "server" if step.sender == "client" else "client"
        if step.ack is not None and other in last:
            assert step.ack == last[other]  # each ack names the other side's next seq
        last[step.sender] = step.next_seq
        assert any(str(step.seq) in line for line in step.arithmetic)
    for step in hs:
        if "SYN" not in step.flags:  # relative seq = SYN + data bytes + FIN sent before
            before = [s for s in hs if s.sender == step.sender and s.number < step.number]
            used = 1 + sum(s.length for s in before) + any("FIN" in s.flags for s in before)
            assert step.relative_seq == used
            assert f"has used {used} sequence number" in step.arithmetic[0]
    fins = [s for s in hs if "FIN" in s.flags]
    assert [s.sender for s in fins] == ["client", "server"]
    assert hs.phase("data") and any(s.length for s in hs.phase("data"))


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
def test_handshake_matches_tshark():
    hs = sk.handshake()
    out = subprocess.run(
        [
            "tshark",
            "-r",
            hs.path,
            "-T",
            "fields",
            "-e",
            "tcp.seq_raw",
            "-e",
            "tcp.seq",
            "-e",
            "tcp.ack_raw",
            "-e",
            "tcp.ack",
            "-e",
            "tcp.len",
            "-E",
            "separator=,",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    rows = [line.split(",") for line in out.splitlines() if line]
    assert len(rows) == len(hs)
    for step, (seq_raw, seq, ack_raw, ack, length) in zip(hs, rows):
        assert (step.seq, step.relative_seq, step.length) == (int(seq_raw), int(seq), int(length))
        if step.ack is not None:
            assert (step.ack, step.relative_ack) == (int(ack_raw), int(ack))


def test_handshake_errors(tmp_path):
    with pytest.raises(CaptureError, match="no such capture"):
        sk.handshake(tmp_path / "missing.pcap")
    junk = tmp_path / "junk.pcap"
    junk.write_bytes(b"not a pcap at all")
    with pytest.raises(CaptureError, match="junk.pcap"):
        sk.handshake(junk)


def test_handshake_agrees_with_the_packets_topic():
    packets = pytest.importorskip("netcourse.packets")
    hs = sk.handshake()
    (conv,) = packets.conversations(hs.path)
    client_ip, client_port, server_ip, server_port = hs[0].four_tuple
    ends = {(conv.address_a, conv.port_a), (conv.address_b, conv.port_b)}
    assert ends == {(client_ip, client_port), (server_ip, server_port)}
    assert conv.frames == len(hs)


@pytest.mark.root
@pytest.mark.skipif(os.geteuid() != 0, reason="capturing on lo needs root")
def test_capture_tool_records_a_whole_connection(tmp_path):
    from netcourse.tools import capture_handshake

    out = tmp_path / "handshake.pcap"
    capture_handshake.record(out)
    hs = sk.handshake(out)
    assert [s.flags for s in hs.phase("handshake")] == ["SYN", "SYN+ACK", "ACK"]
    sent = sum(s.length for s in hs if s.sender == "client")
    echoed = sum(s.length for s in hs if s.sender == "server")
    assert sent == echoed == len(capture_handshake.MESSAGE)
    assert [s.sender for s in hs if "FIN" in s.flags] == ["client", "server"]
    assert hs[-1].flags == "ACK" and hs[-1].sender == "client"
