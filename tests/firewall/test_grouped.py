"""addrtype, limit and recent: read as iptables reads them, decided as xt_addrtype, xt_limit
and xt_recent decide (iptables-extensions(8)); expected values worked out by hand here."""

from __future__ import annotations

import numpy as np
import pytest

from netcourse.errors import RuleError
from netcourse.firewall import Firewall, Packet, PacketBatch, lint

_MACHINE = {"eth0": "198.18.0.2/24", "eth1": ("198.19.0.1/24", "198.19.5.1/32")}


@pytest.mark.parametrize(
    ("dst", "kind"),
    [
        ("198.18.0.2", "LOCAL"),
        ("198.19.5.1", "LOCAL"),
        ("127.0.0.1", "LOCAL"),
        ("127.8.8.8", "LOCAL"),
        ("198.18.0.255", "BROADCAST"),
        ("198.19.0.255", "BROADCAST"),
        ("255.255.255.255", "BROADCAST"),
        ("127.255.255.255", "BROADCAST"),
        ("0.0.0.0", "BROADCAST"),
        ("224.0.0.251", "MULTICAST"),
        ("239.255.255.250", "MULTICAST"),
        ("198.18.0.3", "UNICAST"),
        ("203.0.113.9", "UNICAST"),
    ],
)
def test_addrtype_classifies_as_the_kernels_routing_tables_do(dst, kind):
    for name in ("LOCAL", "BROADCAST", "MULTICAST", "UNICAST"):
        fw = Firewall.from_iptables(
            ["-P INPUT DROP", f"-A INPUT -m addrtype --dst-type {name} -j ACCEPT"],
            interfaces=_MACHINE,
        )
        verdict = fw.evaluate(Packet("udp", src="198.18.0.9", dst=dst))
        assert (verdict.action == "ACCEPT") == (name == kind), (dst, name)
        batch = fw.evaluate_batch(PacketBatch.from_packets([Packet("udp", dst=dst)]))
        assert batch.action.tolist() == [verdict.action]


def test_without_interfaces_only_loopback_is_local_and_negation_and_lists_work():
    fw = Firewall.from_iptables(
        ["-P INPUT DROP", "-A INPUT -m addrtype ! --dst-type LOCAL,BROADCAST -j ACCEPT"]
    )
    actions = [
        fw.evaluate(Packet("udp", dst=d)).action
        for d in ("127.0.0.1", "198.18.0.2", "255.255.255.255")
    ]
    assert actions == ["DROP", "ACCEPT", "DROP"]


def test_limit_iface_in_asks_about_the_arrival_interface_only():
    fw = Firewall.from_iptables(
        ["-P INPUT DROP", "-A INPUT -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT"],
        interfaces=_MACHINE,
    )
    on_eth0 = Packet("udp", dst="198.18.0.2", in_iface="eth0")
    on_eth1 = Packet("udp", dst="198.18.0.2", in_iface="eth1")
    assert [fw.evaluate(p).action for p in (on_eth0, on_eth1)] == ["ACCEPT", "DROP"]
    batch = fw.evaluate_batch(PacketBatch.from_packets([on_eth0, on_eth1]))
    assert batch.action.tolist() == ["ACCEPT", "DROP"]
    with pytest.raises(RuleError, match="OUTPUT packets have no input interface"):
        Firewall.from_iptables("-A OUTPUT -m addrtype --dst-type LOCAL --limit-iface-in -j DROP")


@pytest.mark.parametrize(
    ("line", "part"),
    [
        ("-A INPUT -m addrtype -j DROP", "-m addrtype"),
        ("-A INPUT -m addrtype --dst-type ANYCAST -j DROP", "--dst-type ANYCAST"),
        ("-A INPUT -m limit --limit 3/fortnight -j DROP", "--limit 3/fortnight"),
        ("-A INPUT -m limit --limit-burst 0 -j DROP", "--limit-burst 0"),
        ("-A INPUT -m limit --limit ３/s -j DROP", "--limit ３/s"),
        ("-A INPUT -m recent --name x -j DROP", "--name x"),
        ("-A INPUT -m recent --set --seconds 9 -j DROP", "--set --seconds 9"),
        ("-A INPUT -m recent --rcheck --hitcount 21 -j DROP", "--hitcount 21"),
        ("-A INPUT -m recent --rcheck --mask 1.2.3 -j DROP", "--mask 1.2.3"),
    ],
)
def test_bad_grouped_options_name_the_line_and_the_part(line, part):
    with pytest.raises(RuleError) as caught:
        Firewall.from_iptables(line)
    (problem,) = caught.value.problems
    assert (problem.line, problem.part) == (1, part)


def _pings(times, src="198.51.100.7"):
    return [
        Packet("icmp", src=src, dst="192.0.2.2", icmp_type="echo-request", time=t) for t in times
    ]


def test_limit_is_a_token_bucket_over_the_packets_times():
    fw = Firewall.from_iptables(
        ["-P INPUT DROP", "-A INPUT -m limit --limit 2/sec --limit-burst 3 -j ACCEPT"]
    )
    # three tokens at t=0; one back every 0.5 s, never more than three
    times = [0, 0, 0, 0, 0.4, 0.5, 0.6, 1.0, 5.0, 5.0, 5.0, 5.0]
    got = [v.action == "ACCEPT" for v in fw.replay(_pings(times)).verdicts]
    assert got == [True, True, True, False, False, True, False, True, True, True, True, False]
    # a packet judged alone meets a full bucket
    assert fw.evaluate(_pings([0])[0]).action == "ACCEPT"


