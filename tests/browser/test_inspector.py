"""The packet inspector's custom widgets in Chromium, used as a learner uses them: bytes clicked
and hovered, tree rows clicked, the arrow keys in the packet list, a filter typed, and a
10,000-packet capture scrolled to its end. What Python computes for each (the field of a byte,
the packet of a row) is read back from the screen: the bytes pane shows a packet's bytes only
once the kernel has dissected it, and the byte box is set by the kernel alone.
Screenshots go to artifacts/screenshots/widget-inspector-*.png.
"""

from __future__ import annotations

import logging
import re
import time

import pytest
from labdriver import NOTEBOOK_RUN_TIMEOUT_MS
from test_widgets import UPDATE_MS, _shot, widget_cell

from netcourse.packets import COLUMNS, dissect, frame, matching, read_capture
from netcourse.widgets.common import PAUSE

pytestmark = pytest.mark.browser

#: How many row elements the list may hold at once: the rows in view and a few either side.
MAX_ROW_ELEMENTS = 40


def _bytes_shown(output) -> bytes:
    """The bytes the hex pane draws, read from the page."""
    cells = output.locator(".nc-fb-hex .nc-fb-byte").all_inner_texts()
    return bytes(int(text, 16) for text in cells)


def _wait_bytes(output, data: bytes) -> None:
    output.page.wait_for_function(
        "([el, hex]) => Array.from(el.querySelectorAll('.nc-fb-hex .nc-fb-byte'))"
        ".map((b) => b.textContent).join('') === hex",
        arg=[output.element_handle(), data.hex()],
        timeout=UPDATE_MS,
    )


def _lit(output, kind: str = "field") -> list[int]:
    return [
        int(offset)
        for offset in output.locator(f".nc-fb-hex .nc-fb-byte.nc-mark-{kind}").evaluate_all(
            "(cells) => cells.map((c) => c.dataset.offset)"
        )
    ]


def test_bytes_fields_and_arrow_keys_in_the_inspector(lab, lab_page, screenshots):
    from playwright.sync_api import expect

    first, second = dissect(frame("http", 1)), frame("http", 2)
    source = 'from netcourse.widgets.packets import Inspector\nInspector("http")'
    with widget_cell(lab, lab_page, "inspector-component", source) as output:
        page = output.page
        head = output.locator(".nc-plist-head .nc-plist-cell")
        expect(head).to_have_text(list(COLUMNS), timeout=UPDATE_MS)  # Wireshark's columns
        _wait_bytes(output, first.data)
        byte_box = output.locator(".widget-inline-hbox", has=page.locator('label:text-is("byte")'))
        byte_box = byte_box.locator("input").first

        # click a byte: the tree shows the field holding it, selected; the kernel set the box
        output.locator('.nc-fb-hex .nc-fb-byte[data-offset="22"]').click()
        selected = output.locator(".nc-fb-tree .nc-fb-row.nc-fb-selected")
        expect(selected).to_have_text(re.compile(r"^\s*ttl: 64$"), timeout=UPDATE_MS)
        expect(byte_box).to_have_value("22", timeout=UPDATE_MS)
        assert _lit(output) == [22]

        # hover a byte: its field previewed (lightly) and named in the status line
        dst = first["IP"]["dst"]
        output.locator(f'.nc-fb-hex .nc-fb-byte[data-offset="{dst.offset + 1}"]').hover()
        status = output.locator(".nc-fb-status")
        expect(status).to_contain_text("IP.dst", timeout=UPDATE_MS)
        preview = output.locator(".nc-fb-hex .nc-fb-byte.nc-fb-preview")
        expect(preview).to_have_count(dst.length)
        offsets = preview.evaluate_all("(cells) => cells.map((c) => Number(c.dataset.offset))")
        assert offsets == list(range(dst.offset, dst.end))
        expect(output.locator(".nc-fb-tree .nc-fb-row.nc-fb-preview")).to_contain_text("dst:")
        assert _lit(output) == [22], "a hover selects nothing"

        # click a field in the tree: its bytes light up, and the kernel moves the byte box
        sport = first["TCP"]["sport"]
        output.locator(".nc-fb-tree .nc-fb-row", has_text=re.compile(r"^\s*sport:")).click()
        expect(output.locator(".nc-fb-hex .nc-fb-byte.nc-mark-field")).to_have_count(
            sport.length, timeout=UPDATE_MS
        )
        assert _lit(output) == list(range(sport.offset, sport.end))
        expect(byte_box).to_have_value(str(sport.offset), timeout=UPDATE_MS)
        _shot(lab_page, output, screenshots, "inspector-component")

        # ArrowDown in the list: the next packet is selected, and the kernel dissects it
        rows = output.locator(".nc-plist-body")
        output.locator('.nc-plist-row[data-number="1"]').click()
        rows.press("ArrowDown")
        chosen = output.locator(".nc-plist-row.nc-plist-selected")
        expect(chosen).to_have_attribute("data-number", "2", timeout=UPDATE_MS)
        _wait_bytes(output, second)
        rows.press("ArrowDown")
        rows.press("ArrowUp")
        rows.press("ArrowUp")  # back at the first: it stays there
        rows.press("ArrowUp")
        expect(chosen).to_have_attribute("data-number", "1", timeout=UPDATE_MS)
        _wait_bytes(output, first.data)
        assert _bytes_shown(output) == first.data


