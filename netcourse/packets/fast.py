"""Bulk header decoding with numpy: every packet of a capture at once, no scapy objects.

Used by :func:`netcourse.packets.conversations` and the inspector's display filter. It reads
only what those need (VLAN tags, IPv4/IPv6 addresses, protocol numbers, ports, TCP flags, the
first payload bytes) by gathering single bytes at per-packet offsets, so 200,000 packets take
a fraction of a second. Taught in notebooks/02-osi-layers-and-packets.ipynb.

Like Wireshark it follows tunnels (VLAN and 802.1ad tags, MPLS with Ethernet pseudowires,
PPPoE, GRE and ERSPAN, VXLAN, Geneve, IP in IP): the columns hold the innermost packet's
fields and :class:`Layers` every outer header, which :func:`instances` and
:func:`occurrences` hand to conversations and filters. IP fragments are reassembled as
Wireshark does by default (netcourse/packets/reassembly.py): the completing frame carries
the whole datagram, decoded again with any tunnel in it, and a routing header's final
destination keys TCP/UDP.

>>> from netcourse.packets.capture import _index
>>> cols = decode(_index("udp"))
>>> cols.l4proto.tolist(), cols.dport.tolist()
([17, 17, 17, 1], [7, 40000, 9, -1])
>>> address(cols.version[0], cols.src_hi[0], cols.src_lo[0])
'198.18.0.1'
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, fields, replace

import numpy as np

from netcourse.packets.linkheaders import PPP_NUMBERS, VARIABLE, by_name
from netcourse.packets.oui import registered
from netcourse.packets.reassembly import MAX_REASSEMBLY, reassemble, whole_datagrams
from netcourse.protocols import (
    DOT1AD_ETHERTYPES,
    DOT1Q_ETHERTYPES,
    ETHERTYPES,
    GRE_FLAGS,
    GRE_PROTOCOLS,
    ICMP_TYPES,
    ICMPV6_TYPES,
    IP_IN_IP,
    IP_PROTOCOLS,
    IPV6_EXTENSION_HEADERS,
    LINK_TYPES,
    MPLS_ETHERTYPES,
    PPPOE_HEADER,
    TUNNEL_UDP_PORTS,
    VLAN_ETHERTYPES,
)

__all__ = [
    "Columns",
    "Layers",
    "decode",
    "address",
    "ETHERTYPES",
    "VLAN_ETHERTYPES",
    "ICMP_ERROR_TYPES",
    "LAYER_KINDS",
    "TUNNEL_LAYERS",
    "MAX_TUNNELS",
    "LEAN_FIELDS",
]

#: The IPv6 fragment header: 8 bytes, and only the first fragment holds the transport header.
_FRAGMENT = next(n for n, name in IPV6_EXTENSION_HEADERS.items() if name == "fragment")
#: The other IPv6 extension headers, skipped by their length byte to find the transport header.
IPV6_EXTENSIONS = tuple(n for n in IPV6_EXTENSION_HEADERS if n != _FRAGMENT)
#: ICMP and ICMPv6 error types, whose message quotes the offending packet's headers.
ICMP_ERROR_TYPES: dict[int, tuple[int, ...]] = {
    version: tuple(number for number, kind in table.items() if kind.error)
    for version, table in ((4, ICMP_TYPES), (6, ICMPV6_TYPES))
}
_TCP, _UDP = IP_PROTOCOLS["tcp"], IP_PROTOCOLS["udp"]
_ICMP, _ICMPV6 = IP_PROTOCOLS["icmp"], IP_PROTOCOLS["icmpv6"]
_V4_MAPPED = np.uint64(0xFFFF_0000_0000)


@dataclass(frozen=True)
class Columns:
    """Decoded header fields of every packet (numpy arrays, -1 or 0 where absent; a lean
    decode leaves the Ethernet addresses and the fields of :data:`LEAN_FIELDS` None)."""

    linktype: np.ndarray  # the LINKTYPE number of each packet's link layer (1: Ethernet)
    ethertype: np.ndarray  # innermost EtherType after VLAN tags (0: not Ethernet-like)
    eth_src: np.ndarray  # the Ethernet source MAC as a 48-bit number, -1 when not Ethernet
    eth_dst: np.ndarray
    vlan: np.ndarray  # outer VLAN id, -1 when untagged
    version: np.ndarray  # 4, 6 or 0
    src_hi: np.ndarray  # uint64: upper 64 bits of the IPv6 (or v4-mapped) source
    src_lo: np.ndarray
    dst_hi: np.ndarray
    dst_lo: np.ndarray
    l4proto: np.ndarray  # IP protocol / IPv6 next header of the transport, -1 when none
    ipv4_seen: np.ndarray  # bool: Wireshark's IPv4 dissector ran (even on a bogus header)
    ipv6_seen: np.ndarray  # bool: its IPv6 dissector ran (a version-6 header, maybe cut)
    ip_proto: np.ndarray  # IPv4's protocol field where Wireshark shows it, else -1
    ip_ttl: np.ndarray  # IPv4's TTL where Wireshark shows it, else -1
    tcp_len: np.ndarray  # Wireshark's tcp.len (the IP header's account of the payload), or -1
    udp_length: np.ndarray  # the UDP length field wherever it was captured, else -1
    transport_seen: np.ndarray  # bool: TCP/UDP dissected after a valid IP header (maybe cut)
    any_sport: np.ndarray  # the TCP/UDP source port wherever its bytes were captured, else -1
    any_dport: np.ndarray
    malformed: np.ndarray  # bool: a bogus or cut IP/TCP/UDP header, as Wireshark marks it
    sport: np.ndarray  # -1 when no complete, valid TCP/UDP header
    dport: np.ndarray
    tcp_flags: np.ndarray  # -1 when not TCP
    tcp_seq: np.ndarray  # -1 when not TCP
    tcp_ack: np.ndarray
    tcp_window: np.ndarray
    l4_offset: np.ndarray  # where the transport header starts in the file, -1 when none
    l3_offset: np.ndarray  # where the (innermost) IP header starts in the file, -1 when none
    icmp_type: np.ndarray  # -1 when not ICMP / ICMPv6
    payload4: np.ndarray  # uint32: first 4 bytes of the TCP/UDP payload (0 when fewer)
    payload_len: np.ndarray  # TCP/UDP payload bytes captured, -1 when not TCP/UDP
    # the IP header an ICMP error quotes (and its ports), like Wireshark shows inside ICMP
    inner_version: np.ndarray  # 4, 6 or 0
    inner_src_hi: np.ndarray
    inner_src_lo: np.ndarray
    inner_dst_hi: np.ndarray
    inner_dst_lo: np.ndarray
    inner_l4proto: np.ndarray  # -1 when none
    inner_sport: np.ndarray  # -1 when the quoted TCP/UDP ports are not there
    inner_dport: np.ndarray
    inner_udp_length: np.ndarray  # the quoted UDP header's length field, -1 when not there
    # where an IPv6 routing header sends the packet in the end (else dst_hi/dst_lo): TCP and
    # UDP conversations are keyed by it, as Wireshark's are
    final_dst_hi: np.ndarray
    final_dst_lo: np.ndarray
    # IP fragments, reassembled as Wireshark does by default: a datagram's transport header is
    # read on the frame that completes it (its fields above then hold the whole datagram's)
    fragment: np.ndarray  # bool: the innermost IP header is a fragment's
    fragment_id: np.ndarray  # its datagram's identification, -1 when not a fragment
    fragment_offset: np.ndarray  # where its bytes go in the datagram, -1 when not a fragment
    reassembled_in: np.ndarray  # the frame (0-based) completing its datagram, -1: never
    layers: Layers  # the layers the fields above leave out: a tunnel's outer ones, more tags
    # where the bytes each frame's offsets point into end: the frame's captured end, or for a
    # frame completing a datagram, the end of the whole datagram in ``reassembled``
    bytes_end: np.ndarray
    #: the datagrams reassembled from fragments, one after another, as if they followed the
    #: file's bytes: the offsets of a completing frame's headers point into them (see buffer)
    reassembled: bytes = b""
    #: each completing frame (0-based) -> where its whole datagram starts and ends there, and
    #: its IP version (the columns may describe a tunnelled packet of the other version)
    datagrams: dict = field(default_factory=dict, compare=False)
    _joined: list = field(default_factory=list, repr=False, compare=False)

    def buffer(self, file: bytes) -> bytes:
        """The bytes the offsets point into: the file's (``index.buf``), followed by the
        reassembled datagrams when there are any (joined once, then kept).

        >>> from netcourse.packets.capture import _index
        >>> index = _index("udp")
        >>> decode(index).buffer(index.buf) is index.buf
        True
        """
        if not self.reassembled:
            return file
        if not self._joined or len(self._joined[0]) != len(file) + len(self.reassembled):
            self._joined[:] = [bytes(file) + self.reassembled]
        return self._joined[0]


class _Bytes:
    """Gather bytes at per-packet positions, reading 0 past each packet's captured end.

    A field of 2, 4 or 8 bytes is gathered in one step from an overlapping view of the buffer
    (an element at every byte, strides of 1), then the bytes past a packet's end are zeroed:
    the same value as reading byte by byte, with a fraction of the work.
    """

    def __init__(self, buf: bytes, ends: np.ndarray):
        self.raw = np.frombuffer(buf, dtype=np.uint8)
        self.buf = buf
        self.ends = ends
        self._views: dict[str, np.ndarray] = {}

    def _view(self, dtype: str) -> np.ndarray:
        view = self._views.get(dtype)
        if view is None:
            width = np.dtype(dtype).itemsize
            count = max(len(self.raw) - width + 1, 0)
            view = np.ndarray((count,), dtype=dtype, buffer=self.buf, strides=(1,))
            self._views[dtype] = view
        return view

    def u8(self, pos: np.ndarray, ends: np.ndarray | None = None) -> np.ndarray:
        ends = self.ends if ends is None else ends
        if not len(self.raw):
            return np.zeros(np.shape(pos), dtype=np.int64)
        inside = pos < ends
        # take's clip mode bounds the positions to the buffer as np.clip would, in one pass
        values = self.raw.take(pos, mode="clip").astype(np.int64)
        return values if inside.all() else np.where(inside, values, 0)

    def _wide(self, dtype: str, pos, ends) -> np.ndarray:
        ends = self.ends if ends is None else ends
        width = np.dtype(dtype).itemsize
        view = self._view(dtype)
        pos = np.asarray(pos)
        if not len(view):  # a buffer shorter than the field: byte by byte
            return self._bytewise(dtype, pos, ends)
        # plain indexing: take() would first copy the whole (non-contiguous) view
        values = view[np.minimum(pos, len(view) - 1)]  # offsets are never negative
        room = ends - pos  # bytes of the field inside the packet
        whole = room >= width
        if whole.all():
            return values.astype(np.int64) if width < 8 else values
        out = values.astype(np.int64) if width < 8 else values.copy()
        cut = np.flatnonzero(~whole)
        out[cut] = self._bytewise(dtype, pos[cut], ends[cut] if np.ndim(ends) else ends)
        return out

    def _bytewise(self, dtype: str, pos, ends) -> np.ndarray:
        width = np.dtype(dtype).itemsize
        big = np.dtype(dtype).byteorder == ">"
        kind = np.uint64 if width == 8 else np.int64
        out = np.zeros(np.shape(pos), dtype=kind)
        for k in range(width):
            shift = kind(8 * (width - 1 - k) if big else 8 * k)
            out |= self.u8(pos + k, ends).astype(kind) << shift
        return out

    def u16(self, pos, ends=None) -> np.ndarray:
        return self._wide(">u2", pos, ends)

    def u32(self, pos, ends=None) -> np.ndarray:
        return self._wide(">u4", pos, ends)

    def u16le(self, pos, ends=None) -> np.ndarray:
        return self._wide("<u2", pos, ends)

    def u32le(self, pos, ends=None) -> np.ndarray:
        return self._wide("<u4", pos, ends)

    def u64(self, pos, ends=None) -> np.ndarray:
        return self._wide(">u8", pos, ends).astype(np.uint64)


def decode(index, *, lean: bool = False, _depth: int = 0) -> Columns:
    """Decode the link, network and transport headers of every packet of an indexed capture.

    Tunnels are followed as Wireshark follows them (VLAN and 802.1ad tags, MPLS, PPPoE, GRE
    with ERSPAN, VXLAN, Geneve, IP in IP): the columns describe the innermost network and
    transport headers, and :attr:`Columns.layers` holds every outer one. ``lean`` decodes
    only what conversations count (the fields of :data:`LEAN_FIELDS` are None then).

    A datagram reassembled from IP fragments is decoded whole on the frame completing it,
    tunnels inside it followed too (see :func:`_with_datagrams`).
    """
    n = len(index.offsets)
    base = index.offsets
    ends = base + index.caplen
    get = _Bytes(index.buf, ends)
    link = index.linktype

    ethertype = np.zeros(n, dtype=np.int64)  # stays 0 for a link type no reader knows
    l3 = base.copy()
    has_type = np.zeros(n, dtype=bool)  # a link header with an EtherType-like protocol field
    nibble = get.u8(base, ends) >> 4
    for lt in LINK_TYPES.values():
        rows = link == lt.number
        if not rows.any():
            continue
        l3[rows] = base[rows] + lt.header
        if lt.proto_offset is not None:
            ethertype[rows] = get.u16(base[rows] + lt.proto_offset, ends[rows])
            has_type |= rows
        elif lt.decode in VARIABLE:
            r = np.flatnonzero(rows)
            l3[r], ethertype[r], fcs = VARIABLE[lt.decode](get, base[r], ends[r], lt.decode)
            ends[r] -= fcs  # a frame check sequence at the end is not the network layer's
            has_type[r] |= lt.decode == "radiotap"
        elif lt.decode == "ipv4":
            ethertype[rows] = ETHERTYPES["ipv4"]
        elif lt.decode == "ipv6":
            ethertype[rows] = ETHERTYPES["ipv6"]
        else:  # raw IP of either version: the first nibble says which
            ethertype[rows & (nibble == 4)] = ETHERTYPES["ipv4"]
            ethertype[rows & (nibble == 6)] = ETHERTYPES["ipv6"]

    eth_dst = eth_src = None
    if not lean:
        ethernet = np.isin(link, [t.number for t in LINK_TYPES.values() if t.decode == "ethernet"])
        whole = ethernet & (base + 14 <= ends)
        eth_dst = np.where(whole, (get.u16(base, ends) << 32) | get.u32(base + 2, ends), -1)
        eth_src = np.where(whole, (get.u16(base + 6, ends) << 32) | get.u32(base + 8, ends), -1)

    net = _Network(n, ends, base + index.origlen)
    vlan = np.full(n, -1, dtype=np.int64)
    extra = _Collect()
    # the names Wireshark's filters find: raw IPv4 (228) hands a version-6 header over to
    # IPv6 without an IPv4 tree
    raw_v4 = _among(link, [lt.number for lt in LINK_TYPES.values() if lt.decode == "ipv4"])
    rows = np.arange(n)
    for depth in range(MAX_TUNNELS + 1):
        _shims(get, rows, ethertype, l3, ends, has_type, vlan, extra)
        _network(get, rows, ethertype[rows], l3[rows], raw_v4[rows] & (depth == 0), net)
        if depth == MAX_TUNNELS:
            break
        rows = _tunnels(get, rows, net, ethertype, l3, ends, has_type, extra)
        if not len(rows):
            break
    version, l4proto, l4 = net.version, net.l4proto, net.l4
    src_hi, src_lo, dst_hi, dst_lo = net.src_hi, net.src_lo, net.dst_hi, net.dst_lo
    ip_ok, first_fragment, malformed = net.ip_ok, net.first_fragment, net.malformed
    reassembled_in, datagrams = reassemble(net)
    data_end = net.ends
    first_fragment = net.first_fragment
    limit, ip_end = net.limit, net.ip_end

    # a transport Wireshark dissects (its name matches a filter, its ports are fields) ...
    seen = ip_ok & first_fragment & _among(l4proto, (_TCP, _UDP)) & (l4 < ends)
    # ... and one whose header is whole and valid, which is all a conversation counts
    ports_word, seq_word, flags_word = get.u32(l4), get.u32(l4 + 4), get.u32(l4 + 12)
    tcp_size = (flags_word >> 28) * 4
    udp_field = seq_word >> 16
    tcp = seen & (l4proto == _TCP) & (tcp_size >= 20) & (l4 + tcp_size <= limit)
    udp = seen & (l4proto == _UDP) & (l4 + 8 <= limit) & (udp_field >= 8)
    ports = tcp | udp
    called = ip_ok & first_fragment & _among(l4proto, (_TCP, _UDP))
    malformed |= called & ~ports  # cut by the snap length, or bogus
    malformed |= udp & (udp_field > ip_end - l4)  # counted, but "bad length value"
    sport = np.where(ports, ports_word >> 16, -1)
    dport = np.where(ports, ports_word & 0xFFFF, -1)
    tcp_flags = np.where(tcp, (flags_word >> 16) & 0x01FF, -1)
    tcp_seq = np.where(tcp, seq_word, -1)
    more = dict.fromkeys(LEAN_FIELDS) if lean else _more(get, net, tcp, udp, seen, tcp_size,
                                                         udp_field, data_end)  # fmt: skip
    cols = Columns(
        linktype=link.astype(np.int64),
        ethertype=ethertype,
        eth_src=eth_src,
        eth_dst=eth_dst,
        vlan=vlan,
        version=version,
        src_hi=src_hi,
        src_lo=src_lo,
        dst_hi=dst_hi,
        dst_lo=dst_lo,
        l4proto=np.where(ip_ok & first_fragment, l4proto, -1),  # a fragment shows none
        ipv4_seen=net.ipv4_seen,
        ipv6_seen=net.ipv6_seen,
        ip_proto=net.ip_proto,
        ip_ttl=net.ip_ttl,
        transport_seen=seen,
        malformed=malformed,
        sport=sport,
        dport=dport,
        tcp_flags=tcp_flags,
        tcp_seq=tcp_seq,
        l4_offset=np.where(ip_ok, l4, -1),
        l3_offset=np.where(ip_ok, l3, -1),
        **more,
        final_dst_hi=net.final_hi,
        final_dst_lo=net.final_lo,
        fragment=net.fragment,
        fragment_id=net.frag_id,
        fragment_offset=np.where(net.fragment, net.frag_offset, -1),
        reassembled_in=reassembled_in,
        layers=extra.build(),
        bytes_end=base + index.caplen,
    )
    if datagrams and _depth < MAX_REASSEMBLY:
        cols = _with_datagrams(cols, index, get, l3, net, datagrams, lean, _depth)
    return cols


#: The columns a lean decode leaves out (None): what the packet list, filters and the ICMP
#: quote need, and conversations do not.
LEAN_FIELDS = (
    "any_sport", "any_dport", "tcp_ack", "tcp_window", "tcp_len", "udp_length", "payload4",
    "payload_len", "icmp_type", "inner_version", "inner_src_hi", "inner_src_lo",
    "inner_dst_hi", "inner_dst_lo", "inner_l4proto", "inner_sport", "inner_dport",
    "inner_udp_length",
)  # fmt: skip


def _more(get: _Bytes, net, tcp, udp, seen, tcp_size, udp_field, data_end) -> dict:
    """The columns of :data:`LEAN_FIELDS`, for a full decode."""
    l4, l4proto, ends, limit, ip_end = net.l4, net.l4proto, net.ends, net.limit, net.ip_end
    version, ip_ok, first_fragment = net.version, net.ip_ok, net.first_fragment
    ports = tcp | udp
    data_at = np.where(tcp, l4 + tcp_size, l4 + 8)
    payload_len = np.where(ports, np.maximum(data_end - data_at, 0), -1)
    # Wireshark's tcp.len: what the IP header says follows TCP's header, captured or not
    # (shown for a bogus TCP header length too, once its fixed 20 bytes are there)
    fixed = seen & (l4proto == _TCP) & (l4 + 20 <= limit)
    icmp = ((l4proto == _ICMP) & (version == 4)) | ((l4proto == _ICMPV6) & (version == 6))
    icmp_type = np.where(icmp & ip_ok & (l4 < ends) & first_fragment, get.u8(l4), -1)
    return dict(
        any_sport=np.where(seen & (l4 + 2 <= ends), get.u16(l4), -1),
        any_dport=np.where(seen & (l4 + 4 <= ends), get.u16(l4 + 2), -1),
        tcp_ack=np.where(tcp, get.u32(l4 + 8), -1),
        tcp_window=np.where(tcp, get.u16(l4 + 14), -1),
        tcp_len=np.where(fixed, np.maximum(ip_end - l4 - tcp_size, 0), -1),
        udp_length=np.where(seen & (l4proto == _UDP) & (l4 + 6 <= ends), udp_field, -1),
        payload4=np.where(ports & (payload_len >= 4), get.u32(data_at), 0).astype(np.uint32),
        payload_len=payload_len,
        icmp_type=icmp_type,
        **_quoted_headers(get, l4, ends, version, icmp_type),
    )


class _Network:
    """The network layer of every frame as far as it has been read (the innermost so far)."""

    def __init__(self, n: int, ends: np.ndarray, wire_end: np.ndarray):
        self.version = np.zeros(n, dtype=np.int64)
        self.src_hi = np.zeros(n, dtype=np.uint64)
        self.src_lo = np.zeros(n, dtype=np.uint64)
        self.dst_hi = np.zeros(n, dtype=np.uint64)
        self.dst_lo = np.zeros(n, dtype=np.uint64)
        self.l4proto = np.full(n, -1, dtype=np.int64)
        self.l4 = np.zeros(n, dtype=np.int64)
        self.first_fragment = np.ones(n, dtype=bool)
        self.ip_proto = np.full(n, -1, dtype=np.int64)  # ip.proto where Wireshark shows it
        self.ip_ttl = np.full(n, -1, dtype=np.int64)
        self.ip_ok = np.zeros(n, dtype=bool)  # a whole, valid IP header: the transport is read
        # an IPv4 or IPv6 fragment: its datagram's id, where its bytes go and start, and
        # whether more follow
        self.fragment = np.zeros(n, dtype=bool)
        self.frag_id = np.full(n, -1, dtype=np.int64)
        self.frag_offset = np.zeros(n, dtype=np.int64)
        self.frag_data = np.zeros(n, dtype=np.int64)
        self.frag_more = np.zeros(n, dtype=bool)
        # the destination a routing header says the packet is finally for (else dst's)
        self.final_hi = np.zeros(n, dtype=np.uint64)
        self.final_lo = np.zeros(n, dtype=np.uint64)
        self.ends = ends  # where each frame's captured bytes end (a tunnel narrows it)
        self.limit = ends.copy()  # where the IP header says the transport must end
        self.wire_end = wire_end  # where the enclosing layer says the packet ends on the wire
        self.ip_end = wire_end.copy()  # where the IP header says its packet ends on the wire
        # accumulated over every layer: Wireshark's IPv4/IPv6 dissectors ran, or found a fault
        self.ipv4_seen = np.zeros(n, dtype=bool)
        self.ipv6_seen = np.zeros(n, dtype=bool)
        self.malformed = np.zeros(n, dtype=bool)

    def reset(self, rows: np.ndarray) -> None:
        """Forget the network layer of these frames (a tunnel's inner one is read next)."""
        for name, value in (("version", 0), ("src_hi", 0), ("src_lo", 0), ("dst_hi", 0),
                            ("dst_lo", 0), ("l4proto", -1), ("l4", 0), ("first_fragment", 1),
                            ("ip_proto", -1), ("ip_ttl", -1), ("ip_ok", 0), ("fragment", 0),
                            ("frag_id", -1), ("frag_offset", 0), ("frag_more", 0)):  # fmt: skip
            getattr(self, name)[rows] = value


def _run(rows: np.ndarray) -> np.ndarray | slice:
    """Increasing frame numbers as a slice when they are one unbroken run (most often every
    frame of a chunk), which numpy reads and writes without an index per element.

    >>> _run(np.array([3, 4, 5])), _run(np.array([3, 5]))
    (slice(3, 6, None), array([3, 5]))
    """
    if len(rows) and int(rows[-1]) - int(rows[0]) + 1 == len(rows):
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def _among(values: np.ndarray, choices) -> np.ndarray:
    """``np.isin(values, choices)`` for a handful of choices, without its set-up per call.

    >>> _among(np.array([4, 5, 6]), (4, 6)).tolist()
    [True, False, True]
    """
    out = np.zeros(np.shape(values), dtype=bool)
    for choice in choices:
        out |= values == choice
    return out


def _pick(r: np.ndarray | slice, i: np.ndarray) -> np.ndarray:
    """The frame numbers ``r[i]`` of frames ``r`` held as an array or as a run."""
    return r.start + i if isinstance(r, slice) else r[i]


def _network(get: _Bytes, r: np.ndarray, ethertype, l3, raw_v4, net: _Network) -> None:
    """Read the IPv4 or IPv6 header of frames ``r`` (at ``l3``, of EtherType ``ethertype``)."""
    r = _run(r)
    e = net.ends[r]
    net.limit[r] = e
    net.ip_end[r] = net.wire_end[r]
    # Wireshark's IPv4 dissector (behind EtherType 0x0800 and raw IPv4) hands a version-6
    # header on to IPv6; its IPv6 dissector takes nothing but version 6.
    nibble = get.u8(l3, e) >> 4
    ip_called = (ethertype == ETHERTYPES["ipv4"]) & (l3 < e)
    v6_called = ((ethertype == ETHERTYPES["ipv6"]) | ip_called) & (l3 < e) & (nibble == 6)
    v6_bogus = (ethertype == ETHERTYPES["ipv6"]) & (l3 < e) & (nibble != 6)
    malformed = (ip_called & ~_among(nibble, (4, 6))) | v6_bogus
    # the names Wireshark's filters find: a bogus IPv6 version still shows an IPv6 tree
    ipv4_seen = ip_called & ~(raw_v4 & (nibble == 6))
    malformed |= ipv4_seen & (nibble == 6)  # "Bogus IPv4 version", though IPv6 reads on
    net.ipv4_seen[r] |= ipv4_seen
    net.ipv6_seen[r] |= v6_called | v6_bogus
    # ip.proto is a field wherever its byte was captured behind a header not already bogus
    v4 = ip_called & (nibble == 4) & (l3 + 20 <= e)
    i4 = np.flatnonzero(v4)
    if len(i4):
        g, p, e4 = _run(_pick(r, i4)), l3[i4], e[i4]
        # the header's first 12 bytes as three words (all 20 are in the frame)
        first, second, third = get.u32(p, e4), get.u32(p + 4, e4), get.u32(p + 8, e4)
        size = ((first >> 24) & 0x0F) * 4
        total = first & 0xFFFF  # 0: a TSO frame, Wireshark takes the frame's length
        proto = (third >> 16) & 0xFF
        # a bogus header length or total length ends Wireshark's dissection before the addresses
        shown = (size >= 20) & ((total == 0) | (total >= size))
        net.version[g] = np.where(shown, 4, 0)
        net.ip_proto[g] = np.where(shown, proto, -1)
        net.ip_ttl[g] = np.where(shown, third >> 24, -1)
        net.src_lo[g] = get.u32(p + 12, e4).astype(np.uint64) | _V4_MAPPED
        net.dst_lo[g] = get.u32(p + 16, e4).astype(np.uint64) | _V4_MAPPED
        net.final_hi[g], net.final_lo[g] = 0, net.dst_lo[g]
        net.l4proto[g] = proto
        net.l4[g] = p + size
        word = second & 0xFFFF
        net.first_fragment[g] = (word & 0x1FFF) == 0
        net.frag_offset[g] = (word & 0x1FFF) * 8
        net.frag_more[g] = (word & 0x2000) != 0
        net.fragment[g] = shown & (net.frag_more[g] | (net.frag_offset[g] > 0))
        net.frag_id[g] = np.where(net.fragment[g], second >> 16, -1)
        net.frag_data[g] = p + size
        good = shown & (p + size <= e4)
        net.ip_ok[g] = good
        malformed[i4] |= ~good
        net.limit[g] = np.where(total > 0, np.minimum(e4, p + total), e4)
        net.ip_end[g] = np.where(total > 0, p + total, net.ip_end[g])
    cut = ip_called & (nibble == 4) & (l3 + 20 > e)
    malformed |= cut
    c = np.flatnonzero(cut & (l3 + 10 <= e))
    if len(c):
        g, p, ec = _pick(r, c), l3[c], e[c]
        cut_size = (get.u8(p, ec) & 0x0F) * 4
        cut_total = get.u16(p + 2, ec)
        shown = (cut_size >= 20) & ((cut_total == 0) | (cut_total >= cut_size))
        net.ip_proto[g] = np.where(shown, get.u8(p + 9, ec), -1)
        net.ip_ttl[g] = np.where(shown, get.u8(p + 8, ec), -1)

    v6 = v6_called & (l3 + 40 <= e)
    malformed |= v6_called & ~v6
    i6 = np.flatnonzero(v6)
    if len(i6):
        g, p, e6 = _run(_pick(r, i6)), l3[i6], e[i6]
        net.version[g] = 6
        net.src_hi[g], net.src_lo[g] = get.u64(p + 8, e6), get.u64(p + 16, e6)
        net.dst_hi[g], net.dst_lo[g] = get.u64(p + 24, e6), get.u64(p + 32, e6)
        plen = get.u16(p + 4, e6)  # beyond the frame: Wireshark takes the frame's length
        net.limit[g] = np.where(plen > 0, np.minimum(e6, p + 40 + plen), e6)
        net.ip_end[g] = np.where(plen > 0, np.minimum(net.ip_end[g], p + 40 + plen), net.ip_end[g])
        net.ip_ok[g] = True
        nxt = get.u8(p + 6, e6)
        pos = p + 40
        first = np.ones(len(i6), dtype=bool)
        fragment = np.zeros(len(i6), dtype=bool)
        ident = np.full(len(i6), -1, dtype=np.int64)
        offset = np.zeros(len(i6), dtype=np.int64)
        more = np.zeros(len(i6), dtype=bool)
        data = np.zeros(len(i6), dtype=np.int64)
        final_hi, final_lo = net.dst_hi[g].copy(), net.dst_lo[g].copy()
        for _ in range(8):  # skip extension headers (past a later fragment's header: its data)
            ext = np.isin(nxt, IPV6_EXTENSIONS) & (pos + 8 <= e6) & first
            frag = (nxt == _FRAGMENT) & (pos + 8 <= e6) & ~fragment
            if not (ext.any() or frag.any()):
                break
            size = np.where(frag, 8, (get.u8(pos + 1, e6) + 1) * 8)
            word = get.u16(pos + 2, e6)
            offset = np.where(frag, word & 0xFFF8, offset)
            more = np.where(frag, (word & 1) != 0, more)
            ident = np.where(frag, get.u32(pos + 4, e6), ident)
            data = np.where(frag, pos + 8, data)
            fragment |= frag & ((offset > 0) | more)
            routing = ext & (nxt == _ROUTING) & (get.u8(pos + 3, e6) > 0)  # segments left
            if routing.any():
                kind, count = get.u8(pos + 2, e6), get.u8(pos + 1, e6) // 2
                # type 0: the last address listed; type 2: the home address; segment
                # routing (4): segment list [0], the last segment
                at = np.where(kind == 0, pos + 8 + 16 * (count - 1), pos + 8)
                known = routing & np.isin(kind, _FINAL_ROUTING) & (count > 0)
                known &= at + 16 <= np.minimum(e6, pos + size)
                final_hi = np.where(known, get.u64(at, e6), final_hi)
                final_lo = np.where(known, get.u64(at + 8, e6), final_lo)
            first &= offset == 0
            moved = ext | frag
            nxt = np.where(moved, get.u8(pos, e6), nxt)
            pos = np.where(moved, pos + size, pos)
        net.first_fragment[g] = first
        net.final_hi[g], net.final_lo[g] = final_hi, final_lo
        net.fragment[g], net.frag_id[g] = fragment, np.where(fragment, ident, -1)
        net.frag_offset[g], net.frag_more[g], net.frag_data[g] = offset, more, data
        net.l4proto[g], net.l4[g] = nxt, pos
    net.malformed[r] |= malformed


#: The columns a completing frame takes from its whole datagram's decode, those it keeps as
#: its own frame's (link layer, outer tags, fragment notes) and those either sets.
_OWN = ("linktype", "eth_src", "eth_dst", "vlan", "fragment", "fragment_id",
        "fragment_offset", "reassembled_in", "layers", "reassembled", "datagrams",
        "_joined")  # fmt: skip
_EITHER = ("ipv4_seen", "ipv6_seen", "malformed")
_OFFSETS = ("l4_offset", "l3_offset", "bytes_end")


def _with_datagrams(cols: Columns, index, get: _Bytes, l3, net: _Network, datagrams,
                    lean: bool, depth: int) -> Columns:  # fmt: skip
    """The columns with each completing frame's network and transport fields read from its
    whole datagram, decoded as a raw IP packet (tunnels inside it followed, their layers
    added to the frame's), as Wireshark dissects the reassembled datagram on that frame.

    The datagrams are laid out after the file's bytes (:attr:`Columns.reassembled`): the
    completing frames' offsets point there."""
    rows = np.array([row for row, *_ in datagrams], dtype=np.int64)
    whole = whole_datagrams(get.buf, l3, net, datagrams)
    starts, lengths = whole.offsets, whole.caplen
    inner = decode(whole, lean=lean, _depth=depth + 1)
    shift = len(get.buf)
    out = {}
    for f in fields(Columns):
        name = f.name
        if name in _OWN:
            continue
        mine, theirs = getattr(cols, name), getattr(inner, name)
        if mine is None:
            continue
        mine = mine.copy()
        if name in _EITHER:
            mine[rows] |= theirs
        elif name in _OFFSETS:
            mine[rows] = np.where(theirs >= 0, theirs + shift, -1)
        else:
            mine[rows] = theirs
        out[name] = mine
    vlan = cols.vlan.copy()
    vlan[rows] = np.where(vlan[rows] >= 0, vlan[rows], inner.vlan)
    layers = cols.layers
    moved = replace(inner.layers, row=rows[inner.layers.row])
    joined = {
        name: np.concatenate([getattr(layers, name), getattr(moved, name)])
        for name in ("row", "kind", *_LAYER_FIELDS)
    }
    order = np.argsort(joined["row"], kind="stable")  # a frame's own layers first
    out["layers"] = Layers(**{name: values[order] for name, values in joined.items()})
    spans = {
        row: (shift + start, shift + start + length, version)
        for row, start, length, version in zip(
            rows.tolist(), starts.tolist(), lengths.tolist(), net.version[rows].tolist()
        )
    }
    return replace(cols, **out, vlan=vlan, reassembled=whole.buf + inner.reassembled,
                   datagrams=spans)  # fmt: skip


#: The IPv6 routing header types whose last address Wireshark's TCP/UDP conversations take as
#: the destination while segments are left: type 0, type 2 (mobile IPv6), segment routing.
_FINAL_ROUTING = (0, 2, 4)
_ROUTING = next(n for n, name in IPV6_EXTENSION_HEADERS.items() if name == "routing")

#: How many tunnels deep the bulk decoder follows (Wireshark has no such limit, but a frame
#: of 262,144 bytes cannot hold many more useful levels than this).
MAX_TUNNELS = 8
#: Layer kinds :class:`Layers` holds, by Wireshark's protocol names; ``kind`` is an index here.
LAYER_KINDS = (
    "eth", "vlan", "ieee8021ad", "mpls", "pppoes", "ip", "ipv6", "udp", "gre", "erspan",
    "vxlan", "geneve", "pwethcw",
)  # fmt: skip
_KIND = {name: i for i, name in enumerate(LAYER_KINDS)}
#: The layer kinds that only a tunnel or a shim brings (a display filter's protocol names).
TUNNEL_LAYERS = ("ieee8021ad", "mpls", "pppoes", "gre", "erspan", "vxlan", "geneve", "pwethcw")
_SHIMS = DOT1Q_ETHERTYPES + DOT1AD_ETHERTYPES + MPLS_ETHERTYPES + (ETHERTYPES["pppoe-session"],)
_GRE, _ERSPAN, _ERSPAN3 = IP_PROTOCOLS["gre"], GRE_PROTOCOLS["erspan"], GRE_PROTOCOLS["erspan3"]
_TEB = GRE_PROTOCOLS["teb"]
_VXLAN, _GENEVE = (next(p for p, name in TUNNEL_UDP_PORTS.items() if name == kind)
                   for kind in ("vxlan", "geneve"))  # fmt: skip
_IP_ETHERTYPE = {number: ETHERTYPES[name] for number, name in IP_IN_IP.items()}


@dataclass(frozen=True)
class Layers:
    """The layers of each frame that :class:`Columns`' own fields leave out, one row each:
    a tunnel's outer IP and UDP headers, an inner Ethernet header, stacked VLAN tags, MPLS
    labels. Rows are in frame order, outermost first within a frame."""

    row: np.ndarray  # the frame (0-based) the layer belongs to
    kind: np.ndarray  # index into LAYER_KINDS
    version: np.ndarray  # 4 or 6 for an IP layer, else 0
    src_hi: np.ndarray  # uint64: IP addresses as in Columns; a MAC in src_lo/dst_lo for eth
    src_lo: np.ndarray
    dst_hi: np.ndarray
    dst_lo: np.ndarray
    sport: np.ndarray  # UDP ports, else -1
    dport: np.ndarray
    value: np.ndarray  # VLAN id, MPLS label, VNI, IP protocol, GRE protocol type or UDP length
    ttl: np.ndarray  # an IPv4 header's TTL, else -1

    def __len__(self) -> int:
        return len(self.row)


_LAYER_FIELDS = tuple(f for f in Layers.__dataclass_fields__ if f not in ("row", "kind"))
_UNSIGNED = ("src_hi", "src_lo", "dst_hi", "dst_lo")


class _Collect:
    """Layer instances gathered while decoding, built into :class:`Layers` at the end."""

    def __init__(self):
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, kind: str, rows: np.ndarray, **values: np.ndarray) -> None:
        if len(rows):
            self.parts.append({"row": rows, "kind": np.full(len(rows), _KIND[kind]), **values})

    def build(self) -> Layers:
        out: dict[str, np.ndarray] = {}
        for name in ("row", "kind", *_LAYER_FIELDS):
            dtype = np.uint64 if name in _UNSIGNED else np.int64
            fill = 0 if name in _UNSIGNED or name == "version" else -1
            chunks = [
                np.asarray(part[name], dtype=dtype)
                if name in part
                else np.full(len(part["row"]), fill, dtype=dtype)
                for part in self.parts
            ]
            out[name] = np.concatenate(chunks) if chunks else np.zeros(0, dtype=dtype)
        order = np.argsort(out["row"], kind="stable")
        return Layers(**{name: values[order] for name, values in out.items()})


