"""Differential test against the Linux kernel: our verdicts must be the kernel's, rule by rule.

Runs as root in three network namespaces it creates and always deletes (see firewall_kernel_lab.py),
with addresses from 198.18.0.0/15 only. Random rulesets are loaded into the fw namespace
with iptables-restore; packets built with scapy are sent from the client and server
namespaces (FORWARD, or INPUT when addressed to fw) and from fw itself (OUTPUT); per-rule
packet counters (iptables-save -c) say which rules matched and which decided.
Connection tracking is measured the same way with scripted packet sequences.
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import time
from collections import Counter
from dataclasses import replace

import pytest

from netcourse.firewall import Firewall, Packet

logging.getLogger("scapy").setLevel(logging.ERROR)

pytestmark = pytest.mark.root

_MISSING = [
    tool
    for tool in ("ip", "iptables", "iptables-restore", "iptables-save", "conntrack")
    if not shutil.which(tool)
]
if os.geteuid() != 0:
    pytest.skip(
        "needs root to create network namespaces and load iptables rules", allow_module_level=True
    )
if _MISSING:
    pytest.skip(
        f"needs {', '.join(_MISSING)} (apt install iptables iproute2 conntrack)",
        allow_module_level=True,
    )

from firewall_expected import LONE_TCP_STATES, NO_SYN_RETURN_ACCEPTS  # noqa: E402
from firewall_kernel_lab import CLIENT, CLIENT_NET, FW_ADDRS, HOSTS, SERVER, Lab  # noqa: E402

from netcourse.firewall.examples import (  # noqa: E402
    NO_ICMP_ROUTER,
    PMTU_ROUTER,
    STATEFUL_ROUTER,
    STATELESS_NO_SYN_ROUTER,
)


@pytest.fixture(scope="module")
def lab():
    made = Lab()
    try:
        yield made
    finally:
        made.close()


def side_of(pkt: Packet) -> str:
    """Which namespace sends the packet."""
    if pkt.src in FW_ADDRS:
        return "fw"
    return "client" if pkt.src.startswith("198.18.0.") else "server"


def with_ifaces(pkt: Packet) -> Packet:
    """The packet as fw sees it: from the client it enters eth0 and leaves eth1; fw's own
    packets come from the test's raw socket, owned by root."""
    if side_of(pkt) == "fw":  # fw's own packet leaves by the interface facing its destination
        out = "eth0" if pkt.dst.startswith("198.18.0.") else "eth1"
        return replace(pkt, out_iface=out, uid=0, gid=0)
    if side_of(pkt) == "client":
        return replace(pkt, in_iface="eth0", out_iface="eth1")
    return replace(pkt, in_iface="eth1", out_iface="eth0")


def decided(fw: Firewall, counters, chain: str) -> int:
    """How many packets the counters say were decided (terminal rules plus the policy)."""
    total = counters.policies.get(chain, 0)
    seen = reachable(fw, chain)
    for (where, number), count in counters.rules.items():
        if where in seen and fw.rule(where, number).terminal:
            total += count
    return total


def kernel_says(lab: Lab, fw: Firewall, data: bytes, side: str, chain: str = "FORWARD"):
    """Send one packet and return (matched rules as a Counter, policy decided?)."""
    lab.send(side, data)
    deadline = time.monotonic() + 3
    while True:
        counters = lab.counters()
        if decided(fw, counters, chain) >= 1 or time.monotonic() > deadline:
            break
        time.sleep(0.005)
    assert decided(fw, counters, chain) == 1, f"the packet never reached {chain}: {counters}"
    seen = reachable(fw, chain)  # fw's own answers cross OUTPUT while INPUT is tested
    matched = Counter({key: n for key, n in counters.rules.items() if n and key[0] in seen})
    return matched, counters.policies.get(chain, 0) == 1


def reachable(fw: Firewall, chain: str) -> set[str]:
    """The chain and every user chain it can jump or go to."""
    seen, todo = {chain}, [chain]
    while todo:
        for rule in fw.chains[todo.pop()].rules:
            if rule.jumps and rule.target not in seen:
                seen.add(rule.target)
                todo.append(rule.target)
    return seen


def we_say(fw: Firewall, pkt: Packet, chain: str = "FORWARD"):
    if chain == "FORWARD":  # the router decrements the TTL before the FORWARD hook
        pkt = replace(pkt, ttl=pkt.ttl - 1)
    verdict = fw.evaluate(pkt, chain=chain)
    matched = Counter((s.chain, s.number) for s in verdict.trace if s.matched and s.number)
    return matched, verdict.rule_number is None, verdict


# --- random rulesets --------------------------------------------------------------------

NETS = [
    "198.18.0.0/24",
    "198.18.0.0/25",
    "198.18.0.128/25",
    "198.18.0.64/26",
    "198.18.1.0/24",
    "198.18.1.1",
    "198.18.0.1/32",
    "198.18.0.0/15",
]
PORTS = [22, 53, 80, 443, 1023, 1024, 8080, 40000, 65535]
FLAGS = ["S", "A", "PA", "SA", "F", "FA", "R", "RA", "SF", "", "SAF"]
ICMP_NAMES = [
    "echo-request",
    "echo-reply",
    "8",
    "0",
    "port-unreachable",
    "destination-unreachable",
    "time-exceeded",
    "any",
    "3/1",
    "timestamp-request",
]


