"""Batch evaluation of the filter table versus the per-packet evaluate loop.

Two rulesets: a 1,000-rule real-shaped one (:func:`real_shaped`: what fail2ban, kube-proxy,
Docker and ufw write, in their chains) with the packets a busy host sees, and 100 random
stateless rules. Prints packets per second of Firewall.evaluate_batch (numpy) and of calling
Firewall.evaluate once per packet on the same packets, and their ratio (both timed by the
shared ``best_of()``), and checks the verdicts agree. The goal is >= 500k packets/s batched.
Run: .venv/bin/python benchmarks/bench_firewall.py
"""

from __future__ import annotations

import ipaddress
import random

import numpy as np
from timing import best_of

from netcourse.firewall import Firewall, Packet, PacketBatch
from netcourse.firewall.batch import lone_states

RULES = 100
REAL_RULES = 1_000
GOAL = 500_000
BATCH = 1_000_000
LOOP = 20_000
REAL_LOOP = 1_000  # evaluate() walks hundreds of rules per packet there
PORTS = [22, 25, 53, 80, 123, 443, 993, 3306, 5432, 8080]


def rule_lines(rng: random.Random, count: int) -> list[str]:
    """Random stateless rules: protocols, source/destination networks, ports, ranges, multiport."""
    lines = ["-P INPUT DROP"]
    for _ in range(count):
        proto = rng.choice(["tcp", "udp"])
        parts = [f"-A INPUT -p {proto}"]
        if rng.random() < 0.6:
            parts.append(f"-s 10.{rng.randrange(256)}.0.0/{rng.choice([16, 20, 24])}")
        if rng.random() < 0.3:
            parts.append(f"! -d 192.168.{rng.randrange(256)}.0/24")
        kind = rng.random()
        if kind < 0.5:
            parts.append(f"-m {proto} --dport {rng.choice(PORTS)}")
        elif kind < 0.75:
            lo = rng.randrange(1024, 60000)
            parts.append(f"-m {proto} --sport {lo}:{lo + rng.randrange(2000)}")
        else:
            ports = ",".join(str(p) for p in rng.sample(PORTS, 3))
            parts.append(f"-m multiport --dports {ports}")
        parts.append(f"-j {rng.choice(['ACCEPT', 'DROP', 'REJECT'])}")
        lines.append(" ".join(parts))
    return lines


def real_shaped(count: int, seed: int = 4) -> str:
    """``iptables-save`` text of a busy host's filter table, about ``count`` rules, in the
    shapes the generators write: fail2ban's bans (one ``-s ADDR/32 -j REJECT`` each),
    kube-proxy's services without endpoints (``-d VIP/32 -p tcp --dport P -j REJECT`` with
    its comments) and node ports (``-m addrtype --dst-type LOCAL``), Docker's published ports
    (``-d CONTAINER/32 ! -i docker0 -o docker0 ... -j ACCEPT``) and ufw's allow rules, each
    family in its own chain as those tools lay them out.
    """
    rng = random.Random(seed)
    shares = {"bans": 0.4, "services": 0.3, "nodeports": 0.1, "docker": 0.1, "ufw": 0.1}
    sizes = {name: max(1, int(count * share)) for name, share in shares.items()}
    chains = {
        "INPUT": [
            "-A INPUT -p tcp -m multiport --dports 22 -j f2b-sshd",
            '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service '
            'portals" -j KUBE-SERVICES',
            '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-'
            'visible service portals" -j KUBE-EXTERNAL-SERVICES',
            "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            "-A INPUT -i lo -j ACCEPT",
            "-A INPUT -m conntrack --ctstate INVALID -j DROP",
            "-A INPUT -j ufw-user-input",
            "-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT",
        ],
        "FORWARD": [
            "-A FORWARD -m conntrack --ctstate NEW -j KUBE-SERVICES",
            "-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            "-A FORWARD -o docker0 -j DOCKER",
            "-A FORWARD -i docker0 ! -o docker0 -j ACCEPT",
        ],
        "f2b-sshd": [],
        "KUBE-SERVICES": [],
        "KUBE-EXTERNAL-SERVICES": [],
        "DOCKER": [],
        "ufw-user-input": [],
    }
    for _ in range(sizes["bans"]):
        addr = f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}."
        addr += str(rng.randrange(1, 255))
        chains["f2b-sshd"].append(
            f"-A f2b-sshd -s {addr}/32 -j REJECT --reject-with icmp-port-unreachable"
        )
    chains["f2b-sshd"].append("-A f2b-sshd -j RETURN")
    for index in range(sizes["services"]):
        vip = f"10.96.{index // 250 % 256}.{index % 250 + 1}"
        port = rng.choice([80, 443, 8080, 9090, 5432, 6379, 53])
        name = f"ns{index % 40}/svc-{index}:{'dns' if port == 53 else 'http'}"
        proto = "udp" if port == 53 and rng.random() < 0.5 else "tcp"
        chains["KUBE-SERVICES"].append(
            f'-A KUBE-SERVICES -d {vip}/32 -p {proto} -m comment --comment "{name} has no '
            f'endpoints" -m {proto} --dport {port} -j REJECT --reject-with icmp-port-unreachable'
        )
    for index in range(sizes["nodeports"]):
        chains["KUBE-EXTERNAL-SERVICES"].append(
            f'-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "ns{index % 40}/np-{index}'
            f':http has no endpoints" -m addrtype --dst-type LOCAL -m tcp --dport '
            f"{30000 + index % 2768} -j REJECT --reject-with icmp-port-unreachable"
        )
    for index in range(sizes["docker"]):
        container = f"172.17.{index // 250 % 256}.{index % 250 + 2}"
        chains["DOCKER"].append(
            f"-A DOCKER -d {container}/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport "
            f"{rng.choice([80, 443, 3000, 5000, 8000, 8080])} -j ACCEPT"
        )
    for index in range(sizes["ufw"]):
        port = 1024 + rng.randrange(60000)
        if rng.random() < 0.3:
            net = f"198.51.{100 + index % 3}.{rng.randrange(256) & 0xF0}/28"
            line = f"-A ufw-user-input -s {net} -p tcp -m tcp --dport {port} -j ACCEPT"
        else:
            proto = rng.choice(["tcp", "udp"])
            line = f"-A ufw-user-input -p {proto} -m {proto} --dport {port} -j ACCEPT"
        chains["ufw-user-input"].append(line)
    lines = ["*filter", ":INPUT DROP [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]"]
    lines += [f":{name} - [0:0]" for name in chains if name not in ("INPUT", "FORWARD")]
    for rules in chains.values():
        lines += rules
    lines.append("COMMIT")
    return "\n".join(lines) + "\n"