def _shims(get: _Bytes, r, ethertype, l3, ends, has_type, vlan, extra: _Collect) -> None:
    """Step over VLAN and 802.1ad tags, MPLS labels and PPPoE session headers, recording each,
    until an EtherType that is none of them (0 where the headers were cut or MPLS's payload
    is neither IPv4 nor IPv6)."""
    for _ in range(64):  # Wireshark stacks any number; a frame of 64 tags is already absurd
        shim = _among(ethertype[r], _SHIMS) & has_type[r]
        if not shim.any():
            return
        r = r[shim]
        et, at, e = ethertype[r], l3[r], ends[r]
        tag = np.isin(et, DOT1Q_ETHERTYPES) | np.isin(et, DOT1AD_ETHERTYPES)
        if tag.any():
            t, p, te = r[tag], at[tag], e[tag]
            whole = p + 4 <= te
            ident = np.where(whole, get.u16(p, te) & 0x0FFF, -1)
            dot1q = np.isin(et[tag], DOT1Q_ETHERTYPES)
            first = dot1q & (vlan[t] < 0)
            vlan[t[first]] = ident[first]
            extra.add("vlan", t[dot1q & ~first], value=ident[dot1q & ~first])
            extra.add("ieee8021ad", t[~dot1q], value=ident[~dot1q])
            ethertype[t] = np.where(whole, get.u16(p + 2, te), 0)
            l3[t] = p + 4
        mpls = np.isin(et, MPLS_ETHERTYPES)
        if mpls.any():
            t, p, te = r[mpls], at[mpls], e[mpls]
            whole = p + 4 <= te
            entry = get.u32(p, te)
            extra.add("mpls", t[whole], value=entry[whole] >> 12)
            bottom = ((entry >> 8) & 1).astype(bool)
            nibble = get.u8(p + 4, te) >> 4  # past the stack, Wireshark guesses by the nibble
            guess = np.where(nibble == 4, ETHERTYPES["ipv4"], 0)
            guess = np.where(nibble == 6, ETHERTYPES["ipv6"], guess)
            ethertype[t] = np.where(whole, np.where(bottom, guess, et[mpls]), 0)
            l3[t] = p + 4
            pw = whole & bottom & (nibble == 0) & (p + 4 < te)
            if pw.any():
                _pseudowire(get, t[pw], p[pw] + 4, te[pw], ethertype, l3, extra)
        pppoe = et == ETHERTYPES["pppoe-session"]
        if pppoe.any():
            t, p, te = r[pppoe], at[pppoe], e[pppoe]
            whole = p + PPPOE_HEADER + 2 <= te
            extra.add("pppoes", t[whole])
            ethertype[t] = np.where(whole, by_name(get.u16(p + PPPOE_HEADER, te), PPP_NUMBERS), 0)
            l3[t] = p + PPPOE_HEADER + 2