#: Matches on marks, the connection's mark, length, TTL, link-layer type and fragments.
EXTRA_MATCHES = [
    "-m mark --mark 0x1",
    "-m mark ! --mark 0x1/0x1",
    "-m mark --mark 0x4/0x6",
    "-m mark --mark 0",
    "-m connmark --mark 0x1/0x1",
    "-m connmark ! --mark 0x1",
    "-m connmark --mark 0",
    "-m connmark ! --mark 0x2/0x2",
    "-m length --length 0:40",
    "-m length ! --length 29:100",
    "-m length --length 0x40:",
    "-m ttl --ttl-lt 10",
    "-m ttl --ttl-gt 63",
    "-m ttl ! --ttl-eq 63",
    "-m ttl --ttl-eq 8",
    "-m pkttype --pkt-type unicast",
    "-m pkttype ! --pkt-type broadcast",
    "-m pkttype --pkt-type multicast",
    "! -f",
    "-f",
]
#: Owner matches: iptables takes them in OUTPUT (fw's raw socket belongs to root).
OWNER_MATCHES = [
    "-m owner --uid-owner 0",
    "-m owner ! --uid-owner 0",
    "-m owner --uid-owner 1-100",
    "-m owner --socket-exists",
    "-m owner ! --socket-exists",
    "-m owner --uid-owner 0 ! --gid-owner 5",
]
MARK_OPTIONS = [
    "--set-mark 1",
    "--set-xmark 0x2/0x3",
    "--or-mark 4",
    "--and-mark 0x5",
    "--xor-mark 1",
    "--set-mark 0x4/0x4",
]
CONNMARK_OPTIONS = [
    "--set-mark 1",
    "--set-xmark 0x2/0x3",
    "--or-mark 2",
    "--save-mark",
    "--restore-mark",
    "--save-mark --mask 0x3",
    "--restore-mark --nfmask 0x1 --ctmask 0x5",
    "--save-mark --nfmask 0x4 --ctmask 0x6",
]


def _neg(rng: random.Random) -> str:
    return "! " if rng.random() < 0.25 else ""


