"""Widgets for the OSI lesson: a switch stepper, and a PDU highlighter beside the layer table.

Taught in notebooks/02-osi-layers-and-packets.ipynb. Views only: every decision comes from
:class:`netcourse.switch.Lan` / :class:`netcourse.switch.Switch` and every span from
:func:`netcourse.packets.spans`; errors show inline and the widget keeps working.

>>> stepper = SwitchStepper()
>>> [step.what for step in stepper.step("A", "B", "ping")][:2]
['ARP request', 'ARP reply']
>>> stepper
SwitchStepper(4 ports, hosts A B C D, 4 frames sent, 2 MACs learned)
>>> stepper.step("A", "Z"), "no such host" in stepper.errors.value  # shown inline
((), True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets

from netcourse import layers
from netcourse.errors import PacketError, quote
from netcourse.html import Cell, Markup, table
from netcourse.packets import as_dissection, pdus
from netcourse.style import LAYER_COLOURS, NEUTRALS, PALETTE, SWITCH_ACTION_COLOURS
from netcourse.switch import Lan, LanStep
from netcourse.widgets.common import ErrorBox, StaleNote, guard, prose_lines
from netcourse.widgets.packet_view import FieldBytes
from netcourse.widgets.packets import Inspector, hex_rows

__all__ = ["SwitchStepper", "PduView", "LayerInspector", "layer_table_html", "marked_hex_html"]

#: How many of the latest frames the stepper lists.
HISTORY = 10

#: Where the last frame came in, on the switch picture.
IN_PORT_COLOUR = PALETTE["blue"]
#: The bytes a device reads, marked in the hex view.
MARK_COLOUR = PALETTE["orange"]


class SwitchStepper(widgets.VBox):
    """Send frames (or pings) between hosts; watch the forwarding table fill and flooding stop.

    ``ports`` maps switch ports to VLANs (``{1: 10, 2: 10, 3: 20, 4: 20}`` splits the LAN in
    two broadcast domains); by default every port is in VLAN 1.
    """

    def __init__(self, ports: Mapping[int, Any] | None = None, lan: Lan | None = None) -> None:
        if lan is not None and not isinstance(lan, Lan):
            raise TypeError(f"lan: expected a netcourse.switch.Lan, got {type(lan).__name__}")
        self.lan = lan if lan is not None else Lan(ports=ports)
        names = list(self.lan.hosts)
        self.sender = widgets.Dropdown(options=names, value=names[0], description="from")
        others = names[1:] + names[:1]
        self.receiver = widgets.Dropdown(
            options=[*names, "broadcast"], value=others[0], description="to"
        )
        self.kind = widgets.ToggleButtons(
            options=[("one frame", "frame"), ("ping (ARP first)", "ping")],
            value="frame",
            description="send",
        )
        self.send_button = widgets.Button(description="send", button_style="primary")
        self.reset_button = widgets.Button(description="reset")
        self.errors = ErrorBox()
        self.stale = StaleNote()
        self.picture = widgets.HTML()
        self.tables = widgets.HTML()
        self.history = widgets.HTML()
        self._last: tuple[LanStep, ...] = ()
        self._send = guard(self.errors, stale=self.stale, shown=self._shown)(self._send_now)
        self.send_button.on_click(
            lambda _button: self.step(self.sender.value, self.receiver.value, self.kind.value)
        )
        self.reset_button.on_click(guard(self.errors, stale=self.stale)(lambda _b: self.reset()))
        controls = widgets.HBox([self.sender, self.receiver, self.send_button, self.reset_button])
        super().__init__(
            [self.kind, controls, self.errors, self.stale, self.picture, self.tables, self.history],
        )
        self._render()

    def step(self, sender: str, receiver: str, kind: str = "frame") -> tuple[LanStep, ...]:
        """Send one frame (``kind="frame"``) or a ping with its ARP exchange; the steps.

        Bad values (an unknown host, a ping to 'broadcast') show inline and send nothing: the
        picture says it still shows the last send, and the result is ``()``.
        """
        steps = self._send(sender, receiver, kind)
        return () if steps is None else steps

    def _shown(self) -> str | None:
        return f"the last send ({self._last[-1].what})" if self._last else None

    def _send_now(self, sender: str, receiver: str, kind: str) -> tuple[LanStep, ...]:
        if kind == "ping":
            if receiver == "broadcast":
                raise PacketError("ping needs one host to answer, not 'broadcast'")
            steps = self.lan.ping(sender, receiver)
        elif kind == "frame":
            steps = (self.lan.frame(sender, receiver),)
        else:
            raise PacketError(f"{quote(kind)}: expected 'frame' or 'ping'")
        self._last = steps
        self._render()
        return steps

    def reset(self) -> None:
        """Forget everything the switch and the hosts learned."""
        self.lan.reset()
        self._last = ()
        self._render()

    def __repr__(self) -> str:
        return (
            f"SwitchStepper({len(self.lan.switch.ports)} ports, hosts {' '.join(self.lan.hosts)}, "
            f"{len(self.lan.steps)} frames sent, {len(self.lan.switch.table)} MACs learned)"
        )

    # --- drawing ---------------------------------------------------------------------------

    def _render(self) -> None:
        self.picture.value = self._picture()
        fdb = self.lan.switch.table._repr_html_()
        arp_rows = []
        for name, host in self.lan.hosts.items():
            entries = self.lan.arp_table(name).entries
            cells = [(e.ip, Markup("<code>{}</code>").format(e.mac)) for e in entries]
            for i, (ip, mac) in enumerate(cells or [(Markup("<i>empty</i>"), "")]):
                who = Markup("<b>{}</b> ({})").format(name, host.ip) if i == 0 else ""
                arp_rows.append((who, ip, mac))
        arps = table(arp_rows, header=("host", "IP", "MAC"), cls="netcourse-arp")
        self.tables.value = Markup(
            '<div style="display:flex;gap:3em;align-items:flex-start">'
            "<div><b>switch: forwarding table</b> (MAC &rarr; port)<br>{}</div>"
            "<div><b>hosts: ARP tables</b> (IP &rarr; MAC)<br>{}</div></div>"
        ).format(Markup(fdb), arps)
        recent = self.lan.steps[-HISTORY:]
        first = len(self.lan.steps) - len(recent) + 1
        item = Markup(
            '<li><span style="color:{}"><b>{}</b>: {}</span> &mdash; {}; received by {}</li>'
        )
        items = Markup("").join(
            item.format(
                SWITCH_ACTION_COLOURS[s.decision.action],
                s.what,
                s.decision.action,
                s.decision.reason,
                ", ".join(s.delivered_to) or "nobody",
            )
            for s in recent
        )
        self.history.value = (
            Markup('<ol start="{}">{}</ol>').format(first, items)
            if items
            else "<i>no frame sent yet</i>"
        )

    def _picture(self) -> str:
        last = self._last[-1].decision if self._last else None
        by_port: dict[int, list[str]] = {}
        for host in self.lan.hosts.values():
            by_port.setdefault(host.port, []).append(host.name)
        cells = []
        for port, vlans in self.lan.switch.ports.items():
            colour, border = NEUTRALS["background"], f"1px solid {NEUTRALS['faint']}"
            if last and port in last.out_ports:
                colour = SWITCH_ACTION_COLOURS[last.action]
            if last and port == last.in_port:
                border = f"3px solid {IN_PORT_COLOUR}"
            trunk = "trunk " if port in self.lan.switch.trunks else ""
            vlan = "/".join(map(str, vlans))
            hosts = ", ".join(by_port.get(port, [])) or "-"
            label = Markup("port {}<br><small>{}VLAN {}</small><br><b>{}</b>")
            cells.append(
                Cell(
                    label.format(port, trunk, vlan, hosts),
                    style=f"background:{colour};border:{border};padding:4px 10px;text-align:center",
                )
            )
        legend = Markup(" ").join(
            Markup('<span style="background:{};padding:0 6px">{}</span>').format(colour, action)
            for action, colour in SWITCH_ACTION_COLOURS.items()
        )
        ports = table([cells], style="border-collapse:separate;border-spacing:4px")
        note = Markup("<small>blue border: where the last frame came in; {}</small>")
        return ports + note.format(legend)


# --- PDUs highlighted on the bytes of a real frame ----------------------------------------


def layer_table_html(
    highlight: tuple[int, ...] = (), compact: bool = False, selected: tuple[int, ...] = ()
) -> str:
    """The OSI/TCP-IP table as HTML, with the rows of ``highlight`` (layer numbers) marked.

    ``compact`` leaves out the devices column, for a narrow panel beside the inspector;
    the other rows of ``selected`` (the packet's own layers) are tinted lightly.
    """
    rows, styles = [], []
    for entry in layers.table().rows:
        cells = [entry.number, entry.name, entry.tcpip, entry.pdu]
        if not compact:
            cells.append(", ".join(entry.devices) or "-")
        rows.append(cells)
        colour = LAYER_COLOURS[entry.number]
        if entry.number in highlight:
            styles.append(f"background:{colour}33;font-weight:bold")
        elif entry.number in selected:
            styles.append(f"background:{colour}14")
        else:
            styles.append(None)
    names = ["OSI", "name", "TCP/IP", "PDU"] + ([] if compact else ["devices"])
    size = "font-size:90%" if compact else None
    return table(rows, header=names, cls="netcourse-layers", style=size, row_styles=styles)


def _where(start: int, end: int) -> str:
    return f"byte {start}" if end - start == 1 else f"bytes {start}-{end - 1}"


def marked_hex_html(data: bytes, ranges: list[tuple[int, int]]) -> str:
    """Offset, hex and ASCII columns, 16 bytes a line, with every byte in ``ranges`` marked.

    >>> marked_hex_html(b"abcd", [(0, 1), (2, 3)]).count("<mark")
    4
    """

    marked = {i for start, end in ranges for i in range(start, end)}
    mark = f"background:{MARK_COLOUR};font-weight:bold"

    def decorate(at: int, hx: str, ch: str) -> tuple[str, str]:
        if at not in marked:
            return hx, ch
        return f'<mark style="{mark}">{hx}</mark>', f'<mark style="{mark}">{ch}</mark>'

    style = "font-family:monospace;font-size:12px;line-height:1.5;white-space:pre"
    return hex_rows(data, decorate, style)


def span_html(span: pdus.Span) -> Markup:
    """The sentence both PDU views write for a PDU: where it lies and what it is made of.

    >>> from netcourse.packets import read_capture
    >>> segment = next(s for s in pdus.spans(read_capture("http").dissect(4)) if s.name == "TCP")
    >>> print(span_html(segment))
    <b>TCP segment</b>: bytes 34-165 (132 B) = its 32-byte header + 100 B it carries
    """
    return Markup("<b>{} {}</b>: bytes {}-{} ({} B) = its {}-byte header + {} B it carries").format(
        span.protocol.name,
        span.pdu,
        span.start,
        span.end - 1,
        span.length,
        span.header_length,
        span.payload_length,
    )


class PduView(widgets.VBox):
    """Pick a layer of a real frame: its header (dark) and the whole PDU (light) light up.

    ``source`` is a sample name or capture path (with ``number``), bytes, or a dissection.
    The bytes are the inspector's bytes pane (:class:`netcourse.widgets.packet_view.
    FieldBytes`, without its tree): hover a byte to see its field, click one to pick the
    innermost PDU whose header holds it.
    """

    def __init__(self, source: Any = "http", number: int | None = 4) -> None:
        self.dissection = as_dissection(source, number)
        self.spans = pdus.spans(self.dissection)
        options = [
            (f"{s.protocol.label} {s.pdu} ({s.name}): bytes {s.start}-{s.end - 1}", i)
            for i, s in enumerate(self.spans)
        ]
        self.choice = widgets.Dropdown(options=options, value=0, description="PDU")
        self.choice.layout.width = "34em"
        self.errors = ErrorBox()
        self.stale = StaleNote()
        self.bytes_view = FieldBytes(show_tree=False, layout={"flex": "0 1 auto"})
        self.bytes_view.show(self.dissection)
        self.detail = widgets.HTML()
        self.table = widgets.HTML()
        self._shown: str | None = None  # the PDU on show, for the stale note

        @guard(self.errors, self.stale, lambda: self._shown)
        def on_change(_change=None):
            self._render()

        self.choice.observe(on_change, names="value")
        self.bytes_view.on_byte = guard(self.errors, self.stale, lambda: self._shown)(
            self.select_byte
        )
        right = widgets.VBox([self.detail, self.table], layout={"flex": "1 1 20em"})
        # the description and layer table go beside the bytes, or below them on a narrow screen
        panes = widgets.HBox([self.bytes_view, right], layout={"flex_flow": "row wrap"})
        super().__init__([self.choice, self.errors, self.stale, panes])
        self._render()

    @property
    def span(self) -> pdus.Span:
        """The PDU selected now."""
        index = self.choice.value
        if not isinstance(index, int) or not 0 <= index < len(self.spans):
            known = ", ".join(s.name for s in self.spans)
            raise PacketError(f"no PDU is selected; pick one of this frame's layers: {known}")
        return self.spans[index]

    def select(self, name: str) -> pdus.Span:
        """Select the layer called ``name`` (``"TCP"``) or the PDU called ``name`` ("segment")."""
        for i, span in enumerate(self.spans):
            if name in (span.name, span.pdu):
                self.choice.value = i
                return span
        known = ", ".join(s.name for s in self.spans)
        raise PacketError(f"{name!r}: this frame's layers are {known}")

    def select_byte(self, offset: int) -> pdus.Span:
        """Select the innermost PDU whose own header holds byte ``offset``."""
        found = pdus.pdu_at(self.dissection, offset)
        self.choice.value = self.spans.index(found)
        return found

    def _render(self) -> None:
        span = self.span
        colour = LAYER_COLOURS.get(max(span.protocol.osi or (7,)), PALETTE["purple"])
        self.bytes_view.marks = [  # the header solid, the payload it carries light
            [span.start, span.header_end, "solid", colour],
            [span.header_end, span.end, "light", colour],
        ]
        self.detail.value = prose_lines(
            Markup("{}<br><small>{}</small>").format(span_html(span), span.protocol.note)
        )
        self.table.value = layer_table_html(span.protocol.osi, compact=True)
        self._shown = f"the {span.name} {span.pdu}"

    def __repr__(self) -> str:
        span = self.span
        return f"PduView({len(self.dissection.data)}-byte frame, {span.name} {span.pdu} selected)"


class LayerInspector(widgets.HBox):
    """The packet inspector with the OSI/TCP-IP table beside it.

    The table marks the layers of the packet on show (and the layer of the selected field);
    the *PDU* menu lights up one whole PDU (a frame, a packet, a segment ...) in the
    inspector's bytes, so "the TCP segment is the IP packet's payload" is something to see;
    the *device* menu lights up the fields a hub, switch, router ... reads in this packet.

    >>> view = LayerInspector("http")
    >>> view.inspector.show_packet(4)
    >>> view.show_pdu("segment").start
    34
    >>> view
    LayerInspector(packet 4, TCP segment: bytes 34-165)
    """

    def __init__(self, source: Any = "http") -> None:

        self.inspector = Inspector(source)
        self.errors = ErrorBox()
        self.pdu = widgets.Dropdown(options=[], description="PDU")
        self.pdu.layout.width = "95%"
        self.device = widgets.Dropdown(
            options=[("(none)", ""), *((d.name, d.name) for d in layers.DEVICES)],
            value="",
            description="device",
        )
        self.device.layout.width = "95%"
        self.table = widgets.HTML()
        self.spans: tuple[pdus.Span, ...] = ()
        self._busy = False

        @guard(self.errors)
        def on_packet(_change=None):
            self._refresh()

        @guard(self.errors)
        def on_pdu(change):
            if self._busy or change["new"] is None:
                return
            if change["new"] >= 0:
                self._show(int(change["new"]))
            else:
                self._plain()

        @guard(self.errors)
        def on_tree(change):
            value = change["new"]
            if value is None or self.inspector.dissection is None or value[0] < 0:
                return
            self._busy = True
            try:  # a field chosen in the tree lights its own bytes: no PDU or device lit now
                self.pdu.value, self.device.value = -1, ""
            finally:
                self._busy = False
            self.table.value = self._layers_html()

        @guard(self.errors)
        def on_device(change):
            if self._busy:
                return
            if change["new"]:
                self.show_device(change["new"])
            else:
                self._plain()

        self.inspector.tree.observe(on_packet, names="fields")
        self.inspector.tree.observe(on_tree, names="value")
        self.pdu.observe(on_pdu, names="value")
        self.device.observe(on_device, names="value")
        side = widgets.VBox([self.errors, self.pdu, self.device, self.table])
        side.layout.flex = "0 0 26em"
        self.inspector.layout.flex = "1 1 0%"  # the inspector gives up width to the table
        self.inspector.layout.min_width = "40em"
        super().__init__([self.inspector, side])
        self.layout.flex_flow = "row wrap"  # the table goes below when the page is narrow
        self._refresh()

    def _refresh(self) -> None:
        d = self.inspector.dissection
        self.spans = pdus.spans(d) if d is not None else ()
        self._busy = True
        try:
            self.pdu.options = [("(none)", -1)] + [
                (f"{s.protocol.label} {s.pdu} ({s.name})", i) for i, s in enumerate(self.spans)
            ]
            self.pdu.value = -1
            self.device.value = ""
        finally:
            self._busy = False
        self.table.value = self._layers_html()

    @property
    def note(self) -> widgets.HTML:
        """The line that says what is lit: the inspector's own, under the bytes (a field's
        description, or the PDU's or the device's when one is chosen)."""
        return self.inspector.detail

    def _plain(self) -> None:
        """Neither a PDU nor a device chosen: the inspector's own view of the selected field."""
        self.inspector._render()
        self.table.value = self._layers_html()

    def _layers_html(self) -> str:
        """The table with the selected field's layer marked and the packet's layers tinted.

        A function of what is selected now, so the same selection always shows the same table.
        """
        present = tuple(n for s in self.spans for n in s.protocol.osi)
        d, value = self.inspector.dissection, self.inspector.tree.value
        chosen: tuple[int, ...] = present
        if d is not None and value is not None and 0 <= value[0] < len(d.layers):
            found = layers.layer_of(d.layers[value[0]].name, default=None)
            chosen = found.osi if found else ()
        return layer_table_html(chosen, compact=True, selected=present)

    def _show(self, index: int) -> pdus.Span:

        span = self.spans[index]
        self._busy = True
        try:
            self.device.value = ""
        finally:
            self._busy = False
        # the inspector's own bytes pane, the whole PDU lit as a field would be
        self.inspector.fields_view.marks = [[span.start, span.end, "field"]]
        self.note.value = prose_lines(span_html(span))
        self.table.value = layer_table_html(span.protocol.osi, compact=True)
        return span

    def show_pdu(self, name: str) -> pdus.Span:
        """Light up the PDU of layer ``name`` ("TCP") or with PDU name ``name`` ("segment")."""
        for i, span in enumerate(self.spans):
            if name in (span.name, span.pdu):
                self._busy = True
                try:
                    self.pdu.value = i
                finally:
                    self._busy = False
                return self._show(i)
        known = ", ".join(f"{s.name} ({s.pdu})" for s in self.spans)
        raise PacketError(f"{name!r}: this packet's PDUs are {known}")

    def show_device(self, name: str) -> tuple:
        """Light up the fields device ``name`` reads in this packet; return those fields."""
        dev = layers.device(name)
        d = self.inspector.dissection
        if d is None:
            raise PacketError("no packet is shown, so there is nothing to read")
        fields = pdus.fields_read(dev.name, d)
        self._busy = True
        try:
            self.device.value = dev.name
            self.pdu.value = -1
        finally:
            self._busy = False
        self.inspector.fields_view.marks = [[f.offset, f.end, "field"] for f in fields]
        read = ", ".join(f"{f.name} ({_where(f.offset, f.end)})" for f in fields) or "nothing"
        self.note.value = prose_lines(
            Markup("<b>{}</b> ({}) reads {}: {}").format(dev.name, dev.label, read, dev.decides)
        )
        self.table.value = layer_table_html(dev.osi, compact=True)
        return fields

    def __repr__(self) -> str:
        number = self.inspector.number
        if self.device.value:
            return f"LayerInspector(packet {number}, what a {self.device.value} reads)"
        if self.pdu.value is None or self.pdu.value < 0:
            return f"LayerInspector(packet {number})"
        span = self.spans[self.pdu.value]
        where = f"bytes {span.start}-{span.end - 1}"
        return f"LayerInspector(packet {number}, {span.name} {span.pdu}: {where})"
