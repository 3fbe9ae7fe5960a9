"""Bulk header decoding with numpy: every packet of a capture at once, no scapy objects.

Used by :func:`netcourse.packets.conversations` and the inspector's display filter. It reads
only what those need (VLAN tags, IPv4/IPv6 addresses, protocol numbers, ports, TCP flags, the
first payload bytes) by gathering single bytes at per-packet offsets, so 200,000 packets take
a fraction of a second. Taught in notebooks/02-osi-layers-and-packets.ipynb.

>>> from netcourse.packets.capture import _index
>>> cols = decode(_index("udp"))
>>> cols.l4proto.tolist(), cols.dport.tolist()
([17, 17, 17, 1], [7, 40000, 9, -1])
>>> address(cols.version[0], cols.src_hi[0], cols.src_lo[0])
'198.18.0.1'
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import numpy as np

from netcourse.protocols import (
    ETHERTYPES,
    ICMP_TYPES,
    ICMPV6_TYPES,
    IP_PROTOCOLS,
    IPV6_EXTENSION_HEADERS,
    LINK_TYPES,
    LOOPBACK_FAMILIES,
    PPP_HDLC_START,
    PPP_PROTOCOLS,
    VLAN_ETHERTYPES,
)

__all__ = ["Columns", "decode", "address", "ETHERTYPES", "VLAN_ETHERTYPES", "ICMP_ERROR_TYPES"]

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
    """Decoded header fields of every packet (numpy arrays, -1 or 0 where absent)."""

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


class _Bytes:
    """Gather bytes at per-packet positions, reading 0 past each packet's captured end."""

    def __init__(self, buf: bytes, ends: np.ndarray):
        self.raw = np.frombuffer(buf, dtype=np.uint8)
        self.limit = len(self.raw) - 1
        self.ends = ends

    def u8(self, pos: np.ndarray, ends: np.ndarray | None = None) -> np.ndarray:
        ends = self.ends if ends is None else ends
        inside = pos < ends
        values = self.raw[np.clip(pos, 0, self.limit)].astype(np.int64)
        return np.where(inside, values, 0)

    def u16(self, pos, ends=None) -> np.ndarray:
        return (self.u8(pos, ends) << 8) | self.u8(pos + 1, ends)

    def u32(self, pos, ends=None) -> np.ndarray:
        return (self.u16(pos, ends) << 16) | self.u16(pos + 2, ends)

    def u16le(self, pos, ends=None) -> np.ndarray:
        return self.u8(pos, ends) | (self.u8(pos + 1, ends) << 8)

    def u32le(self, pos, ends=None) -> np.ndarray:
        return self.u16le(pos, ends) | (self.u16le(pos + 2, ends) << 16)

    def u64(self, pos, ends=None) -> np.ndarray:
        return (self.u32(pos, ends).astype(np.uint64) << np.uint64(32)) | self.u32(
            pos + 4, ends
        ).astype(np.uint64)


