"""The packet a firewall judges: protocol, addresses, ports, TCP flags, ICMP type.

A packet is IPv4 or IPv6 by its addresses; ICMP is protocol 1 in IPv4 and ICMPv6 (58) in
IPv6. Taught in notebooks/04-firewalls.ipynb.

>>> pkt = Packet("tcp", src="192.168.1.20", dst="10.0.0.5", sport=40000, dport=80, flags="S")
>>> pkt
Packet('tcp', src='192.168.1.20', dst='10.0.0.5', sport=40000, dport=80, flags='S')
>>> pkt.reply().describe()
'tcp 10.0.0.5:80 -> 192.168.1.20:40000 [SA]'
>>> Packet("icmpv6", src="fd00::1", dst="fd00::2", icmp_type="echo-request").reply().icmp_type
129
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import KW_ONLY, dataclass, field

from netcourse.errors import AddressError, PacketError, quote
from netcourse.firewall.family import FAMILIES, IPV4, IPV6
from netcourse.protocols import IPV6_EXTENSION_HEADERS, TcpFlags, icmp_names, icmp_types
from netcourse.readers import read_int, read_port

__all__ = [
    "Packet",
    "PROTOCOLS",
    "iptables_protocol_name",
    "flag_bits",
    "flag_letters",
    "protocol_number",
    "icmp_type_code",
    "icmp_label",
    "icmp_reply",
    "icmp_request",
    "is_icmp_error",
    "PKTTYPES",
]

#: IP protocol numbers by the names iptables accepts after ``-p`` (its own ``all`` is 0).
PROTOCOLS: dict[str, int] = IPV4.protocols
_NAME_OF_NUMBER = {number: name for name, number in PROTOCOLS.items()}
#: ICMP request types by the reply that answers each (conntrack pairs them), by IP version.
_REQUEST_OF_REPLY = {
    version: {k.reply: t for t, k in icmp_types(version).items() if k.reply is not None}
    for version in FAMILIES
}


def iptables_protocol_name(number: int, version: int = 4) -> str:
    """The name iptables (or ip6tables, ``version=6``) gives a protocol number after ``-p``
    (``all`` for 0), or the number.

    >>> iptables_protocol_name(6), iptables_protocol_name(0), iptables_protocol_name(41)
    ('tcp', 'all', '41')
    >>> iptables_protocol_name(58, 6)
    'ipv6-icmp'
    """
    if version == 6 and number == IPV6.icmp_proto:
        return "ipv6-icmp"  # what ip6tables-save prints (/etc/protocols' name)
    return _NAME_OF_NUMBER.get(number, str(number))


def protocol_number(proto: str | int, version: int = 4) -> int:
    """The IP protocol number of a name or number (``"tcp"`` -> 6); ``version=6`` also knows
    ip6tables' ``icmpv6`` and ``ipv6-icmp``.

    >>> protocol_number("udp"), protocol_number("47"), protocol_number(1)
    (17, 47, 1)
    >>> protocol_number("ipv6-icmp", 6)
    58
    """
    if isinstance(proto, int) and not isinstance(proto, bool):
        if not 0 <= proto <= 255:
            raise PacketError(f"{proto!r}: a protocol number is 0-255")
        return proto
    names = FAMILIES[version].protocols
    text = str(proto).strip().lower()
    if text in names:
        return names[text]
    if text and all(char.isdigit() for char in text):  # ASCII digits only, as iptables reads
        return read_int(text, what="protocol number", high=255, error=PacketError)
    known = ", ".join(sorted(names))
    hint = ""
    if version == 4 and text in IPV6.protocols:
        hint = f" ({text} is ip6tables' name: read an IPv6 ruleset with family=6)"
    raise PacketError(
        f"{quote(proto)}: unknown protocol; expected a number or one of {known}{hint}"
    )


def flag_bits(flags: str) -> int:
    """The TCP flag byte of tcpdump/scapy letters (``"SA"`` -> 0x12).

    >>> hex(flag_bits("SA")), flag_bits("")
    ('0x12', 0)
    """
    text = str(flags).strip().replace(".", "")
    try:
        return int(TcpFlags.from_letters(text))
    except ValueError:
        bad = next(letter for letter in text if letter.upper() not in "FSRPAUEC")
        raise PacketError(
            f"{quote(flags)}: {bad!r} is not a TCP flag; use the letters S A F R P U E C"
        ) from None


def flag_letters(bits: int) -> str:
    """The tcpdump/scapy letters of a TCP flag byte (0x12 -> ``"SA"``).

    >>> flag_letters(0x18), flag_letters(0x11)
    ('PA', 'FA')
    """
    return TcpFlags(bits & 0xFF).letters


def icmp_type_code(value: str | int, version: int = 4) -> tuple[int, int | None]:
    """The (type, code) of an ICMP type name, number or ``type/code`` (code None: any code).

    Names are those ``iptables -p icmp -h`` lists (``ip6tables -p icmpv6 -h`` for
    ``version=6``), in any case; numbers are ASCII digits.

    >>> icmp_type_code("echo-request"), icmp_type_code("3/3"), icmp_type_code(0)
    ((8, None), (3, 3), (0, None))
    >>> icmp_type_code("echo-request", 6), icmp_type_code("port-unreachable", 6)
    ((128, None), (1, 4))
    """
    names = icmp_names(version)
    text = str(value).strip()
    if text in names:
        return names[text]
    lowered = {name.lower(): pair for name, pair in names.items()}
    if text.lower() in lowered:
        return lowered[text.lower()]
    parts = text.split("/")
    if len(parts) in (1, 2) and all(part.isascii() and part.isdigit() for part in parts):
        numbers = [int(part) for part in parts]
        if all(0 <= number <= 255 for number in numbers):
            return numbers[0], (numbers[1] if len(numbers) == 2 else None)
    what = "an ICMPv6 type" if version == 6 else "an ICMP type"
    raise PacketError(
        f"{quote(value)}: not {what}; expected a number 0-255, 'type/code' or a name "
        "such as echo-request or port-unreachable"
    )


def icmp_label(icmp_type: int, code: int | None = None, version: int = 4) -> str | None:
    """iptables' (or ip6tables') name for an ICMP type, or for one of its codes; None where it
    has none.

    >>> icmp_label(3), icmp_label(3, 3), icmp_label(8, 0), icmp_label(15), icmp_label(1, 4, 6)
    ('destination-unreachable', 'port-unreachable', None, None, 'port-unreachable')
    """
    kind = icmp_types(version).get(icmp_type)
    if kind is None:
        return None
    if code is None:
        return kind.name
    known = kind.codes.get(code)
    return known.name if known is not None else None


def icmp_reply(icmp_type: int, version: int = 4) -> int | None:
    """The type that answers an ICMP request type (8 -> 0; ICMPv6 128 -> 129), or None when it
    is no request.

    >>> icmp_reply(8), icmp_reply(13), icmp_reply(3), icmp_reply(128, 6)
    (0, 14, None, 129)
    """
    kind = icmp_types(version).get(icmp_type)
    return kind.reply if kind is not None else None


def icmp_request(icmp_type: int, version: int = 4) -> int | None:
    """The request type an ICMP reply type answers (0 -> 8), or None when it is no reply.

    >>> icmp_request(0), icmp_request(8), icmp_request(129, 6)
    (8, None, 128)
    """
    return _REQUEST_OF_REPLY[version].get(icmp_type)


def is_icmp_error(icmp_type: int | None, version: int = 4) -> bool:
    """Whether an ICMP type reports an error about a packet it quotes (conntrack: RELATED).

    >>> is_icmp_error(3), is_icmp_error(8), is_icmp_error(1, 6), is_icmp_error(128, 6)
    (True, False, True, False)
    """
    kind = icmp_types(version).get(icmp_type)
    return kind is not None and kind.error


def _is_query(icmp_type: int | None, version: int = 4) -> bool:
    """Whether the type is a request or a reply, which carry an identifier."""
    return (
        icmp_reply(icmp_type, version) is not None or icmp_request(icmp_type, version) is not None
    )


def _address(value: object, what: str) -> tuple[str, int, int]:
    """(text, integer, IP version) of an IPv4 or IPv6 address."""
    try:
        addr = ipaddress.ip_address(str(value).strip())
    except ValueError:
        raise AddressError(
            f"{what} {quote(value)}: not an IP address such as 192.0.2.10 or fd00::10"
        ) from None
    return str(addr), int(addr), addr.version


#: The addresses a packet has when none are given, by IP version (source, destination).
_DEFAULT_ADDRESSES = {4: ("192.0.2.1", "192.0.2.2"), 6: ("fd00::1", "fd00::2")}


def _port(value: object, what: str) -> int | None:
    if value is None:
        return None
    return read_port(value, what=what, low=0)


def _iface(value: object, what: str) -> str | None:
    if value is None:  # no interface: generated locally (in), or not routed yet (out)
        return None
    if not isinstance(value, str):
        raise PacketError(f"{what} {quote(value)}: an interface name is text such as 'eth0'")
    # Linux keeps interface names in IFNAMSIZ (16) bytes with the final NUL: 1-15 characters
    if not value or len(value) > 15 or "/" in value or any(c.isspace() for c in value):
        raise PacketError(
            f"{what} {quote(value)}: an interface name is 1-15 characters, no / or spaces"
        )
    return value


@dataclass(frozen=True)
class Packet:
    """One IPv4 or IPv6 packet as a firewall sees it.

    ``src`` and ``dst`` are both IPv4 or both IPv6 (give one and the other defaults to the
    same family; give neither for 192.0.2.1 -> 192.0.2.2, or fd00::1 -> fd00::2 for
    ``"icmpv6"``); ``flags`` are tcpdump/scapy letters (``S``, ``SA``, ``A``, ``PA``, ``F``,
    ``FA``, ``R``; a TCP packet without ``flags`` is a SYN, ``flags=""`` one with no flags at
    all); ``icmp_type`` a number or a name such as ``"echo-request"`` (ICMP's in IPv4,
    ICMPv6's in IPv6); ``inner`` the packet an ICMP error is about; ``in_iface``/``out_iface``
    the interfaces it arrives on and leaves by; ``time`` when it is seen, in seconds (rate
    limits and recent lists count with it); ``in_iface=None`` a packet the machine sends
    itself (``Firewall.traverse`` then takes it through OUTPUT); ``ttl`` its TTL (IPv6: hop
    limit) as the chain sees it (a router lowers it by one before FORWARD); ``routing_type``
    the type of the IPv6 routing header it carries (None: it has none); ``mark`` its
    netfilter mark and ``ctmark`` its connection's (MARK, CONNMARK); ``length`` the IP total
    length in bytes (by default that of the headers :meth:`to_scapy` builds); ``fragment``
    its fragment offset in 8-byte units (not 0: a non-first fragment); ``pkttype`` how the
    link layer addressed it, ``unicast``, ``broadcast``, ``multicast`` or ``otherhost`` (by
    default read from ``dst``); ``uid``/``gid`` the owner of the local socket that sent it
    (None: no socket, as for forwarded packets).

    >>> Packet("icmp", src="192.0.2.1", dst="192.0.2.2", icmp_type="echo-request").icmp_type
    8
    >>> Packet("icmpv6", icmp_type="echo-request").src, Packet("udp", src="fd00::9").dst
    ('fd00::1', 'fd00::2')
    """

    proto: str | int
    _: KW_ONLY
    src: str | None = None
    dst: str | None = None
    sport: int | None = None
    dport: int | None = None
    flags: str | None = None
    icmp_type: int | str | None = None
    icmp_code: int = 0
    icmp_id: int = 0
    inner: Packet | None = None
    in_iface: str | None = "eth0"
    out_iface: str | None = "eth1"
    time: float = field(default=0.0, compare=False)
    mark: int = 0
    ctmark: int = 0
    ttl: int = 64
    length: int | None = None
    fragment: int = 0
    pkttype: str | None = None
    uid: int | None = None
    gid: int | None = None
    routing_type: int | None = None
    proto_number: int = field(init=False, repr=False, compare=False)
    src_int: int = field(init=False, repr=False, compare=False)
    dst_int: int = field(init=False, repr=False, compare=False)
    flag_bits: int = field(init=False, repr=False, compare=False)
    version: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.time, bool) or not isinstance(self.time, (int, float)):
            raise PacketError(f"time {quote(self.time)}: expected seconds as a number")
        number = protocol_number(self.proto, 6)
        if number == 0:
            raise PacketError("protocol 'all' describes rules, not packets; use tcp, udp, icmp ...")
        src_text, dst_text = self.src, self.dst
        if src_text is None and dst_text is None:
            src_text, dst_text = _DEFAULT_ADDRESSES[6 if number == IPV6.icmp_proto else 4]
        src = dst = None
        if src_text is not None:
            src, src_int, version = _address(src_text, "source")
        if dst_text is not None:
            dst, dst_int, dst_version = _address(dst_text, "destination")
            if src is None:
                version = dst_version
                src, src_int, _ = _address(_DEFAULT_ADDRESSES[version][0], "source")
            elif dst_version != version:
                raise AddressError(
                    f"destination {quote(dst_text)}: an IPv{dst_version} address, but the source "
                    f"{src} is IPv{version}; a packet's two addresses are of one IP version"
                )
        else:
            dst, dst_int, _ = _address(_DEFAULT_ADDRESSES[version][1], "destination")
        family = FAMILIES[version]
        icmp = number == family.icmp_proto
        name = "icmpv6" if number == IPV6.icmp_proto else iptables_protocol_name(number)
        sport, dport = _port(self.sport, "source port"), _port(self.dport, "destination port")
        flags = ("S" if number == 6 else "") if self.flags is None else self.flags
        bits = flag_bits(flags)
        setter = object.__setattr__
        if number in (6, 17, 132, 136):
            sport = 40000 if sport is None else sport
            dport = 80 if dport is None else dport
        elif sport is not None or dport is not None:
            raise PacketError(f"{name} has no ports; sport and dport are for tcp and udp")
        if bits and number != 6:
            raise PacketError(f"flags {quote(flags)}: only tcp packets carry TCP flags")
        icmp_type = self.icmp_type
        icmp_code = read_int(self.icmp_code, what="ICMP code", high=255, error=PacketError)
        icmp_id = read_int(self.icmp_id, what="ICMP identifier", high=65535, error=PacketError)
        ttl = read_int(self.ttl, what="ttl (hop limit)", high=255, error=PacketError)
        routing = self.routing_type
        if routing is not None:
            if version != 6:
                raise PacketError("routing_type: a routing header is an IPv6 extension header")
            routing = read_int(routing, what="routing header type", high=255, error=PacketError)
        if icmp:
            kind, code = icmp_type_code(
                (128 if version == 6 else 8) if icmp_type is None else icmp_type, version
            )
            if kind == 255:
                raise PacketError("'any' matches ICMP types in rules; a packet has one type")
            icmp_type, icmp_code = kind, (icmp_code if code is None else code)
        elif icmp_type is not None:
            which = "icmpv6 packets (IPv6)" if version == 6 else "icmp packets (IPv4)"
            raise PacketError(f"icmp_type {quote(icmp_type)}: only {which} have an ICMP type")
        if self.inner is not None:
            if not isinstance(self.inner, Packet):
                raise PacketError(f"inner {quote(self.inner)}: expected the Packet it is about")
            if not (icmp and is_icmp_error(icmp_type, version)):
                types = family.icmp_types
                errors = ", ".join(str(t) for t, kind in types.items() if kind.error)
                what = "an ICMPv6 error" if version == 6 else "an ICMP error"
                raise PacketError(f"inner: only {what} (type {errors}) quotes a packet")
            if self.inner.version != version:
                raise PacketError(
                    f"inner: an IPv{version} ICMP error quotes an IPv{version} packet, "
                    f"not IPv{self.inner.version}"
                )
        setter(self, "proto", name)
        setter(self, "src", src)
        setter(self, "dst", dst)
        setter(self, "sport", sport)
        setter(self, "dport", dport)
        setter(self, "flags", flag_letters(bits))
        setter(self, "icmp_type", icmp_type)
        setter(self, "icmp_code", icmp_code)
        setter(self, "icmp_id", icmp_id)
        setter(self, "in_iface", _iface(self.in_iface, "in_iface"))
        setter(self, "out_iface", _iface(self.out_iface, "out_iface"))
        setter(self, "ttl", ttl)
        setter(self, "routing_type", routing)
        setter(self, "proto_number", number)
        setter(self, "src_int", src_int)
        setter(self, "dst_int", dst_int)
        setter(self, "flag_bits", bits)
        setter(self, "version", version)
        for key, value in _extras(self, number).items():
            setter(self, key, value)

    @property
    def is_icmp(self) -> bool:
        """Whether this is ICMP of its IP version (ICMPv6 in IPv6), with a type and code.

        >>> Packet("icmpv6", src="fd00::1", dst="fd00::2").is_icmp, Packet("udp").is_icmp
        (True, False)
        """
        return self.icmp_type is not None

    def __repr__(self) -> str:
        parts = [repr(self.proto), f"src={self.src!r}", f"dst={self.dst!r}"]
        if self.sport is not None:
            parts += [f"sport={self.sport}", f"dport={self.dport}"]
        if self.proto_number == 6:
            parts.append(f"flags={self.flags!r}")
        if self.is_icmp:
            parts.append(f"icmp_type={self.icmp_type}")
            if self.icmp_code:
                parts.append(f"icmp_code={self.icmp_code}")
            if self.icmp_id:
                parts.append(f"icmp_id={self.icmp_id}")
            if self.inner is not None:
                parts.append(f"inner={self.inner!r}")
        for key, default in _EXTRA_DEFAULTS.items():
            value = getattr(self, key)
            if value != (default(self) if callable(default) else default):
                parts.append(f"{key}={value!r}")
        if (self.in_iface, self.out_iface) != ("eth0", "eth1"):
            parts += [f"in_iface={self.in_iface!r}", f"out_iface={self.out_iface!r}"]
        if self.routing_type is not None:
            parts.append(f"routing_type={self.routing_type}")
        return f"Packet({', '.join(parts)})"

    def describe(self) -> str:
        """A one-line summary such as ``tcp 192.0.2.1:40000 -> 192.0.2.2:80 [S]``.

        >>> Packet("udp", src="192.0.2.1", dst="192.0.2.2", sport=5353, dport=53).describe()
        'udp 192.0.2.1:5353 -> 192.0.2.2:53'
        >>> Packet("udp", src="fd00::1", dst="fd00::2", sport=5353, dport=53).describe()
        'udp [fd00::1]:5353 -> [fd00::2]:53'
        """
        src, dst = (f"[{self.src}]", f"[{self.dst}]") if self.version == 6 else (self.src, self.dst)
        if self.sport is not None:
            text = f"{self.proto} {src}:{self.sport} -> {dst}:{self.dport}"
        else:
            text = f"{self.proto} {self.src} -> {self.dst}"
        if self.proto_number == 6:
            text += f" [{self.flags or 'no flags'}]"
        if self.is_icmp:
            v = self.version
            name = icmp_label(self.icmp_type, self.icmp_code, v) or icmp_label(
                self.icmp_type, None, v
            )
            text += f" {name or 'type'} ({self.icmp_type}/{self.icmp_code})"
        return text

    def reply(self, flags: str | None = None) -> Packet:
        """The packet the other end sends back: addresses and ports swapped.

        TCP flags default to the usual answer (``S`` -> ``SA``, anything else -> ``A``);
        an ICMP request becomes its reply (echo-request -> echo-reply).

        >>> Packet("icmp", src="192.0.2.1", dst="192.0.2.2").reply().icmp_type
        0
        """
        kwargs = dict(src=self.dst, dst=self.src, in_iface=self.out_iface, out_iface=self.in_iface)
        if self.proto_number == 6:
            default = "SA" if self.flags == "S" else "A"
            kwargs["flags"] = default if flags is None else flags
        if self.sport is not None:
            kwargs.update(sport=self.dport, dport=self.sport)
        if self.is_icmp:
            answer = icmp_reply(self.icmp_type, self.version)
            kwargs["icmp_type"] = self.icmp_type if answer is None else answer
            kwargs["icmp_id"] = self.icmp_id
        return Packet(self.proto, **kwargs)

    @classmethod
    def from_scapy(cls, pkt, *, in_iface: str = "eth0", out_iface: str = "eth1") -> Packet:
        """The Packet of a scapy packet with an IPv4 or IPv6 layer (other layers are ignored).

        >>> from scapy.layers.inet import IP, TCP
        >>> Packet.from_scapy(IP(src="192.0.2.1", dst="192.0.2.2")/TCP(sport=1, dport=2))
        Packet('tcp', src='192.0.2.1', dst='192.0.2.2', sport=1, dport=2, flags='S')
        >>> from scapy.layers.inet6 import IPv6, ICMPv6EchoRequest
        >>> Packet.from_scapy(IPv6(src="fd00::1", dst="fd00::2")/ICMPv6EchoRequest(id=7))
        Packet('icmpv6', src='fd00::1', dst='fd00::2', icmp_type=128, icmp_id=7)
        """
        inet = _scapy_inet()
        if not hasattr(pkt, "haslayer"):
            raise PacketError(f"{quote(pkt)}: expected a scapy packet")
        if inet.IP not in pkt:
            inet6 = _scapy_inet6()
            if inet6.IPv6 in pkt:
                return cls._from_scapy6(pkt, inet, inet6, in_iface=in_iface, out_iface=out_iface)
            raise PacketError(f"{quote(pkt.summary())}: no IPv4 or IPv6 layer to filter")
        ip = pkt[inet.IP]
        common = dict(src=ip.src, dst=ip.dst, in_iface=in_iface, out_iface=out_iface)
        common["time"] = float(getattr(pkt, "time", 0.0) or 0.0)
        common.update(ttl=ip.ttl, fragment=ip.frag, length=len(ip) if ip.len is None else ip.len)
        if inet.TCP in ip:
            tcp = ip[inet.TCP]
            return cls("tcp", sport=tcp.sport, dport=tcp.dport, flags=str(tcp.flags), **common)
        if inet.UDP in ip:
            return cls("udp", sport=ip[inet.UDP].sport, dport=ip[inet.UDP].dport, **common)
        if inet.ICMP in ip:
            icmp = ip[inet.ICMP]
            inner = None
            if is_icmp_error(icmp.type) and inet.IPerror not in icmp:
                icmp = inet.ICMP(bytes(icmp))  # a built packet: dissect the quoted header
            if is_icmp_error(icmp.type) and inet.IPerror in icmp:
                quoted = icmp[inet.IPerror]
                extra: dict = {}
                if inet.TCPerror in quoted:
                    tcp = quoted[inet.TCPerror]
                    extra = dict(sport=tcp.sport, dport=tcp.dport, flags=str(tcp.flags))
                elif inet.UDPerror in quoted:
                    extra = dict(
                        sport=quoted[inet.UDPerror].sport, dport=quoted[inet.UDPerror].dport
                    )
                inner = cls(quoted.proto, src=quoted.src, dst=quoted.dst, **extra)
            ident = icmp.id if _is_query(icmp.type) else 0
            return cls(
                "icmp",
                icmp_type=icmp.type,
                icmp_code=icmp.code,
                icmp_id=ident or 0,
                inner=inner,
                **common,
            )
        return cls(ip.proto, **common)

    @classmethod
    def _from_scapy6(cls, pkt, inet, inet6, *, in_iface: str, out_iface: str) -> Packet:
        """The Packet of a scapy packet's IPv6 layer: extension headers are walked past (a
        routing header's type is kept), the transport header read as from_scapy does."""
        ip = pkt[inet6.IPv6]
        common = dict(src=ip.src, dst=ip.dst, in_iface=in_iface, out_iface=out_iface)
        common["time"] = float(getattr(pkt, "time", 0.0) or 0.0)
        common["ttl"] = ip.hlim
        common["length"] = 40 + (len(ip.payload) if ip.plen is None else ip.plen)
        if inet6.IPv6ExtHdrRouting in ip:
            common["routing_type"] = ip[inet6.IPv6ExtHdrRouting].type
        layer, nh = ip.payload, ip.nh
        while nh in IPV6_EXTENSION_HEADERS and layer is not None and hasattr(layer, "nh"):
            layer, nh = layer.payload, layer.nh
        if nh == 6 and inet.TCP in ip:
            tcp = ip[inet.TCP]
            return cls("tcp", sport=tcp.sport, dport=tcp.dport, flags=str(tcp.flags), **common)
        if nh == 17 and inet.UDP in ip:
            return cls("udp", sport=ip[inet.UDP].sport, dport=ip[inet.UDP].dport, **common)
        if nh == IPV6.icmp_proto:
            raw = bytes(layer)
            if len(raw) < 4:
                raise PacketError(f"{quote(pkt.summary())}: an ICMPv6 header shorter than 4 bytes")
            kind, code = raw[0], raw[1]
            ident = int.from_bytes(raw[4:6], "big") if _is_query(kind, 6) else 0
            inner = None
            if is_icmp_error(kind, 6) and len(raw) >= 8 + 40:
                inner = cls._quoted6(raw[8:], inet, inet6)
            return cls(
                "icmpv6", icmp_type=kind, icmp_code=code, icmp_id=ident, inner=inner, **common
            )
        return cls(nh, **common)

    @classmethod
    def _quoted6(cls, data: bytes, inet, inet6) -> Packet | None:
        """The packet an ICMPv6 error quotes (its IPv6 header and the start of its payload)."""
        quoted = inet6.IPv6(data)
        extra: dict = {}
        if quoted.nh in (6, 17) and len(data) >= 44:
            ports = data[40:44]
            extra = dict(
                sport=int.from_bytes(ports[:2], "big"), dport=int.from_bytes(ports[2:], "big")
            )
            if quoted.nh == 6 and len(data) >= 54:
                extra["flags"] = flag_letters(data[53])
        return cls(quoted.nh, src=quoted.src, dst=quoted.dst, **extra)

    def to_scapy(self):
        """The scapy packet (IP or IPv6 and its payload header) with this packet's fields.

        >>> bytes(Packet("udp", src="192.0.2.1", dst="192.0.2.2").to_scapy())[9]
        17
        >>> bytes(Packet("udp", src="fd00::1", dst="fd00::2").to_scapy())[6]
        17
        """
        inet = _scapy_inet()
        if self.version == 6:
            built = self._to_scapy6(inet, _scapy_inet6())
            padding = self.length - len(built)
            return built / (b"\x00" * padding) if padding > 0 else built
        IP, TCP, UDP, ICMP = inet.IP, inet.TCP, inet.UDP, inet.ICMP
        ip = IP(src=self.src, dst=self.dst, ttl=self.ttl, frag=self.fragment)
        if self.proto_number == 6:
            built = ip / TCP(sport=self.sport, dport=self.dport, flags=self.flags or 0)
        elif self.proto_number == 17:
            built = ip / UDP(sport=self.sport, dport=self.dport)
        elif self.proto_number == 1:
            icmp = ICMP(type=self.icmp_type, code=self.icmp_code)
            if _is_query(self.icmp_type):
                icmp.id = self.icmp_id
            built = ip / icmp
            if self.inner is not None:
                built = built / bytes(self.inner.to_scapy())[:28]
        else:
            ip.proto = self.proto_number
            built = ip / (b"\x00" * 8)
        padding = self.length - len(built)
        return built / (b"\x00" * padding) if padding > 0 else built

    def _to_scapy6(self, inet, inet6):
        ip = inet6.IPv6(src=self.src, dst=self.dst, hlim=self.ttl)
        if self.routing_type is not None:
            # one segment left, through the destination itself: the header is there to be seen
            ip = ip / inet6.IPv6ExtHdrRouting(type=self.routing_type, addresses=[self.dst])
        if self.proto_number == 6:
            return ip / inet.TCP(sport=self.sport, dport=self.dport, flags=self.flags or 0)
        if self.proto_number == 17:
            return ip / inet.UDP(sport=self.sport, dport=self.dport)
        if self.is_icmp:
            layers = {
                128: inet6.ICMPv6EchoRequest,
                129: inet6.ICMPv6EchoReply,
                1: inet6.ICMPv6DestUnreach,
                2: inet6.ICMPv6PacketTooBig,
                3: inet6.ICMPv6TimeExceeded,
                4: inet6.ICMPv6ParamProblem,
            }
            kind = layers.get(self.icmp_type)
            if kind is None:  # a whole 8-byte header: ip6tables' icmp6 match reads 8 bytes
                icmp = inet6.ICMPv6Unknown(
                    type=self.icmp_type, code=self.icmp_code, msgbody=b"\x00" * 4
                )
            else:
                icmp = kind(code=self.icmp_code)
            if self.icmp_type in (128, 129):
                icmp.id = self.icmp_id
            if self.inner is not None:
                return ip / icmp / bytes(self.inner.to_scapy())[:48]
            return ip / icmp
        return _with_next_header(ip, self.proto_number)


#: Header bytes after the IPv4 header that :meth:`Packet.to_scapy` builds, by protocol.
_L4_BYTES = {6: 20, 17: 8, 1: 8}
#: ICMP headers longer than 8 bytes (RFC 792, 950): timestamp 20, address mask 12 (and the
#: domain name types scapy builds with 12).
_ICMP_BYTES = {13: 20, 14: 20, 17: 12, 18: 12, 37: 12, 38: 12}
#: The link-layer packet types pkttype names (the kernel's PACKET_* of linux/if_packet.h).
PKTTYPES = ("unicast", "broadcast", "multicast", "otherhost")


def _default_length(pkt: Packet) -> int:
    """The IP total length of the headers to_scapy builds: 20 (IPv6: 40, and 24 for a routing
    header) + the next header's."""
    number = pkt.proto_number
    if pkt.version == 6:
        routing = 0 if pkt.routing_type is None else 24
        if number == 58:
            return 40 + routing + 8 + (48 if pkt.inner is not None else 0)
        return 40 + routing + _L4_BYTES.get(number, 8)
    if number == 1:
        inner = 28 if pkt.inner is not None else 0
        return 20 + _ICMP_BYTES.get(pkt.icmp_type, 8) + inner
    return 20 + _L4_BYTES.get(number, 8)


def _default_pkttype(pkt: Packet) -> str:
    if pkt.version == 6:  # ff00::/8; IPv6 has no broadcast
        return "multicast" if pkt.dst_int >> 120 == 0xFF else "unicast"
    if pkt.dst_int >> 28 == 0xE:  # 224.0.0.0/4
        return "multicast"
    return "broadcast" if pkt.dst_int == 2**32 - 1 else "unicast"


def _small(value: object, high: int) -> bool:
    """Whether value is already a plain int in 0..high (no reading needed)."""
    return type(value) is int and 0 <= value <= high


#: The defaults of the fields pkttype, length, ttl, mark, owner and -f read (a callable
#: computes it from the packet).
_EXTRA_DEFAULTS = {
    "mark": 0,
    "ctmark": 0,
    "ttl": 64,
    "length": _default_length,
    "fragment": 0,
    "pkttype": _default_pkttype,
    "uid": None,
    "gid": None,
}


def _extras(pkt: Packet, number: int) -> dict:
    """The checked values of the fields added for mark, ttl, length, -f, pkttype and owner."""
    out: dict = {}
    for key, high in (("mark", 2**32 - 1), ("ctmark", 2**32 - 1), ("ttl", 255)):
        value = getattr(pkt, key)
        if not _small(value, high):
            out[key] = read_int(value, what=key, high=high, error=PacketError)
    if not _small(pkt.fragment, 8191):
        out["fragment"] = read_int(
            pkt.fragment, what="fragment offset", high=8191, error=PacketError
        )
    if pkt.length is None:
        out["length"] = _default_length(pkt)
    else:
        length = read_int(pkt.length, what="length", high=65535, error=PacketError)
        least = 40 if pkt.version == 6 else 20
        if length < least:
            raise PacketError(
                f"length {quote(pkt.length)}: an IPv{pkt.version} packet is {least}-65535 bytes"
            )
        out["length"] = length
    kind = _default_pkttype(pkt) if pkt.pkttype is None else pkt.pkttype
    if kind == "host":
        kind = "unicast"
    if kind not in PKTTYPES:
        raise PacketError(f"pkttype {quote(pkt.pkttype)}: expected {', '.join(PKTTYPES)}")
    out["pkttype"] = kind
    if (pkt.uid is None) != (pkt.gid is None):
        raise PacketError("uid and gid: a local socket has both; give both, or neither")
    for key in ("uid", "gid"):
        value = getattr(pkt, key)
        if value is not None:
            out[key] = read_int(value, what=key, high=2**32 - 2, error=PacketError)
    return out


def _with_next_header(ip, number: int):
    """An IPv6 packet carrying 8 zero bytes of protocol ``number``."""
    if ip.payload:  # a routing header: it names the next header
        ip.payload.nh = number
    else:
        ip.nh = number
    return ip / (b"\x00" * 8)


def _scapy_inet6():
    """scapy's IPv6 layers, imported on first use, as :func:`_scapy_inet`."""
    logging.getLogger("scapy").setLevel(logging.ERROR)  # before import: no warnings on stderr
    # scapy is heavy: loaded only when a scapy packet is converted
    from scapy.layers import inet6

    return inet6


def _scapy_inet():
    """scapy's IPv4 layers, imported on first use: scapy is heavy, and the model runs without it."""
    logging.getLogger("scapy").setLevel(logging.ERROR)  # before import: no warnings on stderr
    # scapy is heavy: loaded only when a scapy packet is converted
    from scapy.layers import inet

    return inet