def _ports(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return str(rng.choice(PORTS))
    lo, hi = sorted(rng.sample(PORTS, 2))
    return f"{lo}:{hi}"


def random_rule(rng: random.Random, chain: str, user: str | None) -> str:
    """One random rule; INPUT rules never name an output interface (iptables refuses it)."""
    parts = [f"-A {chain}"]
    proto = rng.choice([None, "tcp", "tcp", "udp", "udp", "icmp", "all", "!tcp", "gre"])
    if proto == "!tcp":
        parts.append("! -p tcp")
    elif proto:
        parts.append(f"-p {proto}")
    if rng.random() < 0.35:
        parts.append(f"{_neg(rng)}-s {rng.choice(NETS)}")
    if rng.random() < 0.35:
        parts.append(f"{_neg(rng)}-d {rng.choice(NETS)}")
    if chain != "OUTPUT" and rng.random() < 0.2:
        parts.append(f"{_neg(rng)}-i {rng.choice(['eth0', 'eth1', 'eth+', 'lo'])}")
    if chain != "INPUT" and rng.random() < 0.2:
        parts.append(f"{_neg(rng)}-o {rng.choice(['eth0', 'eth1', 'eth+'])}")
    if proto in ("tcp", "udp"):
        if rng.random() < 0.7:
            parts.append(f"-m {proto}")
            if rng.random() < 0.6:
                parts.append(f"{_neg(rng)}--dport {_ports(rng)}")
            if rng.random() < 0.3:
                parts.append(f"{_neg(rng)}--sport {_ports(rng)}")
            if proto == "tcp" and rng.random() < 0.4:
                parts.append(
                    rng.choice(
                        [
                            "--syn",
                            "! --syn",
                            "--tcp-flags SYN,ACK SYN,ACK",
                            "--tcp-flags ALL ACK",
                            "! --tcp-flags FIN,RST NONE",
                        ]
                    )
                )
        elif rng.random() < 0.6:
            ports = ",".join(str(p) for p in rng.sample(PORTS, rng.randint(1, 3)))
            if rng.random() < 0.3:
                ports += ",2000:9000"
            kind = rng.choice(["--dports", "--sports", "--ports"])
            parts.append(f"-m multiport {_neg(rng)}{kind} {ports}")
    if proto == "icmp" and rng.random() < 0.7:
        parts.append(f"-m icmp {_neg(rng)}--icmp-type {rng.choice(ICMP_NAMES)}")
    if rng.random() < 0.12:
        lo = rng.randint(0, 200)
        which = rng.choice(["--src-range", "--dst-range"])
        net = rng.choice(["198.18.0", "198.18.1"])
        parts.append(f"-m iprange {_neg(rng)}{which} {net}.{lo}-{net}.{lo + rng.randint(0, 60)}")
    if rng.random() < 0.3:
        states = rng.sample(["INVALID", "NEW", "ESTABLISHED", "RELATED"], rng.randint(1, 2))
        module, option = rng.choice([("conntrack", "--ctstate"), ("state", "--state")])
        parts.append(f"-m {module} {_neg(rng)}{option} {','.join(states)}")
    if rng.random() < 0.1:
        parts.append('-m comment --comment "a note"')
    if rng.random() < 0.35:
        parts.append(rng.choice(EXTRA_MATCHES + (OWNER_MATCHES if chain == "OUTPUT" else [])))
    targets = ["ACCEPT", "DROP", "REJECT", "LOG", "RETURN", "MARK", "CONNMARK"]
    if chain == "OUTPUT":  # REJECTing fw's own answers sends fw an ICMP error: noise in INPUT
        targets.remove("REJECT")
    if user:
        targets += [f"JUMP {user}", f"GOTO {user}"]
    target = rng.choice(targets)
    if target.startswith("JUMP"):
        parts.append(f"-j {user}")
    elif target.startswith("GOTO"):
        parts.append(f"-g {user}")
    elif target == "REJECT" and proto == "tcp" and rng.random() < 0.5:
        parts.append("-j REJECT --reject-with tcp-reset")
    elif target == "REJECT":
        kind = rng.choice(["icmp-port-unreachable", "icmp-admin-prohibited"])
        parts.append(f"-j REJECT --reject-with {kind}")
    elif target == "LOG":
        parts.append('-j LOG --log-prefix "fw: "')
    elif target == "MARK":
        parts.append(f"-j MARK {rng.choice(MARK_OPTIONS)}")
    elif target == "CONNMARK":
        parts.append(f"-j CONNMARK {rng.choice(CONNMARK_OPTIONS)}")
    else:
        parts.append(f"-j {target}")
    return " ".join(parts)


def random_ruleset(rng: random.Random) -> str:
    lines = [
        "*filter",
        f":INPUT {rng.choice(['ACCEPT', 'DROP'])} [0:0]",
        f":FORWARD {rng.choice(['ACCEPT', 'DROP'])} [0:0]",
        f":OUTPUT {rng.choice(['ACCEPT', 'DROP'])} [0:0]",
    ]
    user = "SUB" if rng.random() < 0.5 else None
    if user:
        lines.append(f":{user} - [0:0]")
    for _ in range(rng.randint(2, 9)):
        lines.append(random_rule(rng, "FORWARD", user))
    for _ in range(rng.randint(0, 4)):
        lines.append(random_rule(rng, "INPUT", None))
    for _ in range(rng.randint(0, 4)):
        lines.append(random_rule(rng, "OUTPUT", None))
    if user:
        for _ in range(rng.randint(1, 4)):
            lines.append(random_rule(rng, user, None))
    lines.append("COMMIT")
    return "\n".join(lines)


def random_packet(rng: random.Random) -> tuple[Packet, str]:
    """A random packet and the chain it takes in fw: INPUT to fw, OUTPUT from it, else FORWARD."""
    if rng.random() < 0.5:
        src, dst = f"198.18.0.{rng.choice(HOSTS)}", f"198.18.1.{rng.choice(HOSTS)}"
    else:
        src, dst = f"198.18.1.{rng.choice(HOSTS)}", f"198.18.0.{rng.choice(HOSTS)}"
    chain = "FORWARD"
    draw = rng.random()
    if draw < 0.25:
        dst, chain = rng.choice(FW_ADDRS), "INPUT"
    elif draw < 0.45:
        src, chain = rng.choice(FW_ADDRS), "OUTPUT"
    proto = rng.choice(["tcp", "tcp", "tcp", "udp", "udp", "icmp", "icmp", "gre"])
    if proto == "tcp":
        pkt = Packet(
            "tcp",
            src=src,
            dst=dst,
            sport=rng.choice(PORTS),
            dport=rng.choice(PORTS),
            flags=rng.choice(FLAGS),
        )
    elif proto == "udp":
        pkt = Packet("udp", src=src, dst=dst, sport=rng.choice(PORTS), dport=rng.choice(PORTS))
    elif proto == "icmp":
        kind = rng.choice([(8, 0), (0, 0), (3, 3), (3, 1), (11, 0), (13, 0)])
        inner = None
        if kind[0] in (3, 11):
            inner = Packet("udp", src=dst, dst=src, sport=rng.choice(PORTS), dport=53)
        pkt = Packet(
            "icmp",
            src=src,
            dst=dst,
            icmp_type=kind[0],
            icmp_code=kind[1],
            icmp_id=rng.randint(1, 9),
            inner=inner,
        )
    else:
        pkt = Packet("gre", src=src, dst=dst)
    extra = {"ttl": rng.choice([2, 8, 9, 10, 64, 255])}
    if rng.random() < 0.4:
        extra["length"] = pkt.length + rng.choice([1, 12, 24, 60, 100])
    return with_ifaces(replace(pkt, **extra)), chain


RULESETS = 40
PACKETS_PER_RULESET = 10


@pytest.mark.slow
def test_random_rulesets_decide_as_the_kernel(lab):
    rng = random.Random(20261130)
    checked = 0
    for index in range(RULESETS):
        text = random_ruleset(rng)
        fw = Firewall.from_iptables(
            text, tcp_loose=lab.sysctl("net.netfilter.nf_conntrack_tcp_loose") == "1"
        )
        lab.load(fw.to_iptables())
        for _ in range(PACKETS_PER_RULESET):
            pkt, chain = random_packet(rng)
            lab.reset()
            data = bytes(pkt.to_scapy())
            theirs, their_policy = kernel_says(lab, fw, data, side_of(pkt), chain)
            ours, our_policy, verdict = we_say(fw, pkt, chain)
            assert (ours, our_policy) == (theirs, their_policy), (
                f"ruleset {index}:\n{text}\n{chain} packet {pkt!r} (state {verdict.state})\n"
                f"kernel matched {dict(theirs)} policy={their_policy}\n"
                f"we matched {dict(ours)} policy={our_policy}: {verdict!r}"
            )
            checked += 1
    assert checked == RULESETS * PACKETS_PER_RULESET


def random_mark_ruleset(rng: random.Random) -> str:
    """A ruleset where marks are set, copied and matched rule after rule (FORWARD, INPUT, and
    OUTPUT with owner matches)."""
    lines = ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]"]
    for chain, count in (("FORWARD", rng.randint(3, 9)), ("INPUT", 3), ("OUTPUT", 3)):
        for _ in range(count):
            parts = [f"-A {chain}"]
            if rng.random() < 0.3:
                parts.append(rng.choice(["-p tcp", "-p udp", "-p icmp", "! -p tcp"]))
            if rng.random() < 0.2:
                parts.append(f"{_neg(rng)}-s {rng.choice(NETS)}")
            if rng.random() < 0.3:
                parts.append(
                    "-m conntrack --ctstate " + rng.choice(["NEW", "INVALID", "NEW,INVALID"])
                )
            for _ in range(rng.choice([0, 1, 1, 2])):
                pool = EXTRA_MATCHES[:8] + (OWNER_MATCHES if chain == "OUTPUT" else [])
                parts.append(rng.choice(pool))
            kind = rng.choice(["MARK", "MARK", "CONNMARK", "CONNMARK", "ACCEPT", "DROP", "LOG"])
            if kind == "MARK":
                parts.append(f"-j MARK {rng.choice(MARK_OPTIONS)}")
            elif kind == "CONNMARK":
                parts.append(f"-j CONNMARK {rng.choice(CONNMARK_OPTIONS)}")
            else:
                parts.append(f"-j {kind}")
            lines.append(" ".join(parts))
    lines.append("COMMIT")
    return "\n".join(lines)


