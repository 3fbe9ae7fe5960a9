"""Differential test against the Linux kernel for an IPv6 router with NAT (ip6tables):
Firewall.traverse must move the same counters as the kernel in every table (raw, mangle,
nat, filter), rule by rule and policy by policy, and deliver the same addresses and ports to
the far end, with DNAT (bracketed addresses, ranges, ports), SNAT, MASQUERADE and REDIRECT.

Runs as root in three network namespaces it creates and always deletes (RouterLab6 in
firewall_router_lab.py), with addresses from fd00::/8 only, forwarding on, neighbours static
and duplicate address detection off. Flows of several packets are sent from the client and
the server, each answer built from what its sender actually received, so replies and ICMPv6
errors cross the router's NAT bindings.
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import time
from collections import Counter

import pytest

from netcourse.firewall import ConnTrack, Firewall, Packet

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

from firewall_router_lab import (  # noqa: E402
    CLIENT_HOSTS6,
    LOCAL_PORTS,
    ROUTER_INTERFACES6,
    ROUTER_LAN6,
    ROUTER_WAN6,
    SERVER_HOSTS6,
    RouterLab6,
)
from test_kernel_router import _iface, _nonzero, _reset, model_counts  # noqa: E402


@pytest.fixture(scope="module")
def lab():
    made = RouterLab6()
    try:
        yield made
    finally:
        made.close()


# --- random IPv6 rulesets over the four tables ---------------------------------------------

NETS = [
    "fd00::/64",
    "fd00::/65",
    "fd00::1",
    "fd00:1::/64",
    "fd00:1::1",
    "fd00:1::8/125",
    "fd00::/63",
]
PORTS = [22, 53, 80, 443, 5353, 8080, 40000]
FORWARDED = [80, 443, 2222]  # ports the router forwards from its WAN address to the client


def _neg(rng: random.Random) -> str:
    return "! " if rng.random() < 0.2 else ""


def _matches(rng: random.Random, chain: str, proto: str | None) -> list[str]:
    parts = []
    if proto:
        parts.append(f"-p {proto}")
    if rng.random() < 0.3:
        parts.append(f"{_neg(rng)}-s {rng.choice(NETS)}")
    if rng.random() < 0.3:
        parts.append(f"{_neg(rng)}-d {rng.choice(NETS)}")
    if chain in ("PREROUTING", "INPUT", "FORWARD") and rng.random() < 0.3:
        parts.append(f"{_neg(rng)}-i {rng.choice(['eth0', 'eth1', 'eth+'])}")
    if chain in ("POSTROUTING", "FORWARD") and rng.random() < 0.3:
        parts.append(f"{_neg(rng)}-o {rng.choice(['eth0', 'eth1'])}")
    if proto in ("tcp", "udp") and rng.random() < 0.5:
        parts.append(f"-m {proto} {_neg(rng)}--dport {rng.choice(PORTS)}")
    if rng.random() < 0.2:
        parts.append(f"-m hl --hl-{rng.choice(['eq', 'lt', 'gt'])} {rng.choice([1, 63, 64])}")
    if rng.random() < 0.25:
        states = rng.sample(
            ["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED", "DNAT", "SNAT"], 2
        )
        parts.append(f"-m conntrack {_neg(rng)}--ctstate {','.join(states)}")
    if rng.random() < 0.2:
        option = rng.choice(
            [
                f"--ctorigdst {rng.choice(NETS)}",
                f"--ctorigsrc {rng.choice(NETS)}",
                f"--ctreplsrc {rng.choice(NETS)}",
                f"--ctrepldst {rng.choice(NETS)}",
                f"--ctorigdstport {rng.choice(PORTS)}",
                "--ctorigsrcport 40000:49999",
                f"--ctdir {rng.choice(['ORIGINAL', 'REPLY'])}",
            ]
        )
        negate = "" if option.startswith("--ctdir") else _neg(rng)
        parts.append(f"-m conntrack {negate}{option}")
    return parts


def _plain(rng: random.Random, chain: str, drop: float = 0.15) -> str:
    """A rule with a non-NAT target (no REJECT: its answer would cross OUTPUT)."""
    proto = rng.choice([None, "tcp", "udp", "icmpv6"])
    parts = [f"-A {chain}", *_matches(rng, chain, proto)]
    target = rng.choices(["ACCEPT", "DROP", "RETURN", ""], [3, drop * 10, 1, 1])[0]
    if target:
        parts.append(f"-j {target}")
    return " ".join(parts)


def _prerouting_nat(rng: random.Random) -> str:
    kind = rng.choice(["dnat-out", "dnat-in", "redirect", "plain"])
    if kind == "dnat-out":  # LAN traffic to the internet, sent to other servers
        proto = rng.choice(["tcp", "udp", None])
        parts = ["-A PREROUTING -i eth0", *_matches(rng, "DNAT", proto)[:2]]
        to = rng.choice(["fd00:1::10", "fd00:1::10-fd00:1::12", "fd00:1::11-fd00:1::12"])
        if proto and rng.random() < 0.5:
            to = f"[{to}]" + rng.choice([":8080", ":8080-8090", ":443"])
        elif rng.random() < 0.3:
            to = f"[{to}]"
        return " ".join([*parts, f"-j DNAT --to-destination {to}"])
    if kind == "dnat-in":  # a port forward from the WAN address to a LAN host
        proto = rng.choice(["tcp", "udp"])
        port = rng.choice(FORWARDED)
        host = rng.choice(CLIENT_HOSTS6)
        to = f"[{host}]:{rng.choice([port, 22])}" if rng.random() < 0.5 else host
        return (
            f"-A PREROUTING -i eth1 -d {ROUTER_WAN6} -p {proto} -m {proto} --dport {port} "
            f"-j DNAT --to-destination {to}"
        )
    if kind == "redirect":  # DNS to the router itself
        iface = rng.choice(["eth0", "eth1"])
        return (
            f"-A PREROUTING -i {iface} -p udp -m udp --dport 53 "
            f"-j REDIRECT --to-ports {LOCAL_PORTS[0]}"
        )
    return _plain(rng, "PREROUTING", drop=0)


def _postrouting_nat(rng: random.Random) -> str:
    kind = rng.choice(["masquerade", "snat", "snat-lan", "plain"])
    if kind == "masquerade":
        extra = ""
        if rng.random() < 0.3:
            extra = " -p tcp -j MASQUERADE --to-ports 40000-65535"
        return f"-A POSTROUTING -o eth1 -s fd00::/64{extra or ' -j MASQUERADE'}"
    if kind == "snat":
        proto = rng.choice(["tcp", "udp", None])
        to = rng.choice(["fd00:1::4", "fd00:1::3-fd00:1::4", "fd00:1::2"])
        if proto and rng.random() < 0.4:
            to = f"[{to}]:40000-49999"
        parts = ["-A POSTROUTING -o eth1", *_matches(rng, "SNAT", proto)[:2]]
        return " ".join([*parts, f"-j SNAT --to-source {to}"])
    if kind == "snat-lan":  # forwarded in from the WAN: the LAN host sees the router
        return f"-A POSTROUTING -o eth0 -j SNAT --to-source {ROUTER_LAN6}"
    return _plain(rng, "POSTROUTING", drop=0)


def random_router_ruleset6(rng: random.Random) -> str:
    lines = ["*raw", ":PREROUTING ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]"]
    lines += [_plain(rng, "PREROUTING", 0.05) for _ in range(rng.randint(0, 2))]
    if rng.random() < 0.4:  # leave some flows untracked: no NAT, state UNTRACKED
        proto = rng.choice(["udp", "tcp"])
        target = rng.choice(["CT --notrack", "NOTRACK"])
        lines.append(f"-A PREROUTING -p {proto} -m {proto} --dport {rng.choice(PORTS)} -j {target}")
    lines += ["COMMIT", "*mangle"]
    for chain in ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"):
        lines.append(f":{chain} ACCEPT [0:0]")
    for chain in ("PREROUTING", "INPUT", "FORWARD", "POSTROUTING"):
        lines += [_plain(rng, chain, 0.05) for _ in range(rng.randint(0, 2))]
    lines += ["COMMIT", "*nat"]
    for chain in ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"):
        lines.append(f":{chain} ACCEPT [0:0]")
    lines += [_prerouting_nat(rng) for _ in range(rng.randint(0, 4))]
    lines += [_postrouting_nat(rng) for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.3:
        lines.append(f"-A INPUT -p udp -j SNAT --to-source {ROUTER_WAN6}")
    lines += ["COMMIT", "*filter"]
    lines.append(f":INPUT {rng.choice(['ACCEPT', 'DROP'])} [0:0]")
    lines.append(f":FORWARD {rng.choice(['ACCEPT', 'DROP'])} [0:0]")
    lines.append(":OUTPUT ACCEPT [0:0]")
    if rng.random() < 0.6:
        lines.append("-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
    lines += [_plain(rng, "FORWARD") for _ in range(rng.randint(1, 6))]
    lines += [_plain(rng, "INPUT") for _ in range(rng.randint(0, 3))]
    lines.append("COMMIT")
    return "\n".join(lines)


# --- flows ---------------------------------------------------------------------------------


class Flow6:
    """One IPv6 conversation: who opens it, to where, and the (side, kind) to send."""

    def __init__(self, rng: random.Random, sport: int):
        self.sport = sport
        kind = rng.choice(["tcp", "tcp", "udp", "udp", "icmp", "forward", "local", "dns", "error"])
        self.kind = kind
        self.opener = "server" if kind == "forward" else "client"
        if kind == "local":
            self.opener = rng.choice(["client", "server"])
        if kind == "forward":
            self.proto = rng.choice(["tcp", "udp"])
            self.src, self.dst = rng.choice(SERVER_HOSTS6), ROUTER_WAN6
            self.dport = rng.choice(FORWARDED)
        elif kind == "local":
            self.proto = "udp"
            self.src = rng.choice(CLIENT_HOSTS6 if self.opener == "client" else SERVER_HOSTS6)
            self.dst = ROUTER_LAN6 if self.opener == "client" else ROUTER_WAN6
            self.dport = rng.choice(LOCAL_PORTS)
        else:
            self.proto = {"dns": "udp", "error": "udp"}.get(kind, kind)
            self.src, self.dst = rng.choice(CLIENT_HOSTS6), rng.choice(SERVER_HOSTS6)
            self.dport = 53 if kind == "dns" else rng.choice([22, 80, 443, 8080])
        self.other = "client" if self.opener == "server" else "server"
        if self.proto == "tcp":
            self.script = [(self.opener, "S"), (self.other, "SA"), (self.opener, "A")]
            self.script += [(self.opener, "PA"), (self.other, "PA")]
        elif self.proto == "icmp":
            self.script = [(self.opener, "echo"), (self.other, "echo-reply"), (self.opener, "echo")]
        elif kind == "error":  # the server answers with an ICMPv6 error quoting what it got
            self.script = [(self.opener, "udp"), (self.other, "unreachable")]
        elif kind in ("local", "dns"):
            self.script = [(self.opener, "udp"), (self.opener, "udp")]
        else:
            self.script = [(self.opener, "udp"), (self.opener, "udp"), (self.other, "udp")]
        self.seq = {self.opener: 1000, self.other: 70000}
        self.last_received: bytes | None = None  # what the far end got last

    def first(self, kind: str):
        """The opener's packet (its own addresses, always the same)."""
        return self._build(self.src, self.sport, self.dst, self.dport, self.opener, kind)

    def answer(self, received: bytes, kind: str):
        """The far end's answer to the packet it received, addressed back to its sender."""
        from scapy.layers.inet6 import ICMPv6DestUnreach, ICMPv6EchoRequest, IPv6

        ip = IPv6(received)
        if kind == "unreachable":
            return IPv6(src=ip.dst, dst=ip.src) / ICMPv6DestUnreach(code=4) / received[:48]
        if ICMPv6EchoRequest in ip:
            self.icmp_id = ip[ICMPv6EchoRequest].id
        sport = getattr(ip.payload, "dport", None)
        dport = getattr(ip.payload, "sport", None)
        return self._build(ip.dst, sport, ip.src, dport, self.other, kind)

    def _build(self, src, sport, dst, dport, side, kind):
        from scapy.layers.inet import TCP, UDP
        from scapy.layers.inet6 import ICMPv6EchoReply, ICMPv6EchoRequest, IPv6

        ip = IPv6(src=src, dst=dst, hlim=64)
        if kind == "echo":
            return ip / ICMPv6EchoRequest(id=self.sport, seq=1, data=b"ping")
        if kind == "echo-reply":
            return ip / ICMPv6EchoReply(id=self.icmp_id, seq=1, data=b"ping")
        if kind == "udp":
            return ip / UDP(sport=sport, dport=dport) / b"data"
        other = self.other if side == self.opener else self.opener
        seq = self.seq[side]
        ack = self.seq[other] if "A" in kind else 0
        payload = b"x" * 10 if "P" in kind else b""
        self.seq[side] += len(payload) + ("S" in kind)
        return (
            ip / TCP(sport=sport, dport=dport, flags=kind, seq=seq, ack=ack, window=65535) / payload
        )


