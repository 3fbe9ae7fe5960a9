"""Tests for netcourse.sockets.owners: who_uses, free_port and the port holder.

Proven on real processes: free_port never signals its caller, the caller's ancestors, pid 1,
or a process that does not listen on or bind the port; a zombie counts as exited; the port
holder's child never outlives its owner.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import socket
import subprocess
import textwrap
import time
from types import SimpleNamespace

import psutil
import pytest
from sockets_procs import ENV, PY, SERVER, gone, listening, run, start

from netcourse import sockets as sk
from netcourse.errors import PortError, SocketLabError
from netcourse.sockets import owners


def test_who_uses_finds_the_child(child):
    server = child()
    users = sk.who_uses(server.port)
    assert users.pids == (server.pid,)
    (user,) = users
    assert user.state == "LISTEN" and user.local == f"127.0.0.1:{server.port}"
    assert user.name == psutil.Process(server.pid).name()
    assert user.cmdline[1] == "-c"
    assert user.user == psutil.Process(server.pid).username()
    assert f"TCP:{server.port}" in users.commands[0] and f":{server.port}" in users.commands[1]


@pytest.mark.skipif(shutil.which("lsof") is None, reason="lsof is not installed")
def test_who_uses_agrees_with_lsof(child):
    server = child()
    out = subprocess.run(
        ["lsof", "-n", "-P", "-t", "-i", f"TCP@127.0.0.1:{server.port}", "-s", "TCP:LISTEN"],
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    assert sk.who_uses(server.port).pids == tuple(int(p) for p in out.split())


def test_free_port_dry_run_sends_nothing(child):
    server = child()
    result = sk.free_port(server.port)
    assert not result.confirmed
    assert [(a.pid, a.action) for a in result.actions] == [(server.pid, "would stop")]
    time.sleep(0.1)
    assert server.proc.poll() is None


def test_free_port_terminates(child):
    server = child()
    result = sk.free_port(server.port, confirm=True, timeout=5)
    assert [(a.pid, a.action) for a in result.actions] == [(server.pid, "terminated")]
    assert not psutil.pid_exists(server.pid)  # free_port waited for (and reaped) it
    assert not listening(server.port)
    assert result.freed


def test_free_port_kills_what_ignores_sigterm(child):
    server = child("ignore-term")
    started = time.monotonic()
    result = sk.free_port(server.port, confirm=True, timeout=0.5)
    assert [(a.pid, a.action) for a in result.actions] == [(server.pid, "killed")]
    assert not psutil.pid_exists(server.pid)
    assert time.monotonic() - started < 5


def test_free_port_refuses_itself():
    with sk.SocketLab() as lab:
        result = sk.free_port(lab.port, confirm=True)
    assert [(a.pid, a.action) for a in result.actions] == [(os.getpid(), "refused")]
    assert "this very process" in result.actions[0].detail


def test_free_port_refuses_pid_1(monkeypatch):
    fake = sk.PortUsers(
        8001,
        "tcp",
        (sk.PortUser(1, "init", (), "root", "0.0.0.0:8001", "*:*", "LISTEN", "tcp"),),
        (),
    )
    monkeypatch.setattr(owners, "who_uses", lambda port, proto="tcp": fake)
    result = sk.free_port(8001, confirm=True)
    assert [(a.pid, a.action) for a in result.actions] == [(1, "refused")]
    assert "init" in result.actions[0].detail


def test_free_port_refuses_other_users_unless_root(child, monkeypatch):
    server = child()
    owner = psutil.Process(server.pid).uids().real
    monkeypatch.setattr(os, "geteuid", lambda: owner + 1000)
    monkeypatch.setattr(os, "getuid", lambda: owner + 1000)
    result = sk.free_port(server.port, confirm=True)
    assert [(a.pid, a.action) for a in result.actions] == [(server.pid, "refused")]
    assert "only root" in result.actions[0].detail
    assert server.proc.poll() is None


def test_who_uses_says_what_it_could_not_see(monkeypatch):
    hidden = SimpleNamespace(laddr=("127.0.0.1", 8001), raddr=(), status="LISTEN", pid=None, fd=-1)
    monkeypatch.setattr(psutil, "net_connections", lambda kind="tcp": [hidden])
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    users = sk.who_uses(8001)
    assert [u.pid for u in users] == [None]
    assert any("sudo lsof" in note for note in users.unseen)


@pytest.mark.parametrize("bad", ["8001", True, 0, 65536, 3.5])
def test_who_uses_and_free_port_reject_bad_ports(bad):
    for func in (sk.who_uses, sk.free_port):
        with pytest.raises(PortError) as info:
            func(bad)
        assert repr(bad) in str(info.value)
    with pytest.raises(PortError, match="'sctp'"):
        sk.who_uses(8001, "sctp")
    with pytest.raises(PortError, match="'yes'"):
        sk.free_port(8001, confirm="yes")


def test_who_uses_falls_back_to_per_process_lists(monkeypatch):
    def denied(*args, **kwargs):
        raise psutil.AccessDenied()

    with sk.SocketLab() as lab:
        monkeypatch.setattr(psutil, "net_connections", denied)
        users = sk.who_uses(lab.port)
        assert os.getpid() in users.pids
        assert any("system-wide socket list" in note for note in users.unseen)


def test_port_holder_cleans_up():
    with sk.hold_port() as holder:
        assert holder.running and holder.pid in sk.who_uses(holder.port).pids
    assert not holder.running
    assert not listening(holder.port)


def test_port_holder_on_a_busy_port_says_so():
    with sk.SocketLab() as lab:
        with pytest.raises(PortError, match=f"{lab.port}: the child server could not listen"):
            sk.hold_port(lab.port).start()


_FREE_PORT_IN_CHILD = """
    import json, sys
    from netcourse.sockets import free_port
    result = free_port(int(sys.argv[1]), confirm=True, timeout=1)
    print(json.dumps([(a.pid, a.action, a.detail) for a in result.actions]))
