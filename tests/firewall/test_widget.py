"""The firewall widgets, headless: the lab (presets, packet building, stateful replies) and the
ruleset inspector (graph, exposure, lint, trace), with errors inline and stale results marked."""

from netcourse.data import path as data_path
from netcourse.firewall.examples import EXAMPLES
from netcourse.widgets.firewall import (
    FirewallLab,
    RulesetInspector,
    read_interface_text,
    shipped_rulesets,
)


def test_every_preset_loads_and_shows_its_examples_verdict():
    lab = FirewallLab()
    for name, example in EXAMPLES.items():
        lab.preset.value = name
        assert lab.errors.value == "", name
        expected = example.verdict()
        assert (lab.verdict.action, lab.verdict.chain, lab.verdict.rule_number) == (
            expected.action,
            expected.chain,
            expected.rule_number,
        ), name
        assert expected.action in lab.result.value


def test_deciding_rule_is_highlighted_in_the_trace():
    lab = FirewallLab("shadowed-rule")
    html = lab.result.value
    highlighted = [row for row in html.split("<tr") if "background:#F0E442" in row]
    assert len(highlighted) == 1
    assert "192.168.1.0/24" in highlighted[0]  # the broad ACCEPT decides, not the DROP


def test_bad_input_shows_inline_and_the_lab_recovers():
    lab = FirewallLab("seed-rule")
    lab.rules.value = "-A INPUT -p tcp -m quota --quota 1000 -j ACCEPT"
    assert "RuleError" in lab.errors.value and "-m quota" in lab.errors.value
    lab.rules.value = EXAMPLES["seed-rule"].ruleset
    assert lab.errors.value == ""
    lab.src.value = "192.168.1.300"
    assert "AddressError" in lab.errors.value
    lab.src.value = "192.168.1.30"
    assert lab.errors.value == "" and lab.verdict.action == "ACCEPT"
    lab.flags.value = "SX"
    assert "PacketError" in lab.errors.value
    lab.flags.value = "S"
    lab.proto.value = "icmp"
    assert lab.errors.value == "" and lab.sport.disabled and lab.flags.disabled


def test_stateful_toggle_send_and_reply():
    lab = FirewallLab("stateless-reply")
    lab.rules.value = EXAMPLES["stateful-reply"].ruleset
    lab.preset.value = "stateful-reply"
    assert lab.verdict.state == "ESTABLISHED" and lab.verdict.action == "ACCEPT"
    lab.stateful.value = False  # alone, a SYN-ACK is INVALID and the router drops it
    assert lab.verdict.state == "INVALID" and lab.verdict.action == "DROP"
    lab.forget.click()
    lab.stateful.value = True
    lab.turn.click()  # now the packet is A's SYN again
    assert lab.src.value == "192.168.1.20" and lab.flags.value == "A"
    lab.flags.value = "S"
    lab.send.click()
    lab.turn.click()
    assert lab.flags.value == "SA" and lab.verdict.state == "ESTABLISHED"
    assert "conntrack table" in lab.table.value and "SYN_SENT" in lab.table.value


def test_repr_is_stable():
    assert repr(FirewallLab("user-chain")) == "FirewallLab(preset='user-chain')"


def test_no_preset_gives_an_exercise_away():
    from netcourse.checks import firewall as check

    for name, example in EXAMPLES.items():
        same_question = (example.ruleset, example.packet) == (
            check.PREDICT_RULESET,
            check.PREDICT_PACKET,
        )
        assert not same_question, name
        assert example.ruleset.strip() != "", name


def test_rules_the_packet_never_reached_are_listed_apart():
    lab = FirewallLab("stateful-reply")
    assert "1 rule this packet never reached" in lab.result.value
    assert "--dport 443" in lab.result.value.split("never reached")[1]


