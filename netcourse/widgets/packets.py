"""The packet Inspector: Wireshark's three panes (packet list, layer/field tree, bytes) in a cell,
with Follow TCP Stream and Expert Info below them.

Taught in notebooks/02-osi-layers-and-packets.ipynb. A view only: packets come from
:func:`netcourse.packets.read_capture`, fields and their bytes from
:func:`netcourse.packets.dissect`, filtering from :mod:`netcourse.packets.filters`. The list and
the tree + bytes are custom widgets drawn in the browser (:mod:`netcourse.widgets.packet_view`):
the list has Wireshark's column headers, moves with the arrow keys and draws only the rows in
view, which Python labels a window at a time, so a 10,000-packet capture scrolls smoothly; only
the packet you select is dissected. Click a byte to select its field, hover one to preview it,
click a field to light its bytes. The display filter applies as you type. Rows take the
colours of Wireshark's default colouring rules (:data:`netcourse.style.PACKET_COLOURING_RULES`:
bad TCP in red on black, RST, SYN/FIN, ARP, ICMP, TCP, UDP ...). The Follow pane shows
:func:`netcourse.packets.follow` (client red, server blue, ASCII or hex, gaps as Wireshark
writes them); the Expert pane lists :func:`netcourse.packets.expert` grouped as
Wireshark's dialog does, and choosing an item goes to its frame.

>>> ins = Inspector("http")
>>> ins.filter_text.value = "http"
>>> [row.number for row in ins.rows]
[4, 8]
>>> ins.select_field("IP", "ttl")
>>> ins.selected_bytes
(22, 23)
>>> ins.byte.value = 46
>>> ins.selected_field
('TCP', 'dataofs')
>>> ins
Inspector(http.pcap: 12 packets, filter 'http' keeps 2, packet 4, TCP.dataofs)
>>> ins.followed.client[:3], ins.row_rules
(b'GET', ['HTTP', 'HTTP'])
>>> bad = Inspector("impaired")
>>> bad.go_to_frame(24); bad.number, bad.row_rules[23]
(24, 'Bad TCP')
>>> bad.follow_filter_button.click(); bad.filter_used
'tcp.stream eq 0'
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import ipywidgets as widgets
import numpy as np
from IPython import display as ipython_display

from netcourse.errors import CaptureError, NetcourseError, PacketError
from netcourse.html import Markup, escape
from netcourse.packets import Capture, Dissection, FollowedStream, expert, follow, read_capture
from netcourse.packets.filters import compile_filter, first_matching
from netcourse.packets.follow import DIRECTION_COLOURS
from netcourse.readers import read_int
from netcourse.style import NEUTRALS, PACKET_COLOURING_RULES, PALETTE, TINTS
from netcourse.widgets.common import ErrorBox, StaleNote, guard
from netcourse.widgets.packet_view import FieldBytes, PacketList, osi_label

__all__ = [
    "Inspector",
    "load_capture",
    "osi_label",
    "hex_dump_html",
    "hex_rows",
    "PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "follow_html",
    "expert_summary",
]

#: Rows per page of the packet list.
PAGE_SIZE = 25
#: The most rows a page may have: each row on show is dissected by scapy.
MAX_PAGE_SIZE = 1000

_MAX_STEP = 10**9  # a relative page step stops at the first or last page anyway
_HIGHLIGHT = PALETTE["orange"]  # the selected field's bytes
_LAYER_TINT = TINTS["blue"]  # the rest of the selected field's layer
_MONO = "font-family: monospace; font-size: 12px; line-height: 1.5"
#: A hex row is 16 bytes wide and never wraps; a size smaller than the text's fits it (72
#: characters, 480px) beside the field tree on a laptop screen.
_HEX = "font-family: monospace; font-size: 11px; line-height: 1.5; white-space: pre"


def hex_rows(
    data: bytes,
    decorate: Callable[[int, str, str], tuple[str, str]] | None = None,
    style: str = _HEX,
) -> str:
    """Wireshark's bytes pane as HTML: offset, hex and ASCII columns, 16 bytes a line.

    ``decorate(offset, hex_text, ascii_text)`` returns the two cells of one byte, wrapped in
    whatever markup highlights it; every hex view in the course is built on this.

    >>> html = hex_rows(bytes([65, 66, 0]))
    >>> "0000  41 42 00 " in html, html.endswith(" AB.</pre>")
    (True, True)
    """
    lines = []
    for row in range(0, len(data), 16):
        chunk = data[row : row + 16]
        hex_cells, text_cells = [], []
        for i, byte in enumerate(chunk):
            hx, ch = f"{byte:02x}", escape(chr(byte) if 32 <= byte < 127 else ".")
            if decorate is not None:
                hx, ch = decorate(row + i, hx, ch)
            hex_cells.append(hx + (" " if i != 7 else "  "))
            text_cells.append(ch)
        pad = "   " * (16 - len(chunk)) + (" " if len(chunk) <= 8 else "")
        lines.append(f"{row:04x}  {''.join(hex_cells)}{pad} {''.join(text_cells)}")
    return f'<pre style="{style}">' + "\n".join(lines) + "</pre>"


def hex_dump_html(
    data: bytes, start: int = -1, end: int = -1, tint: tuple[int, int] = (0, 0)
) -> str:
    """Offset, hex and ASCII columns, 16 bytes a line; bytes start..end-1 highlighted.

    >>> hex_dump_html(b"abc", 1, 2).count("<mark")
    1
    """
    selected = f"background:{_HIGHLIGHT};font-weight:bold"

    def decorate(at: int, hx: str, ch: str) -> tuple[str, str]:
        if start <= at < end:  # one <mark> per selected byte, in the hex column
            return (
                f'<mark style="{selected}" data-offset="{at}">{hx}</mark>',
                f'<span class="selected-ascii" style="{selected}">{ch}</span>',
            )
        if tint[0] <= at < tint[1]:
            return (
                f'<span style="background:{_LAYER_TINT}" data-offset="{at}">{hx}</span>',
                f'<span style="background:{_LAYER_TINT}">{ch}</span>',
            )
        return hx, ch

    return hex_rows(data, decorate)


def _chunks_with_gaps(stream: FollowedStream) -> list[tuple[str, bytes | None, str]]:
    """(direction, data or None for a gap, gap text) in capture order, each gap placed where
    its side's bytes stop; consecutive data of one side joined, as Wireshark's window shows it."""
    gaps = {d: sorted((g for g in stream.gaps if g.direction == d), key=lambda g: g.position)
            for d in ("client", "server")}  # fmt: skip
    sent = {"client": 0, "server": 0}
    out: list[tuple[str, bytes | None, str]] = []
    for direction, data in stream.chunks:
        while gaps[direction] and gaps[direction][0].position <= sent[direction]:
            out.append((direction, None, str(gaps[direction].pop(0))))
        if out and out[-1][0] == direction and out[-1][1] is not None:  # one block per turn
            out[-1] = (direction, out[-1][1] + data, "")
        else:
            out.append((direction, data, ""))
        sent[direction] += len(data)
    for direction in ("client", "server"):
        out += [(direction, None, str(gap)) for gap in gaps[direction]]
    return out


def follow_html(stream: FollowedStream, view: str = "ASCII") -> str:
    """Wireshark's Follow TCP Stream window as HTML: the client's bytes red, the server's blue,
    as text (``"ASCII"``) or as a hex dump per chunk (``"hex"``); bytes the capture missed as
    ``[N bytes missing in capture file]``.

    >>> html = follow_html(follow("http", 0))
    >>> html.count('class="netcourse-follow-client"'), html.count('class="netcourse-follow-server"')
    (1, 1)
    """
    parts = []
    for direction, data, gap in _chunks_with_gaps(stream):
        colour = DIRECTION_COLOURS[direction]
        if data is None:
            parts.append(
                Markup('<div class="netcourse-gap" style="color:{};font-style:italic">{}</div>')
                .format(NEUTRALS["muted"], gap)
            )  # fmt: skip
            continue
        if view == "hex":
            body = Markup(hex_rows(data, style=f"{_HEX};margin:0;color:{colour}"))
        else:
            text = "".join(chr(b) if 32 <= b < 127 or b in (9, 10, 13) else "." for b in data)
            wrap = "white-space:pre-wrap;overflow-wrap:anywhere"
            body = Markup('<pre style="{};margin:0;color:{};{}">{}</pre>').format(
                _MONO, colour, wrap, text
            )
        parts.append(
            Markup('<div class="netcourse-follow-{}" title="{}">{}</div>').format(
                direction, direction, body
            )
        )
    ends = (
        f"{stream.client_end[0]}:{stream.client_end[1]} → {stream.server_end[0]}:"
        f"{stream.server_end[1]}: client {len(stream.client)} bytes, server "
        f"{len(stream.server)} bytes, {len(stream.gaps)} gaps"
    )
    head = Markup('<div class="netcourse-follow-head"><b>TCP stream {}</b> {}</div>').format(
        stream.stream, ends
    )
    return str(head + Markup("").join(parts))


def expert_summary(capture: Capture) -> list[tuple[str, str, str, int, list[int]]]:
    """Wireshark's Expert Info dialog, one row per message: (severity, group, summary, count,
    frames), errors and warnings first.

    >>> expert_summary(read_capture("impaired"))[0][:4]
    ('warning', 'Sequence', 'This frame is a (suspected) out-of-order segment', 53)
    """
    order = {"error": 0, "warning": 1, "note": 2, "chat": 3}
    groups: dict[tuple[str, str], list[int]] = {}
    for item in expert(capture):
        summary = item.summary if item.flag != "duplicate_ack" else "Duplicate ACK (#n)"
        groups.setdefault((item.severity, summary), []).append(item.frame)
    rows = [(sev, "Sequence", summary, len(frames), frames)
            for (sev, summary), frames in groups.items()]  # fmt: skip
    return sorted(rows, key=lambda row: (order.get(row[0], 9), -row[3]))


def load_capture(path: str | Path) -> Capture:
    """Open a capture with a progress bar under the cell while it is indexed (long files).

    The bar ends full, labelled with the packet count, so the cell's output is the same on
    every run. Taught in notebooks/02-osi-layers-and-packets.ipynb.
    """
    bar = widgets.IntProgress(value=0, min=0, max=100, description="reading")
    ipython_display.display(bar)

    def update(done: int, total: int) -> None:
        bar.value = int(100 * done / total) if total else 100

    capture = read_capture(path, progress=update)
    bar.value = 100
    bar.description = f"{len(capture)} pkts"
    bar.bar_style = "success"
    return capture


def _frames_of(source: Any) -> list[Any]:
    """Frame bytes or scapy packets (kept as packets: their first layer names the link type)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return [bytes(source)]
    if hasattr(source, "build") and hasattr(source, "fields_desc"):  # a scapy packet
        return [source]
    if isinstance(source, (str, Path)):
        cap = read_capture(source)
        return [cap.frame(n) for n in range(1, len(cap) + 1)]
    raise CaptureError(
        "the inspector shows a sample name, a capture path, bytes, a scapy packet or a list "
        f"of those, not {type(source).__name__}"
    )


