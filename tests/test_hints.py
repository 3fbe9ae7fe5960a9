"""Hints answer the mistake made: for every exercise check, its common wrong answers.

Each entry of :data:`HINTS` lists, for one registered check, the wrong answers learners give,
the ``mistake`` each must be named as, and a phrase its message or hint must contain, so the
learner reads about the mistake they made and not about another one. The right answers behind
these wrong ones are worked out here without the code under test (``ipaddress``, the bytes of
the shipped frames, the rulesets and VPC data as written, the protocols' own rules), and no
wrong-answer message or hint may reveal them (:func:`secrets`).

A check without an entry fails :func:`test_every_registered_check_has_hint_tests`, and a hint
(a ``mistake=`` name in netcourse/checks) that no wrong answer here reaches fails
:func:`test_every_named_mistake_is_reached_by_a_wrong_answer`, unless :data:`UNREACHED` says why
this course's questions cannot reach it.
"""

from __future__ import annotations

import ast
import ipaddress
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from netcourse import checks
from netcourse.checks import cidr, firewall, journey, layers, sockets, vpc, welcome
from netcourse.data import path as data_path
from netcourse.firewall.examples import HOME_WAN, SERVER_B, SHADOWED_HOST, home_request
from netcourse.packets import frame


@dataclass(frozen=True)
class Case:
    """One common wrong answer: the check's arguments, the mistake named, a phrase shown."""

    answer: object  #: the arguments as a tuple, or a function of the test's context giving them
    mistake: str
    phrase: str
    why: str = ""

    def args(self, ctx: Context) -> tuple:
        return self.answer(ctx) if callable(self.answer) else self.answer


def one(*args) -> tuple:
    return args


# --- right answers, worked out without netcourse ---------------------------------------------


def ipv4_header(data: bytes) -> tuple[int, int, int]:
    """(start of the transport header, IP total length, IP protocol) of an Ethernet II frame."""
    assert data[12:14] == b"\x08\x00", "an IPv4 frame"
    ihl = (data[14] & 0x0F) * 4
    return 14 + ihl, int.from_bytes(data[16:18], "big"), data[23]


def pdu_answer() -> str:
    """The PDU whose header holds byte layers.PDU_OFFSET (RFC 768: UDP's header is 8 bytes)."""
    start, _, proto = ipv4_header(frame(*layers.PDU_FRAME))
    assert proto == 17 and start <= layers.PDU_OFFSET < start + 8
    return "datagram"


def segment_lengths() -> dict[str, int]:
    """The TCP segment's length, its header and its data (RFC 793's data offset)."""
    data = frame(*layers.SEGMENT_FRAME)
    start, total, proto = ipv4_header(data)
    assert proto == 6
    header = (data[start + 12] >> 4) * 4
    segment = total - (start - 14)
    return {"frame": len(data), "ip": total, "segment": segment, "header": header}


def vlan_fields() -> tuple[int, int]:
    """(TCI, VLAN id) of the 802.1Q tag (IEEE 802.1Q: TPID 0x8100, then 3+1+12 bits)."""
    data = frame(*layers.VLAN_FRAME)
    assert data[12:14] == b"\x81\x00"
    tci = int.from_bytes(data[14:16], "big")
    return tci, tci & 0x0FFF


def wire_times() -> dict[str, int]:
    """IEEE 802.3: pad to 60 bytes, then FCS 4, preamble and SFD 8, inter-frame gap 12."""
    captured = len(frame(*layers.WIRE_FRAME))
    padded = max(captured, 60)
    return {"captured": captured, "padded": padded, "total": padded + 4 + 8 + 12}


def inside_answer() -> set[str]:
    net = ipaddress.ip_network(cidr.INSIDE_NET)
    return {a for a in cidr.INSIDE_CANDIDATES if ipaddress.ip_address(a) in net}