def test_an_error_marks_the_verdict_on_show_as_stale_until_fixed():
    lab = FirewallLab("seed-rule")
    shown = lab.result.value
    assert lab.stale.value == "" and "netcourse-stale" not in shown
    lab.rules.value = "-A INPUT -p tcp --dport 80 -j BOGUS"
    assert "RuleError" in lab.errors.value
    assert "still showing the verdict" in lab.stale.value
    assert "tcp 192.168.1.20:40000 -&gt; 10.0.0.5:80 [S]" in lab.stale.value
    assert "netcourse-stale-result" in lab.result.value and "ACCEPT" in lab.result.value
    assert lab.verdict.action == "ACCEPT"  # the last verdict that could be worked out
    lab.rules.value = EXAMPLES["seed-rule"].ruleset
    assert lab.errors.value == "" and lab.stale.value == "" and lab.result.value == shown


BAD_RULESETS = [
    "garbage",
    "-A INPUT -p tcp --dport ８０ -j ACCEPT",
    "[0:0]",
    "*filter\n-A INPUT -j DROP",
    '-A INPUT -m comment --comment "' + "x" * 1_000_000,
    "-A INPUT -j " + "X" * 1_000_000,
]
BAD_FIELDS = [
    ("src", "not an address"),
    ("src", "1" * 1_000_000),
    ("dst", "2001:db8::1"),
    ("flags", "SYN"),
    ("flags", "x" * 100_000),
    ("in_iface", "\x00"),  # accepted: any name; the verdict follows it
]


def test_bad_rulesets_show_inline_and_the_lab_recovers():
    lab = FirewallLab("seed-rule")
    for text in BAD_RULESETS:
        lab.rules.value = text
        assert "RuleError" in lab.errors.value, text[:60]
        assert len(lab.errors.value) < 1000, text[:60]
        assert "still showing" in lab.stale.value
        lab.rules.value = EXAMPLES["seed-rule"].ruleset
        assert lab.errors.value == "" and lab.stale.value == "" and lab.verdict.action == "ACCEPT"


def test_an_empty_ruleset_is_judged_by_the_policies():
    lab = FirewallLab("seed-rule")
    lab.rules.value = ""
    assert lab.errors.value == "" and lab.verdict.decided_by == "the policy of INPUT"


def test_bad_packet_fields_show_inline_and_the_lab_recovers():
    lab = FirewallLab("seed-rule")
    for name, value in BAD_FIELDS:
        good = getattr(lab, name).value
        getattr(lab, name).value = value
        if name == "in_iface":
            assert lab.errors.value == ""
        else:
            assert "Error" in lab.errors.value and len(lab.errors.value) < 1000, name
            assert "still showing" in lab.stale.value, name
        getattr(lab, name).value = good
        assert lab.errors.value == "" and lab.stale.value == "", name
    assert lab.verdict.action == "ACCEPT"


def test_buttons_survive_bad_input():
    lab = FirewallLab("stateful-reply")
    lab.src.value = "bogus"
    lab.send.click()
    lab.turn.click()
    lab.forget.click()
    assert "AddressError" in lab.errors.value and "still showing" in lab.stale.value
    lab.src.value = "203.0.113.10"
    assert lab.errors.value == "" and lab.verdict is not None


# --- RulesetInspector: a whole machine's iptables-save output ---------------------------------


#: ufw-server.rules was recorded after `ufw allow 22/tcp`, `ufw limit ssh`, `ufw allow
#: 80,443/tcp` and `ufw allow from 198.51.100.0/24 to any port 5432` (its README): so these
#: TCP ports are open to new connections from anywhere, and 5432 only from that subnet.
UFW_SERVER_OPEN_TCP = ((22, 22), (80, 80), (443, 443))