def _capture_of(source: Any) -> Capture:
    if isinstance(source, Capture):
        return source
    if isinstance(source, (str, Path)):
        return read_capture(source)
    if isinstance(source, (list, tuple)):
        frames = [data for item in source for data in _frames_of(item)]
        if not frames:
            raise CaptureError("an empty list: give the inspector at least one packet")
        return Capture.from_frames(frames)
    return Capture.from_frames(_frames_of(source))


class Inspector(widgets.VBox):
    """Wireshark's three panes: the packet list, the layer/field tree, the bytes.

    ``source``: a sample name ("http"), a capture path, a Capture, frame bytes, a scapy packet
    built in a cell, or a list of those. Select a field to light up exactly its bytes; click a
    byte (or set the byte control) to select the field that holds that byte. The list scrolls
    through every packet the filter keeps; a *page* (``page_size`` rows) is the window of rows
    around the selection that Python has labelled and sent with the list, and the page buttons
    move the selection a page at a time. ``http=True`` shows an HTTP head's
    start line and header lines as fields (see :func:`netcourse.packets.dissect`).

    A bad filter, packet number, page or byte offset shows its error inline after the pause
    (:data:`netcourse.widgets.common.PAUSE`), a line under it says which view is still on show
    (stale), and the widget keeps working. Called from code, the same
    methods raise that error too. A filter that keeps no packet empties the panes that show
    one packet (the tree, the bytes, the Follow pane).
    """

    def __init__(self, source: Any = "http", page_size: int = PAGE_SIZE, http: bool = True) -> None:
        self.page_size = read_int(
            page_size, what="page size", low=1, high=MAX_PAGE_SIZE, error=CaptureError
        )
        self.capture = _capture_of(source)
        self.http = http
        self.numbers = np.arange(1, len(self.capture) + 1)
        self.page_index = 0
        self.filter_used = ""
        self.number: int | None = None
        self.dissection: Dissection | None = None
        self.selected_field: tuple[str, str] | None = None
        self.selected_bytes: tuple[int, int] | None = None
        self._busy = False

        self.filter_text = widgets.Text(
            value="",
            placeholder="display filter, e.g. tcp.port == 80 and ip.addr == 198.18.0.1",
            description="filter",
            continuous_update=True,  # applied as it is typed; an error waits for the pause
            layout=widgets.Layout(flex="1 1 auto", width="auto", min_width="14em"),
        )
        self.errors = ErrorBox()
        self.stale = StaleNote()
        self.generation = 0
        self.packet_list = PacketList(
            self._row_data,
            lambda at: int(self.numbers[at]),
            rules=[[r.name, r.foreground, r.background] for r in PACKET_COLOURING_RULES],
            layout=widgets.Layout(width="100%"),
        )
        self.packet_list.add_class("netcourse-packet-list")
        self.previous_button = widgets.Button(description="◀ page", layout={"width": "7em"})
        self.next_button = widgets.Button(description="page ▶", layout={"width": "7em"})
        self.status = widgets.HTML(layout={"flex": "0 1 auto", "min_width": "0"})
        self.status.add_class("netcourse-packet-status")
        event = guard(self.errors, stale=self.stale, shown=self._shown)
        self.fields_view = FieldBytes(
            on_byte=event(self.select_byte), layout=widgets.Layout(width="100%")
        )
        self.fields_view.add_class("netcourse-fields")
        self.fields_view.add_class("netcourse-hex")
        self.tree = self.hex = self.fields_view  # one component: the tree and its bytes
        self.byte = widgets.BoundedIntText(value=0, min=0, max=0, description="byte")
        self.byte.layout.width = "12em"
        self.byte.layout.flex = "0 0 auto"
        self.detail = widgets.HTML(layout={"flex": "1 1 0%", "min_width": "0"})

        self.filter_text.observe(event(self._on_filter), "value")
        self.packet_list.observe(event(self._on_packet), "value")
        self.tree.observe(event(self._on_tree), "value")
        self.byte.observe(event(self._on_byte), "value")
        self.previous_button.on_click(event(lambda _b: self.go_to_page(-1, relative=True)))
        self.next_button.on_click(event(lambda _b: self.go_to_page(1, relative=True)))
        # while an error is on show, the list and the panes say they are the last valid result
        self.stale.observe(self._grey, "value")

        self._scope = f"netcourse-packets-{id(self):x}"
        self.row_rules: list[str] = []  #: the colouring rule of each row on the page ("" none)
        self._rule_of: np.ndarray | None = None
        self._stream_of: dict[int, int] | None = None

        # Follow TCP Stream
        self.followed: FollowedStream | None = None
        self.stream_box = widgets.Text(
            value="0", description="stream", continuous_update=False, layout={"width": "12em"}
        )
        self.follow_view = widgets.ToggleButtons(options=["ASCII", "hex"], value="ASCII")
        self.follow_view.style.button_width = "5em"
        self.follow_filter_button = widgets.Button(
            description="filter on this stream", layout={"width": "13em"}
        )
        self.follow_output = widgets.HTML(layout={"max_height": "8em", "overflow": "auto"})
        self.follow_output.add_class("netcourse-follow-pane")

        # Expert Info
        self.expert_head = widgets.HTML()
        self.expert_list = widgets.Select(options=[], rows=6, layout={"width": "auto"})
        self.expert_list.add_class("netcourse-expert-list")

        self.stream_box.observe(event(self._on_stream), "value")
        self.follow_view.observe(event(lambda _c: self._render_follow()), "value")
        self.follow_filter_button.on_click(event(lambda _b: self.filter_on_stream()))
        self.expert_list.observe(event(self._on_expert), "value")

        top = widgets.HBox(
            [self.filter_text, self.previous_button, self.next_button, self.status],
            layout={"align_items": "center"},
        )
        below = widgets.HBox([self.byte, self.detail], layout={"align_items": "center"})
        follow_pane = widgets.VBox(
            [
                widgets.HBox([self.stream_box, self.follow_view, self.follow_filter_button]),
                self.follow_output,
            ]
        )
        expert_pane = widgets.VBox([self.expert_head, self.expert_list])
        self.panes = widgets.Tab(
            children=[follow_pane, expert_pane], titles=("Follow TCP Stream", "Expert Info")
        )
        super().__init__(
            [top, self.errors, self.stale, self.packet_list, self.fields_view, below, self.panes]
        )
        self.add_class(self._scope)
        self.apply_filter()
        self._fill_expert()
        streams = self.capture.tcp_context.segments.streams if len(self.capture) else 0
        if streams:
            self.follow_stream(0)
        else:
            self.follow_output.value = "<i>this capture holds no TCP stream to follow</i>"

    # --- errors: inline, with what is still on show marked stale ------------------------------

    def _shown(self) -> str:
        """The view on show, for the stale note (a filter that kept nothing included)."""
        where = f"page {self.page_index + 1} of {self.pages}"
        if self.number is not None:
            where = f"packet {self.number} on {where}"
        if self.filter_used.strip():
            keeps = "" if len(self.numbers) else ", which keeps no packet"
            where += f" (filter {self.filter_used!r}{keeps})"
        if getattr(self, "followed", None) is not None:
            where += f"; TCP stream {self.followed.stream} in the Follow pane"
        return where

    def _mark(self) -> None:
        self.stale.mark(self._shown())

    def _grey(self, change: Any) -> None:
        stale = bool(change["new"])
        self.packet_list.stale = self.fields_view.stale = stale

    def _fail(self, exc: NetcourseError) -> NoReturn:
        """Show a learner's bad value inline (after the pause), then mark the view on show
        stale; raise it for code (an observer's guard catches it)."""
        self.errors.show_later(exc, then=self._mark)
        raise exc

    def _ok(self) -> None:
        """A valid request: clear the error line and the stale note."""
        self.errors.clear()
        self.stale.clear()

    # --- the packet list ---------------------------------------------------------------------

    @property
    def pages(self) -> int:
        """How many pages the (filtered) packet list has."""
        return max(1, -(-len(self.numbers) // self.page_size))

    @property
    def rows(self) -> list:
        """The PacketRow entries on the current page."""
        chunk = self.numbers[
            self.page_index * self.page_size : (self.page_index + 1) * self.page_size
        ]
        return [self.capture[int(n) - 1] for n in chunk]

    def _on_filter(self, _change: Any) -> None:
        if not self._busy:
            self.apply_filter()

    def apply_filter(self, text: str | None = None) -> None:
        """Keep only the packets a display filter matches (a bad filter raises FilterError)."""
        text = self.filter_text.value if text is None else text
        try:
            flt = compile_filter(text)
        except NetcourseError as exc:
            self._fail(exc)
        self._ok()
        if text != self.filter_text.value:
            self._busy = True  # the box shows the filter in use; its observer has nothing to do
            try:
                self.filter_text.value = text
            finally:
                self._busy = False
        mask = flt.mask(self.capture.columns, self.capture.lengths, capture=self.capture)
        numbers = np.flatnonzero(mask) + 1
        if not np.array_equal(numbers, self.numbers):
            self.generation += 1  # another list: the browser forgets the rows it had
        self.numbers = numbers
        self.filter_used = text
        self.go_to_page(0)

    def go_to_page(self, page: int, relative: bool = False, select: int | None = None) -> None:
        """Show a page of the packet list: ``page`` counts from 0, or is a step when
        ``relative`` (a step past either end stops there); its first packet is shown, or
        packet ``select`` when it is on that page."""
        try:
            if relative:
                step = read_int(
                    page, what="page step", low=-_MAX_STEP, high=_MAX_STEP, error=CaptureError
                )
                target = min(max(self.page_index + step, 0), self.pages - 1)
            else:
                target = read_int(
                    page,
                    what="page (pages count from 0)",
                    high=self.pages - 1,
                    error=CaptureError,
                )
        except NetcourseError as exc:
            self._fail(exc)
        self._ok()
        self.page_index = target
        rows = self.rows
        numbers = [row.number for row in rows]
        chosen = select if select in numbers else (numbers[0] if numbers else None)
        first = self.page_index * self.page_size
        self._busy = True
        try:
            with self.packet_list.hold_sync():
                self.packet_list.generation = self.generation
                self.packet_list.total = len(self.numbers)
                self.packet_list.window = {
                    "start": first,
                    "rows": [self._row_list(row) for row in rows],
                    "generation": self.generation,
                }
                self.packet_list.position = first + numbers.index(chosen) if rows else -1
                self.packet_list.value = chosen
        finally:
            self._busy = False
        self.row_rules = [self._rule_name(row.number) for row in rows]
        total = len(self.capture)
        kept = f", filter keeps {len(self.numbers)}" if self.filter_used.strip() else ""
        self.status.value = (
            f"<span>page {self.page_index + 1} of {self.pages} ({total} packets{kept})</span>"
        )
        self.previous_button.disabled = self.page_index == 0
        self.next_button.disabled = self.page_index >= self.pages - 1
        if chosen is not None:
            self.show_packet(chosen)
        else:
            self._clear_packet()
            self.followed = None  # the stream of a packet no longer on show: not shown either
            self.follow_output.value = "<i>no packet matches this filter: no stream followed</i>"

    def _rule(self, number: int) -> int:
        """The index of the first of Wireshark's colouring rules packet ``number`` matches, or
        -1 (all rules are matched once, over the whole capture, when first needed)."""
        if self._rule_of is None:
            texts = [rule.filter for rule in PACKET_COLOURING_RULES]
            self._rule_of = first_matching(self.capture, texts) if len(self.capture) else None
        return int(self._rule_of[number - 1]) if self._rule_of is not None else -1

    def _rule_name(self, number: int) -> str:
        k = self._rule(number)
        return PACKET_COLOURING_RULES[k].name if k >= 0 else ""

    def _row_list(self, row) -> list:
        """One row as the browser's list draws it (see PacketList)."""
        return [row.number, f"{row.time:.6f}", row.source, row.destination, row.protocol,
                row.length, row.info, self._rule(row.number), row.malformed]  # fmt: skip

    def _row_data(self, start: int, stop: int) -> list[list]:
        """Rows ``start..stop-1`` of the (filtered) list, labelled by the model's lazy rows."""
        return [self._row_list(self.capture[int(n) - 1]) for n in self.numbers[start:stop]]

    def _on_packet(self, change) -> None:
        if not self._busy and change["new"] is not None:
            self.show_packet(int(change["new"]))

    # --- one packet: tree and bytes ----------------------------------------------------------

    def show_packet(self, number: int) -> None:
        """Dissect packet ``number`` (1-based, like Wireshark's No.) and show its tree and bytes."""
        try:
            if not len(self.capture):
                raise CaptureError("this capture has no packets to show")
            number = read_int(
                number, what="packet number", low=1, high=len(self.capture), error=CaptureError
            )
        except NetcourseError as exc:
            self._fail(exc)
        self._ok()
        at = int(np.searchsorted(self.numbers, number))
        kept = at < len(self.numbers) and int(self.numbers[at]) == number
        if kept and at // self.page_size != self.page_index:  # the page follows the selection
            self.go_to_page(at // self.page_size, select=number)
            return
        if self.packet_list.value != number:  # asked from code: its row is the one lit
            self._busy = True
            try:  # a packet the filter hides has no row to light
                with self.packet_list.hold_sync():
                    self.packet_list.position = at if kept else -1
                    self.packet_list.value = number if kept else None
            finally:
                self._busy = False
        self.number = number
        self._follow_packet(number)
        try:
            self.dissection = self.capture.dissect(self.number, http=self.http)
        except PacketError as exc:  # a frame too short to dissect: say so, keep the list
            self._clear_packet(f"packet {number}: {exc}")  # a property of the frame, not
            self.number = number  # a bad input: said in the detail pane, no error line
            return
        self._busy = True
        try:
            self.fields_view.show(self.dissection)
            self.byte.max = max(len(self.dissection.data) - 1, 0)
        finally:
            self._busy = False
        first = self.dissection.layers[0] if self.dissection.layers else None
        if first is not None and first.fields:
            self._select(0, 0)
        else:
            self._render()

    def _clear_packet(self, why: str = "no packet matches this filter") -> None:
        self.number = self.dissection = self.selected_field = self.selected_bytes = None
        self._busy = True
        try:
            self.fields_view.clear(why)
        finally:
            self._busy = False
        self.detail.value = f"<i>{escape(why)}</i>"

    def select_field(self, layer: str, name: str) -> None:
        """Select a field by layer and field name: its bytes light up in the dump."""
        d = self._need_packet()
        for li, lay in enumerate(d.layers):
            if lay.name == layer:
                for fi, fld in enumerate(lay.fields):
                    if fld.name == name:
                        self._ok()
                        self._select(li, fi)
                        return
        try:
            d[layer][name]  # raises PacketError naming the layers / fields there are
        except NetcourseError as exc:
            self._fail(exc)

    def select_byte(self, offset: int) -> None:
        """Select the field holding byte ``offset`` of the frame (0 is the first byte)."""
        d = self._need_packet()
        try:
            where = read_int(offset, what="byte offset", high=len(d.data) - 1, error=PacketError)
        except NetcourseError as exc:
            self._fail(exc)
        self._ok()
        self._busy = True
        try:
            self.byte.value = where
        finally:
            self._busy = False
        self._select_offset(where)

    def _need_packet(self) -> Dissection:
        if self.dissection is None:
            self._fail(CaptureError("no packet is selected (does the filter keep any?)"))
        return self.dissection

    def _on_tree(self, change) -> None:
        if self._busy or change["new"] is None:
            return
        li, fi = change["new"]
        if li >= 0:
            self._select(li, fi, move_byte=True)

    def _on_byte(self, change) -> None:
        if not self._busy:
            self._select_offset(int(change["new"]))

    def _select_offset(self, offset: int) -> None:
        found = self._need_packet().field_at(offset)
        if found is None:
            self.selected_field, self.selected_bytes = None, None
            self._render()
            return
        layer, fld = found
        li = self.dissection.layers.index(layer)
        self._select(li, layer.fields.index(fld), move_byte=False)

    def _select(self, li: int, fi: int, move_byte: bool = True) -> None:
        d = self._need_packet()
        layer = d.layers[li]
        if fi < 0:
            self.selected_field = (layer.name, "")
            self.selected_bytes = (layer.offset, layer.end)
        else:
            fld = layer.fields[fi]
            self.selected_field = (layer.name, fld.name)
            self.selected_bytes = (fld.offset, fld.end)
        self._busy = True
        try:
            self.tree.value = (li, fi)
            if move_byte and self.selected_bytes[1] > self.selected_bytes[0]:
                self.byte.value = self.selected_bytes[0]
        finally:
            self._busy = False
        self._render()

    def _render(self) -> None:
        d = self.dissection
        if d is None:
            return
        start, end = self.selected_bytes or (-1, -1)
        tint = (0, 0)
        text = f"packet {self.number}: {len(d.data)} bytes, {escape(d.summary)}"
        if self.selected_field is not None:
            layer = d[self.selected_field[0]]
            tint = (layer.offset, layer.end)
            if self.selected_field[1]:
                fld = layer[self.selected_field[1]]
                where = (
                    f"byte {fld.offset}" if fld.length == 1 else f"bytes {fld.offset}-{fld.end - 1}"
                )
                bits = ""
                if fld.is_bits:
                    first = fld.bit_offset - fld.offset * 8
                    bits = f", bits {first}-{first + fld.bit_length - 1} of those"
                raw = fld.raw.hex(" ") if isinstance(fld.raw, bytes) else fld.raw
                text = (
                    f"<b>{escape(layer.name)}.{escape(fld.name)}</b> = {escape(fld.value)} "
                    f"(on the wire: {escape(str(raw)[:80])}), {where}{bits}"
                )
            else:
                text = (
                    f"<b>{escape(layer.name)}</b> ({osi_label(layer.name)}) header: "
                    f"bytes {layer.offset}-{layer.end - 1}"
                )
        self.detail.value = f'<div style="{_MONO}">{text}</div>'
        self.fields_view.marks = [[*tint, "layer"], [start, end, "field"]]

    # --- Follow TCP Stream -------------------------------------------------------------------

    def _follow_packet(self, number: int) -> None:
        """Follow the stream of the selected packet when it is a TCP one."""
        if self._stream_of is None:
            segs = self.capture.tcp_context.segments
            self._stream_of = dict(zip(segs.frame.tolist(), segs.stream.tolist()))
        stream = self._stream_of.get(number)
        if stream is not None and (self.followed is None or self.followed.stream != stream):
            self.follow_stream(stream)

    def _on_stream(self, change) -> None:
        if not self._busy:
            self.follow_stream(change["new"])

    def follow_stream(self, stream: int | str) -> None:
        """Show TCP stream ``stream`` (Wireshark's tcp.stream) in the Follow pane; a bad
        number shows its error inline and marks the stream on show as stale."""
        try:
            number = read_int(stream, what="TCP stream number", error=CaptureError)
            followed = follow(self.capture, number)
        except NetcourseError as exc:
            self._fail(exc)
        self._ok()
        self.followed = followed
        self._busy = True
        try:
            self.stream_box.value = str(number)
        finally:
            self._busy = False
        self._render_follow()

    def _render_follow(self) -> None:
        if self.followed is not None:
            self.follow_output.value = follow_html(self.followed, self.follow_view.value)

    def filter_on_stream(self) -> None:
        """Wireshark's "Filter on this stream": the display filter ``tcp.stream eq N``."""
        if self.followed is None:
            self._fail(CaptureError("no TCP stream is followed: this capture holds none"))
        self.apply_filter(f"tcp.stream eq {self.followed.stream}")

    # --- Expert Info -------------------------------------------------------------------------

    def _fill_expert(self) -> None:
        rows = expert_summary(self.capture)
        options: list[tuple[str, tuple[int, int]]] = []
        for g, (severity, group, summary, count, frames) in enumerate(rows):
            options.append((f"▾ {severity:<8} {group:<9} {summary}  ({count})", (g, 0)))
            options += [(f"      frame {frame}", (g, frame)) for frame in frames]
        self._busy = True
        try:
            self.expert_list.options = options
            self.expert_list.value = None
        finally:
            self._busy = False
        total = sum(row[3] for row in rows)
        self.expert_head.value = (
            f'<div style="{_MONO}"><b>{total} expert items</b> in {len(rows)} groups: '
            "severity, group, summary (count); choose a frame to go to it</div>"
        )

    def _on_expert(self, change) -> None:
        if not self._busy and change["new"] is not None and change["new"][1] > 0:
            self.go_to_frame(change["new"][1])

    def go_to_frame(self, number: int) -> None:
        """Select packet ``number`` in the list, turning to its page (and clearing a filter
        that hides it, as Wireshark's Go to Packet cannot show a hidden one)."""
        try:
            number = read_int(number, what="packet number", low=1, high=len(self.capture),
                              error=CaptureError)  # fmt: skip
        except NetcourseError as exc:
            self._fail(exc)
        if number not in set(self.numbers.tolist()):
            self.apply_filter("")
        position = int(np.searchsorted(self.numbers, number))
        self.go_to_page(position // self.page_size, select=number)

    def __repr__(self) -> str:
        name = self.capture.path.name
        kept = (
            f", filter {self.filter_used!r} keeps {len(self.numbers)}"
            if self.filter_used.strip()
            else ""
        )
        packet = f", packet {self.number}" if self.number is not None else ", no packet"
        field = ""
        if self.selected_field and self.selected_field[1]:
            field = f", {self.selected_field[0]}.{self.selected_field[1]}"
        return f"Inspector({name}: {len(self.capture)} packets{kept}{packet}{field})"
