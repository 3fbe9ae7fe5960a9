"""Firewall.traverse: the kernel's path through all tables, with conntrack and NAT.

Expected answers are worked out by hand from iptables(8) (the tables' chains and the order
of the hooks), iptables-extensions(8) (DNAT, SNAT, MASQUERADE, REDIRECT, conntrack) and the
kernel's rules that only a connection's first packet crosses the nat table.
"""

from __future__ import annotations

import pytest

from netcourse.errors import RuleError
from netcourse.firewall import ConnTrack, Firewall, Packet

ROUTER = {"eth0": "192.168.1.1/24", "eth1": ("203.0.113.5/24", "203.0.113.6/24")}
ALL_TABLES = """
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
"""
HOME = """
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i eth1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.1.10:80
-A POSTROUTING -o eth1 -j MASQUERADE
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -m conntrack --ctstate DNAT -j ACCEPT
-A FORWARD -i eth0 -o eth1 -j ACCEPT
COMMIT
"""


def out(src="192.168.1.20", dst="198.51.100.80", sport=51000, dport=443, flags="S", **kw):
    """A packet from the LAN (eth0) to the internet (eth1)."""
    return Packet(
        "tcp", src=src, dst=dst, sport=sport, dport=dport, flags=flags, in_iface="eth0",
        out_iface="eth1", **kw,
    )  # fmt: skip


def inbound(src="198.51.100.80", dst="203.0.113.5", sport=443, dport=51000, flags="SA"):
    """A packet from the internet (eth1) towards the LAN (eth0)."""
    return Packet(
        "tcp", src=src, dst=dst, sport=sport, dport=dport, flags=flags, in_iface="eth1",
        out_iface="eth0",
    )  # fmt: skip


def chains(t):
    return [(s.table, s.chain) for s in t.steps]


def test_a_forwarded_first_packet_crosses_every_table_in_the_kernels_order():
    t = Firewall.from_iptables(ALL_TABLES).traverse(out(), interfaces=ROUTER)
    assert (t.action, t.delivered) == ("ACCEPT", "forwarded")
    assert chains(t) == [
        ("raw", "PREROUTING"),
        ("mangle", "PREROUTING"),
        ("nat", "PREROUTING"),
        ("mangle", "FORWARD"),
        ("filter", "FORWARD"),
        ("mangle", "POSTROUTING"),
        ("nat", "POSTROUTING"),
    ]
    assert all(s.rule_number is None and s.target == "ACCEPT" for s in t.steps)


def test_a_local_packet_crosses_nat_input_after_filter_input():
    t = Firewall.from_iptables(ALL_TABLES).traverse(
        inbound(dst="203.0.113.6", flags="S"), interfaces=ROUTER
    )
    assert t.delivered == "local"
    assert chains(t) == [
        ("raw", "PREROUTING"),
        ("mangle", "PREROUTING"),
        ("nat", "PREROUTING"),
        ("mangle", "INPUT"),
        ("filter", "INPUT"),
        ("nat", "INPUT"),
    ]
    assert t.packet.out_iface is None


def test_the_machines_own_packet_takes_output_then_postrouting():
    pkt = Packet("udp", src="203.0.113.5", dst="198.51.100.53", dport=53, in_iface=None)
    t = Firewall.from_iptables(ALL_TABLES).traverse(pkt, interfaces=ROUTER)
    assert t.delivered == "sent"
    assert chains(t) == [
        ("raw", "OUTPUT"),
        ("mangle", "OUTPUT"),
        ("nat", "OUTPUT"),
        ("filter", "OUTPUT"),
        ("mangle", "POSTROUTING"),
        ("nat", "POSTROUTING"),
    ]


def test_later_packets_and_replies_skip_the_nat_table():
    fw, ct = Firewall.from_iptables(ALL_TABLES), ConnTrack()
    fw.traverse(out(), interfaces=ROUTER, conntrack=ct)
    again = fw.traverse(out(), interfaces=ROUTER, conntrack=ct)  # a retransmitted SYN
    reply = fw.traverse(inbound(dst="192.168.1.20"), interfaces=ROUTER, conntrack=ct)
    for t in (again, reply):
        assert "nat" not in {s.table for s in t.steps}
    assert again.state == "NEW" and reply.state == "ESTABLISHED"


