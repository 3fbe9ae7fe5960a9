"""find(): every example it gives gets the action from evaluate(), and when it proves that
none exists, no random packet of the constrained space gets it (random rulesets of
firewall_random); hand-made cases for jumps, inexact matches and the constraints."""

import ipaddress

import pytest
from firewall_random import (
    ADDRS,
    ADDRS6,
    NETS,
    NETS6,
    PORTS,
    STATES,
    packets,
    packets6,
    rulesets,
    rulesets6,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netcourse.data import path as data_path
from netcourse.errors import NetcourseError, RuleError
from netcourse.firewall import Firewall, Packet
from netcourse.firewall.find import find

ACTIONS = st.sampled_from(["ACCEPT", "DROP", "REJECT"])


@st.composite
def constraints(draw):
    """A few constraints, drawn from the values the random rules talk about."""
    out = {}
    if draw(st.booleans()):
        out["proto"] = draw(st.sampled_from(["tcp", "udp", "icmp"]))
    if draw(st.integers(0, 2)) == 0:
        out["src"] = draw(st.sampled_from(NETS + ADDRS))
    if draw(st.integers(0, 3)) == 0:
        out["dst"] = draw(st.sampled_from(NETS + ADDRS))
    if out.get("proto") != "icmp" and draw(st.integers(0, 2)) == 0:
        out["dport"] = draw(st.sampled_from(PORTS + ["1024:8080"]))
    if draw(st.integers(0, 2)) == 0:
        out["state"] = draw(STATES)
    if draw(st.integers(0, 3)) == 0:
        out["in_iface"] = draw(st.sampled_from(["eth0", "eth1", "lo", "eth+", "wlan0"]))
    return out


def satisfies(pkt: Packet, state: str, wanted: dict) -> bool:
    """Whether a packet lies in the constrained space (worked out without the code under test)."""
    for key, value in wanted.items():
        if key == "proto" and pkt.proto != value:
            return False
        if key in ("src", "dst"):
            net = ipaddress.ip_network(value)
            if ipaddress.ip_address(getattr(pkt, key)) not in net:
                return False
        if key == "dport":
            lo, _, hi = str(value).partition(":")
            if pkt.dport is None or not int(lo) <= pkt.dport <= int(hi or lo):
                return False
        if key == "state" and state != value:
            return False
        if key == "in_iface":
            if value.endswith("+") and not pkt.in_iface.startswith(value[:-1]):
                return False
            if not value.endswith("+") and pkt.in_iface != value:
                return False
    return True


def conform(pkt: Packet, wanted: dict, pick: int) -> Packet:
    """The packet moved into the constrained space: its fields replaced by allowed values."""
    proto = wanted.get("proto", pkt.proto)
    if "dport" in wanted and proto == "icmp":
        proto = "tcp"
    fields = dict(src=pkt.src, dst=pkt.dst, in_iface=pkt.in_iface)
    for key in ("src", "dst"):
        if key in wanted:
            net = ipaddress.ip_network(wanted[key])
            fields[key] = str(net[pick % net.num_addresses])
    if "in_iface" in wanted:
        value = wanted["in_iface"]
        fields["in_iface"] = value[:-1] + str(pick % 10) if value.endswith("+") else value
    if proto in ("tcp", "udp"):
        sport = pkt.sport if pkt.sport is not None else PORTS[pick % len(PORTS)]
        dport = pkt.dport if pkt.dport is not None else PORTS[pick % len(PORTS)]
        if "dport" in wanted:
            lo, _, hi = str(wanted["dport"]).partition(":")
            dport = int(lo) if not hi or pick % 2 else int(hi)
        fields.update(sport=sport, dport=dport)
        if proto == "tcp":
            fields["flags"] = pkt.flags if pkt.proto == "tcp" else "S"
    else:
        fields.update(icmp_type=pkt.icmp_type if pkt.proto == "icmp" else 8)
    return Packet(proto, **fields)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rulesets(),
    ACTIONS,
    constraints(),
    st.lists(st.tuples(packets(), STATES, st.integers(0, 10**6)), min_size=20, max_size=40),
)
def test_examples_get_the_action_and_proofs_hold_for_random_packets(lines, action, wanted, pkts):
    fw = Firewall.from_iptables(lines)
    answer = find(fw, action, **wanted)
    assert answer.complete  # small rulesets never reach the limit
    if answer.found:
        assert satisfies(answer.packet, answer.state, wanted), (answer, wanted)
        verdict = fw.evaluate(answer.packet, state=answer.state)
        assert verdict.action == action
        assert (verdict.chain, verdict.rule_number) == (answer.decided_in, answer.rule_number)
        return
    # a proof needs rules whose matches the headers settle; a mark or a rate may leave it open
    exact = all(m.exact for rule in fw.ruleset.rules() for m in rule.matches)
    assert answer.proof or (not exact and answer.depends_on), answer
    for pkt, state, pick in pkts:
        pkt = conform(pkt, wanted, pick)
        if "state" in wanted:
            state = wanted["state"]
        assert satisfies(pkt, state, wanted)
        verdict = fw.evaluate(pkt, state=state)
        if not answer.proof:  # "none, unless those rules match": only they may give it
            if verdict.action == action:
                assert (verdict.chain, verdict.rule_number) in answer.depends_on, (lines, pkt)
            continue
        assert verdict.action != action, (lines, wanted, pkt, state, answer)
        assert (verdict.chain, verdict.rule_number, verdict.action) in answer.deciders or (
            verdict.rule_number is None and (verdict.chain, None, verdict.action) in answer.deciders
        )


