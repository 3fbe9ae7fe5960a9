"""Tests for netcourse.sockets.udp: a datagram each way, no connection state."""

from __future__ import annotations

import pytest

from netcourse import sockets as sk
from netcourse.errors import SocketLabError


def test_udp_has_no_state():
    demo = sk.udp_demo(b"abc")
    assert demo.payload == b"abc"
    assert demo.states == ("UNCONN", "UNCONN")
    assert sk.reply_four_tuple(demo.request) == demo.reply


@pytest.mark.parametrize("bad", ["text", 5, None, b"x" * 65508])
def test_udp_payload_must_be_a_datagram_of_bytes(bad):
    with pytest.raises(SocketLabError, match="a payload is bytes, at most 65507"):
        sk.udp_demo(bad)


def test_udp_largest_datagram_goes_through():
    assert sk.udp_demo(b"x" * 65507).payload == b"x" * 65507
