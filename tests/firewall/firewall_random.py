"""Random rulesets and packets for the property tests (hypothesis strategies)."""

from __future__ import annotations

import ipaddress

from hypothesis import strategies as st

from netcourse.firewall import Packet

NETS = ["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3", "192.168.0.0/16", "0.0.0.0/0"]
ADDRS = ["10.1.2.3", "10.1.2.200", "10.9.9.9", "192.168.4.5", "172.16.0.1"]
PORTS = [22, 53, 80, 443, 1024, 8080, 65535]
FLAGS = ["S", "A", "PA", "SA", "F", "FA", "R", ""]


@st.composite
def rules(draw, chain="INPUT", user=None):
    """One random ``-A`` line using the matches and targets the simulator supports."""
    parts = [f"-A {chain}"]
    neg = st.sampled_from(["", "", "", "! "])
    proto = draw(st.sampled_from([None, "tcp", "udp", "icmp", "!tcp"]))
    if proto == "!tcp":
        parts.append("! -p tcp")
    elif proto:
        parts.append(f"-p {proto}")
    if draw(st.booleans()):
        parts.append(f"{draw(neg)}-s {draw(st.sampled_from(NETS))}")
    if draw(st.integers(0, 3)) == 0:
        parts.append(f"{draw(neg)}-d {draw(st.sampled_from(NETS))}")
    if chain != "OUTPUT" and draw(st.integers(0, 4)) == 0:
        parts.append(f"{draw(neg)}-i {draw(st.sampled_from(['eth0', 'eth+', 'lo']))}")
    if proto in ("tcp", "udp"):
        kind = draw(st.integers(0, 3))
        if kind == 1:
            lo, hi = sorted(draw(st.lists(st.sampled_from(PORTS), min_size=2, max_size=2)))
            parts.append(f"{draw(neg)}--dport {lo}:{hi}")
        elif kind == 2:
            parts.append(f"{draw(neg)}--dport {draw(st.sampled_from(PORTS))}")
        elif kind == 3:
            ports = draw(st.lists(st.sampled_from(PORTS), min_size=1, max_size=3, unique=True))
            which = draw(st.sampled_from(["--dports", "--sports", "--ports"]))
            parts.append(f"-m multiport {draw(neg)}{which} {','.join(map(str, ports))}")
        if proto == "tcp" and draw(st.integers(0, 3)) == 0:
            parts.append(draw(st.sampled_from(["--syn", "! --syn", "--tcp-flags SYN,ACK ACK"])))
    if proto == "icmp" and draw(st.booleans()):
        kind = draw(st.sampled_from(["echo-request", "echo-reply", "3/3", "any"]))
        parts.append(f"{draw(neg)}--icmp-type {kind}")
    if draw(st.integers(0, 5)) == 0:
        parts.append(f"-m iprange {draw(neg)}--src-range 10.1.2.0-10.1.2.100")
    if draw(st.integers(0, 3)) == 0:
        states = draw(
            st.lists(
                st.sampled_from(["NEW", "ESTABLISHED", "INVALID", "RELATED"]),
                min_size=1,
                max_size=2,
                unique=True,
            )
        )
        parts.append(f"-m conntrack {draw(neg)}--ctstate {','.join(states)}")
    if draw(st.integers(0, 3)) == 0:
        parts.append(draw(EXTRA_MATCHES(chain)))
    targets = ["ACCEPT", "DROP", "REJECT", "LOG", "RETURN", "MARK", "CONNMARK"] + (
        [user, f"GOTO {user}"] if user else []
    )
    target = draw(st.sampled_from(targets))
    if target == "MARK":
        parts.append(f"-j MARK {draw(st.sampled_from(MARK_OPTIONS))}")
    elif target == "CONNMARK":
        parts.append(f"-j CONNMARK {draw(st.sampled_from(CONNMARK_OPTIONS))}")
    else:
        parts.append(f"-g {user}" if target.startswith("GOTO") else f"-j {target}")
    return " ".join(parts)


#: MARK and CONNMARK options, as real rulesets write them.
MARK_OPTIONS = [
    "--set-mark 1",
    "--set-xmark 0x2/0x3",
    "--or-mark 4",
    "--and-mark 0x5",
    "--xor-mark 1",
]
CONNMARK_OPTIONS = [
    "--set-mark 1/0x1",
    "--save-mark",
    "--restore-mark",
    "--save-mark --mask 0x3",
    "--restore-mark --nfmask 0x1 --ctmask 0x5",
    "--or-mark 2",
]


