"""exposure(): what is open to new connections from outside. Every NEW packet from outside
that evaluate() accepts lies in an opening, and every opening holds an accepted packet
(random rulesets); the shipped ufw and fail2ban rulesets open what their tools were told."""

import ipaddress

import pytest
from firewall_random import packets, packets6, rulesets, rulesets6
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.data import path as data_path
from netcourse.errors import RuleError
from netcourse.firewall import Firewall
from netcourse.firewall.exposure import exposure

OUTSIDE = ("eth0", "eth1", "wlan0")  # one name of each class the random rules tell apart


def covers(opening, pkt) -> bool:
    if opening.proto != pkt.proto and not (opening.proto == "other"):
        return False
    if opening.ports and not any(lo <= pkt.dport <= hi for lo, hi in opening.ports):
        return False
    if opening.icmp and not any(
        t == pkt.icmp_type and lo <= pkt.icmp_code <= hi for t, lo, hi in opening.icmp
    ):
        return False
    src = ipaddress.ip_address(pkt.src)
    return any(src in ipaddress.ip_network(net) for net in opening.sources)


@settings(max_examples=200, deadline=None)
@given(rulesets(), st.lists(packets(), min_size=10, max_size=30))
def test_openings_hold_exactly_the_accepted_new_packets_from_outside(lines, pkts):
    fw = Firewall.from_iptables(lines)
    found = exposure(fw)
    assert found.complete
    for pkt in pkts:
        if pkt.in_iface == "lo" or pkt.fragment:  # conntrack reassembles: rules see no fragment
            continue
        accepted = fw.evaluate(pkt, state="NEW").action == "ACCEPT"
        inside = any(covers(o, pkt) for o in found)
        if accepted:
            assert inside, (lines, pkt, found)
    for opening in found:
        # only a rule whose headers cannot settle it (a mark, a rate) makes an opening depend
        for chain, number in opening.depends_on:
            assert not all(m.exact for m in fw.rule(chain, number).matches), (lines, opening)
        if opening.depends_on:
            continue  # its packets may need a mark or a rate: no one example stands for them
        src = str(ipaddress.ip_network(opening.sources[0])[0])
        if opening.ports:
            query = dict(proto=opening.proto, dport=opening.ports[0][0])
        elif opening.icmp:
            kind, code, _ = opening.icmp[0]
            query = dict(icmp_type=f"{kind}/{code}")
        else:
            continue
        hits = [fw.find("ACCEPT", src=src, state="NEW", in_iface=n, **query) for n in OUTSIDE]
        assert any(hit.found for hit in hits), (lines, opening)


def test_the_shipped_ufw_server_opens_what_ufw_was_told():
    fw = Firewall.from_iptables(data_path("rulesets").joinpath("ufw-server.rules").read_text())
    found = exposure(fw, interfaces={"eth0": "198.18.0.2/24"})
    assert found.ports("tcp") == ((22, 22), (80, 80), (443, 443), (5432, 5432))
    (db,) = [o for o in found if o.proto == "tcp" and o.ports == ((5432, 5432),)]
    assert db.sources == ("198.51.100.0/24",)
    (web,) = [o for o in found if o.proto == "tcp" and (22, 22) in o.ports]
    assert web.source_text == "anywhere"
    assert ("ufw-user-input", 2) in web.depends_on  # ufw's "limit ssh": a recent list
    assert "depending on rule 2 of ufw-user-input" in repr(found)
    assert "<table" in found._repr_html_()


def test_a_fail2ban_ban_is_the_one_source_left_out():
    fw = Firewall.from_iptables(data_path("rulesets").joinpath("fail2ban-sshd.rules").read_text())
    (ssh,) = [o for o in exposure(fw) if o.proto == "tcp" and o.ports == ((22, 22),)]
    assert ssh.excluded == ("203.0.113.7/32",)
    assert ssh.source_text == "anywhere but 203.0.113.7/32"


def test_only_the_outside_interfaces_and_the_machines_addresses_count():
    fw = Firewall.from_iptables(
        [
            "-P INPUT DROP",
            "-A INPUT -i lo -j ACCEPT",
            "-A INPUT -i eth1 -p tcp --dport 3306 -j ACCEPT",
            "-A INPUT -d 198.18.0.2 -p tcp --dport 80 -j ACCEPT",
            "-A INPUT -p udp --dport 53 -j ACCEPT",
        ]
    )
    assert exposure(fw).ports("tcp") == ((80, 80), (3306, 3306))
    assert exposure(fw, interfaces=["eth0"]).ports("tcp") == ((80, 80),)
    outside = exposure(fw, interfaces={"eth0": "198.19.0.2/24"})
    assert outside.ports("tcp") == () and outside.ports("udp") == ((53, 53),)
    assert repr(exposure(Firewall.from_iptables(["-P INPUT DROP"]))) == (
        "nothing is open to new connections"
    )


def test_bad_interfaces_are_refused():
    fw = Firewall.from_iptables(["-A INPUT -j ACCEPT"])
    with pytest.raises(RuleError, match="'x'"):
        exposure(fw, interfaces={"eth0": "x"})
    with pytest.raises(TypeError):
        exposure(fw, interfaces="eth0")


