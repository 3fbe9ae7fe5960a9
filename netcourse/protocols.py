"""The course's protocol vocabulary, declared once: every model, plot and widget reads it here.

Link types, EtherTypes, IP protocol numbers, TCP flags, ICMP and ICMPv6 types with their
replies, well-known ports and the service names iptables resolves, conntrack states. Each tool
keeps its own spelling of some of these (iptables says ``all`` and means protocol 0, AWS writes
``-1``), so each derives its table from the ones here and adds that entry itself.

>>> IP_PROTOCOLS["tcp"], IP_PROTOCOLS["icmpv6"]
(6, 58)
>>> protocol_table(["tcp", "udp"])
{'tcp': 6, 'udp': 17}
>>> LINK_TYPES[276].decode, ETHERTYPES["ipv6"] == 0x86DD
('sll2', True)
>>> TcpFlags.from_letters("SA").letters, str(TcpFlags.SYN | TcpFlags.ACK)
('SA', 'SYN, ACK')
>>> ICMP_TYPES[13].reply, ICMPV6_TYPES[128].reply, ICMP_TYPES[3].codes[3].description
(14, 129, 'Port unreachable')
>>> service_port("ftp-data", "tcp"), service_port("bootpc", "udp"), WELL_KNOWN_PORTS[53].label
(20, 68, 'DNS')
>>> EPHEMERAL_PORT_RANGES["IANA dynamic ports (RFC 6335)"]
(49152, 65535)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

__all__ = [
    "LinkType",
    "LINK_TYPES",
    "LOOPBACK_FAMILIES",
    "PPP_PROTOCOLS",
    "PPP_HDLC_START",
    "OTHER_LINK_TYPE_NAMES",
    "ETHERTYPES",
    "VLAN_ETHERTYPES",
    "IP_PROTOCOLS",
    "IPV6_EXTENSION_HEADERS",
    "protocol_table",
    "protocol_name",
    "TcpFlags",
    "IcmpCode",
    "IcmpType",
    "ICMP_TYPES",
    "ICMPV6_TYPES",
    "ICMPV6_UNTRACKED_TYPES",
    "icmp_types",
    "icmp_names",
    "Service",
    "WELL_KNOWN_PORTS",
    "EPHEMERAL_PORT_RANGES",
    "service_port",
    "service_names",
    "CONNTRACK_STATES",
    "CONNTRACK_STATE_MEANINGS",
    "HTTP_STARTS",
    "TcpAnalysisFlag",
    "TCP_ANALYSIS_FLAGS",
    "TUNNEL_UDP_PORTS",
    "GRE_PROTOCOLS",
    "GRE_FLAGS",
    "DOT1Q_ETHERTYPES",
    "DOT1AD_ETHERTYPES",
    "MPLS_ETHERTYPES",
    "PPPOE_HEADER",
    "IP_IN_IP",
    "DNS_RELATIVE_PORTS",
]


# --- link types ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkType:
    """A pcap/pcapng link-layer type and how its frames are decoded.

    ``decode`` names the header in front of the network layer: ``"ethernet"`` (EtherType at
    byte 12), ``"sll"`` (Linux cooked v1: protocol at byte 14 of a 16-byte header), ``"sll2"``
    (Linux cooked v2: protocol at byte 0 of a 20-byte header), ``"ip"`` (no header; the version
    nibble says IPv4 or IPv6), ``"ipv4"``/``"ipv6"`` (no header, one version only).
    """

    number: int
    name: str  #: the LINKTYPE_ name in the tcpdump.org registry, without the prefix
    description: str  #: as Wireshark's capture file properties say it
    decode: str
    header: int  #: bytes before the network layer
    proto_offset: int | None  #: where the 16-bit EtherType-like protocol field sits, if any
    scapy: str  #: the scapy layer class that dissects the whole frame
    #: False where the header's length varies from frame to frame (PPP, radiotap): then
    #: ``header`` is the fewest bytes it can have
    fixed_header: bool = True


#: The link types the course reads, by LINKTYPE number (https://www.tcpdump.org/linktypes.html).
LINK_TYPES: dict[int, LinkType] = {
    lt.number: lt
    for lt in (
        LinkType(1, "ETHERNET", "Ethernet", "ethernet", 14, 12, "Ether"),
        LinkType(101, "RAW", "Raw IP", "ip", 0, None, "IP"),
        LinkType(113, "LINUX_SLL", "Linux cooked-mode capture v1", "sll", 16, 14, "CookedLinux"),
        LinkType(228, "IPV4", "Raw IPv4", "ipv4", 0, None, "IP"),
        LinkType(229, "IPV6", "Raw IPv6", "ipv6", 0, None, "IPv6"),
        LinkType(276, "LINUX_SLL2", "Linux cooked-mode capture v2", "sll2", 20, 0, "CookedLinuxV2"),
        LinkType(0, "NULL", "BSD loopback", "null", 4, None, "Loopback"),
        LinkType(108, "LOOP", "OpenBSD loopback", "loop", 4, None, "LoopbackOpenBSD"),
        LinkType(9, "PPP", "PPP", "ppp", 1, None, "PPP", False),
        LinkType(50, "PPP_HDLC", "PPP in HDLC-like framing", "ppp", 1, None, "PPP", False),
        LinkType(
            127,
            "IEEE802_11_RADIOTAP",
            "802.11 plus radiotap",
            "radiotap",
            8,
            None,
            "RadioTap",
            False,
        ),
    )
}
#: The address families a BSD loopback header (link types 0 and 108) carries, by number:
#: AF_INET is 2 everywhere; AF_INET6 is 24 on NetBSD and OpenBSD, 28 on FreeBSD, 30 on macOS.
LOOPBACK_FAMILIES: dict[int, str] = {2: "ipv4", 24: "ipv6", 28: "ipv6", 30: "ipv6"}
#: PPP protocol numbers (IANA's PPP DLL protocol numbers) of the network layers read behind PPP.
PPP_PROTOCOLS: dict[str, int] = {"ipv4": 0x0021, "ipv6": 0x0057}
#: The PPP address and control bytes of HDLC-like framing (RFC 1662), often left out.
PPP_HDLC_START = b"\xff\x03"
#: LINKTYPE names of the tcpdump.org registry for link types the course does not read, so a
#: message can say what a capture holds (``220 is LINKTYPE_USB_LINUX_MMAPPED``).
OTHER_LINK_TYPE_NAMES: dict[int, str] = {
    3: "AX25",
    6: "IEEE802_5",
    8: "SLIP",
    10: "FDDI",
    104: "C_HDLC",
    105: "IEEE802_11",
    107: "FRELAY",
    119: "IEEE802_11_PRISM",
    143: "DOCSIS",
    **{147 + n: f"USER{n}" for n in range(16)},
    163: "IEEE802_11_AVS",
    187: "BLUETOOTH_HCI_H4",
    189: "USB_LINUX",
    192: "PPI",
    195: "IEEE802_15_4_WITHFCS",
    197: "ERF",
    201: "BLUETOOTH_HCI_H4_WITH_PHDR",
    204: "PPP_PPPD",
    220: "USB_LINUX_MMAPPED",
    227: "CAN_SOCKETCAN",
    230: "IEEE802_15_4_NOFCS",
    231: "DBUS",
    239: "NFLOG",
    249: "USBPCAP",
    251: "BLUETOOTH_LE_LL",
    252: "WIRESHARK_UPPER_PDU",
    253: "NETLINK",
    254: "BLUETOOTH_LINUX_MONITOR",
    264: "PKTAP",
}

#: EtherTypes by short name (IEEE registry); the link header's protocol field uses them too.
ETHERTYPES: dict[str, int] = {
    "ipv4": 0x0800,
    "arp": 0x0806,
    "teb": 0x6558,  # transparent Ethernet bridging (an Ethernet frame inside GRE)
    "rarp": 0x8035,
    "vlan": 0x8100,  # 802.1Q customer tag
    "ipv6": 0x86DD,
    "mpls": 0x8847,
    "mpls-multicast": 0x8848,
    "pppoe-discovery": 0x8863,
    "pppoe-session": 0x8864,
    "qinq": 0x88A8,  # 802.1ad service tag
    "lldp": 0x88CC,
    "macsec": 0x88E5,
    "qinq-old": 0x9100,  # the pre-standard QinQ tag some switches still send
}
#: EtherTypes of a VLAN tag: 802.1Q, 802.1ad and the old QinQ value.
VLAN_ETHERTYPES: tuple[int, ...] = (ETHERTYPES["vlan"], ETHERTYPES["qinq"], ETHERTYPES["qinq-old"])


# --- IP protocols ------------------------------------------------------------------------------

#: IANA's assigned internet protocol numbers for the protocols the course meets, by the
#: lower-case names of /etc/protocols (``icmpv6`` for IPv6-ICMP, as AWS and iptables spell it).
IP_PROTOCOLS: dict[str, int] = {
    "icmp": 1,
    "igmp": 2,
    "ipencap": 4,  # IP in IP
    "tcp": 6,
    "udp": 17,
    "dccp": 33,
    "ipv6": 41,  # IPv6 in IPv4 (6in4)
    "gre": 47,
    "esp": 50,
    "ah": 51,
    "icmpv6": 58,
    "ospf": 89,
    "pim": 103,
    "vrrp": 112,
    "sctp": 132,
    "udplite": 136,
}
#: IPv6 extension headers a parser walks past to find the transport header, by next-header
#: number: hop-by-hop options, routing, fragment, destination options.
IPV6_EXTENSION_HEADERS: dict[int, str] = {
    0: "hop-by-hop",
    43: "routing",
    44: "fragment",
    60: "dest",
}

_PROTOCOL_NAMES: dict[int, str] = {number: name for name, number in IP_PROTOCOLS.items()}


def protocol_table(names: Iterable[str]) -> dict[str, int]:
    """The numbers of the named protocols, in the order given (a tool's own subset).

    >>> protocol_table(["icmp", "gre"])
    {'icmp': 1, 'gre': 47}
    """
    return {name: IP_PROTOCOLS[name] for name in names}


def protocol_name(number: int) -> str:
    """The /etc/protocols name of an IP protocol number, or the number as text.

    >>> protocol_name(17), protocol_name(250)
    ('udp', '250')
    """
    return _PROTOCOL_NAMES.get(number, str(number))


# --- TCP flags ---------------------------------------------------------------------------------

#: The one-letter names tcpdump and scapy print, in header bit order (FIN is bit 0).
_LETTERS = "FSRPAUEC"


class TcpFlags(enum.IntFlag):
    """The TCP header's flag bits, by the names iptables' ``--tcp-flags`` and Wireshark use.

    >>> TcpFlags.parse("PA") == TcpFlags.PSH | TcpFlags.ACK
    True
    >>> TcpFlags(0x12).letters, TcpFlags(0x12).names
    ('SA', ('SYN', 'ACK'))
    """

    FIN = 0x01
    SYN = 0x02
    RST = 0x04
    PSH = 0x08
    ACK = 0x10
    URG = 0x20
    ECE = 0x40
    CWR = 0x80

    @property
    def letters(self) -> str:
        """scapy's spelling: one letter a bit, in bit order (``SA``, ``PA``, ``FA``)."""
        return "".join(letter for bit, letter in enumerate(_LETTERS) if self & (1 << bit))

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the bits set, in bit order (Wireshark's order)."""
        return tuple(flag.name for flag in TcpFlags if self & flag and flag.name)

    def __str__(self) -> str:
        return ", ".join(self.names)

    @classmethod
    def from_letters(cls, text: str) -> TcpFlags:
        """The flags of scapy's letters (``"SA"``); ValueError names an unknown letter."""
        bits = 0
        for letter in text:
            index = _LETTERS.find(letter.upper())
            if index < 0:
                raise ValueError(
                    f"{letter!r} is not a TCP flag letter; expected some of {_LETTERS}"
                )
            bits |= 1 << index
        return cls(bits)

    @classmethod
    def parse(cls, value: str | int) -> TcpFlags:
        """Flags from letters (``"SA"``), names (``"SYN,ACK"``) or a number (``0x12``)."""
        if isinstance(value, int):
            if not 0 <= value <= 0xFF:
                raise ValueError(f"{value}: TCP flags are 8 bits, 0-255")
            return cls(value)
        text = value.strip()
        if "," in text or text.upper() in cls.__members__:
            bits = 0
            for name in filter(None, (part.strip().upper() for part in text.split(","))):
                if name not in cls.__members__:
                    raise ValueError(
                        f"{name!r} is not a TCP flag; expected {', '.join(cls.__members__)}"
                    )
                bits |= cls[name]
            return cls(bits)
        return cls.from_letters(text)


# --- ICMP and ICMPv6 -----------------------------------------------------------------------


@dataclass(frozen=True)
class IcmpCode:
    """One code of an ICMP type: iptables' name (if it has one) and Wireshark's description."""

    code: int
    name: str | None
    description: str


@dataclass(frozen=True)
class IcmpType:
    """An ICMP or ICMPv6 message type.

    ``reply`` is the type that answers a request (conntrack and AWS pair them: echo 8 -> 0,
    timestamp 13 -> 14, ICMPv6 echo 128 -> 129); ``error`` marks types that quote the header of
    the packet they report on (conntrack calls them RELATED); ``aliases`` are iptables' other
    names for the type.
    """

    number: int
    name: str | None  #: iptables' name; None where iptables has none
    description: str
    reply: int | None = None
    error: bool = False
    aliases: tuple[str, ...] = ()
    codes: dict[int, IcmpCode] = field(default_factory=dict)


def _codes(*codes: tuple[int, str | None, str]) -> dict[int, IcmpCode]:
    return {code: IcmpCode(code, name, text) for code, name, text in codes}


#: ICMP (IPv4) types: iptables' names (``iptables -p icmp -h``) and Wireshark's descriptions.
ICMP_TYPES: dict[int, IcmpType] = {
    t.number: t
    for t in (
        IcmpType(0, "echo-reply", "Echo (ping) reply", aliases=("pong",)),
        IcmpType(
            3,
            "destination-unreachable",
            "Destination unreachable",
            error=True,
            codes=_codes(
                (0, "network-unreachable", "Network unreachable"),
                (1, "host-unreachable", "Host unreachable"),
                (2, "protocol-unreachable", "Protocol unreachable"),
                (3, "port-unreachable", "Port unreachable"),
                (4, "fragmentation-needed", "Fragmentation needed"),
                (5, "source-route-failed", "Source route failed"),
                (6, "network-unknown", "Destination network unknown"),
                (7, "host-unknown", "Destination host unknown"),
                (9, "network-prohibited", "Network administratively prohibited"),
                (10, "host-prohibited", "Host administratively prohibited"),
                (11, "TOS-network-unreachable", "Network unreachable for TOS"),
                (12, "TOS-host-unreachable", "Host unreachable for TOS"),
                (13, "communication-prohibited", "Communication administratively filtered"),
                (14, "host-precedence-violation", "Host precedence violation"),
                (15, "precedence-cutoff", "Precedence cutoff in effect"),
            ),
        ),
        IcmpType(4, "source-quench", "Source quench (flow control)", error=True),
        IcmpType(
            5,
            "redirect",
            "Redirect",
            error=True,
            codes=_codes(
                (0, "network-redirect", "Redirect for network"),
                (1, "host-redirect", "Redirect for host"),
                (2, "TOS-network-redirect", "Redirect for TOS and network"),
                (3, "TOS-host-redirect", "Redirect for TOS and host"),
            ),
        ),
        IcmpType(8, "echo-request", "Echo (ping) request", reply=0, aliases=("ping",)),
        IcmpType(9, "router-advertisement", "Router advertisement"),
        IcmpType(10, "router-solicitation", "Router solicitation"),
        IcmpType(
            11,
            "time-exceeded",
            "Time-to-live exceeded",
            error=True,
            aliases=("ttl-exceeded",),
            codes=_codes(
                (0, "ttl-zero-during-transit", "Time to live exceeded in transit"),
                (1, "ttl-zero-during-reassembly", "Fragment reassembly time exceeded"),
            ),
        ),
        IcmpType(
            12,
            "parameter-problem",
            "Parameter problem",
            error=True,
            codes=_codes(
                (0, "ip-header-bad", "Pointer indicates the error"),
                (1, "required-option-missing", "Required option missing"),
            ),
        ),
        IcmpType(13, "timestamp-request", "Timestamp request", reply=14),
        IcmpType(14, "timestamp-reply", "Timestamp reply"),
        IcmpType(15, None, "Information request", reply=16),
        IcmpType(16, None, "Information reply"),
        IcmpType(17, "address-mask-request", "Address mask request", reply=18),
        IcmpType(18, "address-mask-reply", "Address mask reply"),
    )
}

#: ICMPv6 types: ip6tables' names (``ip6tables -p icmpv6 -h``) and Wireshark's descriptions.
ICMPV6_TYPES: dict[int, IcmpType] = {
    t.number: t
    for t in (
        IcmpType(
            1,
            "destination-unreachable",
            "Destination Unreachable",
            error=True,
            codes=_codes(
                (0, "no-route", "no route to destination"),
                (1, "communication-prohibited", "Administratively prohibited"),
                (2, "beyond-scope", "Beyond scope of source address"),
                (3, "address-unreachable", "Address unreachable"),
                (4, "port-unreachable", "Port unreachable"),
                (5, "failed-policy", "Source address failed ingress/egress policy"),
                (6, "reject-route", "Reject route to destination"),
            ),
        ),
        IcmpType(2, "packet-too-big", "Packet Too Big", error=True),
        IcmpType(
            3,
            "time-exceeded",
            "Time Exceeded",
            error=True,
            aliases=("ttl-exceeded",),
            codes=_codes(
                (0, "ttl-zero-during-transit", "hop limit exceeded in transit"),
                (1, "ttl-zero-during-reassembly", "fragment reassembly time exceeded"),
            ),
        ),
        IcmpType(
            4,
            "parameter-problem",
            "Parameter Problem",
            error=True,
            codes=_codes(
                (0, "bad-header", "erroneous header field encountered"),
                (1, "unknown-header-type", "unrecognized Next Header type encountered"),
                (2, "unknown-option", "unrecognized IPv6 option encountered"),
            ),
        ),
        IcmpType(128, "echo-request", "Echo (ping) request", reply=129, aliases=("ping",)),
        IcmpType(129, "echo-reply", "Echo (ping) reply", aliases=("pong",)),
        IcmpType(130, None, "Multicast Listener Query"),
        IcmpType(131, None, "Multicast Listener Report"),
        IcmpType(132, None, "Multicast Listener Done"),
        IcmpType(133, "router-solicitation", "Router Solicitation"),
        IcmpType(134, "router-advertisement", "Router Advertisement"),
        IcmpType(
            135,
            "neighbour-solicitation",
            "Neighbor Solicitation",
            aliases=("neighbor-solicitation",),
        ),
        IcmpType(
            136,
            "neighbour-advertisement",
            "Neighbor Advertisement",
            aliases=("neighbor-advertisement",),
        ),
        IcmpType(137, "redirect", "Redirect"),
        IcmpType(143, None, "Multicast Listener Report Message v2"),
    )
}


#: ICMPv6 types conntrack never tracks (their packets are UNTRACKED): MLD and neighbour
#: discovery, noct_valid_new in the kernel's net/netfilter/nf_conntrack_proto_icmpv6.c.
ICMPV6_UNTRACKED_TYPES: tuple[int, ...] = (130, 131, 132, 133, 134, 135, 136, 143)


def icmp_types(version: int) -> dict[int, IcmpType]:
    """The ICMP table of an IP version: :data:`ICMP_TYPES` for 4, :data:`ICMPV6_TYPES` for 6.

    >>> icmp_types(6)[129].name
    'echo-reply'
    """
    if version == 4:
        return ICMP_TYPES
    if version == 6:
        return ICMPV6_TYPES
    raise ValueError(f"version {version!r}: expected 4 or 6")


@lru_cache(maxsize=2)
def icmp_names(version: int = 4) -> dict[str, tuple[int, int | None]]:
    """Every name iptables (4) or ip6tables (6) accepts for ``--icmp-type``: (type, code or None).

    >>> names = icmp_names(4)
    >>> names["port-unreachable"], names["ping"], names["any"]
    ((3, 3), (8, None), (255, None))
    """
    names: dict[str, tuple[int, int | None]] = {"any": (255, None)}
    for kind in icmp_types(version).values():
        for name in (kind.name, *kind.aliases):
            if name:
                names[name] = (kind.number, None)
        for code in kind.codes.values():
            if code.name:
                names[code.name] = (kind.number, code.code)
    return names


# --- ports and services ------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    """A well-known port: its /etc/services name and the label a learner knows it by."""

    port: int
    name: str  #: the /etc/services (IANA) name: ``domain`` for 53
    label: str  #: what people call it: ``DNS``
    protocols: tuple[str, ...] = ("tcp",)


#: Well-known ports the lessons meet, by number.
WELL_KNOWN_PORTS: dict[int, Service] = {
    s.port: s
    for s in (
        Service(20, "ftp-data", "FTP data"),
        Service(21, "ftp", "FTP"),
        Service(22, "ssh", "SSH"),
        Service(23, "telnet", "Telnet"),
        Service(25, "smtp", "SMTP"),
        Service(53, "domain", "DNS", ("tcp", "udp")),
        Service(67, "bootps", "DHCP server", ("udp",)),
        Service(68, "bootpc", "DHCP client", ("udp",)),
        Service(80, "http", "HTTP"),
        Service(110, "pop3", "POP3"),
        Service(123, "ntp", "NTP", ("udp",)),
        Service(143, "imap2", "IMAP"),
        Service(161, "snmp", "SNMP", ("udp",)),
        Service(443, "https", "HTTPS", ("tcp", "udp")),
        Service(993, "imaps", "IMAPS"),
        Service(995, "pop3s", "POP3S"),
        Service(3306, "mysql", "MySQL"),
        Service(5432, "postgresql", "PostgreSQL"),
        Service(8080, "http-alt", "HTTP (alternate)"),
    )
}


#: Ephemeral (client source) port ranges, both ends included, by who draws from them.
#: IANA's dynamic ports are 49152-65535 (RFC 6335 section 6), the default of Windows (since
#: Vista) and macOS; Linux defaults to its own range (net.ipv4.ip_local_port_range); older
#: Windows, AWS NAT gateways and Elastic Load Balancing reach down to 1024-1025. A network ACL
#: that lets replies reach any client must open the range covering them all: 1024-65535.
EPHEMERAL_PORT_RANGES: dict[str, tuple[int, int]] = {
    "IANA dynamic ports (RFC 6335)": (49152, 65535),
    "Windows Vista and later": (49152, 65535),
    "macOS": (49152, 65535),
    "Linux (default ip_local_port_range)": (32768, 60999),
    "Windows XP, Server 2003 and older": (1025, 5000),
    "AWS NAT gateway, Elastic Load Balancing": (1024, 65535),
}


@lru_cache(maxsize=1)
def _services() -> dict[tuple[str, str], int]:
    """(name, protocol) -> port, from the shipped copy of the services database."""
    table: dict[tuple[str, str], int] = {}
    text = resources.files("netcourse.data").joinpath("services").read_text(encoding="ascii")
    for line in text.splitlines():
        line = line.partition("#")[0].split()
        if len(line) < 2:
            continue
        number, _, proto = line[1].partition("/")
        for name in (line[0], *line[2:]):
            table.setdefault((name, proto), int(number))
    return table


def service_port(name: str, proto: str = "tcp") -> int | None:
    """The port of a service name for a protocol, as iptables resolves it, or None.

    The names come from a shipped copy of Debian's services database (netbase), the file
    iptables reads through getservbyname(3); the machine's own file is never consulted.

    >>> service_port("domain", "udp"), service_port("www"), service_port("nope")
    (53, 80, None)
    """
    return _services().get((name, proto))


def service_names(proto: str = "tcp") -> tuple[str, ...]:
    """Every service name (aliases included) known for a protocol, sorted.

    >>> "ssh" in service_names("tcp"), "bootpc" in service_names("tcp")
    (True, False)
    """
    return tuple(sorted(name for name, p in _services() if p == proto))


# --- connection tracking -----------------------------------------------------------------------

#: The conntrack states a rule can match (``-m conntrack --ctstate``), in the kernel's order.
CONNTRACK_STATES: tuple[str, ...] = (
    "INVALID",
    "NEW",
    "ESTABLISHED",
    "RELATED",
    "UNTRACKED",
    "SNAT",
    "DNAT",
)
#: What each conntrack state means, for explanations.
CONNTRACK_STATE_MEANINGS: dict[str, str] = {
    "INVALID": "matches no known connection and cannot start one",
    "NEW": "starts a connection, or belongs to one not yet answered",
    "ESTABLISHED": "belongs to a connection that has seen packets both ways",
    "RELATED": "starts something tied to a tracked connection, e.g. an ICMP error about it",
    "UNTRACKED": "exempted from tracking in the raw table",
    "SNAT": "its source was rewritten by NAT",
    "DNAT": "its destination was rewritten by NAT",
}


# --- HTTP --------------------------------------------------------------------------------------

#: The first bytes of an HTTP/1.x message: a request's method and its space, or a response's
#: status line (RFC 9112). Readers that see a TCP payload start this way call it HTTP.
HTTP_STARTS: tuple[bytes, ...] = (
    b"GET ",
    b"POST ",
    b"PUT ",
    b"HEAD ",
    b"DELETE ",
    b"OPTIONS ",
    b"PATCH ",
    b"HTTP/1.",
)
# --- Wireshark's TCP analysis --------------------------------------------------------------


@dataclass(frozen=True)
class TcpAnalysisFlag:
    """One of Wireshark's ``tcp.analysis.*`` expert flags, as Wireshark 4.0 registers it."""

    name: str  #: the field name after ``tcp.analysis.`` (``retransmission``)
    severity: str  #: Wireshark's expert severity: ``chat``, ``note`` or ``warning``
    summary: str  #: Wireshark's expert message (``{}`` is the duplicate ACK's number)
    label: str  #: what the Info column shows in front of the segment


#: Wireshark's TCP sequence analysis flags (epan/dissectors/packet-tcp.c), in the order it
#: reports them on one frame. All belong to the expert group "Sequence".
TCP_ANALYSIS_FLAGS: dict[str, TcpAnalysisFlag] = {
    flag.name: flag
    for flag in (
        TcpAnalysisFlag(
            "reused_ports",
            "note",
            "A new tcp session is started with the same ports as an earlier session in this trace",
            "TCP Port numbers reused",
        ),
        TcpAnalysisFlag(
            "retransmission",
            "note",
            "This frame is a (suspected) retransmission",
            "TCP Retransmission",
        ),
        TcpAnalysisFlag(
            "fast_retransmission",
            "note",
            "This frame is a (suspected) fast retransmission",
            "TCP Fast Retransmission",
        ),
        TcpAnalysisFlag(
            "spurious_retransmission",
            "note",
            "This frame is a (suspected) spurious retransmission",
            "TCP Spurious Retransmission",
        ),
        TcpAnalysisFlag(
            "out_of_order",
            "warning",
            "This frame is a (suspected) out-of-order segment",
            "TCP Out-Of-Order",
        ),
        TcpAnalysisFlag(
            "lost_segment",
            "warning",
            "Previous segment(s) not captured (common at capture start)",
            "TCP Previous segment not captured",
        ),
        TcpAnalysisFlag(
            "ack_lost_segment",
            "warning",
            "ACKed segment that wasn't captured (common at capture start)",
            "TCP ACKed unseen segment",
        ),
        TcpAnalysisFlag("window_update", "chat", "TCP window update", "TCP Window Update"),
        TcpAnalysisFlag(
            "window_full",
            "warning",
            "TCP window specified by the receiver is now completely full",
            "TCP Window Full",
        ),
        TcpAnalysisFlag("keep_alive", "note", "TCP keep-alive segment", "TCP Keep-Alive"),
        TcpAnalysisFlag(
            "keep_alive_ack", "note", "ACK to a TCP keep-alive segment", "TCP Keep-Alive ACK"
        ),
        TcpAnalysisFlag("duplicate_ack", "note", "Duplicate ACK (#{})", "TCP Dup ACK"),
        TcpAnalysisFlag(
            "zero_window_probe", "note", "TCP Zero Window Probe", "TCP ZeroWindowProbe"
        ),
        TcpAnalysisFlag("zero_window", "warning", "TCP Zero Window segment", "TCP ZeroWindow"),
        TcpAnalysisFlag(
            "zero_window_probe_ack",
            "note",
            "ACK to a TCP Zero Window Probe",
            "TCP ZeroWindowProbeAck",
        ),
    )
}


# --- tunnels and encapsulations ----------------------------------------------------------------

#: UDP ports of the tunnels whose payload is another frame (IANA): VXLAN (RFC 7348) and
#: Geneve (RFC 8926). Wireshark tries the lower of a datagram's two ports first.
TUNNEL_UDP_PORTS: dict[int, str] = {4789: "vxlan", 6081: "geneve"}
#: GRE protocol types (an EtherType, or Cisco's for ERSPAN) of the payloads followed inside GRE,
#: and the Geneve protocol types (the same numbers). ERSPAN type I and II share 0x88BE: type I
#: is a GRE header without a sequence number (Wireshark's rule).
GRE_PROTOCOLS: dict[str, int] = {
    "ipv4": 0x0800,
    "ipv6": 0x86DD,
    "teb": 0x6558,  # transparent Ethernet bridging: an Ethernet frame
    "mpls": 0x8847,
    "erspan": 0x88BE,  # ERSPAN type I (no header) or II (8 bytes)
    "erspan3": 0x22EB,  # ERSPAN type III (12 bytes, 8 more with the platform sub-header)
}
#: GRE header flag bits (RFC 2784/2890): checksum, routing, key, sequence number present.
GRE_FLAGS: dict[str, int] = {"checksum": 0x8000, "routing": 0x4000, "key": 0x2000, "seq": 0x1000}
#: EtherTypes of the 802.1Q tag Wireshark calls ``vlan`` (0x9100 included) and of the 802.1ad
#: service tag it calls ``ieee8021ad``.
DOT1Q_ETHERTYPES: tuple[int, ...] = (ETHERTYPES["vlan"], ETHERTYPES["qinq-old"])
DOT1AD_ETHERTYPES: tuple[int, ...] = (ETHERTYPES["qinq"],)
#: The MPLS EtherTypes (unicast, multicast); each label stack entry is 4 bytes, the last one
#: with the bottom-of-stack bit. Past it Wireshark guesses IPv4 or IPv6 by the first nibble.
MPLS_ETHERTYPES: tuple[int, ...] = (ETHERTYPES["mpls"], ETHERTYPES["mpls-multicast"])
#: The PPPoE session header's length (RFC 2516): version/type, code, session id, length;
#: a PPP protocol number follows it.
PPPOE_HEADER = 6
#: IP protocol numbers whose payload is another IP packet: IPv4 (IP-in-IP, 4in6) and IPv6 (6in4).
IP_IN_IP: dict[int, str] = {IP_PROTOCOLS["ipencap"]: "ipv4", IP_PROTOCOLS["ipv6"]: "ipv6"}


# --- DNS's relatives -------------------------------------------------------------------------

#: UDP ports Wireshark gives to protocols built on DNS's message format (RFC 6762 mDNS, RFC 4795
#: LLMNR): their packets are ``mdns`` / ``llmnr``, not ``dns``.
DNS_RELATIVE_PORTS: dict[int, str] = {5353: "mDNS", 5355: "LLMNR"}