def test_only_declared_tables_have_steps():
    fw = Firewall.from_iptables(["-P FORWARD DROP"])
    t = fw.traverse(out(), interfaces=ROUTER)
    assert (t.action, t.delivered, chains(t)) == ("DROP", None, [("filter", "FORWARD")])


def test_masquerade_takes_the_out_interfaces_primary_address_and_keeps_the_port():
    fw, ct = Firewall.from_iptables(HOME), ConnTrack()
    t = fw.traverse(out(), interfaces=ROUTER, conntrack=ct)
    assert t.packet.describe() == "tcp 203.0.113.5:51000 -> 198.51.100.80:443 [S]"
    nat = [s for s in t.steps if s.table == "nat"]
    assert [(s.chain, s.rule_number, s.target) for s in nat] == [
        ("PREROUTING", None, "ACCEPT"),  # the DNAT rule wants eth1 and port 8080
        ("POSTROUTING", 1, "MASQUERADE"),
    ]
    (entry,) = ct.table()
    assert (entry.reply_src, entry.reply_dst, entry.reply_sport, entry.reply_dport) == (
        "198.51.100.80",
        "203.0.113.5",
        443,
        51000,
    )
    assert "src=198.51.100.80 dst=203.0.113.5 sport=443 dport=51000" in repr(entry)
    back = fw.traverse(inbound(), interfaces=ROUTER, conntrack=ct)
    assert back.packet.describe() == "tcp 198.51.100.80:443 -> 192.168.1.20:51000 [SA]"
    assert (back.action, back.delivered, back.state) == ("ACCEPT", "forwarded", "ESTABLISHED")


def test_masquerade_changes_a_source_port_only_when_it_clashes():
    fw, ct = Firewall.from_iptables(HOME), ConnTrack()
    first = fw.traverse(out(), interfaces=ROUTER, conntrack=ct)
    second = fw.traverse(out(src="192.168.1.21"), interfaces=ROUTER, conntrack=ct)
    third = fw.traverse(out(src="192.168.1.22", sport=700), interfaces=ROUTER, conntrack=ct)
    assert first.packet.sport == 51000
    # 203.0.113.5:51000 -> 198.51.100.80:443 already answers the first connection; ports at
    # or above 1024 are remapped to 1024-65535 (the kernel picks at random; we pick the first)
    assert second.packet.src == "203.0.113.5" and second.packet.sport == 1024
    assert third.packet.sport == 700
    back = fw.traverse(inbound(dport=1024), interfaces=ROUTER, conntrack=ct)
    assert back.packet.describe() == "tcp 198.51.100.80:443 -> 192.168.1.21:51000 [SA]"


def test_a_port_forward_dnats_and_filter_forward_sees_the_new_destination():
    fw, ct = Firewall.from_iptables(HOME), ConnTrack()
    syn = inbound(src="198.51.100.9", dst="203.0.113.5", sport=33000, dport=8080, flags="S")
    t = fw.traverse(syn, interfaces=ROUTER, conntrack=ct)
    assert (t.action, t.delivered) == ("ACCEPT", "forwarded")
    assert t.packet.describe() == "tcp 198.51.100.9:33000 -> 192.168.1.10:80 [S]"
    forward = next(s for s in t.steps if s.chain == "FORWARD")
    assert (forward.rule_number, forward.packet.dst, forward.packet.dport) == (
        2,
        "192.168.1.10",
        80,
    )
    answer = Packet(
        "tcp", src="192.168.1.10", dst="198.51.100.9", sport=80, dport=33000, flags="SA",
        in_iface="eth0", out_iface="eth1",
    )  # fmt: skip
    back = fw.traverse(answer, interfaces=ROUTER, conntrack=ct)
    # un-DNATed: the client sees the address and port it connected to
    assert back.packet.describe() == "tcp 203.0.113.5:8080 -> 198.51.100.9:33000 [SA]"
    assert next(s for s in back.steps if s.chain == "FORWARD").rule_number == 1