def _pseudowire(get: _Bytes, t, at, te, ethertype, l3, extra: _Collect) -> None:
    """An Ethernet pseudowire after an MPLS label stack whose payload starts with a 0 nibble,
    as Wireshark's ``pw_eth_heuristic`` reads it: an Ethernet frame right away when both its
    would-be MAC addresses start with a registered prefix (:mod:`netcourse.packets.oui`),
    else a 4-byte control word and then the frame; records the control word and the inner
    Ethernet header, and points ``l3``/``ethertype`` past it."""
    plain = (at + 14 <= te) & registered(get.u32(at, te) >> 8)
    plain &= registered(get.u32(at + 6, te) >> 8)
    word = ~plain & (at + 4 <= te)
    extra.add("pwethcw", t[word], value=get.u16(at + 2, te)[word])  # its sequence number
    eth = np.where(plain, at, at + 4)
    ok = (plain | word) & (eth + 14 <= te)
    extra.add(
        "eth",
        t[ok],
        src_lo=(get.u16(eth + 6, te) << 32 | get.u32(eth + 8, te))[ok],
        dst_lo=(get.u16(eth, te) << 32 | get.u32(eth + 2, te))[ok],
    )
    ethertype[t] = np.where(ok, get.u16(eth + 12, te), 0)
    l3[t] = np.where(ok, eth + 14, np.minimum(eth, te))


