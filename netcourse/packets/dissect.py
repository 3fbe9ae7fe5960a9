"""Dissect one frame into layers and fields, each field with the exact bytes it came from.

scapy does the dissecting; this module walks scapy's layers again, field by field, to record
where in the frame each field sits, so a learner can see that IP's ``ttl`` is byte 22 of the
frame and TCP's ``flags`` share bytes 46-47 with ``dataofs``. Offsets and values agree with
Wireshark's for the same frame (``tests/packets/test_dissect_vs_tshark.py`` checks that).

Taught in notebooks/02-osi-layers-and-packets.ipynb.

>>> from netcourse.packets import dissect, frame
>>> d = dissect(frame("http", 1))
>>> [layer.name for layer in d.layers]
['Ether', 'IP', 'TCP']
>>> ttl = d["IP"]["ttl"]
>>> ttl.raw, ttl.offset, ttl.length
(64, 22, 1)
>>> d["TCP"]["flags"].value
'S'
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from netcourse.errors import PacketError
from netcourse.html import Cell, Markup, table
from netcourse.packets.link import link_type, scapy_class
from netcourse.packets.oui import plain_ethernet
from netcourse.protocols import ETHERTYPES, HTTP_STARTS, LINK_TYPES

logging.getLogger("scapy").setLevel(logging.ERROR)

from scapy.contrib import erspan, geneve, mpls  # noqa: E402, F401  (registers the bindings)
from scapy.fields import FlagValue, TrailerField  # noqa: E402
from scapy.layers import inet, inet6, l2, ppp, vxlan  # noqa: E402, F401  (the same)
from scapy.packet import NoPayload, Packet, Padding, Raw, bind_bottom_up, split_layers  # noqa: E402

# Wireshark reads the pre-standard QinQ EtherType 0x9100 as an 802.1Q tag (dissecting only).
for _cls in (l2.Ether, l2.Dot1Q, l2.Dot1AD):
    bind_bottom_up(_cls, l2.Dot1Q, type=ETHERTYPES["qinq-old"])
# Wireshark decodes VXLAN on UDP port 4789 only (TUNNEL_UDP_PORTS); scapy on four more.
for _port in (4790, 6633, 8472, 48879):
    for _side in ("sport", "dport"):
        split_layers(inet.UDP, vxlan.VXLAN, **{_side: _port})

__all__ = ["Field", "Layer", "Dissection", "dissect", "LINKTYPES", "MAX_FRAME"]

#: The largest frame we agree to dissect (a pcap snaplen is at most 262144 bytes).
MAX_FRAME = 262_144

#: The link types dissect() reads: number -> (scapy class, description), a view of
#: :data:`netcourse.protocols.LINK_TYPES` (raw IP, 101, turns IPv6 where the version nibble is 6).
LINKTYPES: dict[int, tuple[type[Packet], str]] = {
    number: (scapy_class(number), lt.description) for number, lt in LINK_TYPES.items()
}


@dataclass(frozen=True)
class Field:
    """One field of a layer: scapy's name, a display value, the wire value and its bytes."""

    name: str
    value: str
    raw: Any
    offset: int
    length: int
    bit_offset: int
    bit_length: int

    @property
    def end(self) -> int:
        """The offset just past the field's last byte."""
        return self.offset + self.length

    @property
    def is_bits(self) -> bool:
        """True for a field that does not fill whole bytes (IP ``version``, TCP ``flags``)."""
        return self.bit_length % 8 != 0 or self.bit_offset % 8 != 0

    def __repr__(self) -> str:
        return f"Field({self.name}={self.value!r}, offset={self.offset}, length={self.length})"


@dataclass(frozen=True)
class Layer:
    """One protocol layer: scapy's class name, a one-line summary and its fields in order."""

    name: str
    long_name: str
    summary: str
    offset: int
    length: int
    fields: tuple[Field, ...]

    def __getitem__(self, name: str) -> Field:
        for fld in self.fields:
            if fld.name == name:
                return fld
        known = ", ".join(f.name for f in self.fields)
        raise PacketError(f"{self.name} has no field {name!r}; its fields are: {known}")

    @property
    def end(self) -> int:
        """The offset just past the layer's header."""
        return self.offset + self.length

    def __repr__(self) -> str:
        return f"Layer({self.name}, offset={self.offset}, length={self.length})"


