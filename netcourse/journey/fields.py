"""How the journey reads the values of a scenario: IPv4 addresses, TCP ports, 4-tuples.

Thin wrappers of :mod:`netcourse.readers` with ``error=JourneyError``, and :func:`read_field`,
which names the field in the message (``laptop_ip: '10.0.1.300': the 4th number is 300 ...``).
Shared by the home network, the PDUs and the scenarios.
Taught in notebooks/06-packet-journey.ipynb.

>>> read_four_tuple(("10.0.1.7", "51514", "192.0.2.10", 443))
('10.0.1.7', 51514, '192.0.2.10', 443)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from netcourse.errors import JourneyError, quote
from netcourse.readers import read_address, read_port

__all__ = [
    "FourTuple",
    "read_ipv4",
    "read_tcp_port",
    "read_four_tuple",
    "read_field",
    "read_fields",
]

#: ``(src_ip, src_port, dst_ip, dst_port)``, the course's four_tuple.
FourTuple = tuple[str, int, str, int]


def read_ipv4(value: Any) -> str:
    """An IPv4 address as text (the home network and the NAT here are IPv4), or JourneyError.

    >>> read_ipv4(" 10.0.1.7 ")
    '10.0.1.7'
    >>> read_ipv4("2001:db8::1")
    Traceback (most recent call last):
    ...
    netcourse.errors.JourneyError: '2001:db8::1': an IPv6 address; the home network here is IPv4
    """
    address = read_address(value, error=JourneyError)
    if address.version != 4:
        raise JourneyError(f"{quote(value)}: an IPv6 address; the home network here is IPv4")
    return str(address)


def read_tcp_port(value: Any) -> int:
    """A TCP port 1-65535, or JourneyError.

    >>> read_tcp_port("443"), read_tcp_port(51514)
    (443, 51514)
    """
    return read_port(value, error=JourneyError)


def read_four_tuple(value: Any) -> FourTuple:
    """``(src_ip, src_port, dst_ip, dst_port)`` with IPv4 addresses and TCP ports, or JourneyError.

    >>> read_four_tuple(("10.0.1.7", "51514", "192.0.2.10", 443))
    ('10.0.1.7', 51514, '192.0.2.10', 443)
    """
    if not isinstance(value, tuple | list) or len(value) != 4:
        raise JourneyError(f"{quote(value)}: a four_tuple is (src_ip, src_port, dst_ip, dst_port)")
    src, sport, dst, dport = value
    return (
        read_field(read_ipv4, src, "src_ip"),
        read_field(read_tcp_port, sport, "src_port"),
        read_field(read_ipv4, dst, "dst_ip"),
        read_field(read_tcp_port, dport, "dst_port"),
    )


def read_field(read: Callable[[Any], Any], value: Any, label: str) -> Any:
    """``read(value)``, or a JourneyError that names the field: ``laptop_ip: '10.0.1.300': ...``.

    >>> read_field(read_tcp_port, "abc", "client_port")
    Traceback (most recent call last):
    ...
    netcourse.errors.JourneyError: client_port: 'abc': a port must be a number 1-65535
    """
    try:
        return read(value)
    except JourneyError as exc:
        raise JourneyError(f"{label}: {exc}") from None


def read_fields(obj: Any, fields: Mapping[str, Callable[[Any], Any]]) -> None:
    """Read each field of a frozen dataclass in place (normalised: MACs lower case, ports ints).

    For a dataclass's ``__post_init__``; each error names the field.

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Peer:
    ...     port: object
    ...     def __post_init__(self):
    ...         read_fields(self, {"port": read_tcp_port})
    >>> Peer("8443").port
    8443
    """
    for name, read in fields.items():
        object.__setattr__(obj, name, read_field(read, getattr(obj, name), name))
