"""The packet Inspector (netcourse.widgets.packets), driven headless by setting widget values
like a learner's clicks would; bad input shows inline and the view is marked stale."""

from __future__ import annotations

import html
import logging
import re
import shutil
import subprocess
import time

import pytest

from netcourse.errors import CaptureError, FilterError, PacketError
from netcourse.packets import dissect, expert, follow, frame, sample
from netcourse.packets.follow import DIRECTION_COLOURS
from netcourse.packets.synthetic import synthetic_traffic, write_capture
from netcourse.style import PACKET_COLOURING_RULES, WIRESHARK_COLOURS
from netcourse.widgets.packets import Inspector, osi_label

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.layers.inet import IP, TCP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402


def _marked(ins: Inspector) -> list[int]:
    """The bytes lit as the selection in the bytes pane (the browser draws these marks)."""
    return ins.hex.lit


def test_three_panes_and_first_packet_selected():
    ins = Inspector("http")
    assert ins.packet_list.options[0][1] == 1
    assert "40000 → 8000 [SYN]" in ins.packet_list.options[0][0]
    assert ins.number == 1 and ins.tree.options and ins.hex.data == frame("http", 1)
    assert "page 1 of 1 (12 packets)" in ins.status.value


def test_selecting_a_field_highlights_exactly_its_bytes():
    ins = Inspector("vlan")
    ins.packet_list.value = 3
    d = dissect(frame("vlan", 3))
    for layer in d.layers:
        for fld in layer.fields:
            ins.select_field(layer.name, fld.name)
            assert ins.selected_bytes == (fld.offset, fld.end)
            assert _marked(ins) == list(range(fld.offset, fld.end)), (layer.name, fld.name)


def test_clicking_a_tree_row_selects_its_field():
    ins = Inspector("http")
    value = next(v for label, v in ins.tree.options if label.strip().startswith("ttl:"))
    ins.tree.value = value
    assert ins.selected_field == ("IP", "ttl")
    assert _marked(ins) == [22]
    assert ins.byte.value == 22


def test_selecting_a_byte_selects_the_field_holding_it():
    ins = Inspector("http")
    ins.packet_list.value = 4
    d = dissect(frame("http", 4), http=True)
    assert d.layers[-1].name == "HTTPRequest"
    for offset in range(0, len(d.data), 3):
        ins.byte.value = offset
        layer, fld = d.field_at(offset)
        assert ins.selected_field == (layer.name, fld.name)
        assert fld.offset <= offset < fld.end
        assert offset in _marked(ins)


def test_bad_filter_shows_inline_and_widget_keeps_working():
    ins = Inspector("udp")
    ins.filter_text.value = "udp.port == banana"
    assert "FilterError" in ins.errors.value and "banana" in ins.errors.value
    assert len(ins.packet_list.options) == 4  # the previous list stays
    ins.filter_text.value = "icmp"
    assert ins.errors.value == ""
    assert [n for _, n in ins.packet_list.options] == [4]
    ins.filter_text.value = "arp"
    assert ins.packet_list.options == () and "no packet matches" in ins.detail.value
    ins.byte.value = 3  # nothing selected: an inline error, not a traceback
    assert "no packet is selected" in ins.errors.value


def test_tree_labels_layers_with_the_osi_table():
    ins = Inspector("arp-icmp")
    labels = [label for label, (_, fi) in ins.tree.options if fi == -1]
    assert labels[0].startswith("▾ L2") and "ARP" in labels[1] and "L2-L3" in labels[1]
    assert osi_label("TCP") == "L4"


def test_packets_built_in_a_cell():
    pkt = (
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src="192.0.2.1", dst="198.51.100.2")
        / TCP(sport=1234, dport=80, flags="S")
    )
    for source in (pkt, bytes(pkt), [pkt, bytes(pkt)], ["arp-icmp", pkt]):
        ins = Inspector(source)
        assert ins.dissection is not None
    assert len(Inspector([pkt, pkt]).capture) == 2
    assert len(Inspector(["arp-icmp", pkt]).capture) == 7
    with pytest.raises(CaptureError, match="not int"):
        Inspector(42)
    with pytest.raises(CaptureError, match="empty list"):
        Inspector([])


def test_malformed_frame_is_flagged_in_the_tree():
    ins = Inspector(frame("http", 1)[:40])
    assert any("malformed" in label for label, _ in ins.tree.options)


