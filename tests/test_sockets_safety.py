"""Safety of the sockets lesson's helpers, proven with real processes.

free_port never signals its caller, the caller's ancestors, pid 1, or a process that does not
listen on (or bind) the port; everything the lab and the port holder start dies with them,
also when they are dropped or the interpreter exits without cleaning up.
"""

from __future__ import annotations

import gc
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time

import psutil
import pytest

from netcourse import sockets as sk
from netcourse.errors import PortError, SocketLabError

PY = sys.executable
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


def _run(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PY, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=ENV,
        check=False,
    )


def _gone(pid: int, within: float = 5.0) -> bool:
    """True once ``pid`` no longer runs (exited and reaped, or a zombie), within a bound."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.02)
    return False


def _listening(port: int) -> bool:
    return any(
        c.laddr and c.laddr[1] == port and c.status == "LISTEN"
        for c in psutil.net_connections(kind="tcp")
    )


@pytest.fixture
def procs():
    """Processes a test starts: killed and reaped afterwards whatever happened."""
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _start(procs, code: str, *args: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [PY, "-c", textwrap.dedent(code), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    procs.append(proc)
    return proc


# --- free_port refuses what it must not stop ----------------------------------------------

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
        assert _listening(port)  # we are still here, still listening


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
        client = _start(
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
        client = _start(
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
    server = _start(
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
    assert _gone(server.pid)


_PARENT_OF_A_ZOMBIE = """
    import signal, subprocess, sys
    child = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]],
                             stdout=subprocess.PIPE, text=True)
    print(child.pid, child.stdout.readline().strip(), flush=True)
    sys.stdin.readline()  # never reaps the child until told to: it stays a zombie
    child.wait(timeout=10)
"""
_SERVER = """
    import signal, socket, sys, time
    if sys.argv[1] == "ignore-term":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    print(s.getsockname()[1], flush=True)
    time.sleep(60)
"""


@pytest.mark.parametrize(("mode", "action"), [("plain", "terminated"), ("ignore-term", "killed")])
def test_free_port_reports_a_zombie_as_exited(procs, mode, action):
    parent = _start(procs, _PARENT_OF_A_ZOMBIE, textwrap.dedent(_SERVER), mode)
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
    assert _gone(pid)


def test_free_port_refusals_name_the_process_and_the_reason(monkeypatch):
    fake = sk.PortUsers(
        8001,
        "tcp",
        (sk.PortUser(1, "init", (), "root", "0.0.0.0:8001", "*:*", "LISTEN", "tcp"),),
        (),
    )
    monkeypatch.setattr(sk, "who_uses", lambda port, proto="tcp": fake)
    result = sk.free_port(8001, confirm=True)
    (refusal,) = result.actions
    assert (refusal.pid, refusal.name, refusal.action) == (1, "init", "refused")
    assert "pid 1" in refusal.detail


# --- the port holder never outlives its owner ---------------------------------------------

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
    out = _run(_HOLDER_THEN.format(then=then))
    pid, port = map(int, out.stdout.split())
    assert _gone(pid, within=5), f"http.server pid {pid} survived its parent ({then})"
    assert not _listening(port)


def test_port_holder_started_in_a_thread_lives_while_its_owner_does(procs):
    owner = _start(
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
    assert psutil.Process(pid).is_running() and _listening(port)
    owner.kill()
    owner.wait(timeout=10)
    assert _gone(pid, within=5)


def test_a_dropped_port_holder_stops_its_child():
    holder = sk.hold_port().start()
    pid = holder.pid
    del holder
    gc.collect()
    assert _gone(pid, within=5)
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


# --- the lab: nothing leaks, numbering is thread-safe --------------------------------------


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
    result = _run(_LAB_DROPPED)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    before, during, after = seen["before"], seen["during"], seen["after"]
    assert during["sockets"] == before["sockets"] + 7  # listener, 3 clients, 3 accepted
    assert during["epoll"] == before["epoll"] + 1
    assert any(name.startswith("netcourse-socketlab") for name in during["threads"])
    assert after == before
    assert seen["own_sockets_on_port"] == 0


def test_an_interpreter_exiting_with_a_running_lab_and_holder_leaves_nothing():
    out = _run(
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
    assert _gone(pid, within=5)
    assert not _listening(lab_port) and not _listening(holder_port)


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
