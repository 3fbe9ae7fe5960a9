"""Tests for netcourse.widgets.sockets: the live socket table and the handshake stepper."""

from __future__ import annotations

import threading
import time
from html import escape

from netcourse import sockets as sk
from netcourse.widgets.sockets import HandshakeStepper, SocketTableWidget


def test_socket_table_widget_buttons_and_errors():
    with sk.SocketLab() as lab:
        view = SocketTableWidget(lab)
        view.close_button.click()  # nothing open yet: an inline error, no exception
        assert "no client is open" in view.errors.value
        view.open_button.click()
        view.open_button.click()
        assert view.errors.value == ""
        assert view.which.value == 2 and view.table.value.count("ESTAB") == 4
        view.first.value = "server"
        view.close_button.click()
        assert "TIME-WAIT side: server" in view.status.value
        assert [c.number for c in lab.clients] == [1]
        assert repr(view) == "SocketTableWidget(live socket table of the lab)"
        view.close()
    view.refresh()  # the lab is closed: shown inline
    assert "not running" in view.errors.value


def test_socket_table_timer_is_bounded_and_stops_on_close():
    with sk.SocketLab() as lab:
        view = SocketTableWidget(lab, interval=0.2, max_refreshes=3)
        before = view.refreshes
        view.auto.value = True
        assert view.timer_running
        deadline = time.monotonic() + 5
        while view.timer_running and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not view.timer_running and view.refreshes == before + 3
        assert view.auto.value is False
        view.auto.value = True
        assert view.timer_running
        view.close()
        assert not view.timer_running
    assert not [t for t in threading.enumerate() if t.name == "netcourse-socket-table"]


def test_handshake_stepper():
    stepper = HandshakeStepper()
    capture = sk.handshake()
    assert "SYN" in stepper.view.value and str(capture.client_isn) in stepper.view.value
    stepper.back.click()
    assert stepper.position == 1
    for _ in range(len(capture) + 3):
        stepper.forward.click()
    assert stepper.position == len(capture)
    last = capture[len(capture) - 1]
    assert f"<b>#{last.number} {last.flags}</b>" in stepper.view.value
    assert all(escape(line) in stepper.view.value for line in last.arithmetic)
    assert repr(stepper) == f"HandshakeStepper({len(capture)} segments)"


def test_socket_table_widget_as_a_context_manager_stops_its_timer():
    with sk.SocketLab() as lab:
        with SocketTableWidget(lab, interval=0.2, max_refreshes=50) as view:
            view.auto.value = True
            assert view.timer_running
        assert not view.timer_running
    assert not [t for t in threading.enumerate() if t.name == "netcourse-socket-table"]
