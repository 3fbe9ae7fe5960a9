"""lint: findings on hand-made cases, and soundness on random rulesets."""

from firewall_random import STATES, packets, rulesets
from hypothesis import given, settings
from hypothesis import strategies as st

from netcourse.firewall import Firewall, lint


def findings(lines):
    return [(f.kind, f.chain, f.rules) for f in lint(lines)]


def test_shadowed_rule_names_the_rule_that_hides_it():
    report = lint(
        ["-P INPUT DROP", "-A INPUT -p tcp -j ACCEPT", "-A INPUT -p tcp --dport 23 -j DROP"]
    )
    (finding,) = report
    assert (finding.kind, finding.rules, finding.because_of) == ("shadowed", (2,), (1,))


def test_shadowing_needs_the_union_of_several_earlier_rules():
    lines = [
        "-P INPUT DROP",
        "-A INPUT -s 10.0.0.0/9 -j REJECT",
        "-A INPUT -s 10.128.0.0/9 -j REJECT",
        "-A INPUT -s 10.1.2.3 -p udp -j ACCEPT",
    ]
    assert findings(lines) == [("shadowed", "INPUT", (3,))]
    lines[2] = "-A INPUT -s 10.128.0.0/10 -j REJECT"  # leaves a gap: 10.192.0.0/10 ... not 10.1.2.3
    assert findings(lines) == [("shadowed", "INPUT", (3,))]
    lines[1] = "-A INPUT -s 10.0.0.0/16 -j REJECT"  # now 10.1.2.3 gets through
    assert findings(lines) == []


def test_never_matching_rule_with_the_same_action_is_redundant():
    lines = [
        "-P INPUT DROP",
        "-A INPUT -p tcp -m multiport --dports 22,80 -j ACCEPT",
        "-A INPUT -p tcp --dport 80 -j ACCEPT",
    ]
    assert findings(lines) == [("redundant", "INPUT", (2,))]


def test_a_rule_the_policy_repeats_is_redundant_but_not_one_a_later_rule_contradicts():
    assert findings(["-P INPUT DROP", "-A INPUT -p udp -j DROP"]) == [("redundant", "INPUT", (1,))]
    assert findings(["-P INPUT DROP", "-A INPUT -p udp -j DROP", "-A INPUT -j ACCEPT"]) == []


def test_rules_after_an_unconditional_terminal_rule():
    lines = [
        "-P INPUT DROP",
        "-A INPUT -p tcp --dport 22 -j ACCEPT",
        "-A INPUT -j DROP",
        "-A INPUT -p tcp --dport 80 -j ACCEPT",
        "-A INPUT -j LOG",
    ]
    assert ("after-catch-all", "INPUT", (3, 4)) in findings(lines)


def test_accept_policy_without_catch_all():
    assert ("accept-policy", "INPUT", ()) in findings(["-A INPUT -p tcp --dport 22 -j ACCEPT"])
    assert findings(["-A INPUT -p tcp --dport 22 -j ACCEPT", "-A INPUT -j DROP"]) == []
    assert findings(["-P INPUT DROP", "-A INPUT -p tcp --dport 22 -j ACCEPT"]) == []


def test_conntrack_states_and_interfaces_are_part_of_the_header_space():
    lines = [
        "-P INPUT DROP",
        "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
        "-A INPUT -m conntrack --ctstate NEW,INVALID -j DROP",
        "-A INPUT -p tcp -j ACCEPT",
    ]
    assert ("shadowed", "INPUT", (3,)) in findings(lines)
    lines = [
        "-P INPUT DROP",
        "-A INPUT -i eth+ -j ACCEPT",
        "-A INPUT -i eth1 -j DROP",
        "-A INPUT -i wlan0 -j DROP",
    ]
    kinds = findings(lines)
    assert ("shadowed", "INPUT", (2,)) in kinds and all(
        f[2] != (3,) or f[0] == "redundant" for f in kinds
    )


def test_icmp_and_multiport_matches_are_read_as_on_whole_datagrams():
    # the kernel fails them on a non-first fragment; lint's scope is whole datagrams, as a
    # machine that tracks connections (and so reassembles) sees them
    lines = [
        "-P INPUT DROP",
        "-A INPUT -p icmp --icmp-type echo-request -f -j ACCEPT",
        "-A INPUT -p tcp -m multiport --dports 22,80 -j ACCEPT",
        "-A INPUT -p tcp --dport 80 -j ACCEPT",
    ]
    assert findings(lines) == [("redundant", "INPUT", (3,))]


def _decided_by(fw, pkt, state):
    verdict = fw.evaluate(pkt, state=state)
    return verdict.chain, verdict.rule_number


