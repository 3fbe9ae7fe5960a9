"""conversations() against ``tshark -q -z conv,tcp`` / ``conv,udp``, on the shipped captures and
on synthetic captures in every file variant (pcap both byte orders, nanosecond pcap, pcapng),
with IPv4, IPv6 and VLAN-tagged frames."""

from __future__ import annotations

import functools
import random
import re
import shutil
import subprocess

import pytest
from tcp_scenarios import SCENARIOS, chaotic

from netcourse.errors import CaptureError
from netcourse.packets import SAMPLES, conversations, sample
from netcourse.packets.synthetic import FORMATS, synthetic_traffic, write_capture
from netcourse.protocols import LINK_TYPES

needs_tshark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")

_SIZE = r"(\d+) (bytes|kB|MB)"
_ROW = re.compile(
    rf"^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s+(\d+) {_SIZE}\s+(\d+) {_SIZE}\s+(\d+) {_SIZE}"
    r"\s+([\d.]+)\s+([\d.]+)\s*$"
)
_UNIT = {"bytes": 1, "kB": 1000, "MB": 1_000_000}


@functools.cache
def _tshark_conversations(path) -> dict[str, list[dict]]:
    """tshark's TCP and UDP conversation tables of one file (one tshark run)."""
    out = subprocess.run(
        ["tshark", "-r", str(path), "-q", "-z", "conv,tcp", "-z", "conv,udp"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    tables: dict[str, list[dict]] = {"tcp": [], "udp": []}
    current = None
    for line in out.splitlines():
        if line.endswith("Conversations"):
            current = line.split()[0].lower()
            continue
        m = _ROW.match(line)
        if not m:
            continue
        g = m.groups()
        tables[current].append(
            {
                "a": (g[0], int(g[1])),
                "b": (g[2], int(g[3])),
                "b_to_a": (int(g[4]), int(g[5]) * _UNIT[g[6]], g[6]),
                "a_to_b": (int(g[7]), int(g[8]) * _UNIT[g[9]], g[9]),
                "total": (int(g[10]), int(g[11]) * _UNIT[g[12]], g[12]),
                "start": float(g[13]),
                "duration": float(g[14]),
            }
        )
    return tables


def _same_bytes(ours: int, theirs: tuple[int, int, str]) -> bool:
    """tshark 4.0 writes 10,000 bytes and more in kB (MB) by integer division (13,790 bytes
    print as "13 kB")."""
    _, value, unit = theirs
    return ours == value if unit == "bytes" else value <= ours < value + _UNIT[unit]


def _compare(path, proto: str) -> int:
    ours = conversations(path, proto=proto)
    theirs = _tshark_conversations(path)[proto]
    assert len(ours) == len(theirs)
    # a reused port pair is several conversations with the same ends: match them by start
    by_ends: dict[frozenset, list[dict]] = {}
    for row in sorted(theirs, key=lambda row: row["start"]):
        by_ends.setdefault(frozenset((row["a"], row["b"])), []).append(row)
    for conv in sorted(ours, key=lambda conv: conv.start):
        a, b = (conv.address_a, conv.port_a), (conv.address_b, conv.port_b)
        row = by_ends[frozenset((a, b))].pop(0)
        if row["a"] != a:  # tshark chose the other end as A
            row = {**row, "a_to_b": row["b_to_a"], "b_to_a": row["a_to_b"]}
        assert conv.frames_a_to_b == row["a_to_b"][0]
        assert conv.frames_b_to_a == row["b_to_a"][0]
        assert conv.frames == row["total"][0] == conv.frames_a_to_b + conv.frames_b_to_a
        assert _same_bytes(conv.bytes_a_to_b, row["a_to_b"])
        assert _same_bytes(conv.bytes_b_to_a, row["b_to_a"])
        assert _same_bytes(conv.bytes, row["total"])
        assert conv.start == pytest.approx(row["start"], abs=1e-6)
        assert conv.duration == pytest.approx(row["duration"], abs=6e-5)
    return len(ours)


@needs_tshark
@pytest.mark.parametrize("proto", ["tcp", "udp"])
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_shipped_captures_match_tshark(name, proto):
    """Every shipped sample; the impaired capture reuses a port pair after a connection ends,
    which tshark (and we) count as a new conversation."""
    _compare(sample(name), proto)


@needs_tshark
@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
@pytest.mark.parametrize("linktype", sorted(LINK_TYPES))
def test_every_link_type_matches_tshark(link_captures, linktype, fmt):
    path = link_captures[(linktype, fmt)]
    assert _compare(path, "tcp") > 0
    assert _compare(path, "udp") > 0


@pytest.fixture(scope="module")
def traffic():
    return synthetic_traffic(400, seed=7, conversations=14)


@needs_tshark
@pytest.mark.parametrize("fmt", ["pcap", "pcap-be", "pcap-ns", "pcapng-be"])
def test_synthetic_variants_match_tshark(tmp_path, traffic, fmt):
    path = write_capture(tmp_path / f"t.{fmt}", *traffic, fmt=fmt)
    assert _compare(path, "tcp") > 0
    assert _compare(path, "udp") > 0


def test_every_file_variant_gives_the_same_table(tmp_path, traffic):
    tables = {
        fmt: conversations(write_capture(tmp_path / f"t.{fmt}", *traffic, fmt=fmt), "tcp")
        for fmt in FORMATS
    }
    first = tables["pcap"]
    assert len(first) > 0
    for fmt, table in tables.items():
        assert [c.four_tuple for c in table] == [c.four_tuple for c in first], fmt
        assert [c.bytes for c in table] == [c.bytes for c in first], fmt
        assert [c.start for c in table] == pytest.approx([c.start for c in first], abs=1e-6)


def test_covers_ipv6_and_vlan(traffic, tmp_path):
    path = write_capture(tmp_path / "t.pcap", *traffic)
    addrs = {c.address_a for c in conversations(path, "tcp")}
    addrs |= {c.address_a for c in conversations(path, "udp")}
    assert any(":" in a for a in addrs) and any("." in a for a in addrs)


def test_a_is_the_end_that_spoke_first():
    [conv] = conversations("http")
    assert conv.four_tuple == ("198.18.0.1", 40000, "198.18.0.2", 8000)


def test_bad_proto_and_missing_file():
    with pytest.raises(CaptureError, match="proto='icmp': expected one of 'tcp', 'udp'"):
        conversations("http", proto="icmp")
    with pytest.raises(CaptureError, match="no such capture file"):
        conversations("/nonexistent.pcap")


def test_not_a_capture_file(tmp_path):
    bad = tmp_path / "x.pcap"
    bad.write_bytes(b"hello world")
    with pytest.raises(CaptureError, match="not a pcap or pcapng file"):
        conversations(bad)


def test_html_table():
    html = conversations("udp", "udp")._repr_html_()
    assert "<th>address_a</th>" in html and "198.18.0.2" in html


@needs_tshark
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_written_tcp_scenarios_match_tshark(tmp_path, name):
    """Port pairs reused after a FIN or a RST, a repeated SYN, interleaved streams: each
    connection is the conversation tshark lists."""
    path = SCENARIOS[name]().write(tmp_path / f"{name}.pcap")
    assert _compare(path, "tcp") > 0


@needs_tshark
@pytest.mark.parametrize("seed", range(20))
def test_random_conversations_with_reuse_match_tshark(tmp_path, seed):
    path = chaotic(random.Random(seed)).write(tmp_path / f"chaos{seed}.pcap")
    assert _compare(path, "tcp") > 0
