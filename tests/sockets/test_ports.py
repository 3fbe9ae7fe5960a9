"""Tests for netcourse.sockets.ports: port numbers, 4-tuples, the ephemeral range, bind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse import sockets as sk
from netcourse.errors import NetcourseError, PortError, SocketLabError


@pytest.mark.parametrize("bad", [True, False, "8001", 8001.0, None, 0, -1, 65536, 10**6])
def test_check_port_rejects_and_names_the_value(bad):
    with pytest.raises(PortError) as info:
        sk.check_port(bad)
    assert repr(bad) in str(info.value)
    assert isinstance(info.value, NetcourseError)


@settings(max_examples=50)
@given(st.integers(1, 65535))
def test_check_port_accepts_every_valid_port(port):
    assert sk.check_port(port) == port


@settings(max_examples=50)
@given(
    st.ip_addresses(v=4).map(str),
    st.integers(1, 65535),
    st.ip_addresses(v=4).map(str),
    st.integers(1, 65535),
)
def test_reply_swaps_and_is_an_involution(a, p, b, q):
    four_tuple = (a, p, b, q)
    reply = sk.reply_four_tuple(four_tuple)
    assert reply == (b, q, a, p)
    assert sk.reply_four_tuple(reply) == four_tuple


def test_reply_rejects_bad_tuples():
    with pytest.raises(SocketLabError, match="src_ip, src_port"):
        sk.reply_four_tuple(("1.2.3.4", 5))
    with pytest.raises(PortError, match="70000"):
        sk.reply_four_tuple(("1.2.3.4", 70000, "5.6.7.8", 80))


def test_ephemeral_range_matches_the_kernel_file():
    path = "/proc/sys/net/ipv4/ip_local_port_range"
    if not os.path.exists(path):
        pytest.skip("not Linux: no ip_local_port_range")
    low, high = map(int, open(path).read().split())
    result = sk.ephemeral_ports()
    assert (result.low, result.high, result.size) == (low, high, high - low + 1)
    if shutil.which("sysctl"):
        out = subprocess.run(
            ["sysctl", "-n", "net.ipv4.ip_local_port_range"], capture_output=True, text=True
        ).stdout.split()
        assert list(map(int, out)) == [low, high]


def test_ephemeral_range_reserved_and_fallback(tmp_path):
    rng, res = tmp_path / "range", tmp_path / "reserved"
    rng.write_text("1000\t1999\n")
    res.write_text("900-1004,1500,3000\n")
    result = sk.ephemeral_ports(rng, res)
    assert (result.size, result.reserved, result.connections_per_destination) == (1000, 6, 994)
    missing = sk.ephemeral_ports(tmp_path / "nope", res)
    assert (missing.low, missing.high) == sk.IANA_EPHEMERAL
    assert "could not be read" in missing.explanation


def test_client_source_ports_come_from_the_range():
    rng = sk.ephemeral_ports()
    with sk.SocketLab() as lab:
        ports = [lab.open_client().port for _ in range(3)]
    assert all(rng.low <= p <= rng.high for p in ports)


@pytest.mark.parametrize(
    ("situation", "reuse", "ok"),
    [
        ("listening", False, False),
        ("listening", True, False),
        ("time-wait", False, False),
        ("time-wait", True, True),
    ],
)
def test_bind_in_use(situation, reuse, ok):
    if sys.platform != "linux":
        pytest.skip("SO_REUSEADDR semantics differ off Linux")
    attempt = sk.bind_in_use(situation, reuse)
    assert attempt.ok is ok
    assert attempt.error == (None if ok else "EADDRINUSE")


def test_bind_in_use_rejects_unknown_situations():
    with pytest.raises(SocketLabError, match="'closing'"):
        sk.bind_in_use("closing")


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("1000", "expected two ports"),
        ("1000 2000 3000", "expected two ports"),
        ("1000 abc", "'abc': a port must be a number 1-65535"),
        ("１０００ ２０００", "digits 0-9"),  # full-width digits: the kernel never writes them
        ("2000 1000", "runs backwards"),
        ("0 1000", "a port must be in 1-65535"),
    ],
)
def test_ephemeral_range_file_that_holds_no_range_says_why(tmp_path, text, bad):
    rng = tmp_path / "range"
    rng.write_text(text, encoding="utf-8")
    with pytest.raises(PortError) as info:
        sk.ephemeral_ports(rng, tmp_path / "none")
    assert bad in str(info.value) and str(rng) in str(info.value)


def test_ephemeral_reserved_ports_count_once_and_must_be_ports(tmp_path):
    rng, res = tmp_path / "range", tmp_path / "reserved"
    rng.write_text("1000 1999\n")
    res.write_text("1000-1010,1005,1008-1012,1999-2100\n")  # overlaps: 1000-1012 and 1999
    assert sk.ephemeral_ports(rng, res).reserved == 13 + 1
    res.write_text("1000-x\n")
    with pytest.raises(PortError, match="'x': a port must be a number"):
        sk.ephemeral_ports(rng, res)
    res.write_text("1010-1000\n")
    with pytest.raises(PortError, match="1010-1000 runs backwards"):
        sk.ephemeral_ports(rng, res)
    res.write_bytes(b"\xff\xfe")
    with pytest.raises(PortError, match="not a text file of port numbers"):
        sk.ephemeral_ports(rng, res)


def test_bind_in_use_wants_a_bool_for_reuseaddr():
    with pytest.raises(SocketLabError, match="'yes': reuseaddr must be True or False"):
        sk.bind_in_use("listening", "yes")


def test_five_tuple_adds_the_protocol_and_checks_both_parts():
    four = sk.EXAMPLE_REQUEST
    assert sk.five_tuple(four, "UDP") == (*four, "udp")
    assert sk.five_tuple(four) == (*four, "tcp")
    with pytest.raises(SocketLabError, match="'tcpp': not an IP protocol name"):
        sk.five_tuple(four, "tcpp")
    with pytest.raises(SocketLabError, match="a four_tuple is"):
        sk.five_tuple(four[:3])


def test_a_udp_socket_on_a_port_does_not_block_a_tcp_bind():
    """The kernel keys sockets by protocol too: by hand, then through the lesson's helper."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        with socket.socket() as tcp:
            tcp.bind(udp.getsockname())  # raises if the protocol were not part of the key
    attempt = sk.bind_in_use("udp")
    assert attempt.ok and attempt.error is None and "5-tuple" in attempt.explanation


