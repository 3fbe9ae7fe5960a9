"""Bulk helpers of conversations(): chunked decoding equals decoding at once, grouping equals
grouping the rows themselves (a hash collision included), addresses read as ipaddress's."""

from __future__ import annotations

import ipaddress
import tracemalloc

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.packets import SAMPLES, bulk, conversations
from netcourse.packets.capture import _index, _index_pcap
from netcourse.packets.fast import decode
from netcourse.packets.flows import flow_bytes, write_flows
from netcourse.packets.instances import instances
from netcourse.packets.synthetic import write_capture


def _partition(groups) -> set[frozenset[int]]:
    out: dict[int, set[int]] = {}
    for i, g in enumerate(np.asarray(groups).tolist()):
        out.setdefault(g, set()).add(i)
    return {frozenset(members) for members in out.values()}


def _reference(key: np.ndarray) -> np.ndarray:
    return np.unique(key, axis=0, return_inverse=True)[1].ravel()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(*[st.integers(0, 3)] * 7), min_size=1, max_size=60))
def test_grouping_is_the_rows_own(rows):
    key = np.array(rows, dtype=np.uint64)
    assert _partition(bulk.group_rows(lambda: iter(key.T))) == _partition(_reference(key))


def test_a_collision_falls_back_to_the_rows(monkeypatch):
    monkeypatch.setattr(bulk, "_MIX", (0,) * 7)  # every row mixes to the same number
    key = np.array([[1] * 7, [2] * 7, [1] * 7], dtype=np.uint64)
    assert _partition(bulk.group_rows(lambda: iter(key.T))) == {frozenset({0, 2}), frozenset({1})}


def _same_ends(found, cols, kind):
    theirs = instances(cols, kind)
    assert found.row.tolist() == theirs.row.tolist()
    for name in ("version", "src_hi", "src_lo", "dst_hi", "dst_lo", "sport", "dport"):
        assert getattr(found, name).tolist() == getattr(theirs, name).tolist(), name
    assert found.flags.tolist() == cols.tcp_flags[theirs.row].tolist()


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 40))
def test_chunks_give_what_one_decode_gives(chunk):
    for name in SAMPLES:
        index = _index(name)
        cols = decode(index)
        for kind in ("tcp", "udp"):
            _same_ends(bulk.transport_ends(index, kind, chunk=chunk), cols, kind)


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 12))
def test_fragments_across_a_chunk_boundary_are_reassembled(tmp_path_factory, chunk):
    # the fragments capture's datagrams span 2-3 frames: small chunks split them
    from fragcaptures import fragment_frames  # tests/packets helper (imports scapy)

    frames = [bytes(f) for f in fragment_frames()]
    path = tmp_path_factory.mktemp("frag") / "fragments.pcap"
    write_capture(path, frames, [i * 0.001 for i in range(len(frames))])
    index = _index(path)
    cols = decode(index)
    assert cols.fragment.any()
    for kind in ("tcp", "udp"):
        _same_ends(bulk.transport_ends(index, kind, chunk=chunk), cols, kind)
    whole = conversations(path, "udp")
    bulk_chunk = bulk.CHUNK
    try:
        bulk.CHUNK = chunk
        assert conversations(path, "udp") == whole
    finally:
        bulk.CHUNK = bulk_chunk


def test_a_capture_without_packets_has_no_ends():
    index = _index_pcap(flow_bytes(packets=7, conversations=1)[:24], None)
    assert len(bulk.transport_ends(index, "tcp").row) == 0


@given(st.lists(st.integers(0, 2**128 - 1), max_size=8), st.lists(st.booleans(), max_size=8))
def test_addresses_read_as_ipaddress_writes_them(values, fours):
    version = np.array([4 if f else 6 for f, _ in zip(fours, values)], dtype=np.int64)
    values = values[: len(version)]
    hi = np.array([v >> 64 for v in values], dtype=np.uint64)
    lo = np.array([v & (2**64 - 1) for v in values], dtype=np.uint64)
    expected = [
        str(ipaddress.IPv4Address(v & 0xFFFFFFFF) if ver == 4 else ipaddress.IPv6Address(v))
        for ver, v in zip(version.tolist(), values)
    ]
    assert bulk.addresses(version, hi, lo) == expected


def test_conversations_memory_is_the_file_and_a_bounded_cost_a_packet(tmp_path):
    # the benchmark measures 1,000,000 packets (benchmarks/bench_conversations.py --memory);
    # this guards the same budget on 200,000: at most 220 bytes a packet, where decoding every
    # packet at once took about 600 (the file is mapped, not copied: no allocation at all)
    packets = 200_000
    path = write_flows(tmp_path / "many.pcap", packets=packets, conversations=packets // 10)
    tracemalloc.start()
    try:
        table = conversations(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(table) == packets // 10
    assert peak <= 220 * packets, f"{peak >> 20} MB"
