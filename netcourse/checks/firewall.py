"""Checks for the exercises of notebooks/04-firewalls.ipynb (solutions/ and exercises/).

Each exercise's question is declared once below or in :mod:`netcourse.firewall.examples`
(the notebooks quote it); answers are judged by evaluating them with
:class:`netcourse.firewall.Firewall`, and no message gives the answer away.

>>> subnet_to_https.feedback("-A INPUT -p tcp -s 198.51.100.0/24 --dport 443 -j ACCEPT").ok
True
>>> subnet_to_https.feedback("-A INPUT -p tcp --dport 443 -j ACCEPT").ok
False
"""

from __future__ import annotations

import dataclasses
import ipaddress

from netcourse.checks import Feedback, correct, exercise, wrong
from netcourse.data import path
from netcourse.errors import NetcourseError, RuleError
from netcourse.firewall import Firewall, Packet, exposure, lint
from netcourse.firewall.examples import (
    PREDICT_PACKET,
    PREDICT_RULESET,
    SHADOWED_HOST,
    home_request,
    home_router,
)

__all__ = [
    "HTTPS_SUBNET",
    "PREDICT_RULESET",
    "PREDICT_PACKET",
    "SHADOWED_HOST",
    "subnet_to_https",
    "predict_verdict",
    "fix_shadowed",
    "masquerade_four_tuple",
    "SSH_ROUTER",
    "stateless_return",
    "UFW_SERVER",
    "ufw_server",
    "ufw_open_ports",
]

LESSON = "04-firewalls"

#: Exercise "subnet-to-https": only this subnet may open connections to TCP port 443.
HTTPS_SUBNET = "198.51.100.0/24"
_SERVER = "192.0.2.80"


def _lines(answer: object) -> list[str] | None:
    if isinstance(answer, str):
        return [line for line in answer.splitlines() if line.strip()]
    if isinstance(answer, (list, tuple)) and all(isinstance(line, str) for line in answer):
        return list(answer)
    return None


def _refused(exc: NetcourseError, lines: list[str], before: int) -> str:
    """Why iptables would refuse the learner's ``lines``, numbered as the learner wrote them.

    The check reads them after ``before`` lines of its own, so the parser's line numbers are
    shifted back; a one-line answer gets no line number at all.
    """
    problems = getattr(exc, "problems", None) if isinstance(exc, RuleError) else None
    if not problems:
        return str(exc)
    shown = []
    for problem in problems:
        if problem.line > before:
            problem = dataclasses.replace(problem, line=problem.line - before)
            if len(lines) == 1:
                problem = dataclasses.replace(
                    problem, line=0, message=f"{problem.part!r}: {problem.message}"
                )
        shown.append(str(problem))
    return "; ".join(shown)