def test_thousands_of_bans_are_walked_to_the_end():
    bans = [f"10.{i // 250}.{i % 250}.1" for i in range(2000)]
    lines = ["-P INPUT DROP", "-N f2b-sshd", "-A INPUT -p tcp --dport 22 -j f2b-sshd"]
    lines += [f"-A f2b-sshd -s {addr}/32 -j REJECT" for addr in bans]
    lines += ["-A f2b-sshd -j RETURN", "-A INPUT -p tcp --dport 22 -j ACCEPT"]
    found = exposure(Firewall.from_iptables(lines), interfaces={"eth0": "198.18.0.2/24"})
    assert found.complete
    (ssh,) = found.openings
    assert ssh.excluded == tuple(f"{addr}/32" for addr in bans)
    assert ssh.source_text.startswith("anywhere but 10.0.0.1/32, 10.0.1.1/32")
    assert ssh.source_text.endswith("and 1994 more networks")


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
def test_sources_are_the_cidr_blocks_the_standard_library_gives(a, b):
    from netcourse.firewall.exposure import _cidrs

    lo, hi = sorted((a, b))
    first, last = ipaddress.IPv4Address(lo), ipaddress.IPv4Address(hi)
    want = tuple(str(net) for net in ipaddress.summarize_address_range(first, last))
    assert _cidrs(((lo, hi),)) == (want if (lo, hi) != (0, 2**32 - 1) else ("0.0.0.0/0",))


# --- IPv6: ip6tables rulesets (family=6) ---------------------------------------------------

_NUMBERS6 = {"tcp": 6, "udp": 17, "ipv6-icmp": 58}


def covers6(opening, pkt) -> bool:
    """covers() for IPv6: protocols compared by number, ICMPv6 as ipv6-icmp."""
    if opening.proto != "other" and _NUMBERS6[opening.proto] != pkt.proto_number:
        return False
    if opening.proto == "other" and not any(
        lo <= pkt.proto_number <= hi for lo, hi in opening.protocols
    ):
        return False
    if opening.ports and not any(lo <= pkt.dport <= hi for lo, hi in opening.ports):
        return False
    if opening.icmp and not any(
        t == pkt.icmp_type and lo <= pkt.icmp_code <= hi for t, lo, hi in opening.icmp
    ):
        return False
    src = ipaddress.ip_address(pkt.src)
    return any(src in ipaddress.ip_network(net) for net in opening.sources)


@settings(max_examples=150, deadline=None)
@given(rulesets6(), st.lists(packets6(), min_size=10, max_size=30))
def test_ipv6_openings_hold_exactly_the_accepted_new_packets_from_outside(lines, pkts):
    fw = Firewall.from_iptables(lines, family=6)
    found = exposure(fw)
    assert found.complete
    for opening in found:
        assert all(ipaddress.ip_network(net).version == 6 for net in opening.sources)
    for pkt in pkts:
        if pkt.in_iface == "lo":
            continue
        accepted = fw.evaluate(pkt, state="NEW").action == "ACCEPT"
        if accepted:
            assert any(covers6(o, pkt) for o in found), (lines, pkt, found)
    for opening in found:
        for chain, number in opening.depends_on:
            assert not all(m.exact for m in fw.rule(chain, number).matches), (lines, opening)
        if opening.depends_on:
            continue
        src = str(ipaddress.ip_network(opening.sources[0])[0])
        if opening.ports:
            query = dict(proto=opening.proto, dport=opening.ports[0][0])
        elif opening.icmp:
            kind, code, _ = opening.icmp[0]
            query = dict(icmp_type=f"{kind}/{code}")
        else:
            continue
        hits = [fw.find("ACCEPT", src=src, state="NEW", in_iface=n, **query) for n in OUTSIDE]
        assert any(hit.found for hit in hits), (lines, opening)


def test_an_ipv6_ruleset_opens_ipv6_sources_and_icmpv6_types():
    fw = Firewall.from_iptables(
        [
            "-P INPUT DROP",
            "-A INPUT -i lo -j ACCEPT",
            "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
            "-A INPUT -s fd00::/64 -p tcp --dport 22 -j ACCEPT",
            "-A INPUT -d fd00::2 -p tcp --dport 80 -j ACCEPT",
            "-A INPUT -p ipv6-icmp --icmpv6-type echo-request -j ACCEPT",
            "-A INPUT -s fd00:1::/64 -j DROP",
            "-A INPUT -p udp --dport 53 -j ACCEPT",
        ],
        family=6,
    )
    found = exposure(fw)
    (ssh,) = [o for o in found if o.proto == "tcp" and o.ports == ((22, 22),)]
    assert ssh.sources == ("fd00::/64",)
    (ping,) = [o for o in found if o.proto == "ipv6-icmp"]
    assert ping.what == "ipv6-icmp echo-request (128)" and ping.source_text == "anywhere"
    (dns,) = [o for o in found if o.proto == "udp"]
    assert dns.excluded == ("fd00:1::/64",)
    assert dns.source_text == "anywhere but fd00:1::/64"
    here = exposure(fw, interfaces={"eth0": ("198.18.0.2/24", "fd00::9/64")})
    assert here.ports("tcp") == ((22, 22),)  # port 80 is open to fd00::2 only, not here
    there = exposure(fw, interfaces={"eth0": ("198.18.0.2/24", "fd00::2/64")})
    assert there.ports("tcp") == ((22, 22), (80, 80))


@given(st.integers(0, 2**128 - 1), st.integers(0, 2**128 - 1))
def test_ipv6_sources_are_the_cidr_blocks_the_standard_library_gives(a, b):
    from netcourse.firewall.exposure import _cidrs

    lo, hi = sorted((a, b))
    first, last = ipaddress.IPv6Address(lo), ipaddress.IPv6Address(hi)
    want = tuple(str(net) for net in ipaddress.summarize_address_range(first, last))
    assert _cidrs(((lo, hi),), 6) == (want if (lo, hi) != (0, 2**128 - 1) else ("::/0",))
