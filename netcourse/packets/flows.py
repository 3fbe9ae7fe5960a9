"""Big captures of whole TCP conversations, written with numpy in a second or two.

Each conversation is what a real client and server exchange: the three-way handshake, data
segments from the client each acknowledged by the server, and the FIN exchange, with sequence
and acknowledgement numbers that advance as the real stack's do (so Wireshark's TCP analysis
sees an ordinary flow, not a retransmission storm). Conversations overlap in time as
``concurrent`` says. Used by the conversations benchmark and the memory test: a few long
conversations, or thousands of short ones, in 200,000 or 1,000,000 packets.

>>> import tempfile, pathlib
>>> from netcourse.packets import conversations
>>> path = pathlib.Path(tempfile.mkdtemp()) / "flows.pcap"
>>> _ = write_flows(path, packets=40, conversations=4)
>>> [(c.frames, c.frames_a_to_b) for c in conversations(path)]
[(10, 6), (10, 6), (10, 6), (10, 6)]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from netcourse.errors import CaptureError
from netcourse.protocols import ETHERTYPES, IP_PROTOCOLS, TcpFlags

__all__ = ["flow_bytes", "write_flows", "FLOW_FORMATS"]

#: The capture formats flow_bytes() writes (little-endian, microsecond pcap; pcapng).
FLOW_FORMATS = ("pcap", "pcapng")

#: The fewest packets a conversation here has: handshake, one data segment and its ACK, FINs.
_LEAST = 7
_HEADERS = 14 + 20 + 20  # Ethernet, IPv4 and TCP without options
_SYN, _ACK, _PSH, _FIN = (int(getattr(TcpFlags, name)) for name in ("SYN", "ACK", "PSH", "FIN"))


def _packets(packets: int, conversations: int, payload: int, concurrent: int, seed: int):
    """Per packet, in capture order: time (us), direction, flags, seq, ack, payload length,
    the client's and server's addresses and ports."""
    per = np.full(conversations, packets // conversations, dtype=np.int64)
    per[: packets % conversations] += 1
    conv = np.repeat(np.arange(conversations), per)
    step = np.arange(packets) - np.repeat(np.cumsum(per) - per, per)
    k = per[conv]
    rng = np.random.default_rng(seed)
    isn_a = rng.integers(0, 2**32, conversations, dtype=np.int64)[conv]
    isn_b = rng.integers(0, 2**32, conversations, dtype=np.int64)[conv]
    # steps: 0 SYN, 1 SYN-ACK, 2 ACK, then client data (odd) and server ACK (even) up to k-4,
    # then k-3 client FIN, k-2 server FIN, k-1 client ACK
    data_steps = (k - 6) // 2 + (k - 6) % 2  # odd steps from 3 to k-4
    sent = np.clip((np.minimum(step, k - 3) - 2) // 2, 0, None)  # data segments before step
    total = data_steps * payload
    middle = (step >= 3) & (step <= k - 4)
    client = np.where(middle, step % 2 == 1, np.isin(k - step, (3, 1)) | (step == 0) | (step == 2))
    length = np.where(middle & client, payload, 0)
    seq_a = isn_a + np.where(step == 0, 0, 1 + sent * payload + (step == k - 1))
    ack_a = np.where(step == 0, 0, isn_b + 1 + (step == k - 1))
    seq_b = isn_b + np.where(step == 1, 0, 1)
    ack_b = isn_a + 1 + np.where(step == k - 2, total + 1, sent * payload)
    flags = np.full(packets, _ACK)
    flags[step == 0] = _SYN
    flags[step == 1] = _SYN | _ACK
    flags[middle & client] = _PSH | _ACK
    flags[step >= k - 3] = np.where(step == k - 1, _ACK, _FIN | _ACK)[step >= k - 3]
    seq = np.where(client, seq_a, seq_b) % 2**32
    ack = np.where(client, ack_a, ack_b) % 2**32
    # each conversation lasts k packets 1 ms apart; a new one starts every k/concurrent ms
    start = np.arange(conversations) * (per * 1000 // max(concurrent, 1))
    micros = 1_700_000_000_000_000 + start[conv] + step * 1000 + conv % 1000
    host = np.arange(conversations)
    a_addr = (0xC612_0000 + 1 + host % 65_000)[conv]  # 198.18.0.0/16 clients
    b_addr = (0xC613_0000 + 1 + host % 7)[conv]  # 198.19.0.1-7 servers
    a_port = (10_000 + host % 50_000)[conv]
    b_port = np.where(host % 2, 5201, 5001)[conv]  # ports with no dissector behind them
    order = np.argsort(micros, kind="stable")
    cols = (micros, client, flags, seq, ack, length, a_addr, b_addr, a_port, b_port)
    return [c[order] for c in cols]


def _put(out: np.ndarray, at: np.ndarray, values: np.ndarray, size: int, order: str) -> None:
    """Write ``values`` as ``size``-byte integers of byte ``order`` at offsets ``at``."""
    for i in range(size):
        shift = 8 * (size - 1 - i) if order == ">" else 8 * i
        out[at + i] = (values >> shift) & 0xFF


def flow_bytes(
    *,
    packets: int,
    conversations: int,
    payload: int = 100,
    concurrent: int = 2,
    fmt: str = "pcap",
    seed: int = 0,
) -> bytes:
    """The bytes of a capture of ``packets`` Ethernet/IPv4/TCP frames in ``conversations``
    whole conversations (``payload`` bytes per data segment).

    >>> len(flow_bytes(packets=7, conversations=1, payload=4)) == 24 + 7 * (16 + 54) + 4
    True
    """
    if fmt not in FLOW_FORMATS:
        raise CaptureError(f"fmt={fmt!r}: expected one of {', '.join(FLOW_FORMATS)}")
    if conversations < 1 or packets < _LEAST * conversations:
        raise CaptureError(
            f"{packets} packets in {conversations} conversations: each needs at least {_LEAST}"
        )
    micros, client, flags, seq, ack, length, a_addr, b_addr, a_port, b_port = _packets(
        packets, conversations, payload, concurrent, seed
    )
    frame = _HEADERS + length
    pcapng = fmt == "pcapng"
    head = 28 if pcapng else 16
    record = head + frame + ((-frame) % 4 + 4 if pcapng else 0)
    if pcapng:  # a section header, then an interface description (Ethernet, microseconds)
        lead = np.array([0x0A0D0D0A, 28, 0x1A2B3C4D, 1, 2**32 - 1, 2**32 - 1, 28]
                        + [1, 20, 1, 262144, 20], dtype="<u4")  # fmt: skip
    else:  # magic, version 2.4, zone and accuracy, snap length, Ethernet
        lead = np.array([0xA1B2C3D4, 0x00040002, 0, 0, 262144, 1], dtype="<u4")
    starts = 4 * len(lead) + np.concatenate(([0], np.cumsum(record)[:-1]))
    out = np.full(4 * len(lead) + int(record.sum()), ord("x"), dtype=np.uint8)
    out[: 4 * len(lead)] = lead.view(np.uint8)
    if pcapng:
        words = (np.full(packets, 6), record, np.zeros(packets, dtype=np.int64),
                 micros >> 32, micros & 0xFFFFFFFF, frame, frame)  # fmt: skip
    else:
        words = (micros // 1_000_000, micros % 1_000_000, frame, frame)
    for i, values in enumerate(words):
        _put(out, starts + 4 * i, values, 4, "<")
    if pcapng:
        for pad in range(3):  # zero the padding between each frame and its block's trailer
            cut = record - head - frame - 4 > pad
            out[(starts + head + frame + pad)[cut]] = 0
        _put(out, starts + record - 4, record, 4, "<")
    p = starts + head
    src_mac, dst_mac = 0x02005E00000A, 0x02005E00000B
    _put(out, p, np.where(client, dst_mac, src_mac), 6, ">")
    _put(out, p + 6, np.where(client, src_mac, dst_mac), 6, ">")
    _put(out, p + 12, np.full(packets, ETHERTYPES["ipv4"]), 2, ">")
    ip = p + 14
    src = np.where(client, a_addr, b_addr)
    dst = np.where(client, b_addr, a_addr)
    total = 40 + length
    ident = np.arange(packets) & 0xFFFF
    fixed = np.zeros((packets, 40), dtype=np.uint8)  # then the IPv4 and TCP headers' fields
    out[ip[:, None] + np.arange(40)] = fixed
    out[ip] = 0x45
    _put(out, ip + 2, total, 2, ">")
    _put(out, ip + 4, ident, 2, ">")
    out[ip + 6] = 0x40  # don't fragment
    out[ip + 8] = 64
    out[ip + 9] = IP_PROTOCOLS["tcp"]
    _put(out, ip + 12, src, 4, ">")
    _put(out, ip + 16, dst, 4, ">")
    # the header checksum: ones' complement of the ones' complement sum of its 16-bit words
    csum = (0x4500 + total + ident + 0x4000 + (64 << 8 | IP_PROTOCOLS["tcp"])
            + (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF))  # fmt: skip
    csum = (csum & 0xFFFF) + (csum >> 16)
    csum = (csum & 0xFFFF) + (csum >> 16)
    _put(out, ip + 10, ~csum & 0xFFFF, 2, ">")
    tcp = ip + 20
    _put(out, tcp, np.where(client, a_port, b_port), 2, ">")
    _put(out, tcp + 2, np.where(client, b_port, a_port), 2, ">")
    _put(out, tcp + 4, seq, 4, ">")
    _put(out, tcp + 8, ack, 4, ">")
    out[tcp + 12] = 0x50  # 20 bytes, no options
    out[tcp + 13] = flags
    _put(out, tcp + 14, np.full(packets, 64240), 2, ">")
    return out.tobytes()


def write_flows(path: str | Path, **kwargs) -> Path:
    """Write :func:`flow_bytes` to ``path``; return the path."""
    target = Path(path)
    target.write_bytes(flow_bytes(**kwargs))
    return target
