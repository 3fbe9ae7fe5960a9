"""read_capture(), frame(), sample(): Wireshark's columns, every file variant, errors."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from netcourse.errors import CaptureError
from netcourse.packets import COLUMNS, SAMPLES, Capture, frame, read_capture, sample
from netcourse.packets.synthetic import FORMATS, synthetic_traffic, write_capture
from netcourse.protocols import LINK_TYPES

needs_tshark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")


def _tshark_columns(path) -> list[list[str]]:
    fields = ["frame.number", "frame.time_relative", "frame.len", "_ws.col.Protocol"]
    fields += ["_ws.col.Source", "_ws.col.Destination", "_ws.col.Info"]
    cmd = ["tshark", "-r", str(path), "-T", "fields", "-E", "separator=\t", "-N", "n"]
    for name in fields:
        cmd += ["-e", name]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=60).stdout
    return [line.split("\t") for line in out.splitlines()]


#: Our Protocol column where Wireshark names a higher layer we do not dissect.
_SAME_PROTOCOL = {"ECHO": "UDP"}


def _tcp_exchange(handshake: bool) -> list[bytes]:
    """A client/server TCP exchange with consistent numbers, optionally without its SYNs."""
    import logging

    logging.getLogger("scapy").setLevel(logging.ERROR)
    from scapy.layers.inet import IP, TCP
    from scapy.layers.l2 import Ether

    def seg(fwd, flags, seq, ack, data=b"", options=(), window=502):
        src, dst = ("192.0.2.10", "198.51.100.20") if fwd else ("198.51.100.20", "192.0.2.10")
        ports = (50000, 443) if fwd else (443, 50000)
        return bytes(
            Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
            / IP(src=src, dst=dst)
            / TCP(sport=ports[0], dport=ports[1], flags=flags, seq=seq, ack=ack,
                  window=window, options=list(options))
            / data
        )  # fmt: skip

    c, s = 1_000_000, 3_000_000_000
    frames = [
        seg(True, "S", c, 0, options=[("MSS", 1460), ("WScale", 7)], window=64240),
        seg(False, "SA", s, c + 1, options=[("MSS", 1400), ("WScale", 9)], window=65160),
        seg(True, "A", c + 1, s + 1),
    ]
    frames += [
        seg(True, "PA", c + 1, s + 1, b"x" * 50),
        seg(False, "A", s + 1, c + 51),
        seg(False, "PA", s + 1, c + 51, b"y" * 300),
        seg(True, "A", c + 51, s + 301),
        seg(True, "FA", c + 51, s + 301),
        seg(False, "FA", s + 301, c + 52),
        seg(True, "A", c + 52, s + 302),
    ]
    return frames if handshake else frames[3:]


@needs_tshark
@pytest.mark.parametrize("handshake", [True, False])
def test_tcp_info_matches_tshark(tmp_path, handshake):
    """Relative Seq/Ack, the scaled window and the options, exactly as Wireshark writes them."""
    frames = _tcp_exchange(handshake)
    path = write_capture(tmp_path / "tcp.pcap", frames, [i * 0.01 for i in range(len(frames))])
    theirs = _tshark_columns(path)
    for row, line in zip(read_capture(path), theirs):
        assert row.info == line[6], row.number


@needs_tshark
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_columns_match_tshark(name):
    """Every shipped sample; the impaired capture's TCP rows carry Wireshark's analysis labels
    ([TCP Retransmission], [TCP Dup ACK 14#1], ...) and SACK edges."""
    cap = read_capture(name)
    theirs = _tshark_columns(sample(name))
    assert len(cap) == len(theirs)
    for row, (number, rel, length, proto, src, dst, info) in zip(cap, theirs):
        assert row.number == int(number)
        assert row.time == pytest.approx(float(rel), abs=1e-6)
        assert row.length == int(length)
        if proto in ("ARP", "ICMP", "ICMPv6", "UDP", "ECHO"):
            assert row.protocol in (proto, _SAME_PROTOCOL.get(proto))
        if proto in ("TCP", "HTTP"):  # HTTP reassembled as Wireshark does, segments TCP
            assert (row.protocol, row.info) == (proto, info), row.number
        if row.protocol != "ARP":  # Wireshark names ARP ends by MAC and "Broadcast"
            assert (row.source, row.destination) == (src, dst)
        if proto in ("ARP", "ICMP"):
            assert info.startswith(row.info.split("  ")[0])


@needs_tshark
@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
@pytest.mark.parametrize("linktype", sorted(LINK_TYPES))
def test_columns_match_tshark_on_every_link_type(link_captures, linktype, fmt):
    """The same traffic behind each link type: every column as Wireshark writes it."""
    path = link_captures[(linktype, fmt)]
    cap = read_capture(path)
    theirs = _tshark_columns(path)
    assert len(cap) == len(theirs) > 0
    for row, (number, rel, length, proto, src, dst, info) in zip(cap, theirs):
        where = (linktype, fmt, row.number)
        assert cap.linktype(row.number) == linktype
        assert row.number == int(number) and row.length == int(length), where
        assert row.time == pytest.approx(float(rel), abs=1e-6)
        assert (row.protocol, row.source, row.destination) == (proto, src, dst), where
        if info.startswith("Echo (ping)"):  # Wireshark adds seq/256 and the TTL we leave out
            assert info.startswith(row.info), where
        else:
            assert row.info == info, where


def test_frames_built_in_a_cell_keep_their_link_layer():
    import logging

    logging.getLogger("scapy").setLevel(logging.ERROR)
    from scapy.layers.inet import IP, UDP
    from scapy.layers.inet6 import IPv6

    v4 = IP(src="192.0.2.1", dst="198.51.100.2") / UDP(sport=1, dport=2)
    v6 = IPv6(src="fd00::1", dst="fd00::2") / UDP(sport=3, dport=4)
    assert Capture.from_frames([v4]).linktype(1) == 101  # raw IP: no Ethernet header to invent
    assert Capture.from_frames([v6]).linktype(1) == 229
    both = Capture.from_frames([v4, v6])
    assert both.linktype(1) == 101 and [row.source for row in both] == ["192.0.2.1", "fd00::1"]
    assert both.dissect(2).layers[0].name == "IPv6"
    raw = Capture.from_frames([bytes(v4)], linktype=228)
    assert raw.link(1).description == "Raw IPv4" and raw[0].protocol == "UDP"
    assert Capture.from_frames([bytes(v4)]).linktype(1) == 1  # bytes are Ethernet by default
    with pytest.raises(CaptureError, match="link type 220: not supported; supported are 1"):
        Capture.from_frames([bytes(v4)], linktype=220)


def test_columns_and_rows():
    cap = read_capture("http")
    assert COLUMNS == ("No.", "Time", "Source", "Destination", "Protocol", "Length", "Info")
    first = cap[0]
    assert first.as_tuple()[0] == 1 and cap[-1].number == 12
    assert [r.number for r in cap.page(1, size=5)] == [6, 7, 8, 9, 10]
    assert cap[3].protocol == "HTTP" and cap[3].info == "GET /hello.txt HTTP/1.1 "
    assert (cap[5].protocol, cap[7].protocol) == ("TCP", "HTTP")  # the response reassembled
    assert cap[1].info.startswith("8000 → 40000 [SYN, ACK]")
    assert "<table>" in cap._repr_html_()


def test_frame_is_one_based_like_wireshark():
    assert frame("arp-icmp", 1) == read_capture("arp-icmp").frame(1)
    with pytest.raises(CaptureError, match="numbers start at 1"):
        frame("arp-icmp", 0)
    with pytest.raises(CaptureError, match="this capture has packets 1-6"):
        frame("arp-icmp", 7)


def test_sample_unknown_name_lists_the_valid_ones():
    with pytest.raises(CaptureError, match="the samples are: arp-icmp, http, udp, ipv6, vlan"):
        sample("dns")
    for name in SAMPLES:
        assert sample(name).is_file()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_variant_reads_the_same_frames_and_times(tmp_path, fmt):
    frames, times = synthetic_traffic(50, seed=3)
    cap = read_capture(write_capture(tmp_path / "x", frames, times, fmt=fmt))
    assert len(cap) == 50
    assert cap.format == fmt.split("-")[0]
    assert [cap.frame(i + 1) for i in range(50)] == frames
    assert cap.times[-1] == pytest.approx(times[-1] - times[0], abs=1e-6)


def test_progress_callback_reaches_the_end(tmp_path):
    frames, times = synthetic_traffic(20_000, seed=4)
    path = write_capture(tmp_path / "big.pcap", frames, times)
    seen = []
    cap = read_capture(path, progress=lambda done, total: seen.append((done, total)))
    assert len(cap) == 20_000
    assert len(seen) >= 2 and seen[-1][0] == seen[-1][1] == path.stat().st_size
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_a_file_cut_in_the_middle_of_a_packet(tmp_path):
    data = sample("http").read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(data[:-10])
    cap = read_capture(cut)
    assert cap.truncated and len(cap) == 11


def test_read_errors(tmp_path):
    with pytest.raises(CaptureError, match="no such capture file"):
        read_capture(tmp_path / "missing.pcap")
    empty = tmp_path / "empty.pcap"
    empty.write_bytes(b"")
    with pytest.raises(CaptureError, match="starts with nothing"):
        read_capture(empty)
    with pytest.raises(CaptureError, match="not int"):
        read_capture(42)


def test_opening_100k_packets_is_lazy(tmp_path):
    import time

    frames, times = synthetic_traffic(100_000, seed=8, conversations=50)
    path = write_capture(tmp_path / "100k.pcapng", frames, times, fmt="pcapng")
    start = time.perf_counter()
    cap = read_capture(path)
    opened = time.perf_counter() - start
    assert len(cap) == 100_000 and not cap._rows  # indexed only: no packet dissected yet
    assert cap[99_999].number == 100_000 and len(cap._rows) == 1
    assert opened < 3.0, f"indexing 100k packets took {opened:.2f} s"


def _pcapng_block(btype: int, body: bytes, size: int | None = None) -> bytes:
    """A little-endian pcapng block; ``size`` overrides its total length fields (to damage it)."""
    import struct

    body += b"\x00" * (-len(body) % 4)
    size = 12 + len(body) if size is None else size
    return struct.pack("<II", btype, size) + body + struct.pack("<I", size)


def _epb(iface: int, data: bytes) -> bytes:
    import struct

    return _pcapng_block(6, struct.pack("<IIIII", iface, 0, 0, len(data), len(data)) + data)


def _shb() -> bytes:
    import struct

    return _pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def _idb(linktype: int = 1) -> bytes:
    import struct

    return _pcapng_block(1, struct.pack("<HHI", linktype, 0, 262144))


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        (_pcapng_block(6, b"", size=12), "the enhanced packet block at byte 1116 is 12 bytes"),
        (_pcapng_block(6, b"\x00" * 12, size=24), "needs at least 32"),
        (_pcapng_block(1, b"", size=12), "interface description block at byte 1116 is 12"),
        (_pcapng_block(1, b"\x00\x00", size=16), "needs at least 20"),
        (_pcapng_block(2, b"\x00" * 8), "the packet block at byte 1116 is 20 bytes"),
        (_pcapng_block(3, b"", size=12), "simple packet block at byte 1116 is 12 bytes"),
        (_pcapng_block(6, b"\x00" * 20, size=34), "is 34 bytes, not a multiple of 4"),
        (_pcapng_block(6, b"\x00" * 20, size=400), "says 400 bytes, but the file ends 32"),
        (b"\x06\x00\x00\x00\x20", "the file ends inside a block header at byte 1116"),
    ],
)
def test_a_pcapng_block_too_short_for_its_fields_ends_the_reading_there(tmp_path, tail, message):
    """What is complete is read; the damaged block is named, with its offset, never an
    IndexError or struct.error from reading past it (conversations and columns too)."""
    from netcourse.packets import conversations
    from netcourse.packets.filters import matching

    good = sample("ipv6").read_bytes()
    path = tmp_path / "damaged.pcapng"
    path.write_bytes(good + tail)
    cap = read_capture(path)
    assert len(cap) == len(read_capture("ipv6")) and cap.truncated
    assert message in cap.problem
    assert [row.info for row in cap] == [row.info for row in read_capture("ipv6")]
    assert len(conversations(path, "udp")) == len(conversations("ipv6", "udp"))
    assert matching(cap, "icmpv6").tolist() == matching(read_capture("ipv6"), "icmpv6").tolist()


