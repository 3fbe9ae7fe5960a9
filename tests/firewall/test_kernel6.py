"""Differential test against the Linux kernel for ip6tables: our verdicts on IPv6 packets must be
the kernel's, rule by rule, as test_kernel.py checks them for iptables.

Runs as root in three namespaces it creates and always deletes (Lab6 in firewall_kernel_lab.py:
fd00::/64 and fd00:1::/64 only, neighbours written in by hand so no neighbour discovery crosses
the chains). Random ip6tables rulesets are loaded into fw with ip6tables-restore; packets built
with scapy are sent from the client, the server and fw itself, and ip6tables-save -c counters say
which rules matched and which decided. ICMPv6 connection tracking is measured with scripted
sequences, and the shipped .rules6 files are replayed against a handful of packets.
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

from netcourse.data import path as data_path
from netcourse.firewall import Firewall, Packet

logging.getLogger("scapy").setLevel(logging.ERROR)

pytestmark = pytest.mark.root

_MISSING = [
    tool
    for tool in ("ip", "ip6tables", "ip6tables-restore", "ip6tables-save", "conntrack")
    if not shutil.which(tool)
]
if os.geteuid() != 0:
    pytest.skip(
        "needs root to create network namespaces and load ip6tables rules",
        allow_module_level=True,
    )
if _MISSING:
    pytest.skip(
        f"needs {', '.join(_MISSING)} (apt install iptables iproute2 conntrack)",
        allow_module_level=True,
    )

from firewall_kernel_lab import (  # noqa: E402
    CLIENT6,
    FW_ADDRS6,
    HOSTS,
    SERVER6,
    Lab,
    Lab6,
    client6,
    server6,
)


@pytest.fixture(scope="module")
def lab():
    made = Lab6()
    try:
        yield made
    finally:
        made.close()


def side_of(pkt: Packet) -> str:
    """Which namespace sends the packet."""
    if pkt.src in FW_ADDRS6:
        return "fw"
    return "server" if pkt.src.startswith("fd00:1::") else "client"


def on_server(addr: str) -> bool:
    return addr.startswith("fd00:1::")


def with_ifaces(pkt: Packet) -> Packet:
    """The packet as fw sees it: from the client it enters eth0 and leaves eth1."""
    if side_of(pkt) == "fw":
        return replace(pkt, out_iface="eth1" if on_server(pkt.dst) else "eth0")
    if side_of(pkt) == "client":
        return replace(pkt, in_iface="eth0", out_iface="eth1")
    return replace(pkt, in_iface="eth1", out_iface="eth0")


def wire(pkt: Packet, chain: str) -> bytes:
    """The bytes to send for a packet that ``chain`` should see as ``pkt``: a router lowers
    the hop limit before FORWARD (ip6_forward), so a forwarded packet leaves with one more."""
    if chain == "FORWARD":
        pkt = replace(pkt, ttl=pkt.ttl + 1)
    return bytes(pkt.to_scapy())


def reachable(fw: Firewall, chain: str) -> set[str]:
    """The chain and every user chain it can jump or go to."""
    seen, todo = {chain}, [chain]
    while todo:
        for rule in fw.chains[todo.pop()].rules:
            if rule.jumps and rule.target not in seen:
                seen.add(rule.target)
                todo.append(rule.target)
    return seen


def decided(fw: Firewall, counters, chain: str) -> int:
    total = counters.policies.get(chain, 0)
    seen = reachable(fw, chain)
    for (where, number), count in counters.rules.items():
        if where in seen and fw.rule(where, number).terminal:
            total += count
    return total


def kernel_says(lab: Lab6, fw: Firewall, data: bytes, side: str, chain: str = "FORWARD"):
    """Send one packet: (matched rules of the chains ``chain`` reaches, policy decided?)."""
    lab.send(side, data)
    deadline = time.monotonic() + 3
    while True:
        counters = lab.counters()
        if decided(fw, counters, chain) >= 1 or time.monotonic() > deadline:
            break
        time.sleep(0.005)
    assert decided(fw, counters, chain) == 1, f"the packet never reached {chain}: {counters}"
    seen = reachable(fw, chain)
    matched = Counter({key: n for key, n in counters.rules.items() if n and key[0] in seen})
    return matched, counters.policies.get(chain, 0) == 1


def we_say(fw: Firewall, pkt: Packet, chain: str = "FORWARD"):
    verdict = fw.evaluate(pkt, chain=chain)
    matched = Counter((s.chain, s.number) for s in verdict.trace if s.matched and s.number)
    return matched, verdict.rule_number is None, verdict


# --- iptables sees IPv4 only ------------------------------------------------------------


def test_an_iptables_ruleset_never_sees_an_ipv6_packet(lab):
    """iptables in fw drops everything it forwards, ip6tables is left empty: an IPv6 packet is
    counted by ip6tables' FORWARD policy and nowhere in iptables, as the simulator says (an
    iptables ruleset does not judge it; an empty ip6tables accepts it)."""
    locked = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT"
    empty = locked.replace("FORWARD DROP", "FORWARD ACCEPT")
    fw4, fw6 = Firewall.from_iptables(locked), Firewall.from_iptables(empty, family=6)
    pkt = with_ifaces(Packet("tcp", src=CLIENT6, dst=SERVER6, sport=41000, dport=22))
    assert fw4.why_not_judged(pkt) is not None
    ours, our_policy, verdict = we_say(fw6, pkt)
    try:
        lab.fw_exec("iptables-restore", input=locked + "\n")
        lab.load(empty)
        lab.reset()
        lab.fw_exec("iptables", "-Z")
        theirs, their_policy = kernel_says(lab, fw6, wire(pkt, "FORWARD"), "client")
        ipv4 = Lab.counters(lab)  # the iptables counters (Lab6.counters reads ip6tables)
    finally:
        lab.fw_exec("iptables-restore", input=empty + "\n")
    assert (ours, our_policy) == (theirs, their_policy) and verdict.action == "ACCEPT"
    assert their_policy and ipv4.policies["FORWARD"] == 0 and not any(ipv4.rules.values())


# --- random rulesets ----------------------------------------------------------------------

NETS = [
    "fd00::/64",
    "fd00::/120",
    "fd00::80/121",
    "fd00::40/122",
    "fd00:1::/64",
    "fd00:1::1",
    "fd00::1/128",
    "fd00::/15",
    "fd00::/8",
    "::/0",
]
PORTS = [22, 53, 80, 443, 1023, 1024, 8080, 40000, 65535]
FLAGS = ["S", "A", "PA", "SA", "F", "FA", "R", "RA", "SF", "", "SAF"]
ICMP6_NAMES = [
    "echo-request",
    "echo-reply",
    "128",
    "129",
    "port-unreachable",
    "destination-unreachable",
    "packet-too-big",
    "time-exceeded",
    "1/3",
    "neighbour-solicitation",
    "redirect",
]
REJECTS6 = ["icmp6-port-unreachable", "icmp6-adm-prohibited", "icmp6-addr-unreachable"]


def _neg(rng: random.Random) -> str:
    return "! " if rng.random() < 0.25 else ""


def _ports(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return str(rng.choice(PORTS))
    lo, hi = sorted(rng.sample(PORTS, 2))
    return f"{lo}:{hi}"


def random_rule(rng: random.Random, chain: str, user: str | None) -> str:
    """One random ip6tables rule; INPUT rules never name an output interface."""
    parts = [f"-A {chain}"]
    proto = rng.choice([None, "tcp", "tcp", "udp", "udp", "ipv6-icmp", "icmpv6", "all", "!tcp"])
    if proto == "!tcp":
        parts.append("! -p tcp")
    elif proto:
        parts.append(f"-p {proto}")
    for option in ("-s", "-d"):
        if rng.random() < 0.35:
            net = rng.choice(NETS)
            # ip6tables-nft 1.8.9 refuses a negated ::/0 (RULE_APPEND: Invalid argument), as
            # iptables-nft refuses ! -s 0.0.0.0/0; ip6tables-legacy would take it
            parts.append(f"{'' if net == '::/0' else _neg(rng)}{option} {net}")
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
                parts.append(rng.choice(["--syn", "! --syn", "--tcp-flags ALL ACK"]))
        elif rng.random() < 0.6:
            ports = ",".join(str(p) for p in rng.sample(PORTS, rng.randint(1, 3)))
            kind = rng.choice(["--dports", "--sports", "--ports"])
            parts.append(f"-m multiport {_neg(rng)}{kind} {ports}")
    if proto in ("ipv6-icmp", "icmpv6") and rng.random() < 0.7:
        parts.append(f"-m icmp6 {_neg(rng)}--icmpv6-type {rng.choice(ICMP6_NAMES)}")
    if rng.random() < 0.12:
        lo = rng.randint(0, 200)
        which = rng.choice(["--src-range", "--dst-range"])
        net = rng.choice(["fd00::", "fd00:1::"])
        parts.append(f"-m iprange {_neg(rng)}{which} {net}{lo:x}-{net}{lo + rng.randint(0, 60):x}")
    if rng.random() < 0.12:
        op = rng.choice(["--hl-eq", "--hl-lt", "--hl-gt"])
        parts.append(f"-m hl {_neg(rng) if op == '--hl-eq' else ''}{op} {rng.choice([1, 64, 255])}")
    if rng.random() < 0.1:
        parts.append(f"-m rt {_neg(rng)}--rt-type {rng.choice([0, 2])}")
    if rng.random() < 0.3:
        states = rng.sample(["INVALID", "NEW", "ESTABLISHED", "RELATED", "UNTRACKED"], 2)
        module, option = rng.choice([("conntrack", "--ctstate"), ("state", "--state")])
        parts.append(f"-m {module} {_neg(rng)}{option} {','.join(states)}")
    if rng.random() < 0.1:
        parts.append('-m comment --comment "a note"')
    targets = ["ACCEPT", "DROP", "REJECT", "LOG", "RETURN"]
    if chain == "OUTPUT":  # REJECTing fw's own packets sends fw an ICMPv6 error: noise in INPUT
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
        parts.append(f"-j REJECT --reject-with {rng.choice(REJECTS6)}")
    elif target == "LOG":
        parts.append('-j LOG --log-prefix "fw6: "')
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
    """A random IPv6 packet and the chain it takes in fw."""
    if rng.random() < 0.5:
        src, dst = client6(rng.choice(HOSTS)), server6(rng.choice(HOSTS))
    else:
        src, dst = server6(rng.choice(HOSTS)), client6(rng.choice(HOSTS))
    chain = "FORWARD"
    draw = rng.random()
    if draw < 0.25:
        dst, chain = rng.choice(FW_ADDRS6), "INPUT"
    elif draw < 0.45:
        src, chain = rng.choice(FW_ADDRS6), "OUTPUT"
    hops = [63, 63, 254, 1] if chain == "FORWARD" else [64, 64, 255, 1, 2]
    common = dict(src=src, dst=dst, ttl=rng.choice(hops))
    if rng.random() < 0.1:
        common["routing_type"] = rng.choice([0, 2])
    proto = rng.choice(["tcp", "tcp", "tcp", "udp", "udp", "icmpv6", "icmpv6"])
    if proto == "tcp":
        pkt = Packet(
            "tcp",
            sport=rng.choice(PORTS),
            dport=rng.choice(PORTS),
            flags=rng.choice(FLAGS),
            **common,
        )
    elif proto == "udp":
        pkt = Packet("udp", sport=rng.choice(PORTS), dport=rng.choice(PORTS), **common)
    else:
        kind = rng.choice([(128, 0), (129, 0), (1, 4), (1, 3), (2, 0), (3, 0), (137, 0)])
        inner = None
        if kind[0] in (1, 2, 3):
            inner = Packet("udp", src=dst, dst=src, sport=rng.choice(PORTS), dport=53)
        pkt = Packet(
            "icmpv6",
            icmp_type=kind[0],
            icmp_code=kind[1],
            icmp_id=rng.randint(1, 9),
            inner=inner,
            **common,
        )
    return with_ifaces(pkt), chain


RULESETS = 40
PACKETS_PER_RULESET = 10


@pytest.mark.slow
def test_random_ip6tables_rulesets_decide_as_the_kernel(lab):
    rng = random.Random(20261201)
    loose = lab.sysctl("net.netfilter.nf_conntrack_tcp_loose") == "1"
    checked = 0
    for index in range(RULESETS):
        text = random_ruleset(rng)
        fw = Firewall.from_iptables(text, family=6, tcp_loose=loose)
        lab.load(text)
        for _ in range(PACKETS_PER_RULESET):
            pkt, chain = random_packet(rng)
            lab.reset()
            theirs, their_policy = kernel_says(lab, fw, wire(pkt, chain), side_of(pkt), chain)
            ours, our_policy, verdict = we_say(fw, pkt, chain)
            assert (ours, our_policy) == (theirs, their_policy), (
                f"ruleset {index}:\n{text}\n{chain} packet {pkt!r} (state {verdict.state})\n"
                f"kernel matched {dict(theirs)} policy={their_policy}\n"
                f"we matched {dict(ours)} policy={our_policy}: {verdict!r}"
            )
            checked += 1
    assert checked == RULESETS * PACKETS_PER_RULESET


FLOW_RULESETS = 20
FLOWS_PER_RULESET = 5


def random_flow(rng: random.Random) -> list[Packet]:
    """A forwarded request from the client and the server's answer to it."""
    src, dst = client6(rng.choice(HOSTS)), server6(rng.choice(HOSTS))
    proto = rng.choice(["tcp", "udp", "icmpv6"])
    if proto == "tcp":
        first = Packet("tcp", src=src, dst=dst, sport=rng.choice(PORTS), dport=80, ttl=63)
    elif proto == "udp":
        first = Packet("udp", src=src, dst=dst, sport=rng.choice(PORTS), dport=53, ttl=63)
    else:
        first = Packet("icmpv6", src=src, dst=dst, icmp_type=128, icmp_id=rng.randint(1, 99))
        first = replace(first, ttl=63)
    answer = replace(first.reply(), ttl=63)
    return [with_ifaces(first), with_ifaces(answer)]


