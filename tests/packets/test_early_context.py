"""The packet list analyses only the first frames a row needs (Wireshark's analysis of a
frame reads only the frames before it): each row is the same as from the whole capture's
analysis, on the shipped captures (the impaired one has every kind of label) and random
conversations with loss, duplicates, reordering and reused ports."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tcp_scenarios import SHIPPED, chaotic

from netcourse.packets import capture, read_capture


def _same_rows(path, picks) -> None:
    whole = read_capture(path)
    whole.tcp_context  # noqa: B018 - the whole capture's analysis first
    expected = list(whole)
    early = read_capture(path)
    assert list(early) == expected  # in order: the analysed frames double as rows go on
    tcp = early.columns.tcp_flags >= 0
    if tcp.any() and 2 * (tcp.argmax() + 1) < len(expected):  # a TCP row in the first half
        assert early._early is not None, "the first frames alone were never analysed"
    for i in picks(len(expected)):  # a row on its own: exactly the frames up to it
        assert read_capture(path)[i] == expected[i]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_rows_from_the_first_frames_are_the_whole_captures(monkeypatch, path):
    monkeypatch.setattr(capture, "_EARLY_FRAMES", 1)
    _same_rows(path, lambda n: range(0, n, max(n // 12, 1)))


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1))
def test_rows_of_random_conversations_from_the_first_frames(tmp_path_factory, seed):
    path = chaotic(random.Random(seed)).write(tmp_path_factory.mktemp("early") / "c.pcap")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(capture, "_EARLY_FRAMES", 1)
        rng = random.Random(seed)
        _same_rows(path, lambda n: rng.sample(range(n), min(n, 6)))
