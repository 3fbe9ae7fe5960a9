"""The lesson's rulesets and packets, declared once: the notebook, the lab's presets and the
exercises all read them. Taught in notebooks/04-firewalls.ipynb.

The router story: host A (192.168.1.20, LAN behind eth0) talks to web server B
(203.0.113.10, the internet behind eth1) through a router whose FORWARD chain filters.

>>> EXAMPLES["stateless-unsolicited"].verdict().action
'ACCEPT'
>>> EXAMPLES["stateful-unsolicited"].verdict().action
'DROP'
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from netcourse.data import path
from netcourse.firewall.chains import Firewall
from netcourse.firewall.packet import Packet
from netcourse.firewall.trace import Verdict

__all__ = [
    "SEED_RULE",
    "HOST_A",
    "SERVER_B",
    "STRANGER",
    "STATELESS_ROUTER",
    "STATEFUL_ROUTER",
    "STATELESS_NO_SYN_ROUTER",
    "NO_ICMP_ROUTER",
    "PMTU_ROUTER",
    "PATH_ROUTER",
    "SHADOWED_HOST",
    "PREDICT_RULESET",
    "PREDICT_PACKET",
    "Example",
    "EXAMPLES",
    "request",
    "reply",
    "unsolicited",
    "upload",
    "frag_needed",
    "packet_too_big",
    "lan_traffic",
    "HOME_INTERFACES",
    "HOME_WAN",
    "home_router",
    "home_request",
    "home_reply",
    "port_forward",
]

#: The rule the lesson starts from.
SEED_RULE = "-A INPUT -p tcp -s 192.168.1.0/24 -m tcp --dport 80 -j ACCEPT"
HOST_A, SERVER_B, STRANGER = "192.168.1.20", "203.0.113.10", "203.0.113.66"

#: A stateless router whose return path is opened to every ephemeral port (the simplest
#: way; STATELESS_NO_SYN_ROUTER is narrower).
STATELESS_ROUTER = """*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i eth0 -o eth1 -s 192.168.1.0/24 -p tcp -m tcp --dport 443 -j ACCEPT
-A FORWARD -i eth1 -o eth0 -d 192.168.1.0/24 -p tcp -m tcp --dport 1024:65535 -j ACCEPT
COMMIT"""

#: The same router, stateful: replies are let back in because conntrack knows the request.
STATEFUL_ROUTER = """*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A FORWARD -i eth0 -o eth1 -s 192.168.1.0/24 -p tcp -m tcp --dport 443 -j ACCEPT
COMMIT"""

#: A stateless router that refuses new connections from outside: B's answers are let in by
#: their source port 443, unless they are a connection-opening SYN (``--syn`` of the tcp
#: match, iptables-extensions(8)).
STATELESS_NO_SYN_ROUTER = """*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i eth0 -o eth1 -s 192.168.1.0/24 -p tcp -m tcp --dport 443 -j ACCEPT
-A FORWARD -i eth1 -o eth0 -d 192.168.1.0/24 -p tcp -m tcp --sport 443 ! --syn -j ACCEPT
COMMIT"""

#: The stateful router with all ICMP dropped first ("so nobody can ping us"): it also drops
#: the "fragmentation needed" errors path MTU discovery needs (RFC 1191).
NO_ICMP_ROUTER = """*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -p icmp -j DROP
-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A FORWARD -i eth0 -o eth1 -s 192.168.1.0/24 -p tcp -m tcp --dport 443 -j ACCEPT
COMMIT"""

#: NO_ICMP_ROUTER fixed: "fragmentation needed" (type 3 code 4) is let through before the
#: rest of ICMP is dropped.
PMTU_ROUTER = NO_ICMP_ROUTER.replace(
    "-A FORWARD -p icmp -j DROP",
    "-A FORWARD -p icmp -m icmp --icmp-type fragmentation-needed -j ACCEPT\n"
    "-A FORWARD -p icmp -j DROP",
)

#: A router on the internet between the home router and B whose next link has a smaller MTU:
#: it sends A "fragmentation needed" (an address from 198.51.100.0/24, RFC 5737).
PATH_ROUTER = "198.51.100.1"

#: A host firewall meant to keep the compromised laptop .66 off ssh; its DROP comes too late.
SHADOWED_HOST = """*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A INPUT -s 192.168.1.0/24 -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -s 192.168.1.66/32 -p tcp -m tcp --dport 22 -j DROP
-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT
COMMIT"""

#: The ruleset of the "predict the verdict" exercise: a user chain, LOG and REJECT.
PREDICT_RULESET = """*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:SSH - [0:0]
-A INPUT -m conntrack --ctstate INVALID -j DROP
-A INPUT -p tcp -m tcp --dport 22 -j SSH
-A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT
-A INPUT -p tcp -j REJECT --reject-with tcp-reset
-A SSH -s 10.0.0.0/8 -j RETURN
-A SSH -j LOG --log-prefix "ssh from outside: "
-A SSH -j DROP
COMMIT"""
#: The packet whose verdict the exercise asks for.
PREDICT_PACKET = Packet("tcp", src="10.4.4.4", dst="10.0.0.5", sport=51000, dport=22, flags="S")


def request(dport: int = 443) -> Packet:
    """A's connection request to B (SYN), entering the router on the LAN side (eth0).

    >>> request().describe()
    'tcp 192.168.1.20:50000 -> 203.0.113.10:443 [S]'
    """
    return Packet("tcp", src=HOST_A, dst=SERVER_B, sport=50000, dport=dport, flags="S")


def reply(dport: int = 443) -> Packet:
    """B's answer to :func:`request` (SYN-ACK), entering on the internet side (eth1).

    >>> reply().describe(), reply().in_iface
    ('tcp 203.0.113.10:443 -> 192.168.1.20:50000 [SA]', 'eth1')
    """
    return request(dport).reply()


def unsolicited(dport: int = 5900, *, flags: str = "S") -> Packet:
    """A stranger on the internet opening a connection to A's port ``dport`` (VNC by default)
    from source port 443; other ``flags`` make a segment of no connection (``"A"``: an ACK
    scan's probe).

    >>> unsolicited().describe()
    'tcp 203.0.113.66:443 -> 192.168.1.20:5900 [S]'
    >>> unsolicited(flags="A").flags
    'A'
    """
    return Packet(
        "tcp",
        src=STRANGER,
        dst=HOST_A,
        sport=443,
        dport=dport,
        flags=flags,
        in_iface="eth1",
        out_iface="eth0",
    )


def upload() -> Packet:
    """A's data segment to B in the connection :func:`request` opened (say a full-size one).

    >>> upload().describe()
    'tcp 192.168.1.20:50000 -> 203.0.113.10:443 [PA]'
    """
    return reply().reply(flags="PA")


def frag_needed() -> Packet:
    """The "fragmentation needed" error (ICMP type 3 code 4, RFC 1191) that :data:`PATH_ROUTER`
    sends A about :func:`upload`, entering the home router on the internet side (eth1).

    >>> frag_needed().describe()
    'icmp 198.51.100.1 -> 192.168.1.20 fragmentation-needed (3/4)'
    """
    return Packet(
        "icmp", src=PATH_ROUTER, dst=HOST_A, icmp_type="fragmentation-needed", inner=upload(),
        in_iface="eth1", out_iface="eth0",
    )  # fmt: skip


def packet_too_big() -> Packet:
    """ICMPv6 "packet too big" (type 2, RFC 4443) from a router on the way, about A's IPv6
    upload to B: IPv6 routers never fragment, so this is path MTU discovery's only signal.

    >>> packet_too_big().describe()
    'icmpv6 fd00:9::1 -> fd00:1::20 packet-too-big (2/0)'
    """
    data = Packet("tcp", src="fd00:1::20", dst="fd00:2::10", sport=50000, dport=443, flags="PA")
    return Packet(
        "icmpv6", src="fd00:9::1", dst="fd00:1::20", icmp_type="packet-too-big", inner=data,
        in_iface="eth1", out_iface="eth0",
    )  # fmt: skip


def lan_traffic(count: int = 2000, seed: int = 4) -> list[Packet]:
    """New connections to a LAN server (192.168.1.1) from the LAN and the internet.

    Deterministic for a given ``seed``: sources are LAN hosts (the laptop .66 among them)
    or internet hosts, destination ports 22, 80 or 443.

    >>> len(lan_traffic(10)), lan_traffic(10) == lan_traffic(10)
    (10, True)
    """
    rng = random.Random(seed)
    packets = []
    for _ in range(count):
        if rng.random() < 0.6:
            src = f"192.168.1.{rng.choice([66, rng.randint(2, 254)])}"
        else:
            src = f"203.0.113.{rng.randint(1, 254)}"
        dport = rng.choice([22, 22, 80, 443])
        sport = rng.randint(1024, 65535)
        packets.append(Packet("tcp", src=src, dst="192.168.1.1", sport=sport, dport=dport))
    return packets


@dataclass(frozen=True, kw_only=True)
class Example:
    """A ruleset, a packet to judge, the chain it enters, and packets sent before it."""

    title: str
    ruleset: str
    packet: Packet
    chain: str = "INPUT"
    history: tuple[Packet, ...] = ()
    stateful: bool = False

    def firewall(self) -> Firewall:
        """The example's ruleset, parsed."""
        return Firewall.from_iptables(self.ruleset)

    def verdict(self) -> Verdict:
        """The verdict on the packet, after the history when stateful."""
        fw = self.firewall()
        if self.stateful:
            return fw.replay([*self.history, self.packet], chain=self.chain).verdicts[-1]
        return fw.evaluate(self.packet, chain=self.chain)


#: The lab's presets, in the order the lesson meets them.
EXAMPLES: dict[str, Example] = {
    "seed-rule": Example(
        title="The seed rule: a LAN host to port 80",
        ruleset=SEED_RULE,
        packet=Packet("tcp", src="192.168.1.20", dst="10.0.0.5", sport=40000, dport=80, flags="S"),
    ),
    "seed-rule-other-net": Example(
        title="The seed rule: 192.168.2.20 is not in 192.168.1.0/24",
        ruleset=SEED_RULE,
        packet=Packet("tcp", src="192.168.2.20", dst="10.0.0.5", sport=40000, dport=80, flags="S"),
    ),
    "stateless-reply": Example(
        title="Stateless router: B's reply comes back",
        ruleset=STATELESS_ROUTER,
        packet=reply(),
        chain="FORWARD",
    ),
    "stateless-unsolicited": Example(
        title="Stateless router: a stranger reaches A's port 5900",
        ruleset=STATELESS_ROUTER,
        packet=unsolicited(),
        chain="FORWARD",
    ),
    "stateful-reply": Example(
        title="Stateful router: B's reply after A's request",
        ruleset=STATEFUL_ROUTER,
        packet=reply(),
        chain="FORWARD",
        history=(request(),),
        stateful=True,
    ),
    "stateful-unsolicited": Example(
        title="Stateful router: the stranger is stopped",
        ruleset=STATEFUL_ROUTER,
        packet=unsolicited(),
        chain="FORWARD",
        history=(request(),),
        stateful=True,
    ),
    "stateless-no-syn": Example(
        title="Stateless, SYNs refused: a stranger's ACK from port 443 still gets in",
        ruleset=STATELESS_NO_SYN_ROUTER,
        packet=unsolicited(flags="A"),
        chain="FORWARD",
    ),
    "shadowed-rule": Example(
        title="Shadowed rule: the laptop .66 still gets ssh",
        ruleset=SHADOWED_HOST,
        packet=Packet(
            "tcp", src="192.168.1.66", dst="192.168.1.1", sport=40000, dport=22, flags="S"
        ),
    ),
    "user-chain": Example(  # not the exercise's packet: the lab must not give it away
        title="A user chain with RETURN and LOG",
        ruleset=PREDICT_RULESET,
        packet=Packet("tcp", src="203.0.113.5", dst="10.0.0.5", sport=51000, dport=22, flags="S"),
    ),
}


# --- the NAT section: a real home router -----------------------------------------------------

#: The home router of the NAT section: OpenWrt's fw3 ruleset as recorded (netcourse/data/
#: rulesets/openwrt-fw3.rules), with the interfaces the recording gave it.
HOME_INTERFACES = {"br-lan": "192.0.2.1/24", "wan": "203.0.113.2/24"}
#: The router's one public address: every LAN host's connections leave from it.
HOME_WAN = "203.0.113.2"


def home_router() -> Firewall:
    """OpenWrt's real ruleset (MASQUERADE to the wan, a port forward 8080 -> 192.0.2.10:80).

    >>> home_router().traverse(home_request()).packet.src
    '203.0.113.2'
    """
    text = path("rulesets", "openwrt-fw3.rules").read_text()
    return Firewall.from_iptables(text, interfaces=HOME_INTERFACES)


def home_request(host: str = "192.0.2.20", sport: int = 51000) -> Packet:
    """A LAN host's connection request to web server B, entering the router on br-lan.

    >>> home_request().describe()
    'tcp 192.0.2.20:51000 -> 203.0.113.10:443 [S]'
    """
    return Packet(
        "tcp", src=host, dst=SERVER_B, sport=sport, dport=443, flags="S",
        in_iface="br-lan", out_iface="wan",
    )  # fmt: skip


def home_reply(sport: int = 51000) -> Packet:
    """B's answer to the router's public address (as B saw the request), entering on wan.

    >>> home_reply().describe()
    'tcp 203.0.113.10:443 -> 203.0.113.2:51000 [SA]'
    """
    return Packet(
        "tcp", src=SERVER_B, dst=HOME_WAN, sport=443, dport=sport, flags="SA",
        in_iface="wan", out_iface="br-lan",
    )  # fmt: skip


def port_forward(src: str = STRANGER, sport: int = 33000) -> Packet:
    """Someone on the internet connecting to the router's port 8080 (forwarded to the LAN).

    >>> port_forward().describe()
    'tcp 203.0.113.66:33000 -> 203.0.113.2:8080 [S]'
    """
    return Packet(
        "tcp", src=src, dst=HOME_WAN, sport=sport, dport=8080, flags="S",
        in_iface="wan", out_iface="br-lan",
    )  # fmt: skip
