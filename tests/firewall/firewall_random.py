"""Random rulesets and packets for the property tests (hypothesis strategies)."""

from __future__ import annotations

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
    if draw(st.integers(0, 4)) == 0:
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
    targets = ["ACCEPT", "DROP", "REJECT", "LOG", "RETURN"] + (
        [user, f"GOTO {user}"] if user else []
    )
    target = draw(st.sampled_from(targets))
    parts.append(f"-g {user}" if target.startswith("GOTO") else f"-j {target}")
    return " ".join(parts)


@st.composite
def rulesets(draw, max_rules=10):
    """A random ruleset: INPUT rules, maybe a user chain, a policy."""
    user = draw(st.sampled_from([None, "SUB"]))
    lines = [f"-P INPUT {draw(st.sampled_from(['ACCEPT', 'DROP']))}"]
    if user:
        lines.append(f"-N {user}")
    lines += draw(st.lists(rules("INPUT", user), min_size=1, max_size=max_rules))
    if user:
        lines += draw(st.lists(rules(user), min_size=1, max_size=4))
    return lines


@st.composite
def packets(draw):
    """A random packet of any protocol the rules above talk about."""
    src, dst = draw(st.sampled_from(ADDRS)), draw(st.sampled_from(ADDRS))
    iface = draw(st.sampled_from(["eth0", "eth1", "lo"]))
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
        )
    sport, dport = draw(st.sampled_from(PORTS)), draw(st.sampled_from(PORTS))
    flags = draw(st.sampled_from(FLAGS)) if proto == "tcp" else ""
    return Packet(proto, src=src, dst=dst, sport=sport, dport=dport, flags=flags, in_iface=iface)


STATES = st.sampled_from(["NEW", "ESTABLISHED", "RELATED", "INVALID"])
