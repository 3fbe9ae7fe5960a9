"""Property tests of every parser in netcourse.packets: random, truncated and mutated input.

dissect() must return a Dissection whose layers and fields stay inside the frame (flagged
malformed when it is partial) or raise PacketError, for every link type; read_capture(), the
packet list, conversations and filters on random, cut or damaged pcap and pcapng bytes must
read what is there or raise CaptureError; a display filter of any text compiles or raises
FilterError. Never another exception, and every call is bounded in time.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from linkcaptures import link_frames

from netcourse.errors import CaptureError, FilterError, PacketError
from netcourse.packets import SAMPLES, Dissection, conversations, dissect, read_capture, sample
from netcourse.packets.columns import columns
from netcourse.packets.filters import FIELD_NAMES, FILTER_PROTOCOLS, compile_filter, matching
from netcourse.protocols import LINK_TYPES

#: The longest any one parser call may take (the slowest, a capture's rows, takes milliseconds).
LIMIT = 2.0


def _bounded(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` and fail if it took longer than LIMIT seconds of this thread's CPU time (a
    runaway loop shows as a failure; time spent waiting for a core on a busy machine does not)."""
    start = time.thread_time()
    try:
        return fn(*args, **kwargs)
    finally:
        assert time.thread_time() - start < LIMIT, f"{fn.__name__} must stay fast on any input"


REAL_FRAMES = [
    read_capture(name).frame(number)
    for name in SAMPLES
    for number in range(1, len(read_capture(name)) + 1)
]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(data: bytes, http: bool = False, linktype: int = 1) -> None:
    start = time.thread_time()
    try:
        d = dissect(data, linktype=linktype, http=http)
    except PacketError:
        return
    finally:
        assert time.thread_time() - start < 1.0, "dissect must stay fast on any input"
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


# --- every link type ------------------------------------------------------------------------

LINK_FRAMES = [(lt, data) for lt in sorted(LINK_TYPES) for data in link_frames(lt)]


@FUZZ
@given(st.sampled_from(sorted(LINK_TYPES)), st.binary(max_size=200))
def test_random_bytes_behind_every_link_type(linktype, data):
    _check(data, linktype=linktype)
    cells = _bounded(columns, data, linktype)
    assert len(cells) == 4 and all(isinstance(cell, str) for cell in cells)


@FUZZ
@given(st.sampled_from(LINK_FRAMES), st.data())
def test_cut_and_mutated_frames_behind_every_link_type(item, data):
    linktype, frame = item
    cut = data.draw(st.integers(min_value=0, max_value=len(frame)))
    changes = data.draw(st.lists(st.tuples(st.integers(0, 200), st.integers(0, 255)), max_size=4))
    damaged = bytearray(frame[:cut])
    for where, value in changes:
        if damaged:
            damaged[where % len(damaged)] = value
    _check(bytes(damaged), linktype=linktype)
    assert len(_bounded(columns, bytes(damaged), linktype)) == 4


# --- capture files: random, cut and structurally damaged -------------------------------------

_PCAP_MAGICS = [bytes.fromhex(m) for m in ("a1b2c3d4", "d4c3b2a1", "a1b23c4d", "4d3cb2a1")]


def _read_everything(path) -> None:
    """Everything a learner does with a capture file: each call reads or raises CaptureError."""
    try:
        cap = _bounded(read_capture, path)
    except CaptureError:
        return
    assert cap.truncated == (cap.problem is not None)
    rows = _bounded(list, cap)
    assert len(rows) == len(cap)
    for proto in ("tcp", "udp"):
        try:
            _bounded(conversations, path, proto)
        except CaptureError:
            pass
    try:
        mask = _bounded(matching, cap, "tcp or udp.port == 9 or ip.addr == 198.18.0.1 or ipv6")
    except CaptureError:  # only a link type no decoder reads stops a filter, saying which
        linktypes = {cap.linktype(n) for n in range(1, len(cap) + 1)}
        assert linktypes - set(LINK_TYPES)
    else:
        assert all(1 <= n <= len(cap) for n in mask.tolist())
    for number in range(1, min(len(cap), 20) + 1):
        try:
            _bounded(cap.dissect, number, http=True)
        except PacketError:
            pass


def _pcapng_block(btype: int, body: bytes, size: int | None, order: str) -> bytes:
    size = 12 + len(body) if size is None else size
    return struct.pack(order + "II", btype, size) + body + struct.pack(order + "I", size)


_BLOCK_TYPES = st.sampled_from([0x0A0D0D0A, 1, 2, 3, 4, 5, 6, 0xBAD])