def EXTRA_MATCHES(chain):  # noqa: N802 - a strategy, named like the constants above
    """One of the matches on marks, length, ttl, pkttype, -f and owner (owner in OUTPUT)."""
    choices = [
        "-m mark --mark 1",
        "-m mark ! --mark 0x1/0x1",
        "-m mark --mark 0x4/0x4",
        "-m connmark --mark 1/1",
        "-m connmark ! --mark 0",
        "-m length --length 0:60",
        "-m length ! --length 41:",
        "-m ttl --ttl-lt 10",
        "-m ttl ! --ttl-eq 64",
        "-m pkttype --pkt-type unicast",
        "-m pkttype ! --pkt-type broadcast",
        "-f",
        "! -f",
        "-m hashlimit --hashlimit-upto 1/min --hashlimit-name h",
        "-m hashlimit --hashlimit-above 5/sec --hashlimit-mode srcip --hashlimit-name g",
    ]
    if chain == "OUTPUT":
        choices += [
            "-m owner --uid-owner 0",
            "-m owner ! --socket-exists",
            "-m owner ! --uid-owner 1000-2000 --gid-owner 0",
        ]
    return st.sampled_from(choices)


@st.composite
def rulesets(draw, max_rules=10, chain="INPUT"):
    """A random ruleset: rules of ``chain``, maybe a user chain, a policy."""
    user = draw(st.sampled_from([None, "SUB"]))
    lines = [f"-P {chain} {draw(st.sampled_from(['ACCEPT', 'DROP']))}"]
    if user:
        lines.append(f"-N {user}")
    lines += draw(st.lists(rules(chain, user), min_size=1, max_size=max_rules))
    if user:
        lines += draw(st.lists(rules(user), min_size=1, max_size=4))
    return lines


@st.composite
def packets(draw):
    """A random packet of any protocol the rules above talk about."""
    src, dst = draw(st.sampled_from(ADDRS)), draw(st.sampled_from(ADDRS))
    iface = draw(st.sampled_from(["eth0", "eth1", "lo"]))
    extras, owner = draw(EXTRAS), draw(OWNERS)
    if owner is not None:
        extras.update(uid=owner[0], gid=owner[1])
    proto = draw(st.sampled_from(["tcp", "udp", "icmp"]))
    if proto == "icmp":
        kind = draw(st.sampled_from([0, 8, 3, 11]))
        return Packet(
            "icmp",
            src=src,
            dst=dst,
            icmp_type=kind,
            icmp_code=3 if kind == 3 else 0,
            in_iface=iface,
            **extras,
        )
    sport, dport = draw(st.sampled_from(PORTS)), draw(st.sampled_from(PORTS))
    flags = draw(st.sampled_from(FLAGS)) if proto == "tcp" else ""
    return Packet(
        proto,
        src=src,
        dst=dst,
        sport=sport,
        dport=dport,
        flags=flags,
        in_iface=iface,
        **extras,
    )


#: Marks, TTL, length, fragment offset, link-layer type and owner, often left at defaults.
EXTRAS = st.fixed_dictionaries(
    {},
    optional={
        "mark": st.sampled_from([0, 1, 4, 5, 0xFF]),
        "ctmark": st.sampled_from([0, 1, 2, 5]),
        "ttl": st.sampled_from([1, 9, 10, 64, 255]),
        "length": st.sampled_from([40, 41, 60, 61, 1500]),
        "fragment": st.sampled_from([0, 1, 185]),
        "pkttype": st.sampled_from(["unicast", "broadcast", "multicast", "otherhost"]),
    },
)
#: The owner of the local socket that sent a packet (None: no socket).
OWNERS = st.sampled_from([None, (0, 0), (1000, 1000), (1500, 0), (3000, 3000)])


STATES = st.sampled_from(["NEW", "ESTABLISHED", "RELATED", "INVALID"])


# --- IPv6 (ip6tables rules, family=6) -------------------------------------------------------

#: Networks that cut the 128-bit space at the 64-bit halves and inside them, so a batch's
#: two uint64 columns are both compared.
NETS6 = [
    "fd00::/8",
    "fd00::/63",
    "fd00::/64",
    "fd00::/65",
    "fd00:0:0:1::/64",
    "fd00::1",
    "fd00::8000:0:0:0/65",
    "::/0",
    "::1",
    "ff00::/8",
    "fe80::/10",
]
ADDRS6 = [
    "fd00::1",
    "fd00::ffff:ffff:ffff:ffff",
    "fd00:0:0:1::",
    "fd00::8000:0:0:0",
    "fe80::1",
    "ff02::1",
    "::1",
    "::",
    "2001:db8::1",
]
ICMP6_TYPES = ["echo-request", "echo-reply", "1/4", "destination-unreachable", "135", "any"]