def _seen(data: bytes) -> tuple:
    """(proto, src, sport, dst, dport) of an IPv6 packet as bytes (ICMPv6: the echo id as
    both ports; an error: the quoted header too)."""
    from scapy.layers.inet6 import ICMPv6DestUnreach, ICMPv6EchoReply, ICMPv6EchoRequest, IPv6

    ip = IPv6(data)
    if ICMPv6DestUnreach in ip:
        inner = IPv6(bytes(ip[ICMPv6DestUnreach].payload))
        quoted = (inner.nh, inner.src, inner.payload.sport, inner.dst, inner.payload.dport)
        return ("icmpv6", ip.src, 0, ip.dst, 0, quoted)
    for layer in (ICMPv6EchoRequest, ICMPv6EchoReply):
        if layer in ip:
            return ("icmpv6", ip.src, ip[layer].id, ip.dst, ip[layer].id)
    payload = ip.payload
    return (ip.nh, ip.src, getattr(payload, "sport", None), ip.dst, getattr(payload, "dport", None))


def _ours(pkt: Packet) -> tuple:
    if pkt.is_icmp and pkt.inner is not None:
        i = pkt.inner
        return ("icmpv6", pkt.src, 0, pkt.dst, 0, (i.proto_number, i.src, i.sport, i.dst, i.dport))
    if pkt.is_icmp:
        return ("icmpv6", pkt.src, pkt.icmp_id, pkt.dst, pkt.icmp_id)
    return (pkt.proto_number, pkt.src, pkt.sport, pkt.dst, pkt.dport)