def decode(index) -> Columns:
    """Decode the link, network and transport headers of every packet of an indexed capture."""
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
        elif lt.decode in _VARIABLE:
            r = np.flatnonzero(rows)
            l3[r], ethertype[r], fcs = _VARIABLE[lt.decode](get, base[r], ends[r], lt.decode)
            ends[r] -= fcs  # a frame check sequence at the end is not the network layer's
            has_type[r] |= lt.decode == "radiotap"
        elif lt.decode == "ipv4":
            ethertype[rows] = ETHERTYPES["ipv4"]
        elif lt.decode == "ipv6":
            ethertype[rows] = ETHERTYPES["ipv6"]
        else:  # raw IP of either version: the first nibble says which
            ethertype[rows & (nibble == 4)] = ETHERTYPES["ipv4"]
            ethertype[rows & (nibble == 6)] = ETHERTYPES["ipv6"]

    ethernet = np.isin(link, [lt.number for lt in LINK_TYPES.values() if lt.decode == "ethernet"])
    whole = ethernet & (base + 14 <= ends)
    eth_dst = np.where(whole, (get.u16(base, ends) << 32) | get.u32(base + 2, ends), -1)
    eth_src = np.where(whole, (get.u16(base + 6, ends) << 32) | get.u32(base + 8, ends), -1)

    vlan = np.full(n, -1, dtype=np.int64)
    for _ in range(2):  # at most two stacked tags (QinQ)
        tagged = np.isin(ethertype, VLAN_ETHERTYPES) & has_type
        if not tagged.any():
            break
        first_tag = tagged & (vlan < 0)
        vlan[first_tag] = get.u16(l3[first_tag], ends[first_tag]) & 0x0FFF
        ethertype[tagged] = get.u16(l3[tagged] + 2, ends[tagged])
        l3[tagged] += 4

    version = np.zeros(n, dtype=np.int64)
    src_hi = np.zeros(n, dtype=np.uint64)
    src_lo = np.zeros(n, dtype=np.uint64)
    dst_hi = np.zeros(n, dtype=np.uint64)
    dst_lo = np.zeros(n, dtype=np.uint64)
    l4proto = np.full(n, -1, dtype=np.int64)
    l4 = np.zeros(n, dtype=np.int64)
    first_fragment = np.ones(n, dtype=bool)

    # Wireshark's IPv4 dissector (behind EtherType 0x0800 and raw IPv4) hands a version-6
    # header on to IPv6; its IPv6 dissector takes nothing but version 6.
    nibble = get.u8(l3, ends) >> 4
    ip_called = (ethertype == ETHERTYPES["ipv4"]) & (l3 < ends)
    v6_called = ((ethertype == ETHERTYPES["ipv6"]) | ip_called) & (l3 < ends) & (nibble == 6)
    v6_bogus = (ethertype == ETHERTYPES["ipv6"]) & (l3 < ends) & (nibble != 6)
    malformed = (ip_called & ~np.isin(nibble, (4, 6))) | v6_bogus
    # the names Wireshark's filters find: a bogus IPv6 version still shows an IPv6 tree, and
    # raw IPv4 (228) hands a version-6 header over without an IPv4 tree
    raw_v4 = np.isin(link, [lt.number for lt in LINK_TYPES.values() if lt.decode == "ipv4"])
    ipv4_seen = ip_called & ~(raw_v4 & (nibble == 6))
    malformed |= ipv4_seen & (nibble == 6)  # "Bogus IPv4 version", though IPv6 reads on
    ipv6_seen = v6_called | v6_bogus
    # ip.proto is a field wherever its byte was captured behind a header not already bogus
    ip_proto = np.full(n, -1, dtype=np.int64)
    ip_ttl = np.full(n, -1, dtype=np.int64)
    limit = ends.copy()  # where the IP header says the transport must end (or the capture's)
    ip_end = base + index.origlen  # where the IP header says its packet ends on the wire
    ip_ok = np.zeros(n, dtype=bool)  # a whole, valid IP header: the transport is dissected

    v4 = ip_called & (nibble == 4) & (l3 + 20 <= ends)
    i4 = np.flatnonzero(v4)
    if len(i4):
        p, e = l3[i4], ends[i4]
        size = (get.u8(p, e) & 0x0F) * 4
        total = get.u16(p + 2, e)  # 0: a TSO frame, Wireshark takes the frame's length
        # a bogus header length or total length ends Wireshark's dissection before the addresses
        shown = (size >= 20) & ((total == 0) | (total >= size))
        version[i4] = np.where(shown, 4, 0)
        ip_proto[i4] = np.where(shown, get.u8(p + 9, e), -1)
        ip_ttl[i4] = np.where(shown, get.u8(p + 8, e), -1)
        src_lo[i4] = get.u32(p + 12, e).astype(np.uint64) | _V4_MAPPED
        dst_lo[i4] = get.u32(p + 16, e).astype(np.uint64) | _V4_MAPPED
        l4proto[i4] = get.u8(p + 9, e)
        l4[i4] = p + size
        first_fragment[i4] = (get.u16(p + 6, e) & 0x1FFF) == 0
        good = shown & (p + size <= e)
        ip_ok[i4] = good
        malformed[i4] |= ~good
        limit[i4] = np.where(total > 0, np.minimum(e, p + total), e)
        ip_end[i4] = np.where(total > 0, p + total, ip_end[i4])
    cut = ip_called & (nibble == 4) & (l3 + 20 > ends)
    malformed |= cut
    r = np.flatnonzero(cut & (l3 + 10 <= ends))
    if len(r):
        cut_size = (get.u8(l3[r], ends[r]) & 0x0F) * 4
        cut_total = get.u16(l3[r] + 2, ends[r])
        shown = (cut_size >= 20) & ((cut_total == 0) | (cut_total >= cut_size))
        ip_proto[r] = np.where(shown, get.u8(l3[r] + 9, ends[r]), -1)
        ip_ttl[r] = np.where(shown, get.u8(l3[r] + 8, ends[r]), -1)

    v6 = v6_called & (l3 + 40 <= ends)
    malformed |= v6_called & ~v6
    i6 = np.flatnonzero(v6)
    if len(i6):
        p, e = l3[i6], ends[i6]
        version[i6] = 6
        src_hi[i6], src_lo[i6] = get.u64(p + 8, e), get.u64(p + 16, e)
        dst_hi[i6], dst_lo[i6] = get.u64(p + 24, e), get.u64(p + 32, e)
        plen = get.u16(p + 4, e)  # beyond the frame: Wireshark takes the frame's length
        limit[i6] = np.where(plen > 0, np.minimum(e, p + 40 + plen), e)
        ip_end[i6] = np.where(plen > 0, np.minimum(ip_end[i6], p + 40 + plen), ip_end[i6])
        ip_ok[i6] = True
        nxt = get.u8(p + 6, e)
        pos = p + 40
        for _ in range(4):  # skip extension headers
            ext = np.isin(nxt, IPV6_EXTENSIONS) & (pos + 8 <= e)
            frag = (nxt == _FRAGMENT) & (pos + 8 <= e)
            if not (ext.any() or frag.any()):
                break
            size = np.where(frag, 8, (get.u8(pos + 1, e) + 1) * 8)
            first_fragment[i6[frag]] &= (get.u16(pos + 2, e)[frag] >> 3) == 0
            moved = ext | frag
            nxt = np.where(moved, get.u8(pos, e), nxt)
            pos = np.where(moved, pos + size, pos)
        l4proto[i6], l4[i6] = nxt, pos

    # a transport Wireshark dissects (its name matches a filter, its ports are fields) ...
    seen = ip_ok & first_fragment & np.isin(l4proto, (_TCP, _UDP)) & (l4 < ends)
    any_sport = np.where(seen & (l4 + 2 <= ends), get.u16(l4), -1)
    any_dport = np.where(seen & (l4 + 4 <= ends), get.u16(l4 + 2), -1)
    # ... and one whose header is whole and valid, which is all a conversation counts
    tcp_size = (get.u8(l4 + 12) >> 4) * 4
    tcp = seen & (l4proto == _TCP) & (tcp_size >= 20) & (l4 + tcp_size <= limit)
    udp = seen & (l4proto == _UDP) & (l4 + 8 <= limit) & (get.u16(l4 + 4) >= 8)
    ports = tcp | udp
    called = ip_ok & first_fragment & np.isin(l4proto, (_TCP, _UDP))
    malformed |= called & ~ports  # cut by the snap length, or bogus
    malformed |= udp & (get.u16(l4 + 4) > ip_end - l4)  # counted, but "bad length value"
    sport = np.where(ports, get.u16(l4), -1)
    dport = np.where(ports, get.u16(l4 + 2), -1)
    tcp_flags = np.where(tcp, get.u16(l4 + 12) & 0x01FF, -1)
    tcp_seq = np.where(tcp, get.u32(l4 + 4), -1)
    tcp_ack = np.where(tcp, get.u32(l4 + 8), -1)
    tcp_window = np.where(tcp, get.u16(l4 + 14), -1)
    data_at = np.where(tcp, l4 + tcp_size, l4 + 8)
    payload_len = np.where(ports, np.maximum(ends - data_at, 0), -1)
    # Wireshark's tcp.len: what the IP header says follows TCP's header, captured or not
    # (shown for a bogus TCP header length too, once its fixed 20 bytes are there)
    fixed = seen & (l4proto == _TCP) & (l4 + 20 <= limit)
    tcp_len = np.where(fixed, np.maximum(ip_end - l4 - tcp_size, 0), -1)
    udp_length = np.where(seen & (l4proto == _UDP) & (l4 + 6 <= ends), get.u16(l4 + 4), -1)
    payload4 = np.where(ports & (payload_len >= 4), get.u32(data_at), 0).astype(np.uint32)
    icmp = ((l4proto == _ICMP) & (version == 4)) | ((l4proto == _ICMPV6) & (version == 6))
    icmp_type = np.where(icmp & ip_ok & (l4 < ends) & first_fragment, get.u8(l4), -1)
    inner = _quoted_headers(get, l4, ends, version, icmp_type)
    return Columns(
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
        l4proto=np.where(ip_ok, l4proto, -1),
        ipv4_seen=ipv4_seen,
        ipv6_seen=ipv6_seen,
        ip_proto=ip_proto,
        ip_ttl=ip_ttl,
        tcp_len=tcp_len,
        udp_length=udp_length,
        transport_seen=seen,
        any_sport=any_sport,
        any_dport=any_dport,
        malformed=malformed,
        sport=sport,
        dport=dport,
        tcp_flags=tcp_flags,
        tcp_seq=tcp_seq,
        tcp_ack=tcp_ack,
        tcp_window=tcp_window,
        l4_offset=np.where(ip_ok, l4, -1),
        icmp_type=icmp_type,
        payload4=payload4,
        payload_len=payload_len,
        **inner,
    )


