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