def test_ten_thousand_packets_stay_responsive(tmp_path):
    frames, times = synthetic_traffic(10_000, seed=5)
    path = write_capture(tmp_path / "big.pcap", frames, times)
    start = time.perf_counter()
    ins = Inspector(path)
    opened = time.perf_counter() - start
    assert ins.pages == 400
    assert len(ins.capture._rows) <= ins.page_size  # only the visible page was dissected
    start = time.perf_counter()
    ins.next_button.click()
    ins.go_to_page(250)
    ins.filter_text.value = "ipv6 and tcp.port == 443"
    ins.packet_list.value = ins.packet_list.options[-1][1]
    busy = time.perf_counter() - start
    assert opened < 2.0 and busy < 2.0, (opened, busy)
    assert ins.page_index == 0 and 0 < len(ins.numbers) < 10_000


def test_paging_buttons():
    frames, _ = synthetic_traffic(60, seed=2)
    ins = Inspector(frames, page_size=25)
    assert ins.previous_button.disabled and not ins.next_button.disabled
    ins.next_button.click()
    ins.next_button.click()
    assert ins.page_index == 2 and ins.next_button.disabled
    assert [n for _, n in ins.packet_list.options] == list(range(51, 61))


def test_repr_is_deterministic():
    ins = Inspector("http")
    ins.select_field("TCP", "flags")
    assert repr(ins) == "Inspector(http.pcap: 12 packets, packet 1, TCP.flags)"


def test_load_capture_shows_a_bar_that_ends_full(tmp_path, monkeypatch):
    from netcourse.widgets import packets as view

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    frames, times = synthetic_traffic(20_000, seed=6)
    cap = view.load_capture(write_capture(tmp_path / "big.pcapng", frames, times, fmt="pcapng"))
    [bar] = shown
    assert len(cap) == 20_000
    assert bar.value == 100 and bar.description == "20000 pkts" and bar.bar_style == "success"


def test_a_frame_too_short_to_dissect_is_explained_not_raised():
    ins = Inspector([b"\x00" * 5, frame("arp-icmp", 1)])
    assert ins.dissection is None and "too short for an Ethernet header" in ins.detail.value
    ins.packet_list.value = 2
    assert ins.dissection.summary == "Ether / ARP"
    ins.packet_list.value = 1
    assert "too short" in ins.detail.value and ins.tree.options == ()


@pytest.mark.parametrize(
    ("page_size", "message"),
    [
        (0, "a page size must be in 1-1000"),
        (-5, "a page size must be in 1-1000"),
        ("x", "'x': a page size must be a number 1-1000"),
        (10**6, "a page size must be in 1-1000"),
        (2.5, "not a float"),
    ],
)
def test_a_bad_page_size_is_a_capture_error(page_size, message):
    with pytest.raises(CaptureError, match=message):
        Inspector("http", page_size=page_size)


def _stale(ins: Inspector) -> bool:
    return "still showing" in ins.stale.value


def test_a_bad_packet_number_shows_inline_and_the_view_is_marked_stale():
    ins = Inspector("http")
    ins.show_packet(4)
    shown = (ins.hex.marks, ins.hex.bytes_hex, ins.tree.options)
    for bad, message in [(999, "999: a packet number must be in 1-12"), (0, "must be in 1-12")]:
        with pytest.raises(CaptureError, match=message):
            ins.show_packet(bad)
        assert "CaptureError" in ins.errors.value and message in ins.errors.value
        assert _stale(ins) and "packet 4 on page 1 of 1" in ins.stale.value
        assert ins.number == 4 and (ins.hex.marks, ins.hex.bytes_hex, ins.tree.options) == shown
    with pytest.raises(CaptureError, match="'four': a packet number must be a number"):
        ins.show_packet("four")
    ins.show_packet(" 5 ")  # digits typed as text are a number
    assert ins.number == 5 and ins.errors.value == "" and not _stale(ins)