def test_limit_defaults_to_three_an_hour_with_bursts_of_five():
    fw = Firewall.from_iptables(["-P INPUT DROP", "-A INPUT -m limit -j ACCEPT"])
    got = [v.action for v in fw.replay(_pings([0] * 6 + [1200])).verdicts]
    assert got == ["ACCEPT"] * 5 + ["DROP", "ACCEPT"]


_UFW_LIMIT = [
    "-P INPUT DROP",
    "-N limited",
    "-A limited -j REJECT",
    "-A INPUT -p tcp -m tcp --dport 22 -m recent --set --name ssh --rsource",
    "-A INPUT -p tcp -m tcp --dport 22 -m recent --update --seconds 30 --hitcount 6 "
    "--name ssh --rsource -j limited",
    "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT",
]


def _syns(times, src="198.51.100.7"):
    return [
        Packet("tcp", src=src, dst="192.0.2.2", sport=40000 + i, dport=22, flags="S", time=t)
        for i, t in enumerate(times)
    ]


def test_recent_counts_hits_like_ufws_limit_rule():
    fw = Firewall.from_iptables(_UFW_LIMIT)
    # each SYN is set (one stamp), then --update counts the stamps of the last 30 s: the
    # sixth SYN within 30 s finds 6 and is rejected; the update adds a stamp of its own too.
    got = [v.action for v in fw.replay(_syns([0, 1, 2, 3, 4, 5, 6, 100])).verdicts]
    assert got == ["ACCEPT"] * 5 + ["REJECT", "REJECT", "ACCEPT"]
    other = [v.action for v in fw.replay(_syns([0] * 5) + _syns([0], src="198.51.100.8")).verdicts]
    assert other == ["ACCEPT"] * 6  # lists are per source address


def test_recent_rcheck_remove_and_rdest():
    fw = Firewall.from_iptables(
        [
            "-P INPUT DROP",
            "-A INPUT -p udp -m udp --dport 1 -m recent --set --name knock --rdest",
            "-A INPUT -p udp -m udp --dport 2 -m recent --remove --name knock --rdest -j ACCEPT",
            "-A INPUT -p tcp -m recent --rcheck --name knock --rdest -j ACCEPT",
        ]
    )
    knock = Packet("udp", dst="192.0.2.2", dport=1)
    forget = Packet("udp", dst="192.0.2.2", dport=2)
    syn = Packet("tcp", dst="192.0.2.2", dport=22, flags="S")
    got = [v.action for v in fw.replay([syn, knock, syn, forget, forget, syn]).verdicts]
    assert got == ["DROP", "DROP", "ACCEPT", "ACCEPT", "DROP", "DROP"]
    with pytest.raises(RuleError, match="replay"):
        fw.evaluate_batch(PacketBatch.from_packets([syn]))


def test_a_rate_limited_rule_shadows_nothing_in_lint():
    report = lint(["-A INPUT -m limit --limit 3/min -j ACCEPT", "-A INPUT -j DROP"])
    assert not [f for f in report.findings if f.kind in ("shadowed", "after-catch-all")]


def test_batch_agrees_with_evaluate_on_addrtype_and_limit():
    rng = np.random.default_rng(7)
    fw = Firewall.from_iptables(
        [
            "-P INPUT DROP",
            "-A INPUT -m limit --limit 1/hour --limit-burst 1 -m addrtype --src-type UNICAST "
            "-j ACCEPT",
            "-A INPUT -m addrtype --dst-type BROADCAST --limit-iface-in -j ACCEPT",
        ],
        interfaces=_MACHINE,
    )
    pool = ["198.18.0.2", "198.18.0.255", "198.19.0.255", "224.0.0.1", "0.0.0.0", "203.0.113.1"]
    pkts = [
        Packet(
            "udp",
            src=str(rng.choice(pool)),
            dst=str(rng.choice(pool)),
            in_iface=str(rng.choice(["eth0", "eth1", "wlan0"])),
        )
        for _ in range(200)
    ]
    batch = fw.evaluate_batch(PacketBatch.from_packets(pkts))
    assert batch.action.tolist() == [fw.evaluate(p).action for p in pkts]


def test_one_addrtype_match_may_check_source_and_destination():
    fw = Firewall.from_iptables(
        [
            "-P INPUT DROP",
            "-A INPUT -m addrtype --src-type UNICAST ! --dst-type MULTICAST -j ACCEPT",
        ]
    )
    rule = fw.rule("INPUT", 1)
    assert [(m.which, m.negate) for m in rule.matches] == [("src", False), ("dst", True)]
    got = [
        fw.evaluate(Packet("udp", src=s, dst=d)).action
        for s, d in [
            ("192.0.2.1", "192.0.2.2"),
            ("192.0.2.1", "224.0.0.1"),
            ("0.0.0.0", "192.0.2.2"),
        ]
    ]
    assert got == ["ACCEPT", "DROP", "DROP"]