RULESETS = 60
FLOWS = 6


@pytest.mark.slow
def test_ipv6_router_rulesets_with_nat_decide_and_translate_as_the_kernel(lab):
    assert lab.addresses("eth1") == list(ROUTER_INTERFACES6["eth1"])  # the primary first
    rng = random.Random(20261202)
    checked = 0
    seen = Counter()  # what the packets met, so the test proves it covered NAT
    for index in range(RULESETS):
        text = random_router_ruleset6(rng)
        fw = Firewall.from_iptables(text, interfaces=ROUTER_INTERFACES6, family=6)
        lab.load(text)
        ct = ConnTrack()
        ours_rules, ours_policies = Counter(), Counter()
        log: list[str] = []
        flows = [Flow6(rng, 41000 + index * 100 + i) for i in range(FLOWS)]
        for flow in flows:
            for side, kind in flow.script:
                if side == flow.opener:
                    pkt = flow.first(kind)
                elif flow.last_received is None:
                    continue  # the far end got nothing: it has nothing to answer
                else:
                    pkt = flow.answer(flow.last_received, kind)
                data = bytes(pkt)
                in_iface, out_iface = _iface(side)
                model = Packet.from_scapy(pkt, in_iface=in_iface, out_iface=out_iface)
                t = fw.traverse(model, conntrack=ct)
                seen.update(s.target for s in t.steps if s.table == "nat")
                seen[t.delivered] += 1
                if t.state == "ESTABLISHED" and t.packet.describe() != model.describe():
                    seen["translated reply"] += 1
                if t.state == "RELATED" and t.packet.inner != model.inner:
                    seen["translated ICMPv6 error"] += 1
                for s in t.steps:
                    if s.target == "DNAT" and s.trace and "-fd00" in s.trace[-1].rule:
                        seen["DNAT to a range"] += 1
                r, p = model_counts(t)
                ours_rules.update(r)
                ours_policies.update(p)
                answer = None
                if t.delivered == "local" and model.proto == "tcp" and "R" not in model.flags:
                    answer = fw.traverse(_reset(t.packet, model, in_iface), conntrack=ct)
                    r, p = model_counts(answer)
                    seen[answer.delivered] += 1
                    ours_rules.update(r)
                    ours_policies.update(p)
                lab.send(side, data)
                far = "server" if side == "client" else "client"
                got, back, local = [], [], []
                deadline = time.monotonic() + 2
                while True:  # until the kernel has done what we predict, or time is up
                    theirs_rules, theirs_policies = lab.counters()
                    got += lab.captured(far)
                    back += lab.captured(side)
                    local += lab.received()
                    done = (
                        _nonzero(theirs_rules) == _nonzero(ours_rules)
                        and _nonzero(theirs_policies) == _nonzero(ours_policies)
                        and (t.delivered != "forwarded" or got)
                        and (t.delivered != "local" or local or answer)
                        and (answer is None or answer.delivered is None or back)
                    )
                    if done or time.monotonic() > deadline:
                        break
                    time.sleep(0.003)
                log.append(
                    f"{flow.kind} {side} {kind}: {model.describe()} -> {t.action} "
                    f"{t.delivered} {t.state} {t.packet.describe()}"
                )
                context = "\n".join([f"ruleset {index}:", text, *log, repr(t)])
                if _nonzero(theirs_rules) != _nonzero(ours_rules):
                    context += "\nthe router says:\n" + lab.router_exec("ip6tables-save", "-c")
                    context += lab.router_exec("conntrack", "-L", "-f", "ipv6")
                assert _nonzero(theirs_rules) == _nonzero(ours_rules), context
                assert _nonzero(theirs_policies) == _nonzero(ours_policies), context
                if t.delivered == "forwarded":
                    assert [_seen(g) for g in got] == [_ours(t.packet)], context
                    flow.last_received = got[0]
                else:
                    assert got == [], context
                if t.delivered == "local" and model.proto == "udp":
                    assert local == [(t.packet.dport, t.packet.src, t.packet.sport)], context
                else:
                    assert local == [], context
                if answer is not None and answer.delivered == "sent":
                    assert [_seen(b) for b in back] == [_ours(answer.packet)], context
                else:
                    assert back == [], context
                checked += 1
    assert checked > RULESETS * FLOWS
    print(dict(seen))
    for what in ("DNAT", "SNAT", "MASQUERADE", "REDIRECT", "DNAT to a range", "local", "sent"):
        assert seen[what] >= 3, (what, seen)
    assert seen["translated reply"] >= 15 and seen["forwarded"] >= 60, seen
    assert seen["translated ICMPv6 error"] >= 2, seen


