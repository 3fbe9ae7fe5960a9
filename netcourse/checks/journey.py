"""Checks for notebooks/06-packet-journey.ipynb: each answer is compared with a journey run.

The expected answer is never written here: every check runs the scenario (or the scenario
with the learner's fix) and compares with what the journey model computes.

>>> nat_four_tuple.feedback(("10.0.1.7", 51514, "203.0.113.10", 443)).ok
False
>>> sg_missing_port.feedback("security group", "allow-port-in-security-group").ok
True
"""

from __future__ import annotations

import re

from netcourse.checks import correct, exercise, wrong
from netcourse.checks.vpc import dispatch_lab, lab_feedback
from netcourse.errors import JourneyError
from netcourse.journey import FIXES, NODES, apply_fix, scenario
from netcourse.journey.fields import read_four_tuple
from netcourse.journey.pdu import four_tuple

__all__ = [
    "nat_four_tuple",
    "wrong_netmask",
    "sg_missing_port",
    "nacl_no_ephemeral",
    "host_firewall_drop",
    "stateless_on_reply",
    "lab_no_connection",
    "lab_server_silent",
    "lab_clean",
]

_LESSON = "06-packet-journey"


def _norm(text) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower())


def _names(event) -> set[str]:
    """The names a learner may use for an event's device: id, figure node or kind."""
    kind = _norm(event.kind)
    return {_norm(event.device), _norm(event.node), kind, re.sub(r"\s*\(.*\)$", "", kind)}


def _hop_and_fix(name: str, hop, fix):
    journey = scenario(name).run()
    stop = journey.failed_at
    if not isinstance(hop, str) or not hop.strip():
        return wrong(
            "the hop should be a device's name as a string.",
            f"names look like {', '.join(repr(n) for n in list(NODES)[:4])} ...",
            mistake="wrong-type",
        )
    if _norm(hop) not in _names(stop):
        passed = any(_norm(hop) in _names(e) for e in journey.events if e is not stop)
        if passed:
            return wrong(
                f"the packet gets past {hop!r} in this scenario.",
                "step through the journey and find the event whose decision stops the packet.",
                mistake="hop-passes",
            )
        return wrong(
            f"{hop!r} is not a device on this journey.",
            f"use a device id from the events or one of {', '.join(NODES)}.",
            mistake="unknown-device",
        )
    if not isinstance(fix, str) or fix not in FIXES:
        return wrong(
            f"the hop is right, but {fix!r} is not one of the fixes.",
            "choose one of the names in netcourse.journey.FIXES.",
            mistake="unknown-fix",
        )
    fixed = apply_fix(scenario(name), fix).run()
    if not fixed.delivered:
        return wrong(
            "the hop is right, but with that fix the journey still does not get through.",
            "run apply_fix(scenario(...), fix).run() and look at its failed_at.",
            mistake="fix-does-not-work",
        )
    return correct(f"the {stop.node} stopped it, and with {fix!r} the reply comes home.")


@exercise(_LESSON, "nat-four-tuple")
def nat_four_tuple(answer):
    """The 4-tuple of the healthy request as the web server sees it."""
    journey = scenario("healthy").run()
    seen = next(e for e in journey.events if e.node == "instance")
    expected = four_tuple(seen.pdu)
    try:
        got = read_four_tuple(answer)
    except JourneyError as exc:
        return wrong(
            f"a 4-tuple is (src_ip, src_port, dst_ip, dst_port), four values ({exc}).",
            "look at the first event at the instance.",
            mistake="wrong-type",
        )
    if got == expected:
        return correct("the server sees the router's public address and port, not the laptop's.")
    sent = four_tuple(journey.events[1].pdu)
    if got == sent:
        return wrong(
            "that is the 4-tuple of the laptop's socket; two devices rewrite it on the way.",
            "which fields does the home router's NAT rewrite, and the internet gateway?",
            mistake="unchanged-tuple",
        )
    if got == (*expected[2:], *expected[:2]):
        return wrong(
            "that is the 4-tuple of the server's reply, which travels the other way.",
            "the question asks for the request as it arrives at the server: who sends it?",
            mistake="reply-tuple",
        )
    if got[:2] != expected[:2]:
        return wrong(
            "the source half is not what the server sees.",
            "the NAT step rewrites it.",
            mistake="wrong-source",
        )
    return wrong(
        "the destination half is not what the server sees.",
        "see the internet gateway.",
        mistake="wrong-destination",
    )


@exercise(_LESSON, "wrong-netmask")
def wrong_netmask(hop, fix):
    """Which device stops the wrong-netmask journey, and which fix repairs it."""
    return _hop_and_fix("wrong-netmask", hop, fix)


@exercise(_LESSON, "sg-missing-port")
def sg_missing_port(hop, fix):
    """Which device stops the sg-missing-port journey, and which fix repairs it."""
    return _hop_and_fix("sg-missing-port", hop, fix)


@exercise(_LESSON, "nacl-no-ephemeral")
def nacl_no_ephemeral(hop, fix):
    """Which device stops the nacl-no-ephemeral journey, and which fix repairs it."""
    return _hop_and_fix("nacl-no-ephemeral", hop, fix)


@exercise(_LESSON, "host-firewall-drop")
def host_firewall_drop(hop, fix):
    """Which device stops the host-firewall-drop journey, and which fix repairs it."""
    return _hop_and_fix("host-firewall-drop", hop, fix)


@exercise(_LESSON, "stateless-on-reply")
def stateless_on_reply(answer):
    """The device on the healthy reply path that checks the reply against its rules again."""
    journey = scenario("healthy").run()
    reply = [e for e in journey.events if e.direction == "reply"]
    # stateless = a filter on the reply whose table has a deciding row (a rule matched again)
    filters = [e for e in reply if e.node in ("network ACL", "security group")]
    stateless = {e.node for e in filters if e.table is not None and e.table.match is not None}
    if not isinstance(answer, str):
        return wrong(
            "name one device as a string.",
            "e.g. the kind of device, as on the figure.",
            mistake="wrong-type",
        )
    if _norm(answer) in {_norm(n) for n in stateless}:
        return correct("it keeps no state, so the reply to the ephemeral port needs its own rule.")
    if _norm(answer) in {_norm(e.node) for e in reply}:
        return wrong(
            f"the {answer} recognises the reply from the state it kept for the request.",
            "look for the reply event whose table has a rule marked.",
            mistake="stateful-device",
        )
    return wrong(
        f"{answer!r} is not on the reply path.",
        f"choose among {', '.join(NODES)}.",
        mistake="not-on-reply-path",
    )


@exercise(_LESSON, "lab-no-connection")
def lab_no_connection(lab):
    """The no-connection lab (three faults between laptop and server) repaired, nothing opened."""
    return lab_feedback(lab, "no-connection")


@exercise(_LESSON, "lab-server-silent")
def lab_server_silent(lab):
    """The server-silent lab (three faults, one on the way back) repaired, nothing opened."""
    return lab_feedback(lab, "server-silent")


#: The check of each lesson 06 lab, by lab name.
_LAB_CHECKS = {"no-connection": lab_no_connection, "server-silent": lab_server_silent}


def lab_clean(lab) -> None:
    """Print whether a lesson 06 lab's path is clean (the check of that lab, by its name).

    >>> from netcourse.journey.troubleshoot import troubleshoot
    >>> lab_server_silent.feedback(troubleshoot("server-silent")).message
    'no fix yet, the packet still stops at laptop (IP, request).'
    """
    dispatch_lab(lab, _LAB_CHECKS, "netcourse.journey.troubleshoot")