MARK_RULESETS = 30


@pytest.mark.slow
def test_marks_and_connection_marks_decide_as_the_kernel(lab):
    rng = random.Random(20261201)
    marked = 0
    for index in range(MARK_RULESETS):
        text = random_mark_ruleset(rng)
        fw = Firewall.from_iptables(text)
        lab.load(fw.to_iptables())
        for _ in range(PACKETS_PER_RULESET):
            pkt, chain = random_packet(rng)
            lab.reset()
            theirs, their_policy = kernel_says(lab, fw, bytes(pkt.to_scapy()), side_of(pkt), chain)
            ours, our_policy, verdict = we_say(fw, pkt, chain)
            assert (ours, our_policy) == (theirs, their_policy), (
                f"ruleset {index}:\n{text}\n{chain} packet {pkt!r} (state {verdict.state})\n"
                f"kernel matched {dict(theirs)} policy={their_policy}\n"
                f"we matched {dict(ours)} policy={our_policy}: {verdict!r}"
            )
            marked += bool(verdict.packet.mark or verdict.packet.ctmark)
    assert marked >= MARK_RULESETS, f"only {marked} packets left with a mark: too few to tell"


# --- connection tracking, scripted ------------------------------------------------------

STATE_RULES = [
    "-A FORWARD -m conntrack --ctstate INVALID -j ACCEPT",
    "-A FORWARD -m conntrack --ctstate NEW -j ACCEPT",
    "-A FORWARD -m conntrack --ctstate ESTABLISHED -j ACCEPT",
    "-A FORWARD -m conntrack --ctstate RELATED -j ACCEPT",
]
STATE_OF_RULE = {1: "INVALID", 2: "NEW", 3: "ESTABLISHED", 4: "RELATED"}


class Flow:
    """Builds the packets of one conversation with consistent sequence numbers."""

    def __init__(self, sport: int, dport: int = 80):
        self.sport, self.dport = sport, dport
        self.next = {"client": 1000, "server": 50000}

    def tcp(self, side: str, flags: str, payload: int = 0):
        from scapy.layers.inet import IP, TCP
        from scapy.packet import Raw

        other = "server" if side == "client" else "client"
        src, dst = (CLIENT, SERVER) if side == "client" else (SERVER, CLIENT)
        sport, dport = (self.sport, self.dport) if side == "client" else (self.dport, self.sport)
        seq = self.next[side]
        ack = self.next[other] if "A" in flags else 0
        pkt = IP(src=src, dst=dst) / TCP(
            sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=65535
        )
        if payload:
            pkt = pkt / Raw(b"x" * payload)
        self.next[side] += payload + ("S" in flags) + ("F" in flags)
        return side, pkt

    def udp(self, side: str):
        from scapy.layers.inet import IP, UDP

        if side == "client":
            return side, IP(src=CLIENT, dst=SERVER) / UDP(sport=self.sport, dport=self.dport) / b"q"
        return side, IP(src=SERVER, dst=CLIENT) / UDP(sport=self.dport, dport=self.sport) / b"a"

    def echo(self, side: str, kind: int):
        from scapy.layers.inet import ICMP, IP

        src, dst = (CLIENT, SERVER) if side == "client" else (SERVER, CLIENT)
        return side, IP(src=src, dst=dst) / ICMP(type=kind, id=self.sport, seq=1) / b"ping"

    def port_unreachable(self, about):
        from scapy.layers.inet import ICMP, IP

        quoted = bytes(about[1])[:28]
        return "server", IP(src=SERVER, dst=CLIENT) / ICMP(type=3, code=3) / quoted

    def frag_needed(self, about, mtu: int = 1280):
        """ "Fragmentation needed" (type 3 code 4, RFC 1191: the next hop's MTU in the
        header) about the client's packet ``about``, from the server's side."""
        from scapy.layers.inet import ICMP, IP

        quoted = bytes(about[1])[:28]
        icmp = ICMP(type=3, code=4, nexthopmtu=mtu)
        return "server", IP(src=SERVER, dst=CLIENT) / icmp / quoted


