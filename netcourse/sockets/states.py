"""TCP's states and transitions as ss names them, and where connection state lives.

Taught in notebooks/01-sockets-and-4-tuples.ipynb.

>>> state_path(TEARDOWN_ROLES["closes second"])
('CLOSED', 'SYN-SENT', 'ESTAB', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED')
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from netcourse.errors import SocketLabError, quote
from netcourse.html import table

__all__ = [
    "TCP_STATES",
    "TCP_TRANSITIONS",
    "TEARDOWN_ROLES",
    "PROTOCOL_STATE",
    "MSL_SECONDS",
    "RFC_TIME_WAIT_SECONDS",
    "LINUX_TIME_WAIT_SECONDS",
    "TIME_WAIT_PURPOSES",
    "StateTable",
    "protocol_state",
    "state_path",
]

#: TCP states as the kernel (and psutil) names them, mapped to what ``ss`` prints.
TCP_STATES: dict[str, str] = {
    "CLOSE": "CLOSED",
    "LISTEN": "LISTEN",
    "SYN_SENT": "SYN-SENT",
    "SYN_RECV": "SYN-RECV",
    "ESTABLISHED": "ESTAB",
    "FIN_WAIT1": "FIN-WAIT-1",
    "FIN_WAIT2": "FIN-WAIT-2",
    "CLOSE_WAIT": "CLOSE-WAIT",
    "CLOSING": "CLOSING",
    "LAST_ACK": "LAST-ACK",
    "TIME_WAIT": "TIME-WAIT",
    "NONE": "UNCONN",  # a UDP socket that has not called connect(): no peer stored
}

#: The TCP state machine (RFC 9293, figure 5) as (from, to, event) with ss state names.
#: RFC 9293 draws one connection's states. With sockets, LISTEN -> SYN-RECV is not one socket
#: moving: the listening socket stays in LISTEN, and each SYN makes a new child socket that
#: starts in SYN-RECV, reaches ESTAB with the client's ACK, and is what accept() returns.
TCP_TRANSITIONS: tuple[tuple[str, str, str], ...] = (
    ("CLOSED", "LISTEN", "listen()"),
    ("CLOSED", "SYN-SENT", "connect(): send SYN"),
    ("LISTEN", "SYN-RECV", "recv SYN: a new child socket sends SYN-ACK"),
    ("SYN-SENT", "ESTAB", "recv SYN-ACK: send ACK"),
    ("SYN-RECV", "ESTAB", "recv ACK"),
    ("ESTAB", "FIN-WAIT-1", "close(): send FIN"),
    ("ESTAB", "CLOSE-WAIT", "recv FIN: send ACK"),
    ("FIN-WAIT-1", "FIN-WAIT-2", "recv ACK"),
    ("FIN-WAIT-1", "CLOSING", "recv FIN: send ACK"),
    ("FIN-WAIT-2", "TIME-WAIT", "recv FIN: send ACK"),
    ("CLOSING", "TIME-WAIT", "recv ACK"),
    ("CLOSE-WAIT", "LAST-ACK", "close(): send FIN"),
    ("LAST-ACK", "CLOSED", "recv ACK"),
    ("TIME-WAIT", "CLOSED", "2 MSL timeout"),
)

#: Who plays which part in a teardown: the side that closes first ends in TIME-WAIT.
TEARDOWN_ROLES: dict[str, tuple[str, ...]] = {
    "closes first": ("ESTAB", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "CLOSED"),
    "closes second": ("ESTAB", "CLOSE-WAIT", "LAST-ACK", "CLOSED"),
}

#: "What is the link between protocol and state?" as data: who keeps state for what.
#: A connected UDP socket is ESTAB in ss: connect() stored its peer (connect(2), udp(7)).
PROTOCOL_STATE: tuple[tuple[str, str, str], ...] = (
    (
        "connection state in the endpoints",
        "yes: each socket has a TCP state",
        "only the peer, if connect() stored one",
    ),
    ("handshake before data", "yes: SYN, SYN-ACK, ACK", "no: the first datagram is data"),
    (
        "what ss shows as State",
        "LISTEN, ESTAB, TIME-WAIT ...",
        "ESTAB once connect()ed, else UNCONN",
    ),
    ("teardown", "FIN/ACK each way, then TIME-WAIT", "nothing to tear down"),
    (
        "stateful firewall (lesson 04)",
        "tracks each connection: NEW, ESTABLISHED",
        "keeps its own per 5-tuple, with a timeout",
    ),
)


#: RFC 9293 section 3.4.2 takes the Maximum Segment Lifetime (MSL) to be 2 minutes.
MSL_SECONDS = 120
#: RFC 9293 section 3.6: the side that closes first waits 2 x MSL in TIME-WAIT.
RFC_TIME_WAIT_SECONDS = 2 * MSL_SECONDS
#: Linux waits a fixed 60 s (TCP_TIMEWAIT_LEN in include/net/tcp.h); no sysctl changes it, and
#: net.ipv4.tcp_fin_timeout sets how long an orphaned socket waits in FIN-WAIT-2 instead.
LINUX_TIME_WAIT_SECONDS = 60

#: Why TIME-WAIT exists: both reasons (RFC 9293 sections 3.4.2, 3.6 and 3.10.7.4).
TIME_WAIT_PURPOSES: tuple[str, ...] = (
    "old duplicate segments of this connection die out before a new connection with the same "
    "4-tuple could take them for its own",
    "if the last ACK is lost, the peer re-sends its FIN; the socket in TIME-WAIT is still "
    "there to ACK it again (and restarts its timer), so the peer closes cleanly instead of "
    "getting a RST",
)


@dataclass(frozen=True)
class StateTable:
    """A small reference table (rows of strings) with a heading, shown as text or HTML."""

    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __repr__(self) -> str:
        cells = [self.head, *self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.head))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells)

    def _repr_html_(self) -> str:
        return table(self.rows, header=self.head)


def protocol_state() -> StateTable:
    """Where connection state lives for TCP and for UDP (:data:`PROTOCOL_STATE` as a table).

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    >>> protocol_state().rows[2][2]
    'ESTAB once connect()ed, else UNCONN'
    """
    return StateTable(("", "TCP", "UDP"), PROTOCOL_STATE)


def state_path(observed: Iterable[str]) -> tuple[str, ...]:
    """The states a socket went through, filling gaps between observed states by TCP's rules.

    Taught in notebooks/01-sockets-and-4-tuples.ipynb.

    Some states last microseconds on loopback (SYN-SENT, FIN-WAIT-1); the shortest path in
    :data:`TCP_TRANSITIONS` between two observed states says which were passed through.

    >>> state_path(["ESTAB", "FIN-WAIT-2", "TIME-WAIT"])
    ('CLOSED', 'SYN-SENT', 'ESTAB', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSED')
    """
    if isinstance(observed, str) or not isinstance(observed, Iterable):
        raise SocketLabError(
            f"{quote(observed)}: observed is a list of TCP states, such as ['ESTAB', 'TIME-WAIT']"
        )
    known = {a for a, _, _ in TCP_TRANSITIONS} | {b for _, b, _ in TCP_TRANSITIONS}
    states = []
    for item in observed:
        state = TCP_STATES.get(item, item) if isinstance(item, str) else item
        if not isinstance(state, str) or state not in known:
            raise SocketLabError(f"{quote(item)}: not a TCP state; expected one of {sorted(known)}")
        states.append(state)
    if not states:
        return ()
    full = ["CLOSED"]
    for state in states:
        if state != full[-1]:
            full.extend(_shortest(full[-1], state)[1:])
    if full[-1] != "CLOSED":
        full.extend(_shortest(full[-1], "CLOSED")[1:])
    return tuple(full)


def _shortest(start: str, goal: str) -> list[str]:
    edges: dict[str, list[str]] = {}
    for a, b, _ in TCP_TRANSITIONS:
        edges.setdefault(a, []).append(b)
    queue, seen = deque([[start]]), {start}
    while queue:
        path = queue.popleft()
        if path[-1] == goal:
            return path
        for nxt in edges.get(path[-1], []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append([*path, nxt])
    raise SocketLabError(f"no TCP transition leads from {start} to {goal}")
