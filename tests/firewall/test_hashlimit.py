"""hashlimit: token buckets per key, worked by hand from iptables-extensions(8) (the kernel
agrees on timed sequences in test_kernel.py)."""

import pytest

from netcourse.errors import RuleError
from netcourse.firewall import Firewall, Packet, PacketBatch, lint


def _replay(rule: str, pkts) -> list[str]:
    fw = Firewall.from_iptables(["-P INPUT DROP", rule])
    return fw.replay(pkts).actions


def _udp(src="192.0.2.1", dst="192.0.2.2", sport=40000, dport=53, t=0.0):
    return Packet("udp", src=src, dst=dst, sport=sport, dport=dport, time=t)


UPTO = "-A INPUT -m hashlimit --hashlimit-upto 2/sec --hashlimit-burst 3 --hashlimit-name t"


def test_a_burst_then_the_rate():
    # 3 tokens, one back every 0.5 s: t=0 takes 3, t=0.2 finds none, t=0.5 one, t=1.0 one,
    # t=1.1 none, t=3.0 two-and-more capped at 3
    times = [0, 0, 0, 0.2, 0.5, 1.0, 1.1, 3.0, 3.0, 3.0, 3.0]
    got = _replay(f"{UPTO} -j ACCEPT", [_udp(t=t) for t in times])
    assert got == ["ACCEPT"] * 3 + ["DROP", "ACCEPT", "ACCEPT", "DROP"] + ["ACCEPT"] * 3 + ["DROP"]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("", ["ACCEPT", "DROP", "DROP", "DROP"]),  # one bucket for every packet
        ("--hashlimit-mode srcip", ["ACCEPT", "DROP", "ACCEPT", "DROP"]),
        ("--hashlimit-mode dstport", ["ACCEPT", "DROP", "DROP", "ACCEPT"]),
        ("--hashlimit-mode srcip,dstport", ["ACCEPT", "DROP", "ACCEPT", "ACCEPT"]),
        ("--hashlimit-mode srcip --hashlimit-srcmask 24", ["ACCEPT", "DROP", "DROP", "DROP"]),
        ("--hashlimit-mode srcip --hashlimit-srcmask 0", ["ACCEPT", "DROP", "DROP", "DROP"]),
    ],
)
def test_buckets_are_keyed_by_the_mode(mode, expected):
    rule = f"-A INPUT -m hashlimit --hashlimit-upto 1/min --hashlimit-burst 1 {mode} "
    rule += "--hashlimit-name k -j ACCEPT"
    pkts = [
        _udp(src="192.0.2.1", dport=53),
        _udp(src="192.0.2.1", dport=53),
        _udp(src="192.0.2.9", dport=53),
        _udp(src="192.0.2.1", sport=1, dport=123),
    ]
    assert _replay(rule, pkts) == expected


def test_above_matches_what_upto_would_not():
    rule = "-A INPUT -m hashlimit --hashlimit-above 1/min --hashlimit-burst 2 "
    rule += "--hashlimit-name a -j ACCEPT"
    assert _replay(rule, [_udp()] * 4) == ["DROP", "DROP", "ACCEPT", "ACCEPT"]


def test_an_idle_bucket_is_forgotten_after_expire():
    rule = "-A INPUT -m hashlimit --hashlimit-upto 1/hour --hashlimit-burst 1 "
    rule += "--hashlimit-name e --hashlimit-htable-expire 2000 -j ACCEPT"
    got = _replay(rule, [_udp(t=t) for t in (0, 1.9, 3.8, 5.9)])
    assert got == ["ACCEPT", "DROP", "DROP", "ACCEPT"]  # 3.8 is only 1.9 s after 1.9


def test_rules_naming_one_table_share_its_buckets():
    rules = [
        "-P INPUT DROP",
        "-A INPUT -p udp --dport 53 -m hashlimit --hashlimit-upto 1/min --hashlimit-burst 1 "
        "--hashlimit-name shared -j ACCEPT",
        "-A INPUT -p udp --dport 54 -m hashlimit --hashlimit-upto 1/min --hashlimit-burst 1 "
        "--hashlimit-name shared -j ACCEPT",
    ]
    fw = Firewall.from_iptables(rules)
    assert fw.replay([_udp(dport=53), _udp(dport=54)]).actions == ["ACCEPT", "DROP"]


def test_alone_and_in_a_batch_a_packet_finds_a_full_bucket():
    fw = Firewall.from_iptables(["-P INPUT DROP", f"{UPTO} -j ACCEPT"])
    pkts = [_udp(), _udp()]
    assert [fw.evaluate(p).action for p in pkts] == ["ACCEPT", "ACCEPT"]
    assert list(fw.evaluate_batch(PacketBatch.from_packets(pkts)).action) == ["ACCEPT"] * 2


def test_lint_never_claims_a_hashlimit_rule_catches_packets():
    report = lint([f"{UPTO} -j DROP", "-A INPUT -p udp -j ACCEPT"])
    assert "shadowed" not in report.kinds()


@pytest.mark.parametrize(
    ("options", "part"),
    [
        ("--hashlimit-upto 5/sec", "--hashlimit-upto 5/sec"),  # no name
        ("--hashlimit-name x", "--hashlimit-name x"),  # no rate
        ("--hashlimit-upto 5/sec --hashlimit-above 5/sec --hashlimit-name x", "--hashlimit-upto"),
        ("--hashlimit-upto 5/fortnight --hashlimit-name x", "--hashlimit-upto 5/fortnight"),
        ("--hashlimit-upto 2000000/sec --hashlimit-name x", "--hashlimit-upto 2000000/sec"),
        ("--hashlimit-upto 5kb/s --hashlimit-name x", "--hashlimit-upto 5kb/s"),
        ("--hashlimit-upto ５/sec --hashlimit-name x", "--hashlimit-upto ５/sec"),
        ("--hashlimit-upto 5 --hashlimit-mode srcip,mac --hashlimit-name x", "--hashlimit-mode"),
        ("--hashlimit-upto 5 --hashlimit-srcmask 33 --hashlimit-name x", "--hashlimit-srcmask"),
        ("--hashlimit-upto 5 --hashlimit-name a-name-too-long-x", "--hashlimit-name"),
        ("! --hashlimit-upto 5 --hashlimit-name x", "! --hashlimit-upto"),
    ],
)
def test_what_iptables_refuses_is_refused(options, part):
    with pytest.raises(RuleError) as caught:
        Firewall.from_iptables(f"-A INPUT -m hashlimit {options} -j ACCEPT")
    assert caught.value.problems[0].part.startswith(part), caught.value


def test_explain_reads_the_rate_and_the_key():
    from netcourse.firewall import explain

    text = explain(
        "-A INPUT -m hashlimit --hashlimit-above 30/min --hashlimit-burst 10 "
        "--hashlimit-mode srcip --hashlimit-name ssh -j DROP"
    ).summary
    assert "beyond 30 packets a minute, bursts of 10 (per srcip)" in text
