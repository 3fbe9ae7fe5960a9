"""PDUs on a real frame's bytes: where each layer's header and whole PDU start and end.

The OSI and TCP/IP tables of :mod:`netcourse.layers` say what a frame, a packet and a segment
are; this module finds them in the bytes of a dissected frame, so a lesson can show that the
TCP segment is exactly the IP packet's payload, how many bytes each header costs, which lines of
an HTTP/1.1 message do a layer-5, 6 or 7 job, and which fields a device reads.
Taught in notebooks/02-osi-layers-and-packets.ipynb.

>>> from netcourse.packets import dissect, frame
>>> eth, ip, tcp = spans(dissect(frame("http", 4)))[:3]
>>> (eth.pdu, eth.start, eth.end), (ip.pdu, ip.start), (tcp.pdu, tcp.start, tcp.header_length)
(('frame', 0, 166), ('packet', 14), ('segment', 34, 32))
>>> pdu_at(dissect(frame("http", 4)), 40).pdu
'segment'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netcourse.errors import PacketError
from netcourse.html import table
from netcourse.layers import HTTP_HEADER_LAYERS, Protocol, WireCost, device, layer_of, wire_cost

__all__ = [
    "Span",
    "spans",
    "pdu_at",
    "Encapsulation",
    "encapsulation",
    "HttpLine",
    "HttpLayers",
    "http_layers",
    "fields_read",
    "payload",
]


@dataclass(frozen=True)
class Span:
    """One layer of a frame on the wire: its header bytes and the whole PDU it starts.

    ``start``..``header_end`` is the layer's own header; ``start``..``end`` is the whole PDU
    (header plus everything it carries). All offsets count bytes from the start of the frame.
    """

    name: str
    protocol: Protocol
    pdu: str
    start: int
    header_end: int
    end: int

    def __repr__(self) -> str:
        return (
            f"Span({self.name} {self.pdu}, {self.protocol.label}: bytes {self.start}-"
            f"{self.end - 1}, header {self.start}-{self.header_end - 1})"
        )

    @property
    def header_length(self) -> int:
        """Bytes of this layer's own header."""
        return self.header_end - self.start

    @property
    def length(self) -> int:
        """Bytes of the whole PDU (header plus payload)."""
        return self.end - self.start

    @property
    def payload_length(self) -> int:
        """Bytes this layer carries for the layers above it."""
        return self.end - self.header_end