def test_the_filter_applies_as_it_is_typed_and_a_bad_one_errs_after_the_pause(
    lab, lab_page, screenshots
):
    from playwright.sync_api import expect

    cap = read_capture("impaired")
    typed = "tcp.port == 8001"
    kept = matching(cap, typed).tolist()
    assert 0 < len(kept) < len(cap)
    source = 'from netcourse.widgets.packets import Inspector\nInspector("impaired")'
    with widget_cell(lab, lab_page, "inspector-filter", source) as output:
        box = output.locator(".widget-text input").first
        first_row = output.locator(".nc-plist-row").first
        expect(first_row).to_have_attribute("data-number", "1", timeout=UPDATE_MS)
        box.press_sequentially(typed, delay=40)  # no Enter: applied as it is typed
        expect(first_row).to_have_attribute("data-number", str(kept[0]), timeout=UPDATE_MS)
        numbers = output.locator(".nc-plist-row[data-number]")
        shown = [int(n) for n in numbers.evaluate_all("(r) => r.map((e) => e.dataset.number)")]
        assert shown == kept[: len(shown)] and len(shown) >= min(len(kept), 10)
        expect(output.locator(".netcourse-error")).to_have_count(0)
        box.press_sequentially(" and", delay=40)  # invalid: the error shows after the pause
        typed_at = time.monotonic()  # the kernel sees the last key after this, never before
        error = output.locator(".netcourse-error")
        expect(error).to_contain_text("FilterError", timeout=UPDATE_MS)
        waited = time.monotonic() - typed_at
        assert waited >= PAUSE - 0.05, f"the error showed {waited:.2f} s after the last key"
        expect(output.locator(".nc-plist.nc-plist-stale")).to_have_count(1)  # last valid list
        expect(output.locator(".netcourse-stale")).to_contain_text("still showing")
        assert first_row.get_attribute("data-number") == str(kept[0])
        _shot(lab_page, output, screenshots, "inspector-filter-error")
        box.press_sequentially(" tcp.len > 0", delay=20)
        expect(error).to_have_count(0, timeout=UPDATE_MS)
        expect(output.locator(".nc-plist.nc-plist-stale")).to_have_count(0)
        with_data = matching(cap, typed + " and tcp.len > 0").tolist()
        expect(first_row).to_have_attribute("data-number", str(with_data[0]), timeout=UPDATE_MS)