def scenarios():
    """(name, packets, extra rules before the state rules, the states the issue pins)."""
    port = iter(range(41000, 42000))
    out = []
    for flags, state in LONE_TCP_STATES:
        flow = Flow(next(port))
        out.append((f"lone {flags or 'none'}", [flow.tcp("client", flags)], [], [state]))
    flow = Flow(next(port))
    out.append(
        (
            "handshake and data",
            [
                flow.tcp("client", "S"),
                flow.tcp("server", "SA"),
                flow.tcp("client", "A"),
                flow.tcp("client", "PA", 10),
                flow.tcp("server", "PA", 20),
            ],
            [],
            ["NEW", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED"],
        )
    )
    flow = Flow(next(port))
    out.append(
        (
            "close",
            [
                flow.tcp("client", "S"),
                flow.tcp("server", "SA"),
                flow.tcp("client", "A"),
                flow.tcp("client", "FA"),
                flow.tcp("server", "A"),
                flow.tcp("server", "FA"),
                flow.tcp("client", "A"),
            ],
            [],
            None,
        )
    )
    flow = Flow(next(port))
    out.append(
        (
            "lone ACK picked up, then answered",
            [flow.tcp("client", "A"), flow.tcp("server", "A")],
            [],
            ["NEW", "ESTABLISHED"],
        )
    )
    flow = Flow(next(port), 53)
    out.append(
        (
            "udp",
            [flow.udp("client"), flow.udp("client"), flow.udp("server"), flow.udp("client")],
            [],
            ["NEW", "NEW", "ESTABLISHED", "ESTABLISHED"],
        )
    )
    flow = Flow(next(port))
    out.append(("echo-reply alone", [flow.echo("server", 0)], [], ["INVALID"]))
    flow = Flow(next(port))
    out.append(
        ("echo", [flow.echo("client", 8), flow.echo("server", 0)], [], ["NEW", "ESTABLISHED"])
    )
    flow = Flow(next(port), 53)
    query = flow.udp("client")
    out.append(
        (
            "icmp error about a tracked flow",
            [query, flow.port_unreachable(query)],
            [],
            ["NEW", "RELATED"],
        )
    )
    flow = Flow(next(port), 53)
    out.append(
        ("icmp error about nothing", [flow.port_unreachable(flow.udp("client"))], [], ["INVALID"])
    )
    flow = Flow(next(port), 443)
    opening = [flow.tcp("client", "S"), flow.tcp("server", "SA"), flow.tcp("client", "A")]
    data = flow.tcp("client", "PA", 1400)
    out.append(
        (
            "fragmentation needed about a tracked connection",
            [*opening, data, flow.frag_needed(data)],
            [],
            ["NEW", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "RELATED"],
        )
    )
    flow = Flow(next(port), 22)
    out.append(
        (
            "dropped SYN leaves no entry",
            [flow.tcp("client", "S"), flow.tcp("server", "SA")],
            [f"-A FORWARD -s {CLIENT} -p tcp --dport 22 -j DROP"],
            None,
        )
    )
    flow = Flow(next(port))
    out.append(
        (
            "RST before any reply",
            [flow.tcp("client", "S"), flow.tcp("client", "R"), flow.tcp("server", "SA")],
            [],
            None,
        )
    )
    return out


@pytest.mark.parametrize(
    "name, packets, extra, pinned", scenarios(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_conntrack_states_match_the_kernel(lab, name, packets, extra, pinned):
    from netcourse.firewall.packet import Packet as P

    assert lab.sysctl("net.netfilter.nf_conntrack_tcp_loose") == "1"
    text = "\n".join(["*filter", ":FORWARD DROP [0:0]", *extra, *STATE_RULES, "COMMIT"])
    fw = Firewall.from_iptables(text)
    lab.load(text)
    lab.fw_exec("conntrack", "-F")
    ours = fw.replay([(with_ifaces(P.from_scapy(pkt)), "FORWARD") for _, pkt in packets])
    skip = len(extra)

    def label(number: int | None) -> str:
        """The state a deciding rule number stands for, or which extra rule decided."""
        if number is None or number <= skip:
            return f"rule {number}"
        return STATE_OF_RULE[number - skip]

    kernel_states, our_states = [], []
    for (side, pkt), verdict in zip(packets, ours.verdicts):
        lab.fw_exec("iptables", "-Z")
        theirs, their_policy = kernel_says(lab, fw, bytes(pkt), side)
        deciding = [number for (_, number) in theirs if fw.rule("FORWARD", number).terminal]
        kernel_states.append(label(None if their_policy else deciding[0]))
        our_states.append(label(verdict.rule_number))
    assert our_states == kernel_states, f"{name}: kernel {kernel_states}, ours {our_states}"
    if pinned is not None:
        assert kernel_states == pinned, f"{name}: the kernel no longer behaves as the issue says"


# --- lesson 04's routers: a stateless one that refuses SYNs, and ICMP for path MTU ----------


def _deciding(fw: Firewall, theirs: Counter, policy: bool):
    """The rule number (None: the policy) that the kernel's counters say decided."""
    if policy:
        return None
    return next(number for (where, number) in theirs if fw.rule(where, number).terminal)


def test_a_stateless_router_refusing_syns_decides_as_the_kernel(lab):
    """``--sport 443 ! --syn`` lets in every segment from port 443 but a bare SYN
    (firewall_expected.NO_SYN_RETURN_ACCEPTS, from iptables-extensions(8)): the kernel's
    counters say which rule took each one, and ours must say the same."""
    text = STATELESS_NO_SYN_ROUTER.replace("192.168.1.0/24", CLIENT_NET)
    fw = Firewall.from_iptables(text)
    lab.load(text)
    request = with_ifaces(Packet("tcp", src=CLIENT, dst=SERVER, sport=41900, dport=443))
    lab.reset()
    theirs, their_policy = kernel_says(lab, fw, bytes(request.to_scapy()), "client")
    assert _deciding(fw, theirs, their_policy) == we_say(fw, request)[2].rule_number == 1
    for flags, accepted in NO_SYN_RETURN_ACCEPTS:
        pkt = Packet("tcp", src=SERVER, dst=CLIENT, sport=443, dport=41900, flags=flags)
        pkt = with_ifaces(pkt)
        lab.reset()
        theirs, their_policy = kernel_says(lab, fw, bytes(pkt.to_scapy()), "server")
        ours, our_policy, verdict = we_say(fw, pkt)
        assert (ours, our_policy) == (theirs, their_policy), (flags, theirs, verdict.trace)
        assert their_policy is not accepted, f"{flags}: not as iptables-extensions(8) says"


@pytest.mark.parametrize(
    ("name", "ruleset", "expected"),
    [
        ("all icmp dropped", NO_ICMP_ROUTER, [3, 2, 2, 2, 1]),
        ("fragmentation-needed allowed", PMTU_ROUTER, [4, 3, 3, 3, 1]),
        ("related", STATEFUL_ROUTER, [2, 1, 1, 1, 1]),
    ],
)
def test_fragmentation_needed_meets_the_lessons_routers_as_in_the_kernel(
    lab, name, ruleset, expected
):
    """An HTTPS upload and the "fragmentation needed" a smaller link answers it with: dropped
    by a router that drops all ICMP, let through by one that allows the type, or as RELATED."""
    from netcourse.firewall.packet import Packet as P

    text = ruleset.replace("192.168.1.0/24", CLIENT_NET)
    fw = Firewall.from_iptables(text)
    lab.load(text)
    lab.fw_exec("conntrack", "-F")
    flow = Flow(41950, 443)
    data = (flow.tcp("client", "S"), flow.tcp("server", "SA"), flow.tcp("client", "A"))
    upload = flow.tcp("client", "PA", 1400)
    packets = [*data, upload, flow.frag_needed(upload)]
    ours = fw.replay([(with_ifaces(P.from_scapy(pkt)), "FORWARD") for _, pkt in packets])
    kernel = []
    for side, pkt in packets:
        lab.fw_exec("iptables", "-Z")
        theirs, their_policy = kernel_says(lab, fw, bytes(pkt), side)
        kernel.append(_deciding(fw, theirs, their_policy))
    assert [v.rule_number for v in ours.verdicts] == kernel, name
    assert kernel == expected, f"{name}: the kernel no longer decides as the lesson says"


# --- service names and port numbers, as iptables reads them --------------------------------

SERVICE_RULES = [
    "-A INPUT -p tcp -m tcp --dport ftp-data -j ACCEPT",
    "-A INPUT -p udp -m udp --dport bootpc -j ACCEPT",
    "-A INPUT -p udp -m udp --dport ftp-data -j ACCEPT",  # udp: names of any protocol
    "-A INPUT -p udp -m udp --sport bootps:bootpc -j ACCEPT",
    "-A INPUT -p tcp -m multiport --dports www,imap,https,ssh -j ACCEPT",
    "-A INPUT -p udp -m multiport --dports domain,ntp,snmp -j ACCEPT",
]
REFUSED_PORTS = [
    "-A INPUT -p tcp -m tcp --dport bootpc -j ACCEPT",  # a udp service only
    "-A INPUT -p udp -m multiport --dports ftp-data -j ACCEPT",  # a tcp service only
    "-A INPUT -p tcp -m tcp --dport ８０ -j ACCEPT",  # full-width digits are no number
    "-A INPUT -p tcp -m multiport --dports 22,٨٠ -j ACCEPT",
]


def _port_matches(fw: Firewall) -> list:
    from netcourse.firewall.matches import MultiportMatch, PortMatch

    out = []
    for rule in fw.chains["INPUT"].rules:
        for match in rule.matches:
            if isinstance(match, PortMatch):
                out.append((rule.number, match.which, ((match.lo, match.hi),)))
            elif isinstance(match, MultiportMatch):
                out.append((rule.number, match.which, match.ranges))
    return out


def test_service_names_resolve_as_iptables_resolves_them(lab):
    text = "\n".join(["*filter", ":INPUT ACCEPT [0:0]", *SERVICE_RULES, "COMMIT"])
    lab.load(text)
    theirs = Firewall.from_iptables(lab.fw_exec("iptables-save", "-t", "filter"))
    assert _port_matches(Firewall.from_iptables(text)) == _port_matches(
        theirs
    )  # iptables-save prints numbers


@pytest.mark.parametrize("rule", REFUSED_PORTS)
def test_ports_iptables_refuses_are_refused(lab, rule):
    from netcourse.firewall.parser import why_refused

    text = "\n".join(["*filter", ":INPUT ACCEPT [0:0]", rule, "COMMIT"])
    assert why_refused(text) is not None
    with pytest.raises(RuntimeError, match="iptables-restore"):
        lab.load(text)


# --- addrtype and limit, as xt_addrtype and xt_limit decide ---------------------------------

#: fw's interfaces as the lab builds them.
FW_INTERFACES = {"eth0": "198.18.0.2/24", "eth1": "198.18.1.2/24"}
ADDRTYPE_RULES = [
    "-A INPUT -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT",
    "-A INPUT -m addrtype --dst-type LOCAL -j REJECT",
    "-A FORWARD -m addrtype --dst-type UNICAST --src-type UNICAST -j ACCEPT",
    "-A FORWARD -m addrtype ! --dst-type LOCAL -j REJECT",
]


@pytest.mark.parametrize(
    ("dst", "chain"),
    [("198.18.0.2", "INPUT"), ("198.18.1.2", "INPUT"), (SERVER, "FORWARD")],
)
def test_addrtype_decides_as_the_kernel(lab, dst, chain):
    text = "\n".join(
        ["*filter", ":INPUT DROP [0:0]", ":FORWARD DROP [0:0]", *ADDRTYPE_RULES, "COMMIT"]
    )
    fw = Firewall.from_iptables(text, interfaces=FW_INTERFACES)
    lab.load(text)
    lab.reset()
    pkt = with_ifaces(Packet("udp", src=CLIENT, dst=dst, sport=40000, dport=9))
    theirs, their_policy = kernel_says(lab, fw, bytes(pkt.to_scapy()), "client", chain)
    ours, our_policy, verdict = we_say(fw, pkt, chain)
    assert (ours, our_policy) == (theirs, their_policy), verdict.trace


def test_a_burst_meets_the_limit_as_in_the_kernel(lab):
    text = "\n".join(
        [
            "*filter",
            ":FORWARD DROP [0:0]",
            "-A FORWARD -m limit --limit 1/hour --limit-burst 3 -j ACCEPT",
            "COMMIT",
        ]
    )
    fw = Firewall.from_iptables(text)
    lab.load(text)
    lab.reset()
    pkts = [
        with_ifaces(Packet("udp", src=CLIENT, dst=SERVER, sport=40000 + i, dport=9))
        for i in range(5)
    ]
    theirs, accepted = [], 0
    for sent, pkt in enumerate(pkts, 1):
        # counters are not zeroed in between: iptables -Z commits the table anew, and that
        # gives the limit match a full bucket again
        lab.send("client", bytes(pkt.to_scapy()))
        deadline = time.monotonic() + 3
        while True:
            counters = lab.counters()
            now = counters.rules.get(("FORWARD", 1), 0)
            if now + counters.policies.get("FORWARD", 0) >= sent:
                break
            assert time.monotonic() < deadline, f"packet {sent} never reached FORWARD"
            time.sleep(0.005)
        theirs.append("ACCEPT" if now > accepted else "DROP")
        accepted = now
    ours = [v.action for v in fw.replay([(p, "FORWARD") for p in pkts]).verdicts]
    assert ours == theirs == ["ACCEPT"] * 3 + ["DROP"] * 2


# --- hashlimit, timed as xt_hashlimit counts ------------------------------------------------


def _timed(lab: Lab, fw: Firewall, pkts_at: list[tuple[float, Packet]]) -> tuple[list, list]:
    """Send each packet at its time (seconds from the first), waiting for the kernel's counter
    of rule 1 of FORWARD or the policy to move: (the kernel's verdicts, the send times)."""
    theirs, sent_at, accepted = [], [], 0
    start = time.monotonic()
    for sent, (at, pkt) in enumerate(pkts_at, 1):
        delay = start + at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        sent_at.append(time.monotonic() - start)
        lab.send("client", bytes(pkt.to_scapy()))
        deadline = time.monotonic() + 3
        while True:
            counters = lab.counters()
            now = counters.rules.get(("FORWARD", 1), 0)
            if now + counters.policies.get("FORWARD", 0) >= sent:
                break
            assert time.monotonic() < deadline, f"packet {sent} never reached FORWARD"
            time.sleep(0.002)
        theirs.append("ACCEPT" if now > accepted else "DROP")
        accepted = now
    return theirs, sent_at


def _hashlimit_case(lab: Lab, rule: str, pkts_at: list[tuple[float, Packet]]):
    text = "\n".join(["*filter", ":FORWARD DROP [0:0]", rule, "COMMIT"])
    fw = Firewall.from_iptables(text)
    lab.load(text)
    lab.reset()
    theirs, sent_at = _timed(lab, fw, pkts_at)
    timed = [(replace(p, time=t), "FORWARD") for t, (_, p) in zip(sent_at, pkts_at)]
    ours = [v.action for v in fw.replay(timed).verdicts]
    return ours, theirs


def _udp(src: str, sport: int, dport: int = 9) -> Packet:
    return with_ifaces(Packet("udp", src=src, dst=SERVER, sport=sport, dport=dport))


def test_hashlimit_keeps_a_bucket_per_source_as_the_kernel(lab):
    other = "198.18.0.5"
    pkts = [(0, _udp(CLIENT, 40000 + i)) for i in range(5)] + [
        (0, _udp(other, 41000 + i)) for i in range(4)
    ]
    rule = (
        "-A FORWARD -m hashlimit --hashlimit-upto 1/hour --hashlimit-burst 3 "
        "--hashlimit-mode srcip --hashlimit-name fwmsrc -j ACCEPT"
    )
    ours, theirs = _hashlimit_case(lab, rule, pkts)
    assert ours == theirs == ["ACCEPT"] * 3 + ["DROP"] * 2 + ["ACCEPT"] * 3 + ["DROP"]


def test_hashlimit_above_with_ports_and_masks_as_the_kernel(lab):
    # srcmask 24: both client addresses share one bucket per destination port
    pkts = [(0, _udp(CLIENT, 40000, 53)), (0, _udp("198.18.0.5", 40001, 53))]
    pkts += [(0, _udp(CLIENT, 40002, 53)), (0, _udp(CLIENT, 40003, 123))]
    rule = (
        "-A FORWARD -m hashlimit --hashlimit-above 1/min --hashlimit-burst 2 "
        "--hashlimit-mode srcip,dstport --hashlimit-srcmask 24 --hashlimit-name fwmabove "
        "-j DROP"
    )
    text = "\n".join(["*filter", ":FORWARD ACCEPT [0:0]", rule, "COMMIT"])
    fw = Firewall.from_iptables(text)
    lab.load(text)
    lab.reset()
    theirs, sent_at = _timed(lab, fw, pkts)
    # rule 1 counting means "above the limit": dropped here; the policy accepts the others
    theirs = ["DROP" if v == "ACCEPT" else "ACCEPT" for v in theirs]
    ours = [v.action for v in fw.replay([(p, "FORWARD") for _, p in pkts]).verdicts]
    assert ours == theirs == ["ACCEPT", "ACCEPT", "DROP", "ACCEPT"]


def test_hashlimit_refills_and_forgets_on_time_as_the_kernel(lab):
    # 4/s: a token every 0.25 s, two at most; an idle bucket is forgotten after 400 ms
    times = [0.0, 0.02, 0.04, 0.7, 0.72, 0.74]
    rule = (
        "-A FORWARD -m hashlimit --hashlimit-upto 4/sec --hashlimit-burst 2 "
        "--hashlimit-name fwmrefill -j ACCEPT"
    )
    ours, theirs = _hashlimit_case(
        lab, rule, [(t, _udp(CLIENT, 42000 + i)) for i, t in enumerate(times)]
    )
    assert ours == theirs == ["ACCEPT", "ACCEPT", "DROP", "ACCEPT", "ACCEPT", "DROP"]
    rule = (
        "-A FORWARD -m hashlimit --hashlimit-upto 1/hour --hashlimit-burst 1 "
        "--hashlimit-name fwmexpire --hashlimit-htable-expire 400 "
        "--hashlimit-htable-gcinterval 100 -j ACCEPT"
    )
    times = [0.0, 0.05, 1.5, 1.55]
    ours, theirs = _hashlimit_case(
        lab, rule, [(t, _udp(CLIENT, 43000 + i)) for i, t in enumerate(times)]
    )
    assert ours == theirs == ["ACCEPT", "DROP", "ACCEPT", "DROP"]


def test_a_non_first_fragment_meets_the_rules_as_in_the_kernel(lab):
    # no rule uses conntrack, so the kernel does not reassemble: the rules see the fragment
    # (with a conntrack rule anywhere it would wait for its other fragments and never arrive).
    # multiport and icmp fail on it even negated; iptables-nft's tcp and udp options read its
    # bytes where a header would be; -f, length and mark match it
    rules = [
        "-A FORWARD -p udp -m udp ! --dport 53 -j LOG",
        "-A FORWARD -p udp -m udp --dport 9 -j LOG",
        "-A FORWARD -p udp -m multiport ! --dports 1 -j LOG",
        "-A FORWARD -p udp -m multiport --dports 9 -j LOG",
        "-A FORWARD -p udp ! -f -j LOG",
        "-A FORWARD -f -m length --length 100 -j LOG",
        "-A FORWARD -p tcp -m tcp --dport 80 -j LOG",
        "-A FORWARD -p tcp -m tcp ! --dport 1 -j LOG",
        "-A FORWARD -p tcp -m tcp --syn -j LOG",
        "-A FORWARD -p tcp -m tcp --tcp-flags SYN SYN -j LOG",
        "-A FORWARD -p icmp -m icmp --icmp-type 8 -j LOG",
        "-A FORWARD -p icmp -m icmp ! --icmp-type 0 -j LOG",
        "-A FORWARD -f -m mark --mark 0 -j LOG",
    ]
    text = "\n".join(["*filter", ":FORWARD DROP [0:0]", *rules, "COMMIT"])
    fw = Firewall.from_iptables(text)
    lab.load(text)
    for proto, extra in (("udp", {"dport": 9}), ("tcp", {"dport": 80}), ("icmp", {})):
        lab.reset()
        pkt = Packet(proto, src=CLIENT, dst=SERVER, fragment=185, length=100, **extra)
        pkt = with_ifaces(pkt)
        theirs, their_policy = kernel_says(lab, fw, bytes(pkt.to_scapy()), "client")
        ours, our_policy, verdict = we_say(fw, pkt)
        assert (ours, our_policy) == (theirs, their_policy), (proto, theirs, verdict.trace)


# --- ip sets ------------------------------------------------------------------------------

#: ``ipset save`` text of every set type the simulator reads, over the lab's addresses.
IPSETS = """\
create blocked hash:ip family inet hashsize 1024 maxelem 65536
add blocked 198.18.0.5
add blocked 198.18.0.70
create nets hash:net family inet hashsize 1024 maxelem 65536
add nets 198.18.0.128/25
add nets 198.18.0.130 nomatch
create services hash:ip,port family inet hashsize 1024 maxelem 65536
add services 198.18.1.1,tcp:80
add services 198.18.1.5,udp:53
create netports hash:net,port family inet hashsize 1024 maxelem 65536
add netports 198.18.1.0/24,tcp:443
create low bitmap:port range 0-1023
add low 22
add low 80
create either list:set size 8
add either blocked
add either nets
"""
SET_RULES = [
    "-A FORWARD -m set --match-set blocked src -j LOG",
    "-A FORWARD -m set ! --match-set nets src -j LOG",
    "-A FORWARD -m set --match-set services dst,dst -j LOG",
    "-A FORWARD -m set --match-set netports dst,dst -j LOG",
    "-A FORWARD -m set --match-set low dst -j LOG",
    "-A FORWARD -m set --match-set either src -j LOG",
    "-A FORWARD -m set ! --match-set services dst,dst -j LOG",
]


@pytest.mark.skipif(shutil.which("ipset") is None, reason="needs the ipset command (Debian: ipset)")
def test_ip_sets_decide_as_the_kernel(lab):
    """Every set type, a nomatch entry, negation and port sets, on TCP, UDP and ICMP packets,
    against the kernel's ip_set modules (sets live in the fw namespace only)."""
    text = "\n".join(["*filter", ":FORWARD DROP [0:0]", *SET_RULES, "COMMIT"])
    fw = Firewall.from_iptables(text, ipsets=IPSETS)
    lab.fw_exec("ipset", "restore", input=IPSETS)
    tried, hits = 0, Counter()
    try:
        lab.load(text)
        for host in HOSTS:
            for dst in ("198.18.1.1", "198.18.1.5"):
                for proto, extra in (
                    ("tcp", {"dport": 80}),
                    ("tcp", {"dport": 443}),
                    ("tcp", {"dport": 22}),
                    ("udp", {"dport": 53}),
                    ("icmp", {"icmp_type": "echo-request"}),
                ):
                    lab.reset()
                    src = f"198.18.0.{host}"
                    pkt = with_ifaces(Packet(proto, src=src, dst=dst, **extra))
                    theirs, their_policy = kernel_says(lab, fw, bytes(pkt.to_scapy()), "client")
                    ours, our_policy, verdict = we_say(fw, pkt)
                    assert (ours, our_policy) == (theirs, their_policy), (pkt, verdict.trace)
                    tried, hits = tried + 1, hits + theirs
    finally:  # the sets stay until the lab's namespace goes (nf_tables holds them a while)
        lab.load("*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT")
    assert tried == len(HOSTS) * 2 * 5
    assert set(hits) == {("FORWARD", n) for n in range(1, len(SET_RULES) + 1)}  # each one met
    assert all(hits[rule] < tried for rule in hits)  # and each one missed too