def test_a_short_block_in_the_middle_keeps_the_packets_before_it(tmp_path):
    frames = [frame("arp-icmp", n) for n in range(1, 5)]
    body = _shb() + _idb() + _epb(0, frames[0]) + _epb(0, frames[1])
    path = tmp_path / "middle.pcapng"
    path.write_bytes(body + _pcapng_block(1, b"", size=12) + _epb(0, frames[2]))
    cap = read_capture(path)
    assert [cap.frame(n) for n in (1, 2)] == frames[:2] and len(cap) == 2
    assert cap.truncated and "interface description block" in cap.problem


def test_a_packet_refers_to_an_interface_of_its_own_section(tmp_path):
    """Interfaces number from 0 again in each section: a packet on interface 1 of a section
    that describes one is named, even when a later section describes two."""
    data = frame("arp-icmp", 1)
    first = _shb() + _idb() + _epb(1, data)
    second = _shb() + _idb() + _idb(113) + _epb(1, data)
    path = tmp_path / "sections.pcapng"
    path.write_bytes(first + second)
    with pytest.raises(CaptureError, match="block at byte 48: a packet on interface 1, but its"):
        read_capture(path)
    path.write_bytes(_shb() + _idb() + _epb(0, data) + second)
    cap = read_capture(path)
    assert [cap.linktype(n) for n in (1, 2)] == [1, 113] and cap.problem is None