def test_inspector_shows_graph_exposure_and_lint_of_a_shipped_ruleset():
    box = RulesetInspector("ufw-server.rules")
    assert box.errors.value == "" and box.stale.value == ""
    assert box.firewall.family == 4
    assert 'src="data:image/svg+xml;base64,PD94bW' in box.figure.value  # an SVG ("<?xm")
    assert "ufw-before-input" in box.graph_table.value
    opened = box.exposure
    anywhere = [o for o in opened if o.proto == "tcp" and o.source_text == "anywhere"]
    assert [p for o in anywhere for p in o.ports] == list(UFW_SERVER_OPEN_TCP)
    assert "198.51.100.0/24" in box.open_table.value
    assert box.lint_report.value
    assert "iptables-save output (IPv4)" in box.summary.value


def test_every_shipped_ruleset_loads_with_its_family():
    for name in shipped_rulesets():
        box = RulesetInspector(name)
        assert box.errors.value == "", (name, box.errors.value)
        assert box.firewall.family == (6 if name.endswith(".rules6") else 4), name
        assert box.trace.value, name
        if box.firewall.family == 6:
            assert "icmpv6" in box.proto.options and ":" in box.src.value
        else:
            assert box.open_errors.value == "" and box.open_table.value, name


def test_exposure_of_every_ip6tables_ruleset_shows_without_error():
    for name in shipped_rulesets():
        if name.endswith(".rules6"):
            box = RulesetInspector(name)
            assert box.open_errors.value == "", (name, box.open_errors.value)


def test_the_summary_counts_each_tables_rules():
    box = RulesetInspector("docker-bridge.rules")
    text = data_path("rulesets", "docker-bridge.rules").read_text()
    tables, current = {}, None
    for line in text.splitlines():  # counted from the file itself
        if line.startswith("*"):
            current = line[1:]
            tables[current] = 0
        elif line.startswith("-A "):
            tables[current] += 1
    assert len(tables) == 3
    for name, count in tables.items():
        assert f"{name} ({count} rule{'' if count == 1 else 's'})" in box.summary.value


def test_pasted_text_reads_its_family_from_the_generated_by_line():
    text = data_path("rulesets", "docker-bridge.rules6").read_text()
    assert "# Generated by ip6tables-save" in text
    box = RulesetInspector("")
    assert box.firewall is None and box.errors.value == ""  # empty: told what to paste
    assert "sudo iptables-save" in box.summary.value
    box.text.value = text
    assert box.errors.value == "" and box.firewall.family == 6
    assert "ip6tables-save output (IPv6)" in box.summary.value


def test_a_bad_paste_shows_the_rule_error_inline_marks_results_stale_and_recovers():
    box = RulesetInspector("ufw-server.rules")
    good = box.text.value
    box.text.value = good.replace("-j ufw-before-input", "-j BOGUS", 1)
    assert "RuleError" in box.errors.value and "BOGUS" in box.errors.value
    assert "still showing" in box.stale.value
    assert "netcourse-stale-result" in box.open_table._dom_classes
    for view in (box.summary, box.figure, box.graph_table, box.open_table, box.lint_report):
        assert "opacity:0.45" in view.value  # greyed out on screen too
    assert box.exposure.ports("tcp")[:3] == UFW_SERVER_OPEN_TCP  # the old result, marked
    assert "22, 80, 443" in box.open_table.value
    box.text.value = good
    assert box.errors.value == "" and box.stale.value == ""
    assert "netcourse-stale-result" not in box.open_table._dom_classes
    assert "opacity" not in box.open_table.value


def test_trace_without_interfaces_evaluates_the_chosen_chain():
    # arch-stateful.rules opens 22, 80 and 443/tcp and ends its TCP chain with a tcp-reset
    box = RulesetInspector("arch-stateful.rules")
    assert not box.chain.disabled
    box.proto.value, box.dport.value, box.flags.value = "tcp", 443, "S"
    assert box.result.action == "ACCEPT"
    assert "netcourse-verdict" in box.trace.value and "ACCEPT" in box.trace.value
    box.dport.value = 3306
    assert box.result.action == "REJECT" and "REJECT" in box.trace.value
    box.chain.value = "OUTPUT"  # the arch ruleset lets everything out
    assert box.result.action == "ACCEPT"