def _field(layer_obj: Any, name: str) -> Any:
    for fld in getattr(layer_obj, "fields", ()):
        if fld.name == name:
            return fld
    return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def spans(dissection: Any) -> tuple[Span, ...]:
    """The PDU span of each layer of a dissected frame, outermost first.

    ``dissection`` is what ``netcourse.packets.dissect(data)`` returns (layers with fields
    that carry byte offsets). A header spans the layer's ``offset``/``length`` where the
    layer has them, else its fields; the PDU runs to the end of the frame,
    except where a length field says it stops sooner (IPv4 total length, IPv6 payload length,
    UDP length), so Ethernet padding is not counted as IP payload.

    >>> from types import SimpleNamespace as NS
    >>> f = lambda name, raw, at, n: NS(name=name, raw=raw, offset=at, length=n)
    >>> eth = NS(name="Ether", fields=[f("dst", "", 0, 6), f("type", 0x800, 12, 2)])
    >>> ip = NS(name="IP", fields=[f("ihl", 5, 14, 1), f("len", 28, 16, 2), f("dst", "", 30, 4)])
    >>> udp = NS(name="UDP", fields=[f("sport", 1, 34, 2), f("len", 8, 38, 2)])
    >>> udp.fields.append(f("chksum", 0, 40, 2))
    >>> pad = NS(name="Padding", fields=[f("load", b"", 42, 18)])
    >>> for s in spans(NS(layers=[eth, ip, udp, pad])):
    ...     print(s.name, s.pdu, s.start, s.header_end, s.end)
    Ether frame 0 14 60
    IP packet 14 34 42
    UDP datagram 34 42 42
    Padding frame 42 60 60
    """
    layers = list(getattr(dissection, "layers", ()))
    if not layers:
        raise PacketError("this dissection has no layers; expected dissect(frame_bytes)")
    bounds = []
    for item in layers:
        offset, length = getattr(item, "offset", None), getattr(item, "length", None)
        if isinstance(offset, int) and isinstance(length, int):  # the dissector knows the header
            bounds.append((offset, offset + length) if length else None)
            continue
        fields = [f for f in item.fields if f.length is not None and f.offset is not None]
        if not fields:
            bounds.append(None)
            continue
        bounds.append((min(f.offset for f in fields), max(f.offset + f.length for f in fields)))
    known = [b for b in bounds if b]
    if not known:
        raise PacketError("no field in this dissection carries a byte offset")
    frame_end = max(end for _, end in known)
    data = getattr(dissection, "data", None)
    if isinstance(data, (bytes, bytearray)) and len(data) >= frame_end:
        frame_end = len(data)
    result: list[Span] = []
    limit = frame_end
    for item, bound in zip(layers, bounds, strict=True):
        if bound is None:
            continue
        start, header_end = bound
        proto = layer_of(item.name, default=None) or Protocol(
            item.name, (item.name,), (), "", "data", "", "not in the course's table"
        )
        if item.name == "Padding":
            end = frame_end
        else:
            end = limit
            if item.name == "IP":
                total = _int(getattr(_field(item, "len"), "raw", None))
                if total:
                    end = min(limit, start + total)
            elif item.name == "IPv6":
                plen = _int(getattr(_field(item, "plen"), "raw", None))
                if plen is not None:
                    end = min(limit, start + 40 + plen)
            elif item.name == "UDP":
                ulen = _int(getattr(_field(item, "len"), "raw", None))
                if ulen:
                    end = min(limit, start + ulen)
            limit = end
        pdu = proto.pdu
        if item.name in ("Dot1Q", "Dot1AD"):  # inserted into the Ethernet header
            end, pdu = header_end, "tag (in the frame)"
        if item.name == "Raw" and result and max(result[-1].protocol.osi or (0,)) < 4:
            proto, pdu = result[-1].protocol, f"{result[-1].pdu} (data)"  # e.g. ping data
        result.append(Span(item.name, proto, pdu, start, header_end, max(end, header_end)))
    return tuple(result)


def pdu_at(dissection: Any, offset: int) -> Span:
    """The innermost layer whose own header holds the byte at ``offset``.

    Use ``.pdu`` for its name: the byte at offset 34 of an untagged TCP/IPv4 frame starts the
    TCP header, so ``pdu_at(d, 34).pdu == 'segment'``.

    >>> from types import SimpleNamespace as NS
    >>> f = lambda name, offset, length: NS(name=name, raw=0, offset=offset, length=length)
    >>> eth = NS(name="Ether", fields=[f("dst", 0, 6), f("type", 12, 2)])
    >>> tcp = NS(name="TCP", fields=[f("sport", 14, 2), f("options", 30, 4)])
    >>> pdu_at(NS(layers=[eth, tcp]), 20).pdu
    'segment'
    """
    all_spans = spans(dissection)
    try:
        where = int(offset)
    except (TypeError, ValueError):
        raise PacketError(f"{offset!r}: expected a byte offset, a whole number") from None
    for span in reversed(all_spans):
        if span.start <= where < span.header_end:
            return span
    size = max(span.end for span in all_spans)
    raise PacketError(
        f"offset {where} is outside every header of this frame; expected 0-{size - 1}"
    )


