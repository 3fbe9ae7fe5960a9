"""The IEEE-registered Ethernet address prefixes (OUIs) Wireshark 4.0 knows a maker for.

Wireshark's Ethernet pseudowire heuristic asks whether the first two 6-byte words after an
MPLS label stack both start with a registered prefix: then they are taken for the MAC
addresses of an Ethernet frame sent without a control word. The registry here is the 24-bit
prefixes of Wireshark 4.0's ``manuf`` file (Debian's wireshark-common 4.0.17), stored as
the gaps between consecutive prefixes (variable-length integers), compressed, in base 85, in
``netcourse/data/wireshark-oui.b85``;
:func:`encode` writes that form from a ``manuf`` file and ``tests/packets/test_pseudowire.py``
checks it against the installed one. Taught in notebooks/02-osi-layers-and-packets.ipynb.

>>> registered(np.array([0x001B21, 0x020000])).tolist()  # Intel; a locally administered one
[True, False]
"""

from __future__ import annotations

import base64
import re
import zlib
from functools import cache
from pathlib import Path

import numpy as np

from netcourse.data import path

__all__ = ["registered", "plain_ethernet", "prefixes", "encode", "manuf_prefixes"]

_PREFIX = re.compile(r"([0-9A-Fa-f]{2}):([0-9A-Fa-f]{2}):([0-9A-Fa-f]{2})\t")


def manuf_prefixes(path: str | Path) -> list[int]:
    """The 24-bit prefixes a Wireshark ``manuf`` file names a maker for, in order.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "manuf"
    >>> _ = p.write_text("00:1B:21\\tIntelCor\\n00:55:DA:10:00:00/28\\tKoolPOS\\n")
    >>> [f"{v:06x}" for v in manuf_prefixes(p)]
    ['001b21']
    """
    found = set()
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        match = _PREFIX.match(line)
        if match:
            found.add(int("".join(match.groups()), 16))
    return sorted(found)


def encode(values: list[int]) -> str:
    """The stored form of sorted prefixes: gaps as base-128 varints, zlib, base 85.

    >>> decode_text = lambda text: _decode(text).tolist()
    >>> decode_text(encode([5, 300, 70000]))
    [5, 300, 70000]
    """
    out = bytearray()
    before = 0
    for value in values:
        gap, before = value - before, value
        while gap >= 0x80:
            out.append(gap & 0x7F | 0x80)
            gap >>= 7
        out.append(gap)
    return base64.b85encode(zlib.compress(bytes(out), 9)).decode("ascii")


def _decode(text: str) -> np.ndarray:
    data = zlib.decompress(base64.b85decode(text))
    values, gap, shift, at = [], 0, 0, 0
    for byte in data:
        gap |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        at += gap
        values.append(at)
        gap = shift = 0
    return np.array(values, dtype=np.int64)


@cache
def prefixes() -> np.ndarray:
    """Every registered 24-bit prefix, sorted (decoded once).

    >>> len(prefixes()) > 30_000
    True
    """
    return _decode(path("wireshark-oui.b85").read_text().strip())


def registered(oui: np.ndarray) -> np.ndarray:
    """Per 24-bit prefix: True where Wireshark 4.0 knows a maker for it.

    >>> registered(np.array([0x000000, 0x210001])).tolist()
    [True, False]
    """
    known = prefixes()
    oui = np.asarray(oui, dtype=np.int64)
    at = np.minimum(np.searchsorted(known, oui), len(known) - 1)
    return known[at] == oui


def plain_ethernet(payload: bytes) -> bool:
    """Whether Wireshark reads an Ethernet pseudowire's payload as a frame without a control
    word: 14 bytes or more, and both 6-byte words at its start begin with a registered prefix.

    >>> intel = bytes.fromhex("001b21000102001b21000101")
    >>> plain_ethernet(intel + b"\\x08\\x00"), plain_ethernet(b"\\x00" * 4 + intel)
    (True, False)
    """
    if len(payload) < 14:
        return False
    words = np.array([int.from_bytes(payload[at : at + 3], "big") for at in (0, 6)])
    return bool(registered(words).all())