@dataclass(frozen=True)
class Dissection:
    """The layers of one frame, outermost first, with the frame's bytes."""

    data: bytes
    layers: tuple[Layer, ...]
    malformed: bool = False
    problems: tuple[str, ...] = field(default=())
    #: what the capture around the frame says of it (a fragment's datagram and the frame that
    #: reassembles it); a lone frame has none
    notes: tuple[str, ...] = field(default=())

    def __getitem__(self, name: str) -> Layer:
        for layer in self.layers:
            if layer.name == name:
                return layer
        known = ", ".join(layer.name for layer in self.layers)
        raise PacketError(f"this frame has no {name!r} layer; its layers are: {known}")

    def __contains__(self, name: object) -> bool:
        return any(layer.name == name for layer in self.layers)

    def field_at(self, offset: int) -> tuple[Layer, Field] | None:
        """The innermost field holding byte ``offset`` of the frame, or None.

        Bytes shared by bit fields (IP's version and ihl) select the first of them.
        """
        for layer in reversed(self.layers):
            if layer.offset <= offset < layer.end:
                for fld in layer.fields:
                    if fld.offset <= offset < fld.end:
                        return layer, fld
        return None

    @property
    def summary(self) -> str:
        """The layers' names joined like scapy's: ``Ether / IP / TCP``."""
        return " / ".join(layer.name for layer in self.layers)

    def __repr__(self) -> str:
        flag = ", malformed" if self.malformed else ""
        return f"<Dissection {len(self.data)} bytes: {self.summary}{flag}>"

    def _repr_html_(self) -> str:
        rows: list[list[object]] = []
        for layer in self.layers:
            heading = f"{layer.name}: {layer.summary}"
            rows.append([Cell(heading, colspan=4, header=True, style="text-align:left")])
            rows.extend([fld.name, fld.value, fld.offset, fld.length] for fld in layer.fields)
        html = table(rows, header=["field", "value", "offset", "length"])
        if self.malformed:
            html += Markup("<p>malformed: {}</p>").format("; ".join(self.problems))
        for note in self.notes:
            html += Markup("<p>{}</p>").format(note)
        return str(html)


def _position(rest: bytes | tuple[bytes, int], total: int) -> int:
    """Bit position in a header of total bytes, from what scapy's getfield has left."""
    if isinstance(rest, tuple):
        data, bits = rest
        return (total - len(data)) * 8 + bits
    return (total - len(rest)) * 8


def _display(fld, layer: Packet, value: Any) -> str:
    try:
        text = fld.i2repr(layer, value)
    except Exception:  # some i2repr need context the dissected layer lacks
        text = repr(value)
    return text if isinstance(text, str) else repr(text)


def _wire(value: Any, data: bytes, offset: int, length: int) -> Any:
    if isinstance(value, FlagValue):
        return int(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, str, bytes)):
        return value
    return data[offset : offset + length]


def _fields(layer: Packet, header: bytes, start: int, data: bytes) -> tuple[list[Field], bool]:
    """Replay scapy's field-by-field dissection of ``header`` to find each field's bits."""
    fields: list[Field] = []
    rest: bytes | tuple[bytes, int] = header
    total = len(header)
    for fld in layer.fields_desc:
        if isinstance(fld, TrailerField):  # an FCS: the last bytes of the frame, not the header
            size = fld.fld.sz
            value = layer.getfieldval(fld.name)
            at = len(data) - size
            fields.append(
                Field(
                    name=fld.name,
                    value=_display(fld, layer, value),
                    raw=_wire(value, data, at, size),
                    offset=at,
                    length=size,
                    bit_offset=at * 8,
                    bit_length=size * 8,
                )
            )
            continue
        before = _position(rest, total)
        try:
            rest, value = fld.getfield(layer, rest)
        except Exception:
            return fields, False
        after = _position(rest, total)
        if fld.isconditional and value is None:
            continue
        if after > before:
            value = layer.getfieldval(fld.name)
            byte_start = start + before // 8
            byte_end = start + (after + 7) // 8
            fields.append(
                Field(
                    name=fld.name,
                    value=_display(fld, layer, value),
                    raw=_wire(value, data, byte_start, byte_end - byte_start),
                    offset=byte_start,
                    length=byte_end - byte_start,
                    bit_offset=start * 8 + before,
                    bit_length=after - before,
                )
            )
        if not rest or (isinstance(rest, tuple) and not rest[0] and not rest[1]):
            break
    return fields, True


def _summary(layer: Packet) -> str:
    try:
        text = layer.mysummary()
    except Exception:
        text = ""
    if isinstance(text, tuple):
        text = text[0]
    return str(text) if text else layer.name


