"""Property tests for what a learner passes to the sockets lesson's constructors and parsers.

Every call, on random, huge or truncated input, returns a valid result or raises the topic's
NetcourseError (PortError, SocketLabError, CaptureError) with a message of bounded length that
names the bad part: never another exception, never a hang.
"""

from __future__ import annotations

import math
import time
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netcourse import sockets as sk
from netcourse.errors import CaptureError, NetcourseError, PortError, SocketLabError
from netcourse.sockets import owners

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Anything a learner might pass: numbers of every kind, text (huge too), containers, None.
ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(min_size=2000, max_size=5000),
    st.binary(max_size=40),
    st.lists(st.integers(), max_size=5),
    st.tuples(st.text(max_size=5), st.integers()),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
)
LIMIT = 600  # characters: a message repeats a bounded part of a bad value


@contextmanager
def bounded(seconds: float = 5.0, errors=NetcourseError):
    """Run the block: it must end in time, and any error must be the topic's, briefly worded."""
    start = time.perf_counter()
    try:
        yield
    except errors as exc:
        assert len(str(exc)) < LIMIT, f"a message of {len(str(exc))} characters"
    finally:
        assert time.perf_counter() - start < seconds, "a call on bad input must stay fast"


@FUZZ
@given(ANYTHING)
def test_check_port(value):
    with bounded(errors=PortError):
        assert sk.check_port(value) == value and 1 <= value <= 65535


@FUZZ
@given(st.one_of(ANYTHING, st.tuples(ANYTHING, ANYTHING, ANYTHING, ANYTHING)))
def test_reply_four_tuple(value):
    with bounded():
        reply = sk.reply_four_tuple(value)
        assert sk.reply_four_tuple(reply) == tuple(value)


@FUZZ
@given(
    st.one_of(
        ANYTHING,
        st.lists(st.sampled_from([*sk.TCP_STATES, *sk.TCP_STATES.values()]), max_size=8),
        st.lists(ANYTHING, max_size=4),
    )
)
def test_state_path(value):
    edges = {(a, b) for a, b, _ in sk.TCP_TRANSITIONS}
    with bounded(errors=SocketLabError):
        path = sk.state_path(value)
        assert all(pair in edges for pair in zip(path, path[1:]))
        assert not path or (path[0], path[-1]) == ("CLOSED", "CLOSED")


_RANGE = st.one_of(
    st.binary(max_size=60),
    st.text(max_size=60).map(str.encode),
    st.tuples(st.integers(-5, 70000), st.integers(-5, 70000)).map(
        lambda pair: f"{pair[0]}\t{pair[1]}\n".encode()
    ),
)
_RESERVED = st.one_of(
    st.binary(max_size=60),
    st.lists(
        st.tuples(st.integers(0, 70000), st.integers(0, 70000)).map(lambda p: f"{p[0]}-{p[1]}"),
        max_size=5,
    ).map(lambda parts: ",".join(parts).encode()),
)


@FUZZ
@given(_RANGE, _RESERVED, st.integers(0, 80))
def test_ephemeral_ports_from_any_file(tmp_path_factory, range_text, reserved_text, cut):
    folder = tmp_path_factory.mktemp("ports")
    (folder / "range").write_bytes(range_text[: cut or None])
    (folder / "reserved").write_bytes(reserved_text)
    with bounded(errors=PortError):
        result = sk.ephemeral_ports(folder / "range", folder / "reserved")
        assert 1 <= result.low <= result.high <= 65535
        assert 0 <= result.reserved <= result.size


@FUZZ
@given(ANYTHING, ANYTHING)
def test_lab_constructor(host, wait):
    with bounded(errors=SocketLabError):
        lab = sk.SocketLab(host, wait)
        assert host in ("127.0.0.1", "::1") and 0 < lab.wait <= 60 and not math.isnan(lab.wait)
        assert repr(lab) == "SocketLab(not started)"
        lab.close()


@FUZZ
@given(st.one_of(st.none(), ANYTHING), ANYTHING)
def test_port_holder_constructor(port, wait):
    with bounded(errors=PortError):
        holder = sk.hold_port(port, wait=wait)
        assert not holder.running and 0 < holder.wait <= 60


@FUZZ
@given(ANYTHING, ANYTHING)
def test_shell_commands(port, proto):
    for command in (sk.lsof_command, sk.ss_command):
        with bounded(errors=PortError):
            text = command(port, proto)
            assert str(port) in text


@FEW
@given(ANYTHING, ANYTHING, ANYTHING, ANYTHING)
def test_free_port_arguments_never_signal_anything(port, confirm, proto, timeout):
    """Random arguments, never confirm=True: a dry run or a PortError, nothing sent."""
    if confirm is True:
        confirm = "True"
    with bounded(errors=PortError):
        result = sk.free_port(port, confirm=confirm, proto=proto, timeout=timeout)
        assert not result.confirmed
        assert all(a.action in ("would stop", "refused", "gone") for a in result.actions)


@FEW
@given(ANYTHING, ANYTHING)
def test_who_uses(port, proto):
    with bounded(errors=PortError):
        users = owners.who_uses(port, proto)
        assert all(u.local.endswith(f":{port}") for u in users)


@FEW
@given(ANYTHING, ANYTHING)
def test_bind_in_use(situation, reuseaddr):
    with bounded(errors=SocketLabError):
        attempt = sk.bind_in_use(situation, reuseaddr)
        assert attempt.situation == situation and attempt.reuseaddr is reuseaddr


@FEW
@given(st.one_of(ANYTHING, st.binary(max_size=2000), st.binary(min_size=65500, max_size=65600)))
def test_udp_demo(payload):
    with bounded(errors=SocketLabError):
        demo = sk.udp_demo(payload)
        assert demo.payload == bytes(payload) and demo.states == ("ESTAB", "UNCONN")


_SHIPPED = open(sk.handshake().path, "rb").read()


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=200),
        st.integers(0, len(_SHIPPED)).map(lambda cut: _SHIPPED[:cut]),
        st.tuples(st.integers(24, len(_SHIPPED) - 1), st.integers(0, 255)).map(
            lambda change: _SHIPPED[: change[0]] + bytes([change[1]]) + _SHIPPED[change[0] + 1 :]
        ),
    )
)
def test_handshake_on_random_truncated_and_mutated_captures(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("cap") / "capture.pcap"
    path.write_bytes(data)
    with bounded(errors=CaptureError):
        hs = sk.handshake(path)
        assert [s.flags for s in hs][:1] == ["SYN"] and hs[0].relative_seq == 0


@FUZZ
@given(ANYTHING)
def test_handshake_path_argument(value):
    with bounded(errors=CaptureError):
        assert len(sk.handshake(value)) > 0


@pytest.fixture(scope="module")
def lab():
    with sk.SocketLab() as running:
        running.open_client()
        yield running


@FUZZ
@given(ANYTHING, ANYTHING)
def test_lab_calls_with_any_client_and_data(lab, client, data):
    with bounded(errors=SocketLabError):
        chosen = lab.client(client)
        assert chosen in lab.clients
    with bounded(errors=SocketLabError):
        assert lab.exchange(client, data) == data
    with bounded(errors=SocketLabError):
        lab.server_side(client)


@FEW
@given(ANYTHING)
def test_close_client_with_any_first(first):
    with sk.SocketLab() as fresh:
        fresh.open_client()
        with bounded(errors=SocketLabError):
            teardown = fresh.close_client(1, first=first)
            assert teardown.first == first
            with bounded(errors=SocketLabError):
                teardown.path(first)