def _tunnels(get: _Bytes, r, net: _Network, ethertype, l3, ends, has_type, extra: _Collect):
    """The frames among ``r`` whose innermost packet so far carries another frame or packet:
    records their outer layers, points ``l3``/``ethertype`` at the inner one and returns them."""
    ok = net.ip_ok[r] & ~net.fragment[r] & (net.l4[r] < net.limit[r])
    proto = net.l4proto[r]
    candidates = ok & _among(proto, (*IP_IN_IP, _GRE, _UDP))
    udp = np.flatnonzero(candidates & (proto == _UDP))
    if len(udp):  # most UDP is no tunnel: keep only datagrams to or from a tunnel's port
        at, lim = net.l4[r[udp]], net.limit[r[udp]]
        ports = tuple(TUNNEL_UDP_PORTS)
        tunnel = np.isin(get.u16(at, lim), ports) | np.isin(get.u16(at + 2, lim), ports)
        candidates[udp[~tunnel]] = False
    if not candidates.any():
        return r[:0]
    r = r[candidates]
    proto, at, lim = proto[candidates], net.l4[r], net.limit[r]
    m = len(r)
    inner_et = np.zeros(m, dtype=np.int64)
    inner_at = np.zeros(m, dtype=np.int64)
    eth_at = np.full(m, -1, dtype=np.int64)  # where an inner Ethernet header starts
    kinds: list[tuple[str, np.ndarray, dict]] = []

    ipip = np.isin(proto, tuple(IP_IN_IP))
    for number, et in _IP_ETHERTYPE.items():
        inner_et[proto == number] = et
    inner_at[ipip] = at[ipip]

    gre = (proto == _GRE) & (at + 4 <= lim)
    if gre.any():
        flags, gproto = get.u16(at, lim), get.u16(at + 2, lim)
        plain = ((flags & 0x7) == 0) & ((flags & GRE_FLAGS["routing"]) == 0) & gre
        seq = (flags & GRE_FLAGS["seq"]) != 0
        checksum = (flags & GRE_FLAGS["checksum"]) != 0
        key = (flags & GRE_FLAGS["key"]) != 0
        size = 4 + 4 * (checksum.astype(np.int64) + key + seq)
        payload = at + size
        routed = plain & np.isin(
            gproto, (GRE_PROTOCOLS["ipv4"], GRE_PROTOCOLS["ipv6"], GRE_PROTOCOLS["mpls"])
        )
        inner_et[routed], inner_at[routed] = gproto[routed], payload[routed]
        eth_at = np.where(plain & (gproto == _TEB), payload, eth_at)
        erspan1 = plain & (gproto == _ERSPAN) & ~seq
        erspan2 = plain & (gproto == _ERSPAN) & seq
        erspan3 = plain & (gproto == _ERSPAN3)
        eth_at = np.where(erspan1, payload, eth_at)
        eth_at = np.where(erspan2, payload + 8, eth_at)
        platform = (get.u8(payload + 11, lim) & 1) * 8  # type III's optional sub-header
        eth_at = np.where(erspan3, payload + 12 + platform, eth_at)
        kinds.append(("gre", gre & (payload <= lim), {"value": gproto}))
        kinds.append(("erspan", (erspan1 | erspan2 | erspan3) & (payload <= lim), {}))

    udp = (proto == _UDP) & (at + 8 <= lim) & (get.u16(at + 4, lim) >= 8)
    if udp.any():
        sp, dp = get.u16(at, lim), get.u16(at + 2, lim)
        low, high = np.minimum(sp, dp), np.maximum(sp, dp)
        port = np.where(np.isin(low, tuple(TUNNEL_UDP_PORTS)), low, high)
        vxlan = udp & (port == _VXLAN) & (at + 16 <= lim)
        geneve = udp & (port == _GENEVE) & (at + 16 <= lim)
        vni = get.u32(at + 12, lim) >> 8
        eth_at = np.where(vxlan, at + 16, eth_at)
        options = (get.u8(at + 8, lim) & 0x3F) * 4
        gproto = get.u16(at + 10, lim)
        gpayload = at + 16 + options
        eth_at = np.where(geneve & (gproto == _TEB), gpayload, eth_at)
        routed = geneve & np.isin(gproto, (GRE_PROTOCOLS["ipv4"], GRE_PROTOCOLS["ipv6"]))
        inner_et[routed], inner_at[routed] = gproto[routed], gpayload[routed]
        ports = {"sport": sp, "dport": dp, "value": get.u16(at + 4, lim)}  # and its length
        kinds.append(("udp", vxlan | geneve, ports))
        kinds.append(("vxlan", vxlan, {"value": vni}))
        kinds.append(("geneve", geneve & (gpayload <= lim), {"value": vni}))

    ether = (eth_at >= 0) & (eth_at + 14 <= lim)
    inner_et = np.where(ether, get.u16(eth_at + 12, lim), inner_et)
    inner_at = np.where(ether, eth_at + 14, inner_at)
    follow = (inner_et > 0) & (inner_at <= lim)
    if not follow.any():
        return r[:0]
    # the outer IP layer, the tunnel's own layers, then the inner Ethernet header
    kinds.insert(0, ("ip", np.ones(m, dtype=bool), {}))
    for kind, where, values in kinds:
        rows = where & follow
        if kind == "ip":
            g = r[rows]
            version = net.version[g]
            fields = {
                "version": version,
                "src_hi": net.src_hi[g],
                "src_lo": net.src_lo[g],
                "dst_hi": net.dst_hi[g],
                "dst_lo": net.dst_lo[g],
                "value": net.l4proto[g],
                "ttl": np.where(version == 4, net.ip_ttl[g], -1),
            }
            four, six = version == 4, version == 6
            extra.add("ip", g[four], **{k: v[four] for k, v in fields.items()})
            extra.add("ipv6", g[six], **{k: v[six] for k, v in fields.items()})
            continue
        extra.add(kind, r[rows], **{k: v[rows] for k, v in values.items()})
    e_rows = ether & follow
    extra.add(
        "eth",
        r[e_rows],
        src_lo=(get.u16(eth_at + 6, lim) << 32 | get.u32(eth_at + 8, lim))[e_rows],
        dst_lo=(get.u16(eth_at, lim) << 32 | get.u32(eth_at + 2, lim))[e_rows],
    )
    r, lim = r[follow], lim[follow]
    ends[r] = lim  # the inner packet ends where the outer one says
    net.wire_end[r] = net.ip_end[r]
    net.reset(r)
    ethertype[r], l3[r] = inner_et[follow], inner_at[follow]
    has_type[r] = True
    return r