def test_a_ten_thousand_packet_capture_scrolls_to_its_last_frame(
    lab, lab_page, screenshots, tmp_path
):
    from playwright.sync_api import expect

    logging.getLogger("scapy").setLevel(logging.ERROR)
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether
    from scapy.utils import wrpcap

    frames = [
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src="198.18.0.1", dst="198.18.0.2")
        / UDP(sport=1024 + n % 50_000, dport=53)
        / bytes(n % 251 for n in range(n % 40))
        for n in range(10_000)
    ]
    for n, pkt in enumerate(frames):
        pkt.time = 1_700_000_000 + n / 1000
    path = lab.root / "scratch" / "ten-thousand.pcap"
    path.parent.mkdir(parents=True, exist_ok=True)
    wrpcap(str(path), frames)
    last = bytes(frames[-1])
    source = f"from netcourse.widgets.packets import Inspector\nInspector({str(path)!r})"
    with widget_cell(lab, lab_page, "inspector-big", source) as output:
        body = output.locator(".nc-plist-body")
        expect(output.locator(".nc-plist-row").first).to_have_attribute(
            "data-number", "1", timeout=UPDATE_MS
        )
        for fraction in (0.25, 0.5, 0.75, 1.0):  # drag the scrollbar down in steps
            body.evaluate(
                "(b, f) => { b.scrollTop = (b.scrollHeight - b.clientHeight) * f; }", fraction
            )
            count = output.locator(".nc-plist-row").count()
            assert 0 < count <= MAX_ROW_ELEMENTS, (fraction, count)
        last_row = output.locator('.nc-plist-row[data-number="10000"]')
        expect(last_row).to_be_visible(timeout=UPDATE_MS)  # its window arrived from the kernel
        expect(last_row.locator(".nc-plist-cell.proto")).to_have_text("UDP")
        assert output.locator(".nc-plist-row").count() <= MAX_ROW_ELEMENTS
        box, row = body.bounding_box(), last_row.bounding_box()
        assert box["y"] <= row["y"] and row["y"] + row["height"] <= box["y"] + box["height"] + 1
        last_row.click()
        _wait_bytes(output, last)
        _shot(lab_page, output, screenshots, "inspector-big")
        body.press("Home")  # and back to the first, by key
        expect(output.locator(".nc-plist-row.nc-plist-selected")).to_have_attribute(
            "data-number", "1", timeout=UPDATE_MS
        )
        _wait_bytes(output, bytes(frames[0]))


def test_the_pdu_and_device_views_light_the_same_components_bytes(lab, lab_page, screenshots):
    from playwright.sync_api import expect

    from netcourse.packets import fields_read, spans

    d = dissect(frame("http", 4), http=True)
    segment = next(s for s in spans(d) if s.pdu == "segment")
    router = sorted(i for f in fields_read("router", d) for i in range(f.offset, f.end))
    source = (
        "from netcourse.widgets.layers import LayerInspector\n"
        'view = LayerInspector("http")\nview.inspector.show_packet(4)\nview'
    )
    with widget_cell(lab, lab_page, "layer-inspector", source) as output:
        _wait_bytes(output, d.data)
        menus = output.locator(".widget-dropdown select")
        pdu_menu, device_menu = menus.nth(0), menus.nth(1)
        label = next(t for t in pdu_menu.locator("option").all_inner_texts() if "segment" in t)
        pdu_menu.select_option(label=label)
        lit = output.locator(".nc-fb-hex .nc-fb-byte.nc-mark-field")
        expect(lit).to_have_count(segment.end - segment.start, timeout=UPDATE_MS)
        assert _lit(output) == list(range(segment.start, segment.end))
        device_menu.select_option(label="router")
        expect(lit).to_have_count(len(router), timeout=UPDATE_MS)
        assert _lit(output) == router
        _shot(lab_page, output, screenshots, "layer-inspector-router")
        # a byte clicked in the same pane selects its field again, menus back to none
        output.locator('.nc-fb-hex .nc-fb-byte[data-offset="40"]').click()
        expect(output.locator(".nc-fb-tree .nc-fb-row.nc-fb-selected")).to_have_count(
            1, timeout=UPDATE_MS
        )
        layer, fld = d.field_at(40)
        expect(lit).to_have_count(fld.length, timeout=UPDATE_MS)


