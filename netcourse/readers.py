"""Readers for what learners type in every topic: ports, ranges, MAC addresses, masks, addresses.

Each reader returns a plain value or raises the caller's :class:`NetcourseError` subclass
(``error=``) with one wording across the course, naming the bad part and what was expected.
Numbers are read as the real tools read them: ASCII digits only (iptables, the AWS API and
ipcalc all refuse full-width or superscript digits, and so do we).

>>> read_port("443"), read_port_range("1024:65535"), read_mac("02-00-5E-00-00-0A")
(443, (1024, 65535), '02:00:5e:00:00:0a')
>>> read_interface("10.0.2.3 255.255.0.0"), read_netmask("255.255.255.192")
(IPv4Interface('10.0.2.3/16'), 26)
>>> read_port("８０")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
netcourse.errors.PortError: '８０': a port is written with the digits 0-9 (got non-ASCII ...
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

import netaddr

from netcourse.errors import AddressError, NetcourseError, PacketError, PortError, quote

__all__ = [
    "IPInterface",
    "read_int",
    "read_port",
    "read_port_range",
    "read_mac",
    "read_netmask",
    "read_address",
    "read_interface",
    "MAX_PREFIX",
]

IPInterface = ipaddress.IPv4Interface | ipaddress.IPv6Interface
#: The longest prefix of each IP version.
MAX_PREFIX: dict[int, int] = {4: 32, 6: 128}

_ORDINALS = ("1st", "2nd", "3rd", "4th")
_MAX_PREFIX = MAX_PREFIX
_ADDRESS_CHARS = re.compile(r"^[0-9A-Fa-f.:/%]")
_DIGITS = re.compile(r"[0-9]+")


def _fail(error: type[NetcourseError], message: str) -> NetcourseError:
    return error(message)


# --- numbers and ports ---------------------------------------------------------------------


def read_int(
    value: object,
    *,
    what: str = "number",
    low: int = 0,
    high: int | None = None,
    error: type[NetcourseError] = NetcourseError,
) -> int:
    """An integer in ``low``-``high`` from an int or ASCII-digit text, else ``error``.

    >>> read_int(" 42 ", what="TTL", high=255)
    42
    >>> read_int("4x", what="TTL", high=255)
    Traceback (most recent call last):
    ...
    netcourse.errors.NetcourseError: '4x': a TTL must be a number 0-255
    """
    span = f"{low}-{high}" if high is not None else f"{low} or more"
    if isinstance(value, bool):
        raise error(f"{value!r}: a {what} must be a number {span}, not a bool")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not _DIGITS.fullmatch(text):
            if text.startswith("-") and _DIGITS.fullmatch(text[1:]):
                raise error(f"{quote(value)}: a {what} cannot be negative; expected {span}")
            if text and all(char.isdigit() for char in text.lstrip("-+")):
                raise error(
                    f"{quote(value)}: a {what} is written with the digits 0-9 "
                    f"(got non-ASCII digits); expected a number {span}"
                )
            raise error(f"{quote(value)}: a {what} must be a number {span}")
        if len(text.lstrip("0")) > 30:  # far beyond any range the course reads
            raise error(f"{quote(value)}: a {what} must be in {span}")
        number = int(text)
    else:
        raise error(
            f"{quote(value)}: a {what} must be a number {span}, not a {type(value).__name__}"
        )
    if number < low or (high is not None and number > high):
        raise error(f"{quote(value)}: a {what} must be in {span}")
    return number


def read_port(
    value: object,
    *,
    what: str = "port",
    low: int = 1,
    error: type[NetcourseError] = PortError,
) -> int:
    """A TCP/UDP port number (``low``-65535, 1 by default) from an int or digit text.

    >>> read_port(8080), read_port("0", low=0)
    (8080, 0)
    >>> read_port(70000)
    Traceback (most recent call last):
    ...
    netcourse.errors.PortError: 70000: a port must be in 1-65535
    """
    return read_int(value, what=what, low=low, high=65535, error=error)


def read_port_range(
    value: object,
    *,
    what: str = "port range",
    low: int = 0,
    separators: str = ":-",
    error: type[NetcourseError] = PortError,
) -> tuple[int, int]:
    """A port or a ``first:last`` / ``first-last`` range as ``(first, last)``.

    An empty end means the edge of the port space, as iptables reads ``:1023`` and ``1024:``.

    >>> read_port_range("22"), read_port_range("1024-65535"), read_port_range(":1023")
    ((22, 22), (1024, 65535), (0, 1023))
    >>> read_port_range("90:80")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.PortError: '90:80': the port range starts at 90 but ends at 80; write ...
    """
    if isinstance(value, int) and not isinstance(value, bool):
        port = read_port(value, what="port", low=low, error=error)
        return port, port
    if not isinstance(value, str):
        raise error(f"{quote(value)}: a {what} must be text such as '1024:65535'")
    text = value.strip()
    sep = next((s for s in separators if s in text), None)
    if sep is None:
        port = read_port(text, what="port", low=low, error=error)
        return port, port
    first_text, _, last_text = text.partition(sep)
    first = read_port(first_text, what="first port", low=low, error=error) if first_text else low
    last = read_port(last_text, what="last port", low=low, error=error) if last_text else 65535
    if first > last:
        raise error(
            f"{quote(value)}: the {what} starts at {first} but ends at {last}; "
            "write the smaller port first"
        )
    return first, last


# --- MAC addresses -------------------------------------------------------------------------

_MAC_FORMS = (
    re.compile(r"[0-9A-Fa-f]{1,2}([:-])(?:[0-9A-Fa-f]{1,2}\1){4}[0-9A-Fa-f]{1,2}"),
    re.compile(r"[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}"),
    re.compile(r"[0-9A-Fa-f]{12}"),
)


def read_mac(value: object, *, error: type[NetcourseError] = PacketError) -> str:
    """A 48-bit MAC address in lower-case colon form (``02:00:5e:00:00:0a``).

    Accepts the forms people paste: colons or dashes between six hex pairs, Cisco's dotted
    ``0200.5e00.000a`` and twelve bare hex digits.

    >>> read_mac("0200.5e00.000a"), read_mac("02005E00000A")
    ('02:00:5e:00:00:0a', '02:00:5e:00:00:0a')
    >>> read_mac("12345")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.PacketError: '12345': not a MAC address; expected six hex pairs like ...
    """
    text = value.strip() if isinstance(value, str) else None
    if text is None or not any(form.fullmatch(text) for form in _MAC_FORMS):
        raise error(
            f"{quote(value)}: not a MAC address; expected six hex pairs like '02:00:5e:00:00:0a'"
        )
    eui = netaddr.EUI(text, dialect=netaddr.mac_unix_expanded)
    return str(eui)


# --- IP addresses, masks and prefixes ------------------------------------------------------


def _check_ipv4(text: str, part: str, what: str) -> None:
    """Raise AddressError naming the bad piece of a dotted-quad ``part`` (an address or mask)."""
    numbers = part.split(".")
    if len(numbers) != 4:
        if "." not in part and not part.isdigit():
            raise AddressError(
                f"{quote(text)}: {part!r} is not an address; expected four numbers 0-255 separated "
                "by dots (like 10.0.2.3) or an IPv6 address (like 2001:db8::1)"
            )
        if part.count(".") == 0 and part.isdigit():
            raise AddressError(
                f"{quote(text)}: {what} {part!r} is a single number; write it as four numbers "
                "0-255 separated by dots, such as 10.0.2.3"
            )
        raise AddressError(
            f"{quote(text)}: {what} {part!r} has {len(numbers)} numbers, but an IPv4 {what} has "
            "4 separated by dots (like 10.0.2.3)"
        )
    for index, number in enumerate(numbers):
        nth = _ORDINALS[index]
        if number == "":
            raise AddressError(
                f"{quote(text)}: the {nth} number of {what} {part!r} is missing "
                "(expected a number 0-255 between the dots)"
            )
        if not number.isascii() or not number.isdigit():
            raise AddressError(
                f"{quote(text)}: the {nth} number of {what} {part!r} is {number!r}, "
                "but each must be a number 0-255"
            )
        if len(number) > 1 and number.startswith("0"):
            raise AddressError(
                f"{quote(text)}: the {nth} number {number!r} has a leading zero, "
                "which is ambiguous "
                f"(some tools read it as octal); write {int(number)}"
            )
        if int(number) > 255:
            raise AddressError(
                f"{quote(text)}: the {nth} number is {number}, but each must be 0-255"
            )


def _check_mask(text: str, mask: str) -> int:
    """The prefix length of a dotted netmask, or AddressError saying what is wrong with it."""
    _check_ipv4(text, mask, "mask")
    value = netaddr.IPAddress(mask)
    if value.is_netmask():
        return value.netmask_bits()
    if value.is_hostmask():
        inverse = netaddr.IPAddress(int(value) ^ 0xFFFFFFFF)
        raise AddressError(
            f"{quote(text)}: {mask} is a wildcard (inverse) mask; "
            "the netmask with the same meaning "
            f"is {inverse}"
        )
    raise AddressError(
        f"{quote(text)}: the mask {mask} is not contiguous: its 1 bits must all come first, "
        "then only 0 bits (like 255.255.0.0)"
    )


def _check_prefix(text: str, prefix: str, version: int) -> int:
    top = _MAX_PREFIX[version]
    if prefix == "":
        raise AddressError(f"{quote(text)}: the prefix after '/' is missing (expected 0-{top})")
    if not prefix.isascii() or not prefix.isdigit():
        raise AddressError(
            f"{quote(text)}: the prefix /{prefix} is not a number; "
            f"IPv{version} prefixes are 0-{top}"
        )
    if len(prefix) > 1 and prefix.startswith("0"):
        raise AddressError(
            f"{quote(text)}: the prefix /{prefix} has a leading zero; write /{int(prefix)}"
        )
    value = int(prefix)
    if value > top:
        raise AddressError(
            f"{quote(text)}: the prefix /{value} is out of range; IPv{version} prefixes are 0-{top}"
        )
    return value


def _read_address(text: str, token: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if token == "":
        raise AddressError(f"{quote(text)}: the address before '/' is missing")
    if ":" in token:
        if "%" in token:
            raise AddressError(
                f"{quote(text)}: the zone {token[token.index('%') :]!r} names a local interface "
                "and is "
                "not part of the address; leave it out"
            )
        try:
            return ipaddress.IPv6Address(token)
        except ValueError as exc:
            raise AddressError(f"{quote(text)}: not a valid IPv6 address ({exc})") from None
    _check_ipv4(text, token, "address")
    return ipaddress.IPv4Address(token)


def _stray_space(text: str) -> AddressError:
    inner = text.strip()
    where = next(i for i, char in enumerate(inner) if char.isspace())
    return AddressError(
        f"{quote(text)}: stray space inside the address after {inner[:where]!r}; "
        "write it without spaces, like 10.0.2.3/16"
    )


@lru_cache(maxsize=4096)
def _interface(text: str) -> IPInterface:
    """Read address text into an ipaddress interface (address plus prefix); cached."""
    inner = text.strip()
    if not inner:
        raise AddressError(
            f"{quote(text)}: empty input; expected an address such as 10.0.2.3/16 or 2001:db8::1/64"
        )
    tokens = inner.split()
    mask_prefix = None
    if len(tokens) > 1:
        first, second = tokens[0], tokens[1]
        looks_like_mask = "/" not in first and re.fullmatch(r"[0-9.]+", second) is not None
        if looks_like_mask and second.count(".") == 3 and ":" not in first:
            _check_ipv4(text, first, "address")
            mask_prefix = _check_mask(text, second)
            if len(tokens) > 2:
                raise AddressError(
                    f"{quote(text)}: unexpected words {' '.join(tokens[2:])!r} after the mask"
                )
            tokens = [first]
        elif first[-1] in "./:" or _ADDRESS_CHARS.match(second) and not second.isalpha():
            raise _stray_space(text)
        else:
            raise AddressError(
                f"{quote(text)}: unexpected words {' '.join(tokens[1:])!r} after the address"
            )
    token = tokens[0]
    address_part, slash, prefix_part = token.partition("/")
    if "/" in prefix_part:
        raise AddressError(f"{quote(text)}: more than one '/'; expected address/prefix")
    address = _read_address(text, address_part)
    version = address.version
    if mask_prefix is not None:
        prefixlen = mask_prefix
    elif not slash:
        prefixlen = _MAX_PREFIX[version]
    elif version == 4 and "." in prefix_part:
        prefixlen = _check_mask(text, prefix_part)
    else:
        prefixlen = _check_prefix(text, prefix_part, version)
    return ipaddress.ip_interface((address, prefixlen))


def read_interface(value: object, *, error: type[NetcourseError] = AddressError) -> IPInterface:
    """An address with its prefix, as a learner writes it: ``10.0.2.3/16``, ``10.0.2.3
    255.255.0.0``, ``2001:db8::1/64`` or a bare address (a host route).

    Taught in notebooks/03-cidr-and-subnets.ipynb.

    >>> read_interface("2001:db8::1/64")
    IPv6Interface('2001:db8::1/64')
    >>> read_interface("10.0.0.256/24")
    Traceback (most recent call last):
    ...
    netcourse.errors.AddressError: '10.0.0.256/24': the 4th number is 256, but each must be 0-255
    """
    if not isinstance(value, str):
        raise error(
            f"{quote(value)}: expected an address as text such as '10.0.2.3/16', "
            f"got {type(value).__name__}"
        )
    try:
        return _interface(value)
    except AddressError as exc:
        if error is AddressError:
            raise
        raise error(str(exc)) from None


def read_address(
    value: object, *, error: type[NetcourseError] = AddressError
) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """One IP address (no prefix), IPv4 or IPv6.

    >>> read_address(" 192.0.2.1 "), read_address("2001:db8::1")
    (IPv4Address('192.0.2.1'), IPv6Address('2001:db8::1'))
    """
    if not isinstance(value, str):
        raise error(f"{quote(value)}: expected an IP address as text such as '192.0.2.1'")
    text = value.strip()
    if "/" in text:
        raise error(f"{quote(value)}: expected one address without a '/prefix'")
    try:
        return read_interface(text).ip
    except AddressError as exc:
        if error is AddressError:
            raise
        raise error(str(exc)) from None


def read_netmask(value: object, *, error: type[NetcourseError] = AddressError) -> int:
    """The prefix length of a dotted IPv4 netmask (``255.255.255.0`` -> 24), or of ``/24``.

    >>> read_netmask("/24"), read_netmask("255.255.254.0")
    (24, 23)
    >>> read_netmask("0.0.0.255")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netcourse.errors.AddressError: '0.0.0.255': 0.0.0.255 is a wildcard (inverse) mask; ...
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return read_int(value, what="prefix length", high=32, error=error)
    if not isinstance(value, str):
        raise error(f"{quote(value)}: expected a netmask such as '255.255.255.0' or '/24'")
    text = value.strip()
    try:
        if text.startswith("/") or _DIGITS.fullmatch(text):
            return _check_prefix(value, text.lstrip("/"), 4)
        return _check_mask(value, text)
    except AddressError as exc:
        if error is AddressError:
            raise
        raise error(str(exc)) from None
