"""The link layer of a captured frame: which of the vocabulary's link types it is, and which
scapy class dissects it.

Every reader (dissect, the packet list's columns, the bulk decoder, the capture reader) takes
its link types from :data:`netcourse.protocols.LINK_TYPES`, so they all accept the same ones.

>>> link_type(276).description, scapy_class(101, bytes([0x60])).__name__
('Linux cooked-mode capture v2', 'IPv6')
>>> link_type(9999)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
netcourse.errors.PacketError: link type 9999: not supported; supported are 1 (Ethernet), ...
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from netcourse.errors import PacketError
from netcourse.protocols import LINK_TYPES, LOOPBACK_FAMILIES, OTHER_LINK_TYPE_NAMES, LinkType

logging.getLogger("scapy").setLevel(logging.ERROR)

from scapy.layers import dot11, inet, inet6, l2, ppp  # noqa: E402
from scapy.packet import Packet, bind_bottom_up  # noqa: E402

__all__ = ["link_type", "scapy_class", "link_type_of", "supported", "link_name", "loopback_family"]

#: The scapy modules that hold the classes LINK_TYPES names (``LinkType.scapy``).
_MODULES = (l2, inet, inet6, ppp, dot11)

# scapy binds only its own platform's AF_INET6 under a loopback header; Wireshark reads every
# BSD's (dissecting only: building a frame is unchanged).
for _cls in (l2.Loopback, l2.LoopbackOpenBSD):
    for _family, _network in LOOPBACK_FAMILIES.items():
        bind_bottom_up(_cls, inet.IP if _network == "ipv4" else inet6.IPv6, type=_family)


def supported() -> str:
    """The supported link types as a message lists them: ``1 (Ethernet), 101 (Raw IP), ...``.

    >>> supported().split(", ")[:2]
    ['1 (Ethernet)', '101 (Raw IP)']
    """
    return ", ".join(f"{lt.number} ({lt.description})" for lt in LINK_TYPES.values())


def link_name(number: int) -> str:
    """A link type's LINKTYPE name in the tcpdump.org registry, for a message.

    >>> link_name(0), link_name(220), link_name(4321)
    ('LINKTYPE_NULL', 'LINKTYPE_USB_LINUX_MMAPPED', 'not a LINKTYPE the course knows a name for')
    """
    if number in LINK_TYPES:
        return f"LINKTYPE_{LINK_TYPES[number].name}"
    if number in OTHER_LINK_TYPE_NAMES:
        return f"LINKTYPE_{OTHER_LINK_TYPE_NAMES[number]}"
    return "not a LINKTYPE the course knows a name for"


def loopback_family(header: bytes, linktype: int = 0) -> int:
    """The address family of a BSD loopback header (its first 4 bytes).

    Link type 108 writes it in network byte order; link type 0 in the capturing machine's,
    which Wireshark (like tcpdump) tells apart by the family being below 65536.

    >>> loopback_family(bytes([30, 0, 0, 0])), loopback_family(bytes([0, 0, 0, 2]))
    (30, 2)
    >>> loopback_family(bytes([0, 0, 0, 24]), linktype=108)
    24
    """
    if linktype != 0:
        return int.from_bytes(header[:4], "big")
    value = int.from_bytes(header[:4], "little")
    return int.from_bytes(header[:4], "big") if value & 0xFFFF0000 else value


def link_type(number: object) -> LinkType:
    """The vocabulary's entry for a LINKTYPE number, or PacketError naming the supported ones.

    >>> link_type(113).header
    16
    """
    if isinstance(number, bool) or not isinstance(number, int):
        raise PacketError(f"link type {number!r}: not supported; supported are {supported()}")
    if number not in LINK_TYPES:
        raise PacketError(
            f"link type {number}: not supported; supported are {supported()}; "
            f"{number} is {link_name(number)}"
        )
    return LINK_TYPES[number]


def _scapy(name: str) -> type[Packet]:
    for module in _MODULES:
        cls = getattr(module, name, None)
        if isinstance(cls, type) and issubclass(cls, Packet):
            return cls
    raise LookupError(f"scapy has no layer {name!r} (named by netcourse.protocols.LINK_TYPES)")


#: LINKTYPE number -> the scapy class of its frames, resolved once (a wrong name fails here).
_CLASSES: dict[int, type[Packet]] = {number: _scapy(lt.scapy) for number, lt in LINK_TYPES.items()}


def scapy_class(number: int, data: bytes = b"") -> type[Packet]:
    """The scapy class that dissects a whole frame of this link type.

    Raw IP (101) carries either version: the first nibble of ``data`` picks IPv6 when it is 6.

    >>> scapy_class(1).__name__, scapy_class(229).__name__, scapy_class(101, b"\\x45").__name__
    ('Ether', 'IPv6', 'IP')
    """
    lt = link_type(number)
    if lt.decode == "ip" and data[:1] and data[0] >> 4 == 6:
        return inet6.IPv6
    if lt.decode == "null" and len(data) >= 4 and data[2:4] != b"\x00\x00":
        return l2.LoopbackOpenBSD  # written by a big-endian machine: network byte order
    return _CLASSES[lt.number]


def link_type_of(scapy_names: Iterable[str]) -> int | None:
    """The one link type whose frames start with these scapy classes, or None if there is none.

    Packets built in a cell without an Ethernet header (``IP()/TCP()``) are raw IP; a list of
    IPv4 and IPv6 packets together is raw IP of either version (101).

    >>> link_type_of(["Ether"]), link_type_of(["IP", "IPv6"]), link_type_of(["IPv6"])
    (1, 101, 229)
    >>> link_type_of(["Ether", "IP"]) is None
    True
    """
    names = set(scapy_names)
    if not names:
        return None
    if len(names) > 1:
        either = {lt.scapy for lt in LINK_TYPES.values() if lt.decode in ("ipv4", "ipv6")}
        if names <= either:
            return next(lt.number for lt in LINK_TYPES.values() if lt.decode == "ip")
        return None
    (name,) = names
    return next((lt.number for lt in LINK_TYPES.values() if lt.scapy == name), None)