def test_a_pcap_record_cut_short_is_named(tmp_path):
    data = sample("http").read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(data[:-10])
    last = len(frame("http", 12))  # the last record: a 16-byte header, then its frame
    at = len(data) - last - 16
    assert read_capture(cut).problem == (
        f"the packet record at byte {at} says {last} bytes were captured, "
        f"but the file ends {last - 10} bytes after its header"
    )
    cut.write_bytes(data + b"\x00" * 7)
    assert "ends inside a packet record header" in read_capture(cut).problem


def test_as_dissection_takes_what_a_lesson_hands_over(link_captures):
    import logging

    logging.getLogger("scapy").setLevel(logging.ERROR)
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether

    from netcourse.errors import PacketError
    from netcourse.packets import as_dissection, dissect

    d = dissect(frame("http", 4))
    assert as_dissection(d) is d
    assert as_dissection("http", 4).data == d.data == as_dissection(frame("http", 4)).data
    pkt = Ether() / IP(src="192.0.2.1", dst="192.0.2.2") / UDP()
    assert as_dissection(pkt).summary == "Ether / IP / UDP"  # a scapy packet, not its .layers()
    raw = as_dissection(link_captures[(228, "pcap")], 1)  # with its file's link type
    assert raw.layers[0].name == "IP" and not raw.malformed
    with pytest.raises(PacketError, match="'http': give the frame number too"):
        as_dissection("http")