@settings(max_examples=150, deadline=None)
@given(rulesets(), ACTIONS, packets(), STATES)
def test_a_packet_that_gets_the_action_is_never_missed(lines, action, pkt, state):
    fw = Firewall.from_iptables(lines)
    if fw.evaluate(pkt, state=state).action != action:
        return
    exact = dict(proto=pkt.proto, src=pkt.src, dst=pkt.dst, state=state, in_iface=pkt.in_iface)
    if pkt.dport is not None:
        exact["dport"] = pkt.dport
    answer = find(fw, action, **exact)
    assert answer.found, (lines, pkt, state, answer)


def test_jumps_gotos_and_returns_are_followed():
    fw = Firewall.from_iptables(
        [
            "-P INPUT DROP",
            "-N WEB",
            "-N SSH",
            "-A INPUT -p tcp -j WEB",
            "-A INPUT -p tcp --dport 22 -g SSH",
            "-A INPUT -p tcp --dport 22 -j ACCEPT",  # never reached: SSH returns to the policy
            "-A WEB -s 10.0.0.0/8 -j RETURN",
            "-A WEB -p tcp --dport 443 -j ACCEPT",
            "-A SSH -s 192.168.0.0/16 -j ACCEPT",
        ]
    )
    web = fw.find("ACCEPT", dport=443)
    assert web.found and (web.decided_in, web.rule_number) == ("WEB", 2)
    assert ipaddress.ip_address(web.packet.src) not in ipaddress.ip_network("10.0.0.0/8")
    assert not fw.find("ACCEPT", dport=443, src="10.1.2.3").found
    ssh = fw.find("ACCEPT", dport=22)
    assert (ssh.decided_in, ssh.rule_number) == ("SSH", 1)
    outside = fw.find("ACCEPT", dport=22, src="203.0.113.0/24")
    assert not outside.found and outside.proof
    assert outside.deciders == (("INPUT", None, "DROP"),)
    assert "the policy of INPUT (DROP) decides every one" in outside.reason


