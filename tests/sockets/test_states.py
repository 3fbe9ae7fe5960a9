"""Tests for netcourse.sockets.states: TCP's states, transitions and reference tables."""

from __future__ import annotations

import pytest

from netcourse import sockets as sk
from netcourse.errors import SocketLabError


def test_state_path_follows_the_transition_table():
    edges = {(a, b) for a, b, _ in sk.TCP_TRANSITIONS}
    for role, states in sk.TEARDOWN_ROLES.items():
        path = sk.state_path(states)
        assert path[0] == "CLOSED" and path[-1] == "CLOSED", role
        assert all(pair in edges for pair in zip(path, path[1:])), path
    assert set(sk.TCP_STATES.values()) - {"UNCONN"} <= {s for e in edges for s in e}
    with pytest.raises(SocketLabError, match="ESTABLISHED-ISH"):
        sk.state_path(["ESTABLISHED-ISH"])


@pytest.mark.parametrize(
    ("bad", "named"),
    [("ESTAB", "'ESTAB': observed is a list"), (5, "5: observed is a list"), ([["x"]], "['x']")],
)
def test_state_path_names_what_is_not_a_list_of_states(bad, named):
    with pytest.raises(SocketLabError) as info:
        sk.state_path(bad)
    assert named in str(info.value)


def test_state_path_accepts_the_kernels_names_too():
    assert sk.state_path(["ESTABLISHED", "TIME_WAIT"]) == sk.state_path(["ESTAB", "TIME-WAIT"])


def test_protocol_state_says_a_connected_udp_socket_is_estab():
    rows = {row[0]: row for row in sk.protocol_state().rows}
    assert "ESTAB" in rows["what ss shows as State"][2]
    assert "UNCONN" in rows["what ss shows as State"][2]
    assert "no: none exists" not in rows["connection state in the endpoints"][2]
    assert "5-tuple" in rows["stateful firewall (lesson 04)"][2]
    assert sk.udp_demo().states[0] in rows["what ss shows as State"][2]  # the kernel agrees


def test_the_listen_to_syn_recv_edge_names_the_new_child_socket():
    (event,) = [e for a, b, e in sk.TCP_TRANSITIONS if (a, b) == ("LISTEN", "SYN-RECV")]
    assert "child" in event
