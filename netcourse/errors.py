"""The course's error model: one base class, one subclass per topic.

Every public entry point turns bad input into a :class:`NetcourseError` subclass whose
message names the bad part and says what was expected, so a learner's typo never ends in
a traceback from deep inside a library.

>>> try:
...     raise AddressError("'10.0.0.256/24': the 4th number is 256, but each must be 0-255")
... except NetcourseError as exc:
...     print(exc)
'10.0.0.256/24': the 4th number is 256, but each must be 0-255
"""

from __future__ import annotations

__all__ = [
    "NetcourseError",
    "AddressError",
    "PortError",
    "SocketLabError",
    "PacketError",
    "CaptureError",
    "FilterError",
    "RuleError",
    "VpcError",
    "JourneyError",
    "ExerciseError",
    "ProgressError",
    "quote",
]

#: The most characters of a bad value that a message repeats.
QUOTE_LIMIT = 60


class NetcourseError(ValueError):
    """Base class of every error the course raises at a learner."""


class AddressError(NetcourseError):
    """An IP address, network, mask or prefix that cannot be read (CIDR lesson)."""


class PortError(NetcourseError):
    """A port number that is not an integer in 1-65535, or a port that cannot be used."""


class SocketLabError(NetcourseError):
    """The loopback socket lab cannot do what was asked (sockets lesson)."""


class PacketError(NetcourseError):
    """Bytes that cannot be dissected, or a packet that cannot be built."""


class CaptureError(NetcourseError):
    """A capture file that is missing, unreadable or in an unknown format."""


class FilterError(NetcourseError):
    """A display filter in the packet inspector that cannot be read."""


class RuleError(NetcourseError):
    """An iptables rule or ruleset outside what the firewall simulator supports."""


class VpcError(NetcourseError):
    """AWS describe-* data that does not describe a valid VPC, or an unknown endpoint."""


class JourneyError(NetcourseError):
    """A journey scenario that does not exist or cannot be built."""


class ExerciseError(NetcourseError):
    """A solution or exercise notebook that the exercise pipeline cannot process."""


class ProgressError(NetcourseError):
    """A progress file that cannot be read, or a path to progress files that names none."""


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """The repr of a bad value for an error message, cut to ``limit`` characters.

    A learner who pastes a megabyte of text gets a message of a line, not a second megabyte.

    >>> quote("10.0.0.256/24")
    "'10.0.0.256/24'"
    >>> quote("x" * 100, limit=10)
    "'xxxxxxxx... (93 more characters)"
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}... ({len(text) - limit + 1} more characters)"
