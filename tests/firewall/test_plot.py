"""The rule-hits figure: one bar per terminal rule and the policy, lengths from evaluate."""

from collections import Counter

from netcourse.firewall.examples import EXAMPLES, lan_traffic
from netcourse.plots.firewall import rule_hits_figure


def test_bars_count_the_packets_each_rule_decides():
    fw = EXAMPLES["shadowed-rule"].firewall()
    packets = lan_traffic(300)
    fig = rule_hits_figure(fw, packets)
    ax = fig.axes[0]
    labels = [label.get_text() for label in ax.get_yticklabels()]
    widths = [patch.get_width() for patch in ax.patches[: len(labels)]]
    counted = Counter()
    for pkt in packets:
        verdict = fw.evaluate(pkt)
        counted[(verdict.chain, verdict.rule_number)] += 1
    expected = [counted[(rule.chain, rule.number)] for rule in fw.ruleset.rules() if rule.terminal]
    expected.append(counted[("INPUT", None)])
    assert widths == expected
    shadowed = next(i for i, text in enumerate(labels) if "192.168.1.66" in text)
    assert widths[shadowed] == 0  # the rule lint calls shadowed decides nothing
    assert ax.get_xlabel() == "packets decided (of 300)"
