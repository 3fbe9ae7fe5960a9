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
from dataclasses import dataclass, field

from netcourse.errors import AddressError, PacketError, PortError
from netcourse.protocols import protocol_table

__all__ = [
    "Packet",
    "PROTOCOLS",
    "PROTOCOL_NAMES",
    "TCP_FLAGS",
    "ICMP_TYPES",
    "ICMP_ERRORS",
    "ICMP_REQUESTS",
    "flag_bits",
    "flag_letters",
    "protocol_number",
    "icmp_type_code",
]

#: IP protocol numbers by the names iptables accepts (from /etc/protocols, the common ones).
PROTOCOLS: dict[str, int] = {
    "all": 0,
    **protocol_table(["icmp", "igmp", "tcp", "udp", "gre", "esp", "ah", "sctp", "udplite"]),
}
#: The name of each protocol number above (the reverse table).
PROTOCOL_NAMES: dict[int, str] = {number: name for name, number in PROTOCOLS.items()}

#: TCP flag bits, by the names iptables' --tcp-flags uses, in header order (FIN is bit 0).
TCP_FLAGS: dict[str, int] = {
    "FIN": 0x01,
    "SYN": 0x02,
    "RST": 0x04,
    "PSH": 0x08,
    "ACK": 0x10,
    "URG": 0x20,
    "ECE": 0x40,
    "CWR": 0x80,
}
#: The one-letter names tcpdump and scapy print for the same bits.
_LETTERS: dict[str, int] = {"F": 1, "S": 2, "R": 4, "P": 8, "A": 16, "U": 32, "E": 64, "C": 128}
_LETTER_ORDER = "FSRPAUEC"  # the order scapy prints them: S, SA, PA, FA, RA ...

#: ICMP types and (type, code) pairs by the names ``iptables -p icmp -h`` lists.
ICMP_TYPES: dict[str, tuple[int, int | None]] = {
    "any": (255, None),
    "echo-reply": (0, None),
    "pong": (0, None),
    "destination-unreachable": (3, None),
    "network-unreachable": (3, 0),
    "host-unreachable": (3, 1),
    "protocol-unreachable": (3, 2),
    "port-unreachable": (3, 3),
    "fragmentation-needed": (3, 4),
    "source-route-failed": (3, 5),
    "network-unknown": (3, 6),
    "host-unknown": (3, 7),
    "network-prohibited": (3, 9),
    "host-prohibited": (3, 10),
    "TOS-network-unreachable": (3, 11),
    "TOS-host-unreachable": (3, 12),
    "communication-prohibited": (3, 13),
    "host-precedence-violation": (3, 14),
    "precedence-cutoff": (3, 15),
    "source-quench": (4, None),
    "redirect": (5, None),
    "network-redirect": (5, 0),
    "host-redirect": (5, 1),
    "TOS-network-redirect": (5, 2),
    "TOS-host-redirect": (5, 3),
    "echo-request": (8, None),
    "ping": (8, None),
    "router-advertisement": (9, None),
    "router-solicitation": (10, None),
    "time-exceeded": (11, None),
    "ttl-exceeded": (11, None),
    "ttl-zero-during-transit": (11, 0),
    "ttl-zero-during-reassembly": (11, 1),
    "parameter-problem": (12, None),
    "ip-header-bad": (12, 0),
    "required-option-missing": (12, 1),
    "timestamp-request": (13, None),
    "timestamp-reply": (14, None),
    "address-mask-request": (17, None),
    "address-mask-reply": (18, None),
}
#: ICMP types that report an error about another packet (conntrack calls them RELATED).
ICMP_ERRORS: frozenset[int] = frozenset({3, 4, 5, 11, 12})
#: ICMP request types conntrack may start a flow with, and the reply type of each.
ICMP_REQUESTS: dict[int, int] = {8: 0, 13: 14, 15: 16, 17: 18}


def protocol_number(proto: str | int) -> int:
    """The IP protocol number of a name or number (``"tcp"`` -> 6).

    >>> protocol_number("udp"), protocol_number("47"), protocol_number(1)
    (17, 47, 1)
    """
    if isinstance(proto, int) and not isinstance(proto, bool):
        number = proto
    else:
        text = str(proto).strip().lower()
        if text in PROTOCOLS:
            return PROTOCOLS[text]
        if not text.isdigit():
            known = ", ".join(sorted(PROTOCOLS))
            raise PacketError(f"{proto!r}: unknown protocol; expected a number or one of {known}")
        number = int(text)
    if not 0 <= number <= 255:
        raise PacketError(f"{proto!r}: a protocol number is 0-255")
    return number