def _length_problems(layer: Packet, available: int) -> list[str]:
    """Length fields that promise more bytes than the frame holds."""
    name = type(layer).__name__
    problems = []
    checks = {"IP": ("len", 0), "IPv6": ("plen", 40), "UDP": ("len", 0)}
    if name in checks:
        attr, extra = checks[name]
        claimed = layer.getfieldval(attr)
        if claimed is not None and claimed + extra > available:
            problems.append(
                f"{name} {attr} says {claimed + extra} bytes, but only {available} are there"
            )
    return problems


def _header_problems(layer: Packet) -> list[str]:
    """What Wireshark calls bogus in an IP, TCP or UDP header, in its words."""
    name = type(layer).__name__
    get = layer.getfieldval
    out = []
    if name == "IP":
        if get("version") != 4:
            out.append(f"Bogus IPv4 version ({get('version')}, must be 4)")
        elif get("ihl") is not None and get("ihl") < 5:
            out.append(f"Bogus IP header length ({get('ihl') * 4}, must be at least 20)")
        elif get("len") and get("ihl") is not None and get("len") < get("ihl") * 4:
            out.append(f"Bogus IP length ({get('len')}, less than header length {get('ihl') * 4})")
    elif name == "IPv6" and get("version") != 6:
        out.append(f"Bogus IPv6 version ({get('version')}, must be 6)")
    elif name == "TCP" and get("dataofs") is not None and get("dataofs") < 5:
        out.append(f"Bogus TCP header length ({get('dataofs') * 4}, must be at least 20)")
    elif name == "UDP" and get("len") is not None and get("len") < 8:
        out.append(f"Bad UDP length value {get('len')} < 8")
    return out


_SCAPY_HTTP = ("HTTP", "HTTPRequest", "HTTPResponse")
#: Layers whose payload Wireshark reads only as one of these (past an MPLS label stack, the
#: first nibble picks IPv4, IPv6 or an Ethernet pseudowire, see :func:`_mpls_payload`);
#: scapy guesses further, so anything else stays Raw.
_PAYLOADS = {"MPLS": ("MPLS", "IP", "IPv6", "EoMCW", "Ether", "Dot3")}


def _mpls_payload(label: Packet, payload: bytes) -> type[Packet] | None:
    """What Wireshark 4.0 dissects after an MPLS label: the next label, then by the first
    nibble IPv4 (4), IPv6 (6) or, for 0, an Ethernet pseudowire (``pw_eth_heuristic``: the
    frame itself when both would-be MAC addresses start with a registered prefix, else a
    control word first); None for anything else (data)."""
    if not label.s:
        return mpls.MPLS
    nibble = payload[0] >> 4 if payload else -1
    if nibble == 0:
        return l2.Ether if plain_ethernet(payload) else mpls.EoMCW
    return {4: inet.IP, 6: inet6.IPv6}.get(nibble)


#: scapy layers whose fields find their alignment from the length of the whole frame.
_WHOLE_FRAME_LAYERS = ("RadioTap",)

#: HTTP header names scapy spells other than Title_Case (scapy/layers/http.py field names).
HTTP_HEADER_NAMES = {
    name.lower(): name
    for name in (
        "A_IM", "Content_MD5", "DNT", "ETag", "HTTP2_Settings", "IM", "P3P", "TE",
        "WWW_Authenticate", "X_ATT_DeviceId", "X_Correlation_ID", "X_Request_ID",
        "X_UA_Compatible", "X_UIDH", "X_WebKit_CSP", "X_XSS_Protection",
    )
}  # fmt: skip


def _header_name(name: str) -> str:
    """scapy's field name for an HTTP header: ``content-type`` -> ``Content_Type``.

    (scapy.layers.http is not imported: importing it binds its HTTP layer to ports 80 and
    8080 for every later dissection in the process.)
    """
    return HTTP_HEADER_NAMES.get(name.lower()) or "_".join(
        word.capitalize() for word in name.split("_")
    )


#: The first line of an HTTP/1.x message: scapy's field names for its three parts.
HTTP_START_LINES = {
    "HTTPRequest": ("Method", "Path", "Http_Version"),
    "HTTPResponse": ("Http_Version", "Status_Code", "Reason_Phrase"),
}