#: SNAT ranges whose pick crosses the kernel's 32-bit words: a range over a word's end, a
#: wide one, a reversed one (ip6tables takes it as it is), and --persistent.
WORD_RANGES = [
    "fd00:1::ffff:fff0-fd00:1::1:0:10",
    "fd00:1::-fd00:1::ffff:ffff:ffff",
    "fd00:1::9-fd00:1::1",
    "fd00:1::1:0:0-fd00:1::2:0:5 --persistent",
]


def test_ipv6_snat_picks_the_address_in_a_range_as_the_kernel_hashes_it(lab):
    rng = random.Random(7)
    checked = 0
    for spec in WORD_RANGES:
        text = (  # every table written: ip6tables-restore keeps the tables a file leaves out
            "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
            "*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
            ":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n"
            "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
            f":POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o eth1 -j SNAT --to-source {spec}\n"
            "COMMIT\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
            "COMMIT"
        )
        fw = Firewall.from_iptables(text, interfaces=ROUTER_INTERFACES6, family=6)
        lab.load(text)
        ct = ConnTrack()
        from scapy.layers.inet import UDP
        from scapy.layers.inet6 import IPv6

        for n in range(12):
            src, dst = rng.choice(CLIENT_HOSTS6), rng.choice(SERVER_HOSTS6)
            pkt = IPv6(src=src, dst=dst) / UDP(sport=30000 + n, dport=9) / b"x"
            model = Packet.from_scapy(pkt, in_iface="eth0", out_iface="eth1")
            want = fw.traverse(model, conntrack=ct).packet
            lab.send("client", bytes(pkt))
            got: list[bytes] = []
            deadline = time.monotonic() + 2
            while not got and time.monotonic() < deadline:
                got += lab.captured("server")
                time.sleep(0.003)
            assert [_seen(g) for g in got] == [_ours(want)], (spec, model, want)
            checked += 1
    assert checked == 12 * len(WORD_RANGES)