def _by_name(numbers: np.ndarray, table: dict) -> np.ndarray:
    """The EtherType of each network layer a link header names by its own numbers
    (``table`` maps those numbers to ``"ipv4"``/``"ipv6"``); 0 for any other."""
    out = np.zeros(len(numbers), dtype=np.int64)
    for number, network in table.items():
        out[numbers == number] = ETHERTYPES[network]
    return out


#: BSD loopback families and PPP protocols, keyed by their own numbers.
_FAMILIES = LOOPBACK_FAMILIES
_PPP = {number: name for name, number in PPP_PROTOCOLS.items()}
#: 802.11 LLC/SNAP: the DSAP/SSAP/control bytes, and the OUIs whose protocol id is an
#: EtherType (RFC 1042 encapsulation and 802.1H bridge tunnel).
_SNAP = (0xAA, 0xAA, 0x03)
_SNAP_ETHERTYPE_OUIS = (0x000000, 0x0000F8)


def _loopback(get: _Bytes, p, e, kind: str):
    """(network layer offset, EtherType, FCS bytes) behind a BSD loopback header."""
    family = get.u32(p, e)
    if kind == "null":  # the capturing machine's byte order: Wireshark swaps a family >= 2**16
        little = get.u32le(p, e)
        family = np.where(little & 0xFFFF0000, family, little)
    return p + 4, _by_name(family, _FAMILIES), np.zeros(len(p), dtype=np.int64)


