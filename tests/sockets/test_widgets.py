"""Tests for netcourse.widgets.sockets: the live socket table and the handshake stepper."""

from __future__ import annotations

import re
import threading
import time
from html import escape

import psutil

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
        assert [c.number for c in lab.clients] == [1]
        assert repr(view) == "SocketTableWidget(live socket table of the lab)"
        view.close()
    view.refresh()  # the lab is closed: said plainly, with no error and no sockets
    assert view.showing_closed and view.errors.value == ""
    assert "This lab is closed" in view.table.value and "ESTAB" not in view.table.value


def _cells(html: str) -> list[list[str]]:
    """The text of each row's cells in an HTML table (header and body), tags stripped."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html)
    return [
        [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)]
        for r in rows
    ]


def test_messages_are_words_and_tables_not_python_reprs():
    with sk.SocketLab() as lab:
        with SocketTableWidget(lab) as view:
            view.open_button.click()
            (client,) = lab.clients
            sport = client.four_tuple[1]
            assert "{" not in view.status.value and "Client(" not in view.status.value
            assert f"client #1: 127.0.0.1:{sport} → 127.0.0.1:{lab.port}" in view.status.value
            view.first.value = "server"
            view.close_button.click()
            status = view.status.value
            assert "{" not in status and "'client'" not in status, status
            assert "the server closed first" in status
            # what TCP does when the server closes first (RFC 9293, 3.6): the server's side
            # goes FIN-WAIT-2 then TIME-WAIT; the client sees CLOSE-WAIT, then is gone
            assert _cells(status) == [
                ["socket", "after the first close", "after both closed"],
                ["client", "CLOSE-WAIT", "CLOSED"],
                ["server", "FIN-WAIT-2", "TIME-WAIT"],
            ]
            # and the kernel agrees: the server's end of that connection waits in TIME-WAIT
            kernel = {
                c.status
                for c in psutil.net_connections(kind="tcp")
                if c.laddr and c.laddr.port == lab.port and c.raddr and c.raddr.port == sport
            }
            assert kernel == {psutil.CONN_TIME_WAIT}


def test_table_of_a_lab_closed_elsewhere_says_so_at_once_and_offers_a_new_lab():
    """Run All: a later cell closes the lab; the table must not keep showing its sockets."""
    before = set(threading.enumerate())
    lab = sk.SocketLab().start()
    old_port = lab.port
    view = SocketTableWidget(lab, interval=0.2, max_refreshes=500)
    try:
        view.open_button.click()
        view.open_button.click()
        view.auto.value = True
        assert view.table.value.count("ESTAB") == 4 and view.timer_running
        lab.close()  # what the lesson's clean-up cell does; nothing calls refresh()
        assert view.showing_closed
        assert "This lab is closed" in view.table.value
        assert "ESTAB" not in view.table.value and str(old_port) not in view.table.value
        assert view.which.options == () and view.status.value == ""
        assert view.auto.value is False and not view.timer_running
        assert all(control.disabled for control in view._controls)
        assert not view.reopen_button.disabled

        view.reopen_button.click()
        new = view.lab
        assert new is not lab and not new.closed and view.errors.value == ""
        assert not view.showing_closed and not any(c.disabled for c in view._controls)
        assert f"127.0.0.1:{new.port}" in view.status.value
        view.open_button.click()
        (client,) = new.clients
        kernel = {
            (c.laddr.port, c.raddr.port, c.status)
            for c in psutil.Process().net_connections(kind="tcp")
            if c.raddr and new.port in (c.laddr.port, c.raddr.port)
        }
        assert kernel == {
            (client.port, new.port, psutil.CONN_ESTABLISHED),
            (new.port, client.port, psutil.CONN_ESTABLISHED),
        }
        assert view.table.value.count("ESTAB") == 2
        lab.close()  # the notebook's lab again: the table now shows its own lab, unmoved
        assert not view.showing_closed
    finally:
        view.close()
    assert new.closed  # the table's own lab closes with it
    assert not [c for c in psutil.Process().net_connections(kind="tcp") if c.laddr.port == new.port]
    assert set(threading.enumerate()) <= before


def test_table_follows_what_notebook_cells_do_to_the_lab_without_a_refresh():
    with sk.SocketLab() as lab:
        with SocketTableWidget(lab) as view:
            first = lab.open_client()  # a cell, not the table's button
            assert view.which.options == (("#1", 1),)
            assert view.table.value.count("ESTAB") == 2
            refreshes = view.refreshes
            lab.close_client(first)
            assert view.refreshes == refreshes + 1 and view.which.options == ()
            assert "ESTAB" not in view.table.value
            assert "TIME-WAIT" in view.table.value  # the client's end, as the kernel lists it
            rows = [r.state for r in lab.table() if r.client == first.number]
            assert rows == ["TIME-WAIT"]


def test_a_failing_view_never_breaks_the_cell_that_changed_the_lab(monkeypatch):
    with sk.SocketLab() as lab:
        with SocketTableWidget(lab) as view:

            def broken():
                raise RuntimeError("the view broke")

            monkeypatch.setattr(view, "refresh", broken)
            client = lab.open_client()  # no exception here: the table shows it instead
            assert "the view broke" in view.errors.value
            assert lab.close_client(client).time_wait_side == "client"


def test_table_built_on_a_closed_lab_shows_it_closed():
    with sk.SocketLab() as lab:
        pass
    view = SocketTableWidget(lab)
    try:
        assert view.showing_closed and view.errors.value == ""
    finally:
        view.close()


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
    assert stepper.back.disabled and not stepper.forward.disabled  # on the first step
    stepper.back.click()
    assert stepper.position == 1
    stepper.forward.click()
    assert not stepper.back.disabled and not stepper.forward.disabled
    for _ in range(len(capture) + 3):
        stepper.forward.click()
    assert stepper.position == len(capture)
    assert stepper.forward.disabled and not stepper.back.disabled  # on the last step
    stepper.slider.value = 1  # the slider moves too: the buttons follow it
    assert stepper.back.disabled and not stepper.forward.disabled
    stepper.slider.value = len(capture)
    assert stepper.forward.disabled
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
