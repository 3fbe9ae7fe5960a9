"""The lab widget, headless: presets, packet building, stateful replies, errors inline."""

from netcourse.firewall.examples import EXAMPLES
from netcourse.widgets.firewall import FirewallLab


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