def flag_bits(flags: str) -> int:
    """The TCP flag byte of tcpdump/scapy letters (``"SA"`` -> 0x12).

    >>> hex(flag_bits("SA")), flag_bits("")
    ('0x12', 0)
    """
    bits = 0
    for letter in str(flags).strip().upper().replace(".", ""):
        if letter not in _LETTERS:
            raise PacketError(
                f"{flags!r}: {letter!r} is not a TCP flag; use the letters S A F R P U E C"
            )
        bits |= _LETTERS[letter]
    return bits


def flag_letters(bits: int) -> str:
    """The tcpdump/scapy letters of a TCP flag byte (0x12 -> ``"SA"``).

    >>> flag_letters(0x18), flag_letters(0x11)
    ('PA', 'FA')
    """
    return "".join(letter for letter in _LETTER_ORDER if bits & _LETTERS[letter])


def icmp_type_code(value: str | int) -> tuple[int, int | None]:
    """The (type, code) of an ICMP type name, number or ``type/code`` (code None: any code).

    >>> icmp_type_code("echo-request"), icmp_type_code("3/3"), icmp_type_code(0)
    ((8, None), (3, 3), (0, None))
    """
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        text = str(value).strip()
    if text in ICMP_TYPES:
        return ICMP_TYPES[text]
    lowered = {name.lower(): code for name, code in ICMP_TYPES.items()}
    if text.lower() in lowered:
        return lowered[text.lower()]
    parts = text.split("/")
    if len(parts) in (1, 2) and all(part.isdigit() for part in parts):
        numbers = [int(part) for part in parts]
        if all(0 <= number <= 255 for number in numbers):
            return numbers[0], (numbers[1] if len(numbers) == 2 else None)
    raise PacketError(
        f"{value!r}: not an ICMP type; expected a number 0-255, 'type/code' or a name "
        "such as echo-request or port-unreachable"
    )


def _ipv4(value: str, what: str) -> tuple[str, int]:
    try:
        addr = ipaddress.ip_address(str(value).strip())
    except ValueError:
        raise AddressError(f"{what} {value!r}: not an IPv4 address such as 192.0.2.10") from None
    if addr.version != 4:
        raise AddressError(f"{what} {value!r}: iptables filters IPv4 only (ip6tables does IPv6)")
    return str(addr), int(addr)


