"""The shipped capture of one TCP connection, with its seq/ack arithmetic spelled out.

Taught in notebooks/01-sockets-and-4-tuples.ipynb.

>>> [step.flags for step in handshake().phase("teardown")]
['ACK+FIN', 'ACK+FIN', 'ACK']
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from netcourse import data
from netcourse.errors import CaptureError, quote
from netcourse.html import table
from netcourse.protocols import TcpFlags

__all__ = ["HANDSHAKE_CAPTURE", "HandshakeStep", "Handshake", "handshake"]

#: The shipped capture of one loopback TCP connection (made by tools/capture_handshake.py).
HANDSHAKE_CAPTURE = ("captures", "handshake.pcap")

#: The flags a step names, in the order the lesson prints them (``SYN+ACK``, ``ACK+PSH``).
_SHOWN = (TcpFlags.SYN, TcpFlags.ACK, TcpFlags.PSH, TcpFlags.FIN, TcpFlags.RST)


@dataclass(frozen=True)
class HandshakeStep:
    """One TCP segment of the capture with absolute and relative numbers and why they are so."""

    number: int
    sender: str
    four_tuple: tuple[str, int, str, int]
    flags: str
    seq: int
    ack: int | None
    relative_seq: int
    relative_ack: int | None
    length: int
    phase: str
    arithmetic: tuple[str, ...]

    @property
    def next_seq(self) -> int:
        """The seq the sender uses next: seq + data length, +1 for SYN or FIN."""
        return self.seq + self.length + ("SYN" in self.flags) + ("FIN" in self.flags)

    def __repr__(self) -> str:
        ack = "" if self.ack is None else f" ack={self.ack} (rel {self.relative_ack})"
        return (
            f"#{self.number} {self.sender:>6} {self.flags:<8} seq={self.seq} "
            f"(rel {self.relative_seq}){ack} len={self.length}"
        )


_HTML_HEAD = ("#", "from", "flags", "seq", "rel seq", "ack", "rel ack", "len", "phase")


@dataclass(frozen=True)
class Handshake:
    """Every segment of one captured TCP connection: handshake, data and teardown."""

    steps: tuple[HandshakeStep, ...]
    client_isn: int
    server_isn: int
    path: str

    def __iter__(self) -> Iterator[HandshakeStep]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index: int) -> HandshakeStep:
        return self.steps[index]

    def phase(self, name: str) -> tuple[HandshakeStep, ...]:
        """The steps of one phase: handshake, data or teardown."""
        return tuple(step for step in self.steps if step.phase == name)

    def __repr__(self) -> str:
        head = f"Handshake({len(self.steps)} segments; ISNs client {self.client_isn}, "
        head += f"server {self.server_isn})"
        return "\n".join([head, *(repr(step) for step in self.steps)])

    def _repr_html_(self) -> str:
        rows = [
            (
                s.number,
                s.sender,
                s.flags,
                s.seq,
                s.relative_seq,
                s.ack,
                s.relative_ack,
                s.length,
                s.phase,
            )
            for s in self.steps
        ]
        return table(rows, header=_HTML_HEAD)


class _Segment(NamedTuple):
    src: str
    sport: int
    dst: str
    dport: int
    flags: str
    seq: int
    ack: int
    length: int
    rel_seq: int  # relative to the direction's ISN, as netcourse.packets.streams counts
    rel_ack: int  # -1 while the other direction's ISN is not known


def _flag_names(bits: int) -> str:
    return "+".join(flag.name for flag in _SHOWN if bits & flag)


def _segments(path: Path) -> list[_Segment]:
    """Every TCP segment of a capture, decoded in bulk by the packets topic."""
    # heavy: importing netcourse.packets loads scapy (for its dissector)
    from netcourse.packets.capture import read_capture
    from netcourse.packets.fast import address

    capture = read_capture(path)
    cols, ctx = capture.columns, capture.tcp_context
    out = []
    for i, bits in enumerate(cols.tcp_flags.tolist()):
        if bits < 0:
            continue
        version = cols.version[i]
        out.append(
            _Segment(
                address(version, cols.src_hi[i], cols.src_lo[i]),
                int(cols.sport[i]),
                address(version, cols.dst_hi[i], cols.dst_lo[i]),
                int(cols.dport[i]),
                _flag_names(bits),
                int(cols.tcp_seq[i]),
                int(cols.tcp_ack[i]),
                int(cols.payload_len[i]),
                int(ctx.rel_seq[i]),
                int(ctx.rel_ack[i]),
            )
        )
    return out


def handshake(path: str | os.PathLike | None = None) -> Handshake:
    """Read a capture of one TCP connection and spell out its seq/ack arithmetic.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    Defaults to the shipped capture of a loopback connection, so no root is needed.

    >>> hs = handshake()
    >>> [step.flags for step in hs.phase("handshake")]
    ['SYN', 'SYN+ACK', 'ACK']
    >>> hs[1].ack == hs.client_isn + 1
    True
    """
    if path is not None and not isinstance(path, str | os.PathLike):
        raise CaptureError(
            f"{quote(path)}: a capture is given by its file path (str or Path), "
            f"got {type(path).__name__}"
        )
    where = Path(path) if path is not None else data.path(*HANDSHAKE_CAPTURE)
    try:
        found = where.exists()
    except (OSError, ValueError) as exc:  # a name too long, or with a NUL character in it
        reason = getattr(exc, "strerror", None) or exc
        raise CaptureError(f"{quote(str(where))}: not a usable file name ({reason})") from None
    if not found:
        raise CaptureError(f"{quote(str(where))}: no such capture file")
    segments = _segments(where)
    syn = next((s for s in segments if s.flags == "SYN"), None)
    if syn is None:
        raise CaptureError(f"{where}: no SYN found, so the connection's start is not captured")
    client = (syn.src, syn.sport)
    server = (syn.dst, syn.dport)
    isn = {"client": syn.seq}
    segments = [s for s in segments if {(s.src, s.sport), (s.dst, s.dport)} == {client, server}]
    synack = next((s for s in segments if s.flags == "SYN+ACK"), None)
    if synack is None:
        raise CaptureError(f"{where}: no SYN-ACK answers the SYN")
    isn["server"] = synack.seq
    sent = {"client": None, "server": None}  # each side's next expected seq
    data_before = {"client": 0, "server": 0}  # data bytes each side sent so far
    fin_before = {"client": False, "server": False}
    fin_seen = False
    steps = []
    for number, segment in enumerate(segments, 1):
        src, sport, dst, dport, flags, seq, ack, length = segment[:8]
        sender = "client" if (src, sport) == client else "server"
        other = "server" if sender == "client" else "client"
        has_ack = "ACK" in flags
        rel_seq = segment.rel_seq
        rel_ack = segment.rel_ack if has_ack else None
        lines = []
        if "SYN" in flags and not has_ack:
            lines.append(f"seq = {seq}: the {sender}'s random initial sequence number (ISN)")
        elif "SYN" in flags:
            lines.append(f"seq = {seq}: the {sender}'s own random ISN")
        else:
            parts = ["its SYN (1)"]
            if data_before[sender]:
                parts.append(f"{data_before[sender]} data bytes")
            if fin_before[sender]:
                parts.append("its FIN (1)")
            numbers = "sequence number" if rel_seq == 1 else "sequence numbers"
            lines.append(
                f"seq = ISN {isn[sender]} + {rel_seq} = {seq}: the {sender} has used "
                f"{rel_seq} {numbers} so far: {' + '.join(parts)}"
            )
        if has_ack:
            lines.append(
                f"ack = {other} ISN {isn[other]} + {rel_ack} = {ack}: the next byte the "
                f"{sender} expects from the {other}"
            )
        step = HandshakeStep(
            number,
            sender,
            (src, sport, dst, dport),
            flags,
            seq,
            ack if has_ack else None,
            rel_seq,
            rel_ack,
            length,
            "",
            (),
        )
        if length:
            lines.append(
                f"carries {length} bytes: the {sender}'s next seq is {seq} + {length} "
                f"= {step.next_seq}"
            )
        if "SYN" in flags or "FIN" in flags:
            what = "SYN" if "SYN" in flags else "FIN"
            lines.append(
                f"a {what} counts as one byte: the {sender}'s next seq is {seq} + "
                f"{length} + 1 = {step.next_seq}, so the reply acks {step.next_seq}"
            )
        if "FIN" in flags or "RST" in flags:
            fin_seen = True
        phase = "handshake" if number <= 3 and not length else "teardown" if fin_seen else "data"
        if phase == "data" and not length and has_ack:
            lines.append(f"acknowledges the {other}'s data: no bytes of its own")
        expected = sent[other]
        if has_ack and expected is not None and expected != ack:
            lines.append(f"(the {other}'s next seq was {expected}: an earlier segment is acked)")
        sent[sender] = step.next_seq
        data_before[sender] += length
        fin_before[sender] = fin_before[sender] or "FIN" in flags
        steps.append(
            HandshakeStep(
                number,
                sender,
                step.four_tuple,
                flags,
                seq,
                step.ack,
                rel_seq,
                rel_ack,
                length,
                phase,
                tuple(lines),
            )
        )
    return Handshake(tuple(steps), isn["client"], isn["server"], str(where))