def _http_layers(layers: list[Layer], data: bytes) -> list[Layer]:
    """Turn a TCP payload that holds a complete HTTP/1.x head into an HTTP layer with fields.

    Fields are scapy's names: the start line's three parts, then one field per header line
    (``Host``, ``User_Agent`` ...), each credited with its whole line including CRLF, and the
    blank line that ends the head. A body stays a Raw layer after it.
    """
    if len(layers) < 2 or layers[-1].name != "Raw" or layers[-2].name != "TCP":
        return layers
    raw = layers[-1]
    payload = data[raw.offset : raw.end]
    end = payload.find(b"\r\n\r\n")
    if not payload.startswith(HTTP_STARTS) or end < 0:
        return layers
    kind = "HTTPResponse" if payload.startswith(b"HTTP/") else "HTTPRequest"
    head_len = end + 4
    fields: list[Field] = []

    def add(name: str, start: int, stop: int, value: bytes) -> None:
        at = raw.offset + start
        text = value.decode("latin-1")
        fields.append(Field(name, text, value, at, stop - start, at * 8, (stop - start) * 8))

    line_end = payload.find(b"\r\n")
    parts = payload[:line_end].split(b" ", 2)
    if len(parts) != 3:
        return layers
    pos = 0
    for i, (name, value) in enumerate(zip(HTTP_START_LINES[kind], parts)):
        stop = pos + len(value) + (1 if i < 2 else 2)  # the space after it, or the CRLF
        add(name, pos, stop, value)
        pos = stop
    while pos < end + 2:
        stop = payload.find(b"\r\n", pos) + 2
        name, _, value = payload[pos : stop - 2].partition(b":")
        label = name.decode("latin-1").strip().replace("-", "_") or "header"
        label = _header_name(label)
        add(label, pos, stop, value.strip())
        pos = stop
    add("end_of_headers", pos, head_len, b"")
    summary = payload[:line_end].decode("latin-1")
    http = Layer(kind, kind.replace("HTTP", "HTTP "), summary, raw.offset, head_len, tuple(fields))
    out = [*layers[:-1], http]
    if head_len < len(payload):
        body_at = raw.offset + head_len
        body = data[body_at : raw.end]
        load = Field("load", repr(body), body, body_at, len(body), body_at * 8, len(body) * 8)
        out.append(Layer("Raw", "Raw", "Raw", body_at, len(body), (load,)))
    return out


def _merge_ppp(layers: list[Layer]) -> list[Layer]:
    """One PPP layer for the HDLC-like address and control bytes and the protocol after them,
    as Wireshark shows it (scapy splits them into an ``HDLC`` and a ``PPP`` layer)."""
    for i, layer in enumerate(layers[:-1]):
        after = layers[i + 1]
        if layer.name == "HDLC" and after.name == "PPP" and after.offset == layer.end:
            merged = Layer(
                name="PPP",
                long_name=after.long_name,
                summary=after.summary,
                offset=layer.offset,
                length=layer.length + after.length,
                fields=layer.fields + after.fields,
            )
            return [*layers[:i], merged, *layers[i + 2 :]]
    return layers


def _is_fragment(layer: Packet) -> bool:
    """An IPv4 header or IPv6 fragment header of a fragment: what follows is a piece of a
    datagram, which Wireshark dissects only once reassembled (on the frame completing it)."""
    name = type(layer).__name__
    try:
        if name == "IP":
            return bool(layer.frag) or bool(int(layer.flags) & 1)
        if name == "IPv6ExtHdrFragment":
            return bool(layer.offset) or bool(layer.m)
    except Exception:  # a header cut before these fields
        return False
    return False


def _article(words: str) -> str:
    """``an Ethernet``, ``a Linux cooked-mode capture v1``."""
    return f"{'an' if words[:1].lower() in 'aeiou' else 'a'} {words}"