@settings(max_examples=60, deadline=None)
@given(lines=rulesets(), probes=st.lists(st.tuples(packets(), STATES), min_size=30, max_size=30))
def test_lint_is_sound_on_random_rulesets(lines, probes):
    fw = Firewall.from_iptables(lines)
    report = lint(fw)
    never = {
        (f.chain, n)
        for f in report
        if f.kind == "after-catch-all" or "never" in f.message
        for n in f.rules
    }
    removable = [f for f in report if f.kind == "redundant"]
    if any(word in line for line in lines for word in ("multiport", "icmp-type")):
        # lint reads these as on whole packets (its documented scope): no fragments then
        probes = [(pkt, state) for pkt, state in probes if not pkt.fragment]
    for pkt, state in probes:
        chain, number = _decided_by(fw, pkt, state)
        assert (chain, number) not in never, (lines, pkt, state, report)
    if removable:  # deleting every redundant rule changes no verdict
        drop = {(f.chain, n) for f in removable for n in f.rules}
        kept = [line for line, key in zip(lines, _keys(lines)) if key not in drop]
        slim = Firewall.from_iptables(kept)
        for pkt, state in probes:
            assert fw.evaluate(pkt, state=state).action == slim.evaluate(pkt, state=state).action, (
                lines,
                kept,
                pkt,
                state,
                report,
            )


def _keys(lines):
    """(chain, rule number) of each -A line, None for other lines."""
    seen = {}
    for line in lines:
        if line.startswith("-A "):
            chain = line.split()[1]
            seen[chain] = seen.get(chain, 0) + 1
            yield chain, seen[chain]
        else:
            yield None


def _allow_list(count: int) -> list[str]:
    """One ACCEPT per host and service, a DROP every tenth rule (as generated rulesets are)."""
    ports = [22, 25, 53, 80, 443]
    lines = ["-P INPUT DROP"]
    for index in range(count):
        target = "DROP" if index % 10 == 9 else "ACCEPT"
        host = f"10.{index // 250}.{index % 250}.{1 + index % 7}"
        lines.append(f"-A INPUT -s {host} -p tcp --dport {ports[index % 5]} -j {target}")
    return lines


def test_lint_compares_a_rule_only_with_the_rules_it_may_overlap(monkeypatch):
    import sys

    module = sys.modules["netcourse.firewall.lint"]
    near, meets = module._Index.near, module._meets
    compared = [0]

    def counted_near(index, region):
        found = near(index, region)
        compared[0] += len(found)
        return found

    def counted_meets(a, b):
        compared[0] += 1
        return meets(a, b)

    monkeypatch.setattr(module._Index, "near", counted_near)
    monkeypatch.setattr(module, "_meets", counted_meets)
    for count in (400, 1600):
        compared[0] = 0
        report = lint(_allow_list(count))
        assert report.kinds() == ["redundant"] * (count // 10), count  # the DROPs: the policy
        # comparing each rule with every earlier one would make count * (count - 1) / 2
        assert compared[0] <= 4 * count, (count, compared[0])


def test_a_rule_hidden_deep_in_an_allow_list_is_found():
    lines = _allow_list(1200)
    accept = lines[631]  # rule 631: -A INPUT -s 10.2.130.1 -p tcp --dport 22 -j ACCEPT
    assert "-s 10.2.130.1 " in accept and accept.endswith("-j ACCEPT")
    findings = [f for f in lint([*lines, accept.replace("ACCEPT", "DROP")]) if f.rules == (1201,)]
    assert [(f.kind, f.because_of) for f in findings] == [("shadowed", (631,))]


def test_openwrts_port_forward_rules_are_not_contradictory():
    # fw3 accepts port-forwarded packets by their conntrack DNAT flag; the kernel lets
    # forwarded packets through exactly these rules, in any state of the connection
    text = "\n".join(
        [
            "-P FORWARD DROP",
            "-N zone_wan_forward",
            "-A FORWARD -i wan -j zone_wan_forward",
            '-A zone_wan_forward -m conntrack --ctstate DNAT -m comment --comment "!fw3" -j ACCEPT',
            "-A zone_wan_forward -m conntrack ! --ctstate DNAT -j DROP",
            "-A zone_wan_forward -p tcp -j ACCEPT",
        ]
    )
    findings = lint(text).findings
    assert not [f for f in findings if "contradict" in f.message], findings
    # neither DNAT rule decides every packet for sure, so the last rule is not reported
    assert not [f for f in findings if f.chain == "zone_wan_forward" and 3 in f.rules], findings


def test_the_shipped_openwrt_ruleset_has_no_contradictory_rule():
    from netcourse.data import path as data_path

    report = lint(data_path("rulesets").joinpath("openwrt-fw3.rules").read_text())
    assert not [f for f in report.findings if "contradict" in f.message]


def test_recent_lists_and_interface_bound_addrtype_are_never_contradictory():
    # ufw's "limit ssh": --update matches once the address was seen often enough, which
    # the headers alone cannot tell; neither can they for addrtype on the packet's interface
    lines = [
        "-P INPUT DROP",
        "-A INPUT -p tcp --dport 22 -m recent --update --seconds 30 --hitcount 6 -j DROP",
        "-A INPUT -m addrtype ! --dst-type LOCAL --limit-iface-in -j DROP",
        "-A INPUT -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT",
        "-A INPUT -p tcp --dport 22 -j ACCEPT",
    ]
    assert lint(lines).findings == ()


def test_the_shipped_ufw_server_ruleset_has_no_contradictory_rule():
    from netcourse.data import path as data_path

    report = lint(data_path("rulesets").joinpath("ufw-server.rules").read_text())
    assert not [f for f in report.findings if "contradict" in f.message], report
