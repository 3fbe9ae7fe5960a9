"""mark and connmark matches, MARK and CONNMARK targets: answers worked from
iptables-extensions(8), which defines each operation on the bits."""

import pytest

from netcourse.errors import RuleError
from netcourse.firewall import Firewall, Packet, explain
from netcourse.firewall.marks import apply_mark, mark_operation, read_xt_number


def _after(target: str, options: str, *, mark: int = 0, ctmark: int = 0, state: str = "NEW"):
    op = mark_operation(target, tuple(options.split()))
    pkt = apply_mark(op, Packet("udp", mark=mark, ctmark=ctmark), state)
    return pkt.mark, pkt.ctmark


# (options, nfmark before, nfmark after): "--set-xmark value/mask: Zeroes out the bits given
# by mask and XORs value into the packet mark"; --set-mark ORs instead; --and/--or/--xor-mark
# are binary AND, OR, XOR with bits.
MARK_CASES = [
    ("--set-xmark 0x1/0xff", 0x1F3, 0x101),
    ("--set-xmark 0x3/0x1", 0x3, 0x1),  # 0x3 & ~0x1 = 0x2, ^ 0x3 = 0x1
    ("--set-mark 0x1/0xff", 0x1F3, 0x101),
    ("--set-mark 0x3/0x1", 0x0, 0x3),  # zero bit 0, OR 0x3 in
    ("--set-mark 7", 0xFFFF, 0x7),
    ("--and-mark 0x5", 0xFF, 0x5),
    ("--or-mark 0x4", 0x1, 0x5),
    ("--xor-mark 0x3", 0x1, 0x2),
    ("--set-xmark 010", 0, 8),  # iptables reads 010 as octal
]


@pytest.mark.parametrize(("options", "before", "after"), MARK_CASES)
def test_mark_target_does_what_the_manual_says(options, before, after):
    assert _after("MARK", options, mark=before) == (after, 0)


# CONNMARK: --save-mark: ctmark = (ctmark & ~ctmask) ^ (nfmark & nfmask); --restore-mark:
# nfmark = (nfmark & ~nfmask) ^ (ctmark & ctmask); --mask sets both masks.
CONNMARK_CASES = [
    ("--set-mark 1", 0x9, 0x6, 0x9, 0x1),
    ("--set-xmark 0x2/0x3", 0, 0x7, 0, 0x6),
    ("--save-mark", 0x9, 0x6, 0x9, 0x9),
    ("--save-mark --mask 0x3", 0xB, 0x4, 0xB, 0x7),
    ("--save-mark --nfmask 0x1 --ctmask 0xf", 0xB, 0xF0, 0xB, 0xF1),
    ("--restore-mark", 0x9, 0x6, 0x6, 0x6),
    ("--restore-mark --nfmask 0x1 --ctmask 0x5", 0x8, 0x7, 0xD, 0x7),  # 8 ^ (7 & 5)
    ("--or-mark 2", 0, 1, 0, 3),
]


@pytest.mark.parametrize(
    ("options", "mark", "ctmark", "mark_after", "ctmark_after"), CONNMARK_CASES
)
def test_connmark_target_does_what_the_manual_says(options, mark, ctmark, mark_after, ctmark_after):
    assert _after("CONNMARK", options, mark=mark, ctmark=ctmark) == (mark_after, ctmark_after)


def test_an_invalid_packet_has_no_connection_to_mark_or_match():
    assert _after("CONNMARK", "--set-mark 1", ctmark=0, state="INVALID") == (0, 0)
    assert _after("CONNMARK", "--restore-mark", ctmark=5, state="INVALID") == (0, 5)
    fw = Firewall.from_iptables(["-A INPUT -m connmark ! --mark 1 -j DROP"])
    lone_synack = Packet("tcp", flags="SA")
    assert fw.evaluate(lone_synack).state == "INVALID"
    assert fw.evaluate(lone_synack).action == "ACCEPT"  # no connection: even ! fails
    assert fw.evaluate(Packet("tcp", flags="S")).action == "DROP"


def test_mark_match_masks_then_compares():
    fw = Firewall.from_iptables(["-A INPUT -m mark --mark 0x1/0x1 -j DROP"])
    assert [fw.evaluate(Packet("udp", mark=m)).action for m in (1, 3, 2, 0)] == [
        "DROP",
        "DROP",
        "ACCEPT",
        "ACCEPT",
    ]
    fw = Firewall.from_iptables(["-A INPUT -m mark --mark 0x2/0x1 -j DROP"])  # never matches
    assert {fw.evaluate(Packet("udp", mark=m)).action for m in range(8)} == {"ACCEPT"}


