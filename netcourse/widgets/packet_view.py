"""The packet inspector's two custom widgets, drawn in the browser from data sent by Python:
the packet list (:class:`PacketList`) and the field tree with its bytes (:class:`FieldBytes`).

Taught in notebooks/02-osi-layers-and-packets.ipynb through :class:`netcourse.widgets.packets.
Inspector` and :class:`netcourse.widgets.layers.LayerInspector`; both are views only. The list
holds no packets itself: it asks its owner for rows a window at a time (the model labels rows
lazily, :class:`netcourse.packets.Capture`), and the browser draws only the rows in view, so a
capture of 10,000 packets or many more scrolls smoothly. The field tree and the bytes are one
component, used for the inspector's panes and for the layer inspector's PDU and device views
alike: Python says what is lit (``marks``), the browser draws it, previews the field under the
pointer and reports clicks. Headless (a test, a script), both work through their traits.

>>> from netcourse.packets import dissect, frame
>>> view = FieldBytes()
>>> view.show(dissect(frame("http", 1)))
>>> view.options[2]
('      src: 02:00:5e:00:00:0a', (0, 1))
>>> view.fields[view.owner[22]][5], len(view.owner)
('IP.ttl', 74)
>>> view.marks = [[22, 23, "field"]]; view.lit
[22]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from netcourse.errors import CaptureError
from netcourse.html import DRAWN_IN_BROWSER
from netcourse.layers import layer_of
from netcourse.packets import COLUMNS, Dissection
from netcourse.readers import read_int
from netcourse.style import ERROR_COLOUR, PALETTE, TINTS

__all__ = ["PacketList", "FieldBytes", "MAX_WINDOW", "VISIBLE_ROWS", "PALETTE_CSS", "osi_label"]

STATIC = Path(__file__).with_name("static")
#: The most rows one message carries: the browser asks for 100 at a time.
MAX_WINDOW = 500
#: Rows of the packet list in view (it scrolls inside itself).
VISIBLE_ROWS = 10
#: The colours the browser draws with, from netcourse.style (CSS properties ``--nc-<name>``).
PALETTE_CSS: dict[str, str] = {
    "field": PALETTE["orange"],  # the selected field's bytes
    "layer": TINTS["blue"],  # the rest of the selected field's layer
    "preview": PALETTE["yellow"],  # the field under the pointer
    "focus": PALETTE["blue"],
    "selected-bg": PALETTE["blue"],  # the selected row, as Wireshark's
    "selected-fg": "white",
    "error": ERROR_COLOUR,
}


def osi_label(layer_name: str) -> str:
    """The OSI label of a scapy layer name ('L3', 'L2-L3') from :mod:`netcourse.layers`, or ''
    for a layer the course's table does not place.

    >>> osi_label("TCP"), osi_label("ICMPv6ND_NS"), osi_label("Bogus")
    ('L4', 'L3', '')
    """
    found = layer_of(layer_name, default=None)
    return found.label if found is not None else ""


class PacketList(anywidget.AnyWidget):
    """Wireshark's packet list: column headers, rows coloured by their rule, a selection moved
    by clicks and the arrow keys; only the rows in view are drawn.

    ``fetch(start, stop)`` gives rows ``start..stop-1`` of the list on show, each as
    ``[number, time, source, destination, protocol, length, info, rule, malformed]`` (``rule``
    an index into ``rules``, -1 for none); ``number_at(position)`` the packet number of one.
    The owner sets ``total`` and ``window`` (rows it has on hand) and bumps ``generation``
    whenever the list changes (a new filter): the browser then forgets the rows it holds.

    >>> rows = [[n, "0.0", "a", "b", "UDP", 60, "x", -1, False] for n in range(1, 301)]
    >>> plist = PacketList(lambda start, stop: rows[start:stop], lambda at: rows[at][0])
    >>> plist.total = 300
    >>> sent = []; plist.send = sent.append
    >>> plist.answer({"kind": "rows", "start": 290, "stop": 400, "generation": 0})
    >>> sent[0]["start"], len(sent[0]["rows"]), sent[0]["rows"][-1][0]
    (290, 10, 300)
    """

    _esm = STATIC / "packet_list.js"
    _css = STATIC / "packet_view.css"

    columns = traitlets.List(traitlets.Unicode(), default_value=list(COLUMNS)).tag(sync=True)
    #: Wireshark's colouring rules: [name, foreground, background] each.
    rules = traitlets.List().tag(sync=True)
    palette = traitlets.Dict(default_value=PALETTE_CSS).tag(sync=True)
    #: How many rows the list has (the packets the filter keeps).
    total = traitlets.Int(0).tag(sync=True)
    #: Bumped when the list changes: rows the browser holds from before are forgotten.
    generation = traitlets.Int(0).tag(sync=True)
    #: Rows sent along with the list: {"start": position, "rows": [...], "generation": n}.
    window = traitlets.Dict().tag(sync=True)
    #: The selected packet's number (Wireshark's No.), or None.
    value = traitlets.Int(None, allow_none=True).tag(sync=True)
    #: The selected row's position in the list (-1 for none): the browser scrolls to it.
    position = traitlets.Int(-1).tag(sync=True)
    visible_rows = traitlets.Int(VISIBLE_ROWS).tag(sync=True)
    #: Greyed out: the list is the last valid result, an error is on show.
    stale = traitlets.Bool(False).tag(sync=True)
    #: What an empty list says.
    empty = traitlets.Unicode("no packet matches this filter").tag(sync=True)

    def __init__(
        self,
        fetch: Callable[[int, int], list[list]],
        number_at: Callable[[int], int],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.add_class(DRAWN_IN_BROWSER)
        self._fetch = fetch
        self._number_at = number_at
        self.on_msg(lambda _widget, content, _buffers: self.answer(content))

    def answer(self, content: dict) -> None:
        """Answer a message from the browser: ``rows`` (a window of rows; at most
        :data:`MAX_WINDOW`, clipped to the list) or ``select`` (a row not loaded yet)."""
        if not isinstance(content, dict) or content.get("generation") != self.generation:
            return  # about a list no longer on show
        if content.get("kind") == "rows":
            start = read_int(content.get("start"), what="first row", error=CaptureError)
            stop = read_int(content.get("stop"), what="row after the last", error=CaptureError)
            start = min(start, self.total)
            stop = min(max(stop, start), start + MAX_WINDOW, self.total)
            self.send(
                {
                    "kind": "rows",
                    "start": start,
                    "rows": self._fetch(start, stop),
                    "generation": self.generation,
                }
            )
        elif content.get("kind") == "select" and self.total:
            at = read_int(content.get("position"), what="row", high=self.total - 1,
                          error=CaptureError)  # fmt: skip
            with self.hold_sync():
                self.position = at
                self.value = self._number_at(at)

    @property
    def rows_on_hand(self) -> list[list]:
        """The rows sent with the list (the owner's page)."""
        return list(self.window.get("rows", []))

    @property
    def options(self) -> tuple[tuple[str, int], ...]:
        """(label, number) of each row on hand, as a text list would show them."""
        return tuple((row_text(row), int(row[0])) for row in self.rows_on_hand)


def row_text(row: Sequence[Any]) -> str:
    """One packet-list row as a line of text, its columns padded to line up.

    >>> row = [4, "0.000713", "198.18.0.1", "198.18.0.2", "HTTP", 166, "GET / HTTP/1.1", 0, 0]
    >>> row_text(row)[:30]
    '     4    0.000713  198.18.0.1'
    """
    number, time, source, destination, protocol, length, info, _rule, malformed = row
    return (
        f"{number:>6} {time:>11}  {source:<22.22} {destination:<22.22} "
        f"{protocol:<7} {length:>5}  {info}" + (" [Malformed]" if malformed else "")
    )


class FieldBytes(anywidget.AnyWidget):
    """Wireshark's field tree and bytes pane, one component: ``marks`` light bytes, ``value``
    is the tree row selected ((layer index, field index); field -1 for a layer's heading).

    Clicking a byte calls ``on_byte(offset)``; hovering previews the field that holds it
    (``owner``, from :meth:`netcourse.packets.Dissection.field_at`). ``show_tree=False`` shows
    the bytes alone.
    """

    _esm = STATIC / "field_bytes.js"
    _css = STATIC / "packet_view.css"

    #: The frame's bytes, as hex.
    bytes_hex = traitlets.Unicode("").tag(sync=True)
    #: The tree's rows: [label, layer index, field index, first byte, byte after, name].
    fields = traitlets.List().tag(sync=True)
    #: For each byte, the tree row of the field holding it (-1 for none).
    owner = traitlets.List(traitlets.Int()).tag(sync=True)
    value = traitlets.Tuple(None, allow_none=True).tag(sync=True)
    #: Lit bytes: [start, end, kind] or [start, end, kind, colour]; kinds "field" (the
    #: selection), "layer" (its layer), "solid" and "light" (a colour's header and payload).
    marks = traitlets.List().tag(sync=True)
    show_tree = traitlets.Bool(True).tag(sync=True)
    #: Rows of the tree and of the bytes in view (both scroll inside themselves).
    rows = traitlets.Int(12).tag(sync=True)
    stale = traitlets.Bool(False).tag(sync=True)
    #: What the bytes pane says with no packet.
    empty = traitlets.Unicode("").tag(sync=True)
    palette = traitlets.Dict(default_value=PALETTE_CSS).tag(sync=True)

    def __init__(self, on_byte: Callable[[int], Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class(DRAWN_IN_BROWSER)
        self.on_byte = on_byte
        self.on_msg(lambda _widget, content, _buffers: self.answer(content))

    def answer(self, content: dict) -> None:
        """A message from the browser: ``{"kind": "byte", "offset": n}``, a byte clicked."""
        if isinstance(content, dict) and content.get("kind") == "byte" and self.on_byte:
            self.on_byte(content.get("offset"))

    def show(self, dissection: Dissection) -> None:
        """Show a dissection: its tree (layers, their fields, problems) and its bytes."""
        rows: list[list] = []
        at: dict[tuple[int, int], int] = {}
        for li, layer in enumerate(dissection.layers):
            summary = layer.summary
            if summary.startswith(f"{layer.name} "):
                summary = summary[len(layer.name) + 1 :]
            label = f"▾ {osi_label(layer.name):<6} {layer.name}: {summary}"
            at[li, -1] = len(rows)
            rows.append([label, li, -1, layer.offset, layer.end, layer.name])
            for fi, fld in enumerate(layer.fields):
                value = fld.value if len(fld.value) <= 60 else fld.value[:57] + "..."
                at[li, fi] = len(rows)
                name = f"{layer.name}.{fld.name}"
                rows.append([f"      {fld.name}: {value}", li, fi, fld.offset, fld.end, name])
        if dissection.malformed:
            problem = "⚠ malformed: " + "; ".join(dissection.problems)
            rows.append([problem, -1, -1, 0, 0, "malformed"])
        index = {id(fld): (li, fi) for li, layer in enumerate(dissection.layers)
                 for fi, fld in enumerate(layer.fields)}  # fmt: skip
        owner = []
        for offset in range(len(dissection.data)):
            found = dissection.field_at(offset)
            owner.append(at[index[id(found[1])]] if found is not None else -1)
        with self.hold_sync():
            self.value = None
            self.marks = []
            self.bytes_hex = dissection.data.hex()
            self.fields = rows
            self.owner = owner
            self.empty = ""

    def clear(self, why: str = "") -> None:
        """Show no packet; the bytes pane says ``why``."""
        with self.hold_sync():
            self.value = None
            self.marks = []
            self.fields = []
            self.owner = []
            self.bytes_hex = ""
            self.empty = why

    @property
    def data(self) -> bytes:
        """The bytes on show."""
        return bytes.fromhex(self.bytes_hex)

    @property
    def options(self) -> tuple[tuple[str, tuple[int, int]], ...]:
        """(label, (layer index, field index)) of each tree row, as a list box would hold."""
        return tuple((row[0], (row[1], row[2])) for row in self.fields)

    @property
    def lit(self) -> list[int]:
        """The offsets marked as the selection (kind "field"), in order."""
        return sorted({i for start, end, kind, *_ in self.marks if kind == "field"
                       for i in range(start, end)})  # fmt: skip