def test_ctstate_snat_is_false_in_forward_for_the_first_packet_and_true_for_replies():
    text = HOME.replace(
        "-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n",
        "-A FORWARD -m conntrack --ctstate SNAT -j ACCEPT\n",
    )
    fw, ct = Firewall.from_iptables(text), ConnTrack()
    first = fw.traverse(out(), interfaces=ROUTER, conntrack=ct)
    assert next(s for s in first.steps if s.chain == "FORWARD").rule_number == 3
    back = fw.traverse(inbound(), interfaces=ROUTER, conntrack=ct)
    assert next(s for s in back.steps if s.chain == "FORWARD").rule_number == 1


def test_a_dropped_first_packet_leaves_no_binding():
    fw, ct = (
        Firewall.from_iptables(HOME.replace("-A FORWARD -i eth0", "-A FORWARD -i eth9")),
        ConnTrack(),
    )
    dropped = fw.traverse(out(), interfaces=ROUTER, conntrack=ct)
    assert (dropped.action, dropped.delivered, len(ct)) == ("DROP", None, 0)
    again = fw.traverse(out(), interfaces=ROUTER, conntrack=ct)
    assert ("nat", "PREROUTING") in chains(again)  # still a first packet


def test_invalid_packets_cross_no_nat_chain_and_are_not_translated():
    fw = Firewall.from_iptables(HOME)
    t = fw.traverse(out(flags="SA"), interfaces=ROUTER)  # a SYN-ACK nobody asked for
    assert t.state == "INVALID"
    assert "nat" not in {s.table for s in t.steps}
    assert t.packet.src == "192.168.1.20"


def test_snat_to_a_port_range_remaps_a_port_outside_it():
    text = (
        "*nat\n:POSTROUTING ACCEPT [0:0]\n"
        "-A POSTROUTING -p udp -j SNAT --to-source 203.0.113.6:2000-2001\nCOMMIT"
    )
    fw, ct = Firewall.from_iptables(text), ConnTrack()
    pkts = [
        Packet("udp", src="192.168.1.20", dst="198.51.100.53", sport=s, dport=53,
               in_iface="eth0", out_iface="eth1")
        for s in (2001, 5353, 5354)
    ]  # fmt: skip
    ports = [fw.traverse(p, interfaces=ROUTER, conntrack=ct).packet.sport for p in pkts]
    assert ports == [2001, 2000, 2000]  # in range: kept; else the first free; then none free


def test_redirect_goes_to_the_in_interfaces_first_address():
    text = (
        "*nat\n:PREROUTING ACCEPT [0:0]\n"
        "-A PREROUTING -i eth0 -p tcp --dport 80 -j REDIRECT --to-ports 3128\nCOMMIT"
    )
    t = Firewall.from_iptables(text).traverse(out(dport=80), interfaces=ROUTER)
    assert (t.delivered, t.packet.dst, t.packet.dport) == ("local", "192.168.1.1", 3128)


def test_dnat_output_rewrites_the_machines_own_packets():
    text = (
        "*nat\n:OUTPUT ACCEPT [0:0]\n"
        "-A OUTPUT -d 198.51.100.80 -p tcp -j DNAT --to-destination 192.168.1.10\nCOMMIT"
    )
    pkt = Packet("tcp", src="192.168.1.1", dst="198.51.100.80", dport=443, in_iface=None,
                 out_iface="eth0")  # fmt: skip
    t = Firewall.from_iptables(text).traverse(pkt, interfaces=ROUTER)
    assert (t.delivered, t.packet.dst, t.packet.dport) == ("sent", "192.168.1.10", 443)


def test_an_icmp_error_about_a_masqueraded_flow_is_translated_inside_and_out():
    fw, ct = Firewall.from_iptables(HOME), ConnTrack()
    query = Packet("udp", src="192.168.1.20", dst="198.51.100.53", sport=5353, dport=53,
                   in_iface="eth0", out_iface="eth1")  # fmt: skip
    sent = fw.traverse(query, interfaces=ROUTER, conntrack=ct).packet
    error = Packet(
        "icmp", src="198.51.100.53", dst="203.0.113.5", icmp_type=3, icmp_code=3,
        inner=sent, in_iface="eth1", out_iface="eth0",
    )  # fmt: skip
    t = fw.traverse(error, interfaces=ROUTER, conntrack=ct)
    assert (t.state, t.action) == ("RELATED", "ACCEPT")
    assert (t.packet.src, t.packet.dst) == ("198.51.100.53", "192.168.1.20")
    assert t.packet.inner.describe() == "udp 192.168.1.20:5353 -> 198.51.100.53:53"