"""


def test_free_port_in_a_child_refuses_its_parent():
    """The Jupyter case: the kernel (child) asks to free the server's (parent's) port."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        out = subprocess.run(
            [PY, "-c", textwrap.dedent(_FREE_PORT_IN_CHILD), str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env=ENV,
            check=True,
        ).stdout
        ((pid, action, detail),) = json.loads(out)
        assert (pid, action) == (os.getpid(), "refused")
        assert "parent" in detail and str(os.getpid()) in detail
        assert listening(port)  # we are still here, still listening


def test_free_port_in_a_grandchild_refuses_every_ancestor():
    grandchild = f"""
        import subprocess, sys
        code = {textwrap.dedent(_FREE_PORT_IN_CHILD)!r}
        sys.exit(subprocess.run([sys.executable, "-c", code, sys.argv[1]], timeout=60).returncode)
    """
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        out = subprocess.run(
            [PY, "-c", textwrap.dedent(grandchild), str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env=ENV,
            check=True,
        ).stdout
        ((pid, action, detail),) = json.loads(out)
        assert (pid, action) == (os.getpid(), "refused")
        assert "grandparent" in detail


def test_free_port_never_signals_a_client_whose_source_port_it_is(procs):
    """A port used only as the source port of an outgoing connection is not "held"."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        client = start(
            procs,
            f"""
            import socket, sys
            s = socket.create_connection(("127.0.0.1", {server.getsockname()[1]}), timeout=5)
            print(s.getsockname()[1], flush=True)
            sys.stdin.readline()
            """,
        )
        source_port = int(client.stdout.readline())
        conn, _ = server.accept()
        with conn:
            for confirm in (False, True):
                result = sk.free_port(source_port, confirm=confirm, timeout=1)
                assert [(a.pid, a.action) for a in result.actions] == [(client.pid, "refused")]
                detail = result.actions[0].detail
                assert "source port of an outgoing connection" in detail
                assert f"127.0.0.1:{server.getsockname()[1]}" in detail
            time.sleep(0.1)
            assert client.poll() is None  # never signalled


def test_free_port_refuses_a_connected_udp_source_port(procs):
    with socket.socket(type=socket.SOCK_DGRAM) as target:
        target.bind(("127.0.0.1", 0))
        client = start(
            procs,
            f"""
            import socket, sys
            s = socket.socket(type=socket.SOCK_DGRAM)
            s.connect(("127.0.0.1", {target.getsockname()[1]}))
            print(s.getsockname()[1], flush=True)
            sys.stdin.readline()
            """,
        )
        source_port = int(client.stdout.readline())
        result = sk.free_port(source_port, proto="udp", confirm=True, timeout=1)
        assert [(a.pid, a.action) for a in result.actions] == [(client.pid, "refused")]
        assert client.poll() is None


def test_free_port_stops_a_bound_udp_server(procs):
    server = start(
        procs,
        """
        import socket, sys
        s = socket.socket(type=socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1], flush=True)
        sys.stdin.readline()
        """,
    )
    port = int(server.stdout.readline())
    result = sk.free_port(port, proto="udp", confirm=True, timeout=2)
    assert [(a.pid, a.action) for a in result.actions] == [(server.pid, "terminated")]
    assert gone(server.pid)


_PARENT_OF_A_ZOMBIE = """
    import signal, subprocess, sys
    child = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]],
                             stdout=subprocess.PIPE, text=True)
    print(child.pid, child.stdout.readline().strip(), flush=True)
    sys.stdin.readline()  # never reaps the child until told to: it stays a zombie
    child.wait(timeout=10)
