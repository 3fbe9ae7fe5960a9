"""The record index is the same as before the faster walk, on any pcap or pcapng bytes.

Differential property test against the previous implementation (tests/packets/old_index.py):
random files built from valid, bogus and cut records and blocks of every kind, in both byte
orders and several sections, then cut or overwritten at random. Both must give the same
arrays, the same ``truncated`` flag and ``problem`` text, or the same CaptureError.
"""

from __future__ import annotations

import struct

import numpy as np
import old_index
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netcourse.errors import CaptureError
from netcourse.packets import capture
from netcourse.packets.flows import flow_bytes

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _outcome(func, buf: bytes):
    calls = []
    try:
        index = func(buf, lambda done, total: calls.append((done, total)))
    except CaptureError as exc:
        return ("error", str(exc))
    assert calls[-1] == (len(buf), len(buf)), "progress ends at the file's end"
    assert all(done <= total for done, total in calls)
    arrays = tuple(
        getattr(index, name).tolist()
        for name in ("offsets", "caplen", "origlen", "ts_ns", "linktype")
    )
    return (index.format, index.truncated, index.problem, arrays)


def _same(buf: bytes) -> None:
    if buf[:4] == capture._PCAPNG_SHB:
        old, new = old_index._index_pcapng, capture._index_pcapng
    else:
        old, new = old_index._index_pcap, capture._index_pcap
    assert _outcome(new, buf) == _outcome(old, buf)


@st.composite
def pcap_files(draw) -> bytes:
    order = draw(st.sampled_from("<>"))
    magic = draw(st.sampled_from((0xA1B2C3D4, 0xA1B23C4D)))
    parts = [struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, 262144, draw(st.integers(0, 300)))]
    for _ in range(draw(st.integers(0, 12))):
        data = draw(st.binary(max_size=80))
        caplen = draw(st.one_of(st.just(len(data)), st.integers(0, 2**32 - 1)))
        origlen = draw(st.one_of(st.just(len(data)), st.integers(0, 2**32 - 1)))
        sec, frac = draw(st.integers(0, 2**32 - 1)), draw(st.integers(0, 2**32 - 1))
        parts.append(struct.pack(order + "IIII", sec, frac, caplen, origlen) + data)
    return b"".join(parts)


def _block(order: str, btype: int, body: bytes, length: int | None = None) -> bytes:
    body += b"\x00" * (-len(body) % 4)
    size = 12 + len(body) if length is None else length
    return struct.pack(order + "II", btype, size) + body + struct.pack(order + "I", size)


@st.composite
def pcapng_files(draw) -> bytes:
    parts = []
    for _ in range(draw(st.integers(1, 3))):  # sections
        order = draw(st.sampled_from("<>"))
        parts.append(_block(order, 0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1)))
        interfaces = 0
        for _ in range(draw(st.integers(0, 14))):
            kind = draw(st.sampled_from((6, 6, 6, 6, 1, 2, 3, 5, 0x0A0D0D0A)))
            length = draw(st.one_of(st.none(), st.none(), st.integers(0, 80)))
            if kind == 1:
                body = struct.pack(order + "HHI", draw(st.integers(0, 300)), 0, 262144)
                if draw(st.booleans()):  # an if_tsresol option
                    resol = draw(st.sampled_from((6, 9, 3, 0x86, 0x8A, 0x13, 0xBF, 0)))
                    body += struct.pack(order + "HH", 9, 1) + bytes([resol, 0, 0, 0])
                    body += struct.pack(order + "HH", 0, 0)
                interfaces += 1
            elif kind == 0x0A0D0D0A:
                body = struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1)
                interfaces = 0
            elif kind in (6, 2):
                data = draw(st.binary(max_size=64))
                iface = draw(st.one_of(st.integers(0, max(interfaces, 1)), st.integers(0, 9)))
                caplen = draw(st.one_of(st.just(len(data)), st.integers(0, 2**32 - 1)))
                high, low = draw(st.integers(0, 2**32 - 1)), draw(st.integers(0, 2**32 - 1))
                if kind == 6:
                    head = struct.pack(order + "IIIII", iface, high, low, caplen, len(data))
                else:
                    head = struct.pack(order + "HHIIII", iface, 0, high, low, caplen, len(data))
                body = head + data
            elif kind == 3:
                body = struct.pack(order + "I", draw(st.integers(0, 200))) + draw(
                    st.binary(max_size=40)
                )
            else:
                body = draw(st.binary(max_size=20))
            parts.append(_block(order, kind, body, length))
    return b"".join(parts)


