"""Tests for netcourse.sockets.handshake: the capture's seq/ack arithmetic, against tshark."""

from __future__ import annotations

import logging
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


def assert_matches_tshark(hs, path, *select: str) -> None:
    """Each step's raw and relative sequence numbers, acks and lengths equal tshark's."""
    fields = ["tcp.seq_raw", "tcp.seq", "tcp.ack_raw", "tcp.ack", "tcp.len"]
    command = ["tshark", "-r", str(path), *select, "-T", "fields"]
    command += [arg for field in fields for arg in ("-e", field)] + ["-E", "separator=,"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout
    rows = [line.split(",") for line in out.splitlines() if line]
    assert len(rows) == len(hs)
    for step, (seq_raw, seq, ack_raw, ack, length) in zip(hs, rows):
        assert (step.seq, step.relative_seq, step.length) == (int(seq_raw), int(seq), int(length))
        if step.ack is not None:
            assert (step.ack, step.relative_ack) == (int(ack_raw), int(ack))


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
def test_handshake_matches_tshark():
    hs = sk.handshake()
    assert_matches_tshark(hs, hs.path)


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


def _ipv6_connection_with_noise(path):
    """An IPv6 connection (handshake, 5 data bytes each way, teardown) among other traffic."""
    logging.getLogger("scapy").setLevel(logging.ERROR)
    from scapy.layers.inet import TCP, UDP
    from scapy.layers.inet6 import IPv6
    from scapy.layers.l2 import Ether
    from scapy.utils import wrpcap

    ether = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")  # no neighbour lookup
    c, s = "fd00::1", "fd00::2"
    cisn, sisn = 4_294_967_000, 17  # the client's numbers wrap around 2**32

    def seg(src, dst, sport, dport, flags, seq, ack, data=b""):
        return (
            ether
            / IPv6(src=src, dst=dst)
            / TCP(sport=sport, dport=dport, flags=flags, seq=seq % 2**32, ack=ack % 2**32)
            / data
        )

    frames = [
        ether / IPv6(src=c, dst=s) / UDP(sport=5353, dport=5353) / b"noise",
        seg(c, s, 40000, 443, "S", cisn, 0),
        seg(s, c, 443, 40000, "SA", sisn, cisn + 1),
        seg(c, s, 40000, 443, "A", cisn + 1, sisn + 1),
        seg(c, s, 40000, 443, "PA", cisn + 1, sisn + 1, b"hello"),
        seg(s, c, 443, 40000, "A", sisn + 1, cisn + 6),
        seg(s, c, 443, 40000, "PA", sisn + 1, cisn + 6, b"world"),
        seg(c, s, 40000, 443, "FA", cisn + 6, sisn + 6),
        seg(s, c, 443, 40000, "FA", sisn + 6, cisn + 7),
        seg(c, s, 40000, 443, "A", cisn + 7, sisn + 7),
        seg(c, s, 40001, 80, "S", 99, 0),  # another connection's SYN, later
    ]
    for i, frame in enumerate(frames):
        frame.time = 1_700_000_000 + i / 1000
    wrpcap(str(path), frames)


def test_handshake_on_an_ipv6_capture_with_other_traffic(tmp_path):
    path = tmp_path / "v6.pcap"
    _ipv6_connection_with_noise(path)
    hs = sk.handshake(path)
    assert len(hs) == 9 and hs[0].four_tuple == ("fd00::1", 40000, "fd00::2", 443)
    assert [s.flags for s in hs] == [
        "SYN",
        "SYN+ACK",
        "ACK",
        "ACK+PSH",
        "ACK",
        "ACK+PSH",
        "ACK+FIN",
        "ACK+FIN",
        "ACK",
    ]
    # relative numbers, computed by hand from the ISNs (the client's wrap past 2**32)
    assert [(s.relative_seq, s.relative_ack) for s in hs] == [
        (0, None),
        (0, 1),
        (1, 1),
        (1, 1),
        (1, 6),
        (1, 6),
        (6, 6),
        (6, 7),
        (7, 7),
    ]
    assert [s.length for s in hs] == [0, 0, 0, 5, 0, 5, 0, 0, 0]
    assert [s.phase for s in hs] == ["handshake"] * 3 + ["data"] * 3 + ["teardown"] * 3
    assert hs.client_isn == 4_294_967_000 and hs.server_isn == 17


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
def test_handshake_on_an_ipv6_capture_matches_tshark(tmp_path):
    path = tmp_path / "v6.pcap"
    _ipv6_connection_with_noise(path)
    hs = sk.handshake(path)
    assert_matches_tshark(hs, path, "-Y", "tcp.stream == 0")


def test_handshake_needs_a_syn_and_its_answer(tmp_path):
    with pytest.raises(CaptureError, match="no SYN found"):
        sk.handshake(sk.handshake().path.replace("handshake.pcap", "udp.pcap"))
    with pytest.raises(
        CaptureError, match=r"5: a capture is given by its file path \(str or Path\), got int"
    ):
        sk.handshake(5)
