"""Tests for netcourse.sockets.lab: the loopback lab, its socket table, its teardowns.

Nothing the lab opens outlives it: not on error, not when it is dropped, not at exit; clients
opened from several threads get unique numbers and no socket is lost.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading

import psutil
import pytest
from markupsafe import escape
from sockets_procs import fds, gone, listening, run

from netcourse import sockets as sk
from netcourse.errors import SocketLabError


def _lab_threads():
    return [t for t in threading.enumerate() if t.name.startswith("netcourse-socketlab")]


def test_lab_sockets_mirror_each_other():
    with sk.SocketLab() as lab:
        clients = [lab.open_client() for _ in range(3)]
        table = lab.table()
        assert len(table.by_role("listening")) == 1
        assert len(table.by_role("client")) == len(table.by_role("accepted")) == 3
        assert len({c.port for c in clients}) == 3  # distinct source ports: no collision
        for client in clients:
            mine = [r for r in table if r.client == client.number]
            by_role = {r.role: r for r in mine}
            assert by_role["client"].four_tuple == client.four_tuple
            assert by_role["accepted"].four_tuple == sk.reply_four_tuple(client.four_tuple)
            assert lab.server_side(client) == by_role["accepted"].four_tuple
            assert by_role["client"].fd == client.fd
            assert by_role["accepted"].fd == lab.accepted_fd(client)
            assert {r.state for r in mine} == {"ESTAB"}
        assert table.by_role("listening")[0].local == f"127.0.0.1:{lab.port}"
        assert lab.exchange(clients[0], b"ping") == b"ping"
        big = bytes(range(256)) * 256  # 64 KiB: more than one recv() returns at once
        assert lab.exchange(clients[1], big) == big


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux /proc")
def test_proc_link_inode_is_the_sockets_inode():
    with sk.SocketLab() as lab:
        lab.open_client()
        for row in lab.table():
            assert row.inode == os.fstat(row.fd).st_ino
            assert sk.socket_link(row.fd) == f"socket:[{row.inode}]"


@pytest.mark.skipif(shutil.which("ss") is None, reason="iproute2's ss is not installed")
def test_table_agrees_with_ss():
    with sk.SocketLab() as lab:
        for _ in range(2):
            lab.open_client()
        lab.close_client(1)
        out = subprocess.run(
            ["ss", "-Htan", f"( sport = :{lab.port} or dport = :{lab.port} )"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
        theirs = sorted(
            (fields[3], "" if fields[4].endswith(":*") else fields[4], fields[0])
            for fields in (line.split() for line in out.splitlines())
        )
        ours = sorted(
            (r.local, "" if r.remote == "*:*" else r.remote, r.state) for r in lab.table()
        )
        assert ours == theirs
        assert {state for _, _, state in ours} == {"LISTEN", "ESTAB", "TIME-WAIT"}


def test_client_closing_first_ends_in_time_wait():
    with sk.SocketLab() as lab:
        client = lab.open_client()
        teardown = lab.close_client(client)
        assert teardown.after_first_close == {"client": "FIN-WAIT-2", "server": "CLOSE-WAIT"}
        assert teardown.after_second_close == {"client": "TIME-WAIT", "server": "CLOSED"}
        assert teardown.time_wait_side == "client"
        rows = lab.table().by_role("no owner: client")
        assert [(r.client, r.state, r.four_tuple) for r in rows] == [
            (client.number, "TIME-WAIT", client.four_tuple)
        ]
        assert teardown.path("client") == sk.state_path(sk.TEARDOWN_ROLES["closes first"])
        assert lab.clients == ()


def test_server_closing_first_moves_time_wait_to_the_server():
    with sk.SocketLab() as lab:
        client = lab.open_client()
        teardown = lab.close_client(client, first="server")
        assert teardown.after_first_close == {"client": "CLOSE-WAIT", "server": "FIN-WAIT-2"}
        assert teardown.time_wait_side == "server"
        assert "TIME-WAIT" in teardown.path("server")
        assert "TIME-WAIT" not in teardown.path("client")


def test_server_path_is_the_accepted_child_and_the_listener_stays_in_listen():
    """The listener never moves: each SYN makes a child in SYN-RECV, which accept() returns."""
    with sk.SocketLab() as lab:
        listener = lab.table().by_role("listening")[0]
        client = lab.open_client()
        accepted = next(r for r in lab.table().by_role("accepted") if r.client == client.number)
        assert accepted.inode != listener.inode  # another socket, not the listener moved on
        teardown = lab.close_client(client)
        path = teardown.path("server")
        assert path[:2] == ("SYN-RECV", "ESTAB") and "LISTEN" not in path
        edges = {(a, b) for a, b, _ in sk.TCP_TRANSITIONS}
        assert all(pair in edges for pair in zip(path, path[1:])), path
        after = lab.table().by_role("listening")
        assert [(r.inode, r.state) for r in after] == [(listener.inode, "LISTEN")]


def test_lab_errors_speak_to_the_learner():
    with sk.SocketLab() as lab:
        with pytest.raises(SocketLabError, match="no client is open"):
            lab.close_client()
        lab.open_client()
        with pytest.raises(SocketLabError, match="#7 is not open"):
            lab.close_client(7)
        with pytest.raises(SocketLabError, match="'both'"):
            lab.close_client(1, first="both")
        with pytest.raises(SocketLabError, match="bytes"):
            lab.exchange(1, "text")
    with pytest.raises(SocketLabError, match="not running"):
        lab.open_client()
    with pytest.raises(SocketLabError, match="loopback"):
        sk.SocketLab("192.0.2.1")


def test_lab_leaves_nothing_behind_also_on_error():
    before_fds, before_threads = fds(), set(threading.enumerate())
    port = None
    with pytest.raises(RuntimeError, match="boom"):
        with sk.SocketLab() as lab:
            port = lab.port
            for _ in range(3):
                lab.open_client()
            lab.close_client(2)
            assert _lab_threads()
            raise RuntimeError("boom")
    assert lab.closed and repr(lab) == "SocketLab(closed)"
    assert not _lab_threads()
    assert set(threading.enumerate()) <= before_threads
    assert fds() <= before_fds
    assert not listening(port)
    owned = [c for c in psutil.Process().net_connections(kind="tcp") if port in _ports(c)]
    assert owned == []


def _ports(conn):
    return {conn.laddr[1] if conn.laddr else None, conn.raddr[1] if conn.raddr else None}


def test_table_falls_back_when_psutil_cannot_list(monkeypatch):
    def denied(*args, **kwargs):
        raise psutil.AccessDenied()

    with sk.SocketLab() as lab:
        lab.open_client()
        monkeypatch.setattr(psutil, "net_connections", denied)
        table = lab.table()
        assert "own sockets only" in table.source
        assert sorted(r.role for r in table) == ["accepted", "client", "listening"]
        monkeypatch.setattr(psutil.Process, "net_connections", denied)
        table = lab.table()
        assert "lab's own sockets" in table.source
        assert sorted(r.role for r in table) == ["accepted", "client", "listening"]


_LAB_DROPPED = """
    import gc, json, os, threading, psutil
    from netcourse.sockets import SocketLab

    def snapshot():
        links = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
                 if os.path.exists(f"/proc/self/fd/{fd}")]
        return {
            "threads": sorted(t.name for t in threading.enumerate()),
            "sockets": sum(link.startswith("socket:") for link in links),
            "epoll": sum("eventpoll" in link for link in links),
        }

    before = snapshot()
    lab = SocketLab().start()
    port = lab.port
    for _ in range(3):
        lab.open_client()
    during = snapshot()
    del lab
    gc.collect()
    after = snapshot()
    mine = [c for c in psutil.Process().net_connections("tcp")
            if port in (c.laddr[1], c.raddr[1] if c.raddr else None)]
    print(json.dumps({"before": before, "during": during, "after": after,
                      "own_sockets_on_port": len(mine)}))