def test_return_in_a_built_in_chain_applies_its_policy():
    text = "*mangle\n:FORWARD DROP [0:0]\n-A FORWARD -j RETURN\nCOMMIT"
    t = Firewall.from_iptables(text).traverse(out(), interfaces=ROUTER)
    assert chains(t) == [("mangle", "PREROUTING"), ("mangle", "FORWARD")]
    step = t.steps[1]
    assert (step.table, step.rule_number, step.target, t.action) == ("mangle", None, "DROP", "DROP")


def test_a_deciding_rule_in_a_user_chain_names_that_chain():
    text = "*filter\n:FORWARD ACCEPT [0:0]\n:LAN - [0:0]\n-A FORWARD -j LAN\n-A LAN -j DROP\nCOMMIT"
    (step,) = Firewall.from_iptables(text).traverse(out(), interfaces=ROUTER).steps
    assert (step.chain, step.rule_chain, step.rule_number, step.target) == (
        "FORWARD",
        "LAN",
        1,
        "DROP",
    )


def test_traverse_checks_its_arguments():
    fw = Firewall.from_iptables(HOME)
    with pytest.raises(TypeError, match="conntrack"):
        fw.traverse(out(), interfaces=ROUTER, conntrack={})
    with pytest.raises(RuleError, match="eth0"):
        fw.traverse(out(), interfaces={"eth0": "not an address"})


def test_evaluate_is_unchanged_by_nat_tables():
    fw = Firewall.from_iptables(HOME)
    verdict = fw.evaluate(out(), chain="FORWARD")
    assert (verdict.action, verdict.rule_number) == ("ACCEPT", 3)


# --- conntrack's own options and NOTRACK (iptables-extensions(8), conntrack and CT) -------

PORT_FORWARD_RULES = """
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i eth1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.1.10:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctdir REPLY --ctstatus SEEN_REPLY -j ACCEPT
-A FORWARD -p tcp -m conntrack --ctorigdst 203.0.113.5 --ctorigdstport 8080 -j ACCEPT
-A FORWARD -m conntrack --ctreplsrc 192.168.1.10 --ctrepldstport 33000 -j LOG
COMMIT
"""


def test_ctorigdst_and_ctorigdstport_see_the_address_before_dnat():
    fw, ct = Firewall.from_iptables(PORT_FORWARD_RULES), ConnTrack()
    syn = inbound(src="198.51.100.9", sport=33000, dport=8080, flags="S")
    t = fw.traverse(syn, interfaces=ROUTER, conntrack=ct)
    (forward,) = [s for s in t.steps if s.chain == "FORWARD"]
    # the packet now goes to 192.168.1.10:80, but the connection was opened to :8080
    assert (forward.rule_number, t.action) == (2, "ACCEPT")
    assert [v.number for v in forward.trace if v.matched] == [2]
    answer = Packet("tcp", src="192.168.1.10", dst="198.51.100.9", sport=80, dport=33000,
                    flags="SA", in_iface="eth0", out_iface="eth1")  # fmt: skip
    back = fw.traverse(answer, interfaces=ROUTER, conntrack=ct)
    (forward,) = [s for s in back.steps if s.chain == "FORWARD"]
    assert forward.rule_number == 1  # a reply, and conntrack marks SEEN_REPLY on the way in


def test_conntrack_options_never_match_without_a_connection():
    fw = Firewall.from_iptables(
        ["-P FORWARD DROP", "-A FORWARD -m conntrack ! --ctorigsrc 10.0.0.0/8 -j ACCEPT"]
    )
    invalid = fw.traverse(out(flags="SA"), interfaces=ROUTER)
    first = fw.traverse(out(), interfaces=ROUTER)
    assert (invalid.state, invalid.action) == ("INVALID", "DROP")
    assert (first.state, first.action) == ("NEW", "ACCEPT")


