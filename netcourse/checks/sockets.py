"""Checks for the exercises of notebooks/01-sockets-and-4-tuples.ipynb.

Every expected answer is computed by :mod:`netcourse.sockets` on the learner's own machine.

>>> reply_four_tuple.feedback(("203.0.113.5", 443, "192.0.2.10", 51514)).ok
True
>>> reply_four_tuple.feedback(("192.0.2.10", 51514, "203.0.113.5", 443)).ok
False
"""

from __future__ import annotations

import os

from netcourse import sockets as _model
from netcourse.checks import Feedback, correct, exercise, wrong
from netcourse.errors import quote
from netcourse.sockets import (
    EXAMPLE_REQUEST,
    TCP_STATES,
    TEARDOWN_ROLES,
    check_port,
    ephemeral_ports,
    udp_demo,
    who_uses,
)

__all__ = [
    "reply_four_tuple",
    "connections_per_destination",
    "port_holder",
    "time_wait_side",
    "connected_udp_state",
]

LESSON = "01-sockets-and-4-tuples"


@exercise(LESSON, "reply-four-tuple")
def reply_four_tuple(answer, request: tuple = EXAMPLE_REQUEST) -> Feedback:
    """The 4-tuple (src_ip, src_port, dst_ip, dst_port) of the server's reply to ``request``."""
    expected = _model.reply_four_tuple(request)
    if not isinstance(answer, tuple | list) or len(answer) != 4:
        return wrong(
            "a 4-tuple has four parts: (src_ip, src_port, dst_ip, dst_port).",
            "write it as a tuple of four values in that order.",
            mistake="wrong-type",
        )
    answer = tuple(answer)
    if any(isinstance(port, str) for port in (answer[1], answer[3])):
        return wrong(
            "a port is a number, but this answer gives one as text.",
            "write the ports as ints, without quotes.",
            mistake="ports-as-text",
        )
    if answer == tuple(request):
        return wrong(
            "that is the request's own 4-tuple: the reply travels the other way.",
            "who sends the reply, and to whom?",
            mistake="request-tuple",
        )
    if (answer[0], answer[2]) != (expected[0], expected[2]):
        return wrong(
            "the IP addresses are not where the reply puts them.",
            "the reply's source is the machine that answers.",
            mistake="wrong-addresses",
        )
    if (answer[1], answer[3]) != (expected[1], expected[3]):
        return wrong(
            "the addresses are right but the ports are not.",
            "a port travels with its address: the server's port goes with the server's IP.",
            mistake="wrong-ports",
        )
    return correct("source and destination swap, each port staying with its address.")


@exercise(LESSON, "connections-per-destination")
def connections_per_destination(answer) -> Feedback:
    """How many connections one client address can open at once to one server ip:port."""
    expected = ephemeral_ports().connections_per_destination
    if isinstance(answer, bool) or not isinstance(answer, int):
        return wrong(
            "the answer is a whole number of connections.",
            "compute it from the range.",
            mistake="wrong-type",
        )
    if answer == expected:
        return correct("each connection needs its own source port from the ephemeral range.")
    if answer == expected - 1 or answer == expected + 1:
        return wrong(
            "off by one.",
            "a range from low to high, both included, holds high - low + 1 ports.",
            mistake="off-by-one",
        )
    if answer == 65535 or answer == 65536:
        return wrong(
            "that counts every port, but the kernel draws source ports from a smaller range.",
            "read ip_local_port_range (ephemeral_ports()).",
            mistake="every-port",
        )
    return wrong(
        "not the number of usable source ports.",
        "use ephemeral_ports() and its size.",
        mistake="other",
    )


@exercise(LESSON, "port-holder")
def port_holder(answer, port: int) -> Feedback:
    """The pid of the process that holds (listens on) ``port``."""
    port = check_port(port)
    pids = who_uses(port).pids
    if not pids:
        return wrong(
            f"no visible process holds port {port} right now, so there is nothing to check.",
            "run the cell that starts the holder first.",
            mistake="holder-not-running",
        )
    if isinstance(answer, bool) or not isinstance(answer, int):
        return wrong(
            "a process is named by its pid, an int.",
            "look at who_uses(port).",
            mistake="wrong-type",
        )
    if answer in pids:
        return correct("that process has a socket on the port.")

    if answer == os.getpid():
        return wrong(
            "that is this notebook's own kernel.",
            "look at who_uses(port) for the pid.",
            mistake="own-kernel",
        )
    return wrong(
        "that process has no socket on this port.",
        "look at who_uses(port) for the pid.",
        mistake="no-socket",
    )


@exercise(LESSON, "time-wait-side")
def time_wait_side(answer) -> Feedback:
    """Which side ends in TIME-WAIT: the one that "closes first" or "closes second"."""
    expected = next(role for role, path in TEARDOWN_ROLES.items() if "TIME-WAIT" in path)
    if not isinstance(answer, str):
        return wrong(
            "answer with a string.",
            'one of "closes first" or "closes second".',
            mistake="wrong-type",
        )
    if answer.strip().lower() == expected:
        return correct("the side that sends the first FIN waits in TIME-WAIT.")
    if answer.strip().lower() not in TEARDOWN_ROLES:
        return wrong(
            f"{quote(answer)} is not one of the choices.",
            'answer "closes first" or "closes second".',
            mistake="not-a-choice",
        )
    return wrong(
        "that side goes through CLOSE-WAIT and LAST-ACK instead.",
        "look at the figure.",
        mistake="wrong-side",
    )


@exercise(LESSON, "connected-udp-state")
def connected_udp_state(answer) -> Feedback:
    """The state ``ss`` shows for a UDP socket that called connect(), as the kernel reports it."""
    connected, unconnected = udp_demo().states
    if not isinstance(answer, str):
        return wrong(
            "answer with the state as ss prints it, a string.",
            "look at demo.states.",
            mistake="wrong-type",
        )
    given = TCP_STATES.get(answer.strip().upper(), answer.strip().upper())
    if given == connected:
        return correct("connect() stores the peer in the kernel: ss shows the socket ESTAB.")
    if given == unconnected:
        return wrong(
            "that is what a UDP socket shows before it calls connect().",
            "what does connect() make the kernel store for a UDP socket?",
            mistake="unconnected-state",
        )
    if given not in set(TCP_STATES.values()):
        return wrong(
            f"{quote(answer)} is not a state ss prints.",
            "look at demo.states.",
            mistake="not-a-state",
        )
    return wrong(
        "not the state of the connected client's socket.",
        "look at demo.states.",
        mistake="other",
    )