def _https_probes() -> list[tuple[str, Packet, bool]]:
    """(what, packet, should be accepted) around the edges of HTTPS_SUBNET."""
    net = ipaddress.ip_network(HTTPS_SUBNET)
    first, last = net.network_address, net.broadcast_address
    inside = [first, first + 1, first + net.num_addresses // 2, last]
    outside = [first - 1, last + 1, ipaddress.ip_address("10.0.0.1")]
    probes = []
    for addr in inside:
        for flags in ("S", "A"):
            probes.append(
                (
                    f"a TCP packet from {addr} (inside the subnet) to port 443",
                    Packet("tcp", src=str(addr), dst=_SERVER, dport=443, flags=flags),
                    True,
                )
            )
    for addr in outside:
        probes.append(
            (
                f"a TCP packet from {addr} (outside the subnet) to port 443",
                Packet("tcp", src=str(addr), dst=_SERVER, dport=443, flags="S"),
                False,
            )
        )
    middle = str(first + 7)
    for port in (80, 22, 444, 442):
        probes.append(
            (
                f"a TCP packet from {middle} to port {port}",
                Packet("tcp", src=middle, dst=_SERVER, dport=port, flags="S"),
                False,
            )
        )
    probes.append(
        (
            f"a UDP packet from {middle} to port 443",
            Packet("udp", src=middle, dst=_SERVER, dport=443),
            False,
        )
    )
    return probes


def _https_wrong(message: str, pkt: Packet, wanted: bool) -> Feedback:
    """The feedback for the first probe the learner's rules get wrong."""
    if wanted and pkt.flags != "S":
        return wrong(
            message,
            "the first packet (SYN) of the connection gets in, the ones after it do not: the "
            "whole connection needs to get in, not only its opening.",
            mistake="only-first-packet",
        )
    if wanted:
        return wrong(
            message,
            "check the network and prefix after -s: it should hold the whole subnet.",
            mistake="blocks-wanted",
        )
    if ipaddress.ip_address(pkt.src) not in ipaddress.ip_network(HTTPS_SUBNET):
        return wrong(
            message,
            "the source is too wide, or missing: -s takes the subnet's network and prefix.",
            mistake="source-too-wide",
        )
    if pkt.proto != "tcp":
        return wrong(
            message, "HTTPS runs over TCP: the rule should say -p tcp.", mistake="any-protocol"
        )
    return wrong(
        message, "the rule lets in more ports than 443: look at --dport.", mistake="ports-too-wide"
    )


@exercise(LESSON, "subnet-to-https")
def subnet_to_https(answer: str) -> Feedback:
    """Rule(s) for INPUT (policy DROP) admitting only HTTPS_SUBNET to TCP port 443."""
    lines = _lines(answer)
    if lines is None:
        return wrong(
            f"expected the rule as text, got {type(answer).__name__}.",
            'write it as a string such as "-A INPUT ... -j ACCEPT".',
            mistake="wrong-type",
        )
    if not lines:
        return wrong("the answer holds no rule.", "write one -A INPUT line.", mistake="empty")
    if any(not line.split()[:2] == ["-A", "INPUT"] for line in lines):
        return wrong(
            "each line should append to INPUT (start with -A INPUT).",
            "packets addressed to this host pass the INPUT chain.",
            mistake="not-input-chain",
        )
    try:
        fw = Firewall.from_iptables(["-P INPUT DROP", *lines])
    except NetcourseError as exc:
        return wrong(
            f"iptables would refuse this: {_refused(exc, lines, before=1)}",
            "compare with the seed rule's syntax.",
            mistake="unreadable",
        )
    memory: dict = {}  # one machine: rate limits and recent lists see every probe
    for what, pkt, wanted in _https_probes():
        got = fw.evaluate(pkt, memory=memory).action == "ACCEPT"
        if got != wanted:
            verb = "is not let through" if wanted else "gets in too"
            return _https_wrong(f"{what} {verb}.", pkt, wanted)
    return correct(
        "only the subnet reaches TCP 443: a /24 fixes the first three numbers, and -p tcp makes "
        "--dport available."
    )


@exercise(LESSON, "predict-verdict")
def predict_verdict(answer: tuple) -> Feedback:
    """(action, chain, rule number) deciding PREDICT_PACKET in PREDICT_RULESET's INPUT."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        return wrong(
            "expected three things: (action, chain, rule number).",
            'for example ("ACCEPT", "INPUT", 1).',
            mistake="wrong-type",
        )
    action, chain, number = answer
    fw = Firewall.from_iptables(PREDICT_RULESET)
    verdict = fw.evaluate(PREDICT_PACKET, chain="INPUT")
    if isinstance(number, bool) or not isinstance(number, int):
        return wrong(
            f"the rule number should be a whole number, got {type(number).__name__}.",
            'for example ("ACCEPT", "INPUT", 1).',
            mistake="number-not-int",
        )
    if str(action).upper() != verdict.action:
        return wrong(
            f"the packet does not end in {str(action).upper()}.",
            "follow it rule by rule: a -j to a user chain comes back when that chain RETURNs.",
            mistake="wrong-action",
        )
    chain = str(chain).upper()
    if (chain, number) != (verdict.chain, verdict.rule_number):
        chosen = fw.chains.get(chain)
        rule = chosen.rules[number - 1] if chosen and 0 < number <= len(chosen.rules) else None
        if rule is not None and rule.target == "LOG":
            return wrong(
                f"the action is right, but rule {number} of {chain} only logs.",
                "LOG writes a line and lets the packet go on to the next rule: it decides nothing.",
                mistake="log-rule",
            )
        if rule is not None and rule.target in fw.chains:
            return wrong(
                f"the action is right, but rule {number} of {chain} only jumps to {rule.target}.",
                f"a jump decides nothing by itself: follow the packet through {rule.target}, and "
                "back if that chain RETURNs.",
                mistake="jump-rule",
            )
        if chain != verdict.chain:
            return wrong(
                f"the action is right, but the deciding rule is not in {chain}.",
                "RETURN sends the packet back to the chain that jumped, to the rule after the "
                "jump.",
                mistake="wrong-chain",
            )
        return wrong(
            f"the action is right, but rule {number} of {chain} is not the rule that decides.",
            "count the rules of that chain from 1, and follow the packet past the jump.",
            mistake="wrong-rule",
        )
    return correct(
        "the SSH chain RETURNs for 10.0.0.0/8, so INPUT goes on past its jump, and the catch-all "
        "REJECT answers with a TCP reset."
    )


def _moved_above_blockers(text: str) -> Firewall:
    """The ruleset with each shadowed rule moved just above the first rule hiding it."""
    fw = Firewall.from_iptables(text)
    order = {name: list(chain.rules) for name, chain in fw.chains.items()}
    for finding in lint(fw):
        if finding.kind != "shadowed" or not finding.because_of:
            continue
        rules = order[finding.chain]
        rule = fw.rule(finding.chain, finding.rules[0])
        rules.remove(rule)
        blocker = fw.rule(finding.chain, min(finding.because_of))
        rules.insert(rules.index(blocker), rule)
    lines = ["*filter"]
    lines += [f":{c.name} {c.policy or '-'} [0:0]" for c in fw.chains.values()]
    lines += [rule.text for rules in order.values() for rule in rules]
    return Firewall.from_iptables([*lines, "COMMIT"])


def _ssh_probes() -> list[tuple[str, Packet]]:
    hosts = ["192.168.1.66", "192.168.1.20", "192.168.1.65", "192.168.1.67", "203.0.113.9"]
    probes = []
    for host in hosts:
        for port in (22, 80):
            pkt = Packet("tcp", src=host, dst="192.168.1.1", sport=40000, dport=port, flags="S")
            probes.append((f"a new connection from {host} to port {port}", pkt))
    return probes


@exercise(LESSON, "fix-shadowed")
def fix_shadowed(answer: str) -> Feedback:
    """SHADOWED_HOST rewritten so the DROP for the laptop .66 takes effect."""
    lines = _lines(answer)
    if lines is None:
        return wrong(
            f"expected the ruleset as text, got {type(answer).__name__}.",
            "start from SHADOWED_HOST and change the order of its lines.",
            mistake="wrong-type",
        )
    try:
        fw = Firewall.from_iptables("\n".join(lines))
    except NetcourseError as exc:
        return wrong(
            f"iptables would refuse this: {_refused(exc, lines, before=0)}",
            "keep the lines of SHADOWED_HOST.",
            mistake="unreadable",
        )
    if "shadowed" in lint(fw).kinds():
        return wrong(
            "lint still finds a shadowed rule.",
            "a rule never matches when an earlier rule catches all its packets.",
            mistake="still-shadowed",
        )
    intended = _moved_above_blockers(SHADOWED_HOST)
    for what, pkt in _ssh_probes():
        got, wanted = fw.evaluate(pkt).action, intended.evaluate(pkt).action
        if got != wanted:
            return _changed_how(
                f"{what} now ends in {got}, which is not what SHADOWED_HOST's rules mean for it.",
                fw,
            )
    return correct("the specific DROP now comes before the broad ACCEPT, so it can match.")


def _changed_how(message: str, fw: Firewall) -> Feedback:
    """The feedback for a rewrite of SHADOWED_HOST that changed more than the order."""
    given = Firewall.from_iptables(SHADOWED_HOST)
    policies = {name: chain.policy for name, chain in given.chains.items()}
    if {name: chain.policy for name, chain in fw.chains.items()} != policies:
        return wrong(
            message,
            "only the order should change: keep every chain's policy as it is.",
            mistake="policy-changed",
        )
    mine = [rule.text for chain in fw.chains.values() for rule in chain.rules]
    theirs = [rule.text for chain in given.chains.values() for rule in chain.rules]
    if len(mine) < len(theirs):
        return wrong(
            message,
            "a rule of SHADOWED_HOST is missing: the fix moves rules, it removes none.",
            mistake="rule-removed",
        )
    if len(mine) > len(theirs):
        return wrong(
            message,
            "the fix moves rules, it adds none: keep only the lines of SHADOWED_HOST.",
            mistake="rule-added",
        )
    return wrong(
        message,
        "only the order should change, and only the shadowed rule needs to move: keep every "
        "rule as written.",
        mistake="changes-behaviour",
    )


def _four(answer: object) -> tuple | None:
    """A 4-tuple ``(src_ip, src_port, dst_ip, dst_port)`` with ports as ints, or None."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 4:
        return None
    src, sport, dst, dport = answer
    if not all(isinstance(a, str) for a in (src, dst)):
        return None
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in (sport, dport)):
        return None
    return (src.strip(), sport, dst.strip(), dport)