def _ppp(get: _Bytes, p, e, kind: str):
    """PPP: optional ``ff 03`` address and control, a protocol of 1 byte (odd) or 2."""
    hdlc = (get.u8(p, e) == PPP_HDLC_START[0]) & (get.u8(p + 1, e) == PPP_HDLC_START[1])
    p = p + 2 * hdlc
    short = (get.u8(p, e) & 1).astype(bool)
    proto = np.where(short, get.u8(p, e), get.u16(p, e))
    return p + 2 - short, _by_name(proto, _PPP), np.zeros(len(p), dtype=np.int64)


def _radiotap(get: _Bytes, p, e, kind: str):
    """Radiotap, then an 802.11 data frame's MAC header and LLC/SNAP: where the network layer
    starts, its EtherType (0 for management, control, protected and null-data frames) and
    the 4 FCS bytes at the end when radiotap's flags say the frame has them."""
    n = len(p)
    word = get.u32le(p + 4, e)
    first = word
    at = p + 8
    for _ in range(8):  # extended presence bitmaps (bit 31 says another word follows)
        more = (word >> 31).astype(bool)
        if not more.any():
            break
        word = np.where(more, get.u32le(at, e), 0)
        at = at + 4 * more
    tsft = (first & 1).astype(bool)  # 8 bytes, 8-aligned from the radiotap header's start
    at = np.where(tsft, p + (at - p + 7) // 8 * 8 + 8, at)
    flags = np.where(first & 2, get.u8(at, e), 0)
    fcs = np.where(flags & 0x10, 4, 0)
    mac = p + get.u16le(p + 2, e)
    fc0, fc1 = get.u8(mac, e), get.u8(mac + 1, e)
    subtype = fc0 >> 4
    data = ((fc0 >> 2) & 3 == 2) & ((subtype & 4) == 0) & ((fc1 & 0x40) == 0)
    qos = (subtype & 8) != 0
    size = 24 + 6 * ((fc1 & 3) == 3) + 2 * qos + 4 * (qos & ((fc1 & 0x80) != 0))
    llc = mac + size
    snap = data & (llc + 8 <= e - fcs)
    for i, value in enumerate(_SNAP):
        snap &= get.u8(llc + i, e) == value
    oui = (get.u8(llc + 3, e) << 16) | get.u16(llc + 4, e)
    snap &= np.isin(oui, _SNAP_ETHERTYPE_OUIS)
    ethertype = np.where(snap, get.u16(llc + 6, e), 0)
    l3 = np.where(snap, llc + 8, np.minimum(llc, e))
    return l3, ethertype.astype(np.int64), fcs.astype(np.int64) * np.ones(n, dtype=np.int64)


#: Link headers whose length or protocol numbering the bulk decoder works out per frame.
_VARIABLE = {"null": _loopback, "loop": _loopback, "ppp": _ppp, "radiotap": _radiotap}


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
