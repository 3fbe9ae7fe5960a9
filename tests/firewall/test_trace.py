"""Verdicts, traces and replays as text and HTML: nothing a rule holds reaches a page unescaped."""

from netcourse.firewall import Firewall, Packet, lint
from netcourse.firewall.trace import TraceStep, Verdict, trace_table, verdict_heading
from netcourse.style import PALETTE, VERDICT_COLOURS
from netcourse.widgets.firewall import verdict_html

SCRIPT = "<script>alert(1)</script>"
EVIL = [
    "-N <b>x</b>",  # a chain name iptables accepts: any characters, up to 28
    f'-A INPUT -m comment --comment "{SCRIPT}" -j <b>x</b>',
    f'-A <b>x</b> -m comment --comment "{SCRIPT}" -j DROP',
]


def assert_escaped(html: str) -> None:
    assert "<table" in html and "&lt;table" not in html, html  # escaped once, not twice
    assert SCRIPT not in html and "<b>x</b>" not in html, html
    assert "&lt;script&gt;" in html or "&lt;b&gt;x&lt;/b&gt;" in html, html


def test_chain_names_and_comments_are_escaped_everywhere():
    fw = Firewall.from_iptables(EVIL)
    pkt = Packet("tcp", src="192.0.2.1", dst="192.0.2.2")
    verdict = fw.evaluate(pkt)
    assert (verdict.action, verdict.chain) == ("DROP", "<b>x</b>")
    assert_escaped(fw._repr_html_())
    assert_escaped(verdict._repr_html_())
    assert_escaped(fw.trace_html(verdict))
    assert_escaped(fw.replay([pkt])._repr_html_())
    assert_escaped(verdict_html(verdict, fw))
    report = lint([*EVIL, "-A <b>x</b> -j DROP"])  # rule 2 of <b>x</b> is never tried
    assert any(f.chain == "<b>x</b>" for f in report)
    assert_escaped(report._repr_html_())


def test_the_deciding_row_is_marked_and_the_verdict_has_its_colour():
    fw = Firewall.from_iptables(["-A INPUT -p udp -j ACCEPT", "-A INPUT -j REJECT"])
    verdict = fw.evaluate(Packet("tcp", src="192.0.2.1", dst="192.0.2.2"))
    rows = trace_table(verdict.trace, (verdict.chain, verdict.rule_number)).split("<tr")
    marked = [row for row in rows if f"background:{PALETTE['yellow']}" in row]
    assert len(marked) == 1 and "netcourse-deciding" in marked[0] and "REJECT" in marked[0]
    assert f"color:{VERDICT_COLOURS['REJECT']}" in verdict_heading(verdict)
    assert "answered with icmp-port-unreachable" in verdict_heading(verdict)


def test_a_step_reason_is_worked_out_when_read():
    calls = []
    step = TraceStep(
        chain="INPUT",
        number=2,
        rule="-A INPUT -j DROP",
        matched=True,
        why=lambda: calls.append(1) or "because",
    )
    assert calls == [] and step.reason == "because" and calls == [1]
    assert repr(step) == "TraceStep(INPUT #2 yes: -A INPUT -j DROP  [because])"
    assert (
        repr(Verdict(action="ACCEPT", chain="INPUT", rule_number=None, trace=()))
        == "Verdict(ACCEPT by the policy of INPUT, state NEW)"
    )


def test_a_replay_shows_states_and_the_table_only_when_a_rule_reads_conntrack():
    syn = Packet("tcp", src="198.18.0.1", dst="198.18.1.1", dport=443)
    stateless = Firewall.from_iptables(["-P FORWARD DROP", "-A FORWARD -p tcp -j ACCEPT"])
    replay = stateless.replay([syn, syn.reply()], chain="FORWARD")
    assert not replay.stateful and replay.actions == ["ACCEPT", "ACCEPT"]
    for shown in (repr(replay), replay._repr_html_()):
        assert "conntrack table" not in shown and "ESTABLISHED" not in shown and "NEW" not in shown
        assert "each packet was judged alone" in shown
    assert "ACCEPT by rule 1 of FORWARD" in repr(replay)
    stateful = Firewall.from_iptables(
        ["-P FORWARD DROP", "-A FORWARD -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT"]
    )
    replay = stateful.replay([syn, syn.reply()], chain="FORWARD")
    assert replay.stateful
    for shown in (repr(replay), replay._repr_html_()):
        assert "conntrack table" in shown and "ESTABLISHED" in shown


def test_a_verdict_shows_the_state_only_when_a_rule_reads_conntrack():
    syn = Packet("tcp", src="198.18.0.1", dst="198.18.1.1", dport=443)
    stateless = Firewall.from_iptables(["-P FORWARD DROP", "-A FORWARD -p tcp -j ACCEPT"])
    verdict = stateless.evaluate(syn, chain="FORWARD")
    assert not verdict.stateful and verdict.state == "NEW"  # conntrack still classifies it
    assert repr(verdict) == "Verdict(ACCEPT by rule 1 of FORWARD, judged alone)"
    html = verdict._repr_html_()
    assert "conntrack state <b>" not in html and "NEW" not in html
    assert "no rule reads conntrack state: the packet was judged alone" in html
    stateful = Firewall.from_iptables(
        ["-P FORWARD DROP", "-A FORWARD -m conntrack --ctstate NEW -j ACCEPT"]
    )
    verdict = stateful.evaluate(syn, chain="FORWARD")
    assert verdict.stateful and repr(verdict) == "Verdict(ACCEPT by rule 1 of FORWARD, state NEW)"
    assert "conntrack state <b>NEW</b>" in verdict._repr_html_()
    dropped = stateful.evaluate(syn.reply(), chain="FORWARD")  # a lone SYN-ACK, by the policy
    assert repr(dropped) == "Verdict(DROP by the policy of FORWARD, state INVALID)"


def test_reads_conntrack_knows_every_match_and_target_that_does():
    reading = [
        "-A INPUT -m conntrack --ctstate NEW -j ACCEPT",
        "-A INPUT -m state --state ESTABLISHED -j ACCEPT",
        "-A INPUT -m conntrack --ctorigdstport 80 -j ACCEPT",
        "-A INPUT -m connmark --mark 1 -j ACCEPT",
        "-A INPUT -j CONNMARK --restore-mark",
    ]
    for rule in reading:
        assert Firewall.from_iptables(rule).reads_conntrack, rule
    blind = ["-A INPUT -p tcp --syn -j DROP", "-A INPUT -m mark --mark 1 -j ACCEPT", ""]
    for rule in blind:
        assert not Firewall.from_iptables(rule).reads_conntrack, rule
