"""The inspector's custom widgets (netcourse.widgets.packet_view), driven headless through the
traits and messages the browser sends: windows of rows asked for while scrolling, rows and
bytes clicked, tree rows chosen, the filter typed a key at a time. What the browser draws from
these is checked in Chromium (tests/browser/test_inspector.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from netcourse.errors import FilterError
from netcourse.packets import dissect, frame, matching, read_capture, sample
from netcourse.packets.synthetic import synthetic_traffic, write_capture
from netcourse.widgets.common import PAUSE
from netcourse.widgets.packet_view import MAX_WINDOW, FieldBytes, PacketList
from netcourse.widgets.packets import Inspector

ROOT = Path(__file__).resolve().parents[2]


class Browser:
    """What the browser side of one widget receives: the custom messages sent to it."""

    def __init__(self, widget):
        self.sent: list[dict] = []
        widget.send = lambda content, buffers=None: self.sent.append(content)
        self.widget = widget

    def ask(self, **content) -> dict | None:
        """Send a message as the browser does and return the answer (None for none)."""
        before = len(self.sent)
        self.widget._handle_custom_msg(content, [])
        return self.sent[-1] if len(self.sent) > before else None


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    frames, times = synthetic_traffic(10_000, seed=5)
    return write_capture(tmp_path_factory.mktemp("big") / "big.pcap", frames, times)


def _expected(path, numbers) -> list[tuple]:
    """The model's own rows for these packet numbers, read from a fresh capture."""
    cap = read_capture(path)
    return [
        (r.number, f"{r.time:.6f}", r.source, r.destination, r.protocol, r.length, r.info)
        for r in (cap[n - 1] for n in numbers)
    ]