def test_rate_limits_and_recent_lists_make_the_answer_depend_on_them():
    fw = Firewall.from_iptables(
        [
            "-P INPUT DROP",
            "-A INPUT -p tcp --dport 22 -m recent --rcheck --seconds 60 -j ACCEPT",
            "-A INPUT -p icmp -m limit --limit 1/s -j ACCEPT",
        ]
    )
    ssh = fw.find("ACCEPT", dport=22)
    assert not ssh.found and not ssh.proof
    assert ssh.depends_on == (("INPUT", 1),)
    assert "unless rule 1 of INPUT" in ssh.reason
    ping = fw.find("ACCEPT", proto="icmp")
    assert ping.found and ping.depends_on == (("INPUT", 2),)  # alone the bucket is full
    assert fw.evaluate(ping.packet, state=ping.state).action == "ACCEPT"
    assert "depends on rule 2 of INPUT" in ping.reason
    udp = fw.find("ACCEPT", proto="udp")
    assert not udp.found and udp.proof  # no inexact rule meets udp


def test_nat_flags_of_conntrack_depend_on_the_connection():
    fw = Firewall.from_iptables(
        ["-P FORWARD DROP", "-A FORWARD -m conntrack --ctstate DNAT -j ACCEPT"]
    )
    answer = fw.find("ACCEPT", chain="FORWARD")
    assert not answer.found and answer.depends_on == (("FORWARD", 1),)


def test_interfaces_of_examples_are_real_names_in_the_pattern():
    fw = Firewall.from_iptables(
        ["-P INPUT DROP", "-A INPUT -i eth0 -j DROP", "-A INPUT -i eth+ -j ACCEPT"]
    )
    answer = fw.find("ACCEPT")
    assert answer.packet.in_iface.startswith("eth") and answer.packet.in_iface != "eth0"
    assert not fw.find("ACCEPT", in_iface="eth0").found
    assert not fw.find("ACCEPT", in_iface="wlan0").found
    assert fw.find("DROP", in_iface="wlan0").packet.in_iface == "wlan0"


def test_protocols_without_ports_and_icmp_types():
    fw = Firewall.from_iptables(
        [
            "-P INPUT DROP",
            "-A INPUT -p icmp --icmp-type echo-request -j ACCEPT",
            "-A INPUT -p 47 -j ACCEPT",
        ]
    )
    ping = fw.find("ACCEPT", proto="icmp")
    assert (ping.packet.icmp_type, ping.rule_number) == (8, 1)
    assert not fw.find("ACCEPT", icmp_type="echo-reply").found
    assert fw.find("ACCEPT", proto="gre").packet.proto == "gre"
    assert not fw.find("ACCEPT", dport=80).found


def test_constraints_that_leave_nothing_and_a_search_that_stops():
    fw = Firewall.from_iptables(["-A INPUT -j ACCEPT"])
    empty = fw.find("ACCEPT", proto="icmp", flags="S")
    assert not empty.found and "leave no packet" in empty.reason
    big = Firewall.from_iptables(
        ["-P INPUT DROP"]
        + [f"-A INPUT -s 10.0.{i}.0/24 -p tcp --dport {i} -j DROP" for i in range(60)]
    )
    stopped = big.find("ACCEPT", max_pieces=10)
    assert not stopped.found and not stopped.complete and not stopped.proof
    assert "nothing is claimed" in stopped.reason


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(dport="x"), "'x'"),
        (dict(src="10.0.0.300"), "src"),
        (dict(src="2001:db8::/32"), "IPv4"),
        (dict(state="SNAT"), "state 'SNAT'"),
        (dict(in_iface=""), "interface"),
        (dict(proto="nope"), "unknown protocol"),
        (dict(chain="PREROUTING"), "built-in chain"),
        (dict(action="ALLOW"), "ACCEPT, DROP or REJECT"),
    ],
)
def test_bad_constraints_are_refused_with_the_bad_part(kwargs, words):
    fw = Firewall.from_iptables(["-A INPUT -j ACCEPT"])
    with pytest.raises(NetcourseError, match=words.replace("(", r"\(")):
        find(fw, **kwargs)


def test_an_unknown_constraint_is_a_type_error():
    with pytest.raises(TypeError, match="port"):
        find(Firewall.from_iptables(["-A INPUT -j ACCEPT"]), port=22)