def test_ctstatus_confirmed_is_false_for_a_first_packet():
    fw = Firewall.from_iptables(
        ["-P FORWARD ACCEPT", "-A FORWARD -m conntrack --ctstatus CONFIRMED -j DROP"]
    )
    ct = ConnTrack()
    udp = Packet("udp", src="192.168.1.20", dst="198.51.100.53", sport=5353, dport=53,
                 in_iface="eth0", out_iface="eth1")  # fmt: skip
    actions = [fw.traverse(udp, interfaces=ROUTER, conntrack=ct).action for _ in range(2)]
    assert actions == ["ACCEPT", "DROP"]


def test_notrack_in_raw_leaves_the_packet_untracked_and_untranslated():
    text = HOME.replace(
        "*nat",
        "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        "-A PREROUTING -p udp -m udp --dport 53 -j CT --notrack\nCOMMIT\n*nat",
    ).replace(
        "-A FORWARD -i eth0 -o eth1 -j ACCEPT",
        "-A FORWARD -m conntrack --ctstate UNTRACKED -j ACCEPT",
    )
    fw, ct = Firewall.from_iptables(text), ConnTrack()
    udp = Packet("udp", src="192.168.1.20", dst="198.51.100.53", sport=5353, dport=53,
                 in_iface="eth0", out_iface="eth1")  # fmt: skip
    t = fw.traverse(udp, interfaces=ROUTER, conntrack=ct)
    assert (t.state, t.action, len(ct)) == ("UNTRACKED", "ACCEPT", 0)
    assert "nat" not in {s.table for s in t.steps}
    assert t.packet.src == "192.168.1.20"  # not masqueraded
    assert next(s for s in t.steps if s.chain == "FORWARD").rule_number == 3


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("-A PREROUTING -j CT --helper ftp", "only as CT --notrack"),
        ("-A PREROUTING -m conntrack --ctdir SIDEWAYS -j ACCEPT", "ORIGINAL or REPLY"),
        ("-A PREROUTING -m conntrack --ctstatus GONE -j ACCEPT", "not a status"),
        ("-A PREROUTING -m conntrack ! --ctdir REPLY -j ACCEPT", "cannot be negated"),
        ("-A PREROUTING -m conntrack --ctorigdstport 99999 -j ACCEPT", "expected a port"),
        ("-A PREROUTING -m conntrack --ctorigsrc 10.0.0.300 -j ACCEPT", "IPv4 address"),
    ],
)
def test_conntrack_and_ct_options_are_checked(line, words):
    with pytest.raises(RuleError, match=words):
        Firewall.from_iptables(f"*raw\n:PREROUTING ACCEPT [0:0]\n{line}\nCOMMIT")


def test_dockers_real_port_mapping_reaches_the_container():
    from netcourse.data import path

    fw = Firewall.from_iptables(path("rulesets", "docker-bridge.rules").read_text())
    host = {"eth0": "203.0.113.5/24", "docker0": "198.18.0.1/24"}
    ct = ConnTrack()
    syn = Packet("tcp", src="198.51.100.9", dst="203.0.113.5", sport=33000, dport=8080,
                 in_iface="eth0", out_iface="eth0")  # fmt: skip
    t = fw.traverse(syn, interfaces=host, conntrack=ct)
    # addrtype LOCAL sends it to DOCKER, whose DNAT moves it to the container; routed again,
    # it leaves by docker0, where filter's DOCKER chain lets port 80 in
    assert (t.action, t.delivered) == ("ACCEPT", "forwarded")
    assert (t.packet.dst, t.packet.dport, t.packet.out_iface) == ("198.18.0.2", 80, "docker0")
    forward = next(s for s in t.steps if s.chain == "FORWARD")
    assert (forward.rule_chain, forward.rule_number) == ("DOCKER", 1)
    direct = Packet("tcp", src="198.51.100.9", dst="198.18.0.2", dport=80, in_iface="eth0",
                    out_iface="docker0")  # fmt: skip
    raw = fw.traverse(direct, interfaces=host).steps[0]  # no direct access from outside
    assert (raw.table, raw.rule_number, raw.target) == ("raw", 1, "DROP")