def ruleset(rng: random.Random) -> Firewall:
    """100 stateless rules drawn by :func:`rule_lines`."""
    return Firewall.from_iptables(rule_lines(rng, RULES))


def packets(rng: np.random.Generator, size: int) -> PacketBatch:
    """Random TCP/UDP packets, mostly from 10.0.0.0/8, as a batch."""
    proto = rng.choice(np.array([6, 17], dtype=np.int16), size)
    flags = np.where(proto == 6, rng.choice(np.array([2, 16, 24, 18], dtype=np.int16), size), 0)
    flags = flags.astype(np.int16)
    src = (10 << 24) + rng.integers(0, 1 << 24, size, dtype=np.int64)
    icmp = np.full(size, -1, dtype=np.int16)
    return PacketBatch(
        proto=proto,
        src=src,
        dst=(192 << 24) + (168 << 16) + rng.integers(0, 1 << 16, size, dtype=np.int64),
        sport=rng.integers(1024, 65536, size, dtype=np.int32),
        dport=rng.choice(np.array(PORTS + [8443, 9000], dtype=np.int32), size),
        flags=flags,
        icmp_type=icmp,
        icmp_code=icmp.copy(),
        state=lone_states(proto, flags, icmp),
        in_iface=np.zeros(size, dtype=np.int32),
        out_iface=np.ones(size, dtype=np.int32),
        iface_names=("eth0", "eth1"),
    )


