"""Fuzz dissect(): random bytes, truncations and mutations of real frames.

Every call must return a Dissection whose layers and fields stay inside the frame (flagged
malformed when it is partial) or raise PacketError: never another exception, never a hang.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netcourse.errors import CaptureError, PacketError
from netcourse.packets import SAMPLES, Dissection, conversations, dissect, read_capture, sample
from netcourse.packets.filters import matching

REAL_FRAMES = [
    read_capture(name).frame(number)
    for name in SAMPLES
    for number in range(1, len(read_capture(name)) + 1)
]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(data: bytes, http: bool = False) -> None:
    start = time.perf_counter()
    try:
        d = dissect(data, http=http)
    except PacketError:
        return
    finally:
        assert time.perf_counter() - start < 1.0, "dissect must stay fast on any input"
    assert isinstance(d, Dissection)
    position = 0
    for layer in d.layers:
        assert layer.offset == position
        for fld in layer.fields:
            assert layer.offset <= fld.offset and fld.end <= layer.end
            assert isinstance(fld.value, str)
        position = layer.end
    assert position <= len(data)
    if d.malformed:
        assert d.problems


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes(data):
    _check(data)


@FUZZ
@given(st.sampled_from(REAL_FRAMES), st.data())
def test_truncated_real_frames(frame, data):
    cut = data.draw(st.integers(min_value=0, max_value=len(frame)))
    _check(frame[:cut])


@FUZZ
@given(
    st.sampled_from(REAL_FRAMES),
    st.lists(st.tuples(st.integers(0, 300), st.integers(0, 255)), min_size=1, max_size=8),
)
def test_mutated_real_frames(frame, changes):
    data = bytearray(frame)
    for where, value in changes:
        data[where % len(data)] = value
    _check(bytes(data))


@FUZZ
@given(st.sampled_from(REAL_FRAMES), st.binary(max_size=40))
def test_real_frames_with_trailing_garbage(frame, extra):
    _check(frame + extra)


HTTP_FRAMES = [f for f in REAL_FRAMES if b"HTTP/1.1" in f]


@FUZZ
@given(st.sampled_from(HTTP_FRAMES), st.data())
def test_mangled_http_heads(frame, data):
    """Cut, mutated or re-spaced HTTP heads: a partial HTTP layer, Raw, or a PacketError."""
    cut = data.draw(st.integers(min_value=54, max_value=len(frame)))
    noise = data.draw(st.lists(st.sampled_from([b"\r\n", b" ", b":", b"\x00", b"x"]), max_size=6))
    where = data.draw(st.integers(min_value=66, max_value=max(66, cut)))
    _check(frame[:where] + b"".join(noise) + frame[where:cut], http=True)


CAPTURE_FILES = [sample(name).read_bytes() for name in SAMPLES]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(CAPTURE_FILES),
    st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 255)), min_size=1, max_size=6),
    st.integers(0, 2000),
)
def test_damaged_capture_files(tmp_path_factory, data, changes, cut):
    """A damaged pcap/pcapng file reads partly or raises CaptureError, nothing else."""
    damaged = bytearray(data)
    for where, value in changes:
        damaged[where % len(damaged)] = value
    path = tmp_path_factory.mktemp("damaged") / "x.cap"
    path.write_bytes(bytes(damaged[: max(cut, 1)] if cut < len(damaged) else damaged))
    try:
        cap = read_capture(path)
        rows = list(cap)
        conversations(path)
        conversations(path, "udp")
        matching(cap, "tcp or ip.addr == 198.18.0.1 or ipv6")
    except CaptureError:
        return
    for number in range(1, len(rows) + 1):
        try:
            cap.dissect(number, http=True)
        except PacketError:
            pass