def test_the_shipped_ufw_server_opens_its_services_and_nothing_else():
    fw = Firewall.from_iptables(data_path("rulesets").joinpath("ufw-server.rules").read_text())
    web = fw.find("ACCEPT", dport=443, state="NEW", in_iface="eth0")
    assert web.found and web.proof and web.decided_in == "ufw-user-input"
    closed = fw.find("ACCEPT", dport=8080, state="NEW", in_iface="eth0", proto="tcp")
    assert not closed.found and closed.complete
    db = fw.find("ACCEPT", dport=5432, proto="tcp", state="NEW", in_iface="eth0")
    assert ipaddress.ip_address(db.packet.src) in ipaddress.ip_network("198.51.100.0/24")
    ssh = fw.find("ACCEPT", dport=22, proto="tcp", state="NEW", in_iface="eth0")
    assert ssh.found and ("ufw-user-input", 2) in ssh.depends_on  # ufw's "limit ssh"


def test_repr_and_html():
    fw = Firewall.from_iptables(["-P INPUT DROP", "-A INPUT -p tcp --dport 22 -j ACCEPT"])
    answer = fw.find("ACCEPT")
    assert repr(answer).startswith("Found(ACCEPT: tcp ")
    assert "<table" in answer._repr_html_()
    assert isinstance(RuleError("x"), NetcourseError)


# --- IPv6: ip6tables rulesets (family=6), 128-bit boxes, hop limit and routing header ------


@st.composite
def constraints6(draw):
    """A few constraints of an IPv6 question, from the values the random ip6tables rules use."""
    out = {}
    if draw(st.booleans()):
        out["proto"] = draw(st.sampled_from(["tcp", "udp", "icmpv6"]))
    if draw(st.integers(0, 2)) == 0:
        out["src"] = draw(st.sampled_from(NETS6 + ADDRS6))
    if draw(st.integers(0, 3)) == 0:
        out["dst"] = draw(st.sampled_from(NETS6 + ADDRS6))
    if out.get("proto") != "icmpv6" and draw(st.integers(0, 2)) == 0:
        out["dport"] = draw(st.sampled_from(PORTS + ["1024:8080"]))
    if draw(st.integers(0, 2)) == 0:
        out["state"] = draw(STATES)
    if draw(st.integers(0, 3)) == 0:
        out["in_iface"] = draw(st.sampled_from(["eth0", "eth1", "lo", "eth+", "wlan0"]))
    return out


def satisfies6(pkt: Packet, state: str, wanted: dict) -> bool:
    """satisfies() for IPv6: the protocol compared by number (icmpv6 is 58)."""
    if (
        "proto" in wanted
        and pkt.proto_number != {"tcp": 6, "udp": 17, "icmpv6": 58}[wanted["proto"]]
    ):
        return False
    return satisfies(pkt, state, {k: v for k, v in wanted.items() if k != "proto"})