@dataclass(frozen=True)
class Encapsulation:
    """A frame's layers as nested PDUs: each header's bytes and its share of the frame."""

    spans: tuple[Span, ...]
    size: int

    @property
    def headers(self) -> tuple[Span, ...]:
        """The spans that are protocol headers (not application data, not padding)."""
        return tuple(
            s
            for s in self.spans
            if s.protocol.osi and max(s.protocol.osi) <= 4 and s.name not in ("Raw", "Padding")
        )

    @property
    def header_bytes(self) -> int:
        """Bytes of headers from layer 2 to layer 4."""
        return sum(s.header_length for s in self.headers)

    @property
    def data_bytes(self) -> int:
        """Bytes the application handed down: everything after the last layer-4 header."""
        app = [s for s in self.spans if s.protocol.osi and min(s.protocol.osi) >= 5]
        return sum(s.header_length for s in app)

    @property
    def overhead(self) -> float:
        """Header bytes as a share of the captured frame (0-1)."""
        return self.header_bytes / self.size if self.size else 0.0

    @property
    def wire(self) -> WireCost | None:
        """An Ethernet frame's cost on the wire: FCS, preamble and SFD, inter-frame gap added.

        None for a frame of another link type (loopback, Wi-Fi, PPP), which frames differently.
        """
        if not self.spans or self.spans[0].name != "Ether":
            return None
        return wire_cost(self.size, self.data_bytes)

    def _summary(self) -> str:
        wire = self.wire
        if wire is None:
            return (
                f"{self.size} bytes captured, {self.header_bytes} of them headers "
                f"({self.overhead:.0%}), {self.data_bytes} application bytes"
            )
        return (
            f"{self.size} bytes captured (no FCS), {self.header_bytes} of them headers "
            f"({self.overhead:.0%}), {self.data_bytes} application bytes; on the wire "
            f"{wire.total} byte times with FCS, preamble and SFD, inter-frame gap "
            f"({wire.overhead:.0%} overhead)"
        )

    def __repr__(self) -> str:
        wide = max([6, *(len(s.name) + 1 for s in self.spans)])
        pdu = max([4, *(len(s.pdu) + 1 for s in self.spans)])
        lines = [f"{'layer':<{wide}}{'OSI':<7}{'PDU':<{pdu}}{'starts':>6}{'header':>7}{'bytes':>6}"]
        for s in self.spans:
            lines.append(
                f"{s.name:<{wide}}{s.protocol.label:<7}{s.pdu:<{pdu}}{s.start:>6}"
                f"{s.header_length:>7}{s.length:>6}"
            )
        lines.append(self._summary())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [
            [s.name, s.protocol.label, s.pdu, s.start, s.header_length, s.length]
            for s in self.spans
        ]
        caption = self._summary()
        header = ["layer", "OSI", "PDU", "starts at", "header", "PDU bytes"]
        return str(table(rows, header=header, caption=caption))


def encapsulation(dissection: Any) -> Encapsulation:
    """The nested PDUs of a dissected frame, with header bytes and overhead.

    >>> from netcourse.packets import dissect, frame
    >>> enc = encapsulation(dissect(frame("http", 1)))
    >>> [(s.name, s.header_length) for s in enc.headers]
    [('Ether', 14), ('IP', 20), ('TCP', 40)]
    """
    found = spans(dissection)
    data = getattr(dissection, "data", None)
    size = len(data) if isinstance(data, (bytes, bytearray)) else max(s.end for s in found)
    return Encapsulation(found, size)


# --- HTTP/1.1 across layers 5-7 ------------------------------------------------------------


@dataclass(frozen=True)
class HttpLine:
    """One line of an HTTP/1.1 message and the OSI layer whose job it does."""

    text: str
    osi: int
    why: str


@dataclass(frozen=True)
class HttpLayers:
    """An HTTP/1.1 message split into lines, each placed at layer 5, 6 or 7."""

    lines: tuple[HttpLine, ...]

    def at(self, number: int) -> tuple[HttpLine, ...]:
        """The lines doing layer ``number``'s job."""
        return tuple(line for line in self.lines if line.osi == number)

    def __repr__(self) -> str:
        return "\n".join(f"L{line.osi}  {line.text:<44.44}  {line.why}" for line in self.lines)