def test_ufw_needs_the_machines_addresses_to_call_a_packet_local():
    # ufw-not-local drops what is not addressed to a LOCAL address: without interfaces only
    # lo's addresses are local, so the trace asks for them
    box = RulesetInspector("ufw-server.rules")
    box.dport.value = 443
    assert box.result.action == "DROP"
    box.interfaces.value = "eth0=198.18.0.2/24"
    assert box.result.action == "ACCEPT" and box.result.delivered == "local"


def test_trace_with_interfaces_traverses_every_table():
    box = RulesetInspector(
        "openwrt-fw3.rules", interfaces="br-lan=192.0.2.1/24, wan=203.0.113.2/24"
    )
    assert box.errors.value == "" and box.chain.disabled
    box.src.value, box.dst.value = "203.0.113.66", "203.0.113.2"
    box.in_iface.value, box.out_iface.value = "wan", "br-lan"
    box.proto.value, box.dport.value, box.flags.value = "tcp", 8080, "S"
    result = box.result
    assert result.delivered == "forwarded" and result.packet.dst == "192.0.2.10"
    assert "nat" in box.trace.value and "PREROUTING" in box.trace.value


def test_bad_packet_fields_show_inline_only_in_the_trace_and_recover():
    box = RulesetInspector("ufw-server.rules")
    box.src.value = "203.0.113.500"
    assert "AddressError" in box.trace_errors.value and "203.0.113.500" in box.trace_errors.value
    assert "still showing" in box.trace_stale.value
    assert "netcourse-stale-result" in box.trace._dom_classes and "opacity" in box.trace.value
    assert box.errors.value == ""  # the ruleset is fine
    box.src.value = "203.0.113.5"
    assert box.trace_errors.value == "" and box.trace_stale.value == ""
    box.flags.value = "SZ"
    assert "PacketError" in box.trace_errors.value and "Z" in box.trace_errors.value
    box.flags.value = "S"
    assert box.trace_errors.value == ""


def test_bad_interfaces_show_inline_and_recover():
    box = RulesetInspector("ufw-server.rules")
    box.interfaces.value = "eth0"
    assert "name=address" in box.errors.value
    box.interfaces.value = "eth0=198.18.0.300"
    assert "198.18.0.300" in box.errors.value
    box.interfaces.value = "eth0=198.18.0.2/24"
    assert box.errors.value == "" and box.summary.value.endswith("eth0</div>")
    assert box.result.delivered == "local"


def test_read_interface_text():
    assert read_interface_text("  ") is None
    assert read_interface_text("eth0=198.18.0.2/24 fd00::2/64") == {
        "eth0": ("198.18.0.2/24", "fd00::2/64")
    }
    for bad in ["eth0", "=198.18.0.2", "eth0=", "eth0=1.2.3.4, eth0=1.2.3.5"]:
        try:
            read_interface_text(bad)
        except Exception as exc:
            assert type(exc).__name__ == "RuleError", bad
        else:
            raise AssertionError(bad)


def test_inspector_repr_is_stable():
    assert repr(RulesetInspector("ufw-server.rules")) == "RulesetInspector('ufw-server.rules')"
    assert repr(RulesetInspector("")) == "RulesetInspector('(pasted)')"


# --- what the lab shows about state, history and interfaces ----------------------------------


def _sent_before(lab) -> str:
    """The lab's list of the packets sent before the one on show."""
    return lab.table.value.split("sent before this packet:")[1].split("</ol>")[0]