def conform6(pkt: Packet, wanted: dict, pick: int) -> Packet:
    """The IPv6 packet moved into the constrained space, its hop limit and routing kept."""
    proto = wanted.get("proto", "icmpv6" if pkt.is_icmp else pkt.proto)
    if "dport" in wanted and proto == "icmpv6":
        proto = "tcp"
    fields = dict(
        src=pkt.src,
        dst=pkt.dst,
        in_iface=pkt.in_iface,
        ttl=pkt.ttl,
        routing_type=pkt.routing_type,
    )
    for key in ("src", "dst"):
        if key in wanted:
            net = ipaddress.ip_network(wanted[key])
            fields[key] = str(net[pick % net.num_addresses])
    if "in_iface" in wanted:
        value = wanted["in_iface"]
        fields["in_iface"] = value[:-1] + str(pick % 10) if value.endswith("+") else value
    if proto in ("tcp", "udp"):
        sport = pkt.sport if pkt.sport is not None else PORTS[pick % len(PORTS)]
        dport = pkt.dport if pkt.dport is not None else PORTS[pick % len(PORTS)]
        if "dport" in wanted:
            lo, _, hi = str(wanted["dport"]).partition(":")
            dport = int(lo) if not hi or pick % 2 else int(hi)
        fields.update(sport=sport, dport=dport)
        if proto == "tcp":
            fields["flags"] = pkt.flags if pkt.proto == "tcp" else "S"
    else:
        kind = pkt.icmp_type if pkt.is_icmp else 128
        fields.update(icmp_type=kind, icmp_code=pkt.icmp_code if pkt.is_icmp else 0)
    return Packet(proto, **fields)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rulesets6(),
    ACTIONS,
    constraints6(),
    st.lists(st.tuples(packets6(), STATES, st.integers(0, 10**6)), min_size=20, max_size=40),
)
def test_ipv6_examples_get_the_action_and_proofs_hold_for_random_packets(
    lines, action, wanted, pkts
):
    fw = Firewall.from_iptables(lines, family=6)
    answer = find(fw, action, **wanted)
    assert answer.complete
    if answer.found:
        assert answer.packet.version == 6
        assert satisfies6(answer.packet, answer.state, wanted), (answer, wanted)
        verdict = fw.evaluate(answer.packet, state=answer.state)
        assert verdict.action == action
        assert (verdict.chain, verdict.rule_number) == (answer.decided_in, answer.rule_number)
        return
    exact = all(m.exact for rule in fw.ruleset.rules() for m in rule.matches)
    assert answer.proof or (not exact and answer.depends_on), answer
    for pkt, state, pick in pkts:
        pkt = conform6(pkt, wanted, pick)
        if "state" in wanted:
            state = wanted["state"]
        assert satisfies6(pkt, state, wanted)
        verdict = fw.evaluate(pkt, state=state)
        if not answer.proof:
            if verdict.action == action:
                assert (verdict.chain, verdict.rule_number) in answer.depends_on, (lines, pkt)
            continue
        assert verdict.action != action, (lines, wanted, pkt, state, answer)
        assert (verdict.chain, verdict.rule_number, verdict.action) in answer.deciders or (
            verdict.rule_number is None and (verdict.chain, None, verdict.action) in answer.deciders
        )


@settings(max_examples=100, deadline=None)
@given(rulesets6(), ACTIONS, packets6(), STATES)
def test_an_ipv6_packet_that_gets_the_action_is_never_missed(lines, action, pkt, state):
    fw = Firewall.from_iptables(lines, family=6)
    if fw.evaluate(pkt, state=state).action != action:
        return
    exact = dict(proto=pkt.proto_number, src=pkt.src, dst=pkt.dst, state=state)
    exact["in_iface"] = pkt.in_iface
    if pkt.dport is not None:
        exact["dport"] = pkt.dport
    answer = find(fw, action, **exact)
    assert answer.found, (lines, pkt, state, answer)


def test_ipv6_search_reads_ipv6_constraints_hop_limits_and_routing_headers():
    fw = Firewall.from_iptables(
        [
            "-P INPUT DROP",
            "-A INPUT -p tcp --dport 22 -s fd00::/64 -j ACCEPT",
            "-A INPUT -p ipv6-icmp --icmpv6-type echo-request -m hl --hl-eq 255 -j ACCEPT",
            "-A INPUT -p udp -m rt --rt-type 2 -j ACCEPT",
        ],
        family=6,
    )
    hit = find(fw, "ACCEPT", dport=22, state="NEW")
    assert hit.packet.src == "fd00::1" and hit.packet.dst == "2001:db8::2"
    assert hit.rule_number == 1
    assert not find(fw, "ACCEPT", proto="tcp", dport=22, src="fd01::/64")  # a proof
    ping = find(fw, "ACCEPT", icmp_type="echo-request")
    assert (ping.packet.icmp_type, ping.packet.ttl, ping.rule_number) == (128, 255, 2)
    routed = find(fw, "ACCEPT", proto="udp")
    assert (routed.packet.routing_type, routed.rule_number) == (2, 3)
    with pytest.raises(RuleError, match="ip6tables ruleset filters IPv6"):
        find(fw, "ACCEPT", src="198.18.0.0/24")
    v4 = Firewall.from_iptables(["-A INPUT -j ACCEPT"])
    with pytest.raises(RuleError, match="iptables filters IPv4"):
        find(v4, "ACCEPT", src="fd00::/64")


