"""The packet a firewall judges: protocol, addresses, ports, TCP flags, ICMP type.

Taught in notebooks/04-firewalls.ipynb.

>>> pkt = Packet("tcp", src="192.168.1.20", dst="10.0.0.5", sport=40000, dport=80, flags="S")
>>> pkt
Packet('tcp', src='192.168.1.20', dst='10.0.0.5', sport=40000, dport=80, flags='S')
>>> pkt.reply().describe()
'tcp 10.0.0.5:80 -> 192.168.1.20:40000 [SA]'
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import KW_ONLY, dataclass, field

from netcourse.errors import AddressError, PacketError, quote
from netcourse.protocols import ICMP_TYPES, TcpFlags, icmp_names, protocol_table
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
PROTOCOLS: dict[str, int] = {
    "all": 0,
    **protocol_table(["icmp", "igmp", "tcp", "udp", "gre", "esp", "ah", "sctp", "udplite"]),
}
_NAME_OF_NUMBER = {number: name for name, number in PROTOCOLS.items()}
#: ICMP request types by the reply that answers each (conntrack pairs them).
_REQUEST_OF_REPLY = {k.reply: t for t, k in ICMP_TYPES.items() if k.reply is not None}


def iptables_protocol_name(number: int) -> str:
    """The name iptables gives an IP protocol number after ``-p`` (``all`` for 0), or the number.

    >>> iptables_protocol_name(6), iptables_protocol_name(0), iptables_protocol_name(41)
    ('tcp', 'all', '41')
    """
    return _NAME_OF_NUMBER.get(number, str(number))


def protocol_number(proto: str | int) -> int:
    """The IP protocol number of a name or number (``"tcp"`` -> 6).

    >>> protocol_number("udp"), protocol_number("47"), protocol_number(1)
    (17, 47, 1)
    """
    if isinstance(proto, int) and not isinstance(proto, bool):
        if not 0 <= proto <= 255:
            raise PacketError(f"{proto!r}: a protocol number is 0-255")
        return proto
    text = str(proto).strip().lower()
    if text in PROTOCOLS:
        return PROTOCOLS[text]
    if text and all(char.isdigit() for char in text):  # ASCII digits only, as iptables reads
        return read_int(text, what="protocol number", high=255, error=PacketError)
    known = ", ".join(sorted(PROTOCOLS))
    raise PacketError(f"{quote(proto)}: unknown protocol; expected a number or one of {known}")


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


def icmp_type_code(value: str | int) -> tuple[int, int | None]:
    """The (type, code) of an ICMP type name, number or ``type/code`` (code None: any code).

    Names are those ``iptables -p icmp -h`` lists, in any case; numbers are ASCII digits.

    >>> icmp_type_code("echo-request"), icmp_type_code("3/3"), icmp_type_code(0)
    ((8, None), (3, 3), (0, None))
    """
    names = icmp_names(4)
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
    raise PacketError(
        f"{quote(value)}: not an ICMP type; expected a number 0-255, 'type/code' or a name "
        "such as echo-request or port-unreachable"
    )


def icmp_label(icmp_type: int, code: int | None = None) -> str | None:
    """iptables' name for an ICMP type, or for one of its codes; None where it has none.

    >>> icmp_label(3), icmp_label(3, 3), icmp_label(8, 0), icmp_label(15)
    ('destination-unreachable', 'port-unreachable', None, None)
    """
    kind = ICMP_TYPES.get(icmp_type)
    if kind is None:
        return None
    if code is None:
        return kind.name
    known = kind.codes.get(code)
    return known.name if known is not None else None


def icmp_reply(icmp_type: int) -> int | None:
    """The type that answers an ICMP request type (8 -> 0), or None when it is no request.

    >>> icmp_reply(8), icmp_reply(13), icmp_reply(3)
    (0, 14, None)
    """
    kind = ICMP_TYPES.get(icmp_type)
    return kind.reply if kind is not None else None


def icmp_request(icmp_type: int) -> int | None:
    """The request type an ICMP reply type answers (0 -> 8), or None when it is no reply.

    >>> icmp_request(0), icmp_request(8)
    (8, None)
    """
    return _REQUEST_OF_REPLY.get(icmp_type)


def is_icmp_error(icmp_type: int | None) -> bool:
    """Whether an ICMP type reports an error about a packet it quotes (conntrack: RELATED).

    >>> is_icmp_error(3), is_icmp_error(8)
    (True, False)
    """
    kind = ICMP_TYPES.get(icmp_type)
    return kind is not None and kind.error


def _is_query(icmp_type: int | None) -> bool:
    """Whether the type is a request or a reply, which carry an identifier."""
    return icmp_reply(icmp_type) is not None or icmp_request(icmp_type) is not None


def _ipv4(value: object, what: str) -> tuple[str, int]:
    try:
        addr = ipaddress.ip_address(str(value).strip())
    except ValueError:
        raise AddressError(
            f"{what} {quote(value)}: not an IPv4 address such as 192.0.2.10"
        ) from None
    if addr.version != 4:
        raise AddressError(
            f"{what} {quote(value)}: iptables filters IPv4 only (ip6tables does IPv6)"
        )
    return str(addr), int(addr)


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
    """One IPv4 packet as a firewall sees it.

    ``flags`` are tcpdump/scapy letters (``S``, ``SA``, ``A``, ``PA``, ``F``, ``FA``, ``R``;
    a TCP packet without ``flags`` is a SYN, ``flags=""`` one with no flags at all);
    ``icmp_type`` a number or a name such as ``"echo-request"``; ``inner`` the packet an ICMP
    error is about; ``in_iface``/``out_iface`` the interfaces it arrives on and leaves by;
    ``in_iface=None`` a packet the machine sends itself (``Firewall.traverse`` then takes it
    through OUTPUT); ``time`` when it is seen, in seconds (rate limits and recent lists count
    with it); ``mark`` its netfilter mark and ``ctmark`` its connection's (MARK, CONNMARK);
    ``ttl`` as the chain reads it (a router has already decremented it when FORWARD sees it);
    ``length`` the IP total length in bytes (by default that of the headers :meth:`to_scapy`
    builds); ``fragment`` its fragment offset in 8-byte units (not 0: a non-first fragment);
    ``pkttype`` how the link layer addressed it, ``unicast``, ``broadcast``, ``multicast`` or
    ``otherhost`` (by default read from ``dst``); ``uid``/``gid`` the owner of the local socket
    that sent it (None: no socket, as for forwarded packets).

    >>> Packet("icmp", src="192.0.2.1", dst="192.0.2.2", icmp_type="echo-request").icmp_type
    8
    """

    proto: str | int
    _: KW_ONLY
    src: str = "192.0.2.1"
    dst: str = "192.0.2.2"
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
    proto_number: int = field(init=False, repr=False, compare=False)
    src_int: int = field(init=False, repr=False, compare=False)
    dst_int: int = field(init=False, repr=False, compare=False)
    flag_bits: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.time, bool) or not isinstance(self.time, (int, float)):
            raise PacketError(f"time {quote(self.time)}: expected seconds as a number")
        number = protocol_number(self.proto)
        if number == 0:
            raise PacketError("protocol 'all' describes rules, not packets; use tcp, udp, icmp ...")
        name = iptables_protocol_name(number)
        src, src_int = _ipv4(self.src, "source")
        dst, dst_int = _ipv4(self.dst, "destination")
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
        if number == 1:
            kind, code = icmp_type_code(8 if icmp_type is None else icmp_type)
            if kind == 255:
                raise PacketError("'any' matches ICMP types in rules; a packet has one type")
            icmp_type, icmp_code = kind, (icmp_code if code is None else code)
        elif icmp_type is not None:
            raise PacketError(f"icmp_type {quote(icmp_type)}: only icmp packets have an ICMP type")
        if self.inner is not None:
            if not isinstance(self.inner, Packet):
                raise PacketError(f"inner {quote(self.inner)}: expected the Packet it is about")
            if not (number == 1 and is_icmp_error(icmp_type)):
                errors = ", ".join(str(t) for t, kind in ICMP_TYPES.items() if kind.error)
                raise PacketError(f"inner: only an ICMP error (type {errors}) quotes a packet")
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
        setter(self, "proto_number", number)
        setter(self, "src_int", src_int)
        setter(self, "dst_int", dst_int)
        setter(self, "flag_bits", bits)
        for key, value in _extras(self, number).items():
            setter(self, key, value)

    def __repr__(self) -> str:
        parts = [repr(self.proto), f"src={self.src!r}", f"dst={self.dst!r}"]
        if self.sport is not None:
            parts += [f"sport={self.sport}", f"dport={self.dport}"]
        if self.proto_number == 6:
            parts.append(f"flags={self.flags!r}")
        if self.proto_number == 1:
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
        return f"Packet({', '.join(parts)})"

    def describe(self) -> str:
        """A one-line summary such as ``tcp 192.0.2.1:40000 -> 192.0.2.2:80 [S]``.

        >>> Packet("udp", src="192.0.2.1", dst="192.0.2.2", sport=5353, dport=53).describe()
        'udp 192.0.2.1:5353 -> 192.0.2.2:53'
        """
        if self.sport is not None:
            text = f"{self.proto} {self.src}:{self.sport} -> {self.dst}:{self.dport}"
        else:
            text = f"{self.proto} {self.src} -> {self.dst}"
        if self.proto_number == 6:
            text += f" [{self.flags or 'no flags'}]"
        if self.proto_number == 1:
            name = icmp_label(self.icmp_type, self.icmp_code) or icmp_label(self.icmp_type)
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
        if self.proto_number == 1:
            answer = icmp_reply(self.icmp_type)
            kwargs["icmp_type"] = self.icmp_type if answer is None else answer
            kwargs["icmp_id"] = self.icmp_id
        return Packet(self.proto, **kwargs)

    @classmethod
    def from_scapy(cls, pkt, *, in_iface: str = "eth0", out_iface: str = "eth1") -> Packet:
        """The Packet of a scapy packet with an IPv4 layer (other layers are ignored).

        >>> from scapy.layers.inet import IP, TCP
        >>> Packet.from_scapy(IP(src="192.0.2.1", dst="192.0.2.2")/TCP(sport=1, dport=2))
        Packet('tcp', src='192.0.2.1', dst='192.0.2.2', sport=1, dport=2, flags='S')
        """
        inet = _scapy_inet()
        if not hasattr(pkt, "haslayer"):
            raise PacketError(f"{quote(pkt)}: expected a scapy packet")
        if inet.IP not in pkt:
            raise PacketError(f"{quote(pkt.summary())}: no IPv4 layer; iptables filters IPv4")
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

    def to_scapy(self):
        """The scapy packet (IP and its payload header) with this packet's fields.

        >>> bytes(Packet("udp", src="192.0.2.1", dst="192.0.2.2").to_scapy())[9]
        17
        """
        inet = _scapy_inet()
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


#: Header bytes after the IPv4 header that :meth:`Packet.to_scapy` builds, by protocol.
_L4_BYTES = {6: 20, 17: 8, 1: 8}
#: ICMP headers longer than 8 bytes (RFC 792, 950): timestamp 20, address mask 12 (and the
#: domain name types scapy builds with 12).
_ICMP_BYTES = {13: 20, 14: 20, 17: 12, 18: 12, 37: 12, 38: 12}
#: The link-layer packet types pkttype names (the kernel's PACKET_* of linux/if_packet.h).
PKTTYPES = ("unicast", "broadcast", "multicast", "otherhost")


def _default_length(pkt: Packet) -> int:
    """The IP total length of the headers to_scapy builds (20 + the next header's)."""
    number = pkt.proto_number
    if number == 1:
        inner = 28 if pkt.inner is not None else 0
        return 20 + _ICMP_BYTES.get(pkt.icmp_type, 8) + inner
    return 20 + _L4_BYTES.get(number, 8)


def _default_pkttype(pkt: Packet) -> str:
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
        if length < 20:
            raise PacketError(f"length {quote(pkt.length)}: an IPv4 packet is 20-65535 bytes")
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


def _scapy_inet():
    """scapy's IPv4 layers, imported on first use: scapy is heavy, and the model runs without it."""
    logging.getLogger("scapy").setLevel(logging.ERROR)  # before import: no warnings on stderr
    # scapy is heavy: loaded only when a scapy packet is converted
    from scapy.layers import inet

    return inet