def test_a_bad_page_shows_inline_and_the_widget_keeps_working():
    frames, _ = synthetic_traffic(60, seed=2)
    ins = Inspector(frames, page_size=25)
    for bad, message in [
        ("x", "'x': a page \\(pages count from 0\\) must be a number 0-2"),
        (3, "must be in 0-2"),
        (-1, "must be in 0-2"),
        ("-1", "cannot be negative"),
        (None, "not a NoneType"),
    ]:
        with pytest.raises(CaptureError, match=message):
            ins.go_to_page(bad)
        assert _stale(ins) and "page 1 of 3" in ins.stale.value and ins.page_index == 0
    ins.go_to_page("2")
    assert ins.page_index == 2 and not _stale(ins) and ins.errors.value == ""
    ins.go_to_page(-10, relative=True)  # a step past an end stops there
    assert ins.page_index == 0
    ins.next_button.click()
    assert ins.page_index == 1


def test_a_bad_filter_from_code_raises_and_leaves_the_last_good_one_on_show():
    ins = Inspector("udp")
    ins.apply_filter("icmp")
    assert ins.filter_text.value == "icmp" and [n for _, n in ins.packet_list.options] == [4]
    with pytest.raises(FilterError, match="nesting deeper than 100"):
        ins.apply_filter("(" * 5000 + "udp" + ")" * 5000)
    assert ins.filter_used == "icmp" and ins.filter_text.value == "icmp"
    assert _stale(ins) and "packet 4 on page 1 of 1 (filter 'icmp')" in html.unescape(
        ins.stale.value
    )
    ins.filter_text.value = "not " * 5000 + "udp"  # typed: shown inline, nothing raised
    assert "FilterError" in ins.errors.value and _stale(ins)
    ins.filter_text.value = "udp"
    assert [n for _, n in ins.packet_list.options] == [1, 2, 3, 4] and not _stale(ins)


def test_bad_bytes_and_fields_show_inline_and_raise():
    ins = Inspector("http")
    for bad, message in [("x", "'x': a byte offset must be a number 0-73"), (74, "0-73")]:
        with pytest.raises(PacketError, match=message):
            ins.select_byte(bad)
        assert "PacketError" in ins.errors.value and _stale(ins)
    ins.select_byte("22")
    assert ins.selected_field == ("IP", "ttl") and ins.byte.value == 22 and not _stale(ins)
    with pytest.raises(PacketError, match="TCP has no field 'nope'"):
        ins.select_field("TCP", "nope")
    assert "TCP has no field" in ins.errors.value and ins.selected_field == ("IP", "ttl")
    ins.select_field("TCP", "dport")
    assert ins.errors.value == "" and ins.selected_field == ("TCP", "dport")


def test_a_packet_built_without_ethernet_is_shown_as_raw_ip():
    pkt = IP(src="192.0.2.1", dst="198.51.100.2") / TCP(sport=1234, dport=80, flags="S")
    ins = Inspector(pkt)
    assert ins.capture.linktype(1) == 101
    assert [layer.name for layer in ins.dissection.layers] == ["IP", "TCP"]
    assert not ins.dissection.malformed


def test_a_damaged_pcapng_opens_with_what_is_complete(tmp_path):
    import struct

    from netcourse.packets import read_capture, sample

    path = tmp_path / "damaged.pcapng"
    path.write_bytes(sample("ipv6").read_bytes() + struct.pack("<III", 6, 12, 12))
    ins = Inspector(path)
    assert len(ins.capture) == len(read_capture("ipv6")) and ins.capture.truncated
    assert ins.dissection is not None and ins.errors.value == ""


# --- colouring rules, Follow TCP Stream and Expert Info ---------------------------------------

_needs_tshark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")