def http_layers(payload: bytes) -> HttpLayers:
    """Place each line of an HTTP/1.1 request or response at OSI layer 5, 6 or 7.

    The start line and most headers are the application's (7); the headers in
    :data:`HTTP_HEADER_LAYERS` manage the connection (5) or the body's encoding (6); the body
    itself is presentation-layer data in the format Content-Type names.

    >>> parts = http_layers(b"GET / HTTP/1.1\\r\\nHost: x\\r\\nAccept-Encoding: gzip\\r\\n\\r\\n")
    >>> [(line.osi, line.text) for line in parts.lines]
    [(7, 'GET / HTTP/1.1'), (7, 'Host: x'), (6, 'Accept-Encoding: gzip')]
    """
    if not isinstance(payload, (bytes, bytearray)):
        raise PacketError(f"expected the HTTP message's bytes, got {type(payload).__name__}")
    head, sep, body = bytes(payload).partition(b"\r\n\r\n")
    try:
        text = head.decode("ascii")
    except UnicodeDecodeError:
        raise PacketError("these bytes are not an HTTP/1.1 header (not ASCII text)") from None
    rows = text.split("\r\n")
    start = rows[0]
    words = start.split(" ")
    if not (start.startswith("HTTP/") or (len(words) == 3 and words[2].startswith("HTTP/"))):
        raise PacketError(
            f"{start[:40]!r}: not an HTTP/1.x start line; expected 'GET /path HTTP/1.1' "
            "or 'HTTP/1.1 200 OK'"
        )
    lines = [HttpLine(start, 7, "the request or status line: what is asked, what happened")]
    content_type = ""
    for row in rows[1:]:
        name = row.split(":", 1)[0].strip().lower()
        if name == "content-type":
            content_type = row.split(":", 1)[1].strip()
        osi, why = HTTP_HEADER_LAYERS.get(name, (7, "application header"))
        lines.append(HttpLine(row, osi, why))
    if body:
        form = content_type or "no Content-Type given"
        lines.append(HttpLine(f"(body: {len(body)} bytes)", 6, f"data encoded as {form}"))
    return HttpLayers(tuple(lines))


def fields_read(device_name: str, dissection: Any) -> tuple[Any, ...]:
    """The fields of a dissected frame that a device reads (those present in this frame).

    >>> from netcourse.packets import dissect, frame
    >>> [(f.name, f.offset) for f in fields_read("switch", dissect(frame("http", 1)))]
    [('dst', 0), ('src', 6)]
    """
    dev = device(device_name)
    out = []
    for dotted in dev.fields:
        layer_name, field_name = dotted.split(".")
        for item in getattr(dissection, "layers", ()):
            if item.name == layer_name:
                out.extend(f for f in item.fields if f.name == field_name)
                break
    return tuple(out)


def payload(dissection: Any) -> bytes:
    """The bytes TCP or UDP carries in this frame: the application's message (may be empty).

    Works whether the dissector left the payload as ``Raw`` or decoded it (HTTP).

    >>> from netcourse.packets import dissect, frame
    >>> payload(dissect(frame("http", 4)))[:14]
    b'GET /hello.txt'
    """
    data = getattr(dissection, "data", None)
    if not isinstance(data, (bytes, bytearray)):
        raise PacketError("expected a dissection with the frame's bytes: dissect(frame_bytes)")
    transport = [s for s in spans(dissection) if s.name in ("TCP", "UDP")]
    if not transport:
        names = ", ".join(layer.name for layer in dissection.layers)
        raise PacketError(f"this frame has no TCP or UDP layer (its layers are: {names})")
    last = transport[-1]
    return bytes(data[last.header_end : last.end])
