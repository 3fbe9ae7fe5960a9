"""expert() against tshark 4.0: the same (frame, tcp.analysis flag) pairs, the same severities
and messages, on the real impaired capture, every other shipped capture, a scapy capture for
each flag and random conversations."""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tcp_scenarios import (
    FLAG_SCENARIOS,
    FLAGS,
    IMPAIRED,
    SCENARIOS,
    SHIPPED,
    chaotic,
    needs_tshark,
    tshark_expert_counts,
    tshark_flags,
)

from netcourse.errors import CaptureError, NetcourseError
from netcourse.packets import Capture, read_capture, sample
from netcourse.packets.expert import FLAGS as EXPERT_FLAGS
from netcourse.packets.expert import ExpertInfo, ExpertItem, expert
from netcourse.protocols import TCP_ANALYSIS_FLAGS


def _pairs(path) -> set[tuple[int, str]]:
    return {(item.frame, item.flag) for item in expert(path)}


@needs_tshark
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_captures_flag_the_same_frames_as_tshark(path):
    assert _pairs(path) == tshark_flags(path)


@needs_tshark
def test_the_impaired_capture_shows_real_trouble_like_tshark():
    """Recorded from two real Linux stacks; every flag but the zero window probes, which
    Linux does not send (its 0-byte probes are keep-alives to Wireshark)."""
    theirs = tshark_flags(IMPAIRED)
    assert _pairs(IMPAIRED) == theirs
    seen = {flag for _, flag in theirs}
    assert seen == set(FLAGS) - {"zero_window_probe", "zero_window_probe_ack"}
    print(sorted(Counter(flag for _, flag in theirs).items()))


@needs_tshark
@pytest.mark.parametrize("flag", sorted(FLAG_SCENARIOS))
def test_a_written_capture_for_each_flag_matches_tshark(tmp_path, flag):
    path = FLAG_SCENARIOS[flag]().write(tmp_path / f"{flag}.pcap")
    theirs = tshark_flags(path)
    assert flag in {f for _, f in theirs}, "the scenario must show the flag to tshark"
    assert _pairs(path) == theirs


@needs_tshark
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_follow_scenarios_match_tshark(tmp_path, name):
    path = SCENARIOS[name]().write(tmp_path / f"{name}.pcap")
    assert _pairs(path) == tshark_flags(path)


@needs_tshark
@pytest.mark.parametrize("name", ["impaired", *sorted(FLAG_SCENARIOS)])
def test_severities_and_messages_are_wiresharks(tmp_path, name):
    path = IMPAIRED if name == "impaired" else FLAG_SCENARIOS[name]().write(tmp_path / "f")
    ours = Counter((item.severity, item.summary) for item in expert(path))
    theirs = tshark_expert_counts(path)
    assert ours == Counter({k: v for k, v in theirs.items() if k in ours}), name
    summaries = {info.summary.split("(")[0] for info in TCP_ANALYSIS_FLAGS.values()}
    unmatched = {k for k in theirs if k not in ours and k[1].split("(")[0] in summaries}
    assert not unmatched


def test_items_are_in_frame_order_with_wiresharks_order_on_a_frame(tmp_path):
    items = expert(FLAG_SCENARIOS["fast_retransmission"]().write(tmp_path / "f.pcap"))
    # like Wireshark: a fast retransmission is reported first as such, then as retransmission
    assert [(i.frame, i.flag) for i in items][-2:] == [
        (12, "fast_retransmission"),
        (12, "retransmission"),
    ]
    assert [i.frame for i in items] == sorted(i.frame for i in items)
    dup = [i for i in items if i.flag == "duplicate_ack"]
    assert [i.summary for i in dup] == ["Duplicate ACK (#1)", "Duplicate ACK (#2)",
                                        "Duplicate ACK (#3)"]  # fmt: skip
    assert {i.severity for i in items} <= {"note", "warning", "chat"}
    assert all(isinstance(i, ExpertItem) and i.stream == 0 for i in items)


def test_flags_are_wiresharks_field_names():
    assert set(EXPERT_FLAGS) == set(FLAGS)
    for name, info in TCP_ANALYSIS_FLAGS.items():
        assert info.name == name and info.severity in ("note", "warning", "chat")


def test_a_capture_may_be_a_capture_a_path_or_a_sample_name():
    assert expert("http") == expert(sample("http")) == expert(read_capture("http"))
    assert expert(IMPAIRED) == expert(str(IMPAIRED)) == expert(read_capture(IMPAIRED))
    frames = [read_capture(IMPAIRED).frame(n) for n in range(1, 60)]
    assert isinstance(expert(Capture.from_frames(frames)), ExpertInfo)
    with pytest.raises(CaptureError, match="expected a Capture, a capture file path"):
        expert(3.5)
    with pytest.raises(CaptureError, match="no such capture file"):
        expert("no-such-file.pcap")


def test_counts_and_html():
    info = expert(IMPAIRED)
    counts = info.counts()
    assert counts["reused_ports"] == 2 and sum(counts.values()) == len(info)
    html = info._repr_html_()
    assert html.startswith('<table class="netcourse-expert">')
    assert 'class="severity-warning"' in html and "reused_ports" in html
    assert expert("http")._repr_html_().count("<tr") == 1
    assert repr(expert("udp")) == "ExpertInfo([])"


# --- hypothesis ------------------------------------------------------------------------------


@pytest.mark.slow
@needs_tshark
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1))
def test_random_conversations_flag_like_tshark(tmp_path_factory, seed):
    path = chaotic(random.Random(seed)).write(tmp_path_factory.mktemp("chaos") / "c.pcap")
    assert _pairs(path) == tshark_flags(path)


CAPTURE_FILES = [p.read_bytes() for p in SHIPPED]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(CAPTURE_FILES),
    st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 255)), max_size=8),
    st.integers(0, 100_000),
)
def test_damaged_captures_give_items_or_a_netcourse_error(tmp_path_factory, data, changes, cut):
    damaged = bytearray(data[: max(cut, 1)])
    for where, value in changes:
        damaged[where % len(damaged)] = value
    path = tmp_path_factory.mktemp("damaged") / "x.pcap"
    path.write_bytes(bytes(damaged))
    start = time.thread_time()
    try:
        items = expert(path)
    except NetcourseError:
        items = ExpertInfo()
    assert time.thread_time() - start < 5, "expert must stay fast on any input"
    assert all(item.flag in EXPERT_FLAGS for item in items)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(max_size=200), max_size=6))
def test_random_frames_give_items_or_a_netcourse_error(frames):
    start = time.thread_time()
    try:
        expert(Capture.from_frames(frames))
    except NetcourseError:
        pass
    assert time.thread_time() - start < 2