"""


def test_a_dropped_lab_closes_its_thread_sockets_and_selector():
    result = run(_LAB_DROPPED)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    before, during, after = seen["before"], seen["during"], seen["after"]
    assert during["sockets"] == before["sockets"] + 7  # listener, 3 clients, 3 accepted
    assert during["epoll"] == before["epoll"] + 1
    assert any(name.startswith("netcourse-socketlab") for name in during["threads"])
    assert after == before
    assert seen["own_sockets_on_port"] == 0


def test_an_interpreter_exiting_with_a_running_lab_and_holder_leaves_nothing():
    out = run(
        """
        from netcourse.sockets import SocketLab, hold_port
        lab = SocketLab().start()
        lab.open_client()
        holder = hold_port().start()
        print(lab.port, holder.pid, holder.port, flush=True)
        """
    )
    assert out.returncode == 0, out.stderr
    lab_port, pid, holder_port = map(int, out.stdout.split())
    assert gone(pid, within=5)
    assert not listening(lab_port) and not listening(holder_port)


def test_open_client_from_eight_threads_numbers_uniquely_and_loses_nothing():
    fds_before = set(os.listdir("/proc/self/fd"))
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show up
    try:
        with sk.SocketLab() as lab:
            barrier = threading.Barrier(8)
            got: list[sk.Client] = []
            errors: list[BaseException] = []

            def work() -> None:
                try:
                    barrier.wait(timeout=10)
                    for _ in range(5):
                        got.append(lab.open_client())
                except BaseException as exc:  # reported below
                    errors.append(exc)

            threads = [threading.Thread(target=work) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            assert not errors
            numbers = sorted(c.number for c in got)
            assert numbers == list(range(1, 41))
            assert sorted(c.number for c in lab.clients) == numbers
            assert len({c.fd for c in got}) == 40
            table = lab.table()
            assert len(table.by_role("client")) == len(table.by_role("accepted")) == 40
    finally:
        sys.setswitchinterval(interval)
    assert set(os.listdir("/proc/self/fd")) <= fds_before  # every socket was closed


@pytest.mark.parametrize("bad", [-1, 0, True, "2", float("nan"), None])
def test_lab_refuses_a_bad_wait(bad):
    with pytest.raises(SocketLabError) as info:
        sk.SocketLab(wait=bad)
    assert repr(bad) in str(info.value) and "wait" in str(info.value)


def test_a_finalizer_run_by_the_server_thread_itself_neither_deadlocks_nor_leaks():
    """Garbage collection may run the lab's finalizer in any thread, the server's too."""
    before = fds()
    lab = sk.SocketLab().start()
    core = lab._core
    handle = core.handle

    def collected_here(sock):  # as if a collection ran the finalizer while the lock is held
        handle(sock)
        lab._finalizer()

    core.handle = collected_here
    with pytest.raises(SocketLabError, match="closed while waiting for the server to accept"):
        lab.open_client()
    core.thread.join(timeout=5)
    assert not core.thread.is_alive() and lab.closed and core.error is None
    assert fds() <= before


def test_closing_a_closed_client_again_returns_that_close_with_a_note():
    """A later cell may close a client the learner closed in the table: no error."""
    with sk.SocketLab() as lab:
        first, second = lab.open_client(), lab.open_client()
        done = lab.close_client(first, first="server")
        again = lab.close_client(first)  # asks for the client to close first: too late
        assert again == done and again.time_wait_side == "server"
        assert "client #1 was closed already (the server closed first)" in again.note
        assert "first='client' changed nothing" in again.note
        assert again.note in repr(again) and escape(again.note) in again._repr_html_()
        assert done.note == ""
        assert lab.close_client(1, first="server").note.endswith("states of that close")
        assert [c.number for c in lab.clients] == [second.number]  # nothing else closed
        with pytest.raises(SocketLabError, match=r"#1 is closed already.*open ones: \[2\]"):
            lab.exchange(first)
        with pytest.raises(SocketLabError, match="'both'"):  # a bad side is still refused
            lab.close_client(first, first="both")
        lab.close_client(second)
        with pytest.raises(SocketLabError, match="#2 is closed already.*none is open now"):
            lab.server_side(second)
        with pytest.raises(SocketLabError, match="no client is open"):  # never opened
            lab.close_client(7)


def test_teardown_reads_as_words_and_a_table():
    seen = {"client": "FIN-WAIT-2", "server": "CLOSE-WAIT"}
    teardown = sk.Teardown(3, "client", seen, {"client": "TIME-WAIT", "server": "CLOSED"})
    assert "{" not in repr(teardown)
    assert "after the first close: client FIN-WAIT-2, server CLOSE-WAIT" in repr(teardown)
    html = teardown._repr_html_()
    assert "<p>client #3: the client closed first; TIME-WAIT: the client&#39;s side</p>" in html
    for row in (("client", "FIN-WAIT-2", "TIME-WAIT"), ("server", "CLOSE-WAIT", "CLOSED")):
        cells = "".join(f">{text}</t" for text in row)
        assert cells in "".join(f">{t}</t" for t in re.findall(r">([^<>]+)</t[hd]", html))


def test_on_change_tells_every_callback_each_change_and_the_close_once():
    lab = sk.SocketLab().start()
    seen = []

    def boom(event):
        seen.append(("boom", event))
        raise RuntimeError("callback failed")

    lab.on_change(lambda event: seen.append((event, len(lab.clients), lab.closed)))
    lab.on_change(boom)
    with pytest.raises(RuntimeError, match="callback failed"):  # after every callback ran
        lab.open_client()
    assert seen == [("open_client", 1, False), ("boom", "open_client")]
    assert len(lab.clients) == 1  # the client is open all the same
    seen.clear()
    with pytest.raises(RuntimeError, match="callback failed"):
        lab.close_client()
    assert seen == [("close_client", 0, False), ("boom", "close_client")]
    seen.clear()
    with pytest.raises(RuntimeError, match="callback failed"):
        lab.close()
    assert seen == [("close", 0, True), ("boom", "close")]
    lab.close()  # again: nothing more
    lab.close_client(1)  # the record of a close is no change
    lab.on_change(lambda event: seen.append(("late", event)))  # a closed lab: told at once
    assert seen[2:] == [("late", "close")]
    with pytest.raises(SocketLabError, match="function"):
        lab.on_change("not callable")


def test_on_change_callbacks_do_not_run_from_the_finalizer():
    """A dropped lab is closed by its finalizer, which may run anywhere: no callbacks then."""
    code = """
        import gc
        from netcourse.sockets import SocketLab
        lab = SocketLab().start()
        port = lab.port
        lab.on_change(print)
        del lab
        gc.collect()
        from netcourse.sockets.connections import list_sockets
        print("listening" if any(s.laddr and s.laddr[1] == port and s.status == "LISTEN"
              for s in list_sockets("tcp").sockets) else "closed")
    """
    result = run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["closed"]