@exercise(LESSON, "masquerade-four-tuple")
def masquerade_four_tuple(answer: tuple) -> Feedback:
    """The 4-tuple web server B sees for ``home_request()`` sent through ``home_router()``."""
    sent = home_request()
    seen = home_router().traverse(sent).packet
    expected = (seen.src, seen.sport, seen.dst, seen.dport)
    got = _four(answer)
    if got is None:
        return wrong(
            "a 4-tuple is (src_ip, src_port, dst_ip, dst_port): two addresses as text and two "
            "port numbers.",
            "traverse() returns the packet as it leaves the router: look at its .packet.",
            mistake="wrong-type",
        )
    if got == expected:
        return correct(
            "B sees the router's public address; MASQUERADE kept the port, since no other "
            "connection used it."
        )
    if got == (sent.src, sent.sport, sent.dst, sent.dport):
        return wrong(
            "that is the laptop's own 4-tuple; the router rewrites half of it on the way out.",
            "which nat chain's rule decided, and what does its target rewrite?",
            mistake="unchanged-tuple",
        )
    if got == (*expected[2:], *expected[:2]):
        return wrong(
            "that is the 4-tuple of B's reply, which travels the other way.",
            "the question asks for the request as B receives it: who sends it?",
            mistake="reply-tuple",
        )
    if got[2:] != expected[2:]:
        return wrong(
            "the destination half is not what B sees: MASQUERADE leaves the destination alone.",
            "",
            mistake="wrong-destination",
        )
    if got[0] != expected[0]:
        return wrong(
            "the source address is not the one B sees.",
            "MASQUERADE takes the address of the interface the packet leaves by.",
            mistake="wrong-source-address",
        )
    return wrong(
        "the address is right, the port is not.",
        "does Linux change a source port that no other connection uses?",
        mistake="wrong-source-port",
    )