def test_ephemeral_ranges_cover_every_client_and_match_lesson_05():
    from netcourse.vpc.resources import EPHEMERAL_PORTS

    table = sk.ephemeral_ranges()
    ranges = table.ranges
    assert ranges["IANA dynamic ports (RFC 6335)"] == (49152, 65535)  # RFC 6335 section 6
    assert sk.IANA_EPHEMERAL == (49152, 65535)
    assert ranges["Linux (default ip_local_port_range)"] == (32768, 60999)
    low = min(lo for lo, _ in ranges.values())
    high = max(hi for _, hi in ranges.values())
    assert table.covering == (low, high) == (1024, 65535) == EPHEMERAL_PORTS
    for first, last in ranges.values():  # each range sits inside what lesson 05 opens
        assert EPHEMERAL_PORTS[0] <= first <= last <= EPHEMERAL_PORTS[1]
    here = sk.ephemeral_ports()
    rows = table.table().rows
    assert rows[-1][1] == f"{here.low}-{here.high}" and str(here.source) in rows[-1][0]
    assert "covering them all: 1024-65535" in repr(table)


def test_ephemeral_ranges_say_where_this_machines_range_came_from(tmp_path):
    fallback = sk.ephemeral_ports(tmp_path / "missing", tmp_path / "missing")
    table = sk.ephemeral_ranges(fallback)
    assert "IANA" in table.table().rows[-1][0] and table.here.explanation.endswith("on Windows).")