def _tshark_frames(path, text: str) -> set[int]:
    out = subprocess.run(
        ["tshark", "-r", str(path), "-Y", text, "-T", "fields", "-e", "frame.number"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    return {int(n) for n in out.split()}


@_needs_tshark
@pytest.mark.parametrize(
    "name",
    [
        "impaired",
        "arp-icmp",
        "udp",
        "ipv6",
        "http",  # the response's first segment is TCP, the one completing it HTTP
    ],
)
def test_rows_take_the_first_colouring_rule_tshark_matches(name):
    """Each row's rule is the first whose filter tshark keeps the frame for, on every page."""
    ins = Inspector(name, page_size=100)
    keeps = [_tshark_frames(sample(name), rule.filter) for rule in PACKET_COLOURING_RULES]
    for page in range(ins.pages):
        ins.go_to_page(page)
        for row, rule in zip(ins.rows, ins.row_rules):
            first = next((r.name for r, k in zip(PACKET_COLOURING_RULES, keeps) if row.number
                          in k), "")  # fmt: skip
            assert rule == first, (name, row.number)


def test_bad_tcp_rows_are_red_on_black_in_the_rows_sent_to_the_browser():
    ins = Inspector("impaired")
    bad = next(r for r in PACKET_COLOURING_RULES if r.name == "Bad TCP")
    assert bad.background == WIRESHARK_COLOURS["ink"] and bad.foreground.startswith("#F7")
    rules = ins.packet_list.rules  # [name, foreground, background], in Wireshark's order
    assert [r[0] for r in rules] == [r.name for r in PACKET_COLOURING_RULES]
    at = ins.row_rules.index("Bad TCP")
    row = ins.packet_list.rows_on_hand[at]
    assert rules[row[7]] == ["Bad TCP", bad.foreground, bad.background]
    assert [rules[r[7]][0] if r[7] >= 0 else "" for r in ins.packet_list.rows_on_hand] == (
        ins.row_rules
    )


def test_the_follow_pane_follows_the_selected_packets_stream():
    ins = Inspector("impaired")
    assert ins.followed.stream == 0
    ins.go_to_frame(205)  # the SYN of the second connection, port 8001
    assert ins.followed.stream == 1 and ins.stream_box.value == "1"
    ours = follow(sample("impaired"), 1)
    assert ins.followed.client == ours.client and ins.followed.server == ours.server
    shown = html.unescape(re.sub(r"<[^>]+>", "", ins.follow_output.value))
    for gap in ours.gaps:
        assert f"[{gap.length} bytes missing in capture file]" in shown
    web = Inspector("http")  # a request and its response: both sides send data
    assert web.followed.stream == 0
    assert f"color:{DIRECTION_COLOURS['client']}" in web.follow_output.value  # client red
    assert f"color:{DIRECTION_COLOURS['server']}" in web.follow_output.value  # server blue
    web.follow_view.value = "hex"
    assert "0000  47 45 54 20" in web.follow_output.value  # "GET " as Wireshark's hex view
    assert "netcourse-follow-server" in web.follow_output.value


@_needs_tshark
def test_filter_on_this_stream_keeps_what_tshark_keeps():
    ins = Inspector("impaired")
    ins.stream_box.value = "2"
    ins.follow_filter_button.click()
    assert ins.filter_text.value == ins.filter_used == "tcp.stream eq 2"
    assert set(ins.numbers.tolist()) == _tshark_frames(sample("impaired"), "tcp.stream eq 2")


def test_a_bad_stream_number_shows_inline_and_the_follow_pane_is_marked_stale():
    ins = Inspector("impaired")
    before = ins.follow_output.value
    for bad, message in [("9", "stream 9: no such TCP stream"), ("x", "'x': a TCP stream")]:
        ins.stream_box.value = bad  # the widget's own event: shown inline, never raised
        assert message in html.unescape(ins.errors.value)
        assert "TCP stream 0 in the Follow pane" in ins.stale.value
        assert ins.follow_output.value == before
    ins.stream_box.value = "3"
    assert ins.errors.value == "" and ins.followed.stream == 3


def test_the_expert_pane_groups_items_and_goes_to_a_frame():
    ins = Inspector("impaired")
    items = expert("impaired")
    heads = [label for label, (g, frame) in ins.expert_list.options if frame == 0]
    frames = [frame for _, (g, frame) in ins.expert_list.options if frame]
    assert len(frames) == len(items)
    assert sum(int(re.search(r"\((\d+)\)$", h).group(1)) for h in heads) == len(items)
    assert heads[0].split()[1] == "warning" and "Sequence" in heads[0]
    ins.apply_filter("udp")  # the frame is hidden: going to it clears the filter
    target = next(v for _, v in ins.expert_list.options if v[1] > 100)
    ins.expert_list.value = target
    assert ins.number == target[1] and ins.packet_list.value == target[1]
    assert ins.filter_used == "" and target[1] in [row.number for row in ins.rows]


def test_a_capture_without_tcp_has_nothing_to_follow():
    ins = Inspector("arp-icmp")
    assert ins.followed is None and "no TCP stream" in ins.follow_output.value
    assert ins.expert_list.options == ()
    with pytest.raises(CaptureError, match="no TCP stream is followed"):
        ins.filter_on_stream()