def test_random_ipv6_flows_and_their_replies_decide_as_the_kernel(lab):
    rng = random.Random(20261202)
    loose = lab.sysctl("net.netfilter.nf_conntrack_tcp_loose") == "1"
    for index in range(FLOW_RULESETS):
        text = random_ruleset(rng)
        fw = Firewall.from_iptables(text, family=6, tcp_loose=loose)
        lab.load(text)
        lab.reset()
        flows = [random_flow(rng) for _ in range(FLOWS_PER_RULESET)]
        packets = [pkt for flow in flows for pkt in flow]
        ours = fw.replay([(pkt, "FORWARD") for pkt in packets])
        for pkt, verdict in zip(packets, ours.verdicts):
            lab.fw_exec("ip6tables", "-Z")  # counters only: conntrack keeps the flows
            theirs, their_policy = kernel_says(lab, fw, wire(pkt, "FORWARD"), side_of(pkt))
            matched = Counter((s.chain, s.number) for s in verdict.trace if s.matched and s.number)
            assert (matched, verdict.rule_number is None) == (theirs, their_policy), (
                f"ruleset {index}:\n{text}\npacket {pkt!r} (state {verdict.state})\n"
                f"kernel matched {dict(theirs)} policy={their_policy}\n"
                f"we matched {dict(matched)}: {verdict!r}"
            )


