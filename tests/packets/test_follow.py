"""follow() and the tcp.stream numbering, byte for byte against tshark 4.0.

Every stream of every shipped capture and of scapy-written captures (retransmission,
out-of-order, overlap, missing segment, port reuse after FIN and RST, IPv6 in a VLAN) is
compared with ``tshark -z follow,tcp,raw,N``; hypothesis shuffles segments and compares again.
"""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tcp_scenarios import (
    C_ISN,
    IMPAIRED,
    S_ISN,
    SCENARIOS,
    SHIPPED,
    Script,
    chaotic,
    joined,
    needs_tshark,
    tshark_flags,
    tshark_follow,
    tshark_streams,
)

from netcourse.errors import CaptureError, NetcourseError
from netcourse.packets import Capture, expert, read_capture, sample
from netcourse.packets.follow import DIRECTION_COLOURS, FollowedStream, Gap, follow
from netcourse.packets.synthetic import write_capture
from netcourse.packets.tcpstream import tcp_segments
from netcourse.style import PALETTE


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("follow")
    return {name: make().write(folder / f"{name}.pcap") for name, make in SCENARIOS.items()}


def _check_against_tshark(path) -> int:
    """Compare the numbering and every stream with tshark; return how many streams."""
    segs = tcp_segments(path)
    assert list(zip(segs.frame.tolist(), segs.stream.tolist())) == tshark_streams(path)
    for stream in range(segs.streams):
        chunks, gaps = tshark_follow(path, stream)
        ours = follow(path, stream)
        assert joined(ours.chunks) == chunks, (path, stream)
        assert [(g.direction, g.length) for g in ours.gaps] == gaps, (path, stream)
        assert ours.client == b"".join(d for side, d in chunks if side == "client")
        assert ours.server == b"".join(d for side, d in chunks if side == "server")
    return segs.streams


@needs_tshark
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_stream_of_every_shipped_capture_matches_tshark(path):
    _check_against_tshark(path)


@needs_tshark
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_written_captures_match_tshark(written, name):
    assert _check_against_tshark(written[name]) >= 1


@needs_tshark
@pytest.mark.parametrize(
    "name", ["basic", "retransmission", "missing", "fast-retransmission", "reuse-after-fin"]
)
def test_streams_over_ppp_match_tshark(tmp_path, name):
    # the same segments on the PPP link type (9): a PPP header of protocol 0x0021 (IPv4)
    # where the Ethernet header was, as a dial-up or PPPoE client captures them
    script = SCENARIOS[name]()
    frames = [b"\x00\x21" + frame[14:] for frame in script.frames]
    path = write_capture(tmp_path / f"{name}-ppp.pcap", frames, script.times, linktype=9)
    assert _check_against_tshark(path) >= 1
    assert {(item.frame, item.flag) for item in expert(path)} == tshark_flags(path)


def test_the_shipped_impaired_capture_has_streams_gaps_and_port_reuse():
    segs = tcp_segments(IMPAIRED)
    assert segs.streams == 4
    assert len({segs.endpoints(n) for n in range(4)}) == 2  # ports reused
    bulk = follow(IMPAIRED, 0)
    assert bulk.gaps and all(g.direction == "client" for g in bulk.gaps)
    assert bulk.server == b""
    missing = sum(g.length for g in bulk.gaps)
    assert len(bulk.client) + missing == 48_000  # what the recorder uploaded
    assert bulk.client.startswith(b"netcourse impaired link, line 00001")


def test_retransmitted_and_overlapping_bytes_appear_once(written):
    assert follow(written["retransmission"], 0).client == b"first try\n"
    assert follow(written["overlap"], 0).client == b"0123456789abcdefghijklmnopqrstuvwxyz"
    lines = follow(written["out-of-order"], 0).client.splitlines()
    assert lines == sorted(lines) and len(lines) == 3


def test_missing_bytes_are_a_gap_not_data(written):
    ours = follow(written["missing"], 0)
    line = len(b"line 000 of a followed stream\n")
    assert ours.gaps == [Gap("client", offset=line, length=line, frame=6, position=line)]
    assert b"line 001" not in ours.client and ours.client.count(b"\n") == 2
    assert str(ours.gaps[0]) == f"[{line} bytes missing in capture file]"


def test_the_client_is_the_side_of_the_first_segment(written):
    ours = follow(written["basic"], 0)
    assert ours.client_end == ("192.0.2.10", 50000)
    assert ours.server_end == ("198.51.100.20", 443)
    assert ours.client.startswith(b"GET /x")
    assert [d for d, _ in ours.chunks] == ["client", "server", "server"]
    six = follow(written["basic-ipv6-vlan"], 0)
    assert six.client_end == ("fd00::10", 50000) and six.server == ours.server


def test_port_reuse_after_fin_and_rst_starts_a_new_stream(written):
    for name in ("reuse-after-fin", "reuse-after-rst"):
        first, second = follow(written[name], 0), follow(written[name], 1)
        assert (first.client, first.server) == (b"one\n", b"ONE\n")
        assert (second.client, second.server) == (b"two\n", b"TWO\n")
    assert tcp_segments(written["syn-retransmission"]).streams == 1


