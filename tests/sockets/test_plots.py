"""Tests for netcourse.plots.sockets: the state machine and the ladder figures."""

from __future__ import annotations

from netcourse import sockets as sk
from netcourse.plots.sockets import STATE_LAYOUT, ladder, state_machine


def test_plots_return_figures():
    names = {a for a, _, _ in sk.TCP_TRANSITIONS} | {b for _, b, _ in sk.TCP_TRANSITIONS}
    assert names <= set(STATE_LAYOUT)
    fig = state_machine(client=sk.state_path(sk.TEARDOWN_ROLES["closes first"]))
    assert fig.axes[0].get_title()
    assert len(ladder().axes[0].patches) + len(ladder().axes[0].texts) > len(sk.handshake())
