"""Tests for netcourse.sockets.udp: a datagram each way, no connection state."""

from __future__ import annotations

from netcourse import sockets as sk


def test_udp_has_no_state():
    demo = sk.udp_demo(b"abc")
    assert demo.payload == b"abc"
    assert demo.states == ("UNCONN", "UNCONN")
    assert sk.reply_four_tuple(demo.request) == demo.reply