# --- connection tracking of IPv6 flows, scripted ---------------------------------------------

STATE_RULES = [
    "-A FORWARD -m conntrack --ctstate INVALID -j ACCEPT",
    "-A FORWARD -m conntrack --ctstate NEW -j ACCEPT",
    "-A FORWARD -m conntrack --ctstate ESTABLISHED -j ACCEPT",
    "-A FORWARD -m conntrack --ctstate RELATED -j ACCEPT",
    "-A FORWARD -m conntrack --ctstate UNTRACKED -j ACCEPT",
]
STATE_OF_RULE = {1: "INVALID", 2: "NEW", 3: "ESTABLISHED", 4: "RELATED", 5: "UNTRACKED"}


def _from(side: str, proto: str, **fields) -> tuple[str, Packet]:
    src, dst = (CLIENT6, SERVER6) if side == "client" else (SERVER6, CLIENT6)
    return side, with_ifaces(Packet(proto, src=src, dst=dst, **fields))


def scenarios():
    """(name, packets, the states the kernel gives them)."""
    query = _from("client", "udp", sport=41000, dport=53)
    answer = _from("server", "udp", sport=53, dport=41000)
    error = _from("server", "icmpv6", icmp_type=1, icmp_code=4, inner=query[1])
    stray = _from("client", "udp", sport=41001, dport=53)[1]
    lone_error = _from("server", "icmpv6", icmp_type=1, icmp_code=4, inner=stray)
    too_big = _from("server", "icmpv6", icmp_type=2, inner=query[1])
    ping = _from("client", "icmpv6", icmp_type=128, icmp_id=9)
    pong = _from("server", "icmpv6", icmp_type=129, icmp_id=9)
    other_pong = _from("server", "icmpv6", icmp_type=129, icmp_id=10)
    syn = _from("client", "tcp", sport=41002, dport=80, flags="S")
    synack = _from("server", "tcp", sport=80, dport=41002, flags="SA")
    solicit = _from("client", "icmpv6", icmp_type=135, ttl=254)
    redirect = _from("client", "icmpv6", icmp_type=137, ttl=254)
    return [
        ("udp flow", [query, query, answer], ["NEW", "NEW", "ESTABLISHED"]),
        (
            "icmpv6 error about a tracked flow",
            [query, error, too_big],
            ["NEW", "RELATED", "RELATED"],
        ),
        ("icmpv6 error about nothing", [lone_error], ["INVALID"]),
        ("echo", [ping, pong, other_pong], ["NEW", "ESTABLISHED", "INVALID"]),
        ("echo-reply alone", [pong], ["INVALID"]),
        ("tcp handshake", [syn, synack], ["NEW", "ESTABLISHED"]),
        ("neighbour solicitation", [solicit], ["UNTRACKED"]),
        ("redirect", [redirect], ["INVALID"]),
    ]