#: Exercise "stateless-return": a stateless router that lets the LAN open ssh connections
#: out; the learner writes the rule that lets the servers' answers back in, and no new
#: connection from outside.
SSH_ROUTER = """*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i eth0 -o eth1 -s 192.168.1.0/24 -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT"""
_LAN_HOSTS = ("192.168.1.20", "192.168.1.200")
_SSH_SERVERS = ("203.0.113.10", "198.51.100.22")


def _inbound(src: str, dst: str, sport: int, dport: int, flags: str) -> Packet:
    """A TCP segment from the internet side (eth1) to the LAN (eth0)."""
    return Packet(
        "tcp", src=src, dst=dst, sport=sport, dport=dport, flags=flags,
        in_iface="eth1", out_iface="eth0",
    )  # fmt: skip


def _return_probes() -> list[tuple[str, Packet, bool, str]]:
    """(what, packet, should be accepted, the mistake a wrong verdict shows) for SSH_ROUTER."""
    probes = []
    for server in _SSH_SERVERS:
        for host in _LAN_HOSTS:
            out = Packet("tcp", src=host, dst=server, sport=50022, dport=22, flags="S")
            probes.append(
                (
                    f"the LAN's own connection request from {host} to {server}:22",
                    out,
                    True,
                    "blocks-requests",
                )
            )
            for dport in (1024, 50022, 65535):
                for flags in ("SA", "A", "PA", "FA"):
                    probes.append(
                        (
                            f"the ssh server's answer [{flags}] from {server}:22 to {host}:{dport}",
                            _inbound(server, host, 22, dport, flags),
                            True,
                            "blocks-answers",
                        )
                    )
    stranger = "203.0.113.66"
    for dport in (22, 5900, 50022):
        for flags in ("S", "SP"):
            probes.append(
                (
                    f"a new connection [{flags}] from {stranger}:22 to 192.168.1.20:{dport}",
                    _inbound(stranger, "192.168.1.20", 22, dport, flags),
                    False,
                    "lets-in-new",
                )
            )
    for sport in (80, 443, 23):
        probes.append(
            (
                f"a segment [A] from {stranger}:{sport} (not ssh) to 192.168.1.20:50022",
                _inbound(stranger, "192.168.1.20", sport, 50022, "A"),
                False,
                "lets-in-other-ports",
            )
        )
    probes.append(
        (
            f"a UDP datagram from {stranger}:22 to 192.168.1.20:50022",
            Packet(
                "udp",
                src=stranger,
                dst="192.168.1.20",
                sport=22,
                dport=50022,
                in_iface="eth1",
                out_iface="eth0",
            ),  # fmt: skip
            False,
            "lets-in-udp",
        )
    )
    return probes