def test_a_window_of_rows_is_sent_on_demand_and_only_it_is_labelled(big):
    ins = Inspector(big)
    assert ins.packet_list.total == 10_000
    assert len(ins.packet_list.rows_on_hand) == ins.page_size  # sent with the list
    assert len(ins.capture._rows) <= ins.page_size  # and only those labelled
    browser = Browser(ins.packet_list)
    answer = browser.ask(kind="rows", start=9_900, stop=10_000, generation=ins.generation)
    assert answer["start"] == 9_900 and len(answer["rows"]) == 100
    assert [tuple(r[:7]) for r in answer["rows"]] == _expected(big, range(9_901, 10_001))
    assert len(ins.capture._rows) <= ins.page_size + 100
    huge = browser.ask(kind="rows", start=0, stop=10_000, generation=ins.generation)
    assert len(huge["rows"]) == MAX_WINDOW  # never the whole capture in one message
    end = browser.ask(kind="rows", start=9_990, stop=20_000, generation=ins.generation)
    assert [r[0] for r in end["rows"]] == list(range(9_991, 10_001))  # clipped to the list
    assert browser.ask(kind="rows", start=0, stop=5, generation=ins.generation - 1) is None


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
def test_the_rows_sent_after_a_filter_are_those_tshark_keeps():
    text = "tcp.analysis.retransmission or tcp.analysis.duplicate_ack"
    out = subprocess.run(
        ["tshark", "-r", str(sample("impaired")), "-Y", text, "-T", "fields", "-e", "frame.number"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    kept = [int(n) for n in out.split()]
    ins = Inspector("impaired")
    before = ins.generation
    ins.filter_text.set_state({"value": text})
    assert ins.generation == before + 1 and ins.packet_list.generation == ins.generation
    assert ins.packet_list.total == len(kept) > 0
    answer = Browser(ins.packet_list).ask(
        kind="rows", start=0, stop=len(kept), generation=ins.generation
    )
    assert [r[0] for r in answer["rows"]] == kept
    ins.filter_text.set_state({"value": f"({text})"})  # the same list: the rows stay valid
    assert ins.packet_list.generation == before + 1


def test_a_row_chosen_in_the_browser_selects_its_packet():
    ins = Inspector("http")
    ins.packet_list.set_state({"value": 7, "position": 6})  # a click, or ArrowDown from 6
    assert ins.number == 7 and ins.hex.data == frame("http", 7)
    assert ins.dissection.data == frame("http", 7) and ins.errors.value == ""
    Browser(ins.packet_list).ask(kind="select", position=10, generation=ins.generation)
    assert (ins.packet_list.value, ins.number) == (11, 11)  # a row not loaded yet: by position
    ins.filter_text.set_state({"value": "http"})
    assert ins.packet_list.value == 4 and ins.packet_list.position == 0
    ins.packet_list.set_state({"value": 8, "position": 1})
    assert ins.number == 8 and ins.followed.stream == 0


def test_code_that_selects_a_packet_moves_the_lists_selection_and_window(big):
    ins = Inspector(big)
    ins.show_packet(5_001)
    assert (ins.packet_list.value, ins.packet_list.position) == (5_001, 5_000)
    window = ins.packet_list.window
    assert window["start"] <= 5_000 < window["start"] + len(window["rows"])
    assert window["generation"] == ins.packet_list.generation


def test_a_byte_clicked_selects_the_field_holding_it():
    ins = Inspector("http")
    ins.show_packet(4)
    d = dissect(frame("http", 4), http=True)
    browser = Browser(ins.fields_view)
    for offset in (0, 13, 22, 40, 70, 120, 165):
        browser.ask(kind="byte", offset=offset)
        layer, fld = d.field_at(offset)
        assert ins.selected_field == (layer.name, fld.name) and ins.byte.value == offset
        assert ins.hex.lit == list(range(fld.offset, fld.end))
        assert ins.tree.value == (d.layers.index(layer), layer.fields.index(fld))
    browser.ask(kind="byte", offset="nonsense")  # never raised at the page: shown inline
    assert "PacketError" in ins.errors.value


def test_each_byte_names_the_tree_row_of_its_field_for_the_hover_preview():
    d = dissect(frame("vlan", 3))
    view = FieldBytes()
    view.show(d)
    assert len(view.owner) == len(d.data)
    for offset, row in enumerate(view.owner):
        layer, fld = d.field_at(offset)
        label, li, fi, start, end, name = view.fields[row]
        assert (d.layers[li].name, d.layers[li].fields[fi].name) == (layer.name, fld.name)
        assert (start, end, name) == (fld.offset, fld.end, f"{layer.name}.{fld.name}")
        assert label.strip().startswith(f"{fld.name}:")


def test_a_tree_row_chosen_in_the_browser_lights_its_bytes_and_its_layer():
    ins = Inspector("http")
    ttl = next(v for label, v in ins.tree.options if label.strip().startswith("ttl:"))
    ins.tree.set_state({"value": list(ttl)})  # JSON has no tuples: the browser sends a list
    assert ins.selected_field == ("IP", "ttl") and ins.tree.value == ttl
    ip = ins.dissection["IP"]
    assert ins.hex.marks == [[ip.offset, ip.end, "layer"], [22, 23, "field"]]
    header = next(v for label, v in ins.tree.options if "TCP:" in label)
    ins.tree.set_state({"value": list(header)})  # a layer's heading: the whole header lit
    tcp = ins.dissection["TCP"]
    assert ins.hex.lit == list(range(tcp.offset, tcp.end))


def test_the_filter_applies_as_it_is_typed_and_an_error_waits_for_the_pause(clock):
    ins = Inspector("impaired")
    cap = read_capture("impaired")
    assert ins.filter_text.continuous_update  # the browser sends every keystroke
    typed, shown = "tcp.port == 8001", len(cap)
    for end in range(1, len(typed) + 1):
        ins.filter_text.set_state({"value": typed[:end]})
        clock.advance(PAUSE / 5)
        assert ins.errors.value == "", f"an error flashed at {typed[:end]!r}"
        try:  # a valid prefix is applied at once; an invalid one leaves the last valid list
            shown = len(matching(cap, typed[:end]))
        except FilterError:
            pass
        assert ins.packet_list.total == shown, typed[:end]
    assert 0 < shown < len(cap)
    ins.filter_text.set_state({"value": typed + " and"})
    assert not ins.packet_list.stale and not ins.fields_view.stale
    clock.advance(PAUSE)
    assert "FilterError" in ins.errors.value
    assert ins.packet_list.stale and ins.fields_view.stale  # the last valid list, greyed
    assert ins.packet_list.total == shown
    ins.filter_text.set_state({"value": typed + " and tcp.len > 0"})
    assert ins.errors.value == "" and not ins.packet_list.stale and not ins.fields_view.stale
    assert ins.packet_list.total == len(matching(cap, typed + " and tcp.len > 0"))


def test_a_list_built_without_an_owner_answers_only_its_own_generation():
    rows = [[n, "0.0", "a", "b", "UDP", 60, "x", -1, False] for n in range(1, 11)]
    plist = PacketList(lambda start, stop: rows[start:stop], lambda at: rows[at][0])
    plist.total, plist.generation = 10, 3
    browser = Browser(plist)
    assert browser.ask(kind="rows", start=0, stop=4, generation=2) is None
    assert browser.ask(kind="rows", start=8, stop=12, generation=3)["rows"] == rows[8:10]
    assert browser.ask(kind="nonsense", generation=3) is None
    browser.ask(kind="select", position=9, generation=3)
    assert (plist.value, plist.position) == (10, 9)


def test_the_browser_modules_are_package_data_and_import_nothing():
    static = ROOT / "netcourse" / "widgets" / "static"
    for name in ("packet_list.js", "field_bytes.js", "packet_view.css"):
        text = (static / name).read_text()
        assert "import " not in text.replace("No imports", "") and "http" not in text, name
    for cls in (PacketList, FieldBytes):
        assert "export default" in str(cls._esm) and ".nc-plist" in str(cls._css)


def test_a_row_chosen_on_another_page_turns_the_page_with_it(big):
    ins = Inspector(big)
    ins.packet_list.set_state({"value": 2_600, "position": 2_599})  # scrolled down, clicked
    assert ins.number == 2_600 and ins.page_index == 2_599 // ins.page_size
    assert 2_600 in [row.number for row in ins.rows]
    assert ins.packet_list.window["start"] == ins.page_index * ins.page_size
