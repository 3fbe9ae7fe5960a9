"""Link headers whose length or protocol numbering the bulk decoder works out frame by frame:
BSD loopback (its family in the capturing machine's byte order), PPP (optional address and
control bytes, a 1- or 2-byte protocol) and 802.11 behind radiotap (its presence bitmaps, the
MAC header's size, LLC/SNAP). Each reader takes the byte gatherer of
:func:`netcourse.packets.fast.decode` and returns where the network layer starts, its
EtherType and the frame check sequence bytes at the end. Taught in
notebooks/02-osi-layers-and-packets.ipynb (capture link types).

>>> by_name(np.array([0x0021, 0x0057, 1]), PPP_NUMBERS).tolist()
[2048, 34525, 0]
"""

from __future__ import annotations

import numpy as np

from netcourse.protocols import ETHERTYPES, LOOPBACK_FAMILIES, PPP_HDLC_START, PPP_PROTOCOLS

__all__ = ["by_name", "PPP_NUMBERS", "VARIABLE"]


def by_name(numbers: np.ndarray, table: dict) -> np.ndarray:
    """The EtherType of each network layer a link header names by its own numbers
    (``table`` maps those numbers to ``"ipv4"``/``"ipv6"``); 0 for any other.

    >>> by_name(np.array([2, 7]), LOOPBACK_FAMILIES).tolist()
    [2048, 0]
    """
    out = np.zeros(len(numbers), dtype=np.int64)
    for number, network in table.items():
        out[numbers == number] = ETHERTYPES[network]
    return out


#: BSD loopback families and PPP protocols, keyed by their own numbers.
_FAMILIES = LOOPBACK_FAMILIES
PPP_NUMBERS = {number: name for name, number in PPP_PROTOCOLS.items()}
#: 802.11 LLC/SNAP: the DSAP/SSAP/control bytes, and the OUIs whose protocol id is an
#: EtherType (RFC 1042 encapsulation and 802.1H bridge tunnel).
_SNAP = (0xAA, 0xAA, 0x03)
_SNAP_ETHERTYPE_OUIS = (0x000000, 0x0000F8)


def _loopback(get, p, e, kind: str):
    """(network layer offset, EtherType, FCS bytes) behind a BSD loopback header."""
    family = get.u32(p, e)
    if kind == "null":  # the capturing machine's byte order: Wireshark swaps a family >= 2**16
        little = get.u32le(p, e)
        family = np.where(little & 0xFFFF0000, family, little)
    return p + 4, by_name(family, _FAMILIES), np.zeros(len(p), dtype=np.int64)


def _ppp(get, p, e, kind: str):
    """PPP: optional ``ff 03`` address and control, a protocol of 1 byte (odd) or 2."""
    hdlc = (get.u8(p, e) == PPP_HDLC_START[0]) & (get.u8(p + 1, e) == PPP_HDLC_START[1])
    p = p + 2 * hdlc
    short = (get.u8(p, e) & 1).astype(bool)
    proto = np.where(short, get.u8(p, e), get.u16(p, e))
    return p + 2 - short, by_name(proto, PPP_NUMBERS), np.zeros(len(p), dtype=np.int64)


def _radiotap(get, p, e, kind: str):
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
VARIABLE = {"null": _loopback, "loop": _loopback, "ppp": _ppp, "radiotap": _radiotap}