def _answers_wrong(message: str, fw: Firewall, answers: list[Packet]) -> Feedback:
    """The feedback when some of the ssh servers' answers do not get in: which ones tell why."""
    refused = [p for p in answers if fw.evaluate(p, chain="FORWARD").action != "ACCEPT"]
    if len(refused) == len(answers):
        return wrong(
            message,
            "the answers come from the server's port 22 (the source port) to the client's "
            "ephemeral port: which side of the rule names which port?",
            mistake="blocks-answers",
        )
    ports = {p.dport for p in answers} - {p.dport for p in answers if p not in refused}
    if ports:
        return wrong(
            message,
            "the client's ephemeral port can be any from 1024 up: the rule must admit them all.",
            mistake="too-few-ports",
        )
    if any(p.flags == "SA" for p in refused):
        return wrong(
            message,
            "the first answer is a SYN-ACK: it has SYN set, as an opening segment does, but ACK "
            "too.",
            mistake="blocks-syn-ack",
        )
    return wrong(
        message,
        "answers carry more flags than ACK alone: PSH with data, FIN at the end. Match on what "
        "tells an opening segment apart, not on one exact set of flags.",
        mistake="blocks-some-flags",
    )


def _return_wrong(message: str, kind: str) -> Feedback:
    """The feedback for the first of SSH_ROUTER's probes that the learner's rules get wrong."""
    if kind == "blocks-requests":
        return wrong(
            message,
            "keep rule 1 as it is: append your rule after it, do not block the requests.",
            mistake="blocks-requests",
        )
    if kind == "lets-in-new":
        return wrong(
            message,
            "anyone can pick source port 22: a segment that opens a connection must still be "
            "refused. The tcp match can tell such a segment from the others "
            "(iptables-extensions(8), or explain() a rule).",
            mistake="lets-in-new",
        )
    if kind == "lets-in-other-ports":
        return wrong(
            message,
            "only the ssh servers' answers should get in: narrow the rule to their port.",
            mistake="lets-in-other-ports",
        )
    return wrong(
        message, "ssh runs over TCP: the rule needs no other protocol.", mistake="lets-in-udp"
    )