@st.composite
def rules6(draw, chain="INPUT", user=None):
    """One random ip6tables ``-A`` line using the matches and targets the simulator supports."""
    parts = [f"-A {chain}"]
    neg = st.sampled_from(["", "", "", "! "])
    proto = draw(st.sampled_from([None, "tcp", "udp", "ipv6-icmp", "icmpv6", "!tcp"]))
    if proto == "!tcp":
        parts.append("! -p tcp")
    elif proto:
        parts.append(f"-p {proto}")
    if draw(st.booleans()):
        parts.append(f"{draw(neg)}-s {draw(st.sampled_from(NETS6))}")
    if draw(st.integers(0, 3)) == 0:
        parts.append(f"{draw(neg)}-d {draw(st.sampled_from(NETS6))}")
    if draw(st.integers(0, 4)) == 0:
        parts.append(f"{draw(neg)}-i {draw(st.sampled_from(['eth0', 'eth+', 'lo']))}")
    if proto in ("tcp", "udp") and draw(st.booleans()):
        parts.append(f"{draw(neg)}--dport {draw(st.sampled_from(PORTS))}")
    if proto in ("ipv6-icmp", "icmpv6") and draw(st.booleans()):
        parts.append(f"{draw(neg)}--icmpv6-type {draw(st.sampled_from(ICMP6_TYPES))}")
    if draw(st.integers(0, 5)) == 0:
        lo, hi = sorted(draw(st.lists(st.sampled_from(ADDRS6), min_size=2, max_size=2)), key=_int6)
        parts.append(f"-m iprange {draw(neg)}--dst-range {lo}-{hi}")
    if draw(st.integers(0, 5)) == 0:
        types = draw(st.sampled_from(["LOCAL", "UNICAST", "MULTICAST", "UNSPEC", "LOCAL,UNICAST"]))
        parts.append(f"-m addrtype {draw(neg)}--dst-type {types}")
    if draw(st.integers(0, 5)) == 0:
        op = draw(st.sampled_from(["--hl-eq", "--hl-lt", "--hl-gt"]))
        bang = draw(neg) if op == "--hl-eq" else ""
        parts.append(f"-m hl {bang}{op} {draw(st.sampled_from([1, 64, 255]))}")
    if draw(st.integers(0, 5)) == 0:
        parts.append(f"-m rt {draw(neg)}--rt-type {draw(st.sampled_from([0, 2]))}")
    if draw(st.integers(0, 3)) == 0:
        states = draw(
            st.lists(
                st.sampled_from(["NEW", "ESTABLISHED", "INVALID", "RELATED", "UNTRACKED"]),
                min_size=1,
                max_size=2,
                unique=True,
            )
        )
        parts.append(f"-m conntrack {draw(neg)}--ctstate {','.join(states)}")
    targets = ["ACCEPT", "DROP", "REJECT", "LOG", "RETURN"] + (
        [user, f"GOTO {user}"] if user else []
    )
    target = draw(st.sampled_from(targets))
    parts.append(f"-g {user}" if target.startswith("GOTO") else f"-j {target}")
    return " ".join(parts)


def _int6(text: str) -> int:
    return int(ipaddress.IPv6Address(text))


@st.composite
def rulesets6(draw, max_rules=10):
    """A random ip6tables ruleset: INPUT rules, maybe a user chain, a policy."""
    user = draw(st.sampled_from([None, "SUB"]))
    lines = [f"-P INPUT {draw(st.sampled_from(['ACCEPT', 'DROP']))}"]
    if user:
        lines.append(f"-N {user}")
    lines += draw(st.lists(rules6("INPUT", user), min_size=1, max_size=max_rules))
    if user:
        lines += draw(st.lists(rules6(user), min_size=1, max_size=4))
    return lines


@st.composite
def packets6(draw):
    """A random IPv6 packet of any protocol the rules above talk about."""
    src = draw(st.sampled_from(ADDRS6) | st.integers(0, 2**128 - 1).map(_text6))
    dst = draw(st.sampled_from(ADDRS6) | st.integers(0, 2**128 - 1).map(_text6))
    common = dict(
        src=src,
        dst=dst,
        in_iface=draw(st.sampled_from(["eth0", "eth1", "lo"])),
        ttl=draw(st.sampled_from([1, 2, 63, 64, 255])),
        routing_type=draw(st.sampled_from([None, None, None, 0, 2])),
    )
    proto = draw(st.sampled_from(["tcp", "udp", "icmpv6"]))
    if proto == "icmpv6":
        kind = draw(st.sampled_from([128, 129, 1, 2, 135, 137]))
        return Packet("icmpv6", icmp_type=kind, icmp_code=4 if kind == 1 else 0, **common)
    sport, dport = draw(st.sampled_from(PORTS)), draw(st.sampled_from(PORTS))
    flags = draw(st.sampled_from(FLAGS)) if proto == "tcp" else ""
    return Packet(proto, sport=sport, dport=dport, flags=flags, **common)


def _text6(value: int) -> str:
    return str(ipaddress.IPv6Address(value))