"""


@pytest.mark.parametrize(("mode", "action"), [("plain", "terminated"), ("ignore-term", "killed")])
def test_free_port_reports_a_zombie_as_exited(procs, mode, action):
    parent = start(procs, _PARENT_OF_A_ZOMBIE, SERVER, mode)
    pid, port = map(int, parent.stdout.readline().split())
    started = time.monotonic()
    result = sk.free_port(port, confirm=True, timeout=0.5)
    elapsed = time.monotonic() - started
    ((got_pid, got_action, detail),) = [(a.pid, a.action, a.detail) for a in result.actions]
    assert (got_pid, got_action) == (pid, action)
    assert psutil.Process(pid).status() == psutil.STATUS_ZOMBIE  # the parent has not reaped it
    assert "zombie" in detail and str(parent.pid) in detail
    assert "still running" not in repr(result)
    assert elapsed < (0.5 if mode == "plain" else 1.0) + 2  # no wait for a zombie to vanish
    assert result.freed
    parent.stdin.write("reap\n")
    parent.stdin.flush()
    assert parent.wait(timeout=10) == 0
    assert gone(pid)


def test_free_port_refusals_name_the_process_and_the_reason(monkeypatch):
    fake = sk.PortUsers(
        8001,
        "tcp",
        (sk.PortUser(1, "init", (), "root", "0.0.0.0:8001", "*:*", "LISTEN", "tcp"),),
        (),
    )
    monkeypatch.setattr(owners, "who_uses", lambda port, proto="tcp": fake)
    result = sk.free_port(8001, confirm=True)
    (refusal,) = result.actions
    assert (refusal.pid, refusal.name, refusal.action) == (1, "init", "refused")
    assert "pid 1" in refusal.detail


_HOLDER_THEN = """
    import os, signal, sys, threading, time
    from netcourse.sockets import hold_port
    holder = hold_port().start()
    print(holder.pid, holder.port, flush=True)
    {then}
"""


@pytest.mark.parametrize(
    "then",
    [
        "pass  # exits normally without stop()",
        "os._exit(0)  # no atexit, no finalizers",
        "os.kill(os.getpid(), signal.SIGKILL)  # like a kernel killed by a restart",
    ],
)
def test_port_holder_dies_with_an_interpreter_that_never_stops_it(then):
    out = run(_HOLDER_THEN.format(then=then))
    pid, port = map(int, out.stdout.split())
    assert gone(pid, within=5), f"http.server pid {pid} survived its parent ({then})"
    assert not listening(port)


def test_port_holder_started_in_a_thread_lives_while_its_owner_does(procs):
    owner = start(
        procs,
        """
        import sys, threading
        from netcourse.sockets import hold_port
        box = []
        worker = threading.Thread(target=lambda: box.append(hold_port().start()))
        worker.start()
        worker.join()  # the thread that started the child has ended
        print(box[0].pid, box[0].port, flush=True)
        sys.stdin.readline()
        """,
    )
    pid, port = map(int, owner.stdout.readline().split())
    time.sleep(0.3)
    assert psutil.Process(pid).is_running() and listening(port)
    owner.kill()
    owner.wait(timeout=10)
    assert gone(pid, within=5)


def test_a_dropped_port_holder_stops_its_child():
    holder = sk.hold_port().start()
    pid = holder.pid
    del holder
    gc.collect()
    assert gone(pid, within=5)
    assert not psutil.pid_exists(pid)  # stopped and reaped, not left a zombie


@pytest.mark.parametrize("bad", [-1, 0, -0.5, True, "5", float("nan"), float("inf"), 61])
def test_port_holder_refuses_a_bad_wait(bad):
    with pytest.raises(PortError) as info:
        sk.PortHolder(wait=bad)
    assert repr(bad) in str(info.value) and "wait" in str(info.value)
    with pytest.raises(PortError):
        sk.hold_port(wait=bad)


def test_port_holder_always_reaps_its_child(monkeypatch):
    """Even when the child never listens in time, start() stops and reaps it."""
    children_before = {p.pid for p in psutil.Process().children()}
    holder = sk.PortHolder(wait=0.01)
    monkeypatch.setattr(sk.PortHolder, "_listening", lambda self: False)
    with pytest.raises(SocketLabError, match="did not listen"):
        holder.start()
    assert not holder.running
    assert {p.pid for p in psutil.Process().children()} <= children_before