@st.composite
def pcapng_files(draw) -> bytes:
    """A section header, then blocks of any type whose bodies and length fields may lie."""
    order = draw(st.sampled_from("<>"))
    parts = [
        _pcapng_block(0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1), None, order),
        _pcapng_block(1, struct.pack(order + "HHI", 1, 0, 0), None, order),  # interface 0
    ]
    for _ in range(draw(st.integers(0, 8))):
        btype = draw(_BLOCK_TYPES)
        if btype == 1:
            body = struct.pack(
                order + "HHI", draw(st.sampled_from([1, 101, 113, 228, 229, 276, 9])), 0, 0
            )
            body += draw(st.binary(max_size=16))
        elif btype in (2, 6):
            data = draw(st.sampled_from(REAL_FRAMES))[: draw(st.integers(0, 100))]
            iface = draw(st.sampled_from([0, 0, 0, 1, 3]))  # mostly one that was described
            body = struct.pack(order + "IIIII", iface, 0, 0, len(data), len(data))
            body += data + b"\x00" * (-len(data) % 4)
        elif btype == 0x0A0D0D0A and draw(st.booleans()):  # a new section, maybe the other order
            order = draw(st.sampled_from("<>"))
            body = struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1)
        else:
            body = draw(st.binary(max_size=40))
        size = None
        damage = draw(st.sampled_from(["none"] * 6 + ["short", "lie"]))
        if damage == "short":  # its length is honest but too short for the block's own fields
            body = body[: draw(st.integers(0, 20)) // 4 * 4]
        elif damage == "lie":  # its length fields say anything
            size = draw(st.integers(0, 200))
        parts.append(_pcapng_block(btype, body, size, order))
    if draw(st.booleans()):  # a last block too short for its fields (an EPB of 12 bytes ...)
        short = draw(st.binary(max_size=16))
        parts.append(_pcapng_block(draw(_BLOCK_TYPES), short[: len(short) // 4 * 4], None, order))
    data = b"".join(parts)
    return data[: draw(st.integers(0, len(data)))] if draw(st.booleans()) else data


@st.composite
def pcap_files(draw) -> bytes:
    """A pcap header (any magic, any link type), then records whose lengths may lie."""
    magic = draw(st.sampled_from(_PCAP_MAGICS))
    order = ">" if magic in (_PCAP_MAGICS[0], _PCAP_MAGICS[2]) else "<"
    linktype = draw(st.sampled_from([1, 101, 113, 228, 229, 276, 0, 65535]))
    parts = [magic + struct.pack(order + "HHiIII", 2, 4, 0, 0, 262144, linktype)]
    for _ in range(draw(st.integers(0, 6))):
        data = draw(st.one_of(st.sampled_from(REAL_FRAMES), st.binary(max_size=80)))
        caplen = draw(st.one_of(st.just(len(data)), st.integers(0, 2**32 - 1)))
        parts.append(struct.pack(order + "IIII", 0, 0, caplen, len(data)) + data)
    data = b"".join(parts)
    return data[: draw(st.integers(0, len(data)))] if draw(st.booleans()) else data


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(pcap_files(), pcapng_files()))
def test_structurally_damaged_capture_files(tmp_path_factory, data):
    """Blocks and records whose lengths lie, cut anywhere: read what is complete or say why."""
    path = tmp_path_factory.mktemp("structure") / "x.cap"
    path.write_bytes(data)
    _read_everything(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([*_PCAP_MAGICS, b"\x0a\x0d\x0d\x0a", b""]), st.binary(max_size=300))
def test_random_bytes_after_a_capture_magic(tmp_path_factory, magic, rest):
    path = tmp_path_factory.mktemp("random") / "x.cap"
    path.write_bytes(magic + rest)
    _read_everything(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CAPTURE_FILES), st.data())
def test_every_cut_of_a_real_capture(tmp_path_factory, data, cut_at):
    cut = cut_at.draw(st.integers(min_value=0, max_value=len(data)))
    path = tmp_path_factory.mktemp("cut") / "x.cap"
    path.write_bytes(data[:cut])
    _read_everything(path)


# --- display filters --------------------------------------------------------------------------

_WORDS = [*FILTER_PROTOCOLS, *FIELD_NAMES, "and", "or", "not", "&&", "||", "!", "(", ")"]
_WORDS += ["==", "!=", "<", ">=", "eq", "80", "0x50", "198.18.0.1", "fd00::/8", "-1", "99999"]
FILTER_CAPTURE = read_capture("udp")


def _compile_and_run(text: str) -> None:
    try:
        flt = _bounded(compile_filter, text)
    except FilterError as exc:
        assert len(str(exc)) < 1000, "a message stays short, whatever the filter"
        return
    mask = _bounded(flt.mask, FILTER_CAPTURE.columns, FILTER_CAPTURE.lengths, FILTER_CAPTURE)
    assert mask.dtype == bool and mask.shape == (len(FILTER_CAPTURE),)


@FUZZ
@given(st.text(max_size=200))
def test_filters_of_random_text(text):
    _compile_and_run(text)


@FUZZ
@given(st.lists(st.sampled_from(_WORDS), max_size=40), st.sampled_from([" ", "", "  "]))
def test_filters_of_shuffled_filter_words(words, sep):
    _compile_and_run(sep.join(words))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["(", "not ", "! "]), min_size=300, max_size=3000))
def test_filters_nested_past_the_limit(opening):
    _compile_and_run("".join(opening) + "tcp" + ")" * opening.count("("))
