"""Batch evaluation of a 100-rule stateless ruleset versus the per-packet evaluate loop.

Prints packets per second of Firewall.evaluate_batch (numpy) and of calling
Firewall.evaluate once per packet, and their ratio (both timed by the shared ``best_of()``).
The goal is >= 500k packets/s batched.
Run: .venv/bin/python benchmarks/bench_firewall.py
"""

from __future__ import annotations

import random

import numpy as np
from timing import best_of

from netcourse.firewall import Firewall, Packet, PacketBatch
from netcourse.firewall.batch import lone_states

RULES = 100
BATCH = 1_000_000
LOOP = 20_000
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


def as_packets(batch: PacketBatch, count: int) -> list[Packet]:
    """The first ``count`` packets of a batch as Packet objects."""
    import ipaddress

    names = {6: "tcp", 17: "udp"}
    letters = {2: "S", 16: "A", 24: "PA", 18: "SA", 0: ""}
    return [
        Packet(
            names[int(batch.proto[i])],
            src=str(ipaddress.IPv4Address(int(batch.src[i]))),
            dst=str(ipaddress.IPv4Address(int(batch.dst[i]))),
            sport=int(batch.sport[i]),
            dport=int(batch.dport[i]),
            flags=letters[int(batch.flags[i])],
        )
        for i in range(count)
    ]


def main() -> None:
    fw = ruleset(random.Random(4))
    batch = packets(np.random.default_rng(4), BATCH)
    fw.evaluate_batch(packets(np.random.default_rng(5), 1000))  # warm up
    batched = BATCH / best_of(3, lambda: fw.evaluate_batch(batch))
    result = fw.evaluate_batch(batch)
    sample = as_packets(batch, LOOP)
    looped = LOOP / best_of(1, lambda: [fw.evaluate(pkt) for pkt in sample])
    verdicts = [fw.evaluate(pkt) for pkt in sample]
    same = all(
        (v.action, v.rule_number or 0) == (result.action[i], int(result.rule_number[i]))
        for i, v in enumerate(verdicts)
    )
    print(f"ruleset: {RULES} stateless rules in INPUT; verdicts {result.counts()}")
    print(f"evaluate_batch (numpy), {BATCH:,} packets: {batched:,.0f} packets/s")
    print(f"evaluate() loop, {LOOP:,} packets:        {looped:,.0f} packets/s")
    print(f"ratio batch/loop: {batched / looped:.0f}x; same verdicts on the loop's packets: {same}")
    print(f"goal >= 500,000 packets/s: {'met' if batched >= 500_000 else 'NOT met'}")


if __name__ == "__main__":
    main()