@pytest.mark.parametrize(
    "source",
    [
        'from netcourse.widgets.packets import Inspector\nInspector("impaired")',
        'from netcourse.widgets.layers import LayerInspector\nLayerInspector("http")',
        'from netcourse.widgets.layers import PduView\nPduView("http", 4)',
    ],
    ids=["inspector", "layer-inspector", "pdu-view"],
)
def test_the_inspector_fits_every_screen_once_drawn(lab, lab_page, screenshots, source):
    """The lesson layout checks, run once the custom widgets have drawn their rows and bytes
    (they draw after the boxes around them): nothing scrolls sideways, no row wraps, nothing
    is taller than the screen; the list fits its output area and its Info column ends in an
    ellipsis with the full text as its title."""
    from labdriver import SCREEN_SIZES
    from playwright.sync_api import expect

    name = "fit-" + source.split("\n")[1].split("(")[0].lower()
    widget_id = lab_page.open(lab.write_notebook(f"{name}.ipynb", [source]))
    page = lab_page.page
    start = page.viewport_size
    try:
        lab_page.run_all(widget_id, NOTEBOOK_RUN_TIMEOUT_MS)
        output = lab_page.output(widget_id, 0)
        expect(output.locator(".nc-fb-hex .nc-fb-byte").first).to_be_visible(timeout=UPDATE_MS)
        lists = output.locator(".nc-plist-row")
        if "PduView" not in source:
            expect(lists.first).to_be_visible(timeout=UPDATE_MS)
        for size in SCREEN_SIZES:
            lab_page.show_screen(size)
            lab_page.settle()
            findings = lab_page.layout_findings(widget_id, 0)  # the lessons' own layout check
            assert findings == [], (size.name, findings)
            area = output.bounding_box()
            assert area["height"] <= size.height, (size.name, area)
            if "PduView" in source:
                page.screenshot(path=str(screenshots / f"widget-{name}-{size.name}.png"))
                continue
            plist = output.locator(".nc-plist").first.bounding_box()
            assert plist["x"] + plist["width"] <= area["x"] + area["width"] + 1, size.name
            info = output.locator(".nc-plist-row .nc-plist-cell.info").first
            cut = info.evaluate(
                "(el) => [getComputedStyle(el).textOverflow, el.title === el.textContent]"
            )
            assert cut == ["ellipsis", True], size.name
            page.screenshot(path=str(screenshots / f"widget-{name}-{size.name}.png"))
    finally:
        lab_page.close(widget_id)
        lab_page.show_screen(SCREEN_SIZES[1])
        page.set_viewport_size(start)


def test_a_byte_clicked_in_the_pdu_view_picks_the_pdu_whose_header_holds_it(
    lab, lab_page, screenshots
):
    from playwright.sync_api import expect

    from netcourse.packets import pdu_at

    d = dissect(frame("http", 4))
    tcp = pdu_at(d, 40)
    source = 'from netcourse.widgets.layers import PduView\nPduView("http", 4)'
    with widget_cell(lab, lab_page, "pdu-view", source) as output:
        _wait_bytes(output, d.data)
        solid = output.locator(".nc-fb-hex .nc-fb-byte.nc-mark-solid")
        expect(solid).to_have_count(14, timeout=UPDATE_MS)  # Ethernet's header, as built
        output.locator('.nc-fb-hex .nc-fb-byte[data-offset="40"]').click()
        expect(solid).to_have_count(tcp.header_length, timeout=UPDATE_MS)
        assert _lit(output, "solid") == list(range(tcp.start, tcp.header_end))
        assert _lit(output, "light") == list(range(tcp.header_end, tcp.end))
        expect(output.locator(".widget-dropdown select")).to_have_value(re.compile("segment"))
        _shot(lab_page, output, screenshots, "pdu-view")


def test_the_arrow_keys_move_the_packet_not_the_notebooks_cell(lab, lab_page):
    """In command mode JupyterLab moves between cells with the arrow keys; in the list they
    move between packets, and the notebook's active cell stays."""
    from playwright.sync_api import expect

    source = ['from netcourse.widgets.packets import Inspector\nInspector("http")', "1 + 1"]
    widget_id = lab_page.open(lab.write_notebook("inspector-keys.ipynb", source))
    page = lab_page.page
    state = "(id) => [window.__netcourse[id].content.activeCellIndex, window.__netcourse[id]"
    state += ".content.mode]"
    try:
        lab_page.run_all(widget_id, NOTEBOOK_RUN_TIMEOUT_MS)
        output = lab_page.output(widget_id, 0)
        first = output.locator('.nc-plist-row[data-number="1"]')
        expect(first).to_be_visible(timeout=UPDATE_MS)
        page.evaluate(
            "(id) => { const nb = window.__netcourse[id].content;"
            " nb.activeCellIndex = 0; nb.mode = 'command'; }",
            widget_id,
        )
        first.click()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        chosen = output.locator(".nc-plist-row.nc-plist-selected")
        expect(chosen).to_have_attribute("data-number", "3", timeout=UPDATE_MS)
        _wait_bytes(output, frame("http", 3))
        assert page.evaluate(state, widget_id) == [0, "command"]
    finally:
        lab_page.close(widget_id)
