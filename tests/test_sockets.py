"""Tests for netcourse.sockets: the loopback lab, ports, the handshake, who_uses/free_port."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from html import escape
from types import SimpleNamespace

import psutil
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse import sockets as sk
from netcourse.checks import sockets as check
from netcourse.errors import CaptureError, NetcourseError, PortError, SocketLabError

# --- ports and 4-tuples --------------------------------------------------------------------


@pytest.mark.parametrize("bad", [True, False, "8001", 8001.0, None, 0, -1, 65536, 10**6])
def test_check_port_rejects_and_names_the_value(bad):
    with pytest.raises(PortError) as info:
        sk.check_port(bad)
    assert repr(bad) in str(info.value)
    assert isinstance(info.value, NetcourseError)


@settings(max_examples=50)
@given(st.integers(1, 65535))
def test_check_port_accepts_every_valid_port(port):
    assert sk.check_port(port) == port


@settings(max_examples=50)
@given(
    st.ip_addresses(v=4).map(str),
    st.integers(1, 65535),
    st.ip_addresses(v=4).map(str),
    st.integers(1, 65535),
)
def test_reply_swaps_and_is_an_involution(a, p, b, q):
    four_tuple = (a, p, b, q)
    reply = sk.reply_four_tuple(four_tuple)
    assert reply == (b, q, a, p)
    assert sk.reply_four_tuple(reply) == four_tuple


def test_reply_rejects_bad_tuples():
    with pytest.raises(SocketLabError, match="src_ip, src_port"):
        sk.reply_four_tuple(("1.2.3.4", 5))
    with pytest.raises(PortError, match="70000"):
        sk.reply_four_tuple(("1.2.3.4", 70000, "5.6.7.8", 80))


def test_state_path_follows_the_transition_table():
    edges = {(a, b) for a, b, _ in sk.TCP_TRANSITIONS}
    for role, states in sk.TEARDOWN_ROLES.items():
        path = sk.state_path(states)
        assert path[0] == "CLOSED" and path[-1] == "CLOSED", role
        assert all(pair in edges for pair in zip(path, path[1:])), path
    assert set(sk.TCP_STATES.values()) - {"UNCONN"} <= {s for e in edges for s in e}
    with pytest.raises(SocketLabError, match="ESTABLISHED-ISH"):
        sk.state_path(["ESTABLISHED-ISH"])


# --- the lab -------------------------------------------------------------------------------


def _lab_threads():
    return [t for t in threading.enumerate() if t.name.startswith("netcourse-socketlab")]


def _fds():
    return set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else set()


def _listening(port):
    return [
        c
        for c in psutil.net_connections(kind="tcp")
        if c.laddr and c.laddr[1] == port and c.status == "LISTEN"
    ]


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
        assert teardown.path("server")[:3] == ("CLOSED", "LISTEN", "SYN-RECV")
        assert "TIME-WAIT" in teardown.path("server")
        assert "TIME-WAIT" not in teardown.path("client")


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
    before_fds, before_threads = _fds(), set(threading.enumerate())
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
    assert _fds() <= before_fds
    assert not _listening(port)
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


# --- ephemeral ports, bind, UDP ------------------------------------------------------------


def test_ephemeral_range_matches_the_kernel_file():
    path = "/proc/sys/net/ipv4/ip_local_port_range"
    if not os.path.exists(path):
        pytest.skip("not Linux: no ip_local_port_range")
    low, high = map(int, open(path).read().split())
    result = sk.ephemeral_ports()
    assert (result.low, result.high, result.size) == (low, high, high - low + 1)
    if shutil.which("sysctl"):
        out = subprocess.run(
            ["sysctl", "-n", "net.ipv4.ip_local_port_range"], capture_output=True, text=True
        ).stdout.split()
        assert list(map(int, out)) == [low, high]


def test_ephemeral_range_reserved_and_fallback(tmp_path):
    rng, res = tmp_path / "range", tmp_path / "reserved"
    rng.write_text("1000\t1999\n")
    res.write_text("900-1004,1500,3000\n")
    result = sk.ephemeral_ports(rng, res)
    assert (result.size, result.reserved, result.connections_per_destination) == (1000, 6, 994)
    missing = sk.ephemeral_ports(tmp_path / "nope", res)
    assert (missing.low, missing.high) == sk.IANA_EPHEMERAL
    assert "could not be read" in missing.explanation


def test_client_source_ports_come_from_the_range():
    rng = sk.ephemeral_ports()
    with sk.SocketLab() as lab:
        ports = [lab.open_client().port for _ in range(3)]
    assert all(rng.low <= p <= rng.high for p in ports)


@pytest.mark.parametrize(
    ("situation", "reuse", "ok"),
    [
        ("listening", False, False),
        ("listening", True, False),
        ("time-wait", False, False),
        ("time-wait", True, True),
    ],
)
def test_bind_in_use(situation, reuse, ok):
    if sys.platform != "linux":
        pytest.skip("SO_REUSEADDR semantics differ off Linux")
    attempt = sk.bind_in_use(situation, reuse)
    assert attempt.ok is ok
    assert attempt.error == (None if ok else "EADDRINUSE")


def test_bind_in_use_rejects_unknown_situations():
    with pytest.raises(SocketLabError, match="'closing'"):
        sk.bind_in_use("closing")


def test_udp_has_no_state():
    demo = sk.udp_demo(b"abc")
    assert demo.payload == b"abc"
    assert demo.states == ("UNCONN", "UNCONN")
    assert sk.reply_four_tuple(demo.request) == demo.reply


# --- handshake capture ---------------------------------------------------------------------


def test_handshake_arithmetic():
    hs = sk.handshake()
    assert [s.flags for s in hs.phase("handshake")] == ["SYN", "SYN+ACK", "ACK"]
    syn, synack, ack = hs.phase("handshake")
    assert synack.ack == syn.seq + 1 and ack.ack == synack.seq + 1
    assert (syn.relative_seq, synack.relative_ack, ack.relative_ack) == (0, 1, 1)
    last = {}
    for step in hs:
        other = "server" if step.sender == "client" else "client"
        if step.ack is not None and other in last:
            assert step.ack == last[other]  # each ack names the other side's next seq
        last[step.sender] = step.next_seq
        assert any(str(step.seq) in line for line in step.arithmetic)
    for step in hs:
        if "SYN" not in step.flags:  # relative seq = SYN + data bytes + FIN sent before
            before = [s for s in hs if s.sender == step.sender and s.number < step.number]
            used = 1 + sum(s.length for s in before) + any("FIN" in s.flags for s in before)
            assert step.relative_seq == used
            assert f"has used {used} sequence number" in step.arithmetic[0]
    fins = [s for s in hs if "FIN" in s.flags]
    assert [s.sender for s in fins] == ["client", "server"]
    assert hs.phase("data") and any(s.length for s in hs.phase("data"))


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
def test_handshake_matches_tshark():
    hs = sk.handshake()
    out = subprocess.run(
        [
            "tshark",
            "-r",
            hs.path,
            "-T",
            "fields",
            "-e",
            "tcp.seq_raw",
            "-e",
            "tcp.seq",
            "-e",
            "tcp.ack_raw",
            "-e",
            "tcp.ack",
            "-e",
            "tcp.len",
            "-E",
            "separator=,",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    rows = [line.split(",") for line in out.splitlines() if line]
    assert len(rows) == len(hs)
    for step, (seq_raw, seq, ack_raw, ack, length) in zip(hs, rows):
        assert (step.seq, step.relative_seq, step.length) == (int(seq_raw), int(seq), int(length))
        if step.ack is not None:
            assert (step.ack, step.relative_ack) == (int(ack_raw), int(ack))


def test_handshake_errors(tmp_path):
    with pytest.raises(CaptureError, match="no such capture"):
        sk.handshake(tmp_path / "missing.pcap")
    junk = tmp_path / "junk.pcap"
    junk.write_bytes(b"not a pcap at all")
    with pytest.raises(CaptureError, match="junk.pcap"):
        sk.handshake(junk)


# --- who_uses / free_port against a real child process -------------------------------------

_SERVER = textwrap.dedent(
    """
    import signal, socket, sys, time
    if sys.argv[1] == "ignore-term":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    print(s.getsockname()[1], flush=True)
    time.sleep(60)
    """
)


@pytest.fixture
def child():
    """Start a small python server on 127.0.0.1; always stopped and reaped afterwards."""
    procs = []

    def start(mode="plain"):
        proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER, mode], stdout=subprocess.PIPE, text=True
        )
        procs.append(proc)
        port = int(proc.stdout.readline())
        return SimpleNamespace(proc=proc, pid=proc.pid, port=port)

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()


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
    assert not _listening(server.port)
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
    monkeypatch.setattr(sk, "who_uses", lambda port, proto="tcp": fake)
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


def test_port_holder_cleans_up():
    with sk.hold_port() as holder:
        assert holder.running and holder.pid in sk.who_uses(holder.port).pids
    assert not holder.running
    assert not _listening(holder.port)


# --- checks --------------------------------------------------------------------------------


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


# --- widgets and plots ---------------------------------------------------------------------


def test_socket_table_widget_buttons_and_errors():
    from netcourse.widgets.sockets import SocketTableWidget

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
    from netcourse.widgets.sockets import SocketTableWidget

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
    from netcourse.widgets.sockets import HandshakeStepper

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


def test_plots_return_figures():
    from netcourse.plots.sockets import STATE_LAYOUT, ladder, state_machine

    names = {a for a, _, _ in sk.TCP_TRANSITIONS} | {b for _, b, _ in sk.TCP_TRANSITIONS}
    assert names <= set(STATE_LAYOUT)
    fig = state_machine(client=sk.state_path(sk.TEARDOWN_ROLES["closes first"]))
    assert fig.axes[0].get_title()
    assert len(ladder().axes[0].patches) + len(ladder().axes[0].texts) > len(sk.handshake())


def test_who_uses_falls_back_to_per_process_lists(monkeypatch):
    def denied(*args, **kwargs):
        raise psutil.AccessDenied()

    with sk.SocketLab() as lab:
        monkeypatch.setattr(psutil, "net_connections", denied)
        users = sk.who_uses(lab.port)
        assert os.getpid() in users.pids
        assert any("system-wide socket list" in note for note in users.unseen)


def test_port_holder_on_a_busy_port_says_so():
    with sk.SocketLab() as lab:
        with pytest.raises(PortError, match=f"{lab.port}: the child server could not listen"):
            sk.hold_port(lab.port).start()


def test_handshake_agrees_with_the_packets_topic():
    packets = pytest.importorskip("netcourse.packets")
    hs = sk.handshake()
    (conv,) = packets.conversations(hs.path)
    client_ip, client_port, server_ip, server_port = hs[0].four_tuple
    ends = {(conv.address_a, conv.port_a), (conv.address_b, conv.port_b)}
    assert ends == {(client_ip, client_port), (server_ip, server_port)}
    assert conv.frames == len(hs)


@pytest.mark.root
@pytest.mark.skipif(os.geteuid() != 0, reason="capturing on lo needs root")
def test_capture_tool_records_a_whole_connection(tmp_path):
    from netcourse.tools import capture_handshake

    out = tmp_path / "handshake.pcap"
    capture_handshake.record(out)
    hs = sk.handshake(out)
    assert [s.flags for s in hs.phase("handshake")] == ["SYN", "SYN+ACK", "ACK"]
    sent = sum(s.length for s in hs if s.sender == "client")
    echoed = sum(s.length for s in hs if s.sender == "server")
    assert sent == echoed == len(capture_handshake.MESSAGE)
    assert [s.sender for s in hs if "FIN" in s.flags] == ["client", "server"]
    assert hs[-1].flags == "ACK" and hs[-1].sender == "client"