def _port(value: int | None, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except ValueError:
            raise PortError(f"{what} {value!r}: not a port number 0-65535") from None
    if not 0 <= value <= 65535:
        raise PortError(f"{what} {value}: a port is 0-65535")
    return value


@dataclass(frozen=True)
class Packet:
    """One IPv4 packet as a firewall sees it.

    ``flags`` are tcpdump/scapy letters (``S``, ``SA``, ``A``, ``PA``, ``F``, ``FA``, ``R``;
    a TCP packet without ``flags`` is a SYN, ``flags=""`` one with no flags at all);
    ``icmp_type`` a number or a name such as ``"echo-request"``; ``inner`` the packet an ICMP
    error is about; ``in_iface``/``out_iface`` the interfaces it arrives on and leaves by.

    >>> Packet("icmp", src="192.0.2.1", dst="192.0.2.2", icmp_type="echo-request").icmp_type
    8
    """

    proto: str | int
    src: str = "192.0.2.1"
    dst: str = "192.0.2.2"
    sport: int | None = None
    dport: int | None = None
    flags: str | None = None
    icmp_type: int | str | None = None
    icmp_code: int = 0
    icmp_id: int = 0
    inner: Packet | None = None
    in_iface: str = "eth0"
    out_iface: str = "eth1"
    proto_number: int = field(init=False, repr=False, compare=False)
    src_int: int = field(init=False, repr=False, compare=False)
    dst_int: int = field(init=False, repr=False, compare=False)
    flag_bits: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        number = protocol_number(self.proto)
        if number == 0:
            raise PacketError("protocol 'all' describes rules, not packets; use tcp, udp, icmp ...")
        name = PROTOCOL_NAMES.get(number, str(number))
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
            raise PortError(f"{name} has no ports; sport and dport are for tcp and udp")
        if bits and number != 6:
            raise PacketError(f"flags {flags!r}: only tcp packets carry TCP flags")
        icmp_type, icmp_code = self.icmp_type, self.icmp_code
        if number == 1:
            kind, code = icmp_type_code(8 if icmp_type is None else icmp_type)
            if kind == 255:
                raise PacketError("'any' matches ICMP types in rules; a packet has one type")
            icmp_type, icmp_code = kind, (icmp_code if code is None else code)
            if not 0 <= int(icmp_code) <= 255:
                raise PacketError(f"icmp_code {icmp_code}: a code is 0-255")
        elif icmp_type is not None:
            raise PacketError(f"icmp_type {icmp_type!r}: only icmp packets have an ICMP type")
        if self.inner is not None and not (number == 1 and icmp_type in ICMP_ERRORS):
            raise PacketError("inner: only an ICMP error (type 3, 4, 5, 11, 12) quotes a packet")
        setter(self, "proto", name)
        setter(self, "src", src)
        setter(self, "dst", dst)
        setter(self, "sport", sport)
        setter(self, "dport", dport)
        setter(self, "flags", flag_letters(bits))
        setter(self, "icmp_type", icmp_type)
        setter(self, "icmp_code", int(icmp_code))
        setter(self, "proto_number", number)
        setter(self, "src_int", src_int)
        setter(self, "dst_int", dst_int)
        setter(self, "flag_bits", bits)

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
            exact = (self.icmp_type, self.icmp_code)
            names = [n for n, tc in ICMP_TYPES.items() if tc == exact]
            names += [n for n, tc in ICMP_TYPES.items() if tc == (self.icmp_type, None)]
            text += f" {names[0] if names else 'type'} ({self.icmp_type}/{self.icmp_code})"
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
            kwargs["icmp_type"] = ICMP_REQUESTS.get(self.icmp_type, self.icmp_type)
            kwargs["icmp_id"] = self.icmp_id
        return Packet(self.proto, **kwargs)

    @classmethod
    def from_scapy(cls, pkt, in_iface: str = "eth0", out_iface: str = "eth1") -> Packet:
        """The Packet of a scapy packet with an IPv4 layer (other layers are ignored).

        >>> from scapy.layers.inet import IP, TCP
        >>> Packet.from_scapy(IP(src="192.0.2.1", dst="192.0.2.2")/TCP(sport=1, dport=2))
        Packet('tcp', src='192.0.2.1', dst='192.0.2.2', sport=1, dport=2, flags='S')
        """
        from scapy.layers.inet import ICMP, IP, TCP, UDP, IPerror, TCPerror, UDPerror

        if IP not in pkt:
            raise PacketError(f"{pkt.summary()!r}: no IPv4 layer; iptables filters IPv4")
        ip = pkt[IP]
        common = dict(src=ip.src, dst=ip.dst, in_iface=in_iface, out_iface=out_iface)
        if TCP in ip:
            tcp = ip[TCP]
            return cls("tcp", sport=tcp.sport, dport=tcp.dport, flags=str(tcp.flags), **common)
        if UDP in ip:
            return cls("udp", sport=ip[UDP].sport, dport=ip[UDP].dport, **common)
        if ICMP in ip:
            icmp = ip[ICMP]
            inner = None
            if icmp.type in ICMP_ERRORS and IPerror not in icmp:
                icmp = ICMP(bytes(icmp))  # a built packet: dissect the quoted header
            if icmp.type in ICMP_ERRORS and IPerror in icmp:
                quoted = icmp[IPerror]
                extra: dict = {}
                if TCPerror in quoted:
                    extra = dict(sport=quoted[TCPerror].sport, dport=quoted[TCPerror].dport)
                    extra["flags"] = str(quoted[TCPerror].flags)
                elif UDPerror in quoted:
                    extra = dict(sport=quoted[UDPerror].sport, dport=quoted[UDPerror].dport)
                inner = cls(quoted.proto, src=quoted.src, dst=quoted.dst, **extra)
            ident = icmp.id if icmp.type in (0, 8, 13, 14, 15, 16, 17, 18) else 0
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
        import logging

        logging.getLogger("scapy").setLevel(logging.ERROR)
        from scapy.layers.inet import ICMP, IP, TCP, UDP
        from scapy.packet import Raw

        ip = IP(src=self.src, dst=self.dst)
        if self.proto_number == 6:
            return ip / TCP(sport=self.sport, dport=self.dport, flags=self.flags or 0)
        if self.proto_number == 17:
            return ip / UDP(sport=self.sport, dport=self.dport)
        if self.proto_number == 1:
            icmp = ICMP(type=self.icmp_type, code=self.icmp_code)
            if self.icmp_type in ICMP_REQUESTS or self.icmp_type in ICMP_REQUESTS.values():
                icmp.id = self.icmp_id
            if self.inner is not None:
                return ip / icmp / bytes(self.inner.to_scapy())[:28]
            return ip / icmp
        return IP(src=self.src, dst=self.dst, proto=self.proto_number) / Raw(b"\x00" * 8)
