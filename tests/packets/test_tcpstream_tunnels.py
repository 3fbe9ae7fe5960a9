"""tcp.stream, follow and the TCP columns behind tunnels and IPv6 routing headers, against
tshark: the TCP header is found where the innermost IP header ends (Columns.l3_offset), and a
routed segment is keyed by its final destination, as Wireshark keys it."""

from __future__ import annotations

import pytest
from tcp_scenarios import _tshark, joined, needs_tshark, tshark_follow, tshark_streams
from test_extension_headers import extension_frames
from tunnelcaptures import NAMES, write_tunnel_captures

from netcourse.packets.follow import follow
from netcourse.packets.synthetic import write_capture
from netcourse.packets.tcpstream import tcp_segments


def _tunnelled_talk() -> list:
    """A TCP exchange with data behind VXLAN, then one behind GRE whose outer IPv4 header has
    options, then one in IPv6 in IPv4 (scapy imported here: tunnelcaptures silences it)."""
    from tunnelcaptures import GRE, IP, TCP, UDP, VXLAN, Ether, IPv6

    def talk(ip, a, b, port):
        return [
            ip(a, b) / TCP(sport=port, dport=8000, flags="S", seq=100),
            ip(b, a) / TCP(sport=8000, dport=port, flags="SA", seq=500, ack=101),
            ip(a, b) / TCP(sport=port, dport=8000, flags="PA", seq=101, ack=501) / b"hello ",
            ip(b, a) / TCP(sport=8000, dport=port, flags="PA", seq=501, ack=107) / b"world",
            ip(a, b) / TCP(sport=port, dport=8000, flags="PA", seq=107, ack=506) / b"again",
        ]

    def v4(a, b):
        return IP(src=a, dst=b)

    def v6(a, b):
        return IPv6(src=a, dst=b)

    eth = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    inner = Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02")
    vxlan = eth / IP(src="198.18.0.1", dst="198.18.0.2") / UDP(sport=50000, dport=4789)
    gre = eth / IP(src="198.18.0.1", dst="198.18.0.2", options=b"\x01\x01\x01\x00") / GRE()
    sit = eth / IP(src="198.18.0.1", dst="198.18.0.2", proto=41)
    return [
        *(vxlan / VXLAN(vni=7) / inner / p for p in talk(v4, "192.0.2.1", "192.0.2.2", 41100)),
        *(gre / p for p in talk(v4, "192.0.2.3", "192.0.2.4", 41101)),
        *(sit / p for p in talk(v6, "fd00:2::1", "fd00:2::2", 41102)),
    ]


@pytest.fixture(scope="module")
def captures(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tcpstream-tunnels")
    out = write_tunnel_captures(folder)
    frames = [bytes(f) for f in extension_frames()]
    talk = [bytes(f) for f in _tunnelled_talk()]
    out["talk"] = write_capture(folder / "talk.pcap", talk, [i * 0.001 for i in range(len(talk))])
    out["extensions"] = write_capture(
        folder / "extensions.pcap", frames, [i * 0.001 for i in range(len(frames))]
    )
    return out


@needs_tshark
@pytest.mark.parametrize("name", [*NAMES, "all", "talk", "extensions"])
def test_streams_and_follow_match_tshark(captures, name):
    path = captures[name]
    segs = tcp_segments(path)
    assert list(zip(segs.frame.tolist(), segs.stream.tolist())) == tshark_streams(path)
    for stream in range(segs.streams):
        chunks, gaps = tshark_follow(path, stream)
        ours = follow(path, stream)
        assert joined(ours.chunks) == chunks, (name, stream)
        assert [(g.direction, g.length) for g in ours.gaps] == gaps, (name, stream)


def test_a_routed_segment_is_keyed_by_its_final_destination(captures):
    segs = tcp_segments(captures["extensions"])
    routed = [i for i in range(len(segs)) if segs.sport[i] == 40006]
    assert [segs.endpoints_of(i)[1] for i in routed] == [("fd00::c", 8000)]


@needs_tshark
def test_tunnelled_talk_has_its_bytes_and_info(captures):
    path = captures["talk"]
    segs = tcp_segments(path)
    assert segs.streams == 3
    assert follow(path, 0).client == b"hello again" and follow(path, 2).server == b"world"
    # the segment lengths read behind the tunnel, as tshark's tcp.len
    assert segs.seglen.tolist() == _tshark_tcp_len(path)


def _tshark_tcp_len(path) -> list[int]:
    out = _tshark("-r", str(path), "-Y", "tcp", "-T", "fields", "-e", "tcp.len")
    return [int(line) for line in out.split()]
