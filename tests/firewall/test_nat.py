"""IPv6 NAT as ip6tables and the kernel do it: the bracketed --to-destination syntax (accepted
and refused as ip6tables 1.8.9 does, measured), MASQUERADE, REDIRECT, SNAT and DNAT of IPv6
packets and their replies, ICMPv6 echo ids and errors. The kernel itself judges the same
targets in tests/firewall/test_kernel_router6.py."""

from __future__ import annotations

import pytest

from netcourse.errors import RuleError
from netcourse.firewall import ConnTrack, Firewall, Packet
from netcourse.firewall.nat import NatRange, pick_address
from netcourse.firewall.targets import split_nat_to

ROUTER6 = {"eth0": "fd00::2/64", "eth1": ("fd00:1::2/64", "fd00:1::3/64")}


def _nat6(rule: str) -> Firewall:
    return Firewall.from_iptables(f"*nat\n{rule}\nCOMMIT", family=6)


#: Values ip6tables 1.8.9 accepted, with what ip6tables-save printed for each.
ACCEPTED = {
    "[fd00::1]:80": ("fd00::1", "80"),
    "fd00::1": ("fd00::1", None),
    "fd00::1-fd00::9": ("fd00::1-fd00::9", None),
    "[fd00::1]": ("fd00::1", None),
    "fd00::1:80": ("fd00::1:80", None),  # no brackets: all of it is the address
    ":80": ("", "80"),
    "[::ffff:1.2.3.4]": ("::ffff:1.2.3.4", None),
    "[fd00::1]:ssh": ("fd00::1", "ssh"),
    "[fd00::1-fd00::9]:80-90": ("fd00::1-fd00::9", "80-90"),
    "fd00::9-fd00::1": ("fd00::9-fd00::1", None),  # a reversed range is taken as it is
    "[fd00::1]80": ("fd00::1", None),  # after ']' only a colon starts the ports
    "[]:80": ("", "80"),
}
#: Values ip6tables 1.8.9 refused ("Port `:9]:80-90' not valid", "Bad IP address" ...).
REFUSED = [
    "[fd00::1]-[fd00::9]:80-90",
    "[fd00::9]-[fd00::1]",
    "[fd00::1]:",
    "[fd00::1]:80-70",
    "[fd00::1",
    "fd00::1]:80",
    "[fd00::1]-fd00::9",
    "[fd00::1]:80:90",
    "198.18.0.1",
    "[fd00::1]-[fd00::9]",
    "[fd00::1]:80-",
    "fd00::/64",
    "[fd00::1]:65536",
    "[ fd00::1]",
    "fe80::1%eth0",
    "[fd00::1]:080",
    "[fd00::1]:80-0090",
]


@pytest.mark.parametrize("value", sorted(ACCEPTED))
def test_ip6tables_dnat_values_it_accepts_are_read(value):
    fw = _nat6(f"-A PREROUTING -p tcp -j DNAT --to-destination {value}")
    assert fw.ruleset.tables["nat"]["PREROUTING"].rules[0].target_options[1] == value
    assert split_nat_to(value, 6) == ACCEPTED[value]


@pytest.mark.parametrize("value", REFUSED)
def test_ip6tables_dnat_values_it_refuses_are_refused_naming_the_option(value):
    with pytest.raises(RuleError, match=r"--to-destination"):
        _nat6(f"-A PREROUTING -p tcp -j DNAT --to-destination {value}")


def test_an_ipv6_port_needs_tcp_or_udp_and_ipv4_keeps_its_syntax():
    with pytest.raises(RuleError, match="needs -p tcp or -p udp"):
        _nat6("-A PREROUTING -j DNAT --to-destination [fd00::1]:80")
    with pytest.raises(RuleError, match="--to-source"):
        Firewall.from_iptables("*nat\n-A POSTROUTING -j SNAT --to-source [198.18.0.1]\nCOMMIT")
    for refused in ("198.18.0.1:00080", "198.18.0.1:80-"):  # iptables 1.8.9 refuses both
        with pytest.raises(RuleError, match="--to-destination"):
            Firewall.from_iptables(
                f"*nat\n-A PREROUTING -p tcp -j DNAT --to-destination {refused}\nCOMMIT"
            )
    fw = Firewall.from_iptables(
        "*nat\n-A PREROUTING -p tcp -j DNAT --to-destination 198.18.0.1:80\nCOMMIT"
    )
    assert fw.ruleset.tables["nat"]["PREROUTING"].rules[0].target == "DNAT"