@pytest.mark.parametrize(
    "name, packets, pinned", scenarios(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_ipv6_conntrack_states_match_the_kernel(lab, name, packets, pinned):
    text = "\n".join(["*filter", ":FORWARD DROP [0:0]", *STATE_RULES, "COMMIT"])
    fw = Firewall.from_iptables(text, family=6)
    lab.load(text)
    lab.reset()
    ours = fw.replay([(pkt, "FORWARD") for _, pkt in packets])
    kernel_states = []
    for side, pkt in packets:
        lab.fw_exec("ip6tables", "-Z")
        theirs, their_policy = kernel_says(lab, fw, wire(pkt, "FORWARD"), side)
        deciding = [number for (_, number) in theirs if fw.rule("FORWARD", number).terminal]
        kernel_states.append("policy" if their_policy else STATE_OF_RULE[deciding[0]])
    our_states = [STATE_OF_RULE.get(v.rule_number, "policy") for v in ours.verdicts]
    assert our_states == kernel_states, f"{name}: kernel {kernel_states}, ours {our_states}"
    assert kernel_states == pinned, f"{name}: the kernel no longer behaves as pinned here"


# --- the shipped ip6tables rulesets ---------------------------------------------------------

SHIPPED6 = sorted(p for p in data_path("rulesets").iterdir() if p.suffix == ".rules6")


def shipped_packets() -> list[tuple[Packet, str]]:
    """A handful of packets for each built-in chain, as a real IPv6 host meets them."""
    fw_addr, client, server = FW_ADDRS6[0], CLIENT6, SERVER6
    inbound = [
        Packet("tcp", src=client, dst=fw_addr, sport=40000, dport=22, flags="S"),
        Packet("tcp", src=client, dst=fw_addr, sport=40000, dport=80, flags="S"),
        Packet("tcp", src=client, dst=fw_addr, sport=40000, dport=22, flags="SA"),
        Packet("udp", src=client, dst=fw_addr, sport=40000, dport=137),
        Packet("udp", src=client, dst=fw_addr, sport=40000, dport=5432),
        Packet("icmpv6", src=client, dst=fw_addr, icmp_type=128, icmp_id=1),
        Packet("icmpv6", src=client, dst=fw_addr, icmp_type=129, icmp_id=1),
        Packet("icmpv6", src=client, dst=fw_addr, icmp_type=135, ttl=255),
        Packet("icmpv6", src=client, dst=fw_addr, icmp_type=135, ttl=64),
        Packet("udp", src=client, dst=fw_addr, sport=40000, dport=53, routing_type=0),
    ]
    forwarded = [
        Packet("tcp", src=client, dst=server, sport=40000, dport=443, flags="S"),
        Packet("icmpv6", src=client, dst=server, icmp_type=128, icmp_id=2),
        Packet("udp", src=server, dst=client, sport=53, dport=40000),
        Packet("tcp", src=client, dst=server, sport=40000, dport=80, routing_type=0),
    ]
    outbound = [
        Packet("tcp", src=fw_addr, dst=client6(5), sport=40000, dport=443, flags="S"),
        Packet("udp", src=fw_addr, dst=client6(5), sport=40000, dport=53),
        Packet("icmpv6", src=fw_addr, dst=client6(5), icmp_type=128, icmp_id=3),
    ]
    return (
        [(with_ifaces(p), "INPUT") for p in inbound]
        + [(with_ifaces(p), "FORWARD") for p in forwarded]
        + [(with_ifaces(p), "OUTPUT") for p in outbound]
    )


@pytest.mark.parametrize("ruleset", SHIPPED6, ids=[p.name for p in SHIPPED6])
def test_shipped_ip6tables_rulesets_decide_as_the_kernel(lab, ruleset):
    text = ruleset.read_text()
    fw = Firewall.from_iptables(text, interfaces={"eth0": "fd00::2/64", "eth1": "fd00:1::2/64"})
    assert fw.family == 6
    lab.load(text)
    for pkt, chain in shipped_packets():
        lab.reset()
        theirs, their_policy = kernel_says(lab, fw, wire(pkt, chain), side_of(pkt), chain)
        ours, our_policy, verdict = we_say(fw, pkt, chain)
        assert (ours, our_policy) == (theirs, their_policy), (
            f"{ruleset.name}: {chain} packet {pkt!r} (state {verdict.state})\n"
            f"kernel matched {dict(theirs)} policy={their_policy}\n"
            f"we matched {dict(ours)} policy={our_policy}"
        )