def test_a_capture_may_be_a_capture_a_path_or_a_sample_name(written):
    path = written["basic"]
    assert follow(read_capture(path), 0) == follow(path, 0) == follow(str(path), 0)
    assert follow("http", 0) == follow(sample("http"), 0)
    in_memory = Capture.from_frames([read_capture(path).frame(n) for n in range(1, 11)])
    assert follow(in_memory, 0).server == follow(path, 0).server


@pytest.mark.parametrize("stream", [-1, 1, 99, 10**30])
def test_a_stream_that_does_not_exist_names_the_number_and_the_range(stream):
    with pytest.raises(CaptureError, match=rf"stream {stream}: .*streams are 0\b"):
        follow("http", stream)


@pytest.mark.parametrize("stream", ["0", 1.0, None, True])
def test_a_stream_number_must_be_an_integer(stream):
    with pytest.raises(CaptureError, match="expected a tcp.stream number"):
        follow("http", stream)


def test_a_capture_without_tcp_has_no_streams():
    with pytest.raises(CaptureError, match=r"stream 0: .*none \(it holds no TCP\)"):
        follow("udp", 0)
    with pytest.raises(CaptureError, match="expected a Capture, a capture file path"):
        follow(42, 0)


def test_html_colours_the_sides_escapes_the_data_and_offers_hex(written):
    ours = follow(written["basic"], 0)
    html = ours._repr_html_()
    assert PALETTE["vermillion"] in html and PALETTE["blue"] in html
    assert DIRECTION_COLOURS == {"client": PALETTE["vermillion"], "server": PALETTE["blue"]}
    assert "hello &lt;world&gt; &amp; .." in html and "<world>" not in html
    assert "<details><summary>hex</summary>" in html and "00 ff" in html
    gap_html = follow(written["missing"], 0)._repr_html_()
    assert "bytes missing in capture file" in gap_html


def test_text_is_wiresharks_ascii_view(written):
    ours = follow(written["basic"], 0)
    assert ours.text("server").endswith("hello <world> & ..\n")
    assert ours.text() == ours.text("client") + ours.text("server")
    with pytest.raises(CaptureError, match="expected 'client' or 'server'"):
        ours.text("both")
    assert isinstance(ours, FollowedStream)


# --- hypothesis: random segment orders, compared with tshark ---------------------------------

TSHARK_RUNS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


@needs_tshark
@TSHARK_RUNS
@given(
    order=st.permutations(range(6)),
    repeat=st.lists(st.integers(0, 5), max_size=3),
    drop=st.sets(st.integers(0, 5), max_size=2),
    acked=st.booleans(),
)
@pytest.mark.slow
def test_shuffled_duplicated_and_dropped_segments_match_tshark(
    tmp_path_factory, order, repeat, drop, acked
):
    """Client segments in any order, some twice, some never captured; the server's ACK of
    everything (or none) decides whether tshark reports the holes."""
    parts = [f"part {i}: {'x' * (i * 7)}\n".encode() for i in range(6)]
    starts = [sum(len(p) for p in parts[:i]) for i in range(6)]
    sc = Script().handshake()
    c, s = C_ISN + 1, S_ISN + 1
    for k in [*order, *repeat]:
        if k not in drop:
            sc.add(True, "PA", c + starts[k], s, parts[k], gap=0.0004)
    if acked:
        sc.add(False, "PA", s, c + sum(map(len, parts)), b"ok\n")
    path = sc.write(tmp_path_factory.mktemp("shuffle") / "s.pcap")
    _check_against_tshark(path)
    ours = follow(path, 0)
    if acked and not drop:
        assert ours.client == b"".join(parts)  # every byte once, in sequence order


@pytest.mark.slow
@needs_tshark
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1))
def test_chaotic_conversations_match_tshark(tmp_path_factory, seed):
    path = chaotic(random.Random(seed)).write(tmp_path_factory.mktemp("chaos") / "c.pcap")
    _check_against_tshark(path)


# --- hypothesis: damaged captures give a value or a NetcourseError, quickly -------------------

CAPTURE_FILES = [p.read_bytes() for p in SHIPPED]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(CAPTURE_FILES),
    st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 255)), max_size=8),
    st.integers(0, 100_000),
)
def test_damaged_captures_follow_or_raise(tmp_path_factory, data, changes, cut):
    damaged = bytearray(data[: max(cut, 1)])
    for where, value in changes:
        damaged[where % len(damaged)] = value
    path = tmp_path_factory.mktemp("damaged") / "x.pcapng"
    path.write_bytes(bytes(damaged))
    start = time.thread_time()
    try:
        count = tcp_segments(path).streams
        for stream in range(count):
            result = follow(path, stream)
            assert isinstance(result.client, bytes) and isinstance(result.server, bytes)
    except NetcourseError:
        pass
    assert time.thread_time() - start < 5, "follow must stay fast on any input"


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_random_frames_follow_or_raise(frame):
    start = time.thread_time()
    try:
        cap = Capture.from_frames([frame, frame[::-1]])
        for stream in range(tcp_segments(cap).streams):
            follow(cap, stream)
    except NetcourseError:
        pass
    assert time.thread_time() - start < 2
