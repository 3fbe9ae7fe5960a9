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

#: Whether the stateless router's return rule ``-p tcp -m tcp --sport 443 ! --syn -j ACCEPT``
#: lets in a segment from port 443 with these scapy flags. iptables-extensions(8): ``--syn``
#: matches segments "with the SYN bit set and the ACK, RST and FIN bits cleared" (short for
#: ``--tcp-flags SYN,RST,ACK,FIN SYN``), so only a bare SYN (PSH or URG may ride along) is
#: refused; every other segment from port 443 gets in, whoever sent it.
NO_SYN_RETURN_ACCEPTS: list[tuple[str, bool]] = [
    ("S", False),
    ("SP", False),
    ("SA", True),
    ("A", True),
    ("PA", True),
    ("F", True),
    ("FA", True),
    ("R", True),
    ("RA", True),
    ("SF", True),
    ("SR", True),
    ("", True),
]