def test_ipv6_masquerade_takes_the_out_interfaces_address_and_replies_are_un_natted():
    fw, ct = _nat6("-A POSTROUTING -o eth1 -j MASQUERADE"), ConnTrack()
    out = Packet("tcp", src="fd00::20", dst="fd00:1::80", sport=51000, dport=443,
                 in_iface="eth0", out_iface="eth1")  # fmt: skip
    t = fw.traverse(out, interfaces=ROUTER6, conntrack=ct)
    assert t.packet.describe() == "tcp [fd00:1::2]:51000 -> [fd00:1::80]:443 [S]"
    back = Packet("tcp", src="fd00:1::80", dst="fd00:1::2", sport=443, dport=51000,
                  flags="SA", in_iface="eth1", out_iface="eth0")  # fmt: skip
    t = fw.traverse(back, interfaces=ROUTER6, conntrack=ct)
    assert (t.state, t.delivered) == ("ESTABLISHED", "forwarded")
    assert t.packet.describe() == "tcp [fd00:1::80]:443 -> [fd00::20]:51000 [SA]"


def test_ipv6_masquerade_on_a_dual_stack_interface_takes_its_ipv6_address():
    fw = _nat6("-A POSTROUTING -o eth1 -j MASQUERADE")
    both = {"eth0": ("198.18.0.2/24", "fd00::2/64"), "eth1": ("198.19.0.2/24", "fd00:1::9/64")}
    out = Packet("udp", src="fd00::20", dst="fd00:1::80", sport=5000, dport=53,
                 in_iface="eth0", out_iface="eth1")  # fmt: skip
    assert fw.traverse(out, interfaces=both, conntrack=ConnTrack()).packet.src == "fd00:1::9"


def test_ipv6_dnat_port_forward_with_brackets_and_its_reply():
    fw, ct = _nat6("-A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination "
                   "[fd00::20]:80"), ConnTrack()  # fmt: skip
    syn = Packet("tcp", src="fd00:1::80", dst="fd00:1::2", sport=40000, dport=8080,
                 in_iface="eth1", out_iface="eth0")  # fmt: skip
    t = fw.traverse(syn, interfaces=ROUTER6, conntrack=ct)
    assert (t.delivered, t.packet.dst, t.packet.dport) == ("forwarded", "fd00::20", 80)
    assert t.packet.out_iface == "eth0"
    back = Packet("tcp", src="fd00::20", dst="fd00:1::80", sport=80, dport=40000, flags="SA",
                  in_iface="eth0", out_iface="eth1")  # fmt: skip
    t = fw.traverse(back, interfaces=ROUTER6, conntrack=ct)
    assert (t.packet.src, t.packet.sport) == ("fd00:1::2", 8080)


def test_ipv6_redirect_takes_the_first_address_of_the_destinations_scope():
    fw = _nat6("-A PREROUTING -p udp --dport 53 -j REDIRECT --to-ports 5353\n"
               "-A OUTPUT -p udp --dport 53 -j REDIRECT --to-ports 5353")  # fmt: skip
    lan = {"eth0": ("fe80::1/64", "fd00::2/64", "fd00::3/64")}
    query = Packet("udp", src="fd00::20", dst="fd00:9::53", sport=5000, dport=53,
                   in_iface="eth0", out_iface="eth0")  # fmt: skip
    t = fw.traverse(query, interfaces=lan, conntrack=ConnTrack())
    assert (t.delivered, t.packet.dst, t.packet.dport) == ("local", "fd00::2", 5353)
    link = Packet("udp", src="fe80::20", dst="fe80::99", sport=5000, dport=53,
                  in_iface="eth0", out_iface="eth0")  # fmt: skip
    assert fw.traverse(link, interfaces=lan, conntrack=ConnTrack()).packet.dst == "fe80::1"
    own = Packet("udp", src="fd00::2", dst="fd00:9::53", sport=5000, dport=53, in_iface=None,
                 out_iface="eth0")  # fmt: skip
    assert fw.traverse(own, interfaces=lan, conntrack=ConnTrack()).packet.dst == "::1"