def dissect(data: bytes, linktype: int = 1, http: bool = False) -> Dissection:
    """Dissect one frame (Ethernet unless ``linktype`` says otherwise) into layers and fields.

    ``linktype`` is any of :data:`netcourse.protocols.LINK_TYPES`: Ethernet (1), raw IP of
    either version (101), Linux cooked captures v1 (113) and v2 (276), raw IPv4 (228) and raw
    IPv6 (229), BSD loopback (0, 108), PPP (9, 50) and 802.11 behind radiotap (127).

    With ``http=True`` a TCP payload holding a whole HTTP/1.x head becomes an ``HTTPRequest``
    or ``HTTPResponse`` layer with one field per part of the start line and per header line;
    by default it stays ``Raw``, as scapy leaves it on ports other than 80.

    >>> from netcourse.packets import frame
    >>> d = dissect(frame("arp-icmp", 1))
    >>> d.summary
    'Ether / ARP'
    >>> op = d["ARP"]["op"]
    >>> op.value, op.raw, op.offset, op.length
    ('who-has', 1, 20, 2)
    >>> dissect(b"\\x00" * 5)
    Traceback (most recent call last):
    ...
    netcourse.errors.PacketError: 5 bytes: too short for an Ethernet header (it needs 14)
    >>> dissect(frame("udp", 3)[14:], linktype=228).summary
    'IP / UDP / Raw'
    """
    if isinstance(data, Packet):
        data = bytes(data)
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise PacketError(
            f"dissect() takes the frame's bytes, not {type(data).__name__}; "
            "use bytes(pkt) for a scapy packet"
        )
    link = link_type(linktype)
    if not data:
        raise PacketError("an empty frame: there is nothing to dissect")
    if len(data) > MAX_FRAME:
        raise PacketError(f"{len(data)} bytes: larger than any capturable frame ({MAX_FRAME})")
    if len(data) < link.header:
        raise PacketError(
            f"{len(data)} bytes: too short for {_article(link.description)} header "
            f"(it needs {link.header})"
        )
    cls = scapy_class(link.number, data)
    try:
        pkt = cls(data)
    except Exception as exc:
        raise PacketError(f"{len(data)} bytes: not a valid {cls.__name__} frame ({exc})") from None

    layers: list[Layer] = []
    problems: list[str] = []
    offset = 0
    current: Packet = pkt
    parent: Packet | None = None
    while current is not None and not isinstance(current, NoPayload):
        name = type(current).__name__
        if type(parent).__name__ == "MPLS" and not isinstance(current, Padding):
            payload = bytes(current)
            wanted = _mpls_payload(parent, payload)
            try:
                if wanted is l2.Ether and payload[12:14] == b"\x00\x00":
                    # an EtherType of 0 is Ethernet II to Wireshark, 802.3 to scapy's dispatch
                    current = l2.Ether.__new__(l2.Ether)
                    current.__init__(payload)
                elif wanted is None:
                    current = Raw(payload)
                elif type(current) is not wanted:
                    current = wanted(payload)
            except Exception:  # cut too short for that header: scapy's own reading stays
                pass
            else:
                parent.remove_payload()
                parent.add_payload(current)
            name = type(current).__name__
        allowed = _PAYLOADS.get(type(parent).__name__) if parent is not None else None
        if parent is not None and _is_fragment(parent):  # Wireshark shows it reassembled
            allowed = ()
        if allowed is not None and name not in allowed and not isinstance(current, Raw):
            current = Raw(bytes(current))
            name = "Raw"
        if name in _SCAPY_HTTP:  # bound by scapy.layers.http when imported: same view as not
            pad = pkt.getlayer(Padding)
            size = len(data) - offset - (len(pad.load) if pad is not None else 0)
            current = Raw(data[offset : offset + size])
            if pad is not None:
                current.add_payload(pad)
            name = "Raw"
        header = current.raw_packet_cache
        if header is None:
            try:
                header = bytes(current)[: len(bytes(current)) - len(bytes(current.payload))]
            except Exception:
                header = b""
        trailer = sum(f.fld.sz for f in current.fields_desc if isinstance(f, TrailerField))
        header = data[offset : offset + len(header) - trailer]
        if type(current) is Raw and parent is not None and not isinstance(current, Padding):
            try:
                if type(parent).__name__ == "MPLS":  # Wireshark's guess, not scapy's
                    expected = _mpls_payload(parent, current.load) or Raw
                else:
                    expected = parent.guess_payload_class(current.load)
            except Exception:
                expected = Raw
            guessed = _PAYLOADS.get(type(parent).__name__)  # None: any of scapy's guesses
            guessed = () if _is_fragment(parent) else guessed
            if guessed is not None and expected is not None and expected.__name__ not in guessed:
                expected = Raw
            if expected not in (Raw, None) and expected.__name__ not in ("Raw", *_SCAPY_HTTP):
                problems.append(
                    f"{type(parent).__name__} payload is not a valid {expected.__name__} "
                    f"(at byte {offset}, {len(header)} bytes left)"
                )
        # radiotap aligns its fields from the start of the frame scapy dissected: replay
        # them on all of it (they end where the header's own length says)
        replay = data[offset:] if name in _WHOLE_FRAME_LAYERS else header
        fields, complete = _fields(current, replay, offset, data)
        if not complete:
            problems.append(f"{name} header could not be read completely")
        problems.extend(_length_problems(current, len(data) - offset))
        problems.extend(_header_problems(current))
        layers.append(
            Layer(
                name=name,
                long_name=str(current.name),
                summary=_summary(current),
                offset=offset,
                length=len(header),
                fields=tuple(fields),
            )
        )
        offset += len(header)
        parent, current = current, current.payload
        if len(layers) > 64:
            problems.append("more than 64 layers: stopped")
            break
    layers = _merge_ppp(layers)
    if http:
        layers = _http_layers(layers, data)
    return Dissection(
        data=data, layers=tuple(layers), malformed=bool(problems), problems=tuple(problems)
    )
