"""Tests for netcourse.sockets.udp: a datagram each way; a connected socket keeps its peer.

The states are checked against the kernel three ways: ``ss``, ``/proc/net/udp``'s state
column and the UDP NoPorts counter the kernel bumps when no socket takes a datagram.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess

import pytest

from netcourse import sockets as sk
from netcourse.errors import SocketLabError
from netcourse.sockets.udp import _rows


def test_connected_client_is_estab_and_the_unconnected_server_unconn():
    demo = sk.udp_demo(b"abc")
    assert demo.payload == b"abc" and demo.connected
    assert [(r.role, r.state) for r in demo.rows] == [("client", "ESTAB"), ("server", "UNCONN")]
    client, server = demo.rows
    assert client.remote == server.local  # the peer connect() stored
    assert server.remote == "*:*"
    assert sk.reply_four_tuple(demo.request) == demo.reply


def test_without_connect_both_are_unconn():
    demo = sk.udp_demo(b"abc", connect=False)
    assert demo.states == ("UNCONN", "UNCONN") and not demo.connected
    assert {r.remote for r in demo.rows} == {"*:*"}


def _no_ports() -> int:
    with open("/proc/net/snmp") as handle:
        udp = [line.split() for line in handle if line.startswith("Udp:")]
    return int(udp[1][udp[0].index("NoPorts")])


@pytest.mark.skipif(not os.path.exists("/proc/net/snmp"), reason="needs Linux /proc/net/snmp")
def test_a_connected_socket_takes_datagrams_only_from_its_peer():
    before = _no_ports()
    assert sk.udp_demo().stranger == "refused"
    # the kernel found no socket for the stranger's datagram: it counted it as NoPorts
    assert _no_ports() >= before + 1
    assert sk.udp_demo(connect=False).stranger == "delivered"


def _ss_udp(ports):
    query = " or ".join(f"sport = :{p}" for p in ports)
    out = subprocess.run(
        ["ss", "-Huan", f"( {query} )"], capture_output=True, text=True, timeout=10, check=True
    ).stdout
    return sorted((f[3], f[4], f[0]) for f in (line.split() for line in out.splitlines()))


def _proc_udp_states(ports):
    """Port -> the st column of /proc/net/udp (01 = TCP_ESTABLISHED, 07 = TCP_CLOSE)."""
    with open("/proc/net/udp") as handle:
        lines = [line.split() for line in handle.readlines()[1:]]
    return {
        int(f[1].split(":")[1], 16): f[3] for f in lines if int(f[1].split(":")[1], 16) in ports
    }


@pytest.mark.skipif(shutil.which("ss") is None, reason="iproute2's ss is not installed")
def test_udp_states_agree_with_ss_and_proc():
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client,
    ):
        server.bind(("127.0.0.1", 0))
        client.bind(("127.0.0.1", 0))
        client.connect(server.getsockname())
        ports = (server.getsockname()[1], client.getsockname()[1])
        rows = _rows(*ports)
        theirs = _ss_udp(ports)
        proc = _proc_udp_states(ports)
        owners = sk.who_uses(ports[1], proto="udp").users
    ours = sorted((r.local, "*:*" if r.remote == "*:*" else r.remote, r.state) for r in rows)
    ss_rows = [
        (local, "*:*" if remote.endswith(":*") else remote, st) for local, remote, st in theirs
    ]
    assert ours == ss_rows
    assert {r.state for r in rows} == {"ESTAB", "UNCONN"}
    assert proc == {ports[0]: "07", ports[1]: "01"}
    assert [u.state for u in owners] == ["ESTAB"]


@pytest.mark.parametrize("bad", ["text", 5, None, b"x" * 65508])
def test_udp_payload_must_be_a_datagram_of_bytes(bad):
    with pytest.raises(SocketLabError, match="a payload is bytes, at most 65507"):
        sk.udp_demo(bad)


def test_connect_must_be_a_bool():
    with pytest.raises(SocketLabError, match="connect must be True or False"):
        sk.udp_demo(connect="yes")


def test_udp_largest_datagram_goes_through():
    assert sk.udp_demo(b"x" * 65507).payload == b"x" * 65507