def test_later_rules_see_the_mark_an_earlier_rule_set():
    fw = Firewall.from_iptables(
        [
            "-P INPUT DROP",
            "-N TAG",
            "-A TAG -p tcp --dport 22 -j MARK --set-mark 0x10",
            "-A INPUT -j TAG",
            "-A INPUT -m mark --mark 0x10 -j ACCEPT",
        ]
    )
    verdict = fw.evaluate(Packet("tcp", dport=22))
    assert (verdict.action, verdict.rule_number, verdict.packet.mark) == ("ACCEPT", 2, 0x10)
    assert fw.evaluate(Packet("tcp", dport=23)).action == "DROP"


def test_replay_keeps_the_connection_mark_in_the_conntrack_table():
    fw = Firewall.from_iptables(
        [
            "-P FORWARD DROP",
            "-A FORWARD -j CONNMARK --restore-mark",
            "-A FORWARD -m mark --mark 1 -j ACCEPT",
            "-A FORWARD -p tcp --dport 22 -m conntrack --ctstate NEW -j MARK --set-mark 1",
            "-A FORWARD -j CONNMARK --save-mark",
            "-A FORWARD -m mark --mark 1 -j ACCEPT",
        ]
    )
    syn = Packet("tcp", src="198.18.0.1", dst="198.18.1.1", dport=22)
    other = Packet("tcp", src="198.18.0.1", dst="198.18.1.1", dport=80)
    result = fw.replay([syn, syn.reply(), other, other.reply()], chain="FORWARD")
    assert result.actions == ["ACCEPT", "ACCEPT", "DROP", "DROP"]
    assert [v.rule_number for v in result.verdicts[:2]] == [5, 2]  # the reply: restored mark


@pytest.mark.parametrize(
    ("line", "part"),
    [
        ("-A INPUT -j MARK", "-j MARK"),
        ("-A INPUT -j MARK --set-mark 1 --or-mark 2", "--or-mark"),
        ("-A INPUT -j MARK --set-mark 0x100000000", "--set-mark 0x100000000"),
        ("-A INPUT -j MARK --set-mark -1", "--set-mark -1"),
        ("-A INPUT -j MARK --save-mark", "--save-mark"),
        ("-A INPUT -j CONNMARK --set-mark 1 --mask 3", "--mask"),
        ("-A INPUT -j CONNMARK --save-mark --mask 3 --ctmask 1", "--mask"),
        ("-A INPUT -j CONNMARK --save-mark --restore-mark", "--restore-mark"),
        ("-A INPUT -m mark -j DROP", "-m mark"),
        ("-A INPUT -m mark --mark １ -j DROP", "--mark １"),
        ("-A INPUT -m mark --mark 1/x -j DROP", "--mark 1/x"),
        ("-A INPUT -j MARK ! --set-mark 1", "! --set-mark"),
    ],
)
def test_what_iptables_refuses_is_refused(line, part):
    with pytest.raises(RuleError) as caught:
        Firewall.from_iptables(line)
    assert caught.value.problems[0].part == part, caught.value


def test_numbers_are_read_as_iptables_reads_them():
    assert [read_xt_number(t, 2**32 - 1) for t in ("0x1F", "017", "+9", "0", "00")] == [
        31,
        15,
        9,
        0,
        0,
    ]
    assert [read_xt_number(t, 255) for t in ("", "0x", "08", "1e3", "٣", "256")] == [None] * 6


def test_batch_equals_evaluate_with_marks():
    fw = Firewall.from_iptables(
        [
            "-A INPUT -j CONNMARK --restore-mark --nfmask 0x3 --ctmask 0x3",
            "-A INPUT -p udp -j MARK --or-mark 0x4",
            "-A INPUT -m mark --mark 0x5/0x5 -j DROP",
            "-A INPUT -m connmark --mark 0x2/0x2 -j REJECT",
        ]
    )
    pkts = [Packet("udp", ctmark=c) for c in range(4)] + [Packet("tcp", ctmark=2, flags="SA")]
    batch = fw.evaluate_batch(pkts)
    assert list(batch.action) == [fw.evaluate(p).action for p in pkts]
    assert list(batch.action) == ["ACCEPT", "DROP", "REJECT", "DROP", "ACCEPT"]


def test_explain_says_what_a_mark_rule_does():
    parts = explain("-A PREROUTING -j CONNMARK --save-mark --mask 0xff").parts
    assert "copy the packet's mark into its connection's mark" in parts[-1].meaning
    assert "mark" in explain("-A INPUT -m mark --mark 1 -j ACCEPT").summary