@st.composite
def damaged(draw, files) -> bytes:
    buf = bytearray(draw(files))
    for _ in range(draw(st.integers(0, 3))):  # overwrite a few bytes
        if len(buf) > 4:
            at = draw(st.integers(4, len(buf) - 1))
            buf[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        buf = buf[: draw(st.integers(4, max(len(buf), 4)))]
    return bytes(buf)


@SETTINGS
@given(damaged(pcap_files()))
def test_pcap_index_is_the_same_as_before(buf):
    _same(buf)


@SETTINGS
@given(damaged(pcapng_files()))
def test_pcapng_index_is_the_same_as_before(buf):
    _same(buf)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(("pcap", "pcapng")), st.integers(0, 2**16))
def test_many_records_walk_as_before_across_progress_steps(fmt, cut):
    # more records than one progress step, so the walk's batches join up
    buf = flow_bytes(packets=3 * capture._PROGRESS_STEP + 5, conversations=9, payload=3, fmt=fmt)
    _same(buf)
    _same(buf[: len(buf) - cut])


def test_every_record_of_a_big_capture_is_found():
    buf = flow_bytes(packets=20_000, conversations=50, payload=10)
    index = capture._index_pcap(buf, None)
    assert len(index.offsets) == 20_000 and not index.truncated
    assert np.all(index.caplen == 54 + np.where(index.caplen > 54, 10, 0))


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from("<>"),
    st.lists(st.sampled_from(("sixes", "plain", "stats", "fake")), min_size=1, max_size=12),
    st.integers(1, 600),
    st.integers(0, 4096),
)
def test_pcapng_runs_with_words_of_six_in_their_data_walk_as_before(order, kinds, repeat, cut):
    # runs of enhanced packet blocks long enough to cross the walk's windows (16 KB, then
    # doubling), whose data is full of 32-bit words of 6 (each one a block type to a search),
    # broken by other blocks and by a data word of 6 with a plausible length after it
    six = struct.pack(order + "I", 6)
    parts = [
        _block(order, 0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1)),
        _block(order, 1, struct.pack(order + "HHI", 1, 0, 262144)),
    ]
    for kind in kinds:
        if kind == "stats":
            parts.append(_block(order, 5, b"\x00" * 12))
            continue
        if kind == "sixes":
            data = six * 12
        elif kind == "fake":  # a word of 6 and a length of 32 inside the data: a false start
            data = six + struct.pack(order + "I", 32) + b"\x00" * 24
        else:
            data = bytes(range(40))
        head = struct.pack(order + "IIIII", 0, 0, 0, len(data), len(data))
        parts += [_block(order, 6, head + data)] * repeat
    buf = b"".join(parts)
    _same(buf)
    _same(buf[: max(len(buf) - cut, 28)])  # cut, but keeping the section header


@pytest.mark.parametrize("runs", [range(220, 237), range(675, 693)], ids=["first", "second"])
def test_pcapng_runs_ending_at_each_window_edge_walk_as_before(runs):
    # a run of 72-byte blocks (18 words) after 12 words of headers ends just before, at or
    # just after the walk's first window (4,096 words) or second (8,192 more): the block
    # after the run is then another kind, or cut short by the file's end
    head = _block("<", 0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    head += _block("<", 1, struct.pack("<HHI", 1, 0, 262144))
    epb = _block("<", 6, struct.pack("<IIIII", 0, 0, 0, 40, 40) + bytes(range(40)))
    stats = _block("<", 5, b"\x00" * 24)  # as long as a packet block could be
    # a new section (with an option, so it too is as long as a packet block), on link type 101
    section = _block("<", 0x0A0D0D0A, struct.pack("<IHHqHHI", 0x1A2B3C4D, 1, 0, -1, 1, 0, 0))
    section += _block("<", 1, struct.pack("<HHI", 101, 0, 262144))
    for count in runs:
        run = head + epb * count
        _same(run + stats + epb * 3)
        _same(run + section + epb * 3)
        _same(run + epb[:40])  # the next block cut short
        _same(run + epb * 2)