def test_limit_and_recent_remember_across_traversals_with_one_conntrack():
    fw = Firewall.from_iptables(
        ["-P FORWARD DROP", "-A FORWARD -m limit --limit 1/hour --limit-burst 2 -j ACCEPT"]
    )
    ct = ConnTrack()
    udp = [
        Packet("udp", src="192.168.1.20", dst="198.51.100.53", sport=5000 + i, dport=53,
               in_iface="eth0", out_iface="eth1")
        for i in range(3)
    ]  # fmt: skip
    actions = [fw.traverse(p, interfaces=ROUTER, conntrack=ct).action for p in udp]
    assert actions == ["ACCEPT", "ACCEPT", "DROP"]  # a bucket of 2, refilled once an hour


MARKS = """
*mangle
:PREROUTING ACCEPT [0:0]
-A PREROUTING -i eth0 -j MARK --set-mark 0x5
-A PREROUTING -m connmark --mark 0x0 -j CONNMARK --set-mark 0x7
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i eth0 -m mark --mark 0x5 -j ACCEPT
-A FORWARD -i eth1 -m connmark --mark 0x7 -j ACCEPT
COMMIT
"""


def step(t, table, chain):
    (found,) = [s for s in t.steps if (s.table, s.chain) == (table, chain)]
    return found


def test_a_mark_set_in_mangle_prerouting_is_seen_by_filter_forward():
    """MARK rewrites the packet's mark (skb->mark), which every later hook reads."""
    t = Firewall.from_iptables(MARKS).traverse(out(), interfaces=ROUTER, conntrack=ConnTrack())
    assert t.action == "ACCEPT" and step(t, "filter", "FORWARD").rule_number == 1
    assert t.packet.mark == 5


def test_a_connection_mark_set_on_the_first_packet_is_read_by_its_reply():
    """CONNMARK --set-mark marks the connection (ct->mark); the reply is unmarked itself but
    belongs to that connection, so ``-m connmark`` matches it: FORWARD rule 2 accepts it."""
    fw, ct = Firewall.from_iptables(MARKS), ConnTrack()
    assert fw.traverse(out(), interfaces=ROUTER, conntrack=ct).action == "ACCEPT"
    reply = inbound(src="198.51.100.80", dst="192.168.1.20")
    t = fw.traverse(reply, interfaces=ROUTER, conntrack=ct)
    assert (t.action, step(t, "filter", "FORWARD").rule_number, t.packet.mark) == ("ACCEPT", 2, 0)
    assert t.packet.ctmark == 7
    stranger = inbound(src="198.51.100.81", dst="192.168.1.20", flags="S")
    assert fw.traverse(stranger, interfaces=ROUTER, conntrack=ct).packet.ctmark == 7  # new conn
    lone = Firewall.from_iptables(MARKS.replace("0x7", "0x8", 1))  # marks 8; FORWARD wants 7
    assert lone.traverse(reply, interfaces=ROUTER, conntrack=ConnTrack()).action == "DROP"


TTL = """
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m ttl --ttl-eq 64 -j ACCEPT
-A FORWARD -m ttl --ttl-eq 63 -j ACCEPT
COMMIT
"""


def test_a_router_lowers_the_ttl_before_forward_but_not_before_input():
    """ip_forward() decrements the TTL before the FORWARD hook (and drops a packet whose TTL
    would reach 0, answering time exceeded); a packet for the machine keeps its TTL."""
    fw = Firewall.from_iptables(TTL)
    t = fw.traverse(out(ttl=64), interfaces=ROUTER, conntrack=ConnTrack())
    assert (t.action, t.delivered, t.packet.ttl) == ("ACCEPT", "forwarded", 63)
    mine = out(dst="192.168.1.1", ttl=64)
    t = fw.traverse(mine, interfaces=ROUTER, conntrack=ConnTrack())
    assert (t.action, t.delivered, t.packet.ttl) == ("ACCEPT", "local", 64)
    t = fw.traverse(out(ttl=1), interfaces=ROUTER, conntrack=ConnTrack())
    assert t.action == "DROP" and ("filter", "FORWARD") not in chains(t)