@exercise(LESSON, "stateless-return")
def stateless_return(answer: str) -> Feedback:
    """Rule(s) appended to SSH_ROUTER's FORWARD that let the ssh answers in and refuse new
    connections from outside, without conntrack."""
    lines = _lines(answer)
    if lines is None:
        return wrong(
            f"expected the rule as text, got {type(answer).__name__}.",
            'write it as a string such as "-A FORWARD ... -j ACCEPT".',
            mistake="wrong-type",
        )
    if not lines:
        return wrong("the answer holds no rule.", "write one -A FORWARD line.", mistake="empty")
    if any(line.split()[:2] != ["-A", "FORWARD"] for line in lines):
        return wrong(
            "each line should append to FORWARD (start with -A FORWARD).",
            "the router forwards the answers: they pass its FORWARD chain.",
            mistake="not-forward",
        )
    start = [line for line in SSH_ROUTER.splitlines() if line != "COMMIT"]
    try:
        fw = Firewall.from_iptables([*start, *lines, "COMMIT"])
    except NetcourseError as exc:
        return wrong(
            f"iptables would refuse this: {_refused(exc, lines, before=len(start))}",
            "compare with rule 1's syntax.",
            mistake="unreadable",
        )
    if fw.reads_conntrack:
        return wrong(
            "the rule reads connection tracking, so the router is no longer stateless.",
            "solve it with the headers of each packet alone: ports and TCP flags.",
            mistake="reads-conntrack",
        )
    probes = _return_probes()
    for what, pkt, wanted, kind in probes:
        got = fw.evaluate(pkt, chain="FORWARD").action == "ACCEPT"
        if got != wanted:
            message = f"{what} {'is not let through' if wanted else 'gets in'}."
            if kind == "blocks-answers":
                return _answers_wrong(message, fw, [p for _, p, _, k in probes if k == kind])
            return _return_wrong(message, kind)
    return correct(
        "the answers get in and no new connection does. But every other segment from port 22 "
        "still gets in (an ACK scan sent from port 22, say): only conntrack knows which "
        "segments belong to a connection the LAN opened."
    )


#: Exercise "ufw-open-ports": the shipped real ruleset (netcourse/data/rulesets) whose open
#: TCP ports the learner names.
UFW_SERVER = "ufw-server.rules"


def ufw_server() -> Firewall:
    """The ruleset ufw itself wrote for a small server (recorded with iptables-save).

    >>> ufw_server().family
    4
    """
    return Firewall.from_iptables(path("rulesets", UFW_SERVER).read_text())


def _open_from_anywhere(fw: Firewall, proto: str) -> set[int]:
    ports: set[int] = set()
    for opening in exposure(fw):
        if opening.proto == proto and opening.source_text == "anywhere":
            ports.update(p for lo, hi in opening.ports for p in range(lo, hi + 1))
    return ports


def _port_set(answer: object) -> set[int] | None:
    if isinstance(answer, int) and not isinstance(answer, bool):
        answer = [answer]
    if not isinstance(answer, (set, frozenset, list, tuple)):
        return None
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in answer):
        return None
    return set(answer)


@exercise(LESSON, "ufw-open-ports")
def ufw_open_ports(answer: set) -> Feedback:
    """The TCP ports UFW_SERVER leaves open to new connections from anywhere, as a set."""
    got = _port_set(answer)
    if got is None:
        return wrong(
            f"expected a set of port numbers, got {type(answer).__name__}.",
            "for example {25, 110}.",
            mistake="wrong-type",
        )
    fw = ufw_server()
    expected = _open_from_anywhere(fw, "tcp")
    if got == expected:
        return correct(
            "those are the ports ufw allowed for everyone; 'ufw limit ssh' still lets new "
            "connections in, only a few per half minute from each address."
        )
    somewhere = {
        p for o in exposure(fw) if o.proto == "tcp" for lo, hi in o.ports for p in range(lo, hi + 1)
    }
    for port in sorted(got - expected):
        if port in somewhere:
            return wrong(
                f"TCP port {port} is open, but only to some sources, not from anywhere.",
                "read the 'from' column of exposure().",
                mistake="restricted-source",
            )
        return wrong(
            f"TCP port {port} is not open to new connections from anywhere.",
            "look only at the tcp rows of exposure(), and at their 'from' column.",
            mistake="not-open",
        )
    return wrong(
        f"{len(expected - got)} more TCP port(s) are open from anywhere.",
        "a rule may open several ports at once (multiport), and rate-limited ones count too.",
        mistake="missing-ports",
    )
