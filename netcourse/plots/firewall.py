"""Figures for notebooks/04-firewalls.ipynb: how many packets each rule decides.

>>> from netcourse.firewall import Firewall, Packet, PacketBatch
>>> fw = Firewall.from_iptables(["-P INPUT DROP", "-A INPUT -p udp -j ACCEPT"])
>>> batch = PacketBatch.from_packets([Packet("udp", src="192.0.2.1", dst="192.0.2.2"),
...                                   Packet("tcp", src="192.0.2.1", dst="192.0.2.2")])
>>> fig = rule_hits_figure(fw, batch)
>>> [label.get_text() for label in fig.axes[0].get_yticklabels()]
['INPUT 1: -A INPUT -p udp -j ACCEPT', 'INPUT policy DROP']
"""

from __future__ import annotations

import numpy as np

from netcourse.firewall import Firewall, PacketBatch
from netcourse.plots.style import new_figure
from netcourse.style import VERDICT_COLOURS

__all__ = ["rule_hits_figure", "ACTION_COLOURS"]

#: One colour per verdict (the course's verdict colours, shared with the widgets).
ACTION_COLOURS = VERDICT_COLOURS
LABEL_WIDTH = 60


def rule_hits_figure(fw: Firewall, batch, *, chain: str = "INPUT"):
    """A bar per terminal rule (and the policy): how many packets of ``batch`` it decides.

    Rules that decide nothing show an empty bar: with real traffic, a hint that lint may
    call them shadowed or redundant. Taught in notebooks/04-firewalls.ipynb.
    """
    if not isinstance(batch, PacketBatch):
        batch = PacketBatch.from_packets(batch)
    result = fw.evaluate_batch(batch, chain=chain)
    rows = []  # (label, count, action)
    for rule in fw.ruleset.rules():
        if rule.terminal:
            hits = (result.chain == rule.chain) & (result.rule_number == rule.number)
            text = (
                rule.text if len(rule.text) <= LABEL_WIDTH else rule.text[: LABEL_WIDTH - 3] + "..."
            )
            rows.append((f"{rule.chain} {rule.number}: {text}", int(hits.sum()), rule.target))
    policy = fw.chains[chain].policy
    by_policy = int(((result.chain == chain) & (result.rule_number == 0)).sum())
    rows.append((f"{chain} policy {policy}", by_policy, policy))
    fig, ax = new_figure(9, 0.45 * len(rows) + 1.2)
    positions = np.arange(len(rows))[::-1]
    ax.barh(positions, [r[1] for r in rows], color=[ACTION_COLOURS[r[2]] for r in rows])
    ax.set_yticks(positions, [r[0] for r in rows], fontsize=8)
    ax.set_xlabel(f"packets decided (of {len(batch)})")
    ax.set_title(f"Which rule decides each packet entering {chain}")
    handles = [ax.bar(0, 0, color=colour, label=name) for name, colour in ACTION_COLOURS.items()]
    ax.legend(handles=handles, loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig
