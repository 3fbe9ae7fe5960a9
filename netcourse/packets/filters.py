"""A small subset of Wireshark's display filters, evaluated on every packet at once with numpy.

Protocol names (``tcp``, ``arp``, ``dns`` ...: the protocol as Wireshark dissects it),
comparisons such as ``ip.addr == 198.18.0.1``, ``ip.src == 198.18.0.0/24``, ``tcp.port in {80,
443}``, ``frame.len > 100``, ``dns.qry.name contains "example"``, a bare field for "the packet
has it" (``tcp.port``, ``tcp.analysis.retransmission``), combined with ``and``/``or``/``not``
(``&& || !``) and parentheses. ``tcp.stream`` and ``tcp.analysis.*`` come from the capture's TCP
analysis (netcourse.packets.analysis, Wireshark's rules), DNS and HTTP fields from the payloads
of the frames that carry those protocols, computed only when a filter names them; every other
field is a numpy column, so a filter of those runs on 200,000 packets at once. A filter that
cannot be read raises FilterError saying which part and what was expected.
Taught in notebooks/02-osi-layers-and-packets.ipynb.

>>> from netcourse.packets import read_capture
>>> cap = read_capture("udp")
>>> matching(cap, "udp and udp.dstport == 7").tolist()
[1]
>>> matching(cap, "icmp or udp.port == 9").tolist()
[3, 4]
>>> matching(read_capture("impaired"), "tcp.analysis.retransmission && tcp.stream == 1").tolist()
[236, 260]
>>> try:
...     compile_filter("tcp.prt == 80")
... except FilterError as exc:
...     print(str(exc)[:64])
'tcp.prt == 80': unknown field 'tcp.prt' (did you mean tcp.port,
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from netcourse.errors import FilterError, quote
from netcourse.packets.capture import _require_readable
from netcourse.packets.fast import TUNNEL_LAYERS, Columns
from netcourse.packets.http import HEAD_WORDS, http_frames
from netcourse.packets.instances import occurrences, present
from netcourse.packets.payloads import dns_heuristic, dns_query_names, http_methods
from netcourse.protocols import (
    DNS_RELATIVE_PORTS,
    ETHERTYPES,
    IP_PROTOCOLS,
    LINK_TYPES,
    TCP_ANALYSIS_FLAGS,
    WELL_KNOWN_PORTS,
    TcpFlags,
)
from netcourse.readers import read_mac

__all__ = [
    "Filter",
    "compile_filter",
    "matching",
    "first_matching",
    "FILTER_PROTOCOLS",
    "FIELD_NAMES",
    "MAX_DEPTH",
]

#: The deepest a filter may nest parentheses and ``not`` (Wireshark's own grammar has a limit
#: too); deeper is a FilterError, never a RecursionError.
MAX_DEPTH = 100
_TCP, _UDP = IP_PROTOCOLS["tcp"], IP_PROTOCOLS["udp"]
_ICMP, _ICMPV6 = IP_PROTOCOLS["icmp"], IP_PROTOCOLS["icmpv6"]
DNS_PORT = next(port for port, service in WELL_KNOWN_PORTS.items() if service.label == "DNS")
#: Ports of the other services we know: Wireshark gives them to their own dissector first.
_OTHER_SERVICES = np.array(
    [port for port in WELL_KNOWN_PORTS if port != DNS_PORT] + list(DNS_RELATIVE_PORTS)
)
_ETHERNET = next(lt.number for lt in LINK_TYPES.values() if lt.decode == "ethernet")

Mask = Callable[[Columns, np.ndarray], np.ndarray]


def _http(c: Columns, n) -> np.ndarray:
    """The frames Wireshark's HTTP dissector shows a message in: where a message ends, its
    head and body reassembled from the segments before (see netcourse.packets.http)."""
    out = np.zeros(len(c.l4proto), dtype=bool)
    if not ((c.l4proto == _TCP) & np.isin(c.payload4, HEAD_WORDS)).any():
        return out  # no segment starts like HTTP: no reassembly to do
    found = http_frames(c.needs_capture("http").tcp_context.segments)
    out[[frame for frame, (kind, _) in found.items() if kind == "http"]] = True
    return out


def _dns(c, _n) -> np.ndarray:
    """DNS as Wireshark finds it: a TCP or UDP payload to or from port 53 (a TCP handshake on
    port 53 carries none, so it is not DNS), or a UDP payload on other ports that its DNS
    heuristic accepts, unless a port belongs to another service we know."""
    on_port = (c.sport == DNS_PORT) | (c.dport == DNS_PORT)
    payload = np.where(c.l4proto == _TCP, c.tcp_len, c.udp_length - 8)
    other = np.isin(c.sport, _OTHER_SERVICES) | np.isin(c.dport, _OTHER_SERVICES)
    guessed = ~on_port & ~other & dns_heuristic(c.needs_capture("dns"))
    return (on_port & (payload > 0)) | guessed


def _inner_ports(c: Columns, proto: int) -> np.ndarray:
    """True where an ICMP error quotes a TCP (6) or UDP (17) header with its ports."""
    return (c.inner_l4proto == proto) & (c.inner_sport >= 0)


#: The protocol names a display filter can test for, each a mask over the decoded columns. Like
#: Wireshark, the headers an ICMP error quotes count too: ``udp`` keeps a "port unreachable".
FILTER_PROTOCOLS: dict[str, Mask] = {
    "eth": lambda c, n: (c.linktype == _ETHERNET) | present(c, "eth"),
    "vlan": lambda c, n: (c.vlan >= 0) | present(c, "vlan"),
    "arp": lambda c, n: np.isin(c.ethertype, (ETHERTYPES["arp"], ETHERTYPES["rarp"])),
    "ip": lambda c, n: c.ipv4_seen | (c.inner_version == 4) | present(c, "ip"),
    "ipv6": lambda c, n: c.ipv6_seen | (c.inner_version == 6) | present(c, "ipv6"),
    "icmp": lambda c, n: (c.version == 4) & (c.l4proto == _ICMP),
    "icmpv6": lambda c, n: (c.version == 6) & (c.l4proto == _ICMPV6),
    "tcp": lambda c, n: (c.transport_seen & (c.l4proto == _TCP)) | _inner_ports(c, _TCP),
    "udp": lambda c, n: (
        (c.transport_seen & (c.l4proto == _UDP)) | _inner_ports(c, _UDP) | present(c, "udp")
    ),
    "http": _http,
    "dns": _dns,
    # a tunnel's own layers (its outer IP and UDP headers count for ip/ipv6/udp above)
    **{kind: (lambda c, n, kind=kind: present(c, kind)) for kind in TUNNEL_LAYERS},
}

_ADDRESS_FIELDS = {
    "ip.addr": (4, ("src", "dst")),
    "ip.src": (4, ("src",)),
    "ip.dst": (4, ("dst",)),
    "ipv6.addr": (6, ("src", "dst")),
    "ipv6.src": (6, ("src",)),
    "ipv6.dst": (6, ("dst",)),
}


def _ports(proto: int, which: tuple[str, ...]) -> Callable[[Columns, np.ndarray], list]:
    """The port arrays of a transport, outer header and the one an ICMP error quotes."""

    def arrays(c: Columns, n) -> list[np.ndarray]:
        out = []
        for side in which:  # a port is a field wherever its bytes were captured
            out.append(np.where(c.l4proto == proto, getattr(c, f"any_{side}"), -1))
            out.append(np.where(c.inner_l4proto == proto, getattr(c, f"inner_{side}"), -1))
            if proto == _UDP:  # a tunnel's outer UDP header
                out.extend(occurrences(c, "udp", side))
        return out

    return arrays


#: Wireshark's names of the TCP flag fields, by flag.
_FLAG_FIELDS = {
    "fin": TcpFlags.FIN,
    "syn": TcpFlags.SYN,
    "reset": TcpFlags.RST,
    "push": TcpFlags.PSH,
    "ack": TcpFlags.ACK,
    "urg": TcpFlags.URG,
    "ece": TcpFlags.ECE,
    "cwr": TcpFlags.CWR,
}


def _flag(bit: int) -> Callable[[Columns, np.ndarray], list[np.ndarray]]:
    """One TCP flag as a 0/1 field, present wherever TCP's flags are."""
    return lambda c, n: [np.where(c.tcp_flags >= 0, (c.tcp_flags & int(bit)) != 0, -1)]


def _stream(c, n) -> list[np.ndarray]:
    """tcp.stream of each frame's TCP header, and of the one an ICMP error quotes."""
    segs = c.needs_capture("tcp.stream").tcp_context.segments
    outer, quoted = np.full(len(n), -1, np.int64), np.full(len(n), -1, np.int64)
    for target, which in ((outer, ~segs.quoted), (quoted, segs.quoted)):
        target[segs.frame[which] - 1] = segs.stream[which]
    return [outer, quoted]


_NUMBER_FIELDS: dict[str, tuple[int, Callable[[Columns, np.ndarray], list[np.ndarray]]]] = {
    # name -> (largest value, the arrays holding it; a packet matches if any of them does)
    "tcp.port": (65535, _ports(_TCP, ("sport", "dport"))),
    "tcp.srcport": (65535, _ports(_TCP, ("sport",))),
    "tcp.dstport": (65535, _ports(_TCP, ("dport",))),
    "udp.port": (65535, _ports(_UDP, ("sport", "dport"))),
    "udp.srcport": (65535, _ports(_UDP, ("sport",))),
    "udp.dstport": (65535, _ports(_UDP, ("dport",))),
    "vlan.id": (4095, lambda c, n: [c.vlan, *occurrences(c, "vlan", "value")]),
    "icmp.type": (255, lambda c, n: [np.where(c.version == 4, c.icmp_type, -1)]),
    "icmpv6.type": (255, lambda c, n: [np.where(c.version == 6, c.icmp_type, -1)]),
    "ip.proto": (255, lambda c, n: [c.ip_proto,
                                    np.where(c.inner_version == 4, c.inner_l4proto, -1),
                                    *occurrences(c, "ip", "value")]),
    "frame.len": (1 << 31, lambda c, n: [n]),
    "tcp.stream": (1 << 31, _stream),
    "frame.number": (1 << 31, lambda c, n: [np.arange(1, len(n) + 1)]),
    "ip.ttl": (255, lambda c, n: [c.ip_ttl, *occurrences(c, "ip", "ttl")]),
    "tcp.len": (1 << 31, lambda c, n: [c.tcp_len]),
    "tcp.flags": (0xFFF, lambda c, n: [c.tcp_flags]),
    "udp.length": (
        65535,
        lambda c, n: [c.udp_length, c.inner_udp_length, *occurrences(c, "udp", "value")],
    ),
    **{f"tcp.flags.{name}": (1, _flag(bit)) for name, bit in _FLAG_FIELDS.items()},
}  # fmt: skip


def _analysis(flag: str | None) -> Mask:
    """Frames carrying one tcp.analysis flag (any of them for ``tcp.analysis.flags``)."""

    def run(c, n) -> np.ndarray:
        name = f"tcp.analysis.{flag or 'flags'}"
        ctx = c.needs_capture(name).tcp_context
        segs, result = ctx.segments, ctx.analysis
        hit = np.zeros(len(n), dtype=bool)
        for i in np.flatnonzero(result.reported & (result.bits != 0)).tolist():
            names = result.names(i)
            if names and (flag is None or flag in names):
                hit[int(segs.frame[i]) - 1] = True
        return hit

    return run


#: The tcp.analysis fields: flags a frame has or has not (no value to compare).
_ANALYSIS_FIELDS: dict[str, Mask] = {
    "tcp.analysis.flags": _analysis(None),
    **{f"tcp.analysis.{name}": _analysis(name) for name in TCP_ANALYSIS_FLAGS},
}


def _dns_names(c, n) -> dict[int, list[str]]:
    cap = c.needs_capture("dns.qry.name")
    return dns_query_names(cap, np.flatnonzero(_dns(c, n)))


def _http_methods(c, n) -> dict[int, list[str]]:
    cap = c.needs_capture("http.request.method")
    return {row: [m] for row, m in http_methods(cap, np.flatnonzero(_http(c, n))).items()}


#: Text fields read from payloads (frame index -> the field's values in that frame).
_TEXT_FIELDS: dict[str, Callable[..., dict[int, list[str]]]] = {
    "dns.qry.name": _dns_names,
    "http.request.method": _http_methods,
}

#: MAC address fields -> the columns holding them (a packet matches if any of them does).
_MAC_FIELDS = {"eth.addr": ("eth_src", "eth_dst"), "eth.src": ("eth_src",), "eth.dst": ("eth_dst",)}

#: Every field name a filter may compare.
FIELD_NAMES = (
    tuple(_ADDRESS_FIELDS)
    + tuple(_MAC_FIELDS)
    + tuple(_NUMBER_FIELDS)
    + tuple(_TEXT_FIELDS)
    + tuple(_ANALYSIS_FIELDS)
)

_OPERATORS = {
    "==": np.equal,
    "eq": np.equal,
    "!=": np.not_equal,
    "ne": np.not_equal,
    "<": np.less,
    "lt": np.less,
    ">": np.greater,
    "gt": np.greater,
    "<=": np.less_equal,
    "le": np.less_equal,
    ">=": np.greater_equal,
    "ge": np.greater_equal,
}
_TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"?|==|!=|<=|>=|&&|\|\||[(){}<>!,]|[A-Za-z0-9_.:/\-]+)')


class _View:
    """The decoded columns a mask reads, with the capture for the fields that need more."""

    __slots__ = ("_columns", "_capture")

    def __init__(self, columns: Columns, capture):
        self._columns, self._capture = columns, capture

    def __getattr__(self, name: str):
        return getattr(self._columns, name)

    def needs_capture(self, field: str):
        if self._capture is None:
            raise FilterError(
                f"{field} is computed from the whole capture: pass capture= to Filter.mask, "
                "or use matching(capture, text)"
            )
        return self._capture


@dataclass(frozen=True)
class Filter:
    """A compiled display filter: call ``mask(columns, lengths)`` for a boolean per packet."""

    text: str
    _mask: Mask

    def mask(self, columns: Columns, lengths: np.ndarray, capture=None) -> np.ndarray:
        """True for each packet the filter keeps; ``capture`` (the Capture the columns come
        from) is needed by ``tcp.stream``, ``tcp.analysis.*``, ``dns.qry.name`` and
        ``http.request.method``."""
        return np.asarray(self._mask(_View(columns, capture), lengths), dtype=bool)


def _tokens(text: str) -> list[str]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            bad = text[pos:].strip()[:1]
            raise FilterError(f"{quote(text)}: unexpected character {bad!r} at position {pos + 1}")
        tokens.append(m.group(1))
        pos = m.end()
    return tokens


def _address_mask(text: str, version: int, sides: tuple[str, ...], op: str) -> Mask:
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        kind = "IPv4" if version == 4 else "IPv6"
        raise FilterError(
            f"{quote(text)} is not an {kind} address or network (like "
            f"{'198.18.0.1 or 198.18.0.0/24' if version == 4 else 'fd00::1 or fd00::/64'})"
        ) from None
    if net.version != version:
        field = "ipv6.addr" if net.version == 6 else "ip.addr"
        raise FilterError(f"{text!r} is an IPv{net.version} address: compare it with {field}")
    if op not in ("==", "eq", "!=", "ne"):
        raise FilterError(f"addresses compare with == or !=, not {op}")
    bits = 32 if version == 4 else 128
    value = int(net.network_address) | ((0xFFFF << 32) if version == 4 else 0)  # v4-mapped
    mask = ((1 << 128) - 1) ^ ((1 << (bits - net.prefixlen)) - 1)
    v_hi, v_lo = np.uint64(value >> 64), np.uint64(value & ((1 << 64) - 1))
    m_hi, m_lo = np.uint64(mask >> 64), np.uint64(mask & ((1 << 64) - 1))

    def run(c: Columns, n) -> np.ndarray:
        outer, inner = c.version == version, c.inner_version == version
        hit = np.zeros(len(n), dtype=bool)
        for side in sides:
            for prefix, where in (("", outer), ("inner_", inner)):  # ICMP errors quote one
                hi, lo = getattr(c, f"{prefix}{side}_hi"), getattr(c, f"{prefix}{side}_lo")
                hit |= where & ((hi & m_hi) == v_hi) & ((lo & m_lo) == v_lo)
            kind = "ip" if version == 4 else "ipv6"  # a tunnel's outer headers
            for hi, lo in zip(
                occurrences(c, kind, f"{side}_hi"), occurrences(c, kind, f"{side}_lo")
            ):
                hit |= ((hi & m_hi) == v_hi) & ((lo & m_lo) == v_lo)
        found = outer | inner | present(c, "ip" if version == 4 else "ipv6")
        return found & (hit if op in ("==", "eq") else ~hit)

    return run


def _mac_mask(name: str, text: str, op: str) -> Mask:
    mac = read_mac(text, error=FilterError)
    if op not in ("==", "eq", "!=", "ne"):
        raise FilterError(f"MAC addresses compare with == or !=, not {op}")
    value = int(mac.replace(":", ""), 16)
    sides = _MAC_FIELDS[name]

    def run(c: Columns, n) -> np.ndarray:
        present_ = np.zeros(len(n), dtype=bool)
        hit = np.zeros(len(n), dtype=bool)
        for side in sides:
            values = getattr(c, side)
            present_ |= values >= 0
            hit |= values == value
            for values in occurrences(c, "eth", f"{side[4:]}_lo"):  # a tunnel's inner Ethernet
                hit |= values == np.uint64(value)
        present_ |= present(c, "eth")
        return present_ & (hit if op in ("==", "eq") else ~hit)

    return run


def _number_mask(name: str, text: str, op: str) -> Mask:
    largest, arrays = _NUMBER_FIELDS[name]
    try:
        value = int(text, 0)
    except ValueError:
        value = -1
    if not 0 <= value <= largest:
        what = "a port number" if "port" in name else "a number"
        raise FilterError(f"{name}: {quote(text)} is not {what} (0-{largest})")
    compare = _OPERATORS[op]

    def run(c: Columns, n) -> np.ndarray:
        values = arrays(c, n)
        present = np.zeros(len(n), dtype=bool)
        hit = np.zeros(len(n), dtype=bool)
        for v in values:
            present |= v >= 0
            if op in ("!=", "ne"):
                hit |= v == value
            else:
                hit |= (v >= 0) & compare(v, value)
        return present & ~hit if op in ("!=", "ne") else hit

    return run


def _text_value(name: str, text: str) -> str:
    if text.startswith('"'):
        if len(text) < 2 or not text.endswith('"'):
            raise FilterError(f"{name}: {quote(text)} is a string that is never closed")
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def _text_mask(name: str, text: str, op: str) -> Mask:
    if op not in ("==", "eq", "!=", "ne", "contains"):
        raise FilterError(f"{name} is text: compare it with ==, != or contains, not {op}")
    value = _text_value(name, text)
    values = _TEXT_FIELDS[name]

    def run(c, n) -> np.ndarray:
        out = np.zeros(len(n), dtype=bool)
        for row, found in values(c, n).items():
            if op == "contains":
                out[row] = any(value in v for v in found)
            elif op in ("==", "eq"):
                out[row] = value in found
            else:
                out[row] = value not in found
        return out

    return run


def _exists(name: str) -> Mask:
    """A bare field: the packet has it (Wireshark's field existence test)."""
    if name in _ANALYSIS_FIELDS:
        return _ANALYSIS_FIELDS[name]
    if name in _TEXT_FIELDS:
        values = _TEXT_FIELDS[name]

        def text(c, n) -> np.ndarray:
            out = np.zeros(len(n), dtype=bool)
            out[list(values(c, n))] = True
            return out

        return text
    if name in _ADDRESS_FIELDS:
        version = _ADDRESS_FIELDS[name][0]
        return lambda c, n: (c.version == version) | (c.inner_version == version)
    if name in _MAC_FIELDS:
        sides = _MAC_FIELDS[name]
        return lambda c, n: np.logical_or.reduce([getattr(c, side) >= 0 for side in sides])
    arrays = _NUMBER_FIELDS[name][1]
    return lambda c, n: np.logical_or.reduce([v >= 0 for v in arrays(c, n)])


def _unknown_field(name: str) -> str:
    """Say which names come close, and the known fields of the same protocol (or the
    protocols that have fields), so the message stays short."""
    close = difflib.get_close_matches(name, FIELD_NAMES, n=3, cutoff=0.6)
    hint = ""
    if close:
        hint = f" (did you mean {close[0] if len(close) == 1 else ', '.join(close[:-1])}"
        hint += f" or {close[-1]}?)" if len(close) > 1 else "?)"
    proto = name.split(".")[0]
    same = [field for field in FIELD_NAMES if field.split(".")[0] == proto]
    if same:
        return f"unknown field {quote(name)}{hint}; known {proto} fields: {', '.join(same)}"
    prefixes = sorted({field.split(".")[0] for field in FIELD_NAMES})
    return f"unknown field {quote(name)}{hint}; known fields start with: {', '.join(prefixes)}"


def _field_mask(name: str, value: str, op: str) -> Mask:
    """One comparison of a known field with a value (FilterError for an unknown one)."""
    if name in _ADDRESS_FIELDS:
        version, sides = _ADDRESS_FIELDS[name]
        return _address_mask(value, version, sides, op)
    if name in _NUMBER_FIELDS:
        if op == "contains":
            raise FilterError(f"{name} is a number: compare it with == != < > <= >=")
        return _number_mask(name, value, op)
    if name in _MAC_FIELDS:
        return _mac_mask(name, value, op)
    if name in _TEXT_FIELDS:
        return _text_mask(name, value, op)
    if name in _ANALYSIS_FIELDS:
        raise FilterError(f"{name} is a flag a frame has or not: write it alone, like {name}")
    raise FilterError(_unknown_field(name))


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0
        self.depth = 0  # how many '(' and 'not' enclose the current token

    def error(self, message: str) -> FilterError:
        return FilterError(f"{quote(self.text)}: {message}")

    def enter(self, token: str) -> None:
        """One level deeper (a '(' or a 'not'); FilterError past MAX_DEPTH levels."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                f"nesting deeper than {MAX_DEPTH} levels of '(' and 'not' (level "
                f"{self.depth} is the {token!r} at token {self.pos}); write it with fewer"
            )

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise self.error("the filter ends too early: expected a protocol or field next")
        self.pos += 1
        return token

    def parse(self) -> Mask:
        mask = self.parse_or()
        if self.peek() is not None:
            raise self.error(f"unexpected {quote(self.peek())}: expected 'and', 'or' or the end")
        return mask

    def parse_or(self) -> Mask:
        parts = [self.parse_and()]
        while self.peek() in ("or", "||"):
            self.take()
            parts.append(self.parse_and())
        if len(parts) == 1:
            return parts[0]
        return lambda c, n: np.logical_or.reduce([p(c, n) for p in parts])

    def parse_and(self) -> Mask:
        parts = [self.parse_not()]
        while self.peek() in ("and", "&&"):
            self.take()
            parts.append(self.parse_not())
        if len(parts) == 1:
            return parts[0]
        return lambda c, n: np.logical_and.reduce([p(c, n) for p in parts])

    def parse_not(self) -> Mask:
        if self.peek() in ("not", "!"):
            self.enter(self.take())
            inner = self.parse_not()
            self.depth -= 1
            return lambda c, n: ~inner(c, n)
        return self.parse_primary()

    def parse_set(self, name: str) -> Mask:
        """``field in {a, b, c}``: the field equals one of the values (Wireshark 4 wants the
        commas)."""
        self.take()
        if self.peek() != "{":
            raise self.error(f"{quote(name)} in needs a set of values, like {{80, 443}}")
        self.take()
        masks: list[Mask] = []
        while True:
            if self.peek() is None:
                raise self.error("a '{' is never closed: add '}'")
            value = self.take()
            if value in ("}", ","):
                raise self.error(f"{quote(name)} in {{...}}: expected a value, not {value!r}")
            try:
                masks.append(_field_mask(name, value, "=="))
            except FilterError as exc:
                raise self.error(str(exc)) from None
            after = self.peek()
            if after == "}":
                self.take()
                break
            if after != ",":
                raise self.error("the values in {...} are separated by commas: {80, 443}")
            self.take()
        return lambda c, n: np.logical_or.reduce([m(c, n) for m in masks])

    def parse_primary(self) -> Mask:
        token = self.take()
        if token == "(":
            self.enter(token)
            inner = self.parse_or()
            if self.peek() != ")":
                raise self.error("a '(' is never closed: add ')'")
            self.take()
            self.depth -= 1
            return inner
        if token in (")", "and", "or", "&&", "||", "contains") or token in _OPERATORS:
            raise self.error(f"unexpected {quote(token)}: expected a protocol or field name")
        name = token.lower()
        if self.peek() == "in":
            return self.parse_set(name)
        if self.peek() in _OPERATORS or self.peek() == "contains":
            op = self.take()
            if self.peek() is None:
                raise self.error(f"{quote(name)} {op} needs a value after it")
            value = self.take()
            try:
                return _field_mask(name, value, op)
            except FilterError as exc:
                raise self.error(str(exc)) from None
        if name in FILTER_PROTOCOLS:
            return FILTER_PROTOCOLS[name]
        if name in FIELD_NAMES:  # a bare field: the packet has it, as in Wireshark
            return _exists(name)
        if "." in name:
            raise self.error(_unknown_field(name))
        known = ", ".join(FILTER_PROTOCOLS)
        raise self.error(f"unknown protocol {quote(name)}; known protocols: {known}")


def compile_filter(text: str) -> Filter:
    """Read a display filter; an empty one keeps every packet.

    >>> compile_filter("tcp.port == 80 and not ip.addr == 198.18.0.1").text
    'tcp.port == 80 and not ip.addr == 198.18.0.1'
    """
    if not isinstance(text, str):
        raise FilterError(f"a filter is text, not {type(text).__name__}")
    if not text.strip():
        return Filter(text, lambda c, n: np.ones(len(n), dtype=bool))
    return Filter(text, _Parser(text).parse())


def matching(capture, text: str) -> np.ndarray:
    """Numbers (1-based, like Wireshark's No.) of the packets of ``capture`` that ``text`` keeps."""
    flt = compile_filter(text)
    _require_readable(capture._index)
    mask = flt.mask(capture.columns, capture.lengths, capture=capture)
    return np.flatnonzero(mask) + 1


def first_matching(capture, texts) -> np.ndarray:
    """Per packet, the index of the first filter in ``texts`` that keeps it, or -1: how
    Wireshark picks a row's colouring rule.

    >>> from netcourse.packets import read_capture
    >>> first_matching(read_capture("arp-icmp"), ["icmp", "arp"]).tolist()
    [1, 1, 0, 0, 0, 0]
    """
    _require_readable(capture._index)
    out = np.full(len(capture), -1, dtype=np.int64)
    for index, text in enumerate(texts):
        mask = compile_filter(text).mask(capture.columns, capture.lengths, capture=capture)
        out[(out < 0) & mask] = index
    return out