def real_packets(fw: Firewall, rng: np.random.Generator, size: int) -> PacketBatch:
    """Packets a busy host sees, as a batch: from anywhere (some from banned addresses) to
    kube service addresses, containers and the host itself, mostly tcp, some udp and ping."""
    bans = [
        m.bounds[0] for r in fw.chains["f2b-sshd"].rules for m in r.matches if m.text[:2] == "-s"
    ]
    proto = rng.choice(np.array([6, 6, 6, 6, 17, 17, 1], dtype=np.int16), size)
    src = rng.integers(1 << 24, 224 << 24, size, dtype=np.int64)
    banned = rng.random(size) < 0.05
    src[banned] = rng.choice(np.array(bans, dtype=np.int64), int(banned.sum()))
    kind = rng.random(size)
    dst = np.full(size, (198 << 24) + (18 << 16) + 2, dtype=np.int64)  # the host itself
    vip = kind < 0.5
    dst[vip] = (10 << 24) + (96 << 16) + rng.integers(0, 1 << 12, int(vip.sum()))
    container = (kind >= 0.5) & (kind < 0.7)
    dst[container] = (172 << 24) + (17 << 16) + rng.integers(0, 1 << 10, int(container.sum()))
    ports = np.array([22, 53, 80, 443, 3000, 5432, 6379, 8080, 9090, 30080], dtype=np.int32)
    ported = proto != 1
    sport = np.where(ported, rng.integers(1024, 65536, size, dtype=np.int32), -1)
    dport = np.where(ported, rng.choice(ports, size), -1).astype(np.int32)
    flags = np.where(proto == 6, rng.choice(np.array([2, 16, 24], dtype=np.int16), size), 0)
    flags = flags.astype(np.int16)
    icmp = np.where(proto == 1, rng.choice(np.array([8, 0], dtype=np.int16), size), -1)
    icmp = icmp.astype(np.int16)
    in_iface = (rng.random(size) < 0.05).astype(np.int32)  # 1: lo
    return PacketBatch(
        proto=proto,
        src=src,
        dst=dst,
        sport=sport.astype(np.int32),
        dport=dport,
        flags=flags,
        icmp_type=icmp,
        icmp_code=np.where(proto == 1, 0, -1).astype(np.int16),
        state=lone_states(proto, flags, icmp),
        in_iface=in_iface,
        out_iface=np.full(size, 2, dtype=np.int32),
        iface_names=("eth0", "lo", "docker0"),
    )


def as_packets(batch: PacketBatch, count: int) -> list[Packet]:
    """The first ``count`` packets of a batch as Packet objects."""
    names = {6: "tcp", 17: "udp", 1: "icmp"}
    letters = {2: "S", 16: "A", 24: "PA", 18: "SA", 0: ""}
    out = []
    for i in range(count):
        proto = int(batch.proto[i])
        fields = dict(
            src=str(ipaddress.IPv4Address(int(batch.src[i]))),
            dst=str(ipaddress.IPv4Address(int(batch.dst[i]))),
            in_iface=batch.iface_names[int(batch.in_iface[i])],
            out_iface=batch.iface_names[int(batch.out_iface[i])],
        )
        if proto == 1:
            fields.update(icmp_type=int(batch.icmp_type[i]), icmp_code=int(batch.icmp_code[i]))
        else:
            fields.update(sport=int(batch.sport[i]), dport=int(batch.dport[i]))
        if proto == 6:
            fields["flags"] = letters[int(batch.flags[i])]
        out.append(Packet(names[proto], **fields))
    return out


def measure(fw: Firewall, batch: PacketBatch, label: str, *, loop: int = LOOP) -> float:
    """Print and return batch packets/s, next to the evaluate() loop on the same packets."""
    fw.evaluate_batch(PacketBatch.from_packets(as_packets(batch, 100)))  # warm up
    batched = len(batch) / best_of(3, lambda: fw.evaluate_batch(batch))
    result = fw.evaluate_batch(batch)
    sample = as_packets(batch, loop)
    looped = loop / best_of(1, lambda: [fw.evaluate(pkt) for pkt in sample])
    verdicts = [fw.evaluate(pkt) for pkt in sample]
    same = all(
        (v.action, v.chain, v.rule_number or 0)
        == (result.action[i], result.chain[i], int(result.rule_number[i]))
        for i, v in enumerate(verdicts)
    )
    print(f"{label}; verdicts {result.counts()}")
    print(f"  evaluate_batch (numpy), {len(batch):,} packets: {batched:,.0f} packets/s")
    print(f"  evaluate() loop, {loop:,} packets:        {looped:,.0f} packets/s")
    print(
        f"  ratio batch/loop: {batched / looped:.0f}x; same verdicts on the loop's packets: {same}"
    )
    return batched


def main() -> None:
    text = real_shaped(REAL_RULES)
    fw = Firewall.from_iptables(text)
    count = sum(len(c.rules) for c in fw.chains.values())
    real = measure(
        fw,
        real_packets(fw, np.random.default_rng(4), BATCH),
        f"real-shaped ruleset: {count:,} rules (fail2ban, kube-proxy, Docker, ufw), INPUT",
        loop=REAL_LOOP,
    )
    stateless = measure(
        ruleset(random.Random(4)),
        packets(np.random.default_rng(4), BATCH),
        f"random ruleset: {RULES} stateless rules in INPUT",
    )
    for name, rate in (("real-shaped", real), ("random", stateless)):
        verdict = "met" if rate >= GOAL else "NOT met"
        print(f"goal >= {GOAL:,} packets/s, {name}: {verdict} ({rate / GOAL:.2f}x the goal)")


if __name__ == "__main__":
    main()