def a_valid_plan() -> dict[str, str]:
    """A correct plan built with ipaddress, placed smallest first (not how plan() does it)."""
    start = int(ipaddress.ip_network(cidr.PLAN_PARENT).network_address)
    answer = {}
    for name, hosts in sorted(cidr.PLAN_NEEDS.items(), key=lambda kv: kv[1]):
        bits = max(2, (hosts + 1).bit_length())
        start = -(-start // 2**bits) * 2**bits
        answer[name] = str(ipaddress.ip_network((start, 32 - bits)))
        start += 2**bits
    return answer


def ephemeral_count() -> int:
    """Ports in the kernel's ephemeral range, read from /proc (both ends included)."""
    low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    return high - low + 1


#: The packet of predict-verdict followed by hand through PREDICT_RULESET: a NEW SYN from
#: 10.4.4.4 to port 22 jumps to SSH (INPUT 2), RETURNs there (10.0.0.0/8), misses the
#: multiport rule and meets INPUT 4, the REJECT.
PREDICT_ANSWER = ("REJECT", "INPUT", 4)
GOOD_HTTPS = "-A INPUT -p tcp -s 198.51.100.0/24 -m tcp --dport 443 -j ACCEPT"
GOOD_RETURN = (
    "-A FORWARD -i eth1 -o eth0 -d 192.168.1.0/24 -p tcp -m tcp --sport 22 ! --syn -j ACCEPT"
)
#: ufw-server.rules was recorded after `ufw limit ssh` and `ufw allow 80,443/tcp` (and 5432
#: from 198.51.100.0/24 only): see the rulesets' README.
UFW_OPEN_TCP = {22, 80, 443}


def shadowed_lines() -> tuple[list[str], int]:
    lines = SHADOWED_HOST.splitlines()
    return lines, next(i for i, line in enumerate(lines) if "192.168.1.0/24" in line)


def shadowed_fixed() -> list[str]:
    """SHADOWED_HOST with the laptop's DROP moved above the LAN's ACCEPT."""
    lines, broad = shadowed_lines()
    return lines[:broad] + [lines[broad + 1], lines[broad]] + lines[broad + 2 :]


def masquerade_answer() -> tuple:
    """MASQUERADE rewrites the source to the outgoing interface's address and keeps a free port."""
    sent = home_request()
    return (HOME_WAN, sent.sport, SERVER_B, sent.dport)


def vpc_data(example: str, what: str) -> dict:
    """One describe-* answer of a shipped example, as the AWS CLI printed it."""
    return json.loads((data_path("vpc", example) / f"describe-{what}.json").read_text())


def web_subnet_acl() -> str:
    """The network ACL of the web instance's subnet in acl-no-ephemeral, read from its data."""
    instances = vpc_data("acl-no-ephemeral", "instances")
    acls = vpc_data("acl-no-ephemeral", "network-acls")
    (web,) = [
        i
        for r in instances["Reservations"]
        for i in r["Instances"]
        if {"Key": "Name", "Value": "web"} in i.get("Tags", [])
    ]
    (acl,) = [
        a["NetworkAclId"]
        for a in acls["NetworkAcls"]
        if web["SubnetId"] in [s["SubnetId"] for s in a["Associations"]]
    ]
    return acl


def deciding_rule_answer() -> int:
    """The lowest inbound rule of three-tier's web ACL that matches tcp 443 from anywhere."""
    acls = vpc_data("three-tier", "network-acls")
    acl = next(a for a in acls["NetworkAcls"] if a["NetworkAclId"] == "acl-0a1b2c3d4e5f60001")
    client = ipaddress.ip_address("198.51.100.100")
    for entry in sorted(acl["Entries"], key=lambda e: e["RuleNumber"]):
        ports = entry.get("PortRange", {"From": 0, "To": 65535})
        if (
            not entry["Egress"]
            and entry["Protocol"] in ("6", "-1")
            and client in ipaddress.ip_network(entry["CidrBlock"])
            and ports["From"] <= 443 <= ports["To"]
        ):
            return entry["RuleNumber"]
    raise AssertionError("no rule matches")


def entry(number: int, *, egress: bool, ports: tuple[int, int], action: str = "allow") -> dict:
    """A network ACL entry as describe-network-acls prints it (TCP, to or from anywhere)."""
    return {
        "RuleNumber": number,
        "Protocol": "6",
        "RuleAction": action,
        "Egress": egress,
        "CidrBlock": "0.0.0.0/0",
        "PortRange": {"From": ports[0], "To": ports[1]},
    }


#: The reply of the fix-acl exercise goes from port 443 to the client's ephemeral port.
GOOD_ACL_FIX = [entry(140, egress=True, ports=(1024, 65535))]

#: The healthy journey's request as the web server sees it: the home router's NAT puts its
#: WAN address on the laptop's port (free, so kept), and the internet gateway maps the web
#: instance's public address to its private one (three-tier's data).
LAPTOP = ("10.0.1.7", 51514)
ROUTER_WAN, WEB_PUBLIC, WEB_PRIVATE = "198.51.100.23", "203.0.113.10", "10.0.1.10"
NAT_ANSWER = (ROUTER_WAN, 51514, WEB_PRIVATE, 443)


def journey_hop(name: str) -> tuple[str, str]:
    """Where each lesson 06 scenario stops, and its fix, as the scenario's description says."""
    return {
        "wrong-netmask": ("laptop", "set-laptop-netmask"),
        "sg-missing-port": ("security group", "allow-port-in-security-group"),
        "nacl-no-ephemeral": ("network ACL", "allow-ephemeral-in-nacl"),
        "host-firewall-drop": ("instance", "allow-port-in-host-firewall"),
    }[name]


# --- the test's context: a process holding a port, labs --------------------------------------

HOLDER = (
    "import socket, sys, time\n"
    "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
    "print(s.getsockname()[1], flush=True); sys.stdin.read()\n"
)


class Context:
    """What some answers need: a process holding a port (started once, always stopped)."""

    def __init__(self) -> None:
        self._holder: subprocess.Popen | None = None
        self._port = 0

    def holder(self) -> tuple[int, int]:
        """(pid, port) of a child process listening on 127.0.0.1."""
        if self._holder is None:
            self._holder = subprocess.Popen(
                [sys.executable, "-c", HOLDER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            self._port = int(self._holder.stdout.readline())
        return self._holder.pid, self._port

    @staticmethod
    def free_port() -> int:
        """A port nobody holds (bound, then let go)."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def close(self) -> None:
        if self._holder is not None:
            self._holder.stdin.close()
            try:
                self._holder.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._holder.kill()
                self._holder.wait(timeout=10)
            self._holder.stdout.close()


@pytest.fixture(scope="module")
def ctx():
    context = Context()
    yield context
    context.close()


def vpc_lab(name: str, *fixes: dict):
    from netcourse.vpc.troubleshoot import troubleshoot

    lab = troubleshoot(name)
    for fix in fixes:
        lab.fix(**fix)
    return lab


def journey_lab(name: str, *fixes: dict):
    from netcourse.journey.troubleshoot import troubleshoot

    lab = troubleshoot(name)
    for fix in fixes:
        lab.fix(**fix)
    return lab


def grpc_body() -> bytes:
    from netcourse.encodings import encode

    return encode(layers.GRPC_RECORD, "protobuf").data


def grpc_json() -> bytes:
    from netcourse.encodings import encode

    return encode(layers.GRPC_RECORD, "JSON").data


def overlapping_plan() -> dict[str, str]:
    plan = a_valid_plan()
    plan["sales"] = plan["developers"].replace("/25", "/26")
    return plan


def _sent() -> tuple:
    sent = home_request()
    return (sent.src, sent.sport, sent.dst, sent.dport)


def _swap(four: tuple) -> tuple:
    return (four[2], four[3], four[0], four[1])


# --- the table ---------------------------------------------------------------------------------

NET = ipaddress.ip_network(cidr.USABLE_HOSTS_NET)
BROADCAST = ipaddress.ip_interface(cidr.BROADCAST_OF)
CLOUD = ipaddress.ip_network(cidr.CLOUD_NET)
INSIDE = sorted(inside_answer())
INSIDE_NET = ipaddress.ip_network(cidr.INSIDE_NET)
ENDS = {str(INSIDE_NET.network_address), str(INSIDE_NET.broadcast_address)}
REQUEST = sockets.EXAMPLE_REQUEST
REPLY = (REQUEST[2], REQUEST[3], REQUEST[0], REQUEST[1])  # each port stays with its address


@dataclass(frozen=True)
class Hinted:
    """A check, the right answer's telling parts (never shown on a wrong answer), its cases."""

    check: Callable
    secrets: Callable[[Context], list[str]]
    cases: tuple[Case, ...]


HINTS: dict[tuple[str, str], Hinted] = {
    ("00-welcome", "bits-in-ipv4-address"): Hinted(
        welcome.bits_in_ipv4_address,
        lambda ctx: [str(4 * 8)],
        (
            Case(one(4), "counted-numbers", "count of numbers"),
            Case(one(8), "other", "how many bits"),
            Case(one("32"), "wrong-type", "whole number"),
        ),
    ),
    # --- 01 sockets
    ("01-sockets-and-4-tuples", "reply-four-tuple"): Hinted(
        sockets.reply_four_tuple,
        lambda ctx: [str(REPLY)],
        (
            Case(one(REQUEST), "request-tuple", "request's own"),
            Case(one((REPLY[0], REPLY[3], REPLY[2], REPLY[1])), "wrong-ports", "ports are not"),
            Case(one((REQUEST[0], REPLY[1], REQUEST[2], REPLY[3])), "wrong-addresses", "IP"),
            Case(one((REPLY[0], str(REPLY[1]), REPLY[2], REPLY[3])), "ports-as-text", "as text"),
            Case(one((REPLY[0], REPLY[1])), "wrong-type", "four parts"),
        ),
    ),
    ("01-sockets-and-4-tuples", "connections-per-destination"): Hinted(
        sockets.connections_per_destination,
        lambda ctx: [str(ephemeral_count())],
        (
            Case(lambda ctx: (ephemeral_count() - 1,), "off-by-one", "both included"),
            Case(lambda ctx: (ephemeral_count() + 1,), "off-by-one", "off by one"),
            Case(one(65535), "every-port", "every port"),
            Case(one(100), "other", "ephemeral_ports()"),
            Case(one("many"), "wrong-type", "whole number"),
        ),
    ),
    ("01-sockets-and-4-tuples", "port-holder"): Hinted(
        sockets.port_holder,
        lambda ctx: [str(ctx.holder()[0])],
        (
            Case(lambda ctx: (os.getpid(), ctx.holder()[1]), "own-kernel", "own kernel"),
            Case(lambda ctx: (1, ctx.holder()[1]), "no-socket", "no socket"),
            Case(lambda ctx: (str(ctx.holder()[0]), ctx.holder()[1]), "wrong-type", "pid"),
            Case(lambda ctx: (1, ctx.free_port()), "holder-not-running", "starts the holder"),
        ),
    ),
    ("01-sockets-and-4-tuples", "time-wait-side"): Hinted(
        sockets.time_wait_side,
        lambda ctx: [],  # both choices are in the question, and the hint repeats them
        (
            Case(one("closes second"), "wrong-side", "CLOSE-WAIT"),
            Case(one("the client"), "not-a-choice", "not one of the choices"),
            Case(one(1), "wrong-type", "string"),
        ),
    ),
    ("01-sockets-and-4-tuples", "connected-udp-state"): Hinted(
        sockets.connected_udp_state,
        lambda ctx: ["ESTAB"],  # ss(8) shows a connected UDP socket as ESTAB
        (
            Case(one("UNCONN"), "unconnected-state", "before it calls connect()"),
            Case(one("LISTEN"), "other", "not the state"),
            Case(one("connected"), "not-a-state", "not a state ss prints"),
            Case(one(None), "wrong-type", "string"),
        ),
    ),
    # --- 02 layers
    ("02-osi-layers-and-packets", "pdu-at-offset"): Hinted(
        layers.pdu_at_offset,
        lambda ctx: [pdu_answer(), "UDP"],
        (
            Case(one("frame"), "outer-pdu", "past its header"),
            Case(one("packet"), "outer-pdu", "past its header"),
            Case(one("ip datagram"), "outer-pdu", "past its header", "RFC 791's word for it"),
            Case(one("message"), "inner-pdu", "starts after"),
            Case(one("segment"), "tcp-name", "TCP"),
            Case(one("udp segment"), "pdu-name", "right header"),
            Case(one("udp"), "protocol-not-pdu", "names a protocol"),
            Case(one("bits"), "bits", "physical layer"),
            Case(one("doughnut"), "unknown-pdu", "not a PDU name"),
            Case(one(3), "wrong-type", "a word"),
        ),
    ),
    ("02-osi-layers-and-packets", "segment-bytes"): Hinted(
        layers.segment_bytes,
        lambda ctx: [str(segment_lengths()["segment"])],
        (
            Case(lambda ctx: (segment_lengths()["header"],), "header-only", "header alone"),
            Case(lambda ctx: (segment_lengths()["ip"],), "includes-lower-headers", "lower"),
            Case(lambda ctx: (segment_lengths()["frame"],), "includes-lower-headers", "lower"),
            Case(
                lambda ctx: (segment_lengths()["segment"] - segment_lengths()["header"],),
                "data-only",
                "data alone",
            ),
            Case(one(7), "other", "spans("),
            Case(one("54"), "wrong-type", "whole number"),
        ),
    ),
    ("02-osi-layers-and-packets", "device-layers"): Hinted(
        layers.device_layers,
        lambda ctx: [],  # the message names the devices answered wrongly, never their layers
        (
            Case(
                one(
                    {
                        "hub": 1,
                        "switch": 2,
                        "router": 2,  # a router reads the IP header: layer 3
                        "firewall (stateful packet filter)": 4,
                        "web application firewall": 7,
                    }
                ),
                "wrong-layers",
                "router",
            ),
            Case(one({"hub": 1, "switch": 2}), "missing-devices", "no entry for"),
            Case(one([1, 2, 3, 4, 7]), "wrong-type", "dict"),
        ),
    ),
    ("02-osi-layers-and-packets", "switch-action"): Hinted(
        layers.switch_action,
        # C (port 3, VLAN 20) sends to A, whom VLAN 20's table has never seen: flood to the
        # other ports of VLAN 20, which is port 4 alone.
        lambda ctx: ["(4,)"],
        (
            Case(one(("forward", (1,))), "wrong-action", "does not forward"),
            Case(one(("flood", (1, 2, 4, 5))), "wrong-ports", "own VLAN"),
            Case(one(("broadcast", (4,))), "unknown-action", "not a switch action"),
            Case(one(("flood", "4")), "ports-not-tuple", "tuple of port numbers"),
            Case(one("flood"), "wrong-type", "pair"),
        ),
    ),
    ("02-osi-layers-and-packets", "vlan-id"): Hinted(
        layers.vlan_id,
        lambda ctx: [str(vlan_fields()[1])],
        (
            Case(one(0x8100), "tpid", "TPID"),
            Case(lambda ctx: (vlan_fields()[1] + 1,), "other", "'vlan' field"),
            Case(one("10"), "wrong-type", "whole number"),
        ),
    ),
    ("02-osi-layers-and-packets", "grpc-size"): Hinted(
        layers.grpc_size,
        lambda ctx: [str(len(grpc_body()) + 5)],  # gRPC over HTTP/2: 1 flag + 4 length bytes
        (
            Case(lambda ctx: (len(grpc_body()),), "protobuf-only", "body alone"),
            Case(lambda ctx: (len(grpc_json()) + 5,), "json", "not JSON"),
            Case(one(3), "other", "grpc_frame()"),
            Case(one(3.5), "wrong-type", "whole number"),
        ),
    ),
    ("02-osi-layers-and-packets", "wire-bytes"): Hinted(
        layers.wire_bytes,
        lambda ctx: [str(wire_times()["total"])],
        (
            Case(lambda ctx: (wire_times()["captured"],), "captured-only", "captured frame"),
            Case(lambda ctx: (wire_times()["captured"] + 24,), "no-padding", "pads"),
            Case(lambda ctx: (wire_times()["padded"] + 4,), "frame-only", "preamble"),
            Case(one(1), "other", "encapsulation"),
            Case(one("84"), "wrong-type", "whole number"),
        ),
    ),
    # --- 03 cidr
    ("03-cidr-and-subnets", "usable-hosts"): Hinted(
        cidr.usable_hosts,
        lambda ctx: [str(NET.num_addresses - 2)],
        (
            Case(one(NET.num_addresses), "counts-every-address", "every address"),
            Case(one(NET.num_addresses - 1), "subtracts-one", "two cannot"),
            Case(one(32 - NET.prefixlen), "host-bits", "host bits"),
            Case(one(NET.num_addresses - 3), "other", "host bits"),
            Case(one(str(NET.num_addresses - 2)), "wrong-type", "int"),
        ),
    ),
    ("03-cidr-and-subnets", "inside"): Hinted(
        cidr.inside,
        lambda ctx: INSIDE,
        (
            Case(one([a for a in INSIDE if a not in ENDS]), "left-out-ends", "broadcast address"),
            Case(one([*INSIDE, "192.168.2.7"]), "too-few-numbers", "first 3 numbers"),
            Case(one([*INSIDE, "192.169.1.1"]), "too-few-numbers", "first 3 numbers"),
            Case(one([*INSIDE, "10.192.168.1"]), "numbers-elsewhere", "same places"),
            Case(one(sorted(ENDS)), "wrong-selection", "contains("),
            Case(one(["8.8.8.8"]), "not-a-candidate", "INSIDE_CANDIDATES"),
            Case(one("192.168.1.7"), "wrong-type", "list of addresses"),
        ),
    ),
    ("03-cidr-and-subnets", "broadcast"): Hinted(
        cidr.broadcast,
        lambda ctx: [str(BROADCAST.network.broadcast_address)],
        (
            Case(one(str(BROADCAST.network.network_address)), "network-address", "host bits all 0"),
            Case(
                one(str(ipaddress.ip_interface(f"{BROADCAST.ip}/24").network.broadcast_address)),
                "broadcast-of-24",
                "/24",
            ),
            Case(
                one(str(ipaddress.ip_interface(f"{BROADCAST.ip}/16").network.broadcast_address)),
                "whole-third-number",
                "every bit of the third number",
            ),
            Case(one(str(BROADCAST.ip)), "the-address", "address itself"),
            Case(one("10.20.33.255"), "ends-in-255", "third number"),
            Case(one("10.20.40.0"), "other", "find the network first"),
            Case(
                one(f"{BROADCAST.network.broadcast_address}/21"), "has-prefix", "without a prefix"
            ),
            Case(one("10.20.37"), "unreadable", "not an address"),
            Case(one(7), "wrong-type", "string"),
        ),
    ),
    ("03-cidr-and-subnets", "next-hop"): Hinted(
        cidr.next_hop,
        lambda ctx: [cidr.ROUTE_GATEWAY],
        (
            Case(one(cidr.ROUTE_DESTINATION), "the-destination", "own subnet"),
            Case(one(str(ipaddress.ip_interface(cidr.ROUTE_HOST).ip)), "the-sender", "sender"),
            Case(one("10.0.2.1"), "other", "host's settings"),
            Case(one("the router"), "not-an-address", "not an IP address"),
            Case(one("02:00:5e:00:00:01"), "not-an-address", "by IP address"),
            Case(one(None), "wrong-type", "string"),
        ),
    ),
    ("03-cidr-and-subnets", "office-plan"): Hinted(
        cidr.office_plan,
        lambda ctx: [],  # any placement that fits passes: there is no one answer to hide
        (
            Case(
                lambda ctx: ({**a_valid_plan(), "printers": "192.168.21.0/29"},),
                "outside-parent",
                "not inside",
            ),
            Case(
                lambda ctx: ({**a_valid_plan(), "developers": "192.168.20.0/26"},),
                "too-small",
                "two addresses",
            ),
            Case(
                lambda ctx: ({**a_valid_plan(), "printers": "192.168.20.240/28"},),
                "too-big",
                "smallest block",
            ),
            Case(
                lambda ctx: ({**a_valid_plan(), "printers": "192.168.20.3/29"},),
                "host-bits-set",
                "host bits",
            ),
            Case(
                lambda ctx: ({**a_valid_plan(), "printers": "printers"},), "unreadable", "printers"
            ),
            Case(lambda ctx: (overlapping_plan(),), "overlap", "overlap"),
            Case(one({"sales": "192.168.20.0/26"}), "wrong-departments", "departments missing"),
            Case(
                lambda ctx: ({**a_valid_plan(), "guests": "192.168.20.0/30"},),
                "wrong-departments",
                "not departments of PLAN_NEEDS",
            ),
            Case(one(["192.168.20.0/25"]), "wrong-type", "dict"),
        ),
    ),
    ("03-cidr-and-subnets", "summary"): Hinted(
        cidr.summary,
        lambda ctx: [
            str(n)
            for n in ipaddress.collapse_addresses(map(ipaddress.ip_network, cidr.SUMMARIZE_NETS))
        ],
        (
            Case(one(list(cidr.SUMMARIZE_NETS)), "not-fewest", "more networks"),
            Case(one(["10.1.0.0/23", "10.1.2.0/23"]), "not-fewest", "merge"),
            Case(one("10.0.0.0/8"), "covers-more", "others besides"),
            Case(one("10.1.0.0/21"), "covers-more", "shorter prefix"),
            Case(one("10.1.0.0/23"), "different-addresses", "not cover exactly"),
            Case(one("10.1.0.0/33"), "unreadable", "/33"),
            Case(one(24), "wrong-type", "network like"),
        ),
    ),
    ("03-cidr-and-subnets", "cloud-usable"): Hinted(
        cidr.cloud_usable,
        # Azure keeps five: network, default gateway, two for DNS, broadcast
        lambda ctx: [str(CLOUD.num_addresses - 5)],
        (
            Case(one(CLOUD.num_addresses - 2), "lan-count", "for a LAN"),
            Case(one(CLOUD.num_addresses), "whole-block", "every address"),
            Case(one(CLOUD.num_addresses - 4), "other-provider", "Google Cloud"),
            Case(one(CLOUD.num_addresses - 8), "other", "reserves"),
            Case(one(59.0), "wrong-type", "int"),
        ),
    ),
    # --- 04 firewalls
    ("04-firewalls", "subnet-to-https"): Hinted(
        firewall.subnet_to_https,
        lambda ctx: [GOOD_HTTPS],
        (
            Case(one("-A INPUT -p tcp --dport 443 -j ACCEPT"), "source-too-wide", "-s"),
            Case(
                one("-A INPUT -p tcp -s 198.51.0.0/16 --dport 443 -j ACCEPT"),
                "source-too-wide",
                "too wide",
            ),
            Case(
                one("-A INPUT -p tcp -s 198.51.100.0/25 --dport 443 -j ACCEPT"),
                "blocks-wanted",
                "prefix after -s",
            ),
            Case(
                one("-A INPUT -p tcp -s 198.51.100.0/24 --dport 443 --syn -j ACCEPT"),
                "only-first-packet",
                "whole connection",
            ),
            Case(one("-A INPUT -s 198.51.100.0/24 -j ACCEPT"), "ports-too-wide", "--dport"),
            Case(
                one("-A INPUT -p tcp -s 198.51.100.0/24 --dport 400:500 -j ACCEPT"),
                "ports-too-wide",
                "443",
            ),
            Case(
                one(
                    "-A INPUT -p udp -s 198.51.100.0/24 --dport 443 -j ACCEPT\n"
                    "-A INPUT -p tcp -s 198.51.100.0/24 --dport 443 -j ACCEPT"
                ),
                "any-protocol",
                "-p tcp",
            ),
            Case(
                one("-A OUTPUT -p tcp -s 198.51.100.0/24 --dport 443 -j ACCEPT"),
                "not-input-chain",
                "-A INPUT",
            ),
            Case(
                one("-A INPUT -p tcp -s 198.51.100.0/24 --dport 443 -j ACCPT"),
                "unreadable",
                "'-j ACCPT': no such chain",
                "one line: no line number",
            ),
            Case(
                one(
                    "-A INPUT -p tcp -s 198.51.100.0/24 --dport 443 -j ACCEPT\n"
                    "-A INPUT -p tcp --dprt 443 -j ACCEPT"
                ),
                "unreadable",
                "refuse this: line 2: '--dprt'",
                "the learner's own line numbers",
            ),
            Case(one(""), "empty", "no rule"),
            Case(one(42), "wrong-type", "as text"),
        ),
    ),
    ("04-firewalls", "predict-verdict"): Hinted(
        firewall.predict_verdict,
        lambda ctx: [str(PREDICT_ANSWER), "rule 4 of INPUT"],
        (
            Case(one(("DROP", "SSH", 3)), "wrong-action", "does not end in DROP"),
            Case(one(("ACCEPT", "INPUT", 3)), "wrong-action", "does not end in ACCEPT"),
            Case(one(("REJECT", "SSH", 2)), "log-rule", "only logs"),
            Case(one(("REJECT", "INPUT", 2)), "jump-rule", "only jumps"),
            Case(one(("REJECT", "SSH", 3)), "wrong-chain", "not in SSH"),
            Case(one(("REJECT", "INPUT", 3)), "wrong-rule", "count the rules"),
            Case(one(("REJECT", "INPUT", "4")), "number-not-int", "whole number"),
            Case(one("REJECT"), "wrong-type", "three things"),
        ),
    ),
    ("04-firewalls", "fix-shadowed"): Hinted(
        firewall.fix_shadowed,
        lambda ctx: ["\n".join(shadowed_fixed()), shadowed_lines()[0][shadowed_lines()[1] + 1]],
        (
            Case(one(SHADOWED_HOST), "still-shadowed", "shadowed"),
            Case(
                lambda ctx: ("\n".join(x for x in shadowed_lines()[0] if "192.168.1.66" not in x),),
                "rule-removed",
                "missing",
            ),
            Case(
                lambda ctx: (
                    "\n".join(
                        shadowed_lines()[0][: shadowed_lines()[1]]
                        + ["-A INPUT -j DROP"]
                        + shadowed_lines()[0][shadowed_lines()[1] :]
                    ),
                ),
                "rule-added",
                "adds none",
            ),
            Case(
                lambda ctx: ("\n".join(shadowed_fixed()).replace(":INPUT DROP", ":INPUT ACCEPT"),),
                "policy-changed",
                "policy",
            ),
            Case(
                lambda ctx: (
                    "\n".join(shadowed_fixed()).replace(
                        "192.168.1.66/32 -p tcp -m tcp --dport 22", "192.168.1.66/32 -p tcp"
                    ),
                ),
                "changes-behaviour",
                "as written",
            ),
            Case(one("-A INPUT -p tcp --sprt 22 -j ACCEPT"), "unreadable", "refuse this: '--sprt'"),
            Case(one(None), "wrong-type", "as text"),
        ),
    ),
    ("04-firewalls", "masquerade-four-tuple"): Hinted(
        firewall.masquerade_four_tuple,
        lambda ctx: [str(masquerade_answer()), HOME_WAN],
        (
            Case(lambda ctx: (tuple(_sent()),), "unchanged-tuple", "laptop's own"),
            Case(lambda ctx: (_swap(masquerade_answer()),), "reply-tuple", "other way"),
            Case(
                lambda ctx: ((HOME_WAN, 51000, "192.0.2.10", 80),),
                "wrong-destination",
                "destination alone",
            ),
            Case(
                lambda ctx: (("192.0.2.1", 51000, SERVER_B, 443),),
                "wrong-source-address",
                "interface the packet leaves by",
            ),
            Case(lambda ctx: ((HOME_WAN, 1024, SERVER_B, 443),), "wrong-source-port", "port"),
            Case(one("203.0.113.2:51000"), "wrong-type", "two port numbers"),
        ),
    ),
    ("04-firewalls", "stateless-return"): Hinted(
        firewall.stateless_return,
        lambda ctx: [GOOD_RETURN, "--syn", "--tcp-flags"],
        (
            Case(one("-A FORWARD -p tcp --sport 22 -j ACCEPT"), "lets-in-new", "source port 22"),
            Case(one("-A FORWARD -p tcp ! --syn -j ACCEPT"), "lets-in-other-ports", "their port"),
            Case(
                one(
                    "-A FORWARD -i eth1 -p tcp --sport 22 --tcp-flags ACK ACK -j ACCEPT\n"
                    "-A FORWARD -i eth1 -p udp --sport 22 -j ACCEPT"
                ),
                "lets-in-udp",
                "over TCP",
            ),
            Case(
                one("-A FORWARD -p tcp --dport 22 ! --syn -j ACCEPT"),
                "blocks-answers",
                "which side",
            ),
            Case(
                one("-A FORWARD -p tcp --sport 22 --dport 32768:60999 ! --syn -j ACCEPT"),
                "too-few-ports",
                "from 1024 up",
            ),
            Case(
                one("-A FORWARD -p tcp --sport 22 ! --tcp-flags SYN SYN -j ACCEPT"),
                "blocks-syn-ack",
                "SYN-ACK",
            ),
            Case(
                one("-A FORWARD -p tcp --sport 22 --tcp-flags ACK,PSH ACK -j ACCEPT"),
                "blocks-some-flags",
                "PSH",
            ),
            Case(
                one("-A FORWARD -m conntrack --ctstate ESTABLISHED -j ACCEPT"),
                "reads-conntrack",
                "connection tracking",
            ),
            Case(one("-I FORWARD 1 -p tcp --sport 22 -j ACCEPT"), "not-forward", "-A FORWARD"),
            Case(
                one("-A FORWARD -p tcp --sprt 22 -j ACCEPT"), "unreadable", "refuse this: '--sprt'"
            ),
            Case(one(" "), "empty", "no rule"),
            Case(one(22), "wrong-type", "as text"),
        ),
    ),
    ("04-firewalls", "ufw-open-ports"): Hinted(
        firewall.ufw_open_ports,
        lambda ctx: [str(sorted(UFW_OPEN_TCP)), str(UFW_OPEN_TCP)],
        (
            Case(one({22, 80, 443, 5432}), "restricted-source", "only to some sources"),
            Case(one({22, 80, 443, 139}), "not-open", "not open"),
            Case(one({80, 443}), "missing-ports", "rate-limited"),
            Case(one("22, 80, 443"), "wrong-type", "set of port numbers"),
        ),
    ),
    # --- 05 AWS VPC
    ("05-aws-vpc", "blocking-component"): Hinted(
        vpc.blocking_component,
        lambda ctx: [web_subnet_acl(), "acl-"],
        (
            Case(one("sg-0a1b2c3d4e5f60001"), "lets-through", "lets the traffic through"),
            Case(one("igw-0a1b2c3d4e5f60001"), "lets-through", "response leg"),
            Case(one("acl-0a1b2c3d4e5f60003"), "not-on-path", "not on this path"),
            Case(one("subnet-0a1b2c3d4e5f60001"), "a-subnet", "a subnet"),
            Case(one("network ACL"), "kind-not-id", "kind of component"),
            Case(one("i-web"), "unknown-id", "not a resource id"),
            Case(one(7), "wrong-type", "string"),
        ),
    ),
    ("05-aws-vpc", "deciding-rule"): Hinted(
        vpc.deciding_rule,
        lambda ctx: [str(deciding_rule_answer())],
        (
            Case(one(110), "rule-does-not-match", "does not match"),
            Case(one(32767), "catch-all", "catch-all"),
            Case(one(200), "no-such-rule", "no inbound rule"),
            Case(one("*"), "wrong-type", "not a rule number"),
        ),
    ),
    ("05-aws-vpc", "fix-acl"): Hinted(
        vpc.fix_acl,
        lambda ctx: [],  # many entries fix it
        (
            Case(
                one([entry(140, egress=False, ports=(1024, 65535))]), "inbound-only", "outbound one"
            ),
            Case(
                one([entry(140, egress=True, ports=(443, 443))]), "still-blocked", "ephemeral port"
            ),
            Case(
                one([entry(90, egress=False, ports=(443, 443), action="deny"), *GOOD_ACL_FIX]),
                "blocks-request",
                "lower number",
            ),
            Case(one([{**GOOD_ACL_FIX[0], "Protocol": "-1"}]), "all-protocols", "too broad"),
            Case(
                one([entry(120, egress=True, ports=(1024, 65535))]),
                "breaks-other-traffic",
                "existing number",
            ),
            Case(one([{**GOOD_ACL_FIX[0], "RuleNumber": "first"}]), "unreadable", "cannot be read"),
            Case(one("allow 1024-65535"), "wrong-type", "list of dicts"),
        ),
    ),
    ("05-aws-vpc", "who-reaches-db"): Hinted(
        vpc.who_reaches_db,
        lambda ctx: [str(["app"]), str({"app"})],  # db's group admits app's group alone
        (
            Case(one(["web", "app"]), "extra-endpoint", "web cannot reach"),
            Case(one(["internet", "app"]), "extra-endpoint", "internet cannot reach"),
            Case(one([]), "missing-endpoint", "is missing"),
            Case(one(["mainframe"]), "unknown-endpoint", "not an instance"),
            Case(one(5), "wrong-type", "list"),
        ),
    ),
    ("05-aws-vpc", "lab-web-unreachable"): Hinted(
        vpc.lab_web_unreachable,
        lambda ctx: ["allow tcp 443 from 0.0.0.0/0", "0.0.0.0/0 -> igw"],
        (
            Case(lambda ctx: (vpc_lab("web-unreachable"),), "not-delivered", "inbound rules"),
            Case(
                lambda ctx: (vpc_lab("web-unreachable", {"sg": "allow tcp 443 from 0.0.0.0/0"}),),
                "not-delivered",
                "which route",
            ),
            Case(
                lambda ctx: (
                    vpc_lab(
                        "web-unreachable",
                        {"sg": "allow all from 0.0.0.0/0"},
                        {"route": "0.0.0.0/0 -> igw"},
                    ),
                ),
                "too-broad",
                "3389",
            ),
            Case(lambda ctx: (vpc_lab("reply-lost"),), "other-lab", "'reply-lost' lab"),
            Case(one("web-unreachable"), "not-a-lab", "troubleshoot('web-unreachable')"),
        ),
    ),
    ("05-aws-vpc", "lab-reply-lost"): Hinted(
        vpc.lab_reply_lost,
        lambda ctx: ["100 allow tcp 1024-65535 to 0.0.0.0/0", "public"],
        (
            Case(lambda ctx: (vpc_lab("reply-lost"),), "not-delivered", "keeps no state"),
            Case(
                lambda ctx: (
                    vpc_lab(
                        "reply-lost",
                        {"acl": "100 allow tcp 1024-65535 to 0.0.0.0/0"},
                        {"route": "0.0.0.0/0 -> igw"},
                    ),
                ),
                "too-broad",
                "broke app -> internet",
            ),
            Case(lambda ctx: (vpc_lab("web-unreachable"),), "other-lab", "'web-unreachable' lab"),
            Case(one(None), "not-a-lab", "expected a lab"),
        ),
    ),
    # --- 06 the packet's journey
    ("06-packet-journey", "nat-four-tuple"): Hinted(
        journey.nat_four_tuple,
        lambda ctx: [str(NAT_ANSWER)],
        (
            Case(one((*LAPTOP, WEB_PUBLIC, 443)), "unchanged-tuple", "laptop's socket"),
            Case(one(_swap(NAT_ANSWER)), "reply-tuple", "other way"),
            Case(
                one((ROUTER_WAN, 51514, WEB_PUBLIC, 443)), "wrong-destination", "internet gateway"
            ),
            Case(one((*LAPTOP, WEB_PRIVATE, 443)), "wrong-source", "NAT step"),
            Case(one("198.51.100.23:51514"), "wrong-type", "four values"),
        ),
    ),
    **{
        ("06-packet-journey", name): Hinted(
            getattr(journey, name.replace("-", "_")),
            lambda ctx, name=name: [journey_hop(name)[1]],
            (
                Case(one(passes, journey_hop(name)[1]), "hop-passes", "gets past")
                if passes
                else Case(one("printer", journey_hop(name)[1]), "unknown-device", "not a device"),
                Case(one("moon", journey_hop(name)[1]), "unknown-device", "not a device"),
                Case(one(journey_hop(name)[0], "reboot"), "unknown-fix", "not one of the fixes"),
                Case(one(journey_hop(name)[0], other), "fix-does-not-work", "still does not"),
                Case(one(3, journey_hop(name)[1]), "wrong-type", "device's name"),
            ),
        )
        for name, passes, other in [
            ("wrong-netmask", None, "set-default-gateway"),
            ("sg-missing-port", "network ACL", "allow-ephemeral-in-nacl"),
            ("nacl-no-ephemeral", "security group", "assign-public-ip"),
            ("host-firewall-drop", "route table", "allow-port-in-security-group"),
        ]
    },
    ("06-packet-journey", "stateless-on-reply"): Hinted(
        journey.stateless_on_reply,
        lambda ctx: [],  # the message names only the device the learner chose
        (
            Case(one("security group"), "stateful-device", "state it kept"),
            Case(one("instance"), "stateful-device", "state it kept"),
            Case(one("printer"), "not-on-reply-path", "not on the reply path"),
            Case(one(2), "wrong-type", "string"),
        ),
    ),
    ("06-packet-journey", "lab-no-connection"): Hinted(
        journey.lab_no_connection,
        lambda ctx: ["255.255.255.0", "--ctstate NEW", "0.0.0.0/0 -> igw"],
        (
            Case(lambda ctx: (journey_lab("no-connection"),), "not-delivered", "mask"),
            Case(
                lambda ctx: (
                    journey_lab(
                        "no-connection",
                        {"netmask": "255.255.255.0"},
                        {"route": "0.0.0.0/0 -> igw"},
                        {"iptables": "-I INPUT -j ACCEPT"},
                    ),
                ),
                "too-broad",
                "port 22",
            ),
            Case(lambda ctx: (journey_lab("server-silent"),), "other-lab", "'server-silent' lab"),
            Case(lambda ctx: (vpc_lab("web-unreachable"),), "other-lab", "'web-unreachable'"),
            Case(one("no-connection"), "not-a-lab", "troubleshoot('no-connection')"),
        ),
    ),
    ("06-packet-journey", "lab-server-silent"): Hinted(
        journey.lab_server_silent,
        lambda ctx: ["10.0.1.1", "allow tcp 443 from 0.0.0.0/0"],
        (
            Case(lambda ctx: (journey_lab("server-silent"),), "not-delivered", "route"),
            Case(
                lambda ctx: (
                    journey_lab(
                        "server-silent",
                        {"gateway": "10.0.1.1"},
                        {"sg": "allow tcp 443 from 0.0.0.0/0"},
                        {"iptables": "-P OUTPUT ACCEPT"},
                    ),
                ),
                "too-broad",
                "OUTPUT",
            ),
            Case(lambda ctx: (journey_lab("no-connection"),), "other-lab", "'no-connection' lab"),
            Case(one(42), "not-a-lab", "expected a lab"),
        ),
    ),
}


CASES = [
    pytest.param(key, case, id=f"{key[1]}:{case.mistake}:{index}")
    for key, hinted in HINTS.items()
    for index, case in enumerate(hinted.cases)
]


def shown(feedback) -> str:
    return f"{feedback.message} {feedback.hint}"


def revealed(secret: str, text: str) -> bool:
    """Whether ``secret`` stands in ``text`` as itself (10.0.1.1 is not in 10.0.1.10)."""
    return re.search(rf"(?<![\w.]){re.escape(secret)}(?![\w]|\.\d)", text) is not None


@pytest.mark.parametrize(("key", "case"), CASES)
def test_the_hint_names_the_mistake_made(key, case, ctx):
    hinted = HINTS[key]
    args = case.args(ctx)
    feedback = hinted.check.feedback(*args)
    assert feedback.ok is False, (key, args)
    assert (feedback.mistake, case.phrase in shown(feedback)) == (case.mistake, True), (
        key,
        args,
        feedback,
    )
    if case.mistake == "unreadable" and "line" in case.why:
        assert "line 1" not in feedback.message


@pytest.mark.parametrize(("key", "case"), CASES)
def test_no_wrong_answer_reveals_the_right_one(key, case, ctx):
    hinted = HINTS[key]
    args = case.args(ctx)
    feedback = hinted.check.feedback(*args)
    typed = repr(args)
    for secret in hinted.secrets(ctx):
        if secret in typed:  # the learner's own words may be echoed back
            continue
        assert not revealed(secret, shown(feedback)), (key, args, secret, feedback)


def test_every_registered_check_has_hint_tests():
    checks.known_exercises()  # imports every topic's checks
    course = {
        (ex.lesson, ex.name)
        for ex in checks.registered()
        if ex.check.__module__.startswith("netcourse.checks.")
    }
    assert course - set(HINTS) == set(), "each check needs its common wrong answers in HINTS"
    assert set(HINTS) - course == set(), "HINTS names a check that is not registered"
    assert all(len(hinted.cases) >= 2 for hinted in HINTS.values())


def test_each_entry_tests_the_check_it_is_filed_under():
    for (lesson, name), hinted in HINTS.items():
        assert (hinted.check.lesson, hinted.check.exercise) == (lesson, name)


# --- every hint is reached ---------------------------------------------------------------------

#: Helpers that give a check's wrong answers for it, by the check they serve.
HELPERS = {
    "_https_wrong": ["subnet_to_https"],
    "_changed_how": ["fix_shadowed"],
    "_return_wrong": ["stateless_return"],
    "_answers_wrong": ["stateless_return"],
    "_hop_and_fix": ["wrong_netmask", "sg_missing_port", "nacl_no_ephemeral", "host_firewall_drop"],
    "lab_feedback": [
        "lab_web_unreachable",
        "lab_reply_lost",
        "lab_no_connection",
        "lab_server_silent",
    ],
}

#: Hints the questions of this course cannot reach, with the reason; each stays for a question
#: that changes (a TCP frame, another rule set).
UNREACHED = {
    ("vlan_id", "whole-tci"): "this frame's priority bits are 0, so its TCI is the VLAN id",
    ("pdu_at_offset", "wrong-pdu"): "every PDU name of this frame has its own hint now",
    ("stateless_return", "blocks-requests"): "rules are appended after rule 1, which accepts them",
    ("deciding_rule", "outbound-rule"): "every outbound number of this ACL is an inbound one too",
    ("deciding_rule", "wrong-rule"): "only one numbered rule of this ACL matches the request",
    ("wrong_netmask", "hop-passes"): "the packet stops at its first device, the laptop",
    ("fix_acl", "too-broad"): "web's security group admits SSH from 192.0.2.0/24 only, so no "
    "network ACL entry opens it to the internet",
}


def _mistakes_by_check() -> dict[str, set[str]]:
    """Every mistake= literal in netcourse/checks, by the check function that can give it."""
    found: dict[str, set[str]] = {}
    for module in sorted(Path(checks.__file__).parent.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            if function.name in ("wrong", "dispatch_lab", "_safe"):
                continue  # the helpers every check shares, tested in tests/test_checks.py
            names = {
                kw.value.value
                for call in ast.walk(function)
                if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "wrong"
                for kw in call.keywords
                if kw.arg == "mistake" and isinstance(kw.value, ast.Constant)
            }
            for owner in HELPERS.get(function.name, [function.name]):
                found.setdefault(owner, set()).update(names)
    return {name: names for name, names in found.items() if names}


def test_every_named_mistake_is_reached_by_a_wrong_answer():
    reached: dict[str, set[str]] = {}
    for hinted in HINTS.values():
        reached.setdefault(hinted.check.__name__, set()).update(c.mistake for c in hinted.cases)
    missing = {
        (check, mistake)
        for check, names in _mistakes_by_check().items()
        for mistake in names - reached.get(check, set())
        if (check, mistake) not in UNREACHED
    }
    assert missing == set(), "give each hint a wrong answer in HINTS, or say in UNREACHED why not"
    stale = {key for key in UNREACHED if key[1] in reached.get(key[0], set())}
    assert stale == set(), "UNREACHED lists a hint HINTS now reaches"
