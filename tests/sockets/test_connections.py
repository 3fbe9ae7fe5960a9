"""Tests for netcourse.sockets.connections: the one reader of the kernel's socket list."""

from __future__ import annotations

import os
import socket
from types import SimpleNamespace

import psutil
import pytest

from netcourse.errors import SocketLabError
from netcourse.sockets import connections


def _denied(*args, **kwargs):
    raise psutil.AccessDenied()


@pytest.fixture
def listener():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock


def _mine(listed, sock):
    port = sock.getsockname()[1]
    return [s for s in listed.sockets if s.laddr == ("127.0.0.1", port)]


def test_system_wide_list_has_pids_and_fds(listener):
    listed = connections.list_sockets("tcp")
    assert listed.scope == "system"
    (mine,) = _mine(listed, listener)
    assert (mine.pid, mine.fd, mine.status, mine.raddr) == (
        os.getpid(),
        listener.fileno(),
        "LISTEN",
        (),
    )


def test_falls_back_to_processes_when_the_system_list_is_denied(monkeypatch, listener):
    monkeypatch.setattr(psutil, "net_connections", _denied)
    everyone = connections.list_sockets("tcp")
    assert everyone.scope == "processes"
    assert [s.pid for s in _mine(everyone, listener)] == [os.getpid()]
    mine = connections.list_sockets("tcp", pids=[os.getpid()])
    assert mine.scope == "processes" and {s.pid for s in mine.sockets} == {os.getpid()}
    assert connections.list_sockets("tcp", pids=[]).scope == "none"
    monkeypatch.setattr(psutil.Process, "net_connections", _denied)
    assert connections.list_sockets("tcp", pids=[os.getpid()]) == connections.SocketList((), "none")


def test_only_the_given_processes_without_the_system_list(listener):
    listed = connections.list_sockets("tcp", pids=[os.getpid(), 2**22 + 7], system=False)
    assert listed.scope == "processes"  # the pid that does not exist is skipped
    assert {s.pid for s in listed.sockets} == {os.getpid()}
    assert _mine(listed, listener)


def test_entries_are_normalised(monkeypatch):
    odd = SimpleNamespace(laddr=("127.0.0.1", 8001), raddr=None, status="LISTEN", pid=None, fd=-1)
    monkeypatch.setattr(psutil, "net_connections", lambda kind="tcp": [odd])
    (entry,) = connections.list_sockets("tcp").sockets
    assert entry == connections.KernelSocket(None, None, ("127.0.0.1", 8001), (), "LISTEN")


@pytest.mark.parametrize("bad", [0, -1, 61, True, "2", float("nan"), None])
def test_check_seconds_names_the_bad_value(bad):
    with pytest.raises(SocketLabError) as info:
        connections.check_seconds(bad, "wait", SocketLabError)
    assert str(info.value).startswith(repr(bad)) and "wait must be" in str(info.value)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux /proc")
def test_dup_gives_one_socket_two_descriptors(listener):
    dup = connections.dup_socket(listener.fileno())
    assert dup.fd == listener.fileno() and dup.copy != dup.fd
    assert dup.same_socket and dup.link == f"socket:[{os.fstat(listener.fileno()).st_ino}]"
    with pytest.raises(OSError):
        os.fstat(dup.copy)  # the copy is closed again: nothing leaks
    with socket.socket() as other:
        other_link = connections.socket_link(other.fileno())
        assert other_link != dup.link  # another socket: another inode


def test_dup_socket_refuses_what_is_no_descriptor():
    with pytest.raises(SocketLabError, match="a file descriptor is a whole number"):
        connections.dup_socket(-1)
    with pytest.raises(SocketLabError, match="cannot be duplicated"):
        connections.dup_socket(10**6)