def test_send_judges_the_packet_after_those_sent_before_it_not_after_itself():
    lab = FirewallLab("stateful-reply")
    lab.forget.click()
    lab.turn.click()
    lab.flags.value = "S"  # A's SYN, nothing sent yet
    syn = lab.packet().describe().replace(">", "&gt;")
    lab.send.click()
    assert syn not in _sent_before(lab) and "(nothing yet)" in _sent_before(lab)
    assert lab.verdict.state == "NEW" and lab.verdict.action == "ACCEPT"
    assert "conntrack table before this packet:</p><ul><li>(empty)" in lab.table.value
    lab.send.click()  # sent a second time: now the first one was sent before it
    assert _sent_before(lab).count(syn) == 1
    lab.turn.click()  # B's SYN-ACK, after the two SYNs
    assert _sent_before(lab).count(syn) == 2 and lab.verdict.state == "ESTABLISHED"
    lab.flags.value = "SA"  # any edit: the packet on show is a new one, judged after all
    assert _sent_before(lab).count(syn) == 2


def test_input_packets_have_no_out_interface_and_output_packets_no_in_interface():
    lab = FirewallLab("seed-rule")  # an INPUT preset
    assert lab.chain.value == "INPUT"
    assert lab.out_iface.disabled and lab.out_iface.value == ""
    assert lab.packet().out_iface is None and lab.verdict.packet.out_iface is None
    assert lab.packet().in_iface == "eth0" and not lab.in_iface.disabled
    lab.chain.value = "FORWARD"  # a routed packet has both again
    assert not lab.out_iface.disabled and lab.packet().out_iface == "eth1"
    lab.chain.value = "OUTPUT"
    assert lab.in_iface.disabled and lab.in_iface.value == ""
    assert lab.packet().in_iface is None and lab.packet().out_iface == "eth1"
    assert lab.errors.value == ""


def test_the_reply_to_an_input_packet_leaves_by_output_on_the_interface_it_came_in():
    lab = FirewallLab("seed-rule")
    lab.in_iface.value = "wan0"
    lab.turn.click()
    assert lab.chain.value == "OUTPUT" and lab.errors.value == ""
    answer = lab.packet()
    assert (answer.in_iface, answer.out_iface) == (None, "wan0")
    assert (answer.src, answer.dport) == ("10.0.0.5", 40000)
    lab.turn.click()
    assert lab.chain.value == "INPUT" and lab.packet().in_iface == "wan0"
    assert lab.packet().out_iface is None


def test_a_stateless_ruleset_shows_no_conntrack_state_or_table_even_when_sent():
    lab = FirewallLab("stateless-unsolicited")
    assert "conntrack state <b>" not in lab.result.value
    assert "no rule reads conntrack state" in lab.result.value
    lab.preset.value = "stateless-reply"
    lab.send.click()  # switches stateful on: the ruleset still reads no state
    lab.turn.click()
    assert lab.stateful.value and "conntrack table" not in lab.table.value
    assert (
        "ESTABLISHED" not in lab.table.value and "each packet was judged alone" in lab.table.value
    )
    assert "conntrack state <b>" not in lab.result.value
    lab.preset.value = "stateful-reply"  # a stateful ruleset shows both
    assert "conntrack state <b>ESTABLISHED</b>" in lab.result.value
    assert "conntrack table before this packet" in lab.table.value


def test_the_new_presets_show_their_lesson_cases():
    lab = FirewallLab("stateless-no-syn")
    assert lab.verdict.action == "ACCEPT" and lab.flags.value == "A"
    lab.flags.value = "S"
    assert lab.verdict.action == "DROP"
    assert "no rule reads conntrack state" in lab.result.value


def test_the_inspectors_trace_gives_an_input_packet_no_out_interface():
    box = RulesetInspector("arch-stateful.rules")  # no interfaces: one filter chain
    box.chain.value = "INPUT"
    assert box.result.packet.out_iface is None and box.out_iface.disabled
    assert box.result.packet.in_iface == "eth0" and not box.in_iface.disabled
    box.chain.value = "OUTPUT"
    assert box.result.packet.in_iface is None and box.in_iface.disabled
    assert not box.out_iface.disabled
    box.chain.value = "FORWARD"
    assert (box.result.packet.in_iface, box.result.packet.out_iface) == ("eth0", "eth1")
    assert box.trace_errors.value == ""