def test_an_example_carries_the_mark_a_mark_rule_wants():
    fw = Firewall.from_iptables(
        ["-P INPUT DROP", "-A INPUT -d 10.0.0.0/8 -i eth0 -m mark --mark 1 -j ACCEPT"]
    )
    answer = find(fw, "ACCEPT", proto="tcp", src="10.1.2.200", dst="10.1.2.3", dport=22)
    assert answer.found and answer.packet.mark == 1
    assert answer.depends_on == (("INPUT", 1),) and not answer.proof


def test_a_rule_assumed_not_to_match_is_made_to_fail_by_the_example():
    fw = Firewall.from_iptables(
        [
            "-P INPUT DROP",
            "-A INPUT -m mark --mark 1 -j ACCEPT",
            "-A INPUT -p tcp -m pkttype --pkt-type unicast -j ACCEPT",
            "-A INPUT -p udp -m length --length 0:100 -m ttl --ttl-lt 10 -j ACCEPT",
        ]
    )
    drop = find(fw, "DROP", proto="tcp")
    assert drop.found and drop.packet.pkttype != "unicast" and drop.packet.mark != 1
    assert drop.depends_on == (("INPUT", 1), ("INPUT", 2))
    assert f"(pkttype {drop.packet.pkttype})" in drop.reason
    udp = find(fw, "ACCEPT", proto="udp", dport=53)
    assert udp.found and fw.evaluate(udp.packet, state=udp.state).action == "ACCEPT"
    assert (udp.decided_in, udp.rule_number) in (("INPUT", 1), ("INPUT", 3))
    quiet = find(fw, "DROP", proto="udp")
    assert quiet.found and not (quiet.packet.length <= 100 and quiet.packet.ttl < 10)


def test_a_non_first_fragment_never_meets_an_icmp_type():
    fw = Firewall.from_iptables(
        ["-P INPUT DROP", "-A INPUT -p icmp --icmp-type echo-request -f -j ACCEPT"]
    )
    answer = find(fw, "ACCEPT", state="NEW")
    assert not answer.found and answer.proof
    assert answer.deciders == (("INPUT", None, "DROP"),)


def test_a_mark_changed_on_the_way_is_undone_for_the_example():
    # the packet must arrive with mark 0 for the MARK rule's xor to give the 1 rule 3 drops
    fw = Firewall.from_iptables(
        [
            "-P INPUT ACCEPT",
            "-A INPUT -j MARK --xor-mark 1",
            "-A INPUT -m mark --mark 1 -j DROP",
            "-A INPUT -j MARK --set-xmark 0x4/0x4",
            "-A INPUT -m mark --mark 0x4/0x4 -j REJECT",
        ]
    )
    drop = find(fw, "DROP", proto="tcp")
    assert drop.found and drop.packet.mark == 0 and drop.rule_number == 2
    accept = find(fw, "ACCEPT", proto="tcp")
    assert not accept.found  # the second MARK sets bit 2 whatever came: REJECT or DROP
    reject = find(fw, "REJECT", proto="tcp")
    assert reject.found and fw.evaluate(reject.packet, state=reject.state).action == "REJECT"


def test_a_restored_connection_mark_is_given_to_the_example():
    lines = ["-A INPUT -j CONNMARK --restore-mark", "-A INPUT -m mark --mark 1 -j DROP"]
    fw = Firewall.from_iptables(["-P INPUT ACCEPT", *lines])
    drop = find(fw, "DROP", proto="tcp", state="ESTABLISHED")
    assert drop.found and drop.packet.ctmark == 1 and drop.rule_number == 2
