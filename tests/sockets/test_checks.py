"""Tests for netcourse.checks.sockets: right answers pass, wrong ones never reveal the answer."""

from __future__ import annotations

import os

from netcourse import sockets as sk
from netcourse.checks import sockets as check


def _hidden(feedback, answer):
    return str(answer) not in feedback.message + feedback.hint


def test_check_reply_four_tuple():
    right = sk.reply_four_tuple(sk.EXAMPLE_REQUEST)
    assert check.reply_four_tuple.feedback(right).ok
    for bad in [sk.EXAMPLE_REQUEST, (right[0], right[3], right[2], right[1]), (1, 2), "x"]:
        fb = check.reply_four_tuple.feedback(bad)
        assert fb.ok is False and _hidden(fb, right)
    assert check.reply_four_tuple.feedback(...).ok is None
    with sk.SocketLab() as lab:
        client = lab.open_client()
        answer = lab.server_side(client)
        assert check.reply_four_tuple.feedback(answer, client.four_tuple).ok


def test_check_connections_per_destination():
    right = sk.ephemeral_ports().connections_per_destination
    assert check.connections_per_destination.feedback(right).ok
    for bad in (right + 1, right - 1, 65535, 100, "many", True):
        fb = check.connections_per_destination.feedback(bad)
        assert fb.ok is False and str(right) not in fb.message + fb.hint


def test_check_port_holder(child):
    server = child()
    assert check.port_holder.feedback(server.pid, server.port).ok
    for bad in (os.getpid(), 1, str(server.pid)):
        fb = check.port_holder.feedback(bad, server.port)
        assert fb.ok is False and str(server.pid) not in fb.message + fb.hint


def test_check_time_wait_side():
    assert check.time_wait_side.feedback("closes first").ok
    for bad in ("closes second", "client", 1):
        fb = check.time_wait_side.feedback(bad)
        assert fb.ok is False and "closes first" not in fb.message


def test_check_connected_udp_state():
    right = sk.udp_demo().states[0]  # what the kernel reports for the connected client
    assert right == "ESTAB"
    assert check.connected_udp_state.feedback(right).ok
    assert check.connected_udp_state.feedback("established").ok  # the kernel's own name
    for bad in ["UNCONN", "LISTEN", "connected", 1, None]:
        fb = check.connected_udp_state.feedback(bad)
        assert fb.ok is False and _hidden(fb, right)
    assert "before it calls connect()" in check.connected_udp_state.feedback("UNCONN").message