def _quoted_headers(get: _Bytes, l4, ends, version, icmp_type) -> dict[str, np.ndarray]:
    """Addresses, protocol and ports of the IP header quoted in each ICMP error."""
    n = len(l4)
    out = {
        "inner_version": np.zeros(n, dtype=np.int64),
        "inner_src_hi": np.zeros(n, dtype=np.uint64),
        "inner_src_lo": np.zeros(n, dtype=np.uint64),
        "inner_dst_hi": np.zeros(n, dtype=np.uint64),
        "inner_dst_lo": np.zeros(n, dtype=np.uint64),
        "inner_l4proto": np.full(n, -1, dtype=np.int64),
        "inner_sport": np.full(n, -1, dtype=np.int64),
        "inner_dport": np.full(n, -1, dtype=np.int64),
        "inner_udp_length": np.full(n, -1, dtype=np.int64),
    }
    for ver, types in ICMP_ERROR_TYPES.items():
        rows = np.flatnonzero((version == ver) & np.isin(icmp_type, types))
        if not len(rows):
            continue
        p, e = l4[rows] + 8, ends[rows]
        if ver == 4:
            ok = (p + 20 <= e) & (get.u8(p, e) >> 4 == 4)
            src_hi, dst_hi = np.zeros(len(rows), np.uint64), np.zeros(len(rows), np.uint64)
            src_lo = get.u32(p + 12, e).astype(np.uint64) | _V4_MAPPED
            dst_lo = get.u32(p + 16, e).astype(np.uint64) | _V4_MAPPED
            proto = get.u8(p + 9, e)
            at = p + (get.u8(p, e) & 0x0F) * 4
        else:
            ok = (p + 40 <= e) & (get.u8(p, e) >> 4 == 6)
            src_hi, src_lo = get.u64(p + 8, e), get.u64(p + 16, e)
            dst_hi, dst_lo = get.u64(p + 24, e), get.u64(p + 32, e)
            proto, at = get.u8(p + 6, e), p + 40
        rows, keep = rows[ok], ok
        out["inner_version"][rows] = ver
        for name, values in (("src_hi", src_hi), ("src_lo", src_lo), ("dst_hi", dst_hi),
                             ("dst_lo", dst_lo), ("l4proto", proto)):  # fmt: skip
            out[f"inner_{name}"][rows] = values[keep]
        ports = np.isin(proto, (_TCP, _UDP)) & (at + 4 <= e)
        out["inner_sport"][rows] = np.where(ports, get.u16(at, e), -1)[keep]
        out["inner_dport"][rows] = np.where(ports, get.u16(at + 2, e), -1)[keep]
        length = (proto == _UDP) & (at + 6 <= e)
        out["inner_udp_length"][rows] = np.where(length, get.u16(at + 4, e), -1)[keep]
    return out


def address(version: int, hi: int, lo: int) -> str:
    """The text form of an address held as (hi, lo) 64-bit halves.

    >>> address(6, 0xFD00 << 48, 1)
    'fd00::1'
    """
    if int(version) == 4:
        return str(ipaddress.IPv4Address(int(lo) & 0xFFFF_FFFF))
    return str(ipaddress.IPv6Address((int(hi) << 64) | int(lo)))