def test_ipv6_snat_to_a_range_picks_inside_it_and_keeps_one_source_on_one_address():
    fw, ct = _nat6("-A POSTROUTING -o eth1 -j SNAT --to-source fd00:1::10-fd00:1::1f"), ConnTrack()
    chosen = set()
    for port in range(40000, 40020):
        pkt = Packet("udp", src="fd00::20", dst="fd00:1::80", sport=port, dport=53,
                     in_iface="eth0", out_iface="eth1")  # fmt: skip
        src = fw.traverse(pkt, interfaces=ROUTER6, conntrack=ct).packet.src
        assert 0x10 <= int(src.rsplit(":", 1)[1], 16) <= 0x1F
        chosen.add(src)
    assert len(chosen) == 1  # the kernel hashes addresses only: one source, one mapping


def test_pick_address_for_ipv6_stays_inside_a_range_across_words():
    lo, hi = int.from_bytes(bytes.fromhex("fd00" + "00" * 11 + "01ffff"), "big"), None
    hi = lo + 0x20000  # the range crosses a 32-bit word's boundary
    for n in range(50):
        pkt = Packet("tcp", src=f"fd00:9::{n:x}", dst="fd00:1::80", sport=1, dport=2)
        for manip in ("src", "dst"):
            assert lo <= pick_address(pkt, lo, hi, manip=manip) <= hi
    assert pick_address(Packet("udp", src="fd00::1", dst="fd00::2"), 5, 5, manip="dst") == 5
    assert NatRange(lo=lo).hi == lo


def test_ipv6_echo_ids_are_ports_and_a_clash_moves_the_id():
    fw, ct = _nat6("-A POSTROUTING -o eth1 -j MASQUERADE"), ConnTrack()
    seen = []
    for src in ("fd00::20", "fd00::21"):
        ping = Packet("icmpv6", src=src, dst="fd00:1::80", icmp_type=128, icmp_id=7,
                      in_iface="eth0", out_iface="eth1")  # fmt: skip
        t = fw.traverse(ping, interfaces=ROUTER6, conntrack=ct)
        seen.append((t.packet.src, t.packet.icmp_id))
    assert seen[0] == ("fd00:1::2", 7) and seen[1][0] == "fd00:1::2" and seen[1][1] != 7
    pong = Packet("icmpv6", src="fd00:1::80", dst="fd00:1::2", icmp_type=129,
                  icmp_id=seen[1][1], in_iface="eth1", out_iface="eth0")  # fmt: skip
    t = fw.traverse(pong, interfaces=ROUTER6, conntrack=ct)
    assert (t.packet.dst, t.packet.icmp_id) == ("fd00::21", 7)


def test_an_icmpv6_error_about_a_masqueraded_flow_is_translated_inside_and_out():
    fw, ct = _nat6("-A POSTROUTING -o eth1 -j MASQUERADE"), ConnTrack()
    query = Packet("udp", src="fd00::20", dst="fd00:1::53", sport=5353, dport=53,
                   in_iface="eth0", out_iface="eth1")  # fmt: skip
    sent = fw.traverse(query, interfaces=ROUTER6, conntrack=ct).packet
    error = Packet(
        "icmpv6", src="fd00:1::53", dst="fd00:1::2", icmp_type=1, icmp_code=4,
        inner=sent, in_iface="eth1", out_iface="eth0",
    )  # fmt: skip
    t = fw.traverse(error, interfaces=ROUTER6, conntrack=ct)
    assert (t.state, t.action) == ("RELATED", "ACCEPT")
    assert (t.packet.src, t.packet.dst) == ("fd00:1::53", "fd00::20")
    assert t.packet.inner.describe() == "udp [fd00::20]:5353 -> [fd00:1::53]:53"
