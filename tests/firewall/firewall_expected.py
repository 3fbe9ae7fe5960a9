"""Expectations shared by the unit tests and the kernel differential test, declared once."""

from __future__ import annotations

#: The conntrack state of a lone TCP packet (no connection tracked yet) by its scapy flags,
#: with net.netfilter.nf_conntrack_tcp_loose=1 as Linux has it by default: a SYN opens a
#: connection, a lone ACK (with or without data) is picked up mid-stream, everything else is
#: INVALID. test_conntrack.py checks the simulator against it; test_kernel.py checks the kernel.
LONE_TCP_STATES: list[tuple[str, str]] = [
    ("S", "NEW"),
    ("A", "NEW"),
    ("PA", "NEW"),
    ("SA", "INVALID"),
    ("F", "INVALID"),
    ("FA", "INVALID"),
    ("R", "INVALID"),
    ("RA", "INVALID"),
    ("SF", "INVALID"),
    ("", "INVALID"),
]
